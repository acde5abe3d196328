//! Period, final and deviation reports, the association's reporting settings, and the record of
//! reminders sent.

use chrono::NaiveDate;

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

/// (frequency, due days) when the association has chosen.
pub async fn settings(tx: &mut Tx, association_id: i64) -> Result<Option<(String, i32)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT frequency, due_days FROM report_settings WHERE association_id = $1")
        .bind(association_id).fetch_optional(&mut **c).await)?)
}

pub async fn save_settings(
    tx: &mut Tx,
    association_id: i64,
    frequency: &str,
    due_days: i32,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO report_settings (association_id, frequency, due_days, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (association_id) DO UPDATE SET frequency = excluded.frequency, due_days = excluded.due_days,
             updated_at = excluded.updated_at")
        .bind(association_id).bind(frequency).bind(due_days).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub intervention_id: i64,
    pub association_id: i64,
    pub kind: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
    pub status: String,
    pub activities: String,
    pub deviations: String,
    pub lessons: String,
    pub implementation: String,
    pub figures: Option<String>,
    pub updated_at: Timestamp,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: Option<String>,
    pub submitted_at: Option<Timestamp>,
    pub reviewed_by_name: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub return_reason: Option<String>,
}

const REPORT: &str = "SELECT r.id, r.intervention_id, r.association_id, r.kind, r.period_from, r.period_to, r.due_on,
    r.status, r.activities, r.deviations, r.lessons, r.implementation, r.figures, r.updated_at, r.submitted_by,
    s.name AS submitted_by_name, r.submitted_at, v.name AS reviewed_by_name, r.reviewed_at, r.return_reason
    FROM period_reports r LEFT JOIN users s ON s.id = r.submitted_by LEFT JOIN users v ON v.id = r.reviewed_by";

pub async fn reports(tx: &mut Tx, intervention_id: i64) -> Result<Vec<ReportRow>> {
    let sql = format!("{REPORT} WHERE r.intervention_id = $1 ORDER BY r.period_from, r.kind DESC");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(intervention_id).fetch_all(&mut **c).await)?)
}

pub async fn report(
    tx: &mut Tx,
    intervention_id: i64,
    kind: &str,
    period_from: NaiveDate,
) -> Result<Option<ReportRow>> {
    let sql = format!("{REPORT} WHERE r.intervention_id = $1 AND r.kind = $2 AND r.period_from = $3");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(intervention_id).bind(kind).bind(period_from)
        .fetch_optional(&mut **c).await)?)
}

/// The owner's text of a report.
pub struct Narrative<'a> {
    pub activities: &'a str,
    pub deviations: &'a str,
    pub lessons: &'a str,
    pub implementation: &'a str,
}

/// Where a report is in the schedule.
pub struct Slot {
    pub intervention_id: i64,
    pub association_id: i64,
    pub kind: &'static str,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
}

