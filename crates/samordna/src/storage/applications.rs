//! Applications and what hangs on them: parties, signatures, submitted versions, diarienummer
//! counters, completion requests, attachments, and the association's agreement text.

use super::{Page, Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub association_id: i64,
    pub owner_member_id: i64,
    pub name: String,
    pub status: String,
    pub registration_number: Option<String>,
    pub received_at: Option<Timestamp>,
    pub content: String,
    pub content_hash: String,
    pub lock_version: i64,
    pub created_by: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const COLUMNS: &str = "id, association_id, owner_member_id, name, COALESCE(decision, status) AS status, registration_number, received_at, content, \
    content_hash, lock_version, created_by, created_at, updated_at";

pub struct NewApplication<'a> {
    pub association_id: i64,
    pub owner_member_id: i64,
    pub name: &'a str,
    pub content: &'a str,
    pub content_hash: &'a str,
    pub created_by: i64,
    pub at: Timestamp,
}

pub async fn insert(tx: &mut Tx, a: &NewApplication<'_>) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO applications (association_id, owner_member_id, name, status, content, content_hash, lock_version,
             created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, 1, $6, $7, $7) RETURNING id")
        .bind(a.association_id).bind(a.owner_member_id).bind(a.name).bind(a.content).bind(a.content_hash)
        .bind(a.created_by).bind(a.at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<ApplicationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
}

