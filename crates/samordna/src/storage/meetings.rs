//! Meetings, the cases on their agendas with their section numbers, and the board's decisions.

use chrono::NaiveDate;

use super::{Page, Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub association_id: i64,
    pub body: String,
    pub meeting_date: NaiveDate,
    pub place: String,
    pub present: String,
    pub chair: String,
    pub attesters: String,
    pub attested_by_name: Option<String>,
    pub attested_at: Option<Timestamp>,
    pub lock_version: i64,
    pub items: i64,
}

const MEETING_COLUMNS: &str =
    "m.id, m.association_id, m.body, m.meeting_date, m.place, m.present, m.chair, m.attesters,
    u.name AS attested_by_name, m.attested_at, m.lock_version,
    (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id) AS items";

pub struct MeetingWrite<'a> {
    pub place: &'a str,
    pub present: &'a str,
    pub chair: &'a str,
    pub attesters: &'a str,
    pub at: Timestamp,
}

pub async fn insert(
    tx: &mut Tx,
    association_id: i64,
    body: &str,
    date: NaiveDate,
    w: &MeetingWrite<'_>,
    user_id: i64,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO meetings (association_id, body, meeting_date, place, present, chair, attesters, lock_version,
             created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9) RETURNING id")
        .bind(association_id).bind(body).bind(date).bind(w.place).bind(w.present).bind(w.chair).bind(w.attesters)
        .bind(user_id).bind(w.at).fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<MeetingRow>> {
    let sql =
        format!("SELECT {MEETING_COLUMNS} FROM meetings m LEFT JOIN users u ON u.id = m.attested_by WHERE m.id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
}

/// The association's meetings, latest first.
pub async fn list(tx: &mut Tx, association_id: i64, page: Page) -> Result<(Vec<MeetingRow>, i64)> {
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM meetings m LEFT JOIN users u ON u.id = m.attested_by
         WHERE m.association_id = $1 ORDER BY m.meeting_date DESC, m.id DESC LIMIT $2 OFFSET $3"
    );
    Ok(on_backend!(tx, c => {
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM meetings WHERE association_id = $1")
            .bind(association_id).fetch_one(&mut **c).await?;
        let rows = sqlx::query_as(&sql).bind(association_id).bind(page.limit).bind(page.offset).fetch_all(&mut **c).await?;
        Ok::<_, sqlx::Error>((rows, total))
    })?)
}

/// Changes the minutes' details unless they are attested or someone else changed them first.
pub async fn update(tx: &mut Tx, id: i64, w: &MeetingWrite<'_>, expected_lock: i64) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE meetings SET place = $2, present = $3, chair = $4, attesters = $5, updated_at = $6,
             lock_version = lock_version + 1
         WHERE id = $1 AND lock_version = $7 AND attested_at IS NULL")
        .bind(id).bind(w.place).bind(w.present).bind(w.chair).bind(w.attesters).bind(w.at).bind(expected_lock)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Attests the minutes; false when they already were.
pub async fn attest(tx: &mut Tx, id: i64, user_id: i64, at: Timestamp) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE meetings SET attested_by = $2, attested_at = $3, updated_at = $3, lock_version = lock_version + 1
         WHERE id = $1 AND attested_at IS NULL")
        .bind(id).bind(user_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn next_section(tx: &mut Tx, association_id: i64, body: &str, year: i32) -> Result<i64> {
    let (n,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO section_counters (association_id, body, year, last_section) VALUES ($1, $2, $3, 1)
         ON CONFLICT (association_id, body, year) DO UPDATE SET last_section = section_counters.last_section + 1
         RETURNING last_section")
        .bind(association_id).bind(body).bind(year).fetch_one(&mut **c).await)?;
    Ok(n)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub meeting_id: i64,
    pub section: i64,
    pub application_id: i64,
    pub application_name: String,
    pub registration_number: Option<String>,
    pub conflicts: String,
    pub minutes: String,
    pub application_status: String,
}

const ITEM_COLUMNS: &str = "i.id, i.meeting_id, i.section, i.application_id, a.name AS application_name,
    a.registration_number, i.conflicts, i.minutes, COALESCE(a.decision, a.status) AS application_status";

pub struct NewItem<'a> {
    pub meeting_id: i64,
    pub association_id: i64,
    pub body: &'a str,
    pub year: i32,
    pub section: i64,
    pub application_id: i64,
    pub minutes: &'a str,
}

pub async fn insert_item(tx: &mut Tx, i: &NewItem<'_>) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO meeting_items (meeting_id, association_id, body, year, section, application_id, conflicts, minutes)
         VALUES ($1, $2, $3, $4, $5, $6, '[]', $7) RETURNING id")
        .bind(i.meeting_id).bind(i.association_id).bind(i.body).bind(i.year).bind(i.section).bind(i.application_id)
        .bind(i.minutes).fetch_one(&mut **c).await)?;
    Ok(id)
}

/// The meeting's cases in section order.
pub async fn items(tx: &mut Tx, meeting_id: i64) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM meeting_items i JOIN applications a ON a.id = i.application_id
         WHERE i.meeting_id = $1 ORDER BY i.section"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(meeting_id).fetch_all(&mut **c).await)?)
}

