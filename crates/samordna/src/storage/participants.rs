//! The participant register. Every function that reads or writes a participant's record takes a
//! [`CaseFile`], which only the access check in `service::participants` can make; the
//! aggregate queries at the end return counts only.

use chrono::NaiveDate;

use super::{Backend, Page, Result, Tx};
use crate::domain::follow_up::Facts;
use crate::domain::participant::{Sex, AGE_GROUPS, OCCUPATION_STUDIES, OCCUPATION_WORK};
use crate::domain::time::Timestamp;
use crate::on_backend;
use crate::service::participants::{CaseFile, CaseLoad};

// ---- Assignment and settings (no personal data) ----

pub async fn is_assigned(tx: &mut Tx, intervention_id: i64, user_id: i64) -> Result<bool> {
    let row: Option<(i64,)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT user_id FROM intervention_case_workers WHERE intervention_id = $1 AND user_id = $2")
        .bind(intervention_id).bind(user_id).fetch_optional(&mut **c).await)?;
    Ok(row.is_some())
}

/// The assigned case workers by name.
pub async fn case_workers(tx: &mut Tx, intervention_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT u.id, u.name FROM intervention_case_workers w JOIN users u ON u.id = w.user_id
         WHERE w.intervention_id = $1 ORDER BY u.name COLLATE sv, u.id")
        .bind(intervention_id).fetch_all(&mut **c).await)?)
}

pub async fn set_case_workers(tx: &mut Tx, intervention_id: i64, users: &[i64], by: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM intervention_case_workers WHERE intervention_id = $1")
        .bind(intervention_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    for user in users {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO intervention_case_workers (intervention_id, user_id, assigned_by, assigned_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(intervention_id).bind(*user).bind(by).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The users who may be assigned: the owner's active case workers.
pub async fn case_worker_candidates(tx: &mut Tx, member_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT u.id, u.name FROM user_roles r JOIN users u ON u.id = r.user_id
         WHERE r.member_id = $1 AND r.role = 'case_worker' AND u.active GROUP BY u.id, u.name
         ORDER BY u.name COLLATE sv, u.id")
        .bind(member_id).fetch_all(&mut **c).await)?)
}

/// The intervention's settings and goals as stored JSON, when saved.
pub async fn follow_up(tx: &mut Tx, intervention_id: i64) -> Result<Option<(String, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT settings, goals FROM intervention_follow_up WHERE intervention_id = $1")
        .bind(intervention_id).fetch_optional(&mut **c).await)?)
}

/// The saved settings of the given interventions (ids are numbers from the database).
pub async fn follow_up_many(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT intervention_id, settings FROM intervention_follow_up WHERE intervention_id IN ({})",
        list.join(", ")
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?)
}

pub async fn save_follow_up(
    tx: &mut Tx,
    intervention_id: i64,
    settings: &str,
    goals: &str,
    by: i64,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO intervention_follow_up (intervention_id, settings, goals, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (intervention_id) DO UPDATE SET settings = $2, goals = $3, updated_by = $4, updated_at = $5")
        .bind(intervention_id).bind(settings).bind(goals).bind(by).bind(at).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssociationFollowUpRow {
    pub suppression_threshold: i32,
    pub retention_months: i32,
    pub consent_version: String,
    pub instruments: Option<String>,
}

pub async fn association_follow_up(tx: &mut Tx, association_id: i64) -> Result<Option<AssociationFollowUpRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT suppression_threshold, retention_months, consent_version, instruments FROM association_follow_up
         WHERE association_id = $1")
        .bind(association_id).fetch_optional(&mut **c).await)?)
}

