//! XCA through the initiating endpoint: routing, aggregation, deadline, MTOM — against
//! test communities whose behaviour is set in config.

use std::time::Duration;
use xcgate_ihe::ebrs::{AdhocQueryResponse, ObjectKind, ResponseStatus, ReturnType, error_codes};
use xcgate_ihe::retrieve::DocumentContent;
use xcgate_tests::soap_client::{self, ITI18, ITI38, ITI39, ITI43, post};
use xcgate_tests::{GatewayBuilder, TestGateway, corpus, gateway, guests};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// Misbehaving communities: (name, behaviour settings as TOML, timeout). The hcid of
/// community `i` is urn:oid:2.999.7.<i>.
fn config(deadline: &str, communities: &[(&str, &str, &str)]) -> GatewayBuilder {
    let mut gw = gateway()
        .home_community_id("urn:oid:2.999.7")
        .deadline(deadline);
    for (i, (name, settings, timeout)) in communities.iter().enumerate() {
        gw = gw.community_with(name, guests::MISBEHAVING, |c| {
            c.home_community_id(&format!("urn:oid:2.999.7.{i}"))
                .timeout(timeout)
                .set("memory_limit", "\"128MiB\"")
                .set("settings", &format!("{{ {settings} }}"))
        });
    }
    gw
}

async fn query(gw: &TestGateway, action: &str, payload: &str) -> (AdhocQueryResponse, String) {
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(action, "urn:uuid:q-1", payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let response = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body))
        .unwrap_or_else(|e| panic!("{e}: {}", a.body));
    (response, a.body)
}

fn errors(r: &AdhocQueryResponse) -> Vec<(String, String)> {
    r.registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.location.clone().unwrap_or_default()))
        .collect()
}

