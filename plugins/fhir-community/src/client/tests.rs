use super::*;

#[test]
fn a_search_answer_gives_the_matched_resources_only() {
    let body = br#"{"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"Patient","id":"a"},"search":{"mode":"match"}},
        {"resource":{"resourceType":"Patient","id":"b"}},
        {"resource":{"resourceType":"Organization","id":"o"},"search":{"mode":"include"}},
        {"resource":{"resourceType":"OperationOutcome"},"search":{"mode":"outcome"}}]}"#;
    let found = page(interpret(200, body).unwrap()).unwrap().resources;
    let ids: Vec<&str> = found.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn an_operation_outcome_is_a_bad_response_that_names_codes_not_diagnostics() {
    let body =
        br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid",
        "diagnostics":"Invalid family 'Virtanen'","details":{"text":"Virtanen"}}]}"#;
    for status in [200, 400, 422, 500] {
        let Err(AdapterError::BadResponse(m)) = interpret(status, body) else {
            panic!("HTTP {status} with an OperationOutcome is a bad response")
        };
        assert!(m.contains("error/invalid"), "{m}");
        assert!(
            !m.contains("Virtanen"),
            "no search values in the message: {m}"
        );
    }
}

#[test]
fn statuses_map_to_the_adapter_errors_of_the_contract() {
    assert!(matches!(interpret(503, b""), Err(AdapterError::Busy(_))));
    assert!(matches!(interpret(429, b"{}"), Err(AdapterError::Busy(_))));
    assert!(matches!(
        interpret(401, b""),
        Err(AdapterError::Unauthorized(_))
    ));
    assert!(matches!(
        interpret(504, b""),
        Err(AdapterError::Unavailable(_))
    ));
    assert!(
        matches!(interpret(404, b"<html/>"), Err(AdapterError::BadResponse(m)) if m.contains("404"))
    );
    assert!(
        matches!(interpret(200, b"{not json"), Err(AdapterError::BadResponse(m)) if m.contains("not JSON"))
    );
    assert!(matches!(
        page(interpret(200, br#"{"resourceType":"Patient"}"#).unwrap()),
        Err(AdapterError::BadResponse(m)) if m.contains("Patient")
    ));
}

#[test]
fn transport_failures_map_to_unavailable_or_a_config_hint() {
    assert!(matches!(
        transport_error("fhir", TransportError::Timeout),
        AdapterError::Unavailable(_)
    ));
    assert!(matches!(
        transport_error("fhir", TransportError::Connect("refused".into())),
        AdapterError::Unavailable(_)
    ));
    let AdapterError::Internal(m) =
        transport_error("fhir", TransportError::UndeclaredEndpoint("fhir".into()))
    else {
        panic!("an undeclared endpoint is a config fault")
    };
    assert!(m.contains("endpoints.fhir"), "{m}");
}

#[test]
fn queries_encode_values_and_escape_token_separators() {
    let mut q = Query::new();
    q.add("family", "Mäki Öberg")
        .token("identifier", "urn:oid:2.999.1", "A|B,C");
    assert_eq!(
        q.path("Patient"),
        "Patient?family=M%C3%A4ki%20%C3%96berg&identifier=urn%3Aoid%3A2.999.1%7CA%5C%7CB%5C%2CC"
    );
}

#[test]
fn next_links_are_followed_only_under_the_base() {
    let body = br#"{"resourceType":"Bundle","link":[{"relation":"self","url":"x"},
        {"relation":"next","url":"http://fhir.test/R4?_getpages=abc&_offset=20"}],"entry":[]}"#;
    let next = page(interpret(200, body).unwrap()).unwrap().next.unwrap();
    assert_eq!(
        relative_to(&next, Some("http://fhir.test/R4")).as_deref(),
        Some("?_getpages=abc&_offset=20"),
        "a query on the base itself"
    );
    assert_eq!(relative_to(&next, Some("http://fhir.test/R")), None);
    assert_eq!(
        relative_to(
            "http://fhir.test/R4/DocumentReference?page=2",
            Some("http://fhir.test/R4/")
        )
        .as_deref(),
        Some("DocumentReference?page=2")
    );
    assert_eq!(
        relative_to(
            "http://other.test/R4/DocumentReference?page=2",
            Some("http://fhir.test/R4")
        ),
        None
    );
    assert_eq!(
        relative_to("DocumentReference?page=2", None).as_deref(),
        Some("DocumentReference?page=2")
    );
    assert_eq!(relative_to("/DocumentReference", None), None);
}
