//! The participant register: who may open it, registration, the path, measurements, exit,
//! consent withdrawal, the register extract and import. Participants' data belongs to the
//! intervention's owner; only the owner's case workers assigned to the intervention open it,
//! and only through [`open`], which every function here goes through and which the storage
//! functions demand proof of.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::audit::{Action, Outcome};
use crate::domain::participant::{
    CodeList, FollowUpSettings, Instrument, Occasion, PersonalNumber, Sex, StepKind, EXIT_REGISTRATION_ERROR,
};
use crate::domain::party::PartyKind;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::interventions::{self as intervention_store, InterventionRow};
use crate::storage::participants::{self as store, ExitWrite, NewParticipation, ParticipationRow};
use crate::storage::{members as member_store, Db, Page, Tx};

use super::audit::{Actor, Event};
use super::follow_up::{self, code_list};
use super::interventions::reach;
use super::personal_key::PersonalKey;
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// Proof that the caller is a case worker of the intervention's owner assigned to it. Only
/// [`open`] makes one; the storage functions for participants' records take it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    intervention_id: i64,
    association_id: i64,
    owner_member_id: i64,
    user_id: i64,
}

impl CaseFile {
    pub fn intervention_id(&self) -> i64 {
        self.intervention_id
    }
    pub fn association_id(&self) -> i64 {
        self.association_id
    }
    pub fn owner_member_id(&self) -> i64 {
        self.owner_member_id
    }
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
}

/// Opens the intervention's register for the caller, or refuses and records the refusal. A
/// caller who may not even see the intervention learns nothing of it (404); one who may see it
/// is told why not (403).
pub async fn open(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    action: Action,
) -> ServiceResult<(CaseFile, InterventionRow)> {
    let mut tx = db.read().await?;
    let row = intervention_store::get(&mut tx, intervention_id, time::today()).await?;
    let assigned = match &row {
        Some(r) => follows(&mut tx, p, r).await?,
        None => false,
    };
    tx.commit().await?;
    match row {
        Some(row) if assigned => Ok((
            CaseFile {
                intervention_id,
                association_id: row.association_id,
                owner_member_id: row.owner_member_id,
                user_id: p.user_id,
            },
            row,
        )),
        row => {
            let association = row.as_ref().map(|r| r.association_id);
            let mut tx = db.write().await?;
            Event::new(&Actor::of(p, association), action)
                .association_opt(association)
                .object("intervention", intervention_id)
                .outcome(Outcome::Denied)
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            let visible = row.as_ref().is_some_and(|r| {
                let r2 = reach(p, r.association_id);
                r2.all || r2.members.contains(&r.owner_member_id)
            });
            Err(if visible { ServiceError::Denied("not_assigned_case_worker") } else { ServiceError::NotFound })
        }
    }
}

/// Whether the caller follows the intervention's participants: a case worker (deltagaransvarig)
/// of its owner, assigned to it. The rule behind [`open`] and every "is this the case worker?".
pub(crate) async fn follows(tx: &mut Tx, p: &Principal, row: &InterventionRow) -> ServiceResult<bool> {
    let case_worker = p.grants.iter().any(|g| {
        g.role == Role::CaseWorker
            && g.member_id == Some(row.owner_member_id)
            && g.association_id == Some(row.association_id)
    });
    Ok(case_worker && store::is_assigned(tx, row.id, p.user_id).await?)
}

/// A registration: identified (with consent and personnummer) or anonymous (sex and start only;
/// forced for protected identity). Everything optional is checked against the mode. The API
/// takes it as it stands; the page and the import fill it from their fields.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    #[serde(default)]
    pub identified: bool,
    #[serde(default)]
    pub protected_identity: bool,
    pub personal_number: Option<String>,
    pub name: Option<String>,
    pub consent_date: Option<NaiveDate>,
    pub consent_scope: Option<String>,
    /// The consent text's version; the association's current one when left out.
    pub consent_version: Option<String>,
    /// female or male; taken from the personnummer when left out.
    pub sex: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
    pub home_member_id: Option<i64>,
    pub education: Option<String>,
    pub occupation_before: Option<String>,
    pub support_time: Option<String>,
    #[serde(default)]
    pub income_before: Vec<String>,
    /// Work or studies before, in percent of 40 hours a week.
    pub extent_percent: Option<i32>,
    pub part: Option<String>,
    pub remitted_by_member_id: Option<i64>,
    pub remitted_on: Option<NaiveDate>,
    pub first_visit_on: Option<NaiveDate>,
    pub triage: Option<String>,
}

/// The identity sealed in the register.
#[derive(Debug, Serialize, Deserialize)]
struct Identity {
    personal_number: String,
    name: Option<String>,
}

/// What the register needs to check a registration: the intervention's settings, the
/// association's code lists and members.
pub(crate) struct Context {
    pub settings: FollowUpSettings,
    pub lists: Vec<(CodeList, Vec<String>)>,
    pub kommuner: Vec<(i64, String)>,
    pub members: Vec<(i64, String)>,
    pub consent_version: String,
}

