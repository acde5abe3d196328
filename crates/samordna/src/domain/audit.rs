//! The audit log's hash chain: each event's hash covers its own content and the previous event's
//! hash, so changing, removing or reordering an event breaks every link after it.

use chrono::SecondsFormat;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::time::Timestamp;

/// The hash the first event links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied].into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "Lyckades",
            Outcome::Failure => "Misslyckades",
            Outcome::Denied => "Nekad",
        }
    }
}

/// What an audit event records that someone did. The code is stored; the label is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    Logout,
    SessionExpired,
    PasswordChange,
    UserCreate,
    TokenCreate,
    MemberCreate,
    DemoLoad,
    ApplicationCreate,
    ApplicationUpdate,
    ApplicationSign,
    ApplicationSubmit,
    ApplicationCompletionRequest,
    ApplicationAttachmentAdd,
    AgreementPublish,
    PreparationSave,
    ClauseLibrarySave,
    MeetingCreate,
    MeetingUpdate,
    MeetingAttest,
    DecisionRecord,
    AgreementSign,
    AgreementTemplateSave,
    ParticipantList,
    ParticipantRead,
    ParticipantReveal,
    ParticipantCreate,
    ParticipantStep,
    ParticipantMeasure,
    ParticipantExit,
    ParticipantConsentWithdraw,
    ParticipantExport,
    ParticipantImport,
    ParticipantPurge,
    CaseWorkersAssign,
    FollowUpSave,
    FollowUpAssociationSave,
    AllocationSave,
    ContributionKeySave,
    BudgetSave,
    EconomySettingsSave,
    RequisitionCreate,
    RequisitionReview,
    ReportSettingsSave,
    ReportSave,
    ReportSubmit,
    ReportReview,
    DeviationCreate,
    DeviationHandle,
    ReminderSend,
    PopulationSave,
}

