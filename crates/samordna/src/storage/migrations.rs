//! Schema migrations, embedded in the binary: one numbered file per backend per change, applied in
//! order, each in its own transaction, recorded with a checksum so an edited migration is noticed.

use sha2::{Digest, Sha256};

use super::{Backend, Db, Result, StorageError, Tx};
use crate::on_backend;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "applications",
        sqlite: include_str!("../../migrations/sqlite/0002_applications.sql"),
        postgres: include_str!("../../migrations/postgres/0002_applications.sql"),
    },
    Migration {
        version: 3,
        name: "audit_filter_index",
        sqlite: include_str!("../../migrations/sqlite/0003_audit_filter_index.sql"),
        postgres: include_str!("../../migrations/postgres/0003_audit_filter_index.sql"),
    },
    Migration {
        version: 4,
        name: "preparation",
        sqlite: include_str!("../../migrations/sqlite/0004_preparation.sql"),
        postgres: include_str!("../../migrations/postgres/0004_preparation.sql"),
    },
    Migration {
        version: 5,
        name: "meetings",
        sqlite: include_str!("../../migrations/sqlite/0005_meetings.sql"),
        postgres: include_str!("../../migrations/postgres/0005_meetings.sql"),
    },
    Migration {
        version: 6,
        name: "participants",
        sqlite: include_str!("../../migrations/sqlite/0006_participants.sql"),
        postgres: include_str!("../../migrations/postgres/0006_participants.sql"),
    },
    Migration {
        version: 7,
        name: "economy",
        sqlite: include_str!("../../migrations/sqlite/0007_economy.sql"),
        postgres: include_str!("../../migrations/postgres/0007_economy.sql"),
    },
    Migration {
        version: 8,
        name: "reports",
        sqlite: include_str!("../../migrations/sqlite/0008_reports.sql"),
        postgres: include_str!("../../migrations/postgres/0008_reports.sql"),
    },
];

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Brings the schema up to date; returns how many migrations were applied.
pub async fn run(db: &Db) -> Result<usize> {
    let mut tx = db.write().await?;
    if let Tx::Postgres(c) = &mut tx {
        // Two servers starting at once must not migrate at the same time.
        sqlx::query("SELECT pg_advisory_xact_lock(4242001)").execute(&mut **c).await?;
    }
    on_backend!(&mut tx, c => sqlx::query(CREATE_TABLE).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    let applied: Vec<(i64, String, String)> = on_backend!(&mut tx, c =>
        sqlx::query_as("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut **c).await)?;

    let backend = tx.backend();
    for (version, name, sum) in &applied {
        match MIGRATIONS.iter().find(|m| m.version == *version) {
            None => return Err(StorageError::MigrationUnknown(*version)),
            Some(m) => {
                let sql = if backend == Backend::Sqlite { m.sqlite } else { m.postgres };
                if checksum(sql) != *sum {
                    return Err(StorageError::MigrationChanged { version: *version, name: name.clone() });
                }
            }
        }
    }

    let mut count = 0;
    for m in MIGRATIONS.iter().filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version)) {
        let sql = if backend == Backend::Sqlite { m.sqlite } else { m.postgres };
        on_backend!(&mut tx, c => sqlx::raw_sql(sql).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        on_backend!(&mut tx, c => sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(sql))
            .bind(crate::domain::time::now().to_rfc3339())
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}

/// True when the schema holds no data yet: no users and no associations.
pub async fn is_empty(db: &Db) -> Result<bool> {
    let mut tx = db.read().await?;
    let (users,): (i64,) = on_backend!(&mut tx, c =>
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM associations)")
            .fetch_one(&mut **c).await)?;
    tx.commit().await?;
    Ok(users == 0)
}
