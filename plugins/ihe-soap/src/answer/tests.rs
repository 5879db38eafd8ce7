use super::*;
use xcgate_sdk::ihe::mtom::MtomBuilder;

const SOAP: Option<&str> = Some("application/soap+xml; charset=utf-8");
const MESSAGE_ID: &str = "urn:uuid:8f4c3c1e-5a5b-4c1d-9d0e-3a2b1c0d9e8f";

fn env(body: &str) -> Vec<u8> {
    soap::build_envelope("", body).into_bytes()
}

fn fault(code: &str, subcode: Option<&str>) -> Vec<u8> {
    let sub = subcode
        .map(|s| {
            format!("<env:Subcode><env:Value xmlns:x=\"urn:x\">x:{s}</env:Value></env:Subcode>")
        })
        .unwrap_or_default();
    env(&format!(
        "<env:Fault><env:Code><env:Value>env:{code}</env:Value>{sub}</env:Code><env:Reason><env:Text xml:lang=\"en\">patient Virtanen not found</env:Text></env:Reason></env:Fault>"
    ))
}

fn err(status: u16, ct: Option<&str>, body: Vec<u8>) -> AdapterError {
    read(status, ct, body, "ITI-38 query").unwrap_err()
}

#[test]
fn a_simple_soap_answer_gives_its_payload() {
    let a = read(200, SOAP, env("<x:Answer xmlns:x=\"urn:x\"/>"), "t").unwrap();
    assert_eq!(a.payload.local, "Answer");
    assert!(a.multipart.is_none());
    // A bare payload (no envelope) is taken as it is.
    let a = read(200, SOAP, b"<x:Answer xmlns:x=\"urn:x\"/>".to_vec(), "t").unwrap();
    assert_eq!(a.payload.local, "Answer");
}

#[test]
fn faults_map_by_code_and_subcode_without_their_reason_text() {
    let cases = [
        (fault("Sender", None), "bad-response"),
        (fault("Receiver", None), "unavailable"),
        (fault("Receiver", Some("EndpointUnavailable")), "busy"),
        (
            fault("Sender", Some("FailedAuthentication")),
            "unauthorized",
        ),
        (fault("MustUnderstand", None), "bad-response"),
    ];
    for (body, want) in cases {
        for status in [200, 400, 500] {
            let e = err(status, SOAP, body.clone());
            let (kind, m) = match &e {
                AdapterError::BadResponse(m) => ("bad-response", m),
                AdapterError::Unavailable(m) => ("unavailable", m),
                AdapterError::Busy(m) => ("busy", m),
                AdapterError::Unauthorized(m) => ("unauthorized", m),
                other => panic!("{other:?}"),
            };
            assert_eq!(kind, want, "{m}");
            assert!(m.contains("SOAP Fault") && !m.contains("Virtanen"), "{m}");
        }
    }
}

#[test]
fn an_error_status_without_a_soap_body_maps_by_status() {
    let html = b"<html><body>Service Unavailable</body></html>".to_vec();
    assert!(matches!(
        err(503, Some("text/html"), html.clone()),
        AdapterError::Busy(_)
    ));
    assert!(matches!(err(429, None, vec![]), AdapterError::Busy(_)));
    assert!(matches!(
        err(401, None, vec![]),
        AdapterError::Unauthorized(_)
    ));
    assert!(matches!(
        err(404, Some("text/html"), html.clone()),
        AdapterError::BadResponse(_)
    ));
    assert!(
        matches!(err(500, Some("text/plain"), b"boom".to_vec()), AdapterError::Unavailable(m) if m.contains("HTTP 500"))
    );
    assert!(matches!(
        err(502, None, vec![]),
        AdapterError::Unavailable(_)
    ));
    // A SOAP answer inside an error status is read like any answer.
    let a = read(500, SOAP, env("<x:Answer xmlns:x=\"urn:x\"/>"), "t").unwrap();
    assert_eq!(a.payload.local, "Answer");
}

