//! The ATNA audit trail as the gateway writes it [ITI TF-2 3.20; spec-summary §8]: every
//! transaction in each role writes its DICOM audit record to the journal, PartialSuccess
//! writes both a success and a failure record, and records spooled while the Audit Record
//! Repository is down reach it afterwards, in journal order, none missing.
//!
//! There is no DICOM audit schema in the shared corpus (`schemas/README.md`: "1 (the ATNA
//! audit message) has no schema here"), so [`check_dicom_structure`] checks each record
//! field by field against DICOM PS3.15 A.5.1 (element order, required attributes, enumerated
//! values, coded values, base64 fields), and the tests then check the values of the
//! transaction rows of ITI TF-2 (EventID, EventActionCode, EventTypeCode, roles, objects).

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

/// The journal's records in order: one line of DICOM audit XML each.
fn journal_lines(journal: &Path) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// One parsed record.
#[derive(Debug)]
struct Record {
    line: String,
    root: Element,
}

impl Record {
    fn parse(line: &str) -> Record {
        let root = xml::parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("a journal record is not well-formed XML ({e}): {line}"));
        check_dicom_structure(&root, line);
        Record {
            line: line.to_string(),
            root,
        }
    }

    fn event(&self) -> &Element {
        self.root.child("", "EventIdentification").unwrap()
    }

    /// (EventID code, EventActionCode, EventTypeCode code, EventOutcomeIndicator).
    fn codes(&self) -> (String, String, String, String) {
        let e = self.event();
        (
            code(e.child("", "EventID").unwrap()),
            e.attr("EventActionCode").unwrap().to_string(),
            code(e.child("", "EventTypeCode").unwrap()),
            e.attr("EventOutcomeIndicator").unwrap().to_string(),
        )
    }

    fn transaction(&self) -> String {
        self.codes().2
    }

    fn outcome(&self) -> String {
        self.codes().3
    }

    /// The ActiveParticipant with RoleIDCode `role` (110153 source, 110152 destination).
    fn participant(&self, role: &str) -> &Element {
        let mut found = self
            .root
            .children_named("", "ActiveParticipant")
            .filter(|p| {
                p.children_named("", "RoleIDCode")
                    .any(|r| r.attr("csd-code") == Some(role))
            });
        let p = found
            .next()
            .unwrap_or_else(|| panic!("no ActiveParticipant with role {role}: {}", self.line));
        assert!(
            found.next().is_none(),
            "two with role {role}: {}",
            self.line
        );
        p
    }

    fn source(&self) -> &Element {
        self.participant("110153")
    }

    fn destination(&self) -> &Element {
        self.participant("110152")
    }

    /// ParticipantObjectIdentification with (TypeCode, TypeCodeRole).
    fn objects(&self, type_code: &str, role: &str) -> Vec<&Element> {
        self.root
            .children_named("", "ParticipantObjectIdentification")
            .filter(|o| {
                o.attr("ParticipantObjectTypeCode") == Some(type_code)
                    && o.attr("ParticipantObjectTypeCodeRole") == Some(role)
            })
            .collect()
    }

    /// Patient objects (1/1): their CX ids.
    fn patients(&self) -> Vec<String> {
        self.objects("1", "1")
            .iter()
            .map(|o| {
                assert_eq!(
                    code(o.child("", "ParticipantObjectIDTypeCode").unwrap()),
                    "2"
                );
                o.attr("ParticipantObjectID").unwrap().to_string()
            })
            .collect()
    }

    /// The one Query Parameters object (2/24).
    fn query(&self) -> &Element {
        let q = self.objects("2", "24");
        assert_eq!(q.len(), 1, "one query object: {}", self.line);
        q[0]
    }

    /// Document objects (2/3): (DocumentUniqueId, details).
    fn documents(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.objects("2", "3")
            .iter()
            .map(|o| {
                assert_eq!(
                    code(o.child("", "ParticipantObjectIDTypeCode").unwrap()),
                    "9"
                );
                (
                    o.attr("ParticipantObjectID").unwrap().to_string(),
                    details(o),
                )
            })
            .collect()
    }

    fn audit_source_id(&self) -> (Option<String>, String) {
        let s = self.root.child("", "AuditSourceIdentification").unwrap();
        (
            s.attr("AuditEnterpriseSiteID").map(str::to_string),
            s.attr("AuditSourceID").unwrap().to_string(),
        )
    }
}

