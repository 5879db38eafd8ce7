//! The awaited side of the exchanges: answers this gateway waits for from communities it
//! asked asynchronously. The replica whose `/replies` receives one records it here, with
//! the message when another replica is the one waiting.

use crate::error::StoreError;
use crate::pool::{Store, on_pool};

impl Store {
    /// The answer awaited as `relates_to` arrived at `now`: the awaited exchange is
    /// delivered, with `body` kept for the replica that waits (empty when the waiting call
    /// took it directly). False when nothing pending awaits it.
    pub async fn awaited_arrived(
        &self,
        relates_to: &str,
        content_type: &str,
        body: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET state = 'delivered', content_type = $2, body = $3, attempts = attempts + 1, finished_at = $4 WHERE direction = 'awaited' AND relates_to = $1 AND state = 'pending'"
        )
        .bind(relates_to)
        .bind(content_type)
        .bind(body)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected() >= 1))
        .map_err(|e| self.unavailable(e))
    }

    /// An awaited answer that never came: given up at `now`, saying why.
    pub async fn awaited_gave_up(&self, id: &str, now: i64, why: &str) -> Result<(), StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET state = 'given-up', finished_at = $2, last_error = $3 WHERE id = $1 AND state = 'pending'"
        )
        .bind(id)
        .bind(now)
        .bind(why)
        .execute(p)
        .await
        .map(drop))
        .map_err(|e| self.unavailable(e))
    }

    /// Forget the message of exchange `id` (an awaited answer handed to its call).
    pub async fn clear_body(&self, id: &str) -> Result<(), StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET body = $2 WHERE id = $1"
        )
        .bind(id)
        .bind(Vec::<u8>::new())
        .execute(p)
        .await
        .map(drop))
        .map_err(|e| self.unavailable(e))
    }

    /// Give up the awaited answers still pending past their horizon at `now`: the replica
    /// that waited for them stopped before its deadline. The number given up.
    pub async fn give_up_overdue_awaited(&self, now: i64) -> Result<u64, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET state = 'given-up', finished_at = $1, last_error = 'no answer by the deadline; the replica that waited stopped' WHERE direction = 'awaited' AND state = 'pending' AND horizon_at < $1"
        )
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| self.unavailable(e))
    }
}
