//! Storage: all SQL lives here. One code base serves SQLite and PostgreSQL: queries are written
//! once with `$N` placeholders (both drivers accept them) and run on whichever backend the
//! transaction belongs to, through [`on_backend!`]. What the backends do differently stays in
//! this module.

pub mod applications;
pub mod audit;
pub mod economy;
pub mod interventions;
pub mod meetings;
pub mod members;
pub mod migrations;
pub mod participants;
pub mod preparations;
pub mod reports;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::domain::collation::swedish_cmp;

/// Runs `$body` with `$c` bound to the transaction of whichever backend `$tx` holds. The body is
/// compiled once per backend, so one SQL string serves both.
#[macro_export]
macro_rules! on_backend {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::storage::Tx::Sqlite($c) => $body,
            $crate::storage::Tx::Postgres($c) => $body,
        }
    };
}

/// Where the data lives, parsed from `--database-url`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// The URL with any password replaced, for messages and logs.
fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("*****"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<malformed URL>".to_string(),
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("sqlite://").or_else(|| s.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("a sqlite URL needs a file path, as in sqlite://data/samordna.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let parsed = url::Url::parse(s).map_err(|e| format!("malformed PostgreSQL URL: {e}"))?;
            if parsed.host_str().unwrap_or_default().is_empty() && !s.contains("host=") {
                return Err("a PostgreSQL URL needs a host, as in postgres://user@127.0.0.1/samordna".into());
            }
            return Ok(DatabaseUrl::Postgres(s.to_string()));
        }
        Err("the database URL must start with sqlite:// or postgres://".into())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder { path: String, source: std::io::Error },
    #[error("the database at {url} cannot be reached: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("migration {version} ({name}) does not match the one applied to this database")]
    MigrationChanged { version: i64, name: String },
    #[error("the database holds migration {0}, which this version of Samordna does not know; upgrade Samordna")]
    MigrationUnknown(i64),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

impl StorageError {
    /// A unique constraint refused the write (for example a second user with the same e-mail).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StorageError::Sql(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One open transaction. Every storage function takes one, so a service decides what belongs in
/// a single transaction (the change and its audit event always do).
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Db {
    /// Opens the database, creating the SQLite file and its folder when missing.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|source| StorageError::DataFolder { path: dir.display().to_string(), source })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // Writers take the lock up front (BEGIN IMMEDIATE) and wait their turn here
                    // instead of failing with "database is busy".
                    .busy_timeout(Duration::from_secs(30))
                    .pragma("temp_store", "memory")
                    .collation("sv", swedish_cmp);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(|source| StorageError::Connect { url: url.to_string(), source })?;
                Ok(Db::Sqlite(pool))
            }
            DatabaseUrl::Postgres(raw) => {
                let options = PgConnectOptions::from_str(raw)
                    .map_err(|source| StorageError::Connect { url: url.to_string(), source })?
                    .application_name("samordna");
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|source| StorageError::Connect { url: url.to_string(), source })?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction for reading.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock at once, so concurrent
    /// writers queue instead of failing when a read lock would have to be upgraded.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Is the database answering?
    pub async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())?,
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Connections open and idle, for the metrics.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Db::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The number of rows a page of a list shows at most, and how far it starts.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub const MAX_LIMIT: i64 = 200;

    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Page {
        Page { limit: limit.unwrap_or(50).clamp(1, Self::MAX_LIMIT), offset: offset.unwrap_or(0).max(0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_database_urls() {
        assert_eq!(
            "sqlite://data/samordna.db".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/samordna.db")))
        );
        assert_eq!(
            "sqlite:///var/lib/samordna/db.sqlite".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/samordna/db.sqlite")))
        );
        assert!(matches!("postgres://u:p@127.0.0.1/s".parse::<DatabaseUrl>(), Ok(DatabaseUrl::Postgres(_))));
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
        assert!("postgres://".parse::<DatabaseUrl>().is_err());
        assert!("not a url".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn never_shows_a_password() {
        let url: DatabaseUrl = "postgres://samordna:hemligt@db.example/samordna".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://samordna:*****@db.example/samordna");
    }

    #[test]
    fn pages_are_bounded() {
        let p = Page::new(Some(10_000), Some(-5));
        assert_eq!((p.limit, p.offset), (200, 0));
        assert_eq!(Page::new(None, None).limit, 50);
    }
}
