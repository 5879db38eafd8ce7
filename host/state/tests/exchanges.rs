//! Pending asynchronous exchanges in the store, on both back ends: kept until delivered or
//! given up, retried with backoff until their horizon, claimed by one replica at a time,
//! and still there after the store is reopened.

use std::collections::HashSet;
use xcgate_state::{Exchange, ExchangeDirection, ExchangeState, Store, StoreError};
use xcgate_testkit::TempDir;
use xcgate_testkit::postgres::Postgres;

const NOW: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60_000;

fn owed(id: &str) -> Exchange {
    Exchange::new(
        id,
        ExchangeDirection::Owed,
        "ITI-38",
        format!("urn:uuid:request-{id}"),
        "https://initiator.example/replies",
        "application/soap+xml; charset=utf-8",
        b"<Envelope/>".to_vec(),
        NOW,
        NOW + 60 * MINUTE,
    )
}

async fn suite(store: &Store) -> Result<(), StoreError> {
    store.add_exchange(&owed("a")).await?;
    store.add_exchange(&owed("b")).await?;
    // An awaited exchange is not for the delivery worker.
    let mut awaited = owed("c");
    awaited.direction = ExchangeDirection::Awaited;
    store.add_exchange(&awaited).await?;

    // One replica claims both owed ones; while its lease runs nobody else gets them.
    let claimed = store.claim_due("replica-1", NOW, NOW + MINUTE, 10).await?;
    let ids: Vec<&str> = claimed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(claimed[0].body, b"<Envelope/>");
    assert!(
        store
            .claim_due("replica-2", NOW + 1, NOW + MINUTE, 10)
            .await?
            .is_empty()
    );

    // Delivered: done, and not delivered twice.
    assert!(store.delivered("a", "replica-1", NOW + 10).await?);
    assert!(!store.delivered("a", "replica-1", NOW + 11).await?);

    // A failed attempt is retried at its time, not before.
    let state = store
        .attempt_failed(
            "b",
            "replica-1",
            NOW + 20,
            NOW + 5 * MINUTE,
            "503 Service Unavailable",
        )
        .await?;
    assert_eq!(state, ExchangeState::Pending);
    assert!(
        store
            .claim_due("replica-2", NOW + MINUTE, NOW + 2 * MINUTE, 10)
            .await?
            .is_empty()
    );
    let again = store
        .claim_due("replica-2", NOW + 5 * MINUTE, NOW + 6 * MINUTE, 10)
        .await?;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
    assert_eq!(
        again[0].last_error.as_deref(),
        Some("503 Service Unavailable")
    );

    // The lease ran out (replica-2 died): another replica takes the row, and the late
    // replica-2 cannot record a delivery it no longer owns.
    let taken = store
        .claim_due("replica-3", NOW + 7 * MINUTE, NOW + 8 * MINUTE, 10)
        .await?;
    assert_eq!(taken.len(), 1);
    assert!(!store.delivered("b", "replica-2", NOW + 7 * MINUTE).await?);

    // A retry past the horizon gives the exchange up: kept, with why, and counted.
    let state = store
        .attempt_failed(
            "b",
            "replica-3",
            NOW + 7 * MINUTE,
            NOW + 61 * MINUTE,
            "connection refused",
        )
        .await?;
    assert_eq!(state, ExchangeState::GivenUp);
    let given_up = store.exchanges(Some(ExchangeState::GivenUp), 10).await?;
    assert_eq!(given_up.len(), 1);
    assert_eq!(given_up[0].attempts, 2);
    assert_eq!(
        given_up[0].last_error.as_deref(),
        Some("connection refused")
    );
    assert_eq!(given_up[0].finished_at, Some(NOW + 7 * MINUTE));
    assert!(
        store
            .claim_due("replica-3", NOW + 90 * MINUTE, NOW + 91 * MINUTE, 10)
            .await?
            .is_empty()
    );

    let counts = store.exchange_counts().await?;
    assert_eq!(
        (counts.pending, counts.delivered, counts.given_up),
        (1, 1, 1)
    );
    assert_eq!(store.exchanges(None, 10).await?.len(), 3);
    assert_eq!(
        store.exchange("c").await?.map(|e| e.direction),
        Some(ExchangeDirection::Awaited)
    );
    // Delivered: its message is not kept.
    assert!(store.exchange("a").await?.unwrap().body.is_empty());
    answering(store).await?;
    waiting_for_a_community(store).await?;
    awaiting(store).await?;
    // Delivered exchanges are purged after their time; given-up ones stay.
    assert_eq!(store.purge_delivered(NOW + 11).await?, 3, "a, d and e");
    assert!(store.exchange("a").await?.is_none());
    assert!(store.exchange("b").await?.is_some());
    Ok(())
}

