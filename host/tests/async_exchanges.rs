//! Asynchronous exchanges survive what a process cannot: `kill -9` of the gateway between
//! its acknowledgement and the answer, and two replicas on one PostgreSQL sharing the
//! work. Real `xcgate serve` processes; the test's own HTTP receiver stands in for the
//! initiator's ReplyTo endpoint.

mod process;

use process::{Hang, Receiver, Replica, message_id, pending, repo};
use std::path::Path;
use xcgate_testkit::TempDir;
use xcgate_testkit::postgres::Postgres;

const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";

/// The ITI-38 example, its answer asked at `address`, with `message_id`.
fn async_query(address: &str, message_id: &str) -> String {
    std::fs::read_to_string(repo("config/examples/iti38-find-documents.xml"))
        .unwrap()
        .replace(ANONYMOUS, address)
        .replace("urn:uuid:5b0f5d52-8a41-4c55-a4d3-6c0a5e1f0d01", message_id)
}

fn write_config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let config = dir.join("gateway.toml");
    let text = std::fs::read_to_string(repo("config/demo.toml")).unwrap() + extra;
    std::fs::write(&config, text).unwrap();
    config
}

#[test]
fn an_answer_survives_kill_9_between_the_acknowledgement_and_the_delivery_and_arrives_once() {
    let dir = TempDir::new("async-kill");
    // A fourth community whose gateway hangs: the answer is still being made when the
    // gateway is killed.
    let hang = Hang::start();
    let config = write_config(
        dir.path(),
        &format!(
            "\n[communities.remote]\nhome_community_id = \"urn:oid:2.999.40\"\nplugin = \"bundled:ihe-soap\"\ntimeout = \"2s\"\n[communities.remote.endpoints.query]\nurl = \"{}/query\"\n",
            hang.url
        ),
    );
    let state = dir.path().join("state");
    let receiver = Receiver::start(|_| 202);
    let request = async_query(
        &format!("{}/replies", receiver.url),
        "urn:uuid:8b5e0c4e-kill-9",
    );

    let gateway = Replica::start(&config, state.clone(), "");
    let accepted = gateway.post_to("/initiating", request.as_bytes());
    assert!(accepted.starts_with("HTTP/1.1 202"), "{accepted}");
    assert!(
        hang.wait_for_connection(10),
        "the remote community was asked"
    );
    let mut gateway = gateway;
    gateway.child.kill().unwrap(); // SIGKILL
    gateway.child.wait().unwrap();
    drop(gateway);
    assert!(
        receiver.got().is_empty(),
        "nothing was delivered before the kill"
    );
    assert_eq!(
        pending(&config, &state, ""),
        [("pending".to_string(), message_id(&request))],
        "the acknowledged request is kept"
    );

    let restarted = Replica::start(&config, state.clone(), "");
    let got = receiver.wait_for(1, 20);
    assert_eq!(got.len(), 1, "the answer arrives after the restart");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let got = receiver.got();
    assert_eq!(got.len(), 1, "once");
    assert!(
        got[0]
            .body
            .contains(&format!("RelatesTo>{}<", message_id(&request))),
        "{}",
        got[0].body
    );
    assert!(
        got[0].body.contains("<rim:ExtrinsicObject "),
        "the demo's documents: {}",
        got[0].body
    );
    assert!(
        got[0].body.contains("urn:oid:2.999.40"),
        "the hung community's error: {}",
        got[0].body
    );
    assert_eq!(
        pending(&config, &state, ""),
        [("delivered".to_string(), message_id(&request))]
    );
    // Audited when it was delivered, once: one ITI-38 record per community asked
    // (the killed process wrote none, having delivered nothing).
    let journal = restarted.journal();
    let records = journal
        .lines()
        .filter(|l| l.contains("csd-code=\"ITI-38\""))
        .count();
    assert_eq!(records, 4, "{journal}");
}

#[test]
fn two_replicas_on_postgresql_deliver_each_answer_once() {
    let Some(pg) = Postgres::start("async-replicas") else {
        return;
    };
    let dir = TempDir::new("async-replicas");
    let config = write_config(dir.path(), "\n[state]\nurl = \"env:XCGATE_STATE_URL\"\n");
    let config_text = std::fs::read_to_string(&config).unwrap().replace(
        "allow = [\"http://127.0.0.1:*/\"]",
        "allow = [\"http://127.0.0.1:*/\"]\nretry = \"100ms\"\nmax_retry = \"300ms\"",
    );
    std::fs::write(&config, config_text).unwrap();
    const N: usize = 24;
    // The receiver refuses the first attempt of every answer: each is then retried by
    // whichever replica's delivery worker claims it first.
    let receiver = Receiver::start(|n| if n < N { 503 } else { 202 });
    let one = Replica::start(&config, dir.path().join("one"), &pg.url());
    let two = Replica::start(&config, dir.path().join("two"), &pg.url());
    let ids: Vec<String> = (0..N).map(|i| format!("urn:uuid:replica-{i:04}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let to = if i % 2 == 0 { &one } else { &two };
        let answer = to.post_to(
            "/initiating",
            async_query(&format!("{}/r", receiver.url), id).as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    }
    let got = receiver.wait_for(2 * N, 30);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let got_now = receiver.got();
    assert_eq!(got_now.len(), got.len(), "nothing more arrives");
    for id in &ids {
        let relates = format!("RelatesTo>{id}<");
        let accepted = got_now
            .iter()
            .filter(|g| g.status == 202 && g.body.contains(&relates))
            .count();
        assert_eq!(accepted, 1, "{id} delivered once");
    }
    let states = pending(&config, &dir.path().join("one"), &pg.url());
    assert_eq!(states.len(), N);
    assert!(states.iter().all(|(s, _)| s == "delivered"), "{states:?}");
    // Each replica audits the deliveries it made; together, one record per answer.
    let records = |r: &Replica| {
        r.journal()
            .lines()
            .filter(|l| l.contains("csd-code=\"ITI-38\""))
            .count()
    };
    let (a, b) = (records(&one), records(&two));
    assert_eq!(
        a + b,
        N * 3,
        "one ITI-38 record per community and answer ({a} + {b})"
    );
}
