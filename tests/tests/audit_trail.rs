//! The ATNA audit trail as the gateway writes it [ITI TF-2 3.20, 3.55.5, 3.38.4.1.4, 3.39.6, 3.18.5, 3.43.6]: every
//! transaction in each role writes its DICOM audit record to the journal, PartialSuccess
//! writes both a success and a failure record, and records spooled while the Audit Record
//! Repository is down reach it afterwards, in journal order, none missing.
//!
//! There is no DICOM audit schema in the shared corpus (`schemas/README.md`: "1 (the ATNA
//! audit message) has no schema here"), so [`check_dicom_structure`] checks each record
//! field by field against DICOM PS3.15 A.5.1 (element order, required attributes, enumerated
//! values, coded values, base64 fields), and the tests then check the values of the
//! transaction rows of ITI TF-2 (EventID, EventActionCode, EventTypeCode, roles, objects).

mod dicom;
mod each_transaction;
mod record;

use dicom::*;
use record::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xcgate_ihe::ebrs::ReturnType;
use xcgate_ihe::retrieve::base64;
use xcgate_ihe::xml::{self, Element};
use xcgate_tests::TestGateway;
use xcgate_tests::arr::{self, Arr};
use xcgate_tests::pki::Pki;
use xcgate_tests::soap_client::{self, ITI18, ITI38, ITI39, ITI43, post};

const SOAP: &str = "application/soap+xml; charset=utf-8";
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
const FIND_DOCUMENTS: &str = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
const GET_DOCUMENTS: &str = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";

/// A fresh folder for one test's journal (and PKI), removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xcgate-audit-trail-{}-{}-{name}",
            std::process::id(),
            SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn journal(&self) -> PathBuf {
        self.0.join("audit.log")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Records written since `from` (an index into the journal).
fn records_since(journal: &Path, from: usize) -> Vec<Record> {
    journal_lines(journal)[from..]
        .iter()
        .map(|l| Record::parse(l))
        .collect()
}

/// The demo gateway, fronting pirkanmaa on /responding (uusimaa and lappi are reached from
/// /initiating), with its own journal and audit source.
async fn demo_with_journal(dir: &TempDir) -> TestGateway {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "max_body = \"16MiB\"",
            "max_body = \"16MiB\"\nresponding = [\"pirkanmaa\"]",
        );
    let text = format!(
        "{text}\n[audit]\njournal = \"{}\"\nsource_id = \"xcgate-audit-test\"\nenterprise_site_id = \"2.999.1\"\n",
        dir.journal().display()
    );
    TestGateway::start(&text)
        .await
        .expect("demo gateway starts")
}

async fn soap(url: &str, action: &str, id: &str, payload: &str) -> soap_client::Answer {
    let a = post(url, SOAP, soap_client::envelope(action, id, payload)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a
}

/// The element `local` (any namespace) at any depth.
fn find<'a>(e: &'a Element, local: &str) -> Option<&'a Element> {
    if e.local == local {
        return Some(e);
    }
    e.elements().find_map(|c| find(c, local))
}

/// Checks shared by the records of one side: the source (requester) and destination
/// (responder) participants, and which of them is this process (AlternativeUserID).
fn assert_peers(r: &Record, source_user: &str, destination_user: &str, here_is_source: bool) {
    let (s, d) = (r.source(), r.destination());
    assert_eq!(s.attr("UserIsRequestor"), Some("true"), "{}", r.line);
    assert_eq!(d.attr("UserIsRequestor"), Some("false"), "{}", r.line);
    assert_eq!(s.attr("UserID"), Some(source_user), "{}", r.line);
    assert_eq!(d.attr("UserID"), Some(destination_user), "{}", r.line);
    let pid = std::process::id().to_string();
    let (here, there) = if here_is_source { (s, d) } else { (d, s) };
    assert_eq!(
        here.attr("AlternativeUserID"),
        Some(pid.as_str()),
        "{}",
        r.line
    );
    assert_eq!(there.attr("AlternativeUserID"), None, "{}", r.line);
    assert_eq!(
        r.audit_source_id(),
        (Some("2.999.1".to_string()), "xcgate-audit-test".to_string())
    );
}

/// The requester as the responding side sees it: its ReplyTo and its IP address.
fn assert_remote_requester(r: &Record) {
    let s = r.source();
    assert_eq!(
        s.attr("NetworkAccessPointID"),
        Some("127.0.0.1"),
        "{}",
        r.line
    );
    assert_eq!(
        s.attr("NetworkAccessPointTypeCode"),
        Some("2"),
        "{}",
        r.line
    );
}