/// An owed ITI-55 whose community answers later: its progress is kept and the exchange let
/// go until the next poll, when any replica claims it; the answer clears the progress and
/// gets the whole horizon from when it is made.
async fn waiting_for_a_community(store: &Store) -> Result<(), StoreError> {
    let accepted = owed("w").to_answer(b"<request/>".to_vec(), "{}".to_string());
    store
        .add_exchange_leased(&accepted, "replica-1", NOW + MINUTE)
        .await?;
    assert!(
        !store
            .discovery_pending("w", "replica-2", r#"{"a":1}"#, NOW + 5)
            .await?,
        "only the lease holder records progress"
    );
    assert!(
        store
            .discovery_pending("w", "replica-1", r#"{"a":1}"#, NOW + 5)
            .await?
    );
    let w = |claimed: Vec<Exchange>| -> Vec<Exchange> {
        claimed.into_iter().filter(|e| e.id == "w").collect()
    };
    assert!(w(store.claim_due("replica-2", NOW, NOW + MINUTE, 100).await?).is_empty());
    let claimed = w(store
        .claim_due("replica-2", NOW + 5, NOW + MINUTE, 100)
        .await?);
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].discovery.as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(claimed[0].request.as_deref(), Some(&b"<request/>"[..]));
    let later = claimed[0].horizon_at + 10 * MINUTE;
    assert!(
        store
            .answered("w", "replica-2", "text/xml", b"<answer/>", "", "", later)
            .await?
    );
    let kept = store.exchange("w").await?.unwrap();
    assert_eq!(
        (kept.discovery, kept.request, kept.horizon_at),
        (None, None, later)
    );
    Ok(())
}

/// An exchange accepted by a replica: leased to it from the start, answered from its
/// request, and let go when that replica restarts.
async fn answering(store: &Store) -> Result<(), StoreError> {
    let accepted = owed("d").to_answer(b"<request/>".to_vec(), "{}".to_string());
    store
        .add_exchange_leased(&accepted, "replica-1", NOW + MINUTE)
        .await?;
    assert!(
        store
            .claim_due("replica-2", NOW, NOW + MINUTE, 10)
            .await?
            .is_empty()
    );
    assert!(
        !store
            .answered("d", "replica-2", "text/xml", b"<a/>", "", "", 0)
            .await?
    );
    assert!(
        store
            .answered(
                "d",
                "replica-1",
                "text/xml",
                b"<answer/>",
                "delivered",
                "given up",
                0
            )
            .await?
    );
    let kept = store.exchange("d").await?.unwrap();
    assert_eq!(
        (kept.request, kept.body.as_slice()),
        (None, &b"<answer/>"[..])
    );
    assert_eq!(kept.audit_given_up.as_deref(), Some("given up"));
    // replica-1 restarts: what it held is due again at once.
    assert_eq!(store.release_leases("replica-1").await?, 1);
    assert_eq!(
        store
            .claim_due("replica-1", NOW, NOW + MINUTE, 10)
            .await?
            .len(),
        1
    );
    assert!(store.delivered("d", "replica-1", NOW + 10).await?);
    Ok(())
}

/// Answers awaited from communities: taken once, kept for the replica that waits, and
/// given up past their horizon.
async fn awaiting(store: &Store) -> Result<(), StoreError> {
    let mut waited = owed("e");
    waited.direction = ExchangeDirection::Awaited;
    waited.relates_to = "m-e".to_string();
    store.add_exchange(&waited).await?;
    assert!(
        store
            .awaited_arrived("m-e", "text/xml", b"<answer/>", NOW + 1)
            .await?
    );
    assert!(
        !store
            .awaited_arrived("m-e", "text/xml", b"<again/>", NOW + 2)
            .await?
    );
    assert_eq!(store.exchange("e").await?.unwrap().body, b"<answer/>");
    store.clear_body("e").await?;
    assert!(store.exchange("e").await?.unwrap().body.is_empty());
    assert!(
        !store
            .awaited_arrived("never-sent", "text/xml", b"<x/>", NOW)
            .await?
    );
    // "c" (awaited, horizon NOW + 60 min) is overdue after it.
    assert_eq!(store.give_up_overdue_awaited(NOW + 61 * MINUTE).await?, 1);
    assert_eq!(
        store.exchange("c").await?.unwrap().state,
        ExchangeState::GivenUp
    );
    Ok(())
}

#[tokio::test]
async fn sqlite_keeps_exchanges_until_delivered_or_given_up_and_across_a_restart()
-> Result<(), StoreError> {
    let dir = TempDir::new("exchanges-sqlite");
    let file = dir.path().join("state.db");
    let store = Store::open_sqlite(&file).await?;
    suite(&store).await?;
    store.add_exchange(&owed("after-ack")).await?;
    store.close().await;
    // As after `kill -9` between acknowledgement and delivery: the answer is still owed.
    let again = Store::open_sqlite(&file).await?;
    let due = again.claim_due("restarted", NOW, NOW + MINUTE, 10).await?;
    assert_eq!(
        due.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["after-ack"]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_replicas_claim_each_exchange_once() -> Result<(), StoreError> {
    let Some(pg) = Postgres::start("exchanges") else {
        return Ok(());
    };
    let store = Store::open(&pg.url()).await?;
    suite(&store).await?;
    for n in 0..60 {
        store.add_exchange(&owed(&format!("r{n:02}"))).await?;
    }
    // Two replicas (two pools) claim at the same time, in small batches.
    let replica = |name: &'static str| {
        let url = pg.url();
        tokio::spawn(async move {
            let store = Store::open(&url).await?;
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_due(name, NOW, NOW + MINUTE, 4).await?;
                if batch.is_empty() {
                    return Ok::<_, StoreError>(mine);
                }
                for e in batch {
                    assert!(store.delivered(&e.id, name, NOW + 1).await?);
                    mine.push(e.id);
                }
            }
        })
    };
    let (one, two) = (replica("replica-a"), replica("replica-b"));
    let one = one.await.expect("replica a")?;
    let two = two.await.expect("replica b")?;
    let all: HashSet<&String> = one.iter().chain(&two).collect();
    assert_eq!(one.len() + two.len(), 60, "each delivered once");
    assert_eq!(all.len(), 60);
    assert!(!one.is_empty() && !two.is_empty(), "both replicas worked");
    Ok(())
}