impl Action {
    pub const ALL: [Action; 51] = [
        Action::Login,
        Action::Logout,
        Action::SessionExpired,
        Action::PasswordChange,
        Action::UserCreate,
        Action::TokenCreate,
        Action::MemberCreate,
        Action::DemoLoad,
        Action::ApplicationCreate,
        Action::ApplicationUpdate,
        Action::ApplicationSign,
        Action::ApplicationSubmit,
        Action::ApplicationCompletionRequest,
        Action::ApplicationAttachmentAdd,
        Action::AgreementPublish,
        Action::PreparationSave,
        Action::ClauseLibrarySave,
        Action::MeetingCreate,
        Action::MeetingUpdate,
        Action::MeetingAttest,
        Action::DecisionRecord,
        Action::AgreementSign,
        Action::AgreementTemplateSave,
        Action::ParticipantList,
        Action::ParticipantRead,
        Action::ParticipantReveal,
        Action::ParticipantCreate,
        Action::ParticipantStep,
        Action::ParticipantMeasure,
        Action::ParticipantExit,
        Action::ParticipantConsentWithdraw,
        Action::ParticipantExport,
        Action::ParticipantImport,
        Action::ParticipantPurge,
        Action::CaseWorkersAssign,
        Action::FollowUpSave,
        Action::FollowUpAssociationSave,
        Action::AllocationSave,
        Action::ContributionKeySave,
        Action::BudgetSave,
        Action::EconomySettingsSave,
        Action::RequisitionCreate,
        Action::RequisitionReview,
        Action::ReportSettingsSave,
        Action::ReportSave,
        Action::ReportSubmit,
        Action::ReportReview,
        Action::DeviationCreate,
        Action::DeviationHandle,
        Action::ReminderSend,
        Action::PopulationSave,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Login => "auth.login",
            Action::Logout => "auth.logout",
            Action::SessionExpired => "auth.session_expired",
            Action::PasswordChange => "user.password_change",
            Action::UserCreate => "user.create",
            Action::TokenCreate => "token.create",
            Action::MemberCreate => "member.create",
            Action::DemoLoad => "demo.load",
            Action::ApplicationCreate => "application.create",
            Action::ApplicationUpdate => "application.update",
            Action::ApplicationSign => "application.sign",
            Action::ApplicationSubmit => "application.submit",
            Action::ApplicationCompletionRequest => "application.completion_request",
            Action::ApplicationAttachmentAdd => "application.attachment_add",
            Action::AgreementPublish => "agreement.publish",
            Action::PreparationSave => "preparation.save",
            Action::ClauseLibrarySave => "clause_library.save",
            Action::MeetingCreate => "meeting.create",
            Action::MeetingUpdate => "meeting.update",
            Action::MeetingAttest => "meeting.attest",
            Action::DecisionRecord => "decision.record",
            Action::AgreementSign => "intervention.agreement_sign",
            Action::AgreementTemplateSave => "agreement_template.save",
            Action::ParticipantList => "participant.list",
            Action::ParticipantRead => "participant.read",
            Action::ParticipantReveal => "participant.reveal",
            Action::ParticipantCreate => "participant.create",
            Action::ParticipantStep => "participant.step",
            Action::ParticipantMeasure => "participant.measure",
            Action::ParticipantExit => "participant.exit",
            Action::ParticipantConsentWithdraw => "participant.consent_withdraw",
            Action::ParticipantExport => "participant.export",
            Action::ParticipantImport => "participant.import",
            Action::ParticipantPurge => "participant.purge",
            Action::CaseWorkersAssign => "intervention.case_workers",
            Action::FollowUpSave => "intervention.follow_up",
            Action::FollowUpAssociationSave => "association.follow_up",
            Action::AllocationSave => "economy.allocation",
            Action::ContributionKeySave => "economy.key",
            Action::BudgetSave => "economy.budget",
            Action::EconomySettingsSave => "economy.settings",
            Action::RequisitionCreate => "requisition.create",
            Action::RequisitionReview => "requisition.review",
            Action::ReportSettingsSave => "report.settings",
            Action::ReportSave => "report.save",
            Action::ReportSubmit => "report.submit",
            Action::ReportReview => "report.review",
            Action::DeviationCreate => "deviation.create",
            Action::DeviationHandle => "deviation.handle",
            Action::ReminderSend => "reminder.send",
            Action::PopulationSave => "economy.populations",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Login => "Inloggning",
            Action::Logout => "Utloggning",
            Action::SessionExpired => "Inloggning avslutad (tidsgräns)",
            Action::PasswordChange => "Byte av lösenord",
            Action::UserCreate => "Ny användare",
            Action::TokenCreate => "Ny API-nyckel",
            Action::MemberCreate => "Ny medlem",
            Action::DemoLoad => "Demodata inlästa",
            Action::ApplicationCreate => "Ny ansökan",
            Action::ApplicationUpdate => "Ansökan ändrad",
            Action::ApplicationSign => "Ansökan undertecknad",
            Action::ApplicationSubmit => "Ansökan inlämnad",
            Action::ApplicationCompletionRequest => "Komplettering begärd",
            Action::ApplicationAttachmentAdd => "Bilaga tillagd",
            Action::AgreementPublish => "Ny överenskommelsetext",
            Action::PreparationSave => "Beredning sparad",
            Action::ClauseLibrarySave => "Att-satser ändrade",
            Action::MeetingCreate => "Nytt sammanträde",
            Action::MeetingUpdate => "Protokoll ändrat",
            Action::MeetingAttest => "Protokoll justerat",
            Action::DecisionRecord => "Beslut fattat",
            Action::AgreementSign => "Överenskommelse undertecknad",
            Action::AgreementTemplateSave => "Mall för överenskommelse ändrad",
            Action::ParticipantList => "Deltagarlista läst",
            Action::ParticipantRead => "Deltagare läst",
            Action::ParticipantReveal => "Personnummer visat",
            Action::ParticipantCreate => "Deltagare registrerad",
            Action::ParticipantStep => "Steg registrerat",
            Action::ParticipantMeasure => "Mätning registrerad",
            Action::ParticipantExit => "Deltagare avslutad",
            Action::ParticipantConsentWithdraw => "Samtycke återkallat",
            Action::ParticipantExport => "Registerutdrag",
            Action::ParticipantImport => "Deltagare importerade",
            Action::ParticipantPurge => "Personuppgifter gallrade",
            Action::CaseWorkersAssign => "Deltagaransvariga tilldelade",
            Action::FollowUpSave => "Uppföljningsinställningar ändrade",
            Action::FollowUpAssociationSave => "Förbundets uppföljningsinställningar ändrade",
            Action::AllocationSave => "Tilldelning sparad",
            Action::ContributionKeySave => "Fördelningsnyckel sparad",
            Action::BudgetSave => "Förbundsbudget sparad",
            Action::EconomySettingsSave => "Ekonomiinställningar sparade",
            Action::RequisitionCreate => "Rekvisition inlämnad",
            Action::RequisitionReview => "Rekvisition behandlad",
            Action::ReportSettingsSave => "Rapportinställningar sparade",
            Action::ReportSave => "Rapport sparad",
            Action::ReportSubmit => "Rapport inlämnad",
            Action::ReportReview => "Rapport granskad",
            Action::DeviationCreate => "Avvikelse rapporterad",
            Action::DeviationHandle => "Avvikelse behandlad",
            Action::ReminderSend => "Påminnelse skickad",
            Action::PopulationSave => "Befolkningstal sparade",
        }
    }
}