pub async fn save_association_follow_up(
    tx: &mut Tx,
    association_id: i64,
    row: &AssociationFollowUpRow,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO association_follow_up (association_id, suppression_threshold, retention_months, consent_version,
             instruments, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (association_id) DO UPDATE SET suppression_threshold = $2, retention_months = $3,
             consent_version = $4, instruments = $5, updated_at = $6")
        .bind(association_id).bind(row.suppression_threshold).bind(row.retention_months).bind(&row.consent_version)
        .bind(&row.instruments).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn code_list(tx: &mut Tx, association_id: i64, list: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT codes FROM code_lists WHERE association_id = $1 AND list = $2")
        .bind(association_id).bind(list).fetch_optional(&mut **c).await)?;
    Ok(row.map(|r| r.0))
}

pub async fn save_code_list(
    tx: &mut Tx,
    association_id: i64,
    list: &str,
    codes: &str,
    by: i64,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO code_lists (association_id, list, codes, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (association_id, list) DO UPDATE SET codes = $3, updated_by = $4, updated_at = $5")
        .bind(association_id).bind(list).bind(codes).bind(by).bind(at).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

// ---- Participants' records: only through a CaseFile ----

pub struct NewParticipation<'a> {
    pub identified: bool,
    pub protected_identity: bool,
    pub person_cipher: Option<&'a str>,
    pub person_index: Option<&'a str>,
    pub consent_date: Option<NaiveDate>,
    pub consent_scope: Option<&'a str>,
    pub consent_version: Option<&'a str>,
    pub sex: &'a str,
    pub birth_year: Option<i32>,
    pub home_member_id: Option<i64>,
    pub education: Option<&'a str>,
    pub occupation_before: Option<&'a str>,
    pub support_time: Option<&'a str>,
    pub extent_percent: Option<i32>,
    pub income_before: &'a [String],
    pub part: Option<&'a str>,
    pub remitted_by_member_id: Option<i64>,
    pub remitted_on: Option<NaiveDate>,
    pub first_visit_on: Option<NaiveDate>,
    pub triage: Option<&'a str>,
    pub action_plan_due_on: Option<NaiveDate>,
    pub enrolled_on: NaiveDate,
    pub at: Timestamp,
}

pub async fn insert(tx: &mut Tx, cf: &CaseFile, n: &NewParticipation<'_>) -> Result<i64> {
    use chrono::Datelike;
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO participations (intervention_id, association_id, owner_member_id, identified, protected_identity,
             person_cipher, person_index, consent_date, consent_scope, consent_version, consent_recorded_by, sex,
             birth_year, start_year, home_member_id, education, occupation_before, support_time, extent_percent, part,
             remitted_by_member_id, remitted_on, first_visit_on, triage, enrolled_on, action_plan_due_on, voided,
             created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $8 IS NULL THEN NULL ELSE $11 END, $12, $13, $14,
             $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, false, $11, $27, $27) RETURNING id")
        .bind(cf.intervention_id()).bind(cf.association_id()).bind(cf.owner_member_id()).bind(n.identified)
        .bind(n.protected_identity).bind(n.person_cipher).bind(n.person_index).bind(n.consent_date)
        .bind(n.consent_scope).bind(n.consent_version).bind(cf.user_id()).bind(n.sex).bind(n.birth_year)
        .bind(n.enrolled_on.year()).bind(n.home_member_id).bind(n.education).bind(n.occupation_before)
        .bind(n.support_time).bind(n.extent_percent).bind(n.part).bind(n.remitted_by_member_id).bind(n.remitted_on)
        .bind(n.first_visit_on).bind(n.triage).bind(n.enrolled_on).bind(n.action_plan_due_on).bind(n.at)
        .fetch_one(&mut **c).await)?;
    set_income(tx, id, "before", n.income_before).await?;
    Ok(id)
}

async fn set_income(tx: &mut Tx, id: i64, phase: &str, codes: &[String]) -> Result<()> {
    for code in codes {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO participation_income (participation_id, phase, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id).bind(phase).bind(code).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipationRow {
    pub id: i64,
    pub intervention_id: i64,
    pub identified: bool,
    pub protected_identity: bool,
    pub person_cipher: Option<String>,
    pub person_index: Option<String>,
    pub consent_date: Option<NaiveDate>,
    pub consent_scope: Option<String>,
    pub consent_version: Option<String>,
    pub consent_recorded_by_name: Option<String>,
    pub consent_withdrawn_on: Option<NaiveDate>,
    pub sex: String,
    pub birth_year: Option<i32>,
    pub start_year: i32,
    pub home_member_id: Option<i64>,
    pub home_name: Option<String>,
    pub education: Option<String>,
    pub occupation_before: Option<String>,
    pub support_time: Option<String>,
    pub extent_percent: Option<i32>,
    pub part: Option<String>,
    pub remitted_by_member_id: Option<i64>,
    pub remitted_by_name: Option<String>,
    pub remitted_on: Option<NaiveDate>,
    pub first_visit_on: Option<NaiveDate>,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub assessment_on: Option<NaiveDate>,
    pub action_plan_on: Option<NaiveDate>,
    pub action_plan_due_on: Option<NaiveDate>,
    pub referral_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub occupation_after: Option<String>,
    pub anchored_plan: Option<bool>,
    pub receiving_actor: Option<String>,
    pub voided: bool,
    pub personal_removed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub last_measured_on: Option<NaiveDate>,
}

const SELECT: &str = "SELECT p.id, p.intervention_id, p.identified, p.protected_identity, p.person_cipher,
        p.person_index, p.consent_date, p.consent_scope, p.consent_version, cu.name AS consent_recorded_by_name,
        p.consent_withdrawn_on, p.sex, p.birth_year, p.start_year, p.home_member_id, hm.name AS home_name,
        p.education, p.occupation_before, p.support_time, p.extent_percent, p.part, p.remitted_by_member_id,
        rm.name AS remitted_by_name, p.remitted_on, p.first_visit_on, p.triage, p.enrolled_on, p.assessment_on,
        p.action_plan_on, p.action_plan_due_on, p.referral_on, p.exited_on, p.exit_reason, p.occupation_after,
        p.anchored_plan, p.receiving_actor, p.voided, p.personal_removed_at, p.created_at,
        (SELECT MAX(m.measured_on) FROM measurements m WHERE m.participation_id = p.id) AS last_measured_on
    FROM participations p LEFT JOIN users cu ON cu.id = p.consent_recorded_by
    LEFT JOIN members hm ON hm.id = p.home_member_id LEFT JOIN members rm ON rm.id = p.remitted_by_member_id";

pub async fn get(tx: &mut Tx, cf: &CaseFile, id: i64) -> Result<Option<ParticipationRow>> {
    let sql = format!("{SELECT} WHERE p.id = $1 AND p.intervention_id = $2");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(cf.intervention_id()).fetch_optional(&mut **c).await)?)
}

/// The intervention's participations, open ones first, then by enrolment (latest first).
pub async fn list(tx: &mut Tx, cf: &CaseFile, open_only: bool, page: Page) -> Result<(Vec<ParticipationRow>, i64)> {
    let filter = if open_only { " AND p.exited_on IS NULL" } else { "" };
    let count_sql = format!("SELECT COUNT(*) FROM participations p WHERE p.intervention_id = $1{filter}");
    let sql = format!(
        "{SELECT} WHERE p.intervention_id = $1{filter}
         ORDER BY CASE WHEN p.exited_on IS NULL THEN 0 ELSE 1 END, p.enrolled_on DESC, p.id DESC LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    let id = cf.intervention_id();
    Ok(on_backend!(tx, c => {
        let (total,): (i64,) = sqlx::query_as(&count_sql).bind(id).fetch_one(&mut **c).await?;
        let rows = sqlx::query_as(&sql).bind(id).fetch_all(&mut **c).await?;
        Ok::<_, sqlx::Error>((rows, total))
    })?)
}

/// The same person's other participations with the same owner, found by the keyed hash.
pub async fn same_person(tx: &mut Tx, cf: &CaseFile, index: &str, except: i64) -> Result<Vec<EarlierRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT p.id, p.intervention_id, i.name AS intervention_name, p.enrolled_on, p.exited_on
         FROM participations p JOIN interventions i ON i.id = p.intervention_id
         WHERE p.owner_member_id = $1 AND p.person_index = $2 AND p.id <> $3 ORDER BY p.enrolled_on, p.id")
        .bind(cf.owner_member_id()).bind(index).bind(except).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EarlierRow {
    pub id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub enrolled_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
}

/// Whether the person has an open participation in the intervention.
pub async fn open_with_index(tx: &mut Tx, cf: &CaseFile, index: &str) -> Result<bool> {
    let row: Option<(i64,)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT id FROM participations WHERE intervention_id = $1 AND person_index = $2 AND exited_on IS NULL")
        .bind(cf.intervention_id()).bind(index).fetch_optional(&mut **c).await)?;
    Ok(row.is_some())
}

pub async fn income(tx: &mut Tx, cf: &CaseFile, id: i64) -> Result<Vec<(String, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT x.phase, x.code FROM participation_income x JOIN participations p ON p.id = x.participation_id
         WHERE x.participation_id = $1 AND p.intervention_id = $2 ORDER BY x.phase DESC, x.code")
        .bind(id).bind(cf.intervention_id()).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StepRow {
    pub id: i64,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub details: String,
    pub recorded_by_name: Option<String>,
    pub recorded_at: Timestamp,
}

pub async fn steps(tx: &mut Tx, cf: &CaseFile, id: i64) -> Result<Vec<StepRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT s.id, s.kind, s.occurred_on, s.details, u.name AS recorded_by_name, s.recorded_at
         FROM participation_steps s JOIN participations p ON p.id = s.participation_id
         LEFT JOIN users u ON u.id = s.recorded_by
         WHERE s.participation_id = $1 AND p.intervention_id = $2 ORDER BY s.occurred_on, s.id")
        .bind(id).bind(cf.intervention_id()).fetch_all(&mut **c).await)?)
}

