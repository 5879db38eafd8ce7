//! The delivery worker: takes the owed exchanges that are due (a retry whose time has
//! come, or one a replica held when it died) and works on them. One per process; with
//! several replicas on one PostgreSQL each due exchange is claimed by one of them.

use crate::live::LiveGateway;
use std::sync::Arc;
use std::time::Duration;

/// Most exchanges claimed in one round.
const BATCH: i64 = 16;

/// Deliver what is owed, until the task is stopped. At start it takes back the leases it
/// held before a restart: one process per journal, so they were its own.
pub async fn deliver_owed(live: Arc<LiveGateway>) {
    let gw = live.current();
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
    drop(gw);
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
            if let Ok(c) = store.exchange_counts().await {
                gw.process
                    .metrics
                    .async_states(c.pending, c.delivered, c.given_up);
            }
        }
        drop(gw);
        tokio::time::sleep(every).await;
    }
}
