//! Failed logins, counted per account and per client address within a time window.

use super::{Result, Tx};
use crate::domain::time::Timestamp;
use crate::on_backend;

pub async fn record_failure(tx: &mut Tx, account_hash: &str, client_addr: &str, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("INSERT INTO login_failures (account_hash, client_addr, at) VALUES ($1, $2, $3)")
        .bind(account_hash).bind(client_addr).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failures since `since` for the account and for the client address.
pub async fn failures_since(
    tx: &mut Tx,
    account_hash: &str,
    client_addr: &str,
    since: Timestamp,
) -> Result<(i64, i64)> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM login_failures WHERE account_hash = $1 AND at >= $3),
                (SELECT COUNT(*) FROM login_failures WHERE client_addr = $2 AND at >= $3)")
        .bind(account_hash).bind(client_addr).bind(since)
        .fetch_one(&mut **c).await)?)
}

/// A successful login forgives the account's earlier failures.
pub async fn clear_account(tx: &mut Tx, account_hash: &str) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM login_failures WHERE account_hash = $1")
        .bind(account_hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn prune(tx: &mut Tx, before: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(before).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