/// Saves the owner's text, creating the report as a draft on its first save. Only a report the
/// owner may still write in changes (`draft` or `returned`); false when it may not.
pub async fn save_narrative(
    tx: &mut Tx,
    slot: &Slot,
    text: &Narrative<'_>,
    user_id: i64,
    at: Timestamp,
) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "INSERT INTO period_reports (intervention_id, association_id, kind, period_from, period_to, due_on, status,
             activities, deviations, lessons, implementation, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $11, $12)
         ON CONFLICT (intervention_id, kind, period_from) DO UPDATE SET activities = excluded.activities,
             deviations = excluded.deviations, lessons = excluded.lessons, implementation = excluded.implementation,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at
         WHERE period_reports.status IN ('draft', 'returned')")
        .bind(slot.intervention_id).bind(slot.association_id).bind(slot.kind).bind(slot.period_from)
        .bind(slot.period_to).bind(slot.due_on).bind(text.activities).bind(text.deviations).bind(text.lessons)
        .bind(text.implementation).bind(user_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Submits a report with the figures of the moment; false when it was already submitted or
/// approved (a report is submitted once, unless the office sends it back).
pub async fn submit(tx: &mut Tx, id: i64, figures: &str, user_id: i64, at: Timestamp) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE period_reports SET status = 'submitted', figures = $2, submitted_by = $3, submitted_at = $4,
             return_reason = NULL
         WHERE id = $1 AND status IN ('draft', 'returned')")
        .bind(id).bind(figures).bind(user_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Approves (`approved`) or sends back (`returned`, with the reason) a submitted report.
pub async fn review(tx: &mut Tx, id: i64, to: &str, reason: Option<&str>, user_id: i64, at: Timestamp) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE period_reports SET status = $2, return_reason = $3, reviewed_by = $4, reviewed_at = $5
         WHERE id = $1 AND status = 'submitted'")
        .bind(id).bind(to).bind(reason).bind(user_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Claimed (not rejected) and approved (attested or paid) for costs within the period.
pub async fn claims_within(tx: &mut Tx, intervention_id: i64, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status <> 'rejected' THEN amount_ore END), 0) AS BIGINT),
             CAST(COALESCE(SUM(CASE WHEN status IN ('attested', 'paid') THEN amount_ore END), 0) AS BIGINT)
         FROM requisitions WHERE intervention_id = $1 AND period_from >= $2 AND period_to <= $3")
        .bind(intervention_id).bind(from).bind(to).fetch_one(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviationRow {
    pub id: i64,
    pub intervention_id: i64,
    pub association_id: i64,
    pub occurred_on: NaiveDate,
    pub category: String,
    pub description: String,
    pub consequence: String,
    pub proposed_measure: String,
    pub needs_decision: bool,
    pub status: String,
    pub reported_by: i64,
    pub reported_by_name: String,
    pub reported_at: Timestamp,
    pub handled_by_name: Option<String>,
    pub handled_at: Option<Timestamp>,
    pub response: Option<String>,
}

const DEVIATION: &str = "SELECT d.id, d.intervention_id, d.association_id, d.occurred_on, d.category, d.description,
    d.consequence, d.proposed_measure, d.needs_decision, d.status, d.reported_by, u.name AS reported_by_name,
    d.reported_at, h.name AS handled_by_name, d.handled_at, d.response
    FROM deviations d JOIN users u ON u.id = d.reported_by LEFT JOIN users h ON h.id = d.handled_by";

pub async fn deviations(tx: &mut Tx, intervention_id: i64) -> Result<Vec<DeviationRow>> {
    let sql = format!("{DEVIATION} WHERE d.intervention_id = $1 ORDER BY d.reported_at DESC, d.id DESC");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(intervention_id).fetch_all(&mut **c).await)?)
}

pub async fn deviation(tx: &mut Tx, id: i64) -> Result<Option<DeviationRow>> {
    let sql = format!("{DEVIATION} WHERE d.id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
}

/// The association's deviations that wait for the committee's decision, oldest first.
pub async fn awaiting_decision(tx: &mut Tx, association_id: i64) -> Result<Vec<DeviationRow>> {
    let sql = format!(
        "{DEVIATION} WHERE d.association_id = $1 AND d.status = 'awaiting_decision' ORDER BY d.reported_at, d.id"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(association_id).fetch_all(&mut **c).await)?)
}

pub struct NewDeviation<'a> {
    pub intervention_id: i64,
    pub association_id: i64,
    pub occurred_on: NaiveDate,
    pub category: &'a str,
    pub description: &'a str,
    pub consequence: &'a str,
    pub proposed_measure: &'a str,
    pub needs_decision: bool,
    pub user_id: i64,
    pub at: Timestamp,
}

pub async fn insert_deviation(tx: &mut Tx, n: &NewDeviation<'_>) -> Result<i64> {
    let status = if n.needs_decision { "awaiting_decision" } else { "reported" };
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO deviations (intervention_id, association_id, occurred_on, category, description, consequence,
             proposed_measure, needs_decision, status, reported_by, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
        .bind(n.intervention_id).bind(n.association_id).bind(n.occurred_on).bind(n.category).bind(n.description)
        .bind(n.consequence).bind(n.proposed_measure).bind(n.needs_decision).bind(status).bind(n.user_id).bind(n.at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

/// Moves a deviation from one status to the next with the office's or the committee's answer;
/// false when it was no longer in `from`.
pub struct Handling<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub response: &'a str,
    pub meeting_id: Option<i64>,
    pub user_id: i64,
    pub at: Timestamp,
}

pub async fn handle_deviation(tx: &mut Tx, id: i64, h: &Handling<'_>) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE deviations SET status = $3, response = $4, decided_meeting_id = $5, handled_by = $6, handled_at = $7
         WHERE id = $1 AND status = $2")
        .bind(id).bind(h.from).bind(h.to).bind(h.response).bind(h.meeting_id).bind(h.user_id).bind(h.at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Someone a reminder goes to, with what it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub object_id: i64,
    pub association_id: i64,
    pub object_name: String,
    pub user_id: i64,
    pub email: String,
    pub user_name: String,
}

/// An intervention whose reports and final claims are followed, with one of its owner's
/// insatsansvariga.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeadOfIntervention {
    pub intervention_id: i64,
    pub association_id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub max_total_ore: i64,
    /// Claimed, not rejected.
    pub claimed_ore: i64,
    pub user_id: i64,
    pub email: String,
    pub user_name: String,
}

/// Signed interventions that ended on `ended_since` or later, once per active insatsansvarig of
/// their owner.
pub async fn leads_of_interventions(tx: &mut Tx, ended_since: NaiveDate) -> Result<Vec<LeadOfIntervention>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT i.id AS intervention_id, i.association_id, i.name, i.start_date, i.end_date, i.max_total_ore,
             CAST(COALESCE((SELECT SUM(q.amount_ore) FROM requisitions q WHERE q.intervention_id = i.id AND q.status <> 'rejected'), 0) AS BIGINT) AS claimed_ore,
             u.id AS user_id, u.email, u.name AS user_name
         FROM interventions i
         JOIN user_roles r ON r.role = 'intervention_lead' AND r.member_id = i.owner_member_id
         JOIN users u ON u.id = r.user_id AND u.active
         WHERE i.all_signed_at IS NOT NULL AND i.end_date >= $1
         ORDER BY i.id, u.id")
        .bind(ended_since).fetch_all(&mut **c).await)?)
}

