//! Pending asynchronous exchanges [ITI TF-2 Appendix V; 3.55.6.2]: an answer the gateway
//! owes to a ReplyTo/respondTo address, or one it waits for from a community. Each is a
//! row until it is delivered or given up, so a restart (or `kill -9`) between the
//! acknowledgement and the delivery loses nothing.
//!
//! Delivery is claimed with a lease: of several replicas on one PostgreSQL, one claims a
//! due row (`FOR UPDATE SKIP LOCKED`) and the others skip it; a replica that dies holding
//! a lease lets the row go when the lease runs out. A failed attempt is retried with
//! backoff until the exchange's horizon, then the row is `given-up`, kept and reported,
//! never dropped. (A replica that dies after sending and before recording it sends again
//! after the lease: at-least-once on a crash, once otherwise. The receiver correlates by
//! RelatesTo.)

mod awaited;
mod housekeeping;

use crate::error::StoreError;
use crate::pool::{Pool, Store, on_pool};
use sqlx::Row;

/// Which way the exchange goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeDirection {
    /// An answer this gateway owes (it acknowledged the request).
    Owed,
    /// An answer this gateway waits for (it sent the request).
    Awaited,
}

/// Where an exchange stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeState {
    Pending,
    Delivered,
    GivenUp,
}

impl ExchangeDirection {
    pub fn name(self) -> &'static str {
        match self {
            ExchangeDirection::Owed => "owed",
            ExchangeDirection::Awaited => "awaited",
        }
    }
}

impl ExchangeState {
    pub fn name(self) -> &'static str {
        match self {
            ExchangeState::Pending => "pending",
            ExchangeState::Delivered => "delivered",
            ExchangeState::GivenUp => "given-up",
        }
    }

    fn from_name(name: &str) -> ExchangeState {
        match name {
            "delivered" => ExchangeState::Delivered,
            "given-up" => ExchangeState::GivenUp,
            _ => ExchangeState::Pending,
        }
    }
}

/// One exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Unique (a UUID).
    pub id: String,
    pub direction: ExchangeDirection,
    /// `ITI-55`, `ITI-38`, ...
    pub transaction: String,
    /// The request's `wsa:MessageID` (the answer's `wsa:RelatesTo`).
    pub relates_to: String,
    /// Where the answer goes (owed) or comes from (awaited).
    pub address: String,
    pub content_type: String,
    /// The message to deliver (owed); empty while awaited.
    pub body: Vec<u8>,
    pub state: ExchangeState,
    pub attempts: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    pub next_attempt_at: i64,
    /// No attempt after this: the exchange is given up.
    pub horizon_at: i64,
    pub finished_at: Option<i64>,
    /// Why the last attempt failed (no patient data: a status or a transport error).
    pub last_error: Option<String>,
    /// The request as accepted, while the answer is still to be made (owed).
    pub request: Option<Vec<u8>>,
    /// What the acceptance learned that answering needs (the gateway's JSON).
    pub context: Option<String>,
    /// The audit records written when the answer is delivered (one per line).
    pub audit_delivered: Option<String>,
    /// The audit records written when the exchange is given up (one per line).
    pub audit_given_up: Option<String>,
    /// While an owed ITI-55 waits for communities that answer later: their progress (the
    /// gateway's JSON).
    pub discovery: Option<String>,
}

impl Exchange {
    /// A new pending exchange, due at once.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: impl Into<String>,
        direction: ExchangeDirection,
        transaction: impl Into<String>,
        relates_to: impl Into<String>,
        address: impl Into<String>,
        content_type: impl Into<String>,
        body: Vec<u8>,
        now: i64,
        horizon_at: i64,
    ) -> Exchange {
        Exchange {
            id: id.into(),
            direction,
            transaction: transaction.into(),
            relates_to: relates_to.into(),
            address: address.into(),
            content_type: content_type.into(),
            body,
            state: ExchangeState::Pending,
            attempts: 0,
            created_at: now,
            next_attempt_at: now,
            horizon_at,
            finished_at: None,
            last_error: None,
            request: None,
            context: None,
            audit_delivered: None,
            audit_given_up: None,
            discovery: None,
        }
    }

    /// The same exchange, still to be answered from `request` with `context`.
    pub fn to_answer(mut self, request: Vec<u8>, context: String) -> Exchange {
        self.request = Some(request);
        self.context = Some(context);
        self
    }
}

/// How many exchanges are in each state (for metrics and `/ready`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExchangeCounts {
    pub pending: i64,
    pub delivered: i64,
    pub given_up: i64,
}

const COLUMNS: &str = "id, direction, transaction_id, relates_to, address, content_type, body, state, attempts, created_at, next_attempt_at, horizon_at, finished_at, last_error, request, context, audit_delivered, audit_given_up, discovery";