/// Everything an event records. Never participants' personal data, never secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContent {
    pub occurred_at: Timestamp,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub association_id: Option<i64>,
    pub member_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub client_addr: Option<String>,
    pub outcome: Outcome,
    pub details: Option<String>,
}

/// The fixed form that is hashed: field order and time format never change.
#[derive(Serialize)]
struct Canonical<'a> {
    id: i64,
    occurred_at: String,
    actor_user_id: Option<i64>,
    actor_role: Option<&'a str>,
    association_id: Option<i64>,
    member_id: Option<i64>,
    action: &'a str,
    object_type: Option<&'a str>,
    object_id: Option<&'a str>,
    client_addr: Option<&'a str>,
    outcome: &'a str,
    details: Option<&'a str>,
}

pub fn chain_hash(prev_hash: &str, id: i64, e: &AuditContent) -> String {
    let canonical = Canonical {
        id,
        occurred_at: e.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor_user_id: e.actor_user_id,
        actor_role: e.actor_role.as_deref(),
        association_id: e.association_id,
        member_id: e.member_id,
        action: &e.action,
        object_type: e.object_type.as_deref(),
        object_id: e.object_id.as_deref(),
        client_addr: e.client_addr.as_deref(),
        outcome: e.outcome.code(),
        details: e.details.as_deref(),
    };
    let json = serde_json::to_string(&canonical).expect("plain data serialises");
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(json.as_bytes());
    hex::encode(hasher.finalize())
}

/// Where a chain first fails to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenLink {
    /// The event's stored hash is not the hash of its content and its predecessor.
    HashMismatch { id: i64 },
    /// The event does not point at the hash of the event before it.
    PrevMismatch { id: i64 },
    /// Events are missing before this one.
    Gap { expected: i64, found: i64 },
    /// The chain ends before the last event the log recorded.
    Truncated { last_recorded: i64, last_found: i64 },
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BrokenLink::HashMismatch { id } => {
                write!(f, "event {id} has been changed: its hash does not match its content")
            }
            BrokenLink::PrevMismatch { id } => {
                write!(f, "event {id} does not link to the event before it (an event was changed, removed or inserted)")
            }
            BrokenLink::Gap { expected, found } => {
                write!(f, "events {expected} to {} are missing", found - 1)
            }
            BrokenLink::Truncated { last_recorded, last_found } => {
                write!(
                    f,
                    "the log ends at event {last_found} but event {last_recorded} was written: events were removed"
                )
            }
        }
    }
}

