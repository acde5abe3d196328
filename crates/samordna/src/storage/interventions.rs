//! Interventions started by a grant: their parties, granted budget per year, the agreement and
//! its signatures. The status is computed in SQL from the signatures and the date, never stored.

use chrono::NaiveDate;

use super::{Page, Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterventionRow {
    pub id: i64,
    pub association_id: i64,
    pub application_id: i64,
    pub decision_id: i64,
    pub name: String,
    pub owner_member_id: i64,
    pub owner_name: String,
    pub orientation: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub max_total_ore: i64,
    pub option_to_extend: bool,
    pub conditions: String,
    pub agreement_text: String,
    pub agreement_hash: String,
    pub all_signed_at: Option<Timestamp>,
    pub status: String,
    pub registration_number: Option<String>,
}

/// The status for the date bound as `$1`; keep in step with `InterventionStatus::of`.
const STATUS: &str = "CASE WHEN i.all_signed_at IS NULL THEN 'awaiting_agreement'
    WHEN i.start_date > $1 THEN 'awaiting_start' WHEN i.end_date < $1 THEN 'ended' ELSE 'ongoing' END";

fn select() -> String {
    format!(
        "SELECT i.id, i.association_id, i.application_id, i.decision_id, i.name, i.owner_member_id, m.name AS owner_name,
             i.orientation, i.start_date, i.end_date, i.max_total_ore, i.option_to_extend, i.conditions,
             i.agreement_text, i.agreement_hash, i.all_signed_at, {STATUS} AS status, a.registration_number
         FROM interventions i JOIN members m ON m.id = i.owner_member_id JOIN applications a ON a.id = i.application_id"
    )
}

pub struct NewIntervention<'a> {
    pub association_id: i64,
    pub application_id: i64,
    pub decision_id: i64,
    pub name: &'a str,
    pub owner_member_id: i64,
    pub partners: &'a [i64],
    pub orientation: &'a str,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub max_total_ore: i64,
    pub per_year: &'a [(i32, i64)],
    pub option_to_extend: bool,
    pub conditions: &'a str,
    pub agreement_text: &'a str,
    pub agreement_hash: &'a str,
    pub at: Timestamp,
}

pub async fn insert(tx: &mut Tx, n: &NewIntervention<'_>) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO interventions (association_id, application_id, decision_id, name, owner_member_id, orientation,
             start_date, end_date, max_total_ore, option_to_extend, conditions, agreement_text, agreement_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id")
        .bind(n.association_id).bind(n.application_id).bind(n.decision_id).bind(n.name).bind(n.owner_member_id)
        .bind(n.orientation).bind(n.start_date).bind(n.end_date).bind(n.max_total_ore).bind(n.option_to_extend)
        .bind(n.conditions).bind(n.agreement_text).bind(n.agreement_hash).bind(n.at)
        .fetch_one(&mut **c).await)?;
    for (member, is_owner) in std::iter::once((n.owner_member_id, true)).chain(n.partners.iter().map(|m| (*m, false))) {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO intervention_parties (intervention_id, member_id, is_owner) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING")
            .bind(id).bind(member).bind(is_owner).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    for (year, max) in n.per_year {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO intervention_budget_years (intervention_id, year, max_ore) VALUES ($1, $2, $3)")
            .bind(id).bind(*year).bind(*max).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64, today: NaiveDate) -> Result<Option<InterventionRow>> {
    let sql = format!("{} WHERE i.id = $2", select());
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(today).bind(id).fetch_optional(&mut **c).await)?)
}

pub struct ListFilter {
    pub association_id: i64,
    /// Only interventions where one of these members is a party (empty list: none).
    pub party_members: Option<Vec<i64>>,
    pub status: Option<&'static str>,
}