#[test]
fn garbage_with_200_is_a_bad_response_never_an_empty_answer() {
    for body in [
        b"".to_vec(),
        b"not xml".to_vec(),
        b"<a><b></a>".to_vec(),
        b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>".to_vec(),
        env(""),
    ] {
        assert!(matches!(err(200, SOAP, body), AdapterError::BadResponse(_)));
    }
    let soap11 = b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x/></s:Body></s:Envelope>";
    assert!(
        matches!(err(200, SOAP, soap11.to_vec()), AdapterError::BadResponse(m) if m.contains("SOAP 1.1"))
    );
}

#[test]
fn an_mtom_answer_is_split_and_its_root_read() {
    let envelope = soap::build_envelope("", "<x:Answer xmlns:x=\"urn:x\"/>");
    let (ct, chunks) = MtomBuilder::new("seed", envelope).build().unwrap();
    let body: Vec<u8> = chunks.iter().flat_map(|c| c.to_vec()).collect();
    let a = read(200, Some(&ct), body.clone(), "t").unwrap();
    assert_eq!(a.payload.local, "Answer");
    assert!(a.multipart.is_some());
    // Without its Content-Type (some captures and proxies), sniffed from the delimiter.
    let a = read(200, None, body.clone(), "t").unwrap();
    assert!(a.multipart.is_some());
    // Truncated: not usable, and said so.
    let cut = body[..body.len() - 10].to_vec();
    assert!(matches!(err(200, Some(&ct), cut), AdapterError::BadResponse(m) if m.contains("MTOM")));
}

#[test]
fn a_plain_text_refusal_is_reported_with_its_status_and_first_line() {
    // As a US network participant's gateway refused requests without message security.
    let e = err(
        400,
        Some("text/plain"),
        b"Envelope.Header.Security.Timestamp Required; Security.Signature Required\nat line 1"
            .to_vec(),
    );
    let AdapterError::BadResponse(text) = e else {
        panic!("{e:?}");
    };
    assert!(text.contains("HTTP 400"), "{text}");
    assert!(
        text.contains(
            "\"Envelope.Header.Security.Timestamp Required; Security.Signature Required\""
        ),
        "{text}"
    );
    // An HTML error page: its title.
    let e = err(
        503,
        Some("text/html"),
        b"<html><head><title>Service Unavailable</title></head><body>...</body></html>".to_vec(),
    );
    assert!(
        matches!(&e, AdapterError::Busy(t) if t.contains("\"Service Unavailable\"")),
        "{e:?}"
    );
}

#[test]
fn a_refusal_line_never_carries_ids_numbers_or_more_than_a_line() {
    let line = refusal_line(
        Some("text/plain"),
        b"patient 120390-904J^^^&1.2.246.21&ISO not found for user dr@example.org (id 5550123)",
    )
    .unwrap_or_default();
    for leaked in ["904J", "1.2.246.21", "dr@example.org", "5550123", "120390"] {
        assert!(!line.contains(leaked), "{leaked} in {line}");
    }
    let long = "x".repeat(500);
    assert!(refusal_line(None, long.as_bytes()).is_some_and(|l| l.chars().count() <= 121));
    assert_eq!(refusal_line(None, b"\xff\xfe not utf-8"), None);
}

#[test]
fn relates_to_in_any_form_is_accepted_on_a_synchronous_answer() {
    let with = |relates: &str| {
        soap::build_envelope(
            &format!("<wsa:RelatesTo xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">{relates}</wsa:RelatesTo>"),
            "<x:Answer xmlns:x=\"urn:x\"/>",
        )
        .into_bytes()
    };
    for relates in [
        MESSAGE_ID,
        "8f4c3c1e-5a5b-4c1d-9d0e-3a2b1c0d9e8f",
        "uuid:8F4C3C1E-5A5B-4C1D-9D0E-3A2B1C0D9E8F",
        // A captured answer replayed with its original id: still the answer on our
        // connection.
        "urn:uuid:00000000-0000-4000-8000-000000000000",
    ] {
        assert!(read(200, SOAP, with(relates), "t").is_ok(), "{relates}");
    }
    assert!(xcgate_sdk::ihe::wsa::same_message_id(
        MESSAGE_ID,
        "uuid:8F4C3C1E-5A5B-4C1D-9D0E-3A2B1C0D9E8F"
    ));
    assert!(!xcgate_sdk::ihe::wsa::same_message_id(
        MESSAGE_ID,
        "urn:uuid:00000000-0000-4000-8000-000000000000"
    ));
}
