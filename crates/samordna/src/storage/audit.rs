//! The audit log: appended in the same transaction as the change it records, read back with
//! filters, and verified link by link.

use super::{Result, Tx};
use crate::domain::audit::{chain_hash, AuditContent, ChainVerifier, Outcome};
use crate::domain::time::Timestamp;
use crate::on_backend;

/// Appends one event to the chain and returns its id. Updating the head row first takes its lock,
/// so concurrent appends line up one after the other on both databases.
pub async fn append(tx: &mut Tx, event: &AuditContent) -> Result<i64> {
    let (id, prev_hash): (i64, String) = on_backend!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash")
        .fetch_one(&mut **c).await)?;
    let hash = chain_hash(&prev_hash, id, event);
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_role, association_id, member_id,
             action, object_type, object_id, client_addr, outcome, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .bind(id)
        .bind(event.occurred_at)
        .bind(event.actor_user_id)
        .bind(&event.actor_role)
        .bind(event.association_id)
        .bind(event.member_id)
        .bind(&event.action)
        .bind(&event.object_type)
        .bind(&event.object_id)
        .bind(&event.client_addr)
        .bind(event.outcome.code())
        .bind(&event.details)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    on_backend!(tx, c => sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: Timestamp,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub association_id: Option<i64>,
    pub member_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub client_addr: Option<String>,
    pub outcome: String,
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// Joined in for display; not part of the event.
    #[sqlx(default)]
    pub actor_email: Option<String>,
}

impl AuditRow {
    pub fn content(&self) -> AuditContent {
        AuditContent {
            occurred_at: self.occurred_at,
            actor_user_id: self.actor_user_id,
            actor_role: self.actor_role.clone(),
            association_id: self.association_id,
            member_id: self.member_id,
            action: self.action.clone(),
            object_type: self.object_type.clone(),
            object_id: self.object_id.clone(),
            client_addr: self.client_addr.clone(),
            // An unknown outcome cannot be written (CHECK constraint); were it there, the hash
            // over "failure" would not match and verification would report it.
            outcome: Outcome::parse(&self.outcome).unwrap_or(Outcome::Failure),
            details: self.details.clone(),
        }
    }
}

/// What the audit page may filter on. Every filter has an index behind it.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this association's events (None: all, for system administrators).
    pub association_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Keyset pagination: events older than this id.
    pub before_id: Option<i64>,
}

enum Value {
    I64(i64),
    Text(String),
    Ts(Timestamp),
}

/// The newest events matching the filter, newest first, at most `limit`.
pub async fn list(tx: &mut Tx, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut push = |condition: &str, value: Value| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(a) = filter.association_id {
        push("e.association_id = ?", Value::I64(a));
    }
    if let Some(u) = filter.actor_user_id {
        push("e.actor_user_id = ?", Value::I64(u));
    }
    if let Some(a) = &filter.action {
        push("e.action = ?", Value::Text(a.clone()));
    }
    if let Some(o) = filter.outcome {
        push("e.outcome = ?", Value::Text(o.code().to_string()));
    }
    if let Some(t) = filter.from {
        push("e.occurred_at >= ?", Value::Ts(t));
    }
    if let Some(t) = filter.until {
        push("e.occurred_at < ?", Value::Ts(t));
    }
    if let Some(b) = filter.before_id {
        push("e.id < ?", Value::I64(b));
    }
    let where_clause =
        if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let sql = format!(
        "SELECT e.*, u.email AS actor_email FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id
         {where_clause} ORDER BY e.id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    Ok(on_backend!(tx, c => {
        let mut q = sqlx::query_as::<_, AuditRow>(&sql);
        for v in &values {
            q = match v {
                Value::I64(x) => q.bind(*x),
                Value::Text(x) => q.bind(x.as_str()),
                Value::Ts(x) => q.bind(*x),
            };
        }
        q.fetch_all(&mut **c).await
    })?)
}

/// Walks the whole chain in id order, a batch at a time, and reports the first broken link.
pub async fn verify(tx: &mut Tx) -> Result<ChainVerifier> {
    const BATCH: i64 = 5_000;
    let mut verifier = ChainVerifier::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<AuditRow> = on_backend!(tx, c => sqlx::query_as(
            "SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after).bind(BATCH).fetch_all(&mut **c).await)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let more = rows.len() as i64 == BATCH;
        if !rows.iter().all(|r| verifier.feed(r.id, &r.content(), &r.prev_hash, &r.hash)) {
            return Ok(verifier);
        }
        if !more {
            break;
        }
    }
    let (last_id, last_hash): (i64, String) = on_backend!(tx, c => sqlx::query_as(
        "SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetch_one(&mut **c).await)?;
    verifier.finish(last_id, &last_hash);
    Ok(verifier)
}
