//! The delivery worker: takes the owed exchanges that are due (a retry whose time has
//! come, or one a replica held when it died) and works on them. One per process; with
//! several replicas on one PostgreSQL each due exchange is claimed by one of them.

use crate::live::LiveGateway;
use std::sync::Arc;
use std::time::Duration;

/// Most exchanges claimed in one round.
const BATCH: i64 = 16;
/// How often the store's exchanges are counted (metrics) and tidied.
const COUNT_EVERY: Duration = Duration::from_secs(5);
const TIDY_EVERY: Duration = Duration::from_secs(60);

/// Let go of the leases this replica held before a restart (one process per journal, so
/// they were its own): the delivery worker takes them up at once. Called before the
/// listeners accept a request, whose fresh lease must not be let go with them.
pub async fn take_back_leases(gw: &crate::gateway::Gateway) {
    if let Some(store) = &gw.process.store {
        match store.release_leases(&gw.process.replica).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                exchanges = n,
                "taking back the asynchronous exchanges this replica held before it stopped"
            ),
            Err(e) => tracing::warn!("leases not released: {e}"),
        }
    }
}

/// Deliver what is owed, until the task is stopped.
pub async fn deliver_owed(live: Arc<LiveGateway>) {
    let mut counted = tokio::time::Instant::now() - COUNT_EVERY;
    let mut tidied = tokio::time::Instant::now() - TIDY_EVERY;
    loop {
        let gw = live.current();
        let every = gw
            .config
            .gateway
            .replies
            .retry
            .0
            .clamp(Duration::from_millis(50), Duration::from_secs(1));
        if let Some(store) = &gw.process.store {
            let now = super::now_ms();
            let lease_until = now.saturating_add(super::millis(super::lease(&gw.config)));
            match store
                .claim_due(&gw.process.replica, now, lease_until, BATCH)
                .await
            {
                Ok(due) => {
                    let mut work = tokio::task::JoinSet::new();
                    for exchange in due {
                        work.spawn(super::owed::work_on(gw.clone(), exchange));
                    }
                    while work.join_next().await.is_some() {}
                }
                Err(e) => {
                    gw.process.metrics.state_failure("claim_due");
                    tracing::warn!("owed exchanges not claimed: {e}");
                }
            }
            if counted.elapsed() >= COUNT_EVERY {
                counted = tokio::time::Instant::now();
                if let Ok(c) = store.exchange_counts().await {
                    gw.process
                        .metrics
                        .async_states(c.pending, c.delivered, c.given_up);
                }
            }
            if tidied.elapsed() >= TIDY_EVERY {
                tidied = tokio::time::Instant::now();
                tidy(store, &gw.config.gateway.replies).await;
            }
        }
        drop(gw);
        tokio::time::sleep(every).await;
    }
}

/// Delete what was delivered long enough ago, and give up the answers awaited by a replica
/// that stopped before its deadline.
async fn tidy(store: &xcgate_state::Store, replies: &crate::config::RepliesSection) {
    let now = super::now_ms();
    let before = now.saturating_sub(super::millis(replies.keep_delivered.0));
    if let Err(e) = store.purge_delivered(before).await {
        tracing::warn!("delivered exchanges not purged: {e}");
    }
    match store.give_up_overdue_awaited(now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            exchanges = n,
            "awaited answers given up: their deadline passed"
        ),
        Err(e) => tracing::warn!("overdue awaited answers not given up: {e}"),
    }
}