impl Context {
    pub(crate) async fn load(tx: &mut Tx, row: &InterventionRow) -> ServiceResult<Context> {
        let settings = follow_up::settings_in(tx, row.id).await?.0;
        let mut lists = Vec::new();
        for list in CodeList::ALL {
            lists.push((list, code_list(tx, row.association_id, list).await?.into_iter().map(|c| c.code).collect()));
        }
        let all = member_store::list_members(tx, row.association_id).await?;
        let consent_version = follow_up::association_settings_in(tx, row.association_id).await?.consent_version;
        Ok(Context {
            settings,
            lists,
            kommuner: all
                .iter()
                .filter(|m| m.party_kind == PartyKind::Kommun)
                .map(|m| (m.id, m.name.clone()))
                .collect(),
            members: all.iter().map(|m| (m.id, m.name.clone())).collect(),
            consent_version,
        })
    }

    fn has(&self, list: CodeList, code: &str) -> bool {
        self.lists.iter().any(|(l, codes)| *l == list && codes.iter().any(|c| c == code))
    }
}

/// A checked registration, ready to store.
pub(crate) struct Checked {
    identity: Option<(PersonalNumber, Option<String>)>,
    sex: Sex,
    birth_year: Option<i32>,
    enrolled_on: NaiveDate,
    action_plan_due_on: Option<NaiveDate>,
    consent_version: Option<String>,
}

/// Checks a registration against every rule; all problems at once.
pub(crate) fn check_registration(
    r: &Registration,
    row: &InterventionRow,
    ctx: &Context,
    today: NaiveDate,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, code: &'static str| errors.push(FieldError::new(field, code));
    let given = |s: &Option<String>| s.as_deref().is_some_and(|v| !v.trim().is_empty());

    let mut identity = None;
    if r.protected_identity && (r.identified || given(&r.personal_number) || given(&r.name)) {
        err("identified", "protected_identity_anonymous");
    } else if r.identified {
        match r.personal_number.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => err("personal_number", "required"),
            Some(v) => match PersonalNumber::parse(v, today) {
                Ok(n) => {
                    identity = Some((n, r.name.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from)))
                }
                Err(e) => err("personal_number", e.code()),
            },
        }
        if r.name.as_deref().is_some_and(|n| n.chars().count() > 200) {
            err("name", "too_long");
        }
        match r.consent_date {
            None => err("consent_date", "consent_required"),
            Some(d) if d > today => err("consent_date", "date_in_future"),
            Some(_) => {}
        }
        if !given(&r.consent_scope) {
            err("consent_scope", "consent_required");
        }
    } else {
        if given(&r.personal_number) || given(&r.name) || r.consent_date.is_some() {
            err("personal_number", "anonymous_no_identity");
        }
        // Anonymous: only sex and the year of start, and the path, which identifies no one.
        if r.home_member_id.is_some()
            || given(&r.education)
            || given(&r.occupation_before)
            || given(&r.support_time)
            || !r.income_before.is_empty()
            || r.extent_percent.is_some()
        {
            err("identified", "anonymous_background");
        }
    }

    let sex = match r.sex.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Sex::parse(s).unwrap_or_else(|| {
            err("sex", "code_unknown");
            Sex::Female
        }),
        None => match &identity {
            Some((n, _)) => n.sex(),
            None => {
                err("sex", "required");
                Sex::Female
            }
        },
    };

    let enrolled_on = match r.enrolled_on {
        None => {
            err("enrolled_on", "required");
            today
        }
        Some(d) => {
            if d > today {
                err("enrolled_on", "date_in_future");
            }
            if d < row.start_date {
                err("enrolled_on", "before_intervention_start");
            }
            let last = ctx.settings.last_intake_date.map_or(row.end_date, |l| l.min(row.end_date));
            if d > last {
                err("enrolled_on", "after_last_intake");
            }
            d
        }
    };

    for (field, list, value) in [
        ("education", CodeList::Education, &r.education),
        ("occupation_before", CodeList::Occupation, &r.occupation_before),
        ("support_time", CodeList::SupportTime, &r.support_time),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            if !ctx.has(list, v) {
                err(field, "code_unknown");
            }
        }
    }
    if r.income_before.iter().any(|c| !ctx.has(CodeList::IncomeSource, c)) {
        err("income_before", "code_unknown");
    }
    if r.extent_percent.is_some_and(|e| !(0..=100).contains(&e)) {
        err("extent_percent", "out_of_range");
    }
    if r.home_member_id.is_some_and(|m| !ctx.kommuner.iter().any(|k| k.0 == m)) {
        err("home_member_id", "not_a_kommun");
    }
    if r.remitted_by_member_id.is_some_and(|m| !ctx.members.iter().any(|k| k.0 == m)) {
        err("remitted_by_member_id", "member_unknown");
    }
    if r.remitted_on.is_some_and(|d| d > today) {
        err("remitted_on", "date_in_future");
    }
    if ctx.settings.parts.is_empty() {
        if given(&r.part) {
            err("part", "part_unknown");
        }
    } else {
        match r.part.as_deref().filter(|p| !p.is_empty()) {
            None => err("part", "required"),
            Some(p) if !ctx.settings.parts.iter().any(|x| x.code == p) => err("part", "part_unknown"),
            Some(_) => {}
        }
    }
    let mut action_plan_due_on = None;
    match (r.first_visit_on, r.triage.as_deref().filter(|t| !t.is_empty())) {
        (Some(d), Some(t)) => {
            if d > today {
                err("first_visit_on", "date_in_future");
            }
            if !ctx.settings.triage.iter().any(|x| x.code == t) {
                err("triage", "triage_unknown");
            }
            action_plan_due_on = action_plan_due(&ctx.settings, t, d);
        }
        (None, None) => {}
        (None, Some(_)) => err("first_visit_on", "required"),
        (Some(_), None) => err("triage", "required"),
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let birth_year = identity.as_ref().map(|(n, _)| n.birth_year());
    Ok(Checked {
        consent_version: identity.as_ref().map(|_| {
            r.consent_version
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(&ctx.consent_version)
                .to_string()
        }),
        identity,
        sex,
        birth_year,
        enrolled_on,
        action_plan_due_on,
    })
}

