use super::*;
use xcgate_sdk::ihe::xml::ns;

fn request(mtom: bool) -> Request<'static> {
    Request {
        endpoint: "query",
        action: "urn:ihe:iti:2007:CrossGatewayQuery",
        to: "urn:oid:2.999.1.10",
        body: "<x:Q xmlns:x=\"urn:x\"/>".into(),
        mtom,
        what: "ITI-38 query",
    }
}

#[test]
fn a_plain_request_is_a_soap_12_envelope_with_ws_addressing() {
    let (ct, body) = encode(&request(false), "urn:uuid:m-1").unwrap();
    assert_eq!(
        ct,
        "application/soap+xml; charset=UTF-8; action=\"urn:ihe:iti:2007:CrossGatewayQuery\""
    );
    let env = xcgate_sdk::ihe::soap::parse_envelope(&body).unwrap();
    let a = &env.addressing;
    assert_eq!(
        a.action.as_deref(),
        Some("urn:ihe:iti:2007:CrossGatewayQuery")
    );
    assert_eq!(a.message_id.as_deref(), Some("urn:uuid:m-1"));
    assert_eq!(a.to.as_deref(), Some("urn:oid:2.999.1.10"));
    assert!(a.is_synchronous() && a.reply_to.as_deref() == Some(wsa::ANONYMOUS));
    let action = env.header(ns::WSA, "Action").unwrap();
    assert_eq!(action.attr_ns(ns::SOAP12, "mustUnderstand"), Some("true"));
    assert_eq!(env.body.local, "Q");
}

#[test]
fn an_mtom_request_is_a_package_whose_root_is_the_envelope() {
    let (ct, body) = encode(&request(true), "urn:uuid:m-2").unwrap();
    assert!(ct.starts_with("multipart/related;") && ct.contains("application/xop+xml"));
    let mp = xcgate_sdk::ihe::mtom::parse_multipart(&ct, body.into()).unwrap();
    let env = xcgate_sdk::ihe::soap::parse_envelope(mp.root().body()).unwrap();
    assert_eq!(env.body.local, "Q");
}

#[test]
fn transport_failures_map_to_errors_that_say_what_to_do() {
    let e = transport_error(
        TransportError::UndeclaredEndpoint("xq".into()),
        "xq",
        "ITI-38 query",
    );
    assert!(
        matches!(e, AdapterError::Internal(m) if m.contains("endpoints.xq") && m.contains("iti38_endpoint"))
    );
    assert!(matches!(
        transport_error(TransportError::Timeout, "q", "w"),
        AdapterError::Unavailable(_)
    ));
    assert!(matches!(
        transport_error(TransportError::Connect("refused".into()), "q", "w"),
        AdapterError::Unavailable(_)
    ));
    assert!(matches!(
        transport_error(TransportError::TooLarge(10), "q", "w"),
        AdapterError::BadResponse(_)
    ));
    assert!(matches!(
        transport_error(TransportError::InvalidRequest("x".into()), "q", "w"),
        AdapterError::Internal(_)
    ));
}
