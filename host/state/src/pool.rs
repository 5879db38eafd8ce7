//! The store: a pool of connections to SQLite or PostgreSQL, opened and migrated at
//! start-up.

use crate::error::StoreError;
use crate::url::redacted;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions as _, PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The migrations of every back end (the SQL is portable between them).
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a call waits for a connection before the store counts as unavailable: a
/// request must not hang on a store that is down.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Every statement is logged at trace only: at `XCGATE_LOG=debug` the store would
/// otherwise drown the gateway's own lines (the migrations alone are pages of SQL). Bound
/// values, which are patient ids, are never logged by sqlx.
const STATEMENT_LOG: log::LevelFilter = log::LevelFilter::Trace;
/// A statement slower than this is a warning: the store is what delays the answer.
const SLOW_STATEMENT: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The gateway's state store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// The URL without its password, for messages.
    url: String,
}

/// Run `$body` with `$p` bound to whichever pool the store has; the body is written once
/// and compiled for each back end.
macro_rules! on_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            $crate::pool::Pool::Sqlite($p) => $body,
            $crate::pool::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Open (creating it if needed) the SQLite store in `file` and migrate it.
    pub async fn open_sqlite(file: &Path) -> Result<Store, StoreError> {
        let url = format!("sqlite://{}", file.display());
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let options = SqliteConnectOptions::new()
            .log_statements(STATEMENT_LOG)
            .log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT)
            .filename(file)
            .create_if_missing(true)
            // Readers never wait for the writer, and a crash loses nothing acknowledged.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                url: url.clone(),
                source,
            })?;
        Store::migrated(Pool::Sqlite(pool), url).await
    }

    /// Open the store at `url`: `postgres://user:password@host:port/database` (or
    /// `postgresql://`), or `sqlite://path`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let shown = redacted(url);
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Store::open_sqlite(Path::new(path)).await;
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Url {
                url: shown,
                why: "expected postgres://user:password@host:port/database or sqlite://path".into(),
            });
        }
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Url {
                url: shown.clone(),
                why: e.to_string(),
            })?
            .log_statements(STATEMENT_LOG)
            .log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                url: shown.clone(),
                source,
            })?;
        Store::migrated(Pool::Postgres(pool), shown).await
    }

    async fn migrated(pool: Pool, url: String) -> Result<Store, StoreError> {
        let migrated = match &pool {
            Pool::Sqlite(p) => MIGRATIONS.run(p).await,
            Pool::Postgres(p) => MIGRATIONS.run(p).await,
        };
        migrated.map_err(|source| StoreError::Migrate {
            url: url.clone(),
            source,
        })?;
        Ok(Store { pool, url })
    }

    /// The store's URL, without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// The schema version (the last migration applied).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let version: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(p)
        .await)
        .map_err(|e| self.unavailable(e))?;
        Ok(version.unwrap_or(0))
    }

    /// True when the store answers now.
    pub async fn ping(&self) -> bool {
        on_pool!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Close every connection (at shutdown).
    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await);
    }

    pub(crate) fn unavailable(&self, source: sqlx::Error) -> StoreError {
        StoreError::Unavailable {
            url: self.url.clone(),
            source,
        }
    }
}