/// Adds a step; a milestone's first date is kept on the participation.
pub async fn add_step(
    tx: &mut Tx,
    cf: &CaseFile,
    id: i64,
    kind: &str,
    on: NaiveDate,
    details: &str,
    at: Timestamp,
) -> Result<i64> {
    let (step,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO participation_steps (participation_id, kind, occurred_on, details, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(id).bind(kind).bind(on).bind(details).bind(cf.user_id()).bind(at).fetch_one(&mut **c).await)?;
    let column = match kind {
        "assessment" => Some("assessment_on"),
        "action_plan" => Some("action_plan_on"),
        "referral" => Some("referral_on"),
        _ => None,
    };
    if let Some(column) = column {
        // The column name is one of three constants above.
        let sql = format!(
            "UPDATE participations SET {column} = CASE WHEN {column} IS NULL OR {column} > $1 THEN $1 ELSE {column} END,
                 updated_at = $2 WHERE id = $3 AND intervention_id = $4"
        );
        on_backend!(tx, c => sqlx::query(&sql).bind(on).bind(at).bind(id).bind(cf.intervention_id())
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(step)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeasurementRow {
    pub id: i64,
    pub instrument: String,
    pub instrument_version: String,
    pub occasion: String,
    pub measured_on: NaiveDate,
    pub recorded_by_name: Option<String>,
}

pub async fn measurements(tx: &mut Tx, cf: &CaseFile, id: i64) -> Result<Vec<(MeasurementRow, Vec<(String, i32)>)>> {
    let rows: Vec<MeasurementRow> = on_backend!(tx, c => sqlx::query_as(
        "SELECT m.id, m.instrument, m.instrument_version, m.occasion, m.measured_on, u.name AS recorded_by_name
         FROM measurements m JOIN participations p ON p.id = m.participation_id LEFT JOIN users u ON u.id = m.recorded_by
         WHERE m.participation_id = $1 AND p.intervention_id = $2 ORDER BY m.measured_on, m.id")
        .bind(id).bind(cf.intervention_id()).fetch_all(&mut **c).await)?;
    let scores: Vec<(i64, String, i32)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT measurement_id, dimension, score FROM measurement_scores WHERE participation_id = $1")
        .bind(id).fetch_all(&mut **c).await)?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let s = scores.iter().filter(|s| s.0 == m.id).map(|s| (s.1.clone(), s.2)).collect();
            (m, s)
        })
        .collect())
}

#[derive(Clone, Copy)]
pub struct NewMeasurement<'a> {
    /// The instrument's code and version.
    pub instrument: (&'a str, &'a str),
    pub occasion: &'a str,
    pub on: NaiveDate,
    pub scores: &'a [(String, i32)],
    pub at: Timestamp,
}

