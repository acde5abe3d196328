//! The association's money per year, its contribution keys and budget, and the requisitions
//! against the interventions' grants. Sums are computed here, in SQL.

use chrono::NaiveDate;

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct YearRow {
    pub year: i32,
    pub state_allocation_ore: i64,
    pub equity_ore: Option<i64>,
    pub decided_on: Option<NaiveDate>,
}

pub async fn year(tx: &mut Tx, association_id: i64, year: i32) -> Result<Option<YearRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT year, state_allocation_ore, equity_ore, decided_on FROM association_years
         WHERE association_id = $1 AND year = $2")
        .bind(association_id).bind(year).fetch_optional(&mut **c).await)?)
}

pub async fn years(tx: &mut Tx, association_id: i64) -> Result<Vec<YearRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT year, state_allocation_ore, equity_ore, decided_on FROM association_years
         WHERE association_id = $1 ORDER BY year")
        .bind(association_id).fetch_all(&mut **c).await)?)
}

pub async fn save_year(tx: &mut Tx, association_id: i64, y: &YearRow, user_id: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO association_years (association_id, year, state_allocation_ore, equity_ore, decided_on, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (association_id, year) DO UPDATE SET state_allocation_ore = $3, equity_ore = $4, decided_on = $5,
             updated_by = $6, updated_at = $7")
        .bind(association_id).bind(y.year).bind(y.state_allocation_ore).bind(y.equity_ore).bind(y.decided_on)
        .bind(user_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub valid_from_year: i32,
    pub kind: String,
}

/// The key in force in `year`: the latest that starts in that year or before.
pub async fn key_for(tx: &mut Tx, association_id: i64, year: i32) -> Result<Option<KeyRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, valid_from_year, kind FROM contribution_keys WHERE association_id = $1 AND valid_from_year <= $2
         ORDER BY valid_from_year DESC LIMIT 1")
        .bind(association_id).bind(year).fetch_optional(&mut **c).await)?)
}

pub async fn keys(tx: &mut Tx, association_id: i64) -> Result<Vec<KeyRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, valid_from_year, kind FROM contribution_keys WHERE association_id = $1 ORDER BY valid_from_year")
        .bind(association_id).fetch_all(&mut **c).await)?)
}

pub async fn key_shares(tx: &mut Tx, key_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT member_id, share_ppm FROM contribution_key_shares WHERE key_id = $1 ORDER BY member_id")
        .bind(key_id).fetch_all(&mut **c).await)?)
}

/// Replaces the key that starts in `valid_from_year` (if any) with this one.
pub async fn save_key(
    tx: &mut Tx,
    association_id: i64,
    valid_from_year: i32,
    kind: &str,
    shares: &[(i64, i64)],
    user_id: i64,
    at: Timestamp,
) -> Result<i64> {
    on_backend!(tx, c => {
        sqlx::query("DELETE FROM contribution_key_shares WHERE key_id IN
            (SELECT id FROM contribution_keys WHERE association_id = $1 AND valid_from_year = $2)")
            .bind(association_id).bind(valid_from_year).execute(&mut **c).await?;
        sqlx::query("DELETE FROM contribution_keys WHERE association_id = $1 AND valid_from_year = $2")
            .bind(association_id).bind(valid_from_year).execute(&mut **c).await.map(|r| r.rows_affected())
    })?;
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO contribution_keys (association_id, valid_from_year, kind, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(association_id).bind(valid_from_year).bind(kind).bind(user_id).bind(at).fetch_one(&mut **c).await)?;
    for (member, ppm) in shares {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO contribution_key_shares (key_id, member_id, share_ppm) VALUES ($1, $2, $3)")
            .bind(id).bind(*member).bind(*ppm).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BudgetPostRow {
    pub post: String,
    pub budget_ore: i64,
    pub outcome_ore: Option<i64>,
    pub forecast_ore: Option<i64>,
}

pub async fn budget_posts(tx: &mut Tx, association_id: i64, year: i32) -> Result<Vec<BudgetPostRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT post, budget_ore, outcome_ore, forecast_ore FROM budget_posts WHERE association_id = $1 AND year = $2")
        .bind(association_id).bind(year).fetch_all(&mut **c).await)?)
}

