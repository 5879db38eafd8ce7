//! The shared conformance corpus (`XCGATE_CONFORMANCE_DIR` or `../shared/conformance`),
//! read in place: a helper for
//! the ebRS and retrieve tests, and the ITI-18/ITI-38 corpus tests.

use super::{AdhocQueryRequest, AdhocQueryResponse};
use crate::xml::{self, Element, Node};
use std::path::PathBuf;

/// The samples folder, or `None` (a loud skip outside CI, a failure under `CI=true`) when
/// the corpus is not there.
pub(crate) fn samples() -> Option<PathBuf> {
    xcgate_testkit::corpus::dir().map(|d| d.join("samples"))
}

/// The `.xml` files of `folder` whose name contains `kind`, sorted, as (name, bytes).
pub(crate) fn files(folder: &str, kind: &str) -> Vec<(String, Vec<u8>)> {
    let Some(dir) = samples() else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(kind))
        .map(|p| {
            let name = format!("{folder}/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The payload of a sample: the Body child of an envelope, or the bare root.
pub(crate) fn payload(name: &str, bytes: &[u8]) -> Element {
    let root = xml::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    crate::soap::payload(root).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Check that every file in `files` appears in `table` and vice versa.
pub(crate) fn check_table_covers(files: &[(String, Vec<u8>)], table: &[(&str, Option<&str>)]) {
    for (name, _) in files {
        assert!(
            table.iter().any(|(t, _)| t == name),
            "{name} is not in the test table"
        );
    }
    if !files.is_empty() {
        for (t, _) in table {
            assert!(
                files.iter().any(|(n, _)| n == t),
                "{t} is not in the corpus"
            );
        }
    }
}

/// An element with layout whitespace dropped and attributes sorted: two trees that
/// normalise equal carry the same information.
fn normalise(el: &Element) -> Element {
    let mut out = Element::new(&el.ns, &el.local);
    out.attrs = el.attrs.clone();
    out.attrs
        .sort_by(|a, b| (&a.ns, &a.local).cmp(&(&b.ns, &b.local)));
    out.children = el
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(Node::Element(normalise(e))),
            Node::Text(t) if t.trim().is_empty() => None,
            Node::Text(t) => Some(Node::Text(t.clone())),
        })
        .collect();
    out
}

/// ITI-18/ITI-38 requests in the corpus; all parse. `Some(text)` lists a note on the one
/// whose patient id value the strict value reader refuses.
const REQUESTS: &[(&str, Option<&str>)] = &[
    ("iti18/iti18-request-ipf.xml", Some("not terminated")),
    ("iti18/iti18-request-nist-bad-code.xml", None),
    ("iti18/iti18-request-nist-missing-status.xml", None),
    ("iti18/iti18-request-nist-soap.xml", None),
    ("iti18/iti18-request-nist.xml", None),
    ("iti38/iti38-request-hieos-connectathon-leafclass.xml", None),
    ("iti38/iti38-request-nhn-async.xml", None),
    ("iti38/iti38-request-nhn-soap-saml.xml", None),
    ("iti38/iti38-request-nist-finddocuments.xml", None),
    ("iti38/iti38-request-openncp-epsos.xml", None),
];

#[test]
fn every_corpus_query_request_parses_round_trips_and_keeps_its_slots() {
    let mut all = files("iti18", "request");
    all.extend(files("iti38", "request"));
    check_table_covers(&all, REQUESTS);
    for (name, bytes) in &all {
        let el = payload(name, bytes);
        let req = AdhocQueryRequest::parse(&el).unwrap_or_else(|e| panic!("{name}: {e}"));
        let in_xml = el
            .child(xml::ns::RIM, "AdhocQuery")
            .unwrap()
            .children_named(xml::ns::RIM, "Slot")
            .count();
        assert_eq!(req.query.slots.len(), in_xml, "{name}: slots lost");
        assert!(req.is_patient_id_based() && !req.needs_home(), "{name}");
        let back = AdhocQueryRequest::parse(&xml::parse(req.build().as_bytes()).unwrap());
        assert_eq!(back.as_ref(), Ok(&req), "{name}: round trip");
        // The patient id parameter, read strictly.
        let pid = req.patient_id_slot().unwrap().values[0].as_str();
        let expected = REQUESTS.iter().find(|(t, _)| t == name).unwrap().1;
        match (super::parse_values(pid), expected) {
            (Ok(v), None) => assert_eq!(v.len(), 1, "{name}"),
            (Err(e), Some(text)) => assert!(e.to_string().contains(text), "{name}: {e}"),
            (got, _) => panic!("{name}: {got:?}"),
        }
    }
}

/// ITI-18/ITI-38 responses in the corpus; all parse.
const RESPONSES: &[(&str, Option<&str>)] = &[
    ("iti18/iti18-response-hieos-ig-aggregated.xml", None),
    ("iti18/iti18-response-nist-leafclass.xml", None),
    ("iti18/iti18-response-nist-objectref-empty-home.xml", None),
    (
        "iti38/iti38-response-hieos-connectathon-leafclass.xml",
        None,
    ),
    ("iti38/iti38-response-metriport-multiple-docs.xml", None),
    ("iti38/iti38-response-metriport-partialsuccess.xml", None),
    ("iti38/iti38-response-nist-failure-errorlist.xml", None),
    ("iti38/iti38-response-nist-success.xml", None),
];

#[test]
fn every_corpus_query_response_round_trips_losslessly() {
    let mut all = files("iti18", "response");
    all.extend(files("iti38", "response"));
    check_table_covers(&all, RESPONSES);
    for (name, bytes) in &all {
        let el = payload(name, bytes);
        let resp = AdhocQueryResponse::parse(&el).unwrap_or_else(|e| panic!("{name}: {e}"));
        let built = resp.build();
        let again = xml::parse(built.as_bytes()).unwrap();
        assert_eq!(
            AdhocQueryResponse::parse(&again).as_ref(),
            Ok(&resp),
            "{name}: model round trip"
        );
        // Stronger: the rebuilt XML says everything the original said.
        assert_eq!(
            normalise(&again),
            normalise(&el),
            "{name}: infoset round trip"
        );
    }
}

#[test]
fn corpus_quirks_are_kept_as_sent() {
    let Some(dir) = samples() else { return };
    let read = |f: &str| {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        AdhocQueryResponse::parse(&payload(f, &bytes)).unwrap()
    };
    let empty_home = read("iti18/iti18-response-nist-objectref-empty-home.xml");
    assert_eq!(empty_home.objects.len(), 6);
    assert!(empty_home.objects.iter().all(|o| o.home() == Some("")));
    assert_eq!(empty_home.missing_home().len(), 6);

    let partial = read("iti38/iti38-response-metriport-partialsuccess.xml");
    assert_eq!(partial.status(), super::ResponseStatus::PartialSuccess);
    let errors = partial.errors().unwrap();
    assert_eq!(errors.errors[0].location, None);
    assert_eq!(errors.errors[0].error_code, "XDSRegistryError");
    assert_eq!(partial.total_result_count, Some(0));

    let aggregated = read("iti18/iti18-response-hieos-ig-aggregated.xml");
    let homes: std::collections::BTreeSet<_> = aggregated
        .document_entries()
        .filter_map(|d| d.home())
        .collect();
    assert_eq!(homes.len(), 2, "two communities: {homes:?}");
    assert!(aggregated.missing_home().is_empty());

    let hieos = read("iti38/iti38-response-hieos-connectathon-leafclass.xml");
    let doc = hieos.document_entries().next().unwrap();
    assert_eq!(
        doc.repository_unique_id(),
        Some("1.3.6.1.4.1.21367.2009.1.2.1030")
    );
    assert_eq!(doc.mime_type(), Some("text/xml"));
    let practice = doc.codes(super::ids::uuids::PRACTICE_SETTING_CODE);
    assert_eq!(practice[0].code, "Laboratory");
    assert_eq!(
        practice[0].scheme,
        Some("Connect-a-thon practiceSettingCodes")
    );
    assert!(doc.unique_id().is_some() && doc.patient_id().is_some());
}
