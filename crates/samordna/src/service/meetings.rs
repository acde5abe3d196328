//! Meetings of the committee and the board: agenda with section numbers, minutes with conflicts
//! of interest, the board's decisions, attestation and the extract per case. A grant starts the
//! intervention and writes its agreement in the same transaction.

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::audit::Action;
use crate::domain::meeting::{
    agreement_text, check_grant, minutes_text, AgreementFacts, Applied, Body, GrantTerms, Outcome,
    DEFAULT_AGREEMENT_TEMPLATE,
};
use crate::domain::money::Money;
use crate::domain::proposal::{fill, grant_values, ClauseKind, ProposalContent};
use crate::domain::role::Role;
use crate::domain::time::{self, Timestamp};
use crate::storage::interventions::{self as intervention_store, NewIntervention};
use crate::storage::meetings::{self as store, DecisionRow, ItemRow, MeetingRow, MeetingWrite, NewDecision, NewItem};
use crate::storage::{members as member_store, preparations as preparation_store, Db, Page, Tx};

use super::applications::{self as applications, Status};
use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// What the caller may do with the association's meetings.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeetingAccess {
    /// The office: plans meetings, keeps the minutes, records decisions.
    pub edit: bool,
    /// Board members and the director attest the minutes.
    pub attest: bool,
    /// The board and the auditors read.
    pub read: bool,
}

pub fn access(p: &Principal, association_id: i64) -> MeetingAccess {
    let mut a = MeetingAccess::default();
    for g in &p.grants {
        let here = g.association_id == Some(association_id);
        match g.role {
            Role::SystemAdmin => a.edit = true,
            Role::AssociationAdmin | Role::CaseOfficer if here => a.edit = true,
            Role::Director if here => {
                a.edit = true;
                a.attest = true;
            }
            Role::BoardMember if here => a.attest = true,
            Role::Auditor if here => a.read = true,
            _ => {}
        }
    }
    a.read |= a.edit || a.attest;
    a
}

/// A meeting with its agenda, minutes and decisions.
pub struct MeetingView {
    pub row: MeetingRow,
    pub association_name: String,
    pub body: Body,
    pub present: Vec<String>,
    pub attesters: Vec<String>,
    pub items: Vec<ItemView>,
    /// Deviations on the agenda, decided with the meeting (they number with its cases).
    pub deviations: Vec<crate::storage::reports::DeviationItem>,
    pub access: MeetingAccess,
}

impl MeetingView {
    pub fn attested(&self) -> bool {
        self.row.attested_at.is_some()
    }

    pub fn can_edit(&self) -> bool {
        self.access.edit && !self.attested()
    }

    pub fn can_attest(&self) -> bool {
        self.access.attest && !self.attested()
    }
}

pub struct ItemView {
    pub row: ItemRow,
    pub conflicts: Vec<String>,
    pub decision: Option<DecisionView>,
    /// The case's status now (granted, rejected, or still in preparation).
    pub status: Status,
}

pub struct DecisionView {
    pub row: DecisionRow,
    pub outcome: Outcome,
    pub clauses: Vec<String>,
    pub per_year: Vec<(i32, Money)>,
    pub intervention_id: Option<i64>,
}