fn validate(xml: &str, label: &str) {
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(&dir, "drivers/soap12-xds.xsd", xml, label).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_query_reaches_every_community_and_names_each_failure() {
    let gw = config(
        "3s",
        &[
            ("one", "behaviour = \"echo\"", "2s"),
            ("crashing", "behaviour = \"trap\"", "2s"),
            ("late", "behaviour = \"sleep\"", "300ms"),
            ("homeless", "omit_home = \"true\"", "2s"),
            ("stranger", "unknown_patient = \"true\"", "2s"),
        ],
    )
    .start()
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let (r, body) = query(
        &gw,
        ITI38,
        &soap_client::find_documents("P1^^^&2.999.7.0.1&ISO", ReturnType::LeafClass),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(r.status(), ResponseStatus::PartialSuccess);
    assert_eq!(
        r.objects.len(),
        1,
        "only the healthy community's object comes back"
    );
    assert_eq!(r.objects[0].home(), Some("urn:oid:2.999.7.0"));
    let mut got = errors(&r);
    got.sort();
    let mut expected = vec![
        (
            error_codes::REGISTRY_ERROR.to_string(),
            "urn:oid:2.999.7.1".to_string(),
        ),
        (
            error_codes::UNAVAILABLE_COMMUNITY.to_string(),
            "urn:oid:2.999.7.2".to_string(),
        ),
        (
            error_codes::MISSING_HOME_COMMUNITY_ID.to_string(),
            "urn:oid:2.999.7.3".to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(
        got, expected,
        "XDSUnknownPatientId is not passed on; every failure is located"
    );
    assert!(body.contains("urn:ihe:iti:2007:CrossGatewayQueryResponse"));
    validate(&body, "iti38-partial");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_with_home_goes_only_to_that_community() {
    let gw = config(
        "3s",
        &[
            ("one", "behaviour = \"echo\"", "2s"),
            ("two", "behaviour = \"trap\"", "2s"),
        ],
    )
    .start()
    .await
    .unwrap();
    let (r, body) = query(
        &gw,
        ITI38,
        &soap_client::get_documents("2.999.7.0.2.1", Some("urn:oid:2.999.7.0")),
    )
    .await;
    assert_eq!(r.status(), ResponseStatus::Success, "{body}");
    assert_eq!(r.objects.len(), 1);
    // The same with a doubled prefix, as some peers send it.
    let (r, _) = query(
        &gw,
        ITI38,
        &soap_client::get_documents("2.999.7.0.2.1", Some("urn:oid:urn:oid:2.999.7.0")),
    )
    .await;
    assert_eq!(r.status(), ResponseStatus::Success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_errors_are_registry_errors() {
    let gw = config("3s", &[("one", "behaviour = \"echo\"", "2s")])
        .start()
        .await
        .unwrap();
    let (r, body) = query(
        &gw,
        ITI38,
        &soap_client::get_documents("1.2.3", Some("urn:oid:9.9.9")),
    )
    .await;
    assert_eq!(r.status(), ResponseStatus::Failure);
    assert_eq!(
        errors(&r),
        [(
            error_codes::UNKNOWN_COMMUNITY.to_string(),
            "urn:oid:9.9.9".to_string()
        )]
    );
    validate(&body, "unknown-community");
    let (r, _) = query(&gw, ITI38, &soap_client::get_documents("1.2.3", None)).await;
    assert_eq!(r.status(), ResponseStatus::Failure);
    assert_eq!(errors(&r)[0].0, error_codes::MISSING_HOME_COMMUNITY_ID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_ref_and_iti18_are_honoured() {
    let gw = config(
        "3s",
        &[
            ("one", "behaviour = \"echo\"", "2s"),
            ("two", "behaviour = \"echo\"", "2s"),
        ],
    )
    .start()
    .await
    .unwrap();
    let (r, body) = query(
        &gw,
        ITI18,
        &soap_client::find_documents("P1^^^&2.999.7.0.1&ISO", ReturnType::ObjectRef),
    )
    .await;
    assert!(
        body.contains("urn:ihe:iti:2007:RegistryStoredQueryResponse"),
        "ITI-18 answers with its own action"
    );
    assert_eq!(r.status(), ResponseStatus::Success);
    assert_eq!(r.objects.len(), 2);
    assert!(
        r.objects
            .iter()
            .all(|o| o.kind == ObjectKind::ObjectRef && o.home().is_some())
    );
    validate(&body, "iti18-objectref");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retrieve_across_communities_is_mtom_with_one_error_per_missing_document() {
    let gw = config(
        "3s",
        &[
            ("one", "behaviour = \"echo\"", "2s"),
            ("two", "missing = \"2.999.7.1.2.9\"", "2s"),
            ("three", "behaviour = \"busy\"", "2s"),
        ],
    )
    .start()
    .await
    .unwrap();
    let request = soap_client::retrieve(&[
        ("urn:oid:2.999.7.0", "2.999.7.0.3", "2.999.7.0.2.1"),
        ("urn:oid:2.999.7.1", "2.999.7.1.3", "2.999.7.1.2.1"),
        ("urn:oid:2.999.7.1", "2.999.7.1.3", "2.999.7.1.2.9"),
        ("urn:oid:2.999.7.2", "2.999.7.2.3", "2.999.7.2.2.1"),
        ("urn:oid:9.9.9", "9.9.9.3", "9.9.9.2.1"),
    ]);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI39, "urn:uuid:r-1", &request),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (r, mp) = soap_client::mtom_answer(&a);
    assert_eq!(r.registry.status, ResponseStatus::PartialSuccess);
    let ids: Vec<&str> = r
        .documents
        .iter()
        .map(|d| d.document_unique_id.as_str())
        .collect();
    assert_eq!(ids, ["2.999.7.0.2.1", "2.999.7.1.2.1"]);
    for d in &r.documents {
        assert!(d.home_community_id.is_some(), "HomeCommunityId is echoed");
        let DocumentContent::XopInclude { href } = &d.document else {
            panic!("documents travel as binary parts")
        };
        assert_eq!(mp.attachment(href).expect("the part is there").len(), 1024);
    }
    let located: Vec<(String, String)> = r
        .registry
        .errors
        .iter()
        .flat_map(|l| &l.errors)
        .map(|e| (e.error_code.clone(), e.location.clone().unwrap_or_default()))
        .collect();
    assert!(
        located.contains(&(
            error_codes::DOCUMENT_UNIQUE_ID_ERROR.into(),
            "2.999.7.1.2.9".into()
        )),
        "{located:?}"
    );
    assert!(
        located.contains(&(error_codes::REGISTRY_BUSY.into(), "2.999.7.2.2.1".into())),
        "{located:?}"
    );
    assert!(
        located.contains(&(error_codes::UNKNOWN_COMMUNITY.into(), "9.9.9.2.1".into())),
        "{located:?}"
    );
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        let inlined = xcgate_ihe::mtom::inline_xop_as_base64(mp.root().body(), &mp).unwrap();
        corpus::validate(&dir, "drivers/soap12-xds.xsd", &inlined, "iti39-mtom").unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_mib_document_round_trips_byte_exact_through_mtom() {
    let size = 20 * 1024 * 1024;
    let gw = config(
        "20s",
        &[("big", &format!("document_size = \"{size}\""), "15s")],
    )
    .start()
    .await
    .unwrap();
    let request = soap_client::retrieve(&[("urn:oid:2.999.7.0", "2.999.7.0.3", "2.999.7.0.2.1")]);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI43, "urn:uuid:r-2", &request),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(
        a.raw.len() < size + 4096,
        "no base64 in the answer: {} bytes",
        a.raw.len()
    );
    let (r, mp) = soap_client::mtom_answer(&a);
    assert_eq!(r.registry.status, ResponseStatus::Success);
    let DocumentContent::XopInclude { href } = &r.documents[0].document else {
        panic!("not XOP")
    };
    let doc = mp.attachment(href).unwrap();
    assert_eq!(doc.len(), size);
    let expected = (0..size).map(|i| (i % 251) as u8 ^ (i >> 16) as u8);
    assert!(
        doc.iter().copied().eq(expected),
        "the document is byte-exact"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mtom_request_is_accepted() {
    let gw = config("3s", &[("one", "behaviour = \"echo\"", "2s")])
        .start()
        .await
        .unwrap();
    let request = soap_client::retrieve(&[("urn:oid:2.999.7.0", "2.999.7.0.3", "2.999.7.0.2.1")]);
    let envelope = soap_client::envelope(ITI39, "urn:uuid:r-3", &request);
    let (content_type, chunks) = xcgate_ihe::mtom::MtomBuilder::new("test", envelope)
        .build()
        .unwrap();
    let body: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    let a = post(&gw.initiating_url(), &content_type, body).await;
    let (r, _) = soap_client::mtom_answer(&a);
    assert_eq!(r.registry.status, ResponseStatus::Success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_does_not_export_an_interface_is_not_routed_that_transaction() {
    let gw = config("3s", &[("one", "behaviour = \"echo\"", "2s")])
        .community_with("xcpd_only", guests::DISCOVERY_ONLY, |c| {
            c.home_community_id("urn:oid:2.999.7.9")
        })
        .start()
        .await
        .unwrap();
    // ITI-38: only the community that exports document-query is asked; nothing is said
    // about the other one.
    let (r, body) = query(
        &gw,
        ITI38,
        &soap_client::find_documents("P1^^^&2.999.7.0.1&ISO", ReturnType::LeafClass),
    )
    .await;
    assert_eq!(r.status(), ResponseStatus::Success, "{body}");
    assert_eq!(r.objects.len(), 1);
    assert!(!body.contains("2.999.7.9"), "{body}");
    // Naming it with home is an unknown community for XCA.
    let (r, _) = query(
        &gw,
        ITI38,
        &soap_client::get_documents("1.2.3", Some("urn:oid:2.999.7.9")),
    )
    .await;
    assert_eq!(
        errors(&r),
        [(
            error_codes::UNKNOWN_COMMUNITY.to_string(),
            "urn:oid:2.999.7.9".to_string()
        )]
    );
    // ITI-55 reaches both.
    let a = soap_client::iti55(
        &gw.initiating_url(),
        &soap_client::demographic_query("only", "Virtanen", "Aino", "19900312"),
    )
    .await;
    let parsed = soap_client::iti55_answer(&a.body);
    assert_eq!(parsed.matches.len(), 2, "{}", a.body);
}