fn code(coded: &Element) -> String {
    coded.attr("csd-code").unwrap().to_string()
}

/// (type, decoded value) of each ParticipantObjectDetail.
fn details(object: &Element) -> Vec<(String, String)> {
    object
        .children_named("", "ParticipantObjectDetail")
        .map(|d| {
            let value = base64::decode(d.attr("value").unwrap()).unwrap();
            (
                d.attr("type").unwrap().to_string(),
                String::from_utf8(value).unwrap(),
            )
        })
        .collect()
}

/// The decoded ParticipantObjectQuery of a query object.
fn query_bytes(query: &Element) -> Vec<u8> {
    let text = query.child("", "ParticipantObjectQuery").unwrap().text();
    base64::decode(text.trim()).expect("ParticipantObjectQuery is base64")
}

/// DICOM PS3.15 A.5.1 `AuditMessage`, checked field by field (there is no schema to run):
/// element order EventIdentification, ActiveParticipant+, AuditSourceIdentification,
/// ParticipantObjectIdentification*; required attributes; enumerated values; every coded
/// value has csd-code, codeSystemName and originalText; Query and Detail values are base64.
fn check_dicom_structure(root: &Element, line: &str) {
    let fail = |what: &str| -> ! { panic!("not a DICOM audit message: {what}\n{line}") };
    if root.local != "AuditMessage" || !root.ns.is_empty() {
        fail("root is not AuditMessage (no namespace)");
    }
    let names: Vec<&str> = root.elements().map(|e| e.local.as_str()).collect();
    let participants = names
        .iter()
        .skip(1)
        .take_while(|n| **n == "ActiveParticipant")
        .count();
    let objects = names
        .iter()
        .skip(2 + participants)
        .take_while(|n| **n == "ParticipantObjectIdentification")
        .count();
    if names.first() != Some(&"EventIdentification")
        || participants == 0
        || names.get(1 + participants) != Some(&"AuditSourceIdentification")
        || names.len() != 2 + participants + objects
    {
        fail(&format!("element order {names:?}"));
    }
    let coded_ok = |e: &Element| {
        ["csd-code", "codeSystemName", "originalText"]
            .iter()
            .all(|a| e.attr(a).is_some_and(|v| !v.is_empty()))
    };

    let event = root.child("", "EventIdentification").unwrap();
    if !matches!(
        event.attr("EventActionCode"),
        Some("C" | "R" | "U" | "D" | "E")
    ) {
        fail("EventActionCode");
    }
    if !matches!(
        event.attr("EventOutcomeIndicator"),
        Some("0" | "4" | "8" | "12")
    ) {
        fail("EventOutcomeIndicator");
    }
    // xs:dateTime, UTC with milliseconds as written: 2026-12-04T13:48:48.123Z.
    let t = event
        .attr("EventDateTime")
        .unwrap_or_else(|| fail("EventDateTime"));
    let shape_ok = t.len() == 24
        && t.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == '.',
            23 => c == 'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        fail("EventDateTime is not xs:dateTime (UTC)");
    }
    let event_children: Vec<&str> = event.elements().map(|e| e.local.as_str()).collect();
    if event_children.first() != Some(&"EventID")
        || !event_children
            .iter()
            .skip(1)
            .all(|n| matches!(*n, "EventTypeCode" | "EventOutcomeDescription"))
        || !event
            .elements()
            .filter(|e| e.local != "EventOutcomeDescription")
            .all(coded_ok)
    {
        fail("EventIdentification children");
    }

    let mut requestors = 0;
    for p in root.children_named("", "ActiveParticipant") {
        if p.attr("UserID").is_none_or(str::is_empty) {
            fail("ActiveParticipant without UserID");
        }
        match p.attr("UserIsRequestor") {
            Some("true") => requestors += 1,
            Some("false") => {}
            _ => fail("UserIsRequestor is not a boolean"),
        }
        if p.attr("NetworkAccessPointID").is_some()
            != p.attr("NetworkAccessPointTypeCode").is_some()
            || !matches!(
                p.attr("NetworkAccessPointTypeCode"),
                None | Some("1" | "2" | "3" | "4" | "5")
            )
        {
            fail("NetworkAccessPointID / TypeCode");
        }
        if !p.elements().all(|e| e.local == "RoleIDCode" && coded_ok(e)) {
            fail("ActiveParticipant children");
        }
    }
    if requestors == 0 {
        fail("no ActiveParticipant is the requestor");
    }

    let source = root.child("", "AuditSourceIdentification").unwrap();
    if source.attr("AuditSourceID").is_none_or(str::is_empty)
        || !source
            .elements()
            .all(|e| e.local == "AuditSourceTypeCode" && coded_ok(e))
    {
        fail("AuditSourceIdentification");
    }

    for o in root.children_named("", "ParticipantObjectIdentification") {
        let type_ok = matches!(
            o.attr("ParticipantObjectTypeCode"),
            Some("1" | "2" | "3" | "4")
        );
        let role_ok = o
            .attr("ParticipantObjectTypeCodeRole")
            .and_then(|r| r.parse::<u8>().ok())
            .is_some_and(|r| (1..=24).contains(&r));
        if o.attr("ParticipantObjectID").is_none_or(str::is_empty) || !type_ok || !role_ok {
            fail("ParticipantObjectIdentification attributes");
        }
        let children: Vec<&Element> = o.elements().collect();
        if children.first().map(|e| e.local.as_str()) != Some("ParticipantObjectIDTypeCode")
            || !coded_ok(children[0])
        {
            fail("ParticipantObjectIDTypeCode first");
        }
        for c in &children[1..] {
            match c.local.as_str() {
                "ParticipantObjectQuery" => {
                    if base64::decode(c.text().trim()).is_err() {
                        fail("ParticipantObjectQuery is not base64");
                    }
                }
                "ParticipantObjectName" => {}
                "ParticipantObjectDetail" => {
                    if c.attr("type").is_none_or(str::is_empty)
                        || c.attr("value").is_none_or(|v| base64::decode(v).is_err())
                    {
                        fail("ParticipantObjectDetail type / base64 value");
                    }
                }
                other => fail(&format!("unexpected {other} in a participant object")),
            }
        }
        if o.children_named("", "ParticipantObjectQuery").count()
            + o.children_named("", "ParticipantObjectName").count()
            > 1
        {
            fail("ParticipantObjectName and ParticipantObjectQuery are a choice");
        }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_transaction_in_each_role_writes_its_audit_record() {
    let dir = TempDir::new("each");
    let gw = demo_with_journal(&dir).await;
    let journal = dir.journal();
    let (rg, ig) = (gw.responding_url(), gw.initiating_url());
    let mut seen = 0;
    let mut next = |journal: &Path| {
        let records = records_since(journal, seen);
        seen += records.len();
        records
    };

    // ITI-55, responding: one record; the patient returned (CX) and the query parameters
    // [TF2 3.55.5.1.2].
    let query = soap_client::demographic_query("audit-rg", "Virtanen", "Aino", "19900312");
    let request_qbp = find(&xml::parse(query.as_bytes()).unwrap(), "queryByParameter")
        .unwrap()
        .clone();
    let answer = soap_client::iti55(&rg, &query).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let records = next(&journal);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(
        r.codes(),
        ("110112".into(), "E".into(), "ITI-55".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), ["PIR-1001^^^&2.999.1.10.1&ISO"]);
    let q = r.query();
    assert_eq!(q.attr("ParticipantObjectID"), Some("audit-rg@2.999.5"));
    assert_eq!(
        code(q.child("", "ParticipantObjectIDTypeCode").unwrap()),
        "ITI-55"
    );
    let audited_qbp = xml::parse(&query_bytes(q)).expect("the audited query is XML");
    assert_eq!(audited_qbp, request_qbp, "the query as sent");
    assert_eq!(
        details(q),
        [("ihe:homeCommunityID".to_string(), "2.999.1".to_string())]
    );

    // ITI-55, initiating: one record per community called, no patient [TF2 3.55.5.1.1].
    let query = soap_client::demographic_query("audit-ig", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&ig, &query).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let records = next(&journal);
    let mut called: Vec<String> = records
        .iter()
        .map(|r| r.destination().attr("UserID").unwrap().to_string())
        .collect();
    called.sort();
    assert_eq!(
        called,
        ["urn:oid:2.999.1.20", "urn:oid:2.999.1.30"],
        "one record per community called (in-process adapters are named by their id)"
    );
    for r in &records {
        assert_eq!(
            r.codes(),
            ("110112".into(), "E".into(), "ITI-55".into(), "0".into())
        );
        let community = r.destination().attr("UserID").unwrap();
        assert_peers(r, ANONYMOUS, community, true);
        assert_eq!(
            r.source().attr("NetworkAccessPointID"),
            Some(xcgate::config::hostname().as_str())
        );
        assert!(r.patients().is_empty(), "no patient: {}", r.line);
        let q = r.query();
        assert_eq!(q.attr("ParticipantObjectID"), Some("audit-ig@2.999.5"));
        assert_eq!(
            details(q),
            [(
                "ihe:homeCommunityID".to_string(),
                community.trim_start_matches("urn:oid:").to_string()
            )]
        );
    }

    // ITI-38, responding: patient and stored query [TF2 3.38.4.1.4, 3.18.5.1.2].
    let patient = "PIR-1001^^^&2.999.1.10.1&ISO";
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&rg, ITI38, "urn:uuid:audit-38-rg", &payload).await;
    let records = next(&journal);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(
        r.codes(),
        ("110112".into(), "E".into(), "ITI-38".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), [patient]);
    assert_stored_query(r, &payload, "ITI-38", "urn:oid:2.999.1");

    // ITI-38, initiating: one record per community called, each naming that community.
    let patient = "UUS-2001^^^&2.999.1.20.1&ISO";
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&ig, ITI38, "urn:uuid:audit-38-ig", &payload).await;
    let records = next(&journal);
    assert!(!records.is_empty());
    for r in &records {
        assert_eq!(r.transaction(), "ITI-38");
        assert_eq!(r.codes().1, "E");
        let community = r.destination().attr("UserID").unwrap().to_string();
        assert!(community.starts_with("urn:oid:2.999.1."), "{}", r.line);
        assert_peers(r, ANONYMOUS, &community, true);
        assert_eq!(r.patients(), [patient]);
        assert_stored_query(r, &payload, "ITI-38", &community);
    }

    // ITI-39, responding: Export (110106, R) with the document [TF2 3.43.6.1.2].
    let doc = ("urn:oid:2.999.1.10", "2.999.1.10.3", "2.999.1.10.2.1");
    soap(
        &rg,
        ITI39,
        "urn:uuid:audit-39-rg",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let records = next(&journal);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(
        r.codes(),
        ("110106".into(), "R".into(), "ITI-39".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.documents(), [document(doc)]);

    // ITI-39, initiating: Import (110107, C), one record for the community called.
    let doc = ("urn:oid:2.999.1.20", "2.999.1.20.3", "2.999.1.20.2.1");
    soap(
        &ig,
        ITI39,
        "urn:uuid:audit-39-ig",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let records = next(&journal);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(
        r.codes(),
        ("110107".into(), "C".into(), "ITI-39".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, "urn:oid:2.999.1.20", true);
    assert_eq!(r.documents(), [document(doc)]);

    // ITI-18 from a local consumer on /initiating: recorded as answered here (the registry
    // of the XDS Affinity Domain option, ITI-18) and as ITI-38 per community called.
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&ig, ITI18, "urn:uuid:audit-18", &payload).await;
    let records = next(&journal);
    let (local, cross): (Vec<_>, Vec<_>) =
        records.iter().partition(|r| r.transaction() == "ITI-18");
    assert_eq!(local.len(), 1, "{records:#?}");
    assert!(!cross.is_empty(), "{records:#?}");
    let r = local[0];
    assert_eq!(
        r.codes(),
        ("110112".into(), "E".into(), "ITI-18".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, &ig, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), [patient]);
    assert_stored_query(r, &payload, "ITI-18", "urn:oid:2.999.1");
    for r in cross {
        assert_eq!(r.transaction(), "ITI-38", "{}", r.line);
        assert_peers(r, ANONYMOUS, r.destination().attr("UserID").unwrap(), true);
    }

    // ITI-43 from a local consumer: Export (ITI-43, answered here) and Import (ITI-39).
    soap(
        &ig,
        ITI43,
        "urn:uuid:audit-43",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let records = next(&journal);
    assert_eq!(records.len(), 2, "{records:#?}");
    let local = records
        .iter()
        .find(|r| r.transaction() == "ITI-43")
        .unwrap();
    assert_eq!(
        local.codes(),
        ("110106".into(), "R".into(), "ITI-43".into(), "0".into())
    );
    assert_peers(local, ANONYMOUS, &ig, false);
    assert_eq!(local.documents(), [document(doc)]);
    let cross = records
        .iter()
        .find(|r| r.transaction() == "ITI-39")
        .unwrap();
    assert_eq!(
        cross.codes(),
        ("110107".into(), "C".into(), "ITI-39".into(), "0".into())
    );
    assert_peers(cross, ANONYMOUS, "urn:oid:2.999.1.20", true);
    assert_eq!(cross.documents(), [document(doc)]);
}

/// The stored query object: id = the stored query UUID, IDTypeCode the transaction, the
/// AdhocQueryRequest as sent (base64), QueryEncoding and the homeCommunityId details.
fn assert_stored_query(r: &Record, payload: &str, transaction: &str, home: &str) {
    let q = r.query();
    assert_eq!(
        q.attr("ParticipantObjectID"),
        Some(FIND_DOCUMENTS),
        "{}",
        r.line
    );
    assert_eq!(
        code(q.child("", "ParticipantObjectIDTypeCode").unwrap()),
        transaction
    );
    let sent = xml::parse(soap_client::strip_declaration(payload).as_bytes()).unwrap();
    let audited = xml::parse(&query_bytes(q)).expect("the audited query is XML");
    assert_eq!(audited, sent, "the AdhocQueryRequest as sent: {}", r.line);
    assert_eq!(
        details(q),
        [
            ("QueryEncoding".to_string(), "UTF-8".to_string()),
            (
                "urn:ihe:iti:xca:2010:homeCommunityId".to_string(),
                home.to_string()
            ),
        ],
        "{}",
        r.line
    );
}

fn document((home, repository, id): (&str, &str, &str)) -> (String, Vec<(String, String)>) {
    (
        id.to_string(),
        vec![
            ("Repository Unique ID".to_string(), repository.to_string()),
            ("ihe:homeCommunityID".to_string(), home.to_string()),
        ],
    )
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
    let stats = gw.gateway.audit.as_ref().unwrap().stats();
    assert_eq!(
        stats.pending,
        expected.len() as u64,
        "spooled, none delivered"
    );

    // The repository comes up on that address: everything arrives, in journal order.
    let arr = Arr::tls_from(pki.dir(), addr).unwrap();
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
