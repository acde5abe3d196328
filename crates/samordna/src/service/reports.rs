//! Period and final reports and deviation reports. The owner's insatsansvarig writes them; the
//! office approves a report or sends it back, acknowledges a deviation, and records the
//! committee's decision on one that needs it. A report carries the system's own figures for its
//! period: participants, goals and money, with small counts hidden, kept as they were when it
//! was submitted.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::domain::audit::Action;
use crate::domain::follow_up::{figure_text, GoalRule};
use crate::domain::money::Money;
use crate::domain::report::{
    schedule, DeviationStatus, Frequency, ReportKind, ReportStatus, DEFAULT_DUE_DAYS, DEFAULT_FREQUENCY,
    DEVIATION_CATEGORIES,
};
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::interventions::InterventionRow;
use crate::storage::reports::{self as store, DeviationRow, Handling, Narrative, NewDeviation, ReportRow, Slot};
use crate::storage::{Db, Tx};

use super::audit::{Actor, Event};
use super::follow_up::{report_figures_in, Period, Statistics};
use super::interventions::load;
use super::principal::Principal;
use super::requisitions::is_owner_lead;
use super::{FieldError, ServiceError, ServiceResult};

/// The longest a report's text may be, per field.
const TEXT_MAX: usize = 20_000;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportSettings {
    pub frequency: Frequency,
    /// Days after a period's end when its report is due.
    pub due_days: i32,
}

pub async fn settings_in(tx: &mut Tx, association_id: i64) -> ServiceResult<ReportSettings> {
    Ok(match store::settings(tx, association_id).await? {
        Some((f, due_days)) => {
            ReportSettings { frequency: Frequency::parse(&f).unwrap_or(DEFAULT_FREQUENCY), due_days }
        }
        None => ReportSettings { frequency: DEFAULT_FREQUENCY, due_days: DEFAULT_DUE_DAYS },
    })
}