/// Checks events in id order; feed it every event, then call `finish`.
pub struct ChainVerifier {
    prev_hash: String,
    expected_id: i64,
    pub checked: u64,
    pub broken: Option<BrokenLink>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS_HASH.to_string(), expected_id: 1, checked: 0, broken: None }
    }
}

impl ChainVerifier {
    /// Returns false once a broken link is found (no need to read further).
    pub fn feed(&mut self, id: i64, content: &AuditContent, prev_hash: &str, hash: &str) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.checked += 1;
        if id != self.expected_id {
            self.broken = Some(BrokenLink::Gap { expected: self.expected_id, found: id });
        } else if prev_hash != self.prev_hash {
            self.broken = Some(BrokenLink::PrevMismatch { id });
        } else if chain_hash(prev_hash, id, content) != hash {
            self.broken = Some(BrokenLink::HashMismatch { id });
        }
        self.prev_hash = hash.to_string();
        self.expected_id = id + 1;
        self.broken.is_none()
    }

    /// Compares the end of the chain with what the log's head says was last written.
    pub fn finish(&mut self, head_last_id: i64, head_last_hash: &str) {
        if self.broken.is_none() && (head_last_id != self.expected_id - 1 || head_last_hash != self.prev_hash) {
            self.broken = Some(BrokenLink::Truncated { last_recorded: head_last_id, last_found: self.expected_id - 1 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(action: &str) -> AuditContent {
        AuditContent {
            occurred_at: chrono::Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
            actor_user_id: Some(7),
            actor_role: Some("association_admin".into()),
            association_id: Some(1),
            member_id: None,
            action: action.into(),
            object_type: Some("user".into()),
            object_id: Some("12".into()),
            client_addr: Some("127.0.0.1".into()),
            outcome: Outcome::Success,
            details: None,
        }
    }

    fn chain(n: i64) -> Vec<(i64, AuditContent, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|id| {
                let e = event(&format!("action.{id}"));
                let h = chain_hash(&prev, id, &e);
                let row = (id, e, prev.clone(), h.clone());
                prev = h;
                row
            })
            .collect()
    }

    fn verify(rows: &[(i64, AuditContent, String, String)], head: (i64, &str)) -> Option<BrokenLink> {
        let mut v = ChainVerifier::default();
        for (id, e, p, h) in rows {
            if !v.feed(*id, e, p, h) {
                break;
            }
        }
        v.finish(head.0, head.1);
        v.broken
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let rows = chain(5);
        let last = rows.last().unwrap().3.clone();
        assert_eq!(verify(&rows, (5, &last)), None);
    }

    #[test]
    fn a_changed_event_is_found() {
        let mut rows = chain(5);
        let last = rows.last().unwrap().3.clone();
        rows[2].1.action = "something.else".into();
        assert_eq!(verify(&rows, (5, &last)), Some(BrokenLink::HashMismatch { id: 3 }));
    }

    #[test]
    fn a_removed_event_is_found() {
        let mut rows = chain(5);
        let last = rows.last().unwrap().3.clone();
        rows.remove(1);
        assert_eq!(verify(&rows, (5, &last)), Some(BrokenLink::Gap { expected: 2, found: 3 }));
    }

    #[test]
    fn a_rehashed_event_breaks_the_next_link() {
        let mut rows = chain(5);
        let last = rows.last().unwrap().3.clone();
        rows[2].1.action = "forged".into();
        rows[2].3 = chain_hash(&rows[2].2, 3, &rows[2].1);
        assert_eq!(verify(&rows, (5, &last)), Some(BrokenLink::PrevMismatch { id: 4 }));
    }

    #[test]
    fn removed_last_events_are_found() {
        let mut rows = chain(5);
        let last = rows.last().unwrap().3.clone();
        rows.truncate(3);
        assert_eq!(verify(&rows, (5, &last)), Some(BrokenLink::Truncated { last_recorded: 5, last_found: 3 }));
    }
}