fn action_plan_due(settings: &FollowUpSettings, triage: &str, first_visit: NaiveDate) -> Option<NaiveDate> {
    settings.due_dates(triage, first_visit).into_iter().find(|(s, _)| *s == StepKind::ActionPlan).map(|(_, d)| d)
}

/// Stores a checked registration; refuses a second open participation of the same person.
pub(crate) async fn store_registration(
    tx: &mut Tx,
    cf: &CaseFile,
    key: &PersonalKey,
    r: &Registration,
    c: &Checked,
) -> ServiceResult<i64> {
    let (cipher, index) = match &c.identity {
        Some((n, name)) => {
            let identity = Identity { personal_number: n.digits().to_string(), name: name.clone() };
            let sealed = key.seal(&serde_json::to_string(&identity).expect("identity serialises"));
            (Some(sealed), Some(key.index(cf.owner_member_id, n)))
        }
        None => (None, None),
    };
    if let Some(index) = &index {
        if store::open_with_index(tx, cf, index).await? {
            return Err(ServiceError::Conflict("participant_already_open"));
        }
    }
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let (education, occupation, support, part, triage, scope) = (
        text(&r.education),
        text(&r.occupation_before),
        text(&r.support_time),
        text(&r.part),
        text(&r.triage),
        text(&r.consent_scope),
    );
    let mut income = r.income_before.clone();
    income.sort();
    income.dedup();
    // The check above answers the usual case; the unique index answers two registrations at once.
    let inserted = store::insert(
        tx,
        cf,
        &NewParticipation {
            identified: c.identity.is_some(),
            protected_identity: r.protected_identity,
            person_cipher: cipher.as_deref(),
            person_index: index.as_deref(),
            consent_date: c.identity.as_ref().and(r.consent_date),
            consent_scope: c.identity.as_ref().and(scope.as_deref()),
            consent_version: c.consent_version.as_deref(),
            sex: c.sex.code(),
            birth_year: c.birth_year,
            home_member_id: r.home_member_id,
            education: education.as_deref(),
            occupation_before: occupation.as_deref(),
            support_time: support.as_deref(),
            extent_percent: r.extent_percent,
            income_before: &income,
            part: part.as_deref(),
            remitted_by_member_id: r.remitted_by_member_id,
            remitted_on: r.remitted_on,
            first_visit_on: r.first_visit_on,
            triage: triage.as_deref(),
            action_plan_due_on: c.action_plan_due_on,
            enrolled_on: c.enrolled_on,
            at: time::now(),
        },
    )
    .await;
    match inserted {
        Err(e) if e.is_unique_violation() => Err(ServiceError::Conflict("participant_already_open")),
        other => Ok(other?),
    }
}