pub async fn add_measurement(tx: &mut Tx, cf: &CaseFile, id: i64, m: &NewMeasurement<'_>) -> Result<i64> {
    let NewMeasurement { instrument, occasion, on, scores, at } = *m;
    let (m,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO measurements (participation_id, instrument, instrument_version, occasion, measured_on,
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(id).bind(instrument.0).bind(instrument.1).bind(occasion).bind(on).bind(cf.user_id()).bind(at)
        .fetch_one(&mut **c).await)?;
    for (dimension, score) in scores {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO measurement_scores (measurement_id, participation_id, instrument, dimension, measured_on, score)
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(m).bind(id).bind(instrument.0).bind(dimension).bind(on).bind(*score).execute(&mut **c).await
            .map(|r| r.rows_affected()))?;
        // An earlier date replaces the first score, a date as late or later the latest one.
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO participation_progress (participation_id, association_id, intervention_id, instrument, dimension,
                 first_on, first_score, last_on, last_score, measurements) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, 1)
             ON CONFLICT (participation_id, instrument, dimension) DO UPDATE SET
                 first_score = CASE WHEN excluded.first_on < participation_progress.first_on
                     THEN excluded.first_score ELSE participation_progress.first_score END,
                 first_on = CASE WHEN excluded.first_on < participation_progress.first_on
                     THEN excluded.first_on ELSE participation_progress.first_on END,
                 last_score = CASE WHEN excluded.last_on >= participation_progress.last_on
                     THEN excluded.last_score ELSE participation_progress.last_score END,
                 last_on = CASE WHEN excluded.last_on >= participation_progress.last_on
                     THEN excluded.last_on ELSE participation_progress.last_on END,
                 measurements = participation_progress.measurements + 1")
            .bind(id).bind(cf.association_id()).bind(cf.intervention_id()).bind(instrument.0).bind(dimension).bind(on)
            .bind(*score).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(m)
}

