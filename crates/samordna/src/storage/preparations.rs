//! Preparation of received applications, the proposal's edit history, and the clause library.

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PreparationRow {
    pub application_id: i64,
    pub officer_user_id: Option<i64>,
    pub checklist: String,
    pub notes: String,
    pub proposal: String,
    pub lock_version: i64,
    pub updated_by: i64,
    pub updated_at: Timestamp,
}

pub async fn get(tx: &mut Tx, application_id: i64) -> Result<Option<PreparationRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT application_id, officer_user_id, checklist, notes, proposal, lock_version, updated_by, updated_at
         FROM preparations WHERE application_id = $1")
        .bind(application_id).fetch_optional(&mut **c).await)?)
}

pub struct PreparationWrite<'a> {
    pub application_id: i64,
    pub officer_user_id: Option<i64>,
    pub checklist: &'a str,
    pub notes: &'a str,
    pub proposal: &'a str,
    pub user_id: i64,
    pub at: Timestamp,
}

pub async fn insert(tx: &mut Tx, w: &PreparationWrite<'_>) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO preparations (application_id, officer_user_id, checklist, notes, proposal, lock_version, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7)")
        .bind(w.application_id).bind(w.officer_user_id).bind(w.checklist).bind(w.notes).bind(w.proposal).bind(w.user_id).bind(w.at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes if nobody else has since `expected_lock`; false when someone has.
pub async fn update(tx: &mut Tx, w: &PreparationWrite<'_>, expected_lock: i64) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE preparations SET officer_user_id = $2, checklist = $3, notes = $4, proposal = $5, updated_by = $6,
             updated_at = $7, lock_version = lock_version + 1
         WHERE application_id = $1 AND lock_version = $8")
        .bind(w.application_id).bind(w.officer_user_id).bind(w.checklist).bind(w.notes).bind(w.proposal).bind(w.user_id)
        .bind(w.at).bind(expected_lock)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditRow {
    pub id: i64,
    pub proposal: String,
    pub edited_by_name: String,
    pub edited_at: Timestamp,
}

pub async fn insert_edit(tx: &mut Tx, application_id: i64, proposal: &str, user_id: i64, at: Timestamp) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO proposal_edits (application_id, proposal, edited_by, edited_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(application_id).bind(proposal).bind(user_id).bind(at).fetch_one(&mut **c).await)?;
    Ok(id)
}

/// Every kept edit of a proposal, oldest first.
pub async fn edits(tx: &mut Tx, application_id: i64) -> Result<Vec<EditRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT e.id, e.proposal, u.name AS edited_by_name, e.edited_at FROM proposal_edits e
         JOIN users u ON u.id = e.edited_by WHERE e.application_id = $1 ORDER BY e.id")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

/// The association's own clause wordings, by kind code.
pub async fn clause_templates(tx: &mut Tx, association_id: i64) -> Result<Vec<(String, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT kind, template FROM clause_templates WHERE association_id = $1 ORDER BY kind")
        .bind(association_id).fetch_all(&mut **c).await)?)
}

pub async fn set_clause_template(
    tx: &mut Tx,
    association_id: i64,
    kind: &str,
    template: &str,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO clause_templates (association_id, kind, template, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (association_id, kind) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at")
        .bind(association_id).bind(kind).bind(template).bind(at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