pub async fn save_budget_posts(tx: &mut Tx, association_id: i64, year: i32, posts: &[BudgetPostRow]) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM budget_posts WHERE association_id = $1 AND year = $2")
        .bind(association_id).bind(year).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    for p in posts {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO budget_posts (association_id, year, post, budget_ore, outcome_ore, forecast_ore)
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(association_id).bind(year).bind(&p.post).bind(p.budget_ore).bind(p.outcome_ore).bind(p.forecast_ore)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn settings(tx: &mut Tx, association_id: i64) -> Result<Option<(i32, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT claim_tail_months, attachment_threshold_ore FROM economy_settings WHERE association_id = $1")
        .bind(association_id).fetch_optional(&mut **c).await)?)
}

pub async fn save_settings(
    tx: &mut Tx,
    association_id: i64,
    tail_months: i32,
    threshold_ore: i64,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO economy_settings (association_id, claim_tail_months, attachment_threshold_ore, updated_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (association_id) DO UPDATE
         SET claim_tail_months = $2, attachment_threshold_ore = $3, updated_at = $4")
        .bind(association_id).bind(tail_months).bind(threshold_ore).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequisitionRow {
    pub id: i64,
    pub intervention_id: i64,
    pub association_id: i64,
    pub member_id: i64,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount_ore: i64,
    pub status: String,
    pub submitted_by: i64,
    pub submitted_by_name: String,
    pub submitted_at: Timestamp,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<Timestamp>,
    pub attested_by: Option<i64>,
    pub attested_at: Option<Timestamp>,
    pub paid_by: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    pub rejected_by: Option<i64>,
    pub rejected_at: Option<Timestamp>,
    pub reject_reason: Option<String>,
}

const REQUISITION: &str = "SELECT r.id, r.intervention_id, r.association_id, r.member_id, r.year, r.period_from,
    r.period_to, r.amount_ore, r.status, r.submitted_by, u.name AS submitted_by_name, r.submitted_at, r.reviewed_by,
    r.reviewed_at, r.attested_by, r.attested_at, r.paid_by, r.paid_on, r.rejected_by, r.rejected_at, r.reject_reason
    FROM requisitions r JOIN users u ON u.id = r.submitted_by";

pub struct NewRequisition<'a> {
    pub intervention_id: i64,
    pub association_id: i64,
    pub member_id: i64,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub rows: &'a [(String, String, i64)],
    pub user_id: i64,
    pub at: Timestamp,
}

pub async fn insert_requisition(tx: &mut Tx, n: &NewRequisition<'_>) -> Result<i64> {
    let amount: i64 = n.rows.iter().map(|r| r.2).sum();
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO requisitions (intervention_id, association_id, member_id, year, period_from, period_to, amount_ore,
             status, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9) RETURNING id")
        .bind(n.intervention_id).bind(n.association_id).bind(n.member_id).bind(n.year).bind(n.period_from)
        .bind(n.period_to).bind(amount).bind(n.user_id).bind(n.at).fetch_one(&mut **c).await)?;
    for (i, (kind, description, ore)) in n.rows.iter().enumerate() {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO requisition_rows (requisition_id, position, cost_kind, description, amount_ore)
             VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(i as i32).bind(kind).bind(description).bind(*ore).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

pub async fn insert_attachment(
    tx: &mut Tx,
    requisition_id: i64,
    filename: &str,
    content_type: &str,
    sha256: &str,
    data: &[u8],
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO requisition_attachments (requisition_id, filename, content_type, size_bytes, sha256, data, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(requisition_id).bind(filename).bind(content_type).bind(data.len() as i64).bind(sha256).bind(data)
        .bind(at).fetch_one(&mut **c).await)?;
    Ok(id)
}

/// The intervention's requisitions, latest period first.
pub async fn requisitions(tx: &mut Tx, intervention_id: i64) -> Result<Vec<RequisitionRow>> {
    let sql = format!("{REQUISITION} WHERE r.intervention_id = $1 ORDER BY r.period_from DESC, r.id DESC");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(intervention_id).fetch_all(&mut **c).await)?)
}

pub async fn requisition(tx: &mut Tx, id: i64) -> Result<Option<RequisitionRow>> {
    let sql = format!("{REQUISITION} WHERE r.id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
}

pub async fn requisition_rows(tx: &mut Tx, id: i64) -> Result<Vec<(String, String, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT cost_kind, description, amount_ore FROM requisition_rows WHERE requisition_id = $1 ORDER BY position")
        .bind(id).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub requisition_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn attachments(tx: &mut Tx, requisition_id: i64) -> Result<Vec<AttachmentMeta>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, requisition_id, filename, content_type, size_bytes, sha256 FROM requisition_attachments
         WHERE requisition_id = $1 ORDER BY id")
        .bind(requisition_id).fetch_all(&mut **c).await)?)
}