pub struct ExitWrite<'a> {
    pub exited_on: NaiveDate,
    pub reason: &'a str,
    pub occupation_after: Option<&'a str>,
    pub income_after: &'a [String],
    pub anchored_plan: Option<bool>,
    pub receiving_actor: Option<&'a str>,
    pub voided: bool,
    pub at: Timestamp,
}

/// Records the exit; false when the participation had already ended.
pub async fn exit(tx: &mut Tx, cf: &CaseFile, id: i64, e: &ExitWrite<'_>) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE participations SET exited_on = $1, exit_reason = $2, occupation_after = $3, anchored_plan = $4,
             receiving_actor = $5, voided = $6, updated_at = $7
         WHERE id = $8 AND intervention_id = $9 AND exited_on IS NULL")
        .bind(e.exited_on).bind(e.reason).bind(e.occupation_after).bind(e.anchored_plan).bind(e.receiving_actor)
        .bind(e.voided).bind(e.at).bind(id).bind(cf.intervention_id()).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        set_income(tx, id, "after", e.income_after).await?;
    }
    Ok(n == 1)
}

/// Consent withdrawn: the record becomes anonymous (sex and year of start stay, with the dated
/// path and codes the counts need); identity, birth year, kommun and free text go.
pub async fn withdraw_consent(tx: &mut Tx, cf: &CaseFile, id: i64, on: NaiveDate, at: Timestamp) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE participations SET consent_withdrawn_on = $1, updated_at = $2 WHERE id = $3 AND intervention_id = $4
             AND identified AND consent_withdrawn_on IS NULL")
        .bind(on).bind(at).bind(id).bind(cf.intervention_id()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        anonymise(tx, id, at).await?;
    }
    Ok(n == 1)
}

/// What removing personal data clears: identity, birth year, home kommun and the receiving actor.
/// Sex, dates and codes stay, so that the counts do.
const CLEARED: &str = "identified = false, person_cipher = NULL, person_index = NULL, birth_year = NULL,
    home_member_id = NULL, receiving_actor = NULL";