/// Writes new content if nobody else has since `expected_lock`; false when someone has.
#[allow(clippy::too_many_arguments)]
pub async fn update_content(
    tx: &mut Tx,
    id: i64,
    expected_lock: i64,
    owner_member_id: i64,
    name: &str,
    content: &str,
    content_hash: &str,
    status: &str,
    at: Timestamp,
) -> Result<bool> {
    let n = on_backend!(tx, c => sqlx::query(
        "UPDATE applications SET owner_member_id = $3, name = $4, content = $5, content_hash = $6, status = $7,
             updated_at = $8, lock_version = lock_version + 1
         WHERE id = $1 AND lock_version = $2")
        .bind(id).bind(expected_lock).bind(owner_member_id).bind(name).bind(content).bind(content_hash).bind(status).bind(at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn set_status(tx: &mut Tx, id: i64, status: &str, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE applications SET status = $2, updated_at = $3, lock_version = lock_version + 1 WHERE id = $1")
        .bind(id).bind(status).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_received(tx: &mut Tx, id: i64, registration_number: &str, received_at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "UPDATE applications SET status = 'received', registration_number = $2, received_at = $3, updated_at = $3,
             lock_version = lock_version + 1 WHERE id = $1")
        .bind(id).bind(registration_number).bind(received_at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces the parties (owner and partners) that decide who may see and sign.
pub async fn set_parties(tx: &mut Tx, id: i64, owner: i64, partners: &[i64]) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM application_parties WHERE application_id = $1")
        .bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    for (member, is_owner) in std::iter::once((owner, true)).chain(partners.iter().map(|p| (*p, false))) {
        on_backend!(tx, c => sqlx::query(
            "INSERT INTO application_parties (application_id, member_id, is_owner) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id).bind(member).bind(is_owner).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The parties' member ids, the owner first.
pub async fn parties(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = on_backend!(tx, c => sqlx::query_as(
        "SELECT member_id FROM application_parties WHERE application_id = $1 ORDER BY is_owner DESC, member_id")
        .bind(id).fetch_all(&mut **c).await)?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}

/// One line of a list of applications.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub registration_number: Option<String>,
    pub received_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub owner_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Updated,
    Received,
    Name,
    RegistrationNumber,
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub association_id: i64,
    /// Only these statuses (empty: all).
    pub statuses: Vec<&'static str>,
    /// Only applications where one of these members is a party (an applicant's own list).
    pub party_members: Option<Vec<i64>>,
    /// Words in the name or the diarienummer.
    pub search: Option<String>,
    pub sort: Sort,
}

enum Value {
    I64(i64),
    Text(String),
}

pub async fn list(tx: &mut Tx, f: &ListFilter, page: Page) -> Result<(Vec<ListRow>, i64)> {
    let mut values = vec![Value::I64(f.association_id)];
    let mut conditions = vec!["a.association_id = $1".to_string()];
    if !f.statuses.is_empty() {
        let mut marks = Vec::new();
        for s in &f.statuses {
            values.push(Value::Text(s.to_string()));
            marks.push(format!("${}", values.len()));
        }
        conditions.push(format!("COALESCE(a.decision, a.status) IN ({})", marks.join(", ")));
    }
    if let Some(members) = &f.party_members {
        if members.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut marks = Vec::new();
        for m in members {
            values.push(Value::I64(*m));
            marks.push(format!("${}", values.len()));
        }
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM application_parties p WHERE p.application_id = a.id AND p.member_id IN ({}))",
            marks.join(", ")
        ));
    }
    if let Some(q) = f.search.as_ref().map(|q| q.trim()).filter(|q| !q.is_empty()) {
        let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        values.push(Value::Text(format!("%{escaped}%")));
        let n = values.len();
        conditions.push(format!(
            "(LOWER(a.name) LIKE ${n} ESCAPE '\\' OR LOWER(COALESCE(a.registration_number, '')) LIKE ${n} ESCAPE '\\')"
        ));
    }
    let order = match f.sort {
        Sort::Updated => "a.updated_at DESC, a.id DESC",
        Sort::Received => "a.received_at DESC, a.id DESC",
        Sort::Name => "a.name COLLATE sv, a.id",
        Sort::RegistrationNumber => "a.registration_number, a.id",
    };
    let where_clause = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM applications a WHERE {where_clause}");
    let sql = format!(
        "SELECT a.id, a.name, COALESCE(a.decision, a.status) AS status, a.registration_number, a.received_at, a.updated_at, m.name AS owner_name
         FROM applications a JOIN members m ON m.id = a.owner_member_id
         WHERE {where_clause} ORDER BY {order} LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    Ok(on_backend!(tx, c => {
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        let mut rows = sqlx::query_as::<_, ListRow>(&sql);
        for v in &values {
            match v {
                Value::I64(x) => {
                    count = count.bind(*x);
                    rows = rows.bind(*x);
                }
                Value::Text(x) => {
                    count = count.bind(x.as_str());
                    rows = rows.bind(x.as_str());
                }
            }
        }
        let (total,) = count.fetch_one(&mut **c).await?;
        let rows = rows.fetch_all(&mut **c).await?;
        Ok::<_, sqlx::Error>((rows, total))
    })?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignatureRow {
    pub id: i64,
    pub member_id: i64,
    pub signer_user_id: i64,
    pub signer_name: String,
    pub content_hash: String,
    pub signed_at: Timestamp,
}

/// The signatures in force (not voided), oldest first.
pub async fn signatures(tx: &mut Tx, application_id: i64) -> Result<Vec<SignatureRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT s.id, s.member_id, s.signer_user_id, u.name AS signer_name, s.content_hash, s.signed_at
         FROM application_signatures s JOIN users u ON u.id = s.signer_user_id
         WHERE s.application_id = $1 AND s.voided_at IS NULL ORDER BY s.id")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

pub async fn add_signature(
    tx: &mut Tx,
    application_id: i64,
    member_id: i64,
    user_id: i64,
    hash: &str,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO application_signatures (application_id, member_id, signer_user_id, content_hash, signed_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(application_id).bind(member_id).bind(user_id).bind(hash).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

/// Voids every signature in force; returns how many there were.
pub async fn void_signatures(tx: &mut Tx, application_id: i64, at: Timestamp) -> Result<u64> {
    Ok(on_backend!(tx, c => sqlx::query(
        "UPDATE application_signatures SET voided_at = $2 WHERE application_id = $1 AND voided_at IS NULL")
        .bind(application_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?)
}

/// The next running number of the association's diarienummer for a year. The row update takes a
/// lock, so concurrent submissions get distinct numbers on both databases.
pub async fn next_registration_number(tx: &mut Tx, association_id: i64, year: i32) -> Result<i64> {
    let (n,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO registration_counters (association_id, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (association_id, year) DO UPDATE SET last_number = registration_counters.last_number + 1
         RETURNING last_number")
        .bind(association_id).bind(year).fetch_one(&mut **c).await)?;
    Ok(n)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version_no: i64,
    pub content: String,
    pub content_hash: String,
    pub submitted_by: i64,
    pub submitted_by_name: String,
    pub submitted_at: Timestamp,
}

pub async fn insert_version(
    tx: &mut Tx,
    application_id: i64,
    content: &str,
    hash: &str,
    user_id: i64,
    at: Timestamp,
) -> Result<i64> {
    let (no,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO application_versions (application_id, version_no, content, content_hash, submitted_by, submitted_at)
         VALUES ($1, (SELECT COALESCE(MAX(version_no), 0) + 1 FROM application_versions WHERE application_id = $1), $2, $3, $4, $5)
         RETURNING version_no")
        .bind(application_id).bind(content).bind(hash).bind(user_id).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(no)
}

pub async fn versions(tx: &mut Tx, application_id: i64) -> Result<Vec<VersionRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT v.version_no, v.content, v.content_hash, v.submitted_by, u.name AS submitted_by_name, v.submitted_at
         FROM application_versions v JOIN users u ON u.id = v.submitted_by
         WHERE v.application_id = $1 ORDER BY v.version_no")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CompletionRow {
    pub id: i64,
    pub message: String,
    pub requested_by_name: String,
    pub requested_at: Timestamp,
    pub answered_at: Option<Timestamp>,
}

pub async fn insert_completion_request(
    tx: &mut Tx,
    application_id: i64,
    message: &str,
    user_id: i64,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO completion_requests (application_id, message, requested_by, requested_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(application_id).bind(message).bind(user_id).bind(at).fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn completion_requests(tx: &mut Tx, application_id: i64) -> Result<Vec<CompletionRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT r.id, r.message, u.name AS requested_by_name, r.requested_at, r.answered_at
         FROM completion_requests r JOIN users u ON u.id = r.requested_by WHERE r.application_id = $1 ORDER BY r.id")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

pub async fn answer_completion_requests(tx: &mut Tx, application_id: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE completion_requests SET answered_at = $2 WHERE application_id = $1 AND answered_at IS NULL")
        .bind(application_id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub application_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: Timestamp,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment(
    tx: &mut Tx,
    application_id: i64,
    filename: &str,
    content_type: &str,
    sha256: &str,
    data: &[u8],
    user_id: i64,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO application_attachments (application_id, filename, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(application_id).bind(filename).bind(content_type).bind(data.len() as i64).bind(sha256).bind(data)
        .bind(user_id).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn attachments(tx: &mut Tx, application_id: i64) -> Result<Vec<AttachmentRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, application_id, filename, content_type, size_bytes, sha256, uploaded_at FROM application_attachments
         WHERE application_id = $1 ORDER BY id")
        .bind(application_id).fetch_all(&mut **c).await)?)
}

/// One attachment with its bytes.
pub async fn attachment_data(tx: &mut Tx, application_id: i64, id: i64) -> Result<Option<(AttachmentRow, Vec<u8>)>> {
    let meta: Option<AttachmentRow> = on_backend!(tx, c => sqlx::query_as(
        "SELECT id, application_id, filename, content_type, size_bytes, sha256, uploaded_at FROM application_attachments
         WHERE application_id = $1 AND id = $2")
        .bind(application_id).bind(id).fetch_optional(&mut **c).await)?;
    let Some(meta) = meta else { return Ok(None) };
    let (data,): (Vec<u8>,) = on_backend!(tx, c => sqlx::query_as("SELECT data FROM application_attachments WHERE id = $1")
        .bind(id).fetch_one(&mut **c).await)?;
    Ok(Some((meta, data)))
}

/// The association's agreement text in force: its version and body.
pub async fn current_agreement(tx: &mut Tx, association_id: i64) -> Result<Option<(i64, String)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT version, body FROM agreement_texts WHERE association_id = $1 ORDER BY version DESC LIMIT 1")
        .bind(association_id).fetch_optional(&mut **c).await)?)
}

pub async fn insert_agreement(tx: &mut Tx, association_id: i64, body: &str, at: Timestamp) -> Result<i64> {
    let (version,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO agreement_texts (association_id, version, body, created_at)
         VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM agreement_texts WHERE association_id = $1), $2, $3)
         RETURNING version")
        .bind(association_id).bind(body).bind(at).fetch_one(&mut **c).await)?;
    Ok(version)
}