pub async fn settings(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<ReportSettings> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let s = settings_in(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn save_settings(db: &Db, p: &Principal, association_id: i64, s: &ReportSettings) -> ServiceResult<()> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    if !(p.is_system_admin() || p.holds_in(association_id, &[Role::AssociationAdmin, Role::Director])) {
        return Err(ServiceError::Forbidden);
    }
    if !(0..=180).contains(&s.due_days) {
        return Err(ServiceError::Invalid(vec![FieldError::new("due_days", "out_of_range")]));
    }
    let mut tx = db.write().await?;
    store::save_settings(&mut tx, association_id, s.frequency.code(), s.due_days, time::now()).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::ReportSettingsSave)
        .association(association_id)
        .object("association", association_id)
        .details(json!({ "frequency": s.frequency.code(), "due_days": s.due_days }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The office: handläggare and förbundschef review reports and handle deviations.
fn is_office(p: &Principal, association_id: i64) -> bool {
    p.is_system_admin() || p.holds_in(association_id, &[Role::CaseOfficer, Role::Director])
}

/// One report of the schedule, written or not.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportLine {
    /// The report's key in addresses: its first day, or `final`.
    pub slot: String,
    pub kind: ReportKind,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
    pub status: ReportStatus,
    /// Due and not yet submitted.
    pub overdue: bool,
}

/// The intervention's reports: its periods by the association's frequency, then the final report.
fn slots(i: &InterventionRow, s: &ReportSettings) -> Vec<(ReportKind, NaiveDate, NaiveDate, NaiveDate)> {
    let due = |to: NaiveDate| to + Duration::days(s.due_days as i64);
    let mut out: Vec<_> = schedule(i.start_date, i.end_date, s.frequency)
        .into_iter()
        .map(|(f, t)| (ReportKind::Period, f, t, due(t)))
        .collect();
    out.push((ReportKind::Final, i.start_date, i.end_date, due(i.end_date)));
    out
}

fn slot_key(kind: ReportKind, from: NaiveDate) -> String {
    match kind {
        ReportKind::Final => "final".into(),
        ReportKind::Period => from.to_string(),
    }
}

fn line(kind: ReportKind, from: NaiveDate, to: NaiveDate, due_on: NaiveDate, row: Option<&ReportRow>) -> ReportLine {
    let status = row.and_then(|r| ReportStatus::parse(&r.status)).unwrap_or(ReportStatus::Due);
    ReportLine {
        slot: slot_key(kind, from),
        kind,
        period_from: from,
        period_to: to,
        due_on,
        status,
        overdue: status.editable() && due_on < time::today(),
    }
}

pub struct ReportList {
    pub intervention: InterventionRow,
    pub settings: ReportSettings,
    pub reports: Vec<ReportLine>,
    /// The owner's insatsansvarig, who writes the reports.
    pub can_write: bool,
}

pub async fn list(db: &Db, p: &Principal, intervention_id: i64) -> ServiceResult<ReportList> {
    let mut tx = db.read().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    let settings = settings_in(&mut tx, i.association_id).await?;
    let rows = store::reports(&mut tx, intervention_id).await?;
    tx.commit().await?;
    let find = |kind: ReportKind, from: NaiveDate| rows.iter().find(|r| r.kind == kind.code() && r.period_from == from);
    let mut reports: Vec<ReportLine> = slots(&i, &settings)
        .into_iter()
        .map(|(kind, from, to, due)| line(kind, from, to, due, find(kind, from)))
        .collect();
    // A report saved under an earlier frequency keeps its place.
    for r in &rows {
        let kind = ReportKind::parse(&r.kind).unwrap_or(ReportKind::Period);
        if !reports.iter().any(|l| l.kind == kind && l.period_from == r.period_from) {
            reports.push(line(kind, r.period_from, r.period_to, r.due_on, Some(r)));
        }
    }
    reports.sort_by_key(|l| (l.kind == ReportKind::Final, l.period_from));
    Ok(ReportList { can_write: is_owner_lead(p, &i), intervention: i, settings, reports })
}

/// A goal's figures in a report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GoalFigures {
    pub text: String,
    pub women: String,
    pub men: String,
    pub total: String,
    /// Reached, not reached, or nothing to measure yet.
    pub met: Option<bool>,
}

/// The money of a report's period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MoneyFigures {
    /// The grant for the whole intervention.
    pub granted_total_sek: i64,
    /// Claimed for costs within the period (not rejected), and of it approved.
    pub claimed_in_period_sek: i64,
    pub approved_in_period_sek: i64,
}

/// The system's own figures for a report's period, as aggregates with small counts hidden.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportFigures {
    pub statistics: Statistics,
    pub goals: Vec<GoalFigures>,
    pub money: MoneyFigures,
}

async fn figures_in(tx: &mut Tx, i: &InterventionRow, from: NaiveDate, to: NaiveDate) -> ServiceResult<ReportFigures> {
    let (statistics, goals) = report_figures_in(tx, i, Period { from, to }).await?;
    let (claimed, approved) = store::claims_within(tx, i.id, from, to).await?;
    let kr = |ore: i64| Money::from_ore(ore).kronor_rounded();
    Ok(ReportFigures {
        statistics,
        goals: goals
            .into_iter()
            .map(|(g, r)| {
                let volume = matches!(g.rule, GoalRule::Volume { .. });
                GoalFigures {
                    text: g.text,
                    women: figure_text(r.female.as_ref(), volume),
                    men: figure_text(r.male.as_ref(), volume),
                    total: figure_text(r.all.as_ref(), volume),
                    met: r.met,
                }
            })
            .collect(),
        money: MoneyFigures {
            granted_total_sek: kr(i.max_total_ore),
            claimed_in_period_sek: kr(claimed),
            approved_in_period_sek: kr(approved),
        },
    })
}

pub struct ReportView {
    pub intervention: InterventionRow,
    pub line: ReportLine,
    pub row: Option<ReportRow>,
    /// As submitted, or (before submission) as they stand today.
    pub figures: ReportFigures,
    pub can_write: bool,
    pub can_review: bool,
}

