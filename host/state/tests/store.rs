//! The same store suite against both back ends: SQLite in a temporary file, and a real
//! PostgreSQL cluster started for the test (skipped loudly without PostgreSQL, a failure
//! under `CI=true`).

use xcgate_state::{Direction, PatientId, Store, StoreError};
use xcgate_testkit::TempDir;
use xcgate_testkit::postgres::Postgres;

const HOUR: i64 = 3_600_000;

fn aino() -> PatientId {
    PatientId::new("1.2.246.21", "120390-904J")
}

async fn suite(store: &Store) -> Result<(), StoreError> {
    assert_eq!(store.schema_version().await?, 4);
    let now = 1_800_000_000_000;
    let pir = PatientId::new("2.999.1.10.1", "PIR-1001");
    // A match in one community, none in another.
    store
        .learn(
            &aino(),
            "urn:oid:2.999.1.10",
            Direction::Initiating,
            std::slice::from_ref(&pir),
            now,
            now + HOUR,
        )
        .await?;
    store
        .learn(
            &aino(),
            "urn:oid:2.999.1.30",
            Direction::Initiating,
            &[],
            now,
            now + 2 * HOUR,
        )
        .await?;
    let live = store.live(&aino(), Direction::Initiating, now + 1).await?;
    assert_eq!(live.len(), 2);
    assert_eq!(live[0].home_community_id, "urn:oid:2.999.1.10");
    assert_eq!(live[0].remote, Some(pir.clone()));
    assert_eq!(live[1].remote, None, "the negative result is kept");
    // The first expires before the second.
    let later = store
        .live(&aino(), Direction::Initiating, now + HOUR + 1)
        .await?;
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].home_community_id, "urn:oid:2.999.1.30");
    // A new answer replaces the old one for that community.
    let other = PatientId::new("2.999.1.10.1", "PIR-1002");
    store
        .learn(
            &aino(),
            "urn:oid:2.999.1.10",
            Direction::Initiating,
            &[pir.clone(), other.clone()],
            now,
            now + HOUR,
        )
        .await?;
    let live = store.live(&aino(), Direction::Initiating, now).await?;
    let there: Vec<_> = live
        .iter()
        .filter(|c| c.home_community_id == "urn:oid:2.999.1.10")
        .filter_map(|c| c.remote.clone())
        .collect();
    assert_eq!(there, [pir.clone(), other]);
    // The other direction is kept apart, and found by the remote id.
    store
        .learn(
            &pir,
            "urn:oid:2.999.5",
            Direction::Responding,
            &[PatientId::new("2.999.5.1", "X-9")],
            now,
            now + HOUR,
        )
        .await?;
    assert!(
        store
            .live(&pir, Direction::Initiating, now)
            .await?
            .is_empty()
    );
    let who = store
        .by_remote(&PatientId::new("2.999.5.1", "X-9"), now)
        .await?;
    assert_eq!(who.len(), 1);
    assert_eq!(who[0].local, pir);
    assert_eq!(who[0].direction, Direction::Responding);
    // Operators list and revoke.
    assert_eq!(store.list(&aino()).await?.len(), 3);
    assert_eq!(store.revoke(&aino(), Some("urn:oid:2.999.1.30")).await?, 1);
    assert_eq!(
        store.live(&aino(), Direction::Initiating, now).await?.len(),
        2
    );
    assert_eq!(store.revoke(&aino(), None).await?, 2);
    assert!(store.list(&aino()).await?.is_empty());
    // Purging removes what expired, only that.
    assert_eq!(store.purge_expired(now + 2 * HOUR).await?, 1);
    assert!(
        store
            .by_remote(&PatientId::new("2.999.5.1", "X-9"), now)
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn sqlite_store() -> Result<(), StoreError> {
    let dir = TempDir::new("state-sqlite");
    let file = dir.path().join("state.db");
    let store = Store::open_sqlite(&file).await?;
    assert_eq!(store.backend(), "sqlite");
    suite(&store).await?;
    store.close().await;
    // Reopening migrates nothing twice and keeps the data.
    let again = Store::open(&format!("sqlite://{}", file.display())).await?;
    assert_eq!(again.schema_version().await?, 4);
    Ok(())
}

#[tokio::test]
async fn postgres_store() -> Result<(), StoreError> {
    let Some(pg) = Postgres::start("state") else {
        return Ok(());
    };
    let store = Store::open(&pg.url()).await?;
    assert_eq!(store.backend(), "postgres");
    suite(&store).await?;
    // Down: calls fail as unavailable, and work again when it is back.
    pg.stop();
    let e = store
        .live(&aino(), Direction::Initiating, 0)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Unavailable { .. }), "{e}");
    assert!(
        !e.to_string().contains("120390"),
        "no patient data in errors: {e}"
    );
    pg.restart();
    assert!(store.live(&aino(), Direction::Initiating, 0).await.is_ok());
    Ok(())
}

#[tokio::test]
async fn an_unreachable_store_is_named_without_its_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let e = Store::open(&format!(
        "postgres://xcgate:hunter2@127.0.0.1:{port}/xcgate"
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(&format!("postgres://xcgate:***@127.0.0.1:{port}/xcgate")),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
    let e = Store::open("mysql://x").await.unwrap_err().to_string();
    assert!(e.contains("expected postgres://"), "{e}");
}
