//! The gateway's state that outlives a request or is shared by replicas: patient
//! correlations (which id a patient has in each community, and "no match there"), each
//! until it expires [ITI TF-2 3.55.4.2.3.1], and the pending asynchronous exchanges
//! (answers owed and awaited, until delivered or given up). One async API over two back
//! ends through one library (sqlx):
//!
//! - **SQLite**, the embedded default: one file beside the audit journal, no set-up.
//! - **PostgreSQL** (`postgres://...`), for several replicas behind a load balancer: what
//!   one learns, the others use.
//!
//! The schema is versioned (`migrations/`) and migrated when the store opens. A store that
//! cannot be reached at opening is an error naming its URL without the password; a store
//! that fails later fails the calls that need it ([`StoreError::Unavailable`]), and the
//! caller answers those requests with an error while serving the rest.
//!
//! Correlations are patient data: the file (or database) must be protected like the
//! clinical data it describes. Nothing here logs an id.

mod correlations;
mod error;
mod exchanges;
mod pool;
mod url;

pub use correlations::{Correlation, Direction, PatientId};
pub use error::StoreError;
pub use exchanges::{Exchange, ExchangeCounts, ExchangeDirection, ExchangeState};
pub use pool::Store;
pub use url::redacted;