/// Removes one participation's personal data and its steps' free text.
async fn anonymise(tx: &mut Tx, id: i64, at: Timestamp) -> Result<u64> {
    on_backend!(tx, c => sqlx::query("UPDATE participation_steps SET details = '{}' WHERE participation_id = $1")
        .bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    let sql = format!("UPDATE participations SET {CLEARED}, personal_removed_at = $1 WHERE id = $2");
    Ok(on_backend!(tx, c => sqlx::query(&sql).bind(at).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?)
}

/// Removes personal data from participations that ended before `cutoff` in the association.
pub async fn purge_ended_before(tx: &mut Tx, association_id: i64, cutoff: NaiveDate, at: Timestamp) -> Result<u64> {
    on_backend!(tx, c => sqlx::query(
        "UPDATE participation_steps SET details = '{}' WHERE participation_id IN (SELECT id FROM participations
             WHERE association_id = $1 AND personal_removed_at IS NULL AND exited_on < $2)")
        .bind(association_id).bind(cutoff).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    let sql = format!(
        "UPDATE participations SET {CLEARED}, personal_removed_at = $1
         WHERE association_id = $2 AND personal_removed_at IS NULL AND exited_on < $3"
    );
    Ok(on_backend!(tx, c => sqlx::query(&sql).bind(at).bind(association_id).bind(cutoff)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?)
}

/// Every association and its retention in months, when it has set one.
pub async fn retention_by_association(tx: &mut Tx) -> Result<Vec<(i64, Option<i32>)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT a.id, f.retention_months FROM associations a
         LEFT JOIN association_follow_up f ON f.association_id = a.id ORDER BY a.id")
        .fetch_all(&mut **c).await)?)
}

// ---- Due dates for a case worker ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenRow {
    pub id: i64,
    pub person_cipher: Option<String>,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub first_visit_on: Option<NaiveDate>,
    pub assessment_on: Option<NaiveDate>,
    pub action_plan_on: Option<NaiveDate>,
    pub referral_on: Option<NaiveDate>,
    pub last_measured_on: Option<NaiveDate>,
}

/// The open participations of the interventions the case worker is assigned to, of the owners
/// the case worker works for.
pub async fn open_for_case_load(tx: &mut Tx, load: &CaseLoad) -> Result<Vec<OpenRow>> {
    // Member ids come from the caller's own grants, never from input.
    let members: Vec<String> = load.members().iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT p.id, p.person_cipher, p.intervention_id, i.name AS intervention_name, p.triage, p.enrolled_on, p.first_visit_on,
             p.assessment_on, p.action_plan_on, p.referral_on,
             (SELECT MAX(m.measured_on) FROM measurements m WHERE m.participation_id = p.id) AS last_measured_on
         FROM intervention_case_workers w JOIN participations p ON p.intervention_id = w.intervention_id
         JOIN interventions i ON i.id = p.intervention_id
         WHERE w.user_id = $1 AND p.exited_on IS NULL AND i.owner_member_id IN ({})
         ORDER BY p.intervention_id, p.id LIMIT 2000",
        members.join(", ")
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(load.user_id()).fetch_all(&mut **c).await)?)
}

/// Records the first visit and its triage, with the handlingsplan's deadline it gives.
pub async fn set_first_visit(
    tx: &mut Tx,
    cf: &CaseFile,
    id: i64,
    on: NaiveDate,
    triage: &str,
    action_plan_due_on: Option<NaiveDate>,
    at: Timestamp,
) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "UPDATE participations SET first_visit_on = $1, triage = $2, action_plan_due_on = $3, updated_at = $4
         WHERE id = $5 AND intervention_id = $6")
        .bind(on).bind(triage).bind(action_plan_due_on).bind(at).bind(id).bind(cf.intervention_id())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

// ---- Aggregates: counts only ----

/// Which participations a figure covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Intervention(i64),
    Association(i64),
}

impl Scope {
    fn column(self) -> (&'static str, i64) {
        match self {
            Scope::Intervention(id) => ("p.intervention_id", id),
            Scope::Association(id) => ("p.association_id", id),
        }
    }
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    pub sex: String,
    pub part: Option<String>,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub first_visit_on: Option<NaiveDate>,
    pub assessment_on: Option<NaiveDate>,
    pub action_plan_on: Option<NaiveDate>,
    pub referral_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub anchored_plan: Option<bool>,
    pub occupation_after: Option<String>,
}

/// What goals are measured on: dates and codes, no identity, registration errors left out.
pub async fn facts(tx: &mut Tx, intervention_id: i64, to: NaiveDate) -> Result<Vec<Facts>> {
    let rows: Vec<FactsRow> = on_backend!(tx, c => sqlx::query_as(
        "SELECT sex, part, triage, enrolled_on, first_visit_on, assessment_on, action_plan_on, referral_on, exited_on,
             anchored_plan, occupation_after FROM participations
         WHERE intervention_id = $1 AND NOT voided AND enrolled_on <= $2")
        .bind(intervention_id).bind(to).fetch_all(&mut **c).await)?;
    Ok(rows
        .into_iter()
        .map(|f| Facts {
            // The column's CHECK allows only the two codes.
            sex: Sex::parse(&f.sex).unwrap_or(Sex::Female),
            part: f.part,
            triage: f.triage,
            enrolled_on: f.enrolled_on,
            first_visit_on: f.first_visit_on,
            assessment_on: f.assessment_on,
            action_plan_on: f.action_plan_on,
            referral_on: f.referral_on,
            exited_on: f.exited_on,
            anchored_plan: f.anchored_plan,
            occupation_after: f.occupation_after,
        })
        .collect())
}

/// One cell of the statistics cube: counts by sex, age group and home kommun.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CubeRow {
    pub sex: String,
    pub age_group: String,
    pub home_member_id: Option<i64>,
    pub participants: i64,
    pub new: i64,
    pub ongoing: i64,
    pub exited: i64,
    pub to_work_or_studies: i64,
}

