//! API tokens. Only a hash of each token is stored; the token itself is shown once.

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

pub async fn insert(tx: &mut Tx, token_hash: &str, user_id: i64, at: Timestamp) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(token_hash).bind(user_id).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

/// The token's id, user and last use, when it exists and is not revoked.
pub async fn find_active(tx: &mut Tx, token_hash: &str) -> Result<Option<(i64, i64, Option<Timestamp>)>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash).fetch_optional(&mut **c).await)?)
}

pub async fn touch(tx: &mut Tx, id: i64, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