/// Registers a participant in the intervention.
pub async fn register(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention_id: i64,
    r: &Registration,
) -> ServiceResult<i64> {
    let (cf, row) = open(db, p, intervention_id, Action::ParticipantCreate).await?;
    let mut tx = db.write().await?;
    let ctx = Context::load(&mut tx, &row).await?;
    let checked = check_registration(r, &row, &ctx, time::today()).map_err(ServiceError::Invalid)?;
    let id = store_registration(&mut tx, &cf, key, r, &checked).await?;
    audit(&mut tx, p, &cf, Action::ParticipantCreate, Some(id), json!({ "identified": checked.identity.is_some() }))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes the audit event of a read in its own short transaction.
async fn read_logged(
    db: &Db,
    p: &Principal,
    cf: &CaseFile,
    action: Action,
    participation: Option<i64>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    audit(&mut tx, p, cf, action, participation, details).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn audit(
    tx: &mut Tx,
    p: &Principal,
    cf: &CaseFile,
    action: Action,
    participation: Option<i64>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let actor = Actor::of(p, Some(cf.association_id));
    let event = Event::new(&actor, action).association(cf.association_id).member(cf.owner_member_id);
    let event = match participation {
        Some(id) => event.object("participation", id),
        None => event.object("intervention", cf.intervention_id),
    };
    let details = match details {
        serde_json::Value::Object(mut m) => {
            m.insert("intervention_id".into(), json!(cf.intervention_id));
            serde_json::Value::Object(m)
        }
        other => other,
    };
    event.details(details).write(tx).await?;
    Ok(())
}

/// A participation as its case workers see it.
pub struct ParticipantView {
    pub row: ParticipationRow,
    /// The personnummer, masked unless asked for; None for anonymous records.
    pub personal_number: Option<String>,
    pub name: Option<String>,
    pub income_before: Vec<String>,
    pub income_after: Vec<String>,
    pub steps: Vec<store::StepRow>,
    pub measurements: Vec<(store::MeasurementRow, Vec<(String, i32)>)>,
    /// The same person's other participations with this owner.
    pub others: Vec<store::EarlierRow>,
    pub due: Vec<(StepKind, NaiveDate)>,
}

impl ParticipantView {
    pub fn is_open(&self) -> bool {
        self.row.exited_on.is_none()
    }
}

fn identity_of(key: &PersonalKey, row: &ParticipationRow, reveal: bool) -> (Option<String>, Option<String>) {
    let Some(sealed) = &row.person_cipher else { return (None, None) };
    match key.open(sealed).and_then(|t| serde_json::from_str::<Identity>(&t).ok()) {
        Some(id) => {
            let number = PersonalNumber::parse(&id.personal_number, time::today()).ok();
            let shown = number.map(|n| if reveal { n.formatted() } else { n.masked() });
            (shown, id.name)
        }
        // Sealed with another key: say so rather than fail the page.
        None => (Some("(kan inte läsas med nuvarande nyckel)".into()), None),
    }
}

/// One participation with its path; every read is audited, and showing the whole personnummer
/// is audited as such.
pub async fn get(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention_id: i64,
    id: i64,
    reveal: bool,
) -> ServiceResult<ParticipantView> {
    let action = if reveal { Action::ParticipantReveal } else { Action::ParticipantRead };
    let (cf, _) = open(db, p, intervention_id, action).await?;
    let mut tx = db.read().await?;
    let view = load_view(&mut tx, &cf, key, id, reveal).await?;
    tx.commit().await?;
    // The read is logged before anything is shown; a short write keeps readers from queueing.
    read_logged(db, p, &cf, action, Some(id), json!({})).await?;
    Ok(view)
}

async fn load_view(
    tx: &mut Tx,
    cf: &CaseFile,
    key: &PersonalKey,
    id: i64,
    reveal: bool,
) -> ServiceResult<ParticipantView> {
    let row = store::get(tx, cf, id).await?.ok_or(ServiceError::NotFound)?;
    let (personal_number, name) = identity_of(key, &row, reveal);
    let income = store::income(tx, cf, id).await?;
    let steps = store::steps(tx, cf, id).await?;
    let measurements = store::measurements(tx, cf, id).await?;
    let others = match &row.person_index {
        Some(index) => store::same_person(tx, cf, index, id).await?,
        None => Vec::new(),
    };
    let settings = follow_up::settings_in(tx, cf.intervention_id).await?.0;
    let due = match (&row.triage, row.first_visit_on, row.exited_on) {
        (Some(t), Some(first), None) => {
            settings.due_dates(t, first).into_iter().filter(|(s, _)| step_date(&row, *s).is_none()).collect()
        }
        _ => Vec::new(),
    };
    Ok(ParticipantView {
        personal_number,
        name,
        income_before: income.iter().filter(|x| x.0 == "before").map(|x| x.1.clone()).collect(),
        income_after: income.iter().filter(|x| x.0 == "after").map(|x| x.1.clone()).collect(),
        steps,
        measurements,
        others,
        due,
        row,
    })
}

pub(crate) fn step_date(row: &ParticipationRow, step: StepKind) -> Option<NaiveDate> {
    match step {
        StepKind::FirstVisit => row.first_visit_on,
        StepKind::Assessment => row.assessment_on,
        StepKind::ActionPlan => row.action_plan_on,
        StepKind::Referral => row.referral_on,
        _ => None,
    }
}

/// One line of the register's list: masked identity only.
pub struct ListItem {
    pub row: ParticipationRow,
    pub personal_number: Option<String>,
    pub name: Option<String>,
}

pub async fn list(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention_id: i64,
    open_only: bool,
    page: Page,
) -> ServiceResult<(Vec<ListItem>, i64)> {
    let (cf, _) = open(db, p, intervention_id, Action::ParticipantList).await?;
    let mut tx = db.read().await?;
    let (rows, total) = store::list(&mut tx, &cf, open_only, page).await?;
    tx.commit().await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    read_logged(db, p, &cf, Action::ParticipantList, None, json!({ "participations": ids })).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let (personal_number, name) = identity_of(key, &row, false);
            ListItem { row, personal_number, name }
        })
        .collect();
    Ok((items, total))
}

/// A step of the path: first_visit (with triage), assessment (kartläggning), action_plan,
/// referral (lotsning, to an actor, confirmed or not), activity (kind, provider, hours a week) or
/// sip_meeting.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    pub kind: String,
    pub occurred_on: Option<NaiveDate>,
    pub triage: Option<String>,
    pub summary: Option<String>,
    pub goals: Option<String>,
    pub actor: Option<String>,
    pub confirmed: Option<bool>,
    pub activity_kind: Option<String>,
    pub provider: Option<String>,
    pub hours_per_week: Option<f64>,
}

