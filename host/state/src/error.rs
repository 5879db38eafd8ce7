//! What can go wrong with the store. Messages name the store by its redacted URL and never
//! carry patient ids.

/// A store that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not one the store understands.
    #[error("state store `{url}`: {why}")]
    Url { url: String, why: String },
    /// The store could not be opened or migrated at start-up.
    #[error("state store {url} cannot be opened: {source}")]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought to this version.
    #[error("state store {url}: the schema cannot be migrated: {source}")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The store failed a call after it was opened (down, full, locked too long).
    #[error("state store {url} is unavailable: {source}")]
    Unavailable {
        url: String,
        #[source]
        source: sqlx::Error,
    },
}
