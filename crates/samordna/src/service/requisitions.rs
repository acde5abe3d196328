//! Requisitions (rekvisitioner): the owner claims its actual costs for a period against the
//! grant; the office reviews, the director attests and payment is recorded. The accumulated
//! claims never exceed the grant, per year and in all; the one who submitted never approves.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::domain::attachment::{clean_filename, detect, FileType};
use crate::domain::audit::{Action, Outcome};
use crate::domain::economy::{RequisitionStatus, ReviewAction, COST_KINDS};
use crate::domain::money::{Money, MoneyError};
use crate::domain::participant::add_months;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::economy::{self as store, AttachmentMeta, ClaimSums, NewRequisition, RequisitionRow, StatusChange};
use crate::storage::interventions::{self as interventions_store, InterventionRow};
use crate::storage::{Db, Tx};

use super::audit::{Actor, Event};
use super::economy::settings_in;
use super::interventions::load;
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// The evidence a claim may carry: documents and scans, never programs or archives.
const EVIDENCE_TYPES: [FileType; 5] = [FileType::Pdf, FileType::Png, FileType::Jpeg, FileType::Xlsx, FileType::Ods];

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct RequisitionRowInput {
    /// personnel, premises, purchased_services, participant_activities, travel or other.
    pub cost_kind: String,
    #[serde(default)]
    pub description: String,
    /// The amount as typed: "12 500", "12 500,50 kr".
    pub amount: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct RequisitionInput {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub rows: Vec<RequisitionRowInput>,
}

/// An uploaded file: its name as sent and its bytes.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The grant, the claims and what remains, for one year or (year None) the whole intervention.
/// A year's grant and remainder are absent where the grant has no yearly maxima: then only the
/// whole binds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Summary {
    pub year: Option<i32>,
    pub granted_sek: Option<i64>,
    pub claimed_sek: i64,
    pub approved_sek: i64,
    pub paid_sek: i64,
    pub remaining_sek: Option<i64>,
    #[serde(skip)]
    pub granted: Option<Money>,
    #[serde(skip)]
    pub claimed: Money,
    #[serde(skip)]
    pub approved: Money,
    #[serde(skip)]
    pub paid: Money,
    #[serde(skip)]
    pub remaining: Option<Money>,
}

impl Summary {
    fn new(year: Option<i32>, granted: Option<i64>, claimed: i64, approved: i64, paid: i64) -> Self {
        let m = Money::from_ore;
        Summary {
            year,
            granted_sek: granted.map(|g| m(g).kronor_rounded()),
            claimed_sek: m(claimed).kronor_rounded(),
            approved_sek: m(approved).kronor_rounded(),
            paid_sek: m(paid).kronor_rounded(),
            remaining_sek: granted.map(|g| m(g - claimed).kronor_rounded()),
            granted: granted.map(m),
            claimed: m(claimed),
            approved: m(approved),
            paid: m(paid),
            remaining: granted.map(|g| m(g - claimed)),
        }
    }
}

/// Per year (of the grant, or of the claims), then the whole.
fn summaries(intervention: &InterventionRow, years: &[(i32, i64)], sums: &[ClaimSums]) -> Vec<Summary> {
    let mut out = Vec::new();
    let mut all_years: Vec<i32> = years.iter().map(|y| y.0).chain(sums.iter().map(|s| s.year)).collect();
    all_years.sort_unstable();
    all_years.dedup();
    for y in all_years {
        let granted = if years.is_empty() { None } else { Some(years.iter().find(|g| g.0 == y).map_or(0, |g| g.1)) };
        let s = sums.iter().find(|s| s.year == y).cloned().unwrap_or_default();
        out.push(Summary::new(Some(y), granted, s.claimed_ore, s.approved_ore, s.paid_ore));
    }
    let total = |f: fn(&ClaimSums) -> i64| sums.iter().map(f).sum::<i64>();
    out.push(Summary::new(
        None,
        Some(intervention.max_total_ore),
        total(|s| s.claimed_ore),
        total(|s| s.approved_ore),
        total(|s| s.paid_ore),
    ));
    out
}

pub struct RequisitionList {
    pub intervention: InterventionRow,
    pub requisitions: Vec<RequisitionRow>,
    pub summaries: Vec<Summary>,
    /// The caller may claim (the owner's insatsansvarig).
    pub can_claim: bool,
    /// The actions the caller may take on each requisition, by id.
    pub actions: Vec<(i64, Vec<ReviewAction>)>,
}