/// (intervention, kind, first day, status) of the reports of interventions that ended on
/// `ended_since` or later.
pub async fn report_statuses(tx: &mut Tx, ended_since: NaiveDate) -> Result<Vec<(i64, String, NaiveDate, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT r.intervention_id, r.kind, r.period_from, r.status FROM period_reports r
         JOIN interventions i ON i.id = r.intervention_id WHERE i.end_date >= $1")
        .bind(ended_since).fetch_all(&mut **c).await)?)
}

/// Every association's reporting settings and claim tail: (association, frequency, due days,
/// tail months), for those that set them.
pub async fn all_settings(tx: &mut Tx) -> Result<(Vec<(i64, String, i32)>, Vec<(i64, i32)>)> {
    let reports = on_backend!(tx, c => sqlx::query_as("SELECT association_id, frequency, due_days FROM report_settings")
        .fetch_all(&mut **c).await)?;
    let tails = on_backend!(tx, c => sqlx::query_as("SELECT association_id, claim_tail_months FROM economy_settings")
        .fetch_all(&mut **c).await)?;
    Ok((reports, tails))
}

/// A signature that a party has not given: to whom, and for which party.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AwaitedSignature {
    #[sqlx(flatten)]
    pub recipient: Recipient,
    pub member_id: i64,
    /// For an application: the hash of the content to sign, so that a changed text is a new event.
    pub content_hash: String,
}

/// Agreements waiting since `created_before` for a party's signature, once per active
/// firmatecknare of that party: the object is the intervention.
pub async fn awaited_agreement_signatures(tx: &mut Tx, created_before: Timestamp) -> Result<Vec<AwaitedSignature>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT i.id AS object_id, i.association_id, i.name AS object_name, u.id AS user_id, u.email,
             u.name AS user_name, p.member_id, i.agreement_hash AS content_hash
         FROM interventions i JOIN intervention_parties p ON p.intervention_id = i.id
         JOIN user_roles r ON r.role = 'signatory' AND r.member_id = p.member_id
         JOIN users u ON u.id = r.user_id AND u.active
         WHERE i.all_signed_at IS NULL AND i.created_at <= $1
             AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.intervention_id = i.id AND s.member_id = p.member_id)
         ORDER BY i.id, u.id")
        .bind(created_before).fetch_all(&mut **c).await)?)
}

/// Applications in signing since `changed_before` that a party has not signed (as they stand),
/// once per active firmatecknare of that party: the object is the application.
pub async fn awaited_application_signatures(tx: &mut Tx, changed_before: Timestamp) -> Result<Vec<AwaitedSignature>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT a.id AS object_id, a.association_id, a.name AS object_name, u.id AS user_id, u.email,
             u.name AS user_name, p.member_id, a.content_hash
         FROM applications a JOIN application_parties p ON p.application_id = a.id
         JOIN user_roles r ON r.role = 'signatory' AND r.member_id = p.member_id
         JOIN users u ON u.id = r.user_id AND u.active
         WHERE a.status = 'signing' AND a.updated_at <= $1
             AND NOT EXISTS (SELECT 1 FROM application_signatures s WHERE s.application_id = a.id
                 AND s.member_id = p.member_id AND s.voided_at IS NULL AND s.content_hash = a.content_hash)
         ORDER BY a.id, u.id")
        .bind(changed_before).fetch_all(&mut **c).await)?)
}

