//! Patient correlations: the id a patient has in a community, learned from ITI-55
//! answers (and from the ids initiators send us), and the negative results, each until it
//! expires [ITI TF-2 3.55.4.2.3.1, 3.55.4.1.2.4].

use crate::error::StoreError;
use crate::pool::{Store, on_pool};
use sqlx::Row;

/// A patient id: an HL7 II (root OID and extension).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatientId {
    pub root: String,
    pub extension: String,
}

impl PatientId {
    pub fn new(root: impl Into<String>, extension: impl Into<String>) -> PatientId {
        PatientId {
            root: root.into(),
            extension: extension.into(),
        }
    }

    /// The HL7 CX form of XDS, `extension^^^&root&ISO` [ITI TF-3 4.2.3.1.7].
    pub fn cx(&self) -> String {
        format!("{}^^^&{}&ISO", self.extension, self.root)
    }

    /// A CX `extension^^^&root&ISO` (quotes and blanks around it ignored); `None` when it
    /// has no extension or no root.
    pub fn from_cx(cx: &str) -> Option<PatientId> {
        let cx = cx.trim().trim_matches('\'').trim();
        let (extension, rest) = cx.split_once("^^^")?;
        let root = rest.trim_start_matches('&').split('&').next()?;
        let root = root.strip_prefix("urn:oid:").unwrap_or(root);
        (!extension.is_empty() && !root.is_empty()).then(|| PatientId::new(root, extension))
    }
}