fn age_case() -> String {
    let mut s = String::from(
        "CASE WHEN p.birth_year IS NULL THEN 'Okänd' WHEN p.start_year - p.birth_year < 16 THEN 'Under 16'",
    );
    for (label, lo, hi) in AGE_GROUPS {
        s.push_str(&format!(" WHEN p.start_year - p.birth_year BETWEEN {lo} AND {hi} THEN '{label}'"));
    }
    s.push_str(" ELSE '65 och äldre' END");
    s
}

/// Participations in the period: enrolled by its end, not ended before its start.
const IN_PERIOD: &str = "NOT p.voided AND p.enrolled_on <= $3 AND (p.exited_on IS NULL OR p.exited_on >= $2)";

pub async fn cube(tx: &mut Tx, scope: Scope, from: NaiveDate, to: NaiveDate) -> Result<Vec<CubeRow>> {
    let (column, id) = scope.column();
    let sql = format!(
        "SELECT p.sex, {age} AS age_group, p.home_member_id, COUNT(*) AS participants,
             SUM(CASE WHEN p.enrolled_on >= $2 THEN 1 ELSE 0 END) AS new,
             SUM(CASE WHEN p.exited_on IS NULL OR p.exited_on > $3 THEN 1 ELSE 0 END) AS ongoing,
             SUM(CASE WHEN p.exited_on <= $3 THEN 1 ELSE 0 END) AS exited,
             SUM(CASE WHEN p.exited_on <= $3 AND p.occupation_after IN ('{OCCUPATION_WORK}', '{OCCUPATION_STUDIES}')
                 THEN 1 ELSE 0 END) AS to_work_or_studies
         FROM participations p WHERE {column} = $1 AND {IN_PERIOD}
         GROUP BY p.sex, {age}, p.home_member_id",
        age = age_case()
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// New, ongoing and exited per intervention and sex, for the association's view.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PerInterventionRow {
    pub intervention_id: i64,
    pub name: String,
    pub sex: String,
    pub new: i64,
    pub ongoing: i64,
    pub exited: i64,
}

pub async fn per_intervention(
    tx: &mut Tx,
    association_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PerInterventionRow>> {
    let sql = format!(
        "SELECT p.intervention_id, i.name, p.sex,
             SUM(CASE WHEN p.enrolled_on >= $2 THEN 1 ELSE 0 END) AS new,
             SUM(CASE WHEN p.exited_on IS NULL OR p.exited_on > $3 THEN 1 ELSE 0 END) AS ongoing,
             SUM(CASE WHEN p.exited_on <= $3 THEN 1 ELSE 0 END) AS exited
         FROM participations p JOIN interventions i ON i.id = p.intervention_id
         WHERE p.association_id = $1 AND {IN_PERIOD} GROUP BY p.intervention_id, i.name, p.sex
         ORDER BY i.name COLLATE sv, p.intervention_id"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(association_id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// Income source before -> after, counted per pair, for exits in the period.
pub async fn income_matrix(
    tx: &mut Tx,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, i64)>> {
    let (column, id) = scope.column();
    let sql = format!(
        "SELECT b.code, a.code, COUNT(*) FROM participations p
         JOIN participation_income b ON b.participation_id = p.id AND b.phase = 'before'
         JOIN participation_income a ON a.participation_id = p.id AND a.phase = 'after'
         WHERE {column} = $1 AND NOT p.voided AND p.exited_on >= $2 AND p.exited_on <= $3 GROUP BY b.code, a.code"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

fn days_between(backend: Backend, later: &str, earlier: &str) -> String {
    match backend {
        Backend::Sqlite => format!("CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"),
        Backend::Postgres => format!("({later} - {earlier})::bigint"),
    }
}

/// The median days from enrolment to exit of exits in the period, per sex (None: no exits).
pub async fn median_days(
    tx: &mut Tx,
    scope: Scope,
    sex: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<f64>> {
    let (column, id) = scope.column();
    let days = days_between(tx.backend(), "p.exited_on", "p.enrolled_on");
    let filter = format!(
        "{column} = $1 AND NOT p.voided AND p.exited_on >= $2 AND p.exited_on <= $3 AND ($4 IS NULL OR p.sex = $4)"
    );
    let count_sql = format!("SELECT COUNT(*) FROM participations p WHERE {filter}");
    let (n,): (i64,) = on_backend!(tx, c => sqlx::query_as(&count_sql).bind(id).bind(from).bind(to).bind(sex)
        .fetch_one(&mut **c).await)?;
    if n == 0 {
        return Ok(None);
    }
    // The middle one, or the middle two of an even count.
    let sql = format!(
        "SELECT {days} AS d FROM participations p WHERE {filter} ORDER BY d LIMIT {} OFFSET {}",
        2 - n % 2,
        (n - 1) / 2
    );
    let middle: Vec<(i64,)> = on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(from).bind(to).bind(sex)
        .fetch_all(&mut **c).await)?;
    Ok(Some(middle.iter().map(|r| r.0 as f64).sum::<f64>() / middle.len() as f64))
}

/// Progress per instrument and dimension: participants in the period with two measurements or
/// more, the sum of their changes (last minus first) and how many improved.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgressRow {
    pub instrument: String,
    pub dimension: String,
    pub measured: i64,
    pub change_sum: i64,
    pub improved: i64,
}

pub async fn progress(tx: &mut Tx, scope: Scope, from: NaiveDate, to: NaiveDate) -> Result<Vec<ProgressRow>> {
    let (scope_column, id) = match scope {
        Scope::Intervention(id) => ("x.intervention_id", id),
        Scope::Association(id) => ("x.association_id", id),
    };
    let sql = format!(
        "SELECT x.instrument, x.dimension, COUNT(*) AS measured, SUM(x.last_score - x.first_score) AS change_sum,
             SUM(CASE WHEN x.last_score > x.first_score THEN 1 ELSE 0 END) AS improved
         FROM participation_progress x JOIN participations p ON p.id = x.participation_id
         WHERE {scope_column} = $1 AND x.measurements >= 2 AND {IN_PERIOD}
         GROUP BY x.instrument, x.dimension ORDER BY x.instrument, x.dimension"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(from).bind(to).fetch_all(&mut **c).await)?)
}

/// Handlingsplan on time, per sex: (sex, on time, measured) for first visits in the period whose
/// plan has a deadline; one not yet made and not yet due is not measured.
pub async fn action_plan_on_time(
    tx: &mut Tx,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let (column, id) = scope.column();
    let sql = format!(
        "SELECT p.sex,
             SUM(CASE WHEN p.action_plan_on <= p.action_plan_due_on THEN 1 ELSE 0 END),
             SUM(CASE WHEN p.action_plan_on IS NOT NULL OR p.action_plan_due_on < $4 THEN 1 ELSE 0 END)
         FROM participations p WHERE {column} = $1 AND NOT p.voided AND p.action_plan_due_on IS NOT NULL
             AND p.first_visit_on >= $2 AND p.first_visit_on <= $3 GROUP BY p.sex"
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).bind(from).bind(to).bind(today).fetch_all(&mut **c).await)?)
}

/// The interventions of the case load the case worker is assigned to, by name.
pub async fn assigned_interventions(tx: &mut Tx, load: &CaseLoad) -> Result<Vec<(i64, String)>> {
    // Member ids come from the caller's own grants, never from input.
    let members: Vec<String> = load.members().iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT i.id, i.name FROM intervention_case_workers w JOIN interventions i ON i.id = w.intervention_id
         WHERE w.user_id = $1 AND i.owner_member_id IN ({}) ORDER BY i.name COLLATE sv, i.id",
        members.join(", ")
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(load.user_id()).fetch_all(&mut **c).await)?)
}
