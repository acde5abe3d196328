//! Server-side sessions. The cookie holds a random token; only its hash is stored.

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

pub async fn insert(tx: &mut Tx, token_hash: &str, user_id: i64, csrf_token: &str, at: Timestamp) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(token_hash).bind(user_id).bind(csrf_token).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn find(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash).fetch_optional(&mut **c).await)?)
}

pub async fn touch(tx: &mut Tx, id: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every other session of a user (after a password change).
pub async fn delete_others(tx: &mut Tx, user_id: i64, keep: i64) -> Result<u64> {
    let done = on_backend!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id).bind(keep).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Removes sessions that can no longer be used.
pub async fn delete_expired(tx: &mut Tx, idle_before: Timestamp, created_before: Timestamp) -> Result<u64> {
    let done = on_backend!(tx, c => sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before).bind(created_before).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