fn names(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn decision_view(row: DecisionRow) -> DecisionView {
    let per_year: Vec<(i32, i64)> = serde_json::from_str(&row.per_year).unwrap_or_default();
    DecisionView {
        outcome: Outcome::parse(&row.outcome).unwrap_or(Outcome::ReferredBack),
        clauses: serde_json::from_str(&row.clauses).unwrap_or_default(),
        per_year: per_year.into_iter().map(|(y, ore)| (y, Money::from_ore(ore))).collect(),
        intervention_id: row.intervention_id,
        row,
    }
}

async fn load(tx: &mut Tx, p: &Principal, id: i64) -> ServiceResult<(MeetingRow, MeetingAccess)> {
    let row = store::get(tx, id).await?.ok_or(ServiceError::NotFound)?;
    let access = access(p, row.association_id);
    if !access.read {
        return Err(ServiceError::NotFound);
    }
    Ok((row, access))
}

pub async fn get(db: &Db, p: &Principal, id: i64) -> ServiceResult<MeetingView> {
    let mut tx = db.read().await?;
    let (row, access) = load(&mut tx, p, id).await?;
    let association =
        member_store::get_association(&mut tx, row.association_id).await?.ok_or(ServiceError::NotFound)?;
    let item_rows = store::items(&mut tx, id).await?;
    let decisions = store::decisions_of_meeting(&mut tx, id).await?;
    let mut items = Vec::with_capacity(item_rows.len());
    for item in item_rows {
        let decision = decisions.iter().find(|d| d.meeting_item_id == item.id).map(|d| decision_view(d.clone()));
        let status = Status::parse(&item.application_status).unwrap_or(Status::Received);
        items.push(ItemView { conflicts: names(&item.conflicts), decision, status, row: item });
    }
    let deviations = crate::storage::reports::meeting_deviations(&mut tx, id).await?;
    tx.commit().await?;
    Ok(MeetingView {
        body: Body::parse(&row.body).unwrap_or(Body::Board),
        present: names(&row.present),
        attesters: names(&row.attesters),
        association_name: association.name,
        items,
        deviations,
        access,
        row,
    })
}

pub async fn list(db: &Db, p: &Principal, association_id: i64, page: Page) -> ServiceResult<(Vec<MeetingRow>, i64)> {
    if !access(p, association_id).read {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let result = store::list(&mut tx, association_id, page).await?;
    tx.commit().await?;
    Ok(result)
}

/// The minutes' details as typed.
pub struct MeetingDetails {
    pub place: String,
    pub chair: String,
    pub present: Vec<String>,
    pub attesters: Vec<String>,
}

fn clean_names(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in list.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

fn check_details(d: &MeetingDetails, errors: &mut Vec<FieldError>) -> MeetingDetails {
    let present = clean_names(&d.present);
    let attesters = clean_names(&d.attesters);
    let place = d.place.trim().to_string();
    let chair = d.chair.trim().to_string();
    if place.is_empty() {
        errors.push(FieldError::new("place", "required"));
    }
    if present.is_empty() {
        errors.push(FieldError::new("present", "required"));
    }
    if present.len() > 100 || present.iter().chain(&attesters).chain([&place, &chair]).any(|n| n.chars().count() > 200)
    {
        errors.push(FieldError::new("present", "too_long"));
    }
    if chair.is_empty() {
        errors.push(FieldError::new("chair", "required"));
    } else if !present.contains(&chair) {
        errors.push(FieldError::new("chair", "not_present"));
    }
    if attesters.iter().any(|a| !present.contains(a)) {
        errors.push(FieldError::new("attesters", "not_present"));
    }
    MeetingDetails { place, chair, present, attesters }
}

/// A new meeting.
pub struct NewMeeting {
    pub body: Option<Body>,
    pub date: Option<NaiveDate>,
    pub details: MeetingDetails,
    /// The cases on the agenda, in the order they are to be numbered.
    pub application_ids: Vec<i64>,
}

/// Checks that a case may go on an agenda: the association's, received and prepared, not decided.
async fn check_case(tx: &mut Tx, association_id: i64, application_id: i64) -> ServiceResult<String> {
    let not_found = || ServiceError::Invalid(vec![FieldError::new("application_ids", "case_unknown")]);
    let row = crate::storage::applications::get(tx, application_id).await?.ok_or_else(not_found)?;
    if row.association_id != association_id {
        return Err(not_found());
    }
    let status = Status::parse(&row.status).unwrap_or(Status::Draft);
    match status {
        Status::Received => {}
        Status::Granted | Status::Rejected => return Err(ServiceError::Conflict("case_already_decided")),
        _ => return Err(ServiceError::Invalid(vec![FieldError::new("application_ids", "case_not_received")])),
    }
    let preparation = preparation_store::get(tx, application_id)
        .await?
        .ok_or_else(|| ServiceError::Invalid(vec![FieldError::new("application_ids", "case_not_prepared")]))?;
    Ok(preparation.proposal)
}

/// The proposal's clauses as the committee minutes them.
fn proposal_clauses(proposal_json: &str) -> Vec<String> {
    serde_json::from_str::<ProposalContent>(proposal_json).map(|p| p.clauses).unwrap_or_default()
}

async fn add_items(
    tx: &mut Tx,
    meeting_id: i64,
    association_id: i64,
    body: Body,
    date: NaiveDate,
    application_ids: &[i64],
) -> ServiceResult<Vec<i64>> {
    let mut added = Vec::new();
    for &application_id in application_ids {
        if added.contains(&application_id) {
            continue;
        }
        let proposal = check_case(tx, association_id, application_id).await?;
        let section = store::next_section(tx, association_id, body.code(), date.year()).await?;
        // The committee proposes what the preparation proposes; the board's text is its decision.
        let minutes = match body {
            Body::Committee => minutes_text(body, &proposal_clauses(&proposal), &[]),
            Body::Board => String::new(),
        };
        let item = NewItem {
            meeting_id,
            association_id,
            body: body.code(),
            year: date.year(),
            section,
            application_id,
            minutes: &minutes,
        };
        if store::insert_item(tx, &item).await.is_err() {
            return Err(ServiceError::Conflict("case_already_on_agenda"));
        }
        added.push(application_id);
    }
    Ok(added)
}

/// Plans a meeting with its agenda; each case gets the next section number of the body's year.
pub async fn create(db: &Db, p: &Principal, association_id: i64, input: NewMeeting) -> ServiceResult<i64> {
    let a = access(p, association_id);
    if !a.edit {
        return Err(if a.read { ServiceError::Forbidden } else { ServiceError::NotFound });
    }
    let mut errors = Vec::new();
    if input.body.is_none() {
        errors.push(FieldError::new("body", "body_unknown"));
    }
    if input.date.is_none() {
        errors.push(FieldError::new("date", "required"));
    }
    let details = check_details(&input.details, &mut errors);
    let (Some(body), Some(date), true) = (input.body, input.date, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let now = time::now();
    let present = serde_json::to_string(&details.present).expect("serialises");
    let attesters = serde_json::to_string(&details.attesters).expect("serialises");
    let write = MeetingWrite {
        place: &details.place,
        present: &present,
        chair: &details.chair,
        attesters: &attesters,
        at: now,
    };
    let mut tx = db.write().await?;
    let id = store::insert(&mut tx, association_id, body.code(), date, &write, p.user_id).await?;
    let added = add_items(&mut tx, id, association_id, body, date, &input.application_ids).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::MeetingCreate)
        .association(association_id)
        .object("meeting", id)
        .details(json!({ "body": body.code(), "date": date, "cases": added }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A change of the minutes: details, conflicts of interest per case, and cases added.
pub struct MinutesUpdate {
    pub details: MeetingDetails,
    /// (item id, the present members who declared a conflict of interest).
    pub conflicts: Vec<(i64, Vec<String>)>,
    pub add_application_ids: Vec<i64>,
}

/// Changes the minutes. Attested minutes are never changed.
pub async fn update(db: &Db, p: &Principal, id: i64, lock_version: i64, input: MinutesUpdate) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let (row, access) = load(&mut tx, p, id).await?;
    if !access.edit {
        return Err(ServiceError::Forbidden);
    }
    if row.attested_at.is_some() {
        return Err(ServiceError::Conflict("minutes_attested"));
    }
    let mut errors = Vec::new();
    let details = check_details(&input.details, &mut errors);
    let items = store::items(&mut tx, id).await?;
    let decisions = store::decisions_of_meeting(&mut tx, id).await?;
    let body = Body::parse(&row.body).unwrap_or(Body::Board);
    let mut changes = Vec::new();
    for (item_id, conflicts) in &input.conflicts {
        let Some(item) = items.iter().find(|i| i.id == *item_id) else {
            errors.push(FieldError::new("conflicts", "case_unknown"));
            continue;
        };
        let conflicts = clean_names(conflicts);
        if conflicts.iter().any(|c| !details.present.contains(c)) {
            errors.push(FieldError::new(format!("conflicts_{item_id}"), "not_present"));
        }
        changes.push((item, conflicts));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = time::now();
    let present = serde_json::to_string(&details.present).expect("serialises");
    let attesters = serde_json::to_string(&details.attesters).expect("serialises");
    let write = MeetingWrite {
        place: &details.place,
        present: &present,
        chair: &details.chair,
        attesters: &attesters,
        at: now,
    };
    if !store::update(&mut tx, id, &write, lock_version).await? {
        return Err(ServiceError::Conflict("edit_conflict"));
    }
    for (item, conflicts) in &changes {
        let clauses = match decisions.iter().find(|d| d.meeting_item_id == item.id) {
            Some(d) => serde_json::from_str(&d.clauses).unwrap_or_default(),
            None if body == Body::Committee => {
                let prep = preparation_store::get(&mut tx, item.application_id).await?;
                prep.map(|p| proposal_clauses(&p.proposal)).unwrap_or_default()
            }
            None => Vec::new(),
        };
        let minutes = minutes_text(body, &clauses, conflicts);
        store::set_item(&mut tx, item.id, &serde_json::to_string(conflicts).expect("serialises"), &minutes).await?;
    }
    let added = add_items(&mut tx, id, row.association_id, body, row.meeting_date, &input.add_application_ids).await?;
    Event::new(&Actor::of(p, Some(row.association_id)), Action::MeetingUpdate)
        .association(row.association_id)
        .object("meeting", id)
        .details(json!({ "cases_added": added, "conflicts": changes.iter().map(|(i, c)| (i.id, c.len())).collect::<Vec<_>>() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A decision as the board takes it.
pub struct DecisionInput {
    pub application_id: i64,
    pub outcome: Outcome,
    /// For a grant; default: what the application asks for.
    pub max_total: Option<Money>,
    pub per_year: Vec<(i32, Money)>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub option_to_extend: bool,
    /// The att-clauses decided; default: the proposal's (a grant) or the library's (otherwise).
    pub clauses: Option<Vec<String>>,
    /// Why more is granted than applied for.
    pub reason: String,
}

/// What a decision created.
pub struct Decided {
    pub decision_id: i64,
    pub intervention_id: Option<i64>,
}

/// Records the board's decision on a case on the meeting's agenda. A grant creates the
/// intervention and its agreement; a referral back returns the case to preparation.
pub async fn decide(db: &Db, p: &Principal, meeting_id: i64, input: DecisionInput) -> ServiceResult<Decided> {
    // The application as the office sees it, read before the write so the write stays short.
    let application = applications::get(db, p, input.application_id).await.map_err(|e| match e {
        ServiceError::NotFound => ServiceError::Invalid(vec![FieldError::new("application_id", "case_unknown")]),
        e => e,
    })?;
    let mut tx = db.write().await?;
    let (meeting, access) = load(&mut tx, p, meeting_id).await?;
    if !access.edit {
        return Err(ServiceError::Forbidden);
    }
    if meeting.body != Body::Board.code() {
        return Err(ServiceError::Conflict("committee_cannot_decide"));
    }
    if meeting.attested_at.is_some() {
        return Err(ServiceError::Conflict("minutes_attested"));
    }
    let items = store::items(&mut tx, meeting_id).await?;
    let Some(item) = items.iter().find(|i| i.application_id == input.application_id) else {
        return Err(ServiceError::Invalid(vec![FieldError::new("application_id", "case_not_on_agenda")]));
    };
    let earlier = store::decisions_of_application(&mut tx, input.application_id).await?;
    if earlier.iter().any(|d| d.meeting_item_id == item.id || d.outcome != Outcome::ReferredBack.code()) {
        return Err(ServiceError::Conflict("case_already_decided"));
    }
    let content = &application.content;
    let association = application.row.association_id;
    let library = super::preparations::library(&mut tx, association).await?;
    let applied = super::preparations::requested_grant(&application);
    let mut errors = Vec::new();
    let mut terms = None;
    if input.outcome == Outcome::Granted {
        match &applied {
            None => errors.push(FieldError::new("start_date", "period_missing")),
            Some(a) => {
                let t = GrantTerms {
                    max_total: input.max_total.unwrap_or(a.maximum),
                    per_year: input.per_year.clone(),
                    start: input.start.unwrap_or(a.start),
                    end: input.end.unwrap_or(a.end),
                    option_to_extend: input.option_to_extend,
                    reason: input.reason.trim().to_string(),
                };
                let rules = check_grant(&t, &Applied { total: a.maximum, start: a.start, end: a.end });
                errors.extend(rules.into_iter().map(|(f, c)| FieldError::new(f, c)));
                terms = Some(t);
            }
        }
    }
    if input.reason.chars().count() > 5_000 {
        errors.push(FieldError::new("reason", "too_long"));
    }
    let clauses: Vec<String> = match &input.clauses {
        Some(c) => clean_names(c),
        None => {
            let kind = match input.outcome {
                Outcome::Granted => None,
                Outcome::Rejected => Some(ClauseKind::Reject),
                Outcome::ReferredBack => Some(ClauseKind::ReferBack),
            };
            match kind {
                None => {
                    let prep = preparation_store::get(&mut tx, input.application_id).await?;
                    prep.map(|p| proposal_clauses(&p.proposal)).unwrap_or_default()
                }
                Some(kind) => {
                    let values = applied.as_ref().map(grant_values).unwrap_or_else(|| {
                        [("insats", content.name.clone())].into_iter().collect::<std::collections::BTreeMap<_, _>>()
                    });
                    match fill(library.template(kind), &values) {
                        Ok(c) => vec![c],
                        Err(_) => return Err(ServiceError::Conflict("clause_template_invalid")),
                    }
                }
            }
        }
    };
    if clauses.is_empty() {
        errors.push(FieldError::new("clauses", "required"));
    }
    if clauses.iter().any(|c| c.chars().count() > 5_000) {
        errors.push(FieldError::new("clauses", "too_long"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }

    let now = time::now();
    let per_year: Vec<(i32, i64)> = match &terms {
        Some(t) if !t.per_year.is_empty() => t.per_year.iter().map(|(y, m)| (*y, m.ore())).collect(),
        // Granted as applied for: the application's yearly amounts are the yearly maxima.
        Some(t)
            if applied.as_ref().is_some_and(|a| a.maximum == t.max_total && a.start == t.start && a.end == t.end) =>
        {
            content.budget_summary().per_year.iter().map(|(y, s)| (*y, s.requested.ore())).collect()
        }
        _ => Vec::new(),
    };
    let decision = NewDecision {
        application_id: input.application_id,
        meeting_item_id: item.id,
        outcome: input.outcome.code(),
        max_total_ore: terms.as_ref().map(|t| t.max_total.ore()),
        per_year: &serde_json::to_string(&per_year).expect("serialises"),
        start_date: terms.as_ref().map(|t| t.start),
        end_date: terms.as_ref().map(|t| t.end),
        option_to_extend: terms.as_ref().is_some_and(|t| t.option_to_extend),
        clauses: &serde_json::to_string(&clauses).expect("serialises"),
        reason: input.reason.trim(),
        decided_by: p.user_id,
        at: now,
    };
    let decision_id =
        store::insert_decision(&mut tx, &decision).await.map_err(|_| ServiceError::Conflict("case_already_decided"))?;
    let conflicts = names(&item.conflicts);
    store::set_item(&mut tx, item.id, &item.conflicts, &minutes_text(Body::Board, &clauses, &conflicts)).await?;
    if input.outcome != Outcome::ReferredBack
        && !store::set_application_decision(&mut tx, input.application_id, input.outcome.code(), now).await?
    {
        return Err(ServiceError::Conflict("case_already_decided"));
    }
    let mut intervention_id = None;
    if let Some(t) = &terms {
        let owner = application.member_name(content.owner.member_id);
        let mut parties = vec![owner.clone()];
        parties.extend(super::preparations::ordered_partners(&application));
        let template = intervention_store::agreement_template(&mut tx, association)
            .await?
            .unwrap_or_else(|| DEFAULT_AGREEMENT_TEMPLATE.to_string());
        let conditions: Vec<String> = clauses.iter().skip(1).cloned().collect();
        let per_year_money: Vec<(i32, Money)> = per_year.iter().map(|(y, o)| (*y, Money::from_ore(*o))).collect();
        let text = agreement_text(
            &template,
            &AgreementFacts {
                association: &application.association.name,
                intervention: &content.name,
                owner: &owner,
                parties: &parties,
                decided_on: meeting.meeting_date,
                section: item.section,
                start: t.start,
                end: t.end,
                max_total: t.max_total,
                per_year: &per_year_money,
                clauses: &conditions,
            },
        )
        .map_err(|_| ServiceError::Conflict("agreement_template_invalid"))?;
        let hash = hex::encode(Sha256::digest(text.as_bytes()));
        let partners: Vec<i64> = content.partners.iter().map(|x| x.member_id).collect();
        let orientation = match content.orientation {
            Some(crate::domain::application::Orientation::Structural) => "structural",
            _ => "individual",
        };
        let id = intervention_store::insert(
            &mut tx,
            &NewIntervention {
                association_id: association,
                application_id: input.application_id,
                decision_id,
                name: &content.name,
                owner_member_id: content.owner.member_id,
                partners: &partners,
                orientation,
                start_date: t.start,
                end_date: t.end,
                max_total_ore: t.max_total.ore(),
                per_year: &per_year,
                option_to_extend: t.option_to_extend,
                conditions: &serde_json::to_string(&conditions).expect("serialises"),
                agreement_text: &text,
                agreement_hash: &hash,
                at: now,
            },
        )
        .await?;
        intervention_id = Some(id);
    }
    Event::new(&Actor::of(p, Some(association)), Action::DecisionRecord)
        .association(association)
        .object("application", input.application_id)
        .details(json!({
            "meeting": meeting_id, "section": item.section, "outcome": input.outcome.code(),
            "max_total_ore": terms.as_ref().map(|t| t.max_total.ore()), "intervention": intervention_id,
        }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Decided { decision_id, intervention_id })
}

/// Attests (justerar) the minutes; from then on nothing in them changes.
pub async fn attest(db: &Db, p: &Principal, id: i64) -> ServiceResult<Timestamp> {
    let mut tx = db.write().await?;
    let (row, access) = load(&mut tx, p, id).await?;
    if !access.attest {
        return Err(ServiceError::Forbidden);
    }
    let now = time::now();
    if !store::attest(&mut tx, id, p.user_id, now).await? {
        return Err(ServiceError::Conflict("minutes_attested"));
    }
    Event::new(&Actor::of(p, Some(row.association_id)), Action::MeetingAttest)
        .association(row.association_id)
        .object("meeting", id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(now)
}

/// An extract of attested minutes for one case.
pub struct Extract {
    pub title: String,
    pub blocks: Vec<crate::documents::DocBlock>,
}

/// The extract (protokollsutdrag) of one case, from attested minutes only.
pub async fn extract(db: &Db, p: &Principal, meeting_id: i64, item_id: i64) -> ServiceResult<Extract> {
    use crate::documents::DocBlock as Block;
    let view = get(db, p, meeting_id).await?;
    let item = view.items.iter().find(|i| i.row.id == item_id).ok_or(ServiceError::NotFound)?;
    let (Some(by), Some(at)) = (&view.row.attested_by_name, view.row.attested_at) else {
        return Err(ServiceError::Conflict("minutes_not_attested"));
    };
    let section = crate::domain::meeting::section_label(item.row.section);
    let case = match &item.row.registration_number {
        Some(n) => format!("{section} Ansökan {} ({n})", item.row.application_name),
        None => format!("{section} Ansökan {}", item.row.application_name),
    };
    let mut blocks = vec![
        Block::Heading(1, "Protokollsutdrag".into()),
        Block::Paragraph(format!("{}, {}", view.body.label(), view.association_name)),
        Block::Paragraph(format!("Sammanträde {}, {}", time::long_date(view.row.meeting_date), view.row.place)),
        Block::Heading(2, case),
    ];
    blocks.extend(item.row.minutes.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| Block::Paragraph(p.into())));
    let local_day = at.with_timezone(&chrono_tz::Europe::Stockholm).date_naive();
    blocks.push(Block::Paragraph(format!("Protokollet justerades {} av {by}.", time::long_date(local_day))));
    if !view.attesters.is_empty() {
        blocks.push(Block::Paragraph(format!("Justerare: {}.", crate::domain::proposal::join_names(&view.attesters))));
    }
    blocks.push(Block::Paragraph("Utdraget stämmer med det justerade protokollet.".into()));
    Ok(Extract { title: format!("Protokollsutdrag {} {section}", view.body.label()), blocks })
}