#[derive(sqlx::FromRow)]
struct AttachmentWithData {
    #[sqlx(flatten)]
    meta: AttachmentMeta,
    data: Vec<u8>,
}

pub async fn attachment_data(tx: &mut Tx, requisition_id: i64, id: i64) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
    let row: Option<AttachmentWithData> = on_backend!(tx, c => sqlx::query_as(
        "SELECT id, requisition_id, filename, content_type, size_bytes, sha256, data FROM requisition_attachments
         WHERE requisition_id = $1 AND id = $2")
        .bind(requisition_id).bind(id).fetch_optional(&mut **c).await)?;
    Ok(row.map(|r| (r.meta, r.data)))
}

/// Moves a requisition on, only from the status the caller saw: false when someone else moved it
/// first.
pub struct StatusChange<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub user_id: i64,
    pub at: Timestamp,
    pub paid_on: Option<NaiveDate>,
    pub reason: Option<&'a str>,
}

pub async fn set_status(tx: &mut Tx, id: i64, ch: &StatusChange<'_>) -> Result<bool> {
    let sql = match ch.to {
        "reviewed" => {
            "UPDATE requisitions SET status = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1 AND status = $2"
        }
        "attested" => {
            "UPDATE requisitions SET status = $3, attested_by = $4, attested_at = $5 WHERE id = $1 AND status = $2"
        }
        "paid" => "UPDATE requisitions SET status = $3, paid_by = $4, paid_on = $6 WHERE id = $1 AND status = $2",
        _ => {
            "UPDATE requisitions SET status = $3, rejected_by = $4, rejected_at = $5, reject_reason = $7
              WHERE id = $1 AND status = $2"
        }
    };
    let n = on_backend!(tx, c => sqlx::query(sql)
        .bind(id).bind(ch.from).bind(ch.to).bind(ch.user_id).bind(ch.at).bind(ch.paid_on).bind(ch.reason)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Per year: claimed (everything not rejected), approved (attested or paid) and paid.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ClaimSums {
    pub year: i32,
    pub claimed_ore: i64,
    pub approved_ore: i64,
    pub paid_ore: i64,
}

pub async fn claim_sums(tx: &mut Tx, intervention_id: i64) -> Result<Vec<ClaimSums>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT year,
             CAST(COALESCE(SUM(CASE WHEN status <> 'rejected' THEN amount_ore END), 0) AS BIGINT) AS claimed_ore,
             CAST(COALESCE(SUM(CASE WHEN status IN ('attested', 'paid') THEN amount_ore END), 0) AS BIGINT) AS approved_ore,
             CAST(COALESCE(SUM(CASE WHEN status = 'paid' THEN amount_ore END), 0) AS BIGINT) AS paid_ore
         FROM requisitions WHERE intervention_id = $1 GROUP BY year ORDER BY year")
        .bind(intervention_id).fetch_all(&mut **c).await)?)
}

/// The first and last day of a year (checked to lie within 2000–2200 by the services).
fn year_range(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("year in range"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("year in range"),
    )
}

/// An intervention of the association active in a year, with its money that year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterventionYear {
    pub id: i64,
    pub name: String,
    pub orientation: String,
    pub owner_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub content: String,
    /// The grant for the year (the yearly maximum), where the grant is per year.
    pub granted_ore: i64,
    /// How many yearly maxima the grant has; none means only the total binds.
    pub yearly_maxima: i64,
    pub max_total_ore: i64,
    /// Approved claims for costs in the year.
    pub outcome_ore: i64,
}

