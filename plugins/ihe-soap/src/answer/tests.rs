use super::*;
use xcgate_ihe::mtom::MtomBuilder;

const SOAP: Option<&str> = Some("application/soap+xml; charset=utf-8");

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
