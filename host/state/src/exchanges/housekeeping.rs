//! What happens to exchanges after they end: delivered ones are purged after their time,
//! and an operator may try a given-up answer again.

use crate::error::StoreError;
use crate::pool::{Store, on_pool};

impl Store {
    /// An operator's retry of the given-up owed exchange `id` (its receiver works again):
    /// due at `now`, tried until `horizon_at`. False when `id` is no given-up owed exchange.
    pub async fn retry_given_up(
        &self,
        id: &str,
        now: i64,
        horizon_at: i64,
    ) -> Result<bool, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET state = 'pending', next_attempt_at = $2, horizon_at = $3, finished_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND state = 'given-up' AND direction = 'owed'"
        )
        .bind(id)
        .bind(now)
        .bind(horizon_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(|e| self.unavailable(e))
    }

    /// Delete the delivered exchanges that finished before `before` (given-up ones stay,
    /// with their answers, for the operator). The number deleted.
    pub async fn purge_delivered(&self, before: i64) -> Result<u64, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM exchanges WHERE state = 'delivered' AND finished_at < $1"
        )
        .bind(before)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| self.unavailable(e))
    }
}