pub struct RequisitionView {
    pub intervention: InterventionRow,
    pub row: RequisitionRow,
    pub rows: Vec<(String, String, i64)>,
    pub attachments: Vec<AttachmentMeta>,
    pub actions: Vec<ReviewAction>,
}

/// The intervention, if the caller may see it.
async fn visible(tx: &mut Tx, p: &Principal, intervention_id: i64) -> ServiceResult<InterventionRow> {
    Ok(load(tx, p, intervention_id).await?.0)
}

/// Is the caller the owner's insatsansvarig, who claims and reports for the intervention?
pub(crate) fn is_owner_lead(p: &Principal, i: &InterventionRow) -> bool {
    p.grants.iter().any(|g| {
        g.role == Role::InterventionLead
            && g.member_id == Some(i.owner_member_id)
            && g.association_id == Some(i.association_id)
    })
}

/// Who takes which step: the office (handläggare or förbundschef) reviews and rejects, the
/// förbundschef attests, the administrator or the förbundschef records the payment. Nobody acts on
/// a requisition they submitted.
fn allowed_actions(p: &Principal, r: &RequisitionRow) -> Vec<ReviewAction> {
    if p.user_id == r.submitted_by {
        return Vec::new();
    }
    let status = RequisitionStatus::parse(&r.status).unwrap_or(RequisitionStatus::Rejected);
    let a = r.association_id;
    [ReviewAction::Review, ReviewAction::Attest, ReviewAction::Pay, ReviewAction::Reject]
        .into_iter()
        .filter(|action| action.next(status).is_some())
        .filter(|action| match action {
            ReviewAction::Review | ReviewAction::Reject => p.holds_in(a, &[Role::CaseOfficer, Role::Director]),
            ReviewAction::Attest => p.holds_in(a, &[Role::Director]),
            ReviewAction::Pay => p.holds_in(a, &[Role::AssociationAdmin, Role::Director]),
        })
        .collect()
}

pub async fn list(db: &Db, p: &Principal, intervention_id: i64) -> ServiceResult<RequisitionList> {
    let mut tx = db.read().await?;
    let intervention = visible(&mut tx, p, intervention_id).await?;
    let requisitions = store::requisitions(&mut tx, intervention_id).await?;
    let years = interventions_store::budget_years(&mut tx, intervention_id).await?;
    let sums = store::claim_sums(&mut tx, intervention_id).await?;
    tx.commit().await?;
    Ok(RequisitionList {
        summaries: summaries(&intervention, &years, &sums),
        can_claim: is_owner_lead(p, &intervention),
        actions: requisitions.iter().map(|r| (r.id, allowed_actions(p, r))).collect(),
        requisitions,
        intervention,
    })
}

pub async fn get(db: &Db, p: &Principal, intervention_id: i64, id: i64) -> ServiceResult<RequisitionView> {
    let mut tx = db.read().await?;
    let intervention = visible(&mut tx, p, intervention_id).await?;
    let row = store::requisition(&mut tx, id).await?.filter(|r| r.intervention_id == intervention_id);
    let row = row.ok_or(ServiceError::NotFound)?;
    let rows = store::requisition_rows(&mut tx, id).await?;
    let attachments = store::attachments(&mut tx, id).await?;
    tx.commit().await?;
    Ok(RequisitionView { actions: allowed_actions(p, &row), intervention, row, rows, attachments })
}

pub async fn attachment(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    attachment_id: i64,
) -> ServiceResult<(AttachmentMeta, Vec<u8>)> {
    let mut tx = db.read().await?;
    visible(&mut tx, p, intervention_id).await?;
    store::requisition(&mut tx, id)
        .await?
        .filter(|r| r.intervention_id == intervention_id)
        .ok_or(ServiceError::NotFound)?;
    let found = store::attachment_data(&mut tx, id, attachment_id).await?.ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(found)
}

/// A claim that passed the rules: its rows (cost kind, description, öre) and its files' types.
struct Checked {
    rows: Vec<(String, String, i64)>,
    types: Vec<FileType>,
}