macro_rules! exchange_of {
    ($r:expr) => {{
        let r = $r;
        Exchange {
            id: r.try_get("id").unwrap_or_default(),
            direction: if r.try_get::<String, _>("direction").unwrap_or_default() == "awaited" {
                ExchangeDirection::Awaited
            } else {
                ExchangeDirection::Owed
            },
            transaction: r.try_get("transaction_id").unwrap_or_default(),
            relates_to: r.try_get("relates_to").unwrap_or_default(),
            address: r.try_get("address").unwrap_or_default(),
            content_type: r.try_get("content_type").unwrap_or_default(),
            body: r.try_get("body").unwrap_or_default(),
            state: ExchangeState::from_name(&r.try_get::<String, _>("state").unwrap_or_default()),
            attempts: r.try_get("attempts").unwrap_or_default(),
            created_at: r.try_get("created_at").unwrap_or_default(),
            next_attempt_at: r.try_get("next_attempt_at").unwrap_or_default(),
            horizon_at: r.try_get("horizon_at").unwrap_or_default(),
            finished_at: r.try_get("finished_at").unwrap_or_default(),
            last_error: r.try_get("last_error").unwrap_or_default(),
            request: r.try_get("request").unwrap_or_default(),
            context: r.try_get("context").unwrap_or_default(),
            audit_delivered: r.try_get("audit_delivered").unwrap_or_default(),
            audit_given_up: r.try_get("audit_given_up").unwrap_or_default(),
            discovery: r.try_get("discovery").unwrap_or_default(),
        }
    }};
}

impl Store {
    /// Keep `exchange` (before the request is acknowledged: an acknowledged exchange is
    /// never lost).
    pub async fn add_exchange(&self, e: &Exchange) -> Result<(), StoreError> {
        self.insert_exchange(e, None).await
    }

    /// Keep `exchange` already leased to `owner` until `lease_until`: the replica that
    /// accepted the request answers it at once, and the others leave it alone unless that
    /// replica dies before it is done.
    pub async fn add_exchange_leased(
        &self,
        e: &Exchange,
        owner: &str,
        lease_until: i64,
    ) -> Result<(), StoreError> {
        self.insert_exchange(e, Some((owner, lease_until))).await
    }

    async fn insert_exchange(
        &self,
        e: &Exchange,
        lease: Option<(&str, i64)>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO exchanges ({COLUMNS}, lease_owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(&e.id)
            .bind(e.direction.name())
            .bind(&e.transaction)
            .bind(&e.relates_to)
            .bind(&e.address)
            .bind(&e.content_type)
            .bind(&e.body)
            .bind(e.state.name())
            .bind(e.attempts)
            .bind(e.created_at)
            .bind(e.next_attempt_at)
            .bind(e.horizon_at)
            .bind(e.finished_at)
            .bind(&e.last_error)
            .bind(&e.request)
            .bind(&e.context)
            .bind(&e.audit_delivered)
            .bind(&e.audit_given_up)
            .bind(&e.discovery)
            .bind(lease.map(|l| l.0))
            .bind(lease.map(|l| l.1))
            .execute(p)
            .await
            .map(drop))
        .map_err(|e| self.unavailable(e))
    }

    /// Claim up to `limit` owed exchanges that are due at `now`, for `owner` until
    /// `lease_until`: no other owner gets them while the lease runs.
    pub async fn claim_due(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<Exchange>, StoreError> {
        let due = "state = 'pending' AND direction = 'owed' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)";
        // SQLite has one writer at a time: the UPDATE is the claim. PostgreSQL replicas
        // claim concurrently: rows another transaction holds are skipped.
        let skip_locked = match self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE exchanges SET lease_owner = $1, lease_until = $3 WHERE id IN (SELECT id FROM exchanges WHERE {due} ORDER BY next_attempt_at LIMIT $4{skip_locked}) RETURNING {COLUMNS}"
        );
        let claimed = on_pool!(self, |p| sqlx::query(&sql)
            .bind(owner)
            .bind(now)
            .bind(lease_until)
            .bind(limit)
            .fetch_all(p)
            .await
            .map(|rows| rows.iter().map(|r| exchange_of!(r)).collect::<Vec<_>>()));
        let mut claimed: Vec<Exchange> = claimed.map_err(|e| self.unavailable(e))?;
        // RETURNING keeps no order: the oldest due first.
        claimed.sort_by(|a, b| (a.next_attempt_at, &a.id).cmp(&(b.next_attempt_at, &b.id)));
        Ok(claimed)
    }