/// Communities `good*` answer, `bad*` fail; `good_rg`/`bad_rg` are fronted on /responding,
/// `good_ig`/`bad_ig` are reached from /initiating. hcids urn:oid:2.999.8.<index>.
fn mixed_config(journal: &Path) -> String {
    let mut text = "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.8\"\ndeadline = \"5s\"\nresponding = [\"good_rg\", \"bad_rg\"]\n".to_string();
    for (i, (name, behaviour)) in [
        ("good_rg", "echo"),
        ("bad_rg", "error"),
        ("good_ig", "echo"),
        ("bad_ig", "error"),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "\n[communities.{name}]\nhome_community_id = \"urn:oid:2.999.8.{i}\"\nplugin = \"{{MISBEHAVING}}\"\ntimeout = \"3s\"\nmemory_limit = \"128MiB\"\nsettings = {{ behaviour = \"{behaviour}\" }}\n"
        ));
    }
    text.push_str(&format!("\n[audit]\njournal = \"{}\"\nsource_id = \"xcgate-audit-test\"\nenterprise_site_id = \"2.999.1\"\n", journal.display()));
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_success_writes_a_success_and_a_failure_record() {
    let dir = TempDir::new("partial");
    let journal = dir.journal();
    let gw = TestGateway::start(&mixed_config(&journal)).await.unwrap();
    let payload = soap_client::find_documents("P1^^^&2.999.8.0.1&ISO", ReturnType::LeafClass);

    // Responding: one answer with PartialSuccess, two records [TF2 3.18.5.1].
    let a = soap(&gw.responding_url(), ITI38, "urn:uuid:partial-rg", &payload).await;
    assert!(
        a.body.contains("ResponseStatusType:PartialSuccess"),
        "{}",
        a.body
    );
    let records = records_since(&journal, 0);
    let outcomes: Vec<String> = records.iter().map(Record::outcome).collect();
    assert_eq!(outcomes, ["0", "8"], "{records:#?}");
    for r in &records {
        assert_eq!(r.transaction(), "ITI-38");
        assert_peers(r, ANONYMOUS, &gw.responding_url(), false);
        assert_eq!(r.patients(), ["P1^^^&2.999.8.0.1&ISO"]);
    }
    let failure = records[1].event().child("", "EventOutcomeDescription");
    assert!(
        failure.is_some_and(|d| !d.text().trim().is_empty()),
        "the failure record says why: {}",
        records[1].line
    );

    // Initiating: one record per community called, each with that community's outcome.
    let a = soap(&gw.initiating_url(), ITI38, "urn:uuid:partial-ig", &payload).await;
    assert!(
        a.body.contains("ResponseStatusType:PartialSuccess"),
        "{}",
        a.body
    );
    let records = records_since(&journal, 2);
    let mut per_community: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            assert_eq!(r.transaction(), "ITI-38");
            let community = r.destination().attr("UserID").unwrap().to_string();
            assert_peers(r, ANONYMOUS, &community, true);
            (community, r.outcome())
        })
        .collect();
    per_community.sort();
    assert_eq!(
        per_community,
        [
            ("urn:oid:2.999.8.2".to_string(), "0".to_string()),
            ("urn:oid:2.999.8.3".to_string(), "8".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_reach_the_audit_record_repository_after_it_was_down() {
    let dir = TempDir::new("arr-down");
    let pki = Pki::generate("audit-arr");
    let addr = arr::free_port().unwrap();
    let journal = dir.journal();
    let text = format!(
        "{}\n[audit]\njournal = \"{}\"\n[audit.syslog]\ntransport = \"tls\"\naddress = \"{addr}\"\nserver_name = \"localhost\"\nca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"\n",
        xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0"),
        journal.display(),
        pki.path("ca.pem"),
        pki.path("client.pem"),
        pki.path("client.key"),
    );
    let gw = TestGateway::start(&text).await.unwrap();

    // The repository is down: every answer still leaves, its records wait in the journal.
    const N: usize = 12;
    for i in 0..N {
        let query =
            soap_client::demographic_query(&format!("down-{i}"), "Virtanen", "Aino", "19900312");
        let a = soap_client::iti55(&gw.initiating_url(), &query).await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let expected = journal_lines(&journal);
    assert_eq!(expected.len(), 3 * N, "one record per community called");
    let stats = gw.gateway.process.audit.stats().unwrap();
    assert_eq!(
        stats.pending,
        expected.len() as u64,
        "spooled, none delivered"
    );

    // The repository comes up on that address: everything arrives, in journal order.
    let arr = Arr::tls(&pki, addr).unwrap();
    let started = Instant::now();
    let want = expected.len();
    let (arr, frames) = tokio::task::spawn_blocking(move || {
        let frames = arr.wait_until(Duration::from_secs(40), |f| f.len() >= want);
        (arr, frames)
    })
    .await
    .unwrap();
    eprintln!(
        "{} records reached the repository {:?} after it came up",
        frames.len(),
        started.elapsed()
    );
    arr::assert_complete_in_order(&expected, &frames);
    for f in &frames {
        Record::parse(f.xml());
    }
    // Records written while it is up follow in order too.
    let a = soap_client::iti55(
        &gw.initiating_url(),
        &soap_client::demographic_query("up", "Virtanen", "Aino", "19900312"),
    )
    .await;
    assert_eq!(a.status, 200);
    let expected = journal_lines(&journal);
    let frames = tokio::task::spawn_blocking(move || {
        arr.wait_until(Duration::from_secs(20), |f| f.len() >= expected.len())
    })
    .await
    .unwrap();
    arr::assert_complete_in_order(&journal_lines(&journal), &frames);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retrieve_that_misses_a_document_writes_a_failure_record_naming_it() {
    let dir = TempDir::new("mixed-retrieve");
    let gw = demo_with_journal(&dir).await;
    let found = ("urn:oid:2.999.1.10", "2.999.1.10.3", "2.999.1.10.2.1");
    let missing = ("urn:oid:2.999.1.10", "2.999.1.10.3", "2.999.1.10.2.999");
    let a = soap(
        &gw.responding_url(),
        ITI39,
        "urn:uuid:mixed-39",
        &soap_client::retrieve(&[found, missing]),
    )
    .await;
    assert!(
        a.body.contains("ResponseStatusType:PartialSuccess"),
        "{}",
        a.body
    );
    // [TF2 3.43.6.1]: a success event for the documents retrieved, a failure event for
    // the others.
    let records = records_since(&dir.journal(), 0);
    let summary: Vec<(String, Vec<String>)> = records
        .iter()
        .map(|r| {
            assert_eq!(r.codes().0, "110106", "{}", r.line);
            (
                r.outcome(),
                r.documents().into_iter().map(|(id, _)| id).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("0".to_string(), vec!["2.999.1.10.2.1".to_string()]),
            ("8".to_string(), vec!["2.999.1.10.2.999".to_string()]),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_writes_a_failure_record() {
    let dir = TempDir::new("refused");
    let gw = demo_with_journal(&dir).await;
    // uusimaa is not fronted on /responding: refused before any community is called.
    let payload = soap_client::get_documents("2.999.1.20.2.1", Some("urn:oid:2.999.1.20"));
    soap(&gw.responding_url(), ITI38, "urn:uuid:refused-38", &payload).await;
    let records = records_since(&dir.journal(), 0);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(r.transaction(), "ITI-38");
    assert_ne!(r.outcome(), "0", "{}", r.line);
    assert_peers(r, ANONYMOUS, &gw.responding_url(), false);
    let why = r.event().child("", "EventOutcomeDescription");
    assert!(
        why.is_some_and(|d| !d.text().trim().is_empty()),
        "{}",
        r.line
    );
    // The failure record still carries the Query Parameters (1..1 for ITI-18/38
    // [TF2 3.18.5.1]): the request was a valid stored query, only its routing failed.
    let q = r.query();
    assert_eq!(
        q.attr("ParticipantObjectID"),
        Some(GET_DOCUMENTS),
        "{}",
        r.line
    );
    let sent = xml::parse(soap_client::strip_declaration(&payload).as_bytes()).unwrap();
    assert_eq!(xml::parse(&query_bytes(q)).unwrap(), sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_refused_on_initiating_names_this_process_as_the_one_that_answered() {
    let dir = TempDir::new("refused-ig");
    let gw = demo_with_journal(&dir).await;
    let payload = soap_client::get_documents("2.999.1.99.2.1", Some("urn:oid:2.999.1.99"));
    soap(
        &gw.initiating_url(),
        ITI38,
        "urn:uuid:refused-ig-38",
        &payload,
    )
    .await;
    let records = records_since(&dir.journal(), 0);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(r.transaction(), "ITI-38");
    assert_ne!(r.outcome(), "0", "{}", r.line);
    // No community was called: the local initiator sent the request and this gateway
    // answered it, so the process id belongs to the destination.
    assert_peers(r, ANONYMOUS, &gw.initiating_url(), false);
    assert_remote_requester(r);
    assert_eq!(r.query().attr("ParticipantObjectID"), Some(GET_DOCUMENTS));
}