pub async fn interventions_in_year(tx: &mut Tx, association_id: i64, year: i32) -> Result<Vec<InterventionYear>> {
    let (from, to) = year_range(year);
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT i.id, i.name, i.orientation, m.name AS owner_name, i.start_date, i.end_date, a.content,
             CAST(COALESCE((SELECT b.max_ore FROM intervention_budget_years b WHERE b.intervention_id = i.id AND b.year = $2), 0) AS BIGINT) AS granted_ore,
             CAST((SELECT COUNT(*) FROM intervention_budget_years b WHERE b.intervention_id = i.id) AS BIGINT) AS yearly_maxima,
             i.max_total_ore,
             CAST(COALESCE((SELECT SUM(r.amount_ore) FROM requisitions r WHERE r.intervention_id = i.id AND r.year = $2
                 AND r.status IN ('attested', 'paid')), 0) AS BIGINT) AS outcome_ore
         FROM interventions i JOIN members m ON m.id = i.owner_member_id JOIN applications a ON a.id = i.application_id
         WHERE i.association_id = $1 AND i.all_signed_at IS NOT NULL AND i.start_date <= $4 AND i.end_date >= $3
         ORDER BY i.name COLLATE sv, i.id")
        .bind(association_id).bind(year).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// (intervention, kommun) for every kommun that is a party of one of the association's interventions.
pub async fn kommun_parties(tx: &mut Tx, association_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT p.intervention_id, p.member_id FROM intervention_parties p
         JOIN interventions i ON i.id = p.intervention_id JOIN members m ON m.id = p.member_id
         WHERE i.association_id = $1 AND m.party_kind = 'kommun'")
        .bind(association_id).fetch_all(&mut **c).await)?)
}

/// Participations active some day in the year, per intervention and home kommun (known only).
pub async fn participants_by_kommun(tx: &mut Tx, association_id: i64, year: i32) -> Result<Vec<(i64, i64, i64)>> {
    let (from, to) = year_range(year);
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT intervention_id, home_member_id, COUNT(*) FROM participations
         WHERE association_id = $1 AND NOT voided AND enrolled_on <= $3 AND (exited_on IS NULL OR exited_on >= $2)
             AND home_member_id IS NOT NULL
         GROUP BY intervention_id, home_member_id")
        .bind(association_id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// Participations active some day in the year, per intervention and sex.
pub async fn participants_by_sex(tx: &mut Tx, association_id: i64, year: i32) -> Result<Vec<(i64, String, i64)>> {
    let (from, to) = year_range(year);
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT intervention_id, sex, COUNT(*) FROM participations
         WHERE association_id = $1 AND NOT voided AND enrolled_on <= $3 AND (exited_on IS NULL OR exited_on >= $2)
         GROUP BY intervention_id, sex")
        .bind(association_id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// A requisition in the association's list, with its intervention.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssociationRequisition {
    pub id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub owner_name: String,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount_ore: i64,
    pub status: String,
    pub submitted_at: Timestamp,
}

/// Which of the association's requisitions, and from where in the list.
pub struct RequisitionQuery<'a> {
    pub association_id: i64,
    pub year: Option<i32>,
    pub status: Option<&'a str>,
    /// Newest first, before this id; or (`ascending`) oldest first, after it.
    pub from_id: Option<i64>,
    pub ascending: bool,
    pub limit: i64,
}

const ASSOCIATION_REQUISITION: &str = "SELECT r.id, r.intervention_id, i.name AS intervention_name,
    m.name AS owner_name, r.year, r.period_from, r.period_to, r.amount_ore, r.status, r.submitted_at
    FROM requisitions r JOIN interventions i ON i.id = r.intervention_id JOIN members m ON m.id = r.member_id
    WHERE r.association_id = $1 AND ($2 IS NULL OR r.year = $2) AND ($3 IS NULL OR r.status = $3)";

/// One page of the association's requisitions, by id (keyset, so deep pages cost no more).
pub async fn association_requisitions(tx: &mut Tx, q: &RequisitionQuery<'_>) -> Result<Vec<AssociationRequisition>> {
    let sql = if q.ascending {
        format!("{ASSOCIATION_REQUISITION} AND r.id > $4 ORDER BY r.id LIMIT $5")
    } else {
        format!("{ASSOCIATION_REQUISITION} AND r.id < $4 ORDER BY r.id DESC LIMIT $5")
    };
    let from = q.from_id.unwrap_or(if q.ascending { 0 } else { i64::MAX });
    Ok(on_backend!(tx, c => sqlx::query_as(&sql)
        .bind(q.association_id).bind(q.year).bind(q.status).bind(from).bind(q.limit).fetch_all(&mut **c).await)?)
}

/// How many requisitions the query matches in all.
pub async fn count_association_requisitions(tx: &mut Tx, q: &RequisitionQuery<'_>) -> Result<i64> {
    let (n,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "SELECT COUNT(*) FROM requisitions r WHERE r.association_id = $1 AND ($2 IS NULL OR r.year = $2)
             AND ($3 IS NULL OR r.status = $3)")
        .bind(q.association_id).bind(q.year).bind(q.status).fetch_one(&mut **c).await)?;
    Ok(n)
}
