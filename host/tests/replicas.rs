//! Several replicas on one PostgreSQL share what they learn: a correlation learned through
//! replica 1 serves an ITI-18 sent to replica 2, which asks nobody who the patient is.
//! Real `xcgate serve` processes, each with its own journal, and a real PostgreSQL cluster
//! (skipped loudly without PostgreSQL; a failure under `CI=true`).

mod process;

use process::{Replica, repo};
use xcgate_testkit::TempDir;
use xcgate_testkit::postgres::Postgres;

fn records(journal: &str, transaction: &str) -> usize {
    let code = format!("csd-code=\"{transaction}\"");
    journal.lines().filter(|l| l.contains(&code)).count()
}

#[test]
fn a_correlation_learned_through_one_replica_serves_the_other() {
    let Some(pg) = Postgres::start("replicas") else {
        return;
    };
    let dir = TempDir::new("replicas");
    let config = dir.path().join("replica.toml");
    // The demo, with the store URL (and its password, were there one) from the
    // environment, as the README's "Running several replicas" says.
    let text = std::fs::read_to_string(repo("config/demo.toml")).unwrap()
        + "\n[state]\nurl = \"env:XCGATE_STATE_URL\"\n";
    std::fs::write(&config, text).unwrap();
    let one = Replica::start(&config, dir.path().join("one"), &pg.url());
    let two = Replica::start(&config, dir.path().join("two"), &pg.url());

    let first = one.post("config/examples/iti18-find-documents-hetu.xml");
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert_eq!(first.matches("<rim:ExtrinsicObject ").count(), 3, "{first}");
    assert_eq!(
        records(&one.journal(), "ITI-55"),
        3,
        "replica 1 looked her up"
    );

    let second = two.post("config/examples/iti18-find-documents-hetu.xml");
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert_eq!(
        second.matches("<rim:ExtrinsicObject ").count(),
        3,
        "{second}"
    );
    let journal = two.journal();
    assert_eq!(
        records(&journal, "ITI-18"),
        1,
        "replica 2 answered: {journal}"
    );
    assert_eq!(
        records(&journal, "ITI-55"),
        0,
        "replica 2 asked nobody who she is: it knew from replica 1"
    );
}