    /// `owner` made the answer of exchange `id`: keep it (`content_type`, `body`) with the
    /// audit records its delivery or give-up writes, and drop the request and any
    /// discovery progress. Delivery is tried until `horizon_at` at least (an answer that
    /// waited for a community gets the whole horizon from when it was made). False when
    /// the lease was no longer `owner`'s.
    #[allow(clippy::too_many_arguments)]
    pub async fn answered(
        &self,
        id: &str,
        owner: &str,
        content_type: &str,
        body: &[u8],
        audit_delivered: &str,
        audit_given_up: &str,
        horizon_at: i64,
    ) -> Result<bool, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET content_type = $3, body = $4, audit_delivered = $5, audit_given_up = $6, request = NULL, discovery = NULL, horizon_at = CASE WHEN horizon_at < $7 THEN $7 ELSE horizon_at END WHERE id = $1 AND lease_owner = $2 AND state = 'pending'"
        )
        .bind(id)
        .bind(owner)
        .bind(content_type)
        .bind(body)
        .bind(audit_delivered)
        .bind(audit_given_up)
        .bind(horizon_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(|e| self.unavailable(e))
    }

    /// `owner` asked the communities of exchange `id` that answer later and some still
    /// work: keep their `progress` and let go of the exchange until `next_at`, when a
    /// replica polls them again. False when the lease was no longer `owner`'s.
    pub async fn discovery_pending(
        &self,
        id: &str,
        owner: &str,
        progress: &str,
        next_at: i64,
    ) -> Result<bool, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET discovery = $3, next_attempt_at = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'pending'"
        )
        .bind(id)
        .bind(owner)
        .bind(progress)
        .bind(next_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(|e| self.unavailable(e))
    }

    /// Let go of every lease `owner` holds (a replica restarting: what it held when it
    /// stopped is due again at once). The number of exchanges let go.
    pub async fn release_leases(&self, owner: &str) -> Result<u64, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND state = 'pending'"
        )
        .bind(owner)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| self.unavailable(e))
    }

    /// `owner` delivered exchange `id`. False when the lease was no longer
    /// `owner`'s (another replica took the row after the lease ran out).
    pub async fn delivered(&self, id: &str, owner: &str, now: i64) -> Result<bool, StoreError> {
        // The answer is not needed once delivered: no patient data stays at rest for it.
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET state = 'delivered', attempts = attempts + 1, finished_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL, body = $4, request = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'pending'"
        )
        .bind(id)
        .bind(owner)
        .bind(now)
        .bind(Vec::<u8>::new())
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(|e| self.unavailable(e))
    }

    /// An attempt by `owner` failed at `now` with `error`: try again at `retry_at`, or give
    /// the exchange up when that is past its horizon. The state it is in afterwards.
    pub async fn attempt_failed(
        &self,
        id: &str,
        owner: &str,
        now: i64,
        retry_at: i64,
        error: &str,
    ) -> Result<ExchangeState, StoreError> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE exchanges SET attempts = attempts + 1, last_error = $4, lease_owner = NULL, lease_until = NULL, next_attempt_at = $5, state = CASE WHEN $5 > horizon_at THEN 'given-up' ELSE 'pending' END, finished_at = CASE WHEN $5 > horizon_at THEN $3 ELSE NULL END WHERE id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING state"
        )
        .bind(id)
        .bind(owner)
        .bind(now)
        .bind(error)
        .bind(retry_at)
        .fetch_optional(p)
        .await
        .map(|row| row
            .and_then(|r| r.try_get::<String, _>("state").ok())
            .map_or(ExchangeState::Pending, |s| ExchangeState::from_name(&s))))
        .map_err(|e| self.unavailable(e))
    }

    /// The exchange with this id.
    pub async fn exchange(&self, id: &str) -> Result<Option<Exchange>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM exchanges WHERE id = $1");
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(id)
            .fetch_optional(p)
            .await
            .map(|row| row.map(|r| exchange_of!(&r))))
        .map_err(|e| self.unavailable(e))
    }

    /// Every exchange in `state` (all when `None`), oldest first, at most `limit`.
    pub async fn exchanges(
        &self,
        state: Option<ExchangeState>,
        limit: i64,
    ) -> Result<Vec<Exchange>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM exchanges WHERE ($1 = '' OR state = $1) ORDER BY created_at, id LIMIT $2"
        );
        let state = state.map_or("", ExchangeState::name);
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(state)
            .bind(limit)
            .fetch_all(p)
            .await
            .map(|rows| rows.iter().map(|r| exchange_of!(r)).collect()))
        .map_err(|e| self.unavailable(e))
    }

    /// How many exchanges are pending, delivered and given up.
    pub async fn exchange_counts(&self) -> Result<ExchangeCounts, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT state, COUNT(*) FROM exchanges GROUP BY state"
        )
        .fetch_all(p)
        .await)
        .map_err(|e| self.unavailable(e))?;
        let mut counts = ExchangeCounts::default();
        for (state, n) in rows {
            match ExchangeState::from_name(&state) {
                ExchangeState::Pending => counts.pending += n,
                ExchangeState::Delivered => counts.delivered += n,
                ExchangeState::GivenUp => counts.given_up += n,
            }
        }
        Ok(counts)
    }
}