/// Who learned a correlation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From a community's ITI-55 answer to us (initiating gateway): `local` is the
    /// affinity domain's id, `remote` the community's.
    Initiating,
    /// From an initiating gateway's ITI-55 to us (responding gateway): `local` is our
    /// community's id, `remote` the initiator's [ITI TF-2 3.55.4.1.2.4].
    Responding,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Initiating => "initiating",
            Direction::Responding => "responding",
        }
    }

    fn from_name(name: &str) -> Direction {
        if name == "responding" {
            Direction::Responding
        } else {
            Direction::Initiating
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correlation {
    pub local: PatientId,
    /// `urn:oid:` form.
    pub home_community_id: String,
    /// The patient's id there; `None`: the community had no match (a negative result).
    pub remote: Option<PatientId>,
    pub direction: Direction,
    /// Unix milliseconds.
    pub learned_at: i64,
    pub expires_at: i64,
}

fn row(r: &impl RowLike) -> Correlation {
    let remote_root = r.text("remote_root");
    let remote_extension = r.text("remote_extension");
    Correlation {
        local: PatientId::new(r.text("local_root"), r.text("local_extension")),
        home_community_id: r.text("home_community_id"),
        remote: (!remote_root.is_empty()).then(|| PatientId::new(remote_root, remote_extension)),
        direction: Direction::from_name(&r.text("direction")),
        learned_at: r.int("learned_at"),
        expires_at: r.int("expires_at"),
    }
}

/// Reading a row of either back end.
trait RowLike {
    fn text(&self, column: &str) -> String;
    fn int(&self, column: &str) -> i64;
}

impl RowLike for sqlx::sqlite::SqliteRow {
    fn text(&self, c: &str) -> String {
        self.try_get(c).unwrap_or_default()
    }
    fn int(&self, c: &str) -> i64 {
        self.try_get(c).unwrap_or_default()
    }
}

impl RowLike for sqlx::postgres::PgRow {
    fn text(&self, c: &str) -> String {
        self.try_get(c).unwrap_or_default()
    }
    fn int(&self, c: &str) -> i64 {
        self.try_get(c).unwrap_or_default()
    }
}

const COLUMNS: &str = "local_root, local_extension, home_community_id, remote_root, remote_extension, direction, learned_at, expires_at";

impl Store {
    /// What `home_community_id` answered about `local` (learned in `direction`) at
    /// `now`: its ids `remotes`, or none (a negative result), valid until `expires_at`.
    /// It replaces what was known before of that patient there.
    pub async fn learn(
        &self,
        local: &PatientId,
        home_community_id: &str,
        direction: Direction,
        remotes: &[PatientId],
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let negative = [PatientId::new("", "")];
        let rows: &[PatientId] = if remotes.is_empty() {
            &negative
        } else {
            remotes
        };
        on_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(|e| self.unavailable(e))?;
            sqlx::query(
                "DELETE FROM correlations WHERE local_root = $1 AND local_extension = $2 AND home_community_id = $3 AND direction = $4",
            )
            .bind(&local.root)
            .bind(&local.extension)
            .bind(home_community_id)
            .bind(direction.name())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.unavailable(e))?;
            for remote in rows {
                sqlx::query(&format!(
                    "INSERT INTO correlations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING"
                ))
                .bind(&local.root)
                .bind(&local.extension)
                .bind(home_community_id)
                .bind(&remote.root)
                .bind(&remote.extension)
                .bind(direction.name())
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.unavailable(e))?;
            }
            tx.commit().await.map_err(|e| self.unavailable(e))
        })
    }

    /// The live correlations of `local` learned in `direction` (positive and negative),
    /// at `now`.
    pub async fn live(
        &self,
        local: &PatientId,
        direction: Direction,
        now: i64,
    ) -> Result<Vec<Correlation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM correlations WHERE local_root = $1 AND local_extension = $2 AND direction = $3 AND expires_at > $4 ORDER BY home_community_id, remote_root, remote_extension"
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(&local.root)
            .bind(&local.extension)
            .bind(direction.name())
            .bind(now)
            .fetch_all(p)
            .await
            .map(|rows| rows.iter().map(row).collect()))
        .map_err(|e| self.unavailable(e))
    }

    /// The live correlations whose remote id is `remote`, at `now` (who knows this
    /// patient, and by which local id).
    pub async fn by_remote(
        &self,
        remote: &PatientId,
        now: i64,
    ) -> Result<Vec<Correlation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM correlations WHERE remote_root = $1 AND remote_extension = $2 AND expires_at > $3 ORDER BY home_community_id"
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(&remote.root)
            .bind(&remote.extension)
            .bind(now)
            .fetch_all(p)
            .await
            .map(|rows| rows.iter().map(row).collect()))
        .map_err(|e| self.unavailable(e))
    }

    /// Every row about `patient`, as local or remote id, expired or not (for operators).
    pub async fn list(&self, patient: &PatientId) -> Result<Vec<Correlation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM correlations WHERE (local_root = $1 AND local_extension = $2) OR (remote_root = $1 AND remote_extension = $2) ORDER BY direction, home_community_id, remote_root, remote_extension"
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(&patient.root)
            .bind(&patient.extension)
            .fetch_all(p)
            .await
            .map(|rows| rows.iter().map(row).collect()))
        .map_err(|e| self.unavailable(e))
    }

    /// Forget what is known of `local` (in `home_community_id` only, when given); the
    /// number of rows removed.
    pub async fn revoke(
        &self,
        local: &PatientId,
        home_community_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        on_pool!(self, |p| match home_community_id {
            Some(h) => sqlx::query(
                "DELETE FROM correlations WHERE local_root = $1 AND local_extension = $2 AND home_community_id = $3",
            )
            .bind(&local.root)
            .bind(&local.extension)
            .bind(h)
            .execute(p)
            .await,
            None => sqlx::query(
                "DELETE FROM correlations WHERE local_root = $1 AND local_extension = $2",
            )
            .bind(&local.root)
            .bind(&local.extension)
            .execute(p)
            .await,
        }
        .map(|r| r.rows_affected()))
        .map_err(|e| self.unavailable(e))
    }

    /// Remove the rows that expired before `now`; how many.
    pub async fn purge_expired(&self, now: i64) -> Result<u64, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM correlations WHERE expires_at <= $1"
        )
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| self.unavailable(e))
    }
}