/// Checks a claim against the rules, all fields at once; returns the rows in öre.
fn check(
    input: &RequisitionInput,
    uploads: &[Upload],
    i: &InterventionRow,
    tail_months: i32,
    threshold: Money,
    today: NaiveDate,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (from, to) = (input.period_from, input.period_to);
    let last = add_months(i.end_date, tail_months.max(0) as u32);
    if from > to {
        errors.push(FieldError::new("period_to", "period_reversed"));
    } else if from.year() != to.year() {
        errors.push(FieldError::new("period_to", "period_spans_years"));
    }
    if from < i.start_date {
        errors.push(FieldError::new("period_from", "before_intervention_start"));
    }
    if to > last {
        errors.push(FieldError::new("period_to", "after_claim_period"));
    }
    if from > today {
        errors.push(FieldError::new("period_from", "date_in_future"));
    }
    if input.rows.is_empty() {
        errors.push(FieldError::new("rows", "required"));
    }
    if input.rows.len() > 50 {
        errors.push(FieldError::new("rows", "too_many"));
    }
    let mut rows = Vec::new();
    for (n, r) in input.rows.iter().enumerate() {
        if !COST_KINDS.iter().any(|(c, _)| *c == r.cost_kind.trim()) {
            errors.push(FieldError::new(format!("rows[{n}].cost_kind"), "unknown_code"));
        }
        if r.description.chars().count() > 500 {
            errors.push(FieldError::new(format!("rows[{n}].description"), "too_long"));
        }
        match Money::parse(&r.amount) {
            Ok(m) if m.ore() > 0 => {
                rows.push((r.cost_kind.trim().to_string(), r.description.trim().to_string(), m.ore()))
            }
            Ok(_) => errors.push(FieldError::new(format!("rows[{n}].amount"), "amount_not_positive")),
            Err(MoneyError::Empty) => errors.push(FieldError::new(format!("rows[{n}].amount"), "required")),
            Err(MoneyError::Invalid) => errors.push(FieldError::new(format!("rows[{n}].amount"), "amount_invalid")),
            Err(MoneyError::TooLarge) => errors.push(FieldError::new(format!("rows[{n}].amount"), "amount_too_large")),
        }
    }
    let mut types = Vec::new();
    for (n, u) in uploads.iter().enumerate() {
        match detect(&u.bytes) {
            Some(t) if EVIDENCE_TYPES.contains(&t) => types.push(t),
            _ => errors.push(FieldError::new(format!("files[{n}]"), "attachment_type")),
        }
    }
    let amount: i64 = rows.iter().map(|r| r.2).sum();
    if errors.is_empty() && amount > threshold.ore() && uploads.is_empty() {
        errors.push(FieldError::new("files", "evidence_required"));
    }
    if errors.is_empty() {
        Ok(Checked { rows, types })
    } else {
        Err(errors)
    }
}