/// Interventions by start date, latest first.
pub async fn list(tx: &mut Tx, f: &ListFilter, today: NaiveDate, page: Page) -> Result<(Vec<InterventionRow>, i64)> {
    let mut conditions = vec!["i.association_id = $2".to_string()];
    if let Some(members) = &f.party_members {
        if members.is_empty() {
            return Ok((Vec::new(), 0));
        }
        // Member ids are numbers from the caller's own grants, never user input.
        let ids: Vec<String> = members.iter().map(i64::to_string).collect();
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM intervention_parties p WHERE p.intervention_id = i.id AND p.member_id IN ({}))",
            ids.join(", ")
        ));
    }
    // One statement whatever the filter: a NULL status matches every row.
    conditions.push(format!("($3 IS NULL OR ({STATUS}) = $3)"));
    let where_clause = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM interventions i WHERE {where_clause}");
    let sql = format!(
        "{} WHERE {where_clause} ORDER BY i.start_date DESC, i.id DESC LIMIT {} OFFSET {}",
        select(),
        page.limit,
        page.offset
    );
    Ok(on_backend!(tx, c => {
        let (total,): (i64,) = sqlx::query_as(&count_sql).bind(today).bind(f.association_id).bind(f.status)
            .fetch_one(&mut **c).await?;
        let rows = sqlx::query_as(&sql).bind(today).bind(f.association_id).bind(f.status).fetch_all(&mut **c).await?;
        Ok::<_, sqlx::Error>((rows, total))
    })?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartyRow {
    pub member_id: i64,
    pub member_name: String,
    pub is_owner: bool,
}

/// The owner first, then the partners in name order.
pub async fn parties(tx: &mut Tx, id: i64) -> Result<Vec<PartyRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT p.member_id, m.name AS member_name, p.is_owner FROM intervention_parties p
         JOIN members m ON m.id = p.member_id WHERE p.intervention_id = $1 ORDER BY p.is_owner DESC, m.name COLLATE sv")
        .bind(id).fetch_all(&mut **c).await)?)
}

pub async fn budget_years(tx: &mut Tx, id: i64) -> Result<Vec<(i32, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT year, max_ore FROM intervention_budget_years WHERE intervention_id = $1 ORDER BY year")
        .bind(id).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignatureRow {
    pub member_id: i64,
    pub signer_name: String,
    pub agreement_hash: String,
    pub signed_at: Timestamp,
}

pub async fn signatures(tx: &mut Tx, id: i64) -> Result<Vec<SignatureRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT s.member_id, u.name AS signer_name, s.agreement_hash, s.signed_at FROM agreement_signatures s
         JOIN users u ON u.id = s.signer_user_id WHERE s.intervention_id = $1 ORDER BY s.signed_at")
        .bind(id).fetch_all(&mut **c).await)?)
}

/// Adds a party's signature; false when the party has already signed.
pub async fn add_signature(
    tx: &mut Tx,
    id: i64,
    member_id: i64,
    user_id: i64,
    hash: &str,
    at: Timestamp,
) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "INSERT INTO agreement_signatures (intervention_id, member_id, signer_user_id, agreement_hash, signed_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        .bind(id).bind(member_id).bind(user_id).bind(hash).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn set_all_signed(tx: &mut Tx, id: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE interventions SET all_signed_at = $2 WHERE id = $1 AND all_signed_at IS NULL")
        .bind(id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn agreement_template(tx: &mut Tx, association_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT template FROM agreement_templates WHERE association_id = $1")
        .bind(association_id).fetch_optional(&mut **c).await)?;
    Ok(row.map(|r| r.0))
}

pub async fn set_agreement_template(tx: &mut Tx, association_id: i64, template: &str, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO agreement_templates (association_id, template, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (association_id) DO UPDATE SET template = $2, updated_at = $3")
        .bind(association_id).bind(template).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The interventions a member owns in an association, by name: those it may apply to extend.
pub async fn owned_by(tx: &mut Tx, association_id: i64, member_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, name FROM interventions WHERE owner_member_id = $1 AND association_id = $2 ORDER BY name COLLATE sv, id")
        .bind(member_id).bind(association_id).fetch_all(&mut **c).await)?)
}