/// An application the office asked to complete, with its number and when it was last received.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestedCompletion {
    #[sqlx(flatten)]
    pub recipient: Recipient,
    pub registration_number: Option<String>,
    pub received_at: Option<Timestamp>,
}

/// Applications the office has asked to complete, once per active insatsansvarig of the owner.
pub async fn completions_requested(tx: &mut Tx) -> Result<Vec<RequestedCompletion>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT a.id AS object_id, a.association_id, a.name AS object_name, u.id AS user_id, u.email,
             u.name AS user_name, a.registration_number, a.received_at
         FROM applications a
         JOIN user_roles r ON r.role = 'intervention_lead' AND r.member_id = a.owner_member_id
         JOIN users u ON u.id = r.user_id AND u.active
         WHERE a.status = 'completion_requested'
         ORDER BY a.id, u.id")
        .fetch_all(&mut **c).await)?)
}

/// Records a reminder as sent; false when it already was (so it is sent once).
pub async fn claim_reminder(
    tx: &mut Tx,
    event_key: &str,
    user_id: i64,
    association_id: i64,
    kind: &str,
    at: Timestamp,
) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "INSERT INTO reminders_sent (event_key, user_id, association_id, kind, sent_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_key, user_id) DO NOTHING")
        .bind(event_key).bind(user_id).bind(association_id).bind(kind).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Takes back a reminder that could not be sent, so that it is tried again.
pub async fn release_reminder(tx: &mut Tx, event_key: &str, user_id: i64) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM reminders_sent WHERE event_key = $1 AND user_id = $2")
        .bind(event_key).bind(user_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Member names by id, for the reminders' texts.
pub async fn member_names(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as("SELECT id, name FROM members").fetch_all(&mut **c).await)?)
}

/// A deviation on a meeting's agenda.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviationItem {
    pub deviation_id: i64,
    pub meeting_id: i64,
    pub meeting_date: NaiveDate,
    pub attested: bool,
    pub section: i32,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub category: String,
    pub description: String,
    pub status: String,
}

const DEVIATION_ITEM: &str = "SELECT x.deviation_id, x.meeting_id, m.meeting_date,
    CASE WHEN m.attested_at IS NULL THEN FALSE ELSE TRUE END AS attested, x.section, d.intervention_id,
    i.name AS intervention_name, d.category, d.description, d.status
    FROM deviation_items x JOIN meetings m ON m.id = x.meeting_id JOIN deviations d ON d.id = x.deviation_id
    JOIN interventions i ON i.id = d.intervention_id";

pub async fn deviation_item(tx: &mut Tx, deviation_id: i64) -> Result<Option<DeviationItem>> {
    let sql = format!("{DEVIATION_ITEM} WHERE x.deviation_id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(deviation_id).fetch_optional(&mut **c).await)?)
}

/// The agenda items of an intervention's deviations.
pub async fn intervention_deviation_items(tx: &mut Tx, intervention_id: i64) -> Result<Vec<DeviationItem>> {
    let sql = format!("{DEVIATION_ITEM} WHERE d.intervention_id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(intervention_id).fetch_all(&mut **c).await)?)
}

/// The deviations on a meeting's agenda, by section.
pub async fn meeting_deviations(tx: &mut Tx, meeting_id: i64) -> Result<Vec<DeviationItem>> {
    let sql = format!("{DEVIATION_ITEM} WHERE x.meeting_id = $1 ORDER BY x.section");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(meeting_id).fetch_all(&mut **c).await)?)
}

pub struct NewDeviationItem<'a> {
    pub meeting_id: i64,
    pub deviation_id: i64,
    pub association_id: i64,
    pub body: &'a str,
    pub year: i32,
    pub section: i64,
}

/// Puts a deviation on a meeting's agenda; false when it already is on one.
pub async fn insert_deviation_item(tx: &mut Tx, n: &NewDeviationItem<'_>) -> Result<bool> {
    let rows = on_backend!(tx, c => sqlx::query(
        "INSERT INTO deviation_items (meeting_id, deviation_id, association_id, body, year, section)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (deviation_id) DO NOTHING")
        .bind(n.meeting_id).bind(n.deviation_id).bind(n.association_id).bind(n.body).bind(n.year).bind(n.section as i32)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}