/// Submits a claim with its evidence. The limits are checked in the same write transaction that
/// saves it, so two claims at once cannot together exceed the grant.
pub async fn create(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    input: &RequisitionInput,
    uploads: &[Upload],
) -> ServiceResult<i64> {
    let mut tx = db.write().await?;
    let i = visible(&mut tx, p, intervention_id).await?;
    if !is_owner_lead(p, &i) {
        return Err(ServiceError::Denied("not_owner_lead"));
    }
    if i.all_signed_at.is_none() {
        return Err(ServiceError::Conflict("agreement_not_signed"));
    }
    let settings = settings_in(&mut tx, i.association_id).await?;
    let threshold = Money::from_kronor(settings.attachment_threshold_sek);
    let Checked { rows, types } = check(input, uploads, &i, settings.claim_tail_months, threshold, time::today())
        .map_err(ServiceError::Invalid)?;
    let amount: i64 = rows.iter().map(|r| r.2).sum();
    // Final costs claimed in the tail after the end count against the grant's last year.
    let year = input.period_from.year().min(i.end_date.year());
    let years = interventions_store::budget_years(&mut tx, intervention_id).await?;
    let sums = store::claim_sums(&mut tx, intervention_id).await?;
    let claimed_in_year = sums.iter().find(|s| s.year == year).map_or(0, |s| s.claimed_ore);
    let claimed_all: i64 = sums.iter().map(|s| s.claimed_ore).sum();
    // Where the grant is per year, the year's maximum binds; a year the grant does not name has
    // nothing to claim against.
    if !years.is_empty() {
        let granted = years.iter().find(|y| y.0 == year).map_or(0, |y| y.1);
        if claimed_in_year + amount > granted {
            return Err(ServiceError::Invalid(vec![FieldError::new("rows", "above_remaining_year")]));
        }
    }
    if claimed_all + amount > i.max_total_ore {
        return Err(ServiceError::Invalid(vec![FieldError::new("rows", "above_remaining")]));
    }
    let at = time::now();
    let id = store::insert_requisition(
        &mut tx,
        &NewRequisition {
            intervention_id,
            association_id: i.association_id,
            member_id: i.owner_member_id,
            year,
            period_from: input.period_from,
            period_to: input.period_to,
            rows: &rows,
            user_id: p.user_id,
            at,
        },
    )
    .await?;
    for (u, t) in uploads.iter().zip(types) {
        let sha = hex::encode(Sha256::digest(&u.bytes));
        store::insert_attachment(&mut tx, id, &clean_filename(&u.filename), t.content_type(), &sha, &u.bytes, at)
            .await?;
    }
    Event::new(&Actor::of(p, Some(i.association_id)), Action::RequisitionCreate)
        .association(i.association_id)
        .member(i.owner_member_id)
        .object("requisition", id)
        .details(json!({ "intervention_id": intervention_id, "year": year, "amount_sek": Money::from_ore(amount).kronor_rounded(), "attachments": uploads.len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ReviewInput {
    pub action: ReviewAction,
    /// Required when rejecting.
    #[serde(default)]
    pub reason: Option<String>,
    /// The payment date, when recording payment.
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
}

pub async fn review(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    id: i64,
    input: &ReviewInput,
) -> ServiceResult<RequisitionStatus> {
    let mut tx = db.write().await?;
    visible(&mut tx, p, intervention_id).await?;
    let r = store::requisition(&mut tx, id).await?.filter(|r| r.intervention_id == intervention_id);
    let r = r.ok_or(ServiceError::NotFound)?;
    let from = RequisitionStatus::parse(&r.status).unwrap_or(RequisitionStatus::Rejected);
    let Some(to) = input.action.next(from) else {
        return Err(ServiceError::Conflict("requisition_wrong_status"));
    };
    if p.user_id == r.submitted_by {
        Event::new(&Actor::of(p, Some(r.association_id)), Action::RequisitionReview)
            .association(r.association_id)
            .object("requisition", id)
            .outcome(Outcome::Denied)
            .details(json!({ "reason": "own_requisition" }))
            .write(&mut tx)
            .await?;
        tx.commit().await?;
        return Err(ServiceError::Denied("own_requisition"));
    }
    if !allowed_actions(p, &r).contains(&input.action) {
        return Err(ServiceError::Forbidden);
    }
    let mut errors = Vec::new();
    let reason = input.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if input.action == ReviewAction::Reject && reason.is_none() {
        errors.push(FieldError::new("reason", "required"));
    }
    if reason.is_some_and(|s| s.chars().count() > 2000) {
        errors.push(FieldError::new("reason", "too_long"));
    }
    let paid_on = if input.action == ReviewAction::Pay {
        match input.paid_on {
            None => {
                errors.push(FieldError::new("paid_on", "required"));
                None
            }
            Some(d) if d > time::today() => {
                errors.push(FieldError::new("paid_on", "date_in_future"));
                None
            }
            Some(d) => Some(d),
        }
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let change =
        StatusChange { from: from.code(), to: to.code(), user_id: p.user_id, at: time::now(), paid_on, reason };
    if !store::set_status(&mut tx, id, &change).await? {
        return Err(ServiceError::Conflict("requisition_wrong_status"));
    }
    Event::new(&Actor::of(p, Some(r.association_id)), Action::RequisitionReview)
        .association(r.association_id)
        .member(r.member_id)
        .object("requisition", id)
        .details(json!({ "from": from.code(), "to": to.code() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(to)
}

/// The association's requisitions across its interventions, for the office, the board and the
/// auditors: a page, and how many match in all.
pub async fn association_list(
    db: &Db,
    p: &Principal,
    q: &store::RequisitionQuery<'_>,
) -> ServiceResult<(Vec<store::AssociationRequisition>, i64)> {
    if !super::interventions::reach(p, q.association_id).all {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let rows = store::association_requisitions(&mut tx, q).await?;
    let total = store::count_association_requisitions(&mut tx, q).await?;
    tx.commit().await?;
    Ok((rows, total))
}

/// The next page of the same list, without counting again (for exports read page by page).
pub async fn association_page(
    db: &Db,
    p: &Principal,
    q: &store::RequisitionQuery<'_>,
) -> ServiceResult<Vec<store::AssociationRequisition>> {
    if !super::interventions::reach(p, q.association_id).all {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let rows = store::association_requisitions(&mut tx, q).await?;
    tx.commit().await?;
    Ok(rows)
}