pub async fn set_item(tx: &mut Tx, item_id: i64, conflicts: &str, minutes: &str) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE meeting_items SET conflicts = $2, minutes = $3 WHERE id = $1")
        .bind(item_id).bind(conflicts).bind(minutes).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Where an application has been on an agenda, oldest first: (item id, meeting id, date, section).
pub async fn agendas_of(tx: &mut Tx, application_id: i64) -> Result<Vec<(i64, i64, NaiveDate, i64)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT i.id, m.id, m.meeting_date, i.section FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id
         WHERE i.application_id = $1 ORDER BY m.meeting_date, i.id")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: i64,
    pub application_id: i64,
    pub meeting_item_id: i64,
    pub outcome: String,
    pub max_total_ore: Option<i64>,
    pub per_year: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub option_to_extend: bool,
    pub clauses: String,
    pub reason: String,
    pub decided_at: Timestamp,
    /// The intervention a grant started.
    pub intervention_id: Option<i64>,
}

const DECISION_COLUMNS: &str = "d.id, d.application_id, d.meeting_item_id, d.outcome, d.max_total_ore, d.per_year,
    d.start_date, d.end_date, d.option_to_extend, d.clauses, d.reason, d.decided_at,
    (SELECT v.id FROM interventions v WHERE v.decision_id = d.id) AS intervention_id";

pub struct NewDecision<'a> {
    pub application_id: i64,
    pub meeting_item_id: i64,
    pub outcome: &'a str,
    pub max_total_ore: Option<i64>,
    pub per_year: &'a str,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub option_to_extend: bool,
    pub clauses: &'a str,
    pub reason: &'a str,
    pub decided_by: i64,
    pub at: Timestamp,
}

pub async fn insert_decision(tx: &mut Tx, d: &NewDecision<'_>) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO decisions (application_id, meeting_item_id, outcome, max_total_ore, per_year, start_date, end_date,
             option_to_extend, clauses, reason, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(d.application_id).bind(d.meeting_item_id).bind(d.outcome).bind(d.max_total_ore).bind(d.per_year)
        .bind(d.start_date).bind(d.end_date).bind(d.option_to_extend).bind(d.clauses).bind(d.reason)
        .bind(d.decided_by).bind(d.at).fetch_one(&mut **c).await)?;
    Ok(id)
}

/// The decisions taken at a meeting.
pub async fn decisions_of_meeting(tx: &mut Tx, meeting_id: i64) -> Result<Vec<DecisionRow>> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS} FROM decisions d JOIN meeting_items i ON i.id = d.meeting_item_id
         WHERE i.meeting_id = $1 ORDER BY i.section"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(meeting_id).fetch_all(&mut **c).await)?)
}

/// Every decision on an application, oldest first (referrals back, then at most one final).
pub async fn decisions_of_application(tx: &mut Tx, application_id: i64) -> Result<Vec<DecisionRow>> {
    let sql = format!("SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.application_id = $1 ORDER BY d.id");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(application_id).fetch_all(&mut **c).await)?)
}

/// Records a final decision on the application; false when it already has one.
pub async fn set_application_decision(tx: &mut Tx, application_id: i64, outcome: &str, at: Timestamp) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE applications SET decision = $2, updated_at = $3, lock_version = lock_version + 1
         WHERE id = $1 AND decision IS NULL")
        .bind(application_id).bind(outcome).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