/// The slot's kind and first day from its key, if the intervention has such a report.
fn find_slot(
    i: &InterventionRow,
    s: &ReportSettings,
    rows: &[ReportRow],
    key: &str,
) -> ServiceResult<(ReportKind, NaiveDate, NaiveDate, NaiveDate)> {
    let wanted = if key == "final" {
        (ReportKind::Final, i.start_date)
    } else {
        (ReportKind::Period, NaiveDate::parse_from_str(key, "%Y-%m-%d").map_err(|_| ServiceError::NotFound)?)
    };
    if let Some(found) = slots(i, s).into_iter().find(|(k, f, _, _)| (*k, *f) == wanted) {
        return Ok(found);
    }
    rows.iter()
        .find(|r| r.kind == wanted.0.code() && r.period_from == wanted.1)
        .map(|r| (wanted.0, r.period_from, r.period_to, r.due_on))
        .ok_or(ServiceError::NotFound)
}

pub async fn get(db: &Db, p: &Principal, intervention_id: i64, key: &str) -> ServiceResult<ReportView> {
    let mut tx = db.read().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    let settings = settings_in(&mut tx, i.association_id).await?;
    let rows = store::reports(&mut tx, intervention_id).await?;
    let (kind, from, to, due) = find_slot(&i, &settings, &rows, key)?;
    let row = rows.into_iter().find(|r| r.kind == kind.code() && r.period_from == from);
    // The figures are written whole at submission; one that does not read is a fault to report,
    // and the page falls back to today's figures rather than showing none.
    let stored = row.as_ref().and_then(|r| r.figures.as_deref()).and_then(|f| {
        serde_json::from_str(f)
            .map_err(|e| tracing::error!(intervention = intervention_id, error = %e, "report figures unreadable"))
            .ok()
    });
    let figures = match stored {
        Some(f) => f,
        None => figures_in(&mut tx, &i, from, to).await?,
    };
    tx.commit().await?;
    Ok(ReportView {
        line: line(kind, from, to, due, row.as_ref()),
        can_write: is_owner_lead(p, &i),
        can_review: is_office(p, i.association_id),
        intervention: i,
        row,
        figures,
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReportInput {
    /// What was done in the period.
    #[serde(default)]
    pub activities: String,
    /// Deviations from the plan, and why.
    #[serde(default)]
    pub deviations: String,
    /// Lessons learned.
    #[serde(default)]
    pub lessons: String,
    /// How what works is being made part of the members' ordinary work.
    #[serde(default)]
    pub implementation: String,
}

impl ReportInput {
    fn narrative(&self) -> Narrative<'_> {
        Narrative {
            activities: self.activities.trim(),
            deviations: self.deviations.trim(),
            lessons: self.lessons.trim(),
            implementation: self.implementation.trim(),
        }
    }
}

/// Where a report of the intervention is stored: its kind and (first day, last day, due day).
fn slot_of(i: &InterventionRow, kind: ReportKind, (from, to, due): (NaiveDate, NaiveDate, NaiveDate)) -> Slot {
    Slot {
        intervention_id: i.id,
        association_id: i.association_id,
        kind: kind.code(),
        period_from: from,
        period_to: to,
        due_on: due,
    }
}

fn check_text(input: &ReportInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (name, text) in [
        ("activities", &input.activities),
        ("deviations", &input.deviations),
        ("lessons", &input.lessons),
        ("implementation", &input.implementation),
    ] {
        if text.chars().count() > TEXT_MAX {
            errors.push(FieldError::new(name, "too_long"));
        }
    }
    errors
}

/// Saves the owner's text as a draft (also of a report sent back); the figures are not kept
/// until the report is submitted.
pub async fn save(db: &Db, p: &Principal, intervention_id: i64, key: &str, input: &ReportInput) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    if !is_owner_lead(p, &i) {
        return Err(ServiceError::Denied("not_owner_lead"));
    }
    let errors = check_text(input);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let settings = settings_in(&mut tx, i.association_id).await?;
    let rows = store::reports(&mut tx, intervention_id).await?;
    let (kind, from, to, due) = find_slot(&i, &settings, &rows, key)?;
    let slot = slot_of(&i, kind, (from, to, due));
    let text = input.narrative();
    if !store::save_narrative(&mut tx, &slot, &text, p.user_id, time::now()).await? {
        return Err(ServiceError::Conflict("report_already_submitted"));
    }
    let id = store::report(&mut tx, intervention_id, kind.code(), from).await?.map(|r| r.id).unwrap_or_default();
    Event::new(&Actor::of(p, Some(i.association_id)), Action::ReportSave)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("period_report", id)
        .details(json!({ "intervention_id": intervention_id, "kind": kind.code(), "period_from": from }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the text and submits the report with the figures of the moment. The period must have
/// ended; what was done must be told, and for the final report how it is implemented.
pub async fn submit(db: &Db, p: &Principal, intervention_id: i64, key: &str, input: &ReportInput) -> ServiceResult<()> {
    let mut errors = check_text(input);
    if input.activities.trim().is_empty() {
        errors.push(FieldError::new("activities", "required"));
    }
    let mut tx = db.write().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    if !is_owner_lead(p, &i) {
        return Err(ServiceError::Denied("not_owner_lead"));
    }
    let settings = settings_in(&mut tx, i.association_id).await?;
    let rows = store::reports(&mut tx, intervention_id).await?;
    let (kind, from, to, due) = find_slot(&i, &settings, &rows, key)?;
    if let Some(r) = rows.iter().find(|r| r.kind == kind.code() && r.period_from == from) {
        if !ReportStatus::parse(&r.status).is_some_and(ReportStatus::editable) {
            return Err(ServiceError::Conflict("report_already_submitted"));
        }
    }
    if kind == ReportKind::Final && input.implementation.trim().is_empty() {
        errors.push(FieldError::new("implementation", "required"));
    }
    if to > time::today() {
        errors.push(FieldError::new("period_to", "report_period_not_ended"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let slot = slot_of(&i, kind, (from, to, due));
    let text = input.narrative();
    let at = time::now();
    store::save_narrative(&mut tx, &slot, &text, p.user_id, at).await?;
    let id = store::report(&mut tx, intervention_id, kind.code(), from).await?.map(|r| r.id).unwrap_or_default();
    let figures = figures_in(&mut tx, &i, from, to).await?;
    let figures = serde_json::to_string(&figures).expect("figures serialise");
    // The status is checked again in the update, so two submissions at once make one.
    if !store::submit(&mut tx, id, &figures, p.user_id, at).await? {
        return Err(ServiceError::Conflict("report_already_submitted"));
    }
    Event::new(&Actor::of(p, Some(i.association_id)), Action::ReportSubmit)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("period_report", id)
        .details(json!({ "intervention_id": intervention_id, "kind": kind.code(), "period_from": from }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the office does with a submitted report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportDecision {
    Approve,
    /// Send back for completion, with a reason.
    Return,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportReviewInput {
    pub action: ReportDecision,
    #[serde(default)]
    pub reason: Option<String>,
}

pub async fn review(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    key: &str,
    input: &ReportReviewInput,
) -> ServiceResult<ReportStatus> {
    let mut tx = db.write().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    if !is_office(p, i.association_id) {
        return Err(ServiceError::Forbidden);
    }
    let settings = settings_in(&mut tx, i.association_id).await?;
    let rows = store::reports(&mut tx, intervention_id).await?;
    let (kind, from, _, _) = find_slot(&i, &settings, &rows, key)?;
    let row = rows.iter().find(|r| r.kind == kind.code() && r.period_from == from);
    let Some(row) = row.filter(|r| r.status == ReportStatus::Submitted.code()) else {
        return Err(ServiceError::Conflict("report_not_submitted"));
    };
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let mut errors = Vec::new();
    if input.action == ReportDecision::Return && reason.is_none() {
        errors.push(FieldError::new("reason", "required"));
    }
    if reason.is_some_and(|r| r.chars().count() > 2000) {
        errors.push(FieldError::new("reason", "too_long"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let to = if input.action == ReportDecision::Approve { ReportStatus::Approved } else { ReportStatus::Returned };
    let reason = if to == ReportStatus::Returned { reason } else { None };
    if !store::review(&mut tx, row.id, to.code(), reason, p.user_id, time::now()).await? {
        return Err(ServiceError::Conflict("report_not_submitted"));
    }
    Event::new(&Actor::of(p, Some(i.association_id)), Action::ReportReview)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("period_report", row.id)
        .details(json!({ "intervention_id": intervention_id, "to": to.code() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(to)
}

pub struct DeviationList {
    pub intervention: InterventionRow,
    pub deviations: Vec<DeviationRow>,
    /// Where those that need a decision stand on the committee's agenda.
    pub items: Vec<store::DeviationItem>,
    pub can_report: bool,
    pub can_handle: bool,
}

pub async fn deviations(db: &Db, p: &Principal, intervention_id: i64) -> ServiceResult<DeviationList> {
    let mut tx = db.read().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    let deviations = store::deviations(&mut tx, intervention_id).await?;
    let items = store::intervention_deviation_items(&mut tx, intervention_id).await?;
    tx.commit().await?;
    Ok(DeviationList {
        can_report: is_owner_lead(p, &i),
        can_handle: is_office(p, i.association_id),
        intervention: i,
        deviations,
        items,
    })
}

/// The intervention and one of its deviations, for the office, which handles deviations.
async fn office_deviation(
    tx: &mut Tx,
    p: &Principal,
    intervention_id: i64,
    id: i64,
) -> ServiceResult<(InterventionRow, DeviationRow)> {
    let i = load(tx, p, intervention_id).await?.0;
    let d = store::deviation(tx, id).await?.filter(|d| d.intervention_id == intervention_id);
    let d = d.ok_or(ServiceError::NotFound)?;
    if !is_office(p, i.association_id) {
        return Err(ServiceError::Forbidden);
    }
    Ok((i, d))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DeviationInput {
    /// When it happened or was found.
    pub occurred_on: Option<NaiveDate>,
    /// schedule, budget, target_group, staffing, method, collaboration or incident.
    pub category: String,
    pub description: String,
    pub consequence: String,
    pub proposed_measure: String,
    /// Does it need the committee's decision (a changed budget, target group or period)?
    #[serde(default)]
    pub needs_decision: bool,
}

/// Reports a deviation. One that needs a decision goes to the committee's list of cases.
pub async fn report_deviation(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    input: &DeviationInput,
) -> ServiceResult<i64> {
    let mut errors = Vec::new();
    match input.occurred_on {
        None => errors.push(FieldError::new("occurred_on", "required")),
        Some(d) if d > time::today() => errors.push(FieldError::new("occurred_on", "date_in_future")),
        _ => {}
    }
    if !DEVIATION_CATEGORIES.iter().any(|(c, _)| *c == input.category.trim()) {
        let code = if input.category.trim().is_empty() { "required" } else { "unknown_code" };
        errors.push(FieldError::new("category", code));
    }
    for (name, text) in [
        ("description", &input.description),
        ("consequence", &input.consequence),
        ("proposed_measure", &input.proposed_measure),
    ] {
        if text.trim().is_empty() {
            errors.push(FieldError::new(name, "required"));
        } else if text.chars().count() > TEXT_MAX {
            errors.push(FieldError::new(name, "too_long"));
        }
    }
    let mut tx = db.write().await?;
    let i = load(&mut tx, p, intervention_id).await?.0;
    if !is_owner_lead(p, &i) {
        return Err(ServiceError::Denied("not_owner_lead"));
    }
    if input.occurred_on.is_some_and(|d| d < i.start_date) {
        errors.push(FieldError::new("occurred_on", "before_intervention_start"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let id = store::insert_deviation(
        &mut tx,
        &NewDeviation {
            intervention_id,
            association_id: i.association_id,
            occurred_on: input.occurred_on.expect("checked above"),
            category: input.category.trim(),
            description: input.description.trim(),
            consequence: input.consequence.trim(),
            proposed_measure: input.proposed_measure.trim(),
            needs_decision: input.needs_decision,
            user_id: p.user_id,
            at: time::now(),
        },
    )
    .await?;
    Event::new(&Actor::of(p, Some(i.association_id)), Action::DeviationCreate)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("deviation", id)
        .details(json!({ "intervention_id": intervention_id, "category": input.category.trim(), "needs_decision": input.needs_decision }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeviationHandling {
    /// The office's acknowledgement, or the committee's decision.
    pub response: String,
}

/// The office acknowledges a deviation, or records the committee's decision on one that needs
/// it, once it has been a case at a meeting of the committee that has taken place.
pub async fn handle_deviation(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    input: &DeviationHandling,
) -> ServiceResult<DeviationStatus> {
    let mut tx = db.write().await?;
    let (i, d) = office_deviation(&mut tx, p, intervention_id, id).await?;
    let from = DeviationStatus::parse(&d.status).unwrap_or(DeviationStatus::Decided);
    let to = match from {
        DeviationStatus::Reported => DeviationStatus::Acknowledged,
        DeviationStatus::AwaitingDecision => DeviationStatus::Decided,
        _ => return Err(ServiceError::Conflict("deviation_handled")),
    };
    let mut errors = Vec::new();
    let response = input.response.trim();
    if response.is_empty() {
        errors.push(FieldError::new("response", "required"));
    } else if response.chars().count() > TEXT_MAX {
        errors.push(FieldError::new("response", "too_long"));
    }
    let mut item = None;
    if to == DeviationStatus::Decided {
        match store::deviation_item(&mut tx, id).await? {
            None => errors.push(FieldError::new("response", "deviation_not_on_agenda")),
            Some(x) if x.meeting_date > time::today() => errors.push(FieldError::new("response", "meeting_not_held")),
            Some(x) => item = Some(x),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let text = match &item {
        Some(x) => format!("Arbetsutskottet {} § {}: {response}", x.meeting_date, x.section),
        None => response.to_string(),
    };
    let handling = Handling {
        from: from.code(),
        to: to.code(),
        response: &text,
        meeting_id: item.as_ref().map(|x| x.meeting_id),
        user_id: p.user_id,
        at: time::now(),
    };
    if !store::handle_deviation(&mut tx, id, &handling).await? {
        return Err(ServiceError::Conflict("deviation_handled"));
    }
    Event::new(&Actor::of(p, Some(i.association_id)), Action::DeviationHandle)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("deviation", id)
        .details(json!({ "intervention_id": intervention_id, "to": to.code(), "meeting_id": item.as_ref().map(|x| x.meeting_id) }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(to)
}

/// Puts a deviation that needs a decision on the agenda of a planned meeting of the committee,
/// with the next section number of the committee's year. Returns the section.
pub async fn put_on_agenda(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    meeting_id: Option<i64>,
) -> ServiceResult<i64> {
    let mut tx = db.write().await?;
    let (i, d) = office_deviation(&mut tx, p, intervention_id, id).await?;
    if d.status != DeviationStatus::AwaitingDecision.code() {
        return Err(ServiceError::Conflict("deviation_needs_no_decision"));
    }
    let meeting = match meeting_id {
        Some(m) => crate::storage::meetings::get(&mut tx, m).await?,
        None => None,
    };
    let meeting = match meeting {
        None => return Err(ServiceError::Invalid(vec![FieldError::new("meeting_id", "required")])),
        Some(m) if m.association_id != i.association_id || m.body != "committee" => {
            return Err(ServiceError::Invalid(vec![FieldError::new("meeting_id", "not_a_committee_meeting")]))
        }
        Some(m) if m.attested_at.is_some() => {
            return Err(ServiceError::Invalid(vec![FieldError::new("meeting_id", "minutes_attested")]))
        }
        Some(m) => m,
    };
    use chrono::Datelike;
    let year = meeting.meeting_date.year();
    let section = crate::storage::meetings::next_section(&mut tx, i.association_id, "committee", year).await?;
    let item = store::NewDeviationItem {
        meeting_id: meeting.id,
        deviation_id: id,
        association_id: i.association_id,
        body: "committee",
        year,
        section,
    };
    if !store::insert_deviation_item(&mut tx, &item).await? {
        return Err(ServiceError::Conflict("deviation_on_agenda"));
    }
    Event::new(&Actor::of(p, Some(i.association_id)), Action::DeviationHandle)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("deviation", id)
        .details(json!({ "intervention_id": intervention_id, "agenda": meeting.id, "section": section }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(section)
}

/// The association's deviations waiting for the committee, for the office's planning.
pub async fn awaiting_decision(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<Vec<DeviationRow>> {
    if !is_office(p, association_id) || !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let rows = store::awaiting_decision(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(rows)
}