/// Registers the next step on a participant's path.
pub async fn add_step(db: &Db, p: &Principal, intervention_id: i64, id: i64, s: &StepInput) -> ServiceResult<i64> {
    let (cf, _) = open(db, p, intervention_id, Action::ParticipantStep).await?;
    let mut tx = db.write().await?;
    let row = store::get(&mut tx, &cf, id).await?.ok_or(ServiceError::NotFound)?;
    if row.exited_on.is_some() {
        return Err(ServiceError::Conflict("participant_already_exited"));
    }
    let today = time::today();
    let mut v = super::Validation::default();
    let kind = StepKind::parse(&s.kind);
    if kind.is_none() {
        v.add("kind", "step_unknown");
    }
    match s.occurred_on {
        None => v.add("occurred_on", "required"),
        Some(d) if d > today => v.add("occurred_on", "date_in_future"),
        Some(d) if d < row.enrolled_on.min(row.first_visit_on.unwrap_or(row.enrolled_on)) => {
            v.add("occurred_on", "before_enrolment")
        }
        _ => {}
    }
    let text = |x: &Option<String>| x.as_deref().map(str::trim).unwrap_or_default().to_string();
    let too_long = |x: &Option<String>| x.as_deref().is_some_and(|t| t.chars().count() > 4000);
    if too_long(&s.summary) || too_long(&s.goals) || too_long(&s.actor) || too_long(&s.provider) {
        v.add("summary", "too_long");
    }
    let settings = follow_up::settings_in(&mut tx, intervention_id).await?.0;
    let details = match kind {
        Some(StepKind::FirstVisit) => {
            if row.first_visit_on.is_some() {
                return Err(ServiceError::Conflict("first_visit_recorded"));
            }
            match s.triage.as_deref().filter(|t| !t.is_empty()) {
                None => v.add("triage", "required"),
                Some(t) if !settings.triage.iter().any(|x| x.code == t) => v.add("triage", "triage_unknown"),
                _ => {}
            }
            json!({ "triage": text(&s.triage) })
        }
        Some(StepKind::Assessment) | Some(StepKind::SipMeeting) => json!({ "summary": text(&s.summary) }),
        Some(StepKind::ActionPlan) => json!({ "goals": text(&s.goals), "summary": text(&s.summary) }),
        Some(StepKind::Referral) => {
            if text(&s.actor).is_empty() {
                v.add("actor", "required");
            }
            json!({ "actor": text(&s.actor), "confirmed": s.confirmed.unwrap_or(false) })
        }
        Some(StepKind::Activity) => {
            if text(&s.activity_kind).is_empty() {
                v.add("activity_kind", "required");
            }
            if s.hours_per_week.is_some_and(|h| !(0.0..=40.0).contains(&h)) {
                v.add("hours_per_week", "out_of_range");
            }
            json!({ "activity_kind": text(&s.activity_kind), "provider": text(&s.provider),
                    "hours_per_week": s.hours_per_week })
        }
        None => json!({}),
    };
    v.finish()?;
    let (kind, on) = (kind.expect("checked"), s.occurred_on.expect("checked"));
    let now = time::now();
    let step = store::add_step(&mut tx, &cf, id, kind.code(), on, &details.to_string(), now).await?;
    if kind == StepKind::FirstVisit {
        let triage = text(&s.triage);
        store::set_first_visit(&mut tx, &cf, id, on, &triage, action_plan_due(&settings, &triage, on), now).await?;
    }
    audit(&mut tx, p, &cf, Action::ParticipantStep, Some(id), json!({ "step": kind.code() })).await?;
    tx.commit().await?;
    Ok(step)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeasurementInput {
    pub instrument: String,
    /// start, quarter or exit.
    pub occasion: String,
    pub measured_on: Option<NaiveDate>,
    /// A score per dimension of the instrument.
    pub scores: BTreeMap<String, i32>,
}

/// Records a progress measurement: every dimension of the instrument, each within its scale.
pub async fn measure(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    m: &MeasurementInput,
) -> ServiceResult<i64> {
    let (cf, _) = open(db, p, intervention_id, Action::ParticipantMeasure).await?;
    let mut tx = db.write().await?;
    let row = store::get(&mut tx, &cf, id).await?.ok_or(ServiceError::NotFound)?;
    let instruments = follow_up::instruments_in(&mut tx, cf.association_id).await?;
    let mut v = super::Validation::default();
    let instrument: Option<&Instrument> = instruments.iter().find(|i| i.code == m.instrument);
    if instrument.is_none() {
        v.add("instrument", "instrument_unknown");
    }
    if Occasion::parse(&m.occasion).is_none() {
        v.add("occasion", "occasion_unknown");
    }
    match m.measured_on {
        None => v.add("measured_on", "required"),
        Some(d) if d > time::today() => v.add("measured_on", "date_in_future"),
        Some(d) if d < row.enrolled_on.min(row.first_visit_on.unwrap_or(row.enrolled_on)) => {
            v.add("measured_on", "before_enrolment")
        }
        Some(d) if row.exited_on.is_some_and(|e| d > e) => v.add("measured_on", "after_exit"),
        _ => {}
    }
    if let Some(instrument) = instrument {
        for d in &instrument.dimensions {
            match m.scores.get(&d.code) {
                None => v.0.push(FieldError::new(format!("scores.{}", d.code), "required")),
                Some(s) if *s < d.min || *s > d.max => {
                    v.0.push(FieldError::new(format!("scores.{}", d.code), "score_out_of_scale"))
                }
                _ => {}
            }
        }
        if m.scores.keys().any(|c| !instrument.dimensions.iter().any(|d| d.code == *c)) {
            v.add("scores", "dimension_unknown");
        }
    }
    v.finish()?;
    let instrument = instrument.expect("checked");
    let scores: Vec<(String, i32)> = m.scores.iter().map(|(d, s)| (d.clone(), *s)).collect();
    let new = store::NewMeasurement {
        instrument: (&instrument.code, &instrument.version),
        occasion: &m.occasion,
        on: m.measured_on.expect("checked"),
        scores: &scores,
        at: time::now(),
    };
    let mid = store::add_measurement(&mut tx, &cf, id, &new).await?;
    audit(&mut tx, p, &cf, Action::ParticipantMeasure, Some(id), json!({ "instrument": instrument.code })).await?;
    tx.commit().await?;
    Ok(mid)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ExitInput {
    pub exited_on: Option<NaiveDate>,
    /// A code of the exit_reason list; registration_error takes the participation out of every figure.
    pub reason: Option<String>,
    pub occupation_after: Option<String>,
    #[serde(default)]
    pub income_after: Vec<String>,
    /// Förankrad fortsatt planering.
    pub anchored_plan: Option<bool>,
    pub receiving_actor: Option<String>,
}

/// Ends a participation. A registration error (felregistrering) takes it out of every figure.
pub async fn exit(db: &Db, p: &Principal, intervention_id: i64, id: i64, e: &ExitInput) -> ServiceResult<()> {
    let (cf, row) = open(db, p, intervention_id, Action::ParticipantExit).await?;
    let mut tx = db.write().await?;
    let ctx = Context::load(&mut tx, &row).await?;
    let current = store::get(&mut tx, &cf, id).await?.ok_or(ServiceError::NotFound)?;
    if current.exited_on.is_some() {
        return Err(ServiceError::Conflict("participant_already_exited"));
    }
    let mut v = super::Validation::default();
    match e.exited_on {
        None => v.add("exited_on", "required"),
        Some(d) if d > time::today() => v.add("exited_on", "date_in_future"),
        Some(d) if d < current.enrolled_on => v.add("exited_on", "exit_before_enrolment"),
        _ => {}
    }
    let reason = e.reason.as_deref().unwrap_or_default();
    let voided = reason == EXIT_REGISTRATION_ERROR;
    if reason.is_empty() {
        v.add("reason", "required");
    } else if !ctx.has(CodeList::ExitReason, reason) {
        v.add("reason", "code_unknown");
    }
    let occupation = e.occupation_after.as_deref().filter(|o| !o.is_empty());
    let actor = e.receiving_actor.as_deref().map(str::trim).filter(|o| !o.is_empty());
    if !voided {
        match occupation {
            None => v.add("occupation_after", "required"),
            Some(o) if !ctx.has(CodeList::Occupation, o) => v.add("occupation_after", "code_unknown"),
            _ => {}
        }
        if e.income_after.is_empty() {
            v.add("income_after", "required");
        }
        if e.anchored_plan.is_none() {
            v.add("anchored_plan", "required");
        }
        if e.anchored_plan == Some(true) && actor.is_none() {
            v.add("receiving_actor", "required");
        }
    }
    if e.income_after.iter().any(|c| !ctx.has(CodeList::IncomeSource, c)) {
        v.add("income_after", "code_unknown");
    }
    v.finish()?;
    let mut income = e.income_after.clone();
    income.sort();
    income.dedup();
    let done = store::exit(
        &mut tx,
        &cf,
        id,
        &ExitWrite {
            exited_on: e.exited_on.expect("checked"),
            reason,
            occupation_after: occupation,
            income_after: &income,
            anchored_plan: e.anchored_plan,
            receiving_actor: actor,
            voided,
            at: time::now(),
        },
    )
    .await?;
    if !done {
        return Err(ServiceError::Conflict("participant_already_exited"));
    }
    audit(&mut tx, p, &cf, Action::ParticipantExit, Some(id), json!({ "reason": reason })).await?;
    tx.commit().await?;
    Ok(())
}

/// Consent withdrawn: the record turns anonymous at once.
pub async fn withdraw_consent(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    on: Option<NaiveDate>,
) -> ServiceResult<()> {
    let (cf, _) = open(db, p, intervention_id, Action::ParticipantConsentWithdraw).await?;
    let on = on.unwrap_or_else(time::today);
    if on > time::today() {
        return Err(ServiceError::Invalid(vec![FieldError::new("withdrawn_on", "date_in_future")]));
    }
    let mut tx = db.write().await?;
    let row = store::get(&mut tx, &cf, id).await?.ok_or(ServiceError::NotFound)?;
    if !row.identified {
        return Err(ServiceError::Conflict("participant_anonymous"));
    }
    store::withdraw_consent(&mut tx, &cf, id, on, time::now()).await?;
    audit(&mut tx, p, &cf, Action::ParticipantConsentWithdraw, Some(id), json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Everything the register holds about the person of a participation, for the controller's
/// answer to a request under GDPR article 15: this participation and the same person's others in
/// interventions the caller follows; the owner's other interventions are named, not opened.
pub struct RegisterExtract {
    pub owner_name: String,
    pub made_at: String,
    pub participations: Vec<(String, ParticipantView)>,
    pub elsewhere: Vec<store::EarlierRow>,
}

pub async fn export(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention_id: i64,
    id: i64,
) -> ServiceResult<RegisterExtract> {
    let (cf, row) = open(db, p, intervention_id, Action::ParticipantExport).await?;
    let mut tx = db.read().await?;
    let first = load_view(&mut tx, &cf, key, id, true).await?;
    let mut participations = Vec::new();
    let mut elsewhere = Vec::new();
    let mut exported = vec![id];
    for other in &first.others {
        let Some(other_row) = intervention_store::get(&mut tx, other.intervention_id, time::today()).await? else {
            continue;
        };
        let followed = follows(&mut tx, p, &other_row).await?;
        if followed {
            let other_cf = CaseFile { intervention_id: other.intervention_id, ..cf.clone() };
            participations.push((other_row.name.clone(), load_view(&mut tx, &other_cf, key, other.id, true).await?));
            exported.push(other.id);
        } else {
            elsewhere.push(other.clone());
        }
    }
    participations.insert(0, (row.name.clone(), first));
    tx.commit().await?;
    read_logged(db, p, &cf, Action::ParticipantExport, Some(id), json!({ "participations": exported })).await?;
    Ok(RegisterExtract {
        owner_name: row.owner_name,
        made_at: time::format_local(time::now()),
        participations,
        elsewhere,
    })
}

/// A caller's case load: the owners it is a case worker for. Only [`case_load`] makes one.
pub struct CaseLoad {
    user_id: i64,
    members: Vec<i64>,
}

impl CaseLoad {
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn members(&self) -> &[i64] {
        &self.members
    }
}

pub fn case_load(p: &Principal) -> Option<CaseLoad> {
    let members: Vec<i64> =
        p.grants.iter().filter(|g| g.role == Role::CaseWorker).filter_map(|g| g.member_id).collect();
    (!members.is_empty()).then_some(CaseLoad { user_id: p.user_id, members })
}

/// A step or measurement due for one of the caller's participants.
pub struct DueItem {
    pub participation_id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub name: Option<String>,
    pub what: String,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// The most urgent steps and measurements of the caller's open participants: what is overdue or
/// due within `days`, earliest first, at most `limit` of them, with how many there are in all;
/// those of one intervention when it is given.
pub async fn due(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention: Option<i64>,
    days: i64,
    limit: usize,
) -> ServiceResult<(Vec<DueItem>, usize)> {
    let Some(load) = case_load(p) else { return Ok((Vec::new(), 0)) };
    let today = time::today();
    let horizon = today + chrono::Duration::days(days);
    let mut tx = db.read().await?;
    let mut rows = store::open_for_case_load(&mut tx, &load).await?;
    rows.retain(|r| intervention.is_none_or(|i| r.intervention_id == i));
    let mut ids: Vec<i64> = rows.iter().map(|r| r.intervention_id).collect();
    ids.dedup();
    let settings = follow_up::settings_of_many(&mut tx, &ids).await?;
    tx.commit().await?;
    let mut items: Vec<(&store::OpenRow, String, NaiveDate)> = Vec::new();
    for r in &rows {
        let s = settings.iter().find(|(i, _)| *i == r.intervention_id).map(|x| &x.1);
        let default = FollowUpSettings::default();
        let s = s.unwrap_or(&default);
        let mut push = |what: String, due: NaiveDate| {
            if due <= horizon {
                items.push((r, what, due));
            }
        };
        if let (Some(t), Some(first)) = (&r.triage, r.first_visit_on) {
            for (step, due) in s.due_dates(t, first) {
                let done = match step {
                    StepKind::Assessment => r.assessment_on,
                    StepKind::ActionPlan => r.action_plan_on,
                    StepKind::Referral => r.referral_on,
                    _ => None,
                };
                if done.is_none() {
                    push(step.label().to_string(), due);
                }
            }
        }
        let since = r.last_measured_on.unwrap_or(r.enrolled_on);
        push("Progressionsmätning".into(), crate::domain::participant::add_months(since, s.measurement_every_months));
    }
    items.sort_by_key(|(r, _, due)| (*due, r.id));
    let total = items.len();
    // Only what is shown is opened, and logged as read.
    let out: Vec<DueItem> = items
        .into_iter()
        .take(limit)
        .map(|(r, what, due)| DueItem {
            participation_id: r.id,
            intervention_id: r.intervention_id,
            intervention_name: r.intervention_name.clone(),
            name: r
                .person_cipher
                .as_deref()
                .and_then(|c| key.open(c))
                .and_then(|t| serde_json::from_str::<Identity>(&t).ok().and_then(|i| i.name)),
            what,
            due,
            overdue: due < today,
        })
        .collect();
    if !out.is_empty() {
        let mut ids: Vec<i64> = out.iter().map(|i| i.participation_id).collect();
        ids.sort();
        ids.dedup();
        let mut tx = db.write().await?;
        Event::new(&Actor::of(p, None), Action::ParticipantList)
            .object("user", p.user_id)
            .details(json!({ "due": ids }))
            .write(&mut tx)
            .await?;
        tx.commit().await?;
    }
    Ok((out, total))
}

/// Removes personal data from participations that ended longer ago than each association's
/// retention period; returns how many. Run daily by the server and by `samordna participants purge`.
pub async fn purge(db: &Db, actor: &Actor, today: NaiveDate) -> ServiceResult<u64> {
    let mut tx = db.write().await?;
    let mut total = 0;
    let default = follow_up::AssociationSettings::default().retention_months;
    for (association, months) in store::retention_by_association(&mut tx).await? {
        let months = months.unwrap_or(default);
        let cutoff = today.checked_sub_months(chrono::Months::new(months as u32)).unwrap_or(today);
        let n = store::purge_ended_before(&mut tx, association, cutoff, time::now()).await?;
        if n > 0 {
            Event::new(actor, Action::ParticipantPurge)
                .association(association)
                .object("association", association)
                .details(json!({ "participations": n, "ended_before": cutoff.to_string() }))
                .write(&mut tx)
                .await?;
        }
        total += n;
    }
    tx.commit().await?;
    Ok(total)
}

/// What a step records, in Swedish ("Till: Arbetsförmedlingen; Bekräftad: ja"), for its page and
/// the register extract; the triage category by the name `triage_label` gives it.
pub fn step_details_text(details: &str, triage_label: impl Fn(&str) -> String) -> String {
    let details: serde_json::Value = serde_json::from_str(details).unwrap_or_default();
    let Some(fields) = details.as_object() else { return String::new() };
    fields
        .iter()
        .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
        .map(|(k, v)| {
            let label = match k.as_str() {
                "summary" => "Sammanfattning",
                "goals" => "Mål och aktiviteter",
                "actor" => "Till",
                "confirmed" => "Bekräftad",
                "activity_kind" => "Slag",
                "provider" => "Anordnare",
                "hours_per_week" => "Timmar per vecka",
                "triage" => "Triage",
                _ => k.as_str(),
            };
            let value = match v {
                serde_json::Value::Bool(true) => "ja".to_string(),
                serde_json::Value::Bool(false) => "nej".to_string(),
                serde_json::Value::String(s) if k == "triage" => triage_label(s),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{label}: {value}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The register extract as a document: every field of every participation, with its path.
pub fn extract_document(x: &RegisterExtract) -> (String, Vec<crate::documents::DocBlock>) {
    use crate::documents::DocBlock;
    let title = "Registerutdrag om deltagare".to_string();
    let mut blocks = vec![
        DocBlock::Heading(1, title.clone()),
        DocBlock::Paragraph(format!(
            "Personuppgiftsansvarig: {}. Utdraget är gjort {} och innehåller allt som registret för \
             deltagaruppföljning lagrar om personen (artikel 15 i dataskyddsförordningen).",
            x.owner_name, x.made_at
        )),
    ];
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "–".into());
    let text = |s: &Option<String>| s.clone().unwrap_or_else(|| "–".into());
    for (intervention, v) in &x.participations {
        let r = &v.row;
        blocks.push(DocBlock::Heading(2, format!("Deltagande i {intervention}")));
        let mut fields = vec![
            ("Personnummer", text(&v.personal_number)),
            ("Namn", text(&v.name)),
            ("Kön", Sex::parse(&r.sex).map(|s| s.label().to_string()).unwrap_or_default()),
            ("Födelseår", r.birth_year.map(|y| y.to_string()).unwrap_or_else(|| "–".into())),
            ("Hemkommun", text(&r.home_name)),
            (
                "Samtycke",
                format!("{} ({}; {})", date(r.consent_date), text(&r.consent_scope), text(&r.consent_version)),
            ),
            ("Samtycke registrerat av", text(&r.consent_recorded_by_name)),
            ("Samtycke återkallat", date(r.consent_withdrawn_on)),
            ("Inskriven", r.enrolled_on.to_string()),
            ("Remitterad av", format!("{} {}", text(&r.remitted_by_name), date(r.remitted_on))),
            ("Första besök", date(r.first_visit_on)),
            ("Triage", text(&r.triage)),
            ("Del av insatsen", text(&r.part)),
            ("Utbildning", text(&r.education)),
            ("Sysselsättning före", text(&r.occupation_before)),
            ("Försörjning före", v.income_before.join(", ")),
            ("Tid i offentlig försörjning", text(&r.support_time)),
            ("Omfattning (% av 40 h/vecka)", r.extent_percent.map(|e| e.to_string()).unwrap_or_else(|| "–".into())),
            ("Avslutad", date(r.exited_on)),
            ("Avslutsanledning", text(&r.exit_reason)),
            ("Sysselsättning efter", text(&r.occupation_after)),
            ("Försörjning efter", v.income_after.join(", ")),
        ];
        fields.push((
            "Förankrad fortsatt planering",
            match r.anchored_plan {
                Some(true) => format!("ja, {}", text(&r.receiving_actor)),
                Some(false) => "nej".into(),
                None => "–".into(),
            },
        ));
        for (label, value) in fields {
            blocks.push(DocBlock::Paragraph(format!("{label}: {value}")));
        }
        blocks.push(DocBlock::Heading(3, "Steg".into()));
        for s in &v.steps {
            let kind = StepKind::parse(&s.kind).map(|k| k.label()).unwrap_or(&s.kind);
            blocks.push(DocBlock::Paragraph(format!(
                "{} {kind}: {} (registrerat av {})",
                s.occurred_on,
                step_details_text(&s.details, |t| t.to_string()),
                s.recorded_by_name.clone().unwrap_or_default()
            )));
        }
        blocks.push(DocBlock::Heading(3, "Mätningar".into()));
        for (m, scores) in &v.measurements {
            let scores: Vec<String> = scores.iter().map(|(d, s)| format!("{d} {s}")).collect();
            blocks.push(DocBlock::Paragraph(format!(
                "{} {} ({}): {}",
                m.measured_on,
                m.instrument,
                m.occasion,
                scores.join(", ")
            )));
        }
    }
    if !x.elsewhere.is_empty() {
        blocks.push(DocBlock::Heading(2, "Deltaganden i insatser som andra deltagaransvariga följer".into()));
        for e in &x.elsewhere {
            blocks.push(DocBlock::Paragraph(format!(
                "{}: inskriven {}, avslutad {}",
                e.intervention_name,
                e.enrolled_on,
                date(e.exited_on)
            )));
        }
    }
    (title, blocks)
}
