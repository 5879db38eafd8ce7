//! What real gateways send that is wrong but meaningful is read as meant, one test per row
//! of `plugins/ihe-soap/README.md` "Read liberally", each built from the shape of a real
//! answer (a US network participant's gateway answered like this).

use super::*;
use xcgate_ihe::hl7v3::{AckCode, Custodian, DiscoveryResponse, Party, QueryResponseCode};
use xcgate_ihe::xcpd::{Ii, PatientMatch};

fn wrapped(action: &str, payload: &str) -> Reply {
    let headers =
        xcgate_ihe::wsa::response_headers(action, "urn:uuid:peer-answer", Some("urn:uuid:q"));
    Reply::soap(xcgate_ihe::soap::build_envelope(&headers, payload))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iso_8601_birth_date_is_the_hl7_ts_it_means() {
    let (gw, mock) = gateway_and_mock().await;
    let events = [(
        PatientMatch {
            patient_id: Ii::new("2.16.840.1.113883.3.9621", Some("P-77")),
            birth_time: Some("1980-02-03".into()),
            ..Default::default()
        },
        Custodian {
            home_community: "2.999.40".into(),
            supports_hdl: false,
        },
    )];
    let query_id = Ii::new("2.999.9", Some("q"));
    let payload = DiscoveryResponse {
        message_id: Ii::new("2.999.40", Some("m")),
        creation_time: "20260101120000",
        processing_code: "P",
        sender: Party::default(),
        receiver: Party::default(),
        ack: AckCode::AA,
        ack_detail: None,
        target_message: None,
        query_response: QueryResponseCode::OK,
        query_id: &query_id,
        events: &events,
        issues: &[],
        query_by_parameter: None,
    }
    .build();
    mock.reply_with(wrapped(hl7v3::actions::ITI55_RESPONSE, &payload));
    let answer = soap_client::iti55(&gw.initiating_url(), &aino()).await;
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(parsed.matches.len(), 1, "{}", answer.body);
    assert_eq!(parsed.matches[0].birth_time.as_deref(), Some("19800203"));
    assert!(
        answer.body.contains("<birthTime value=\"19800203\"/>"),
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_in_urn_oid_form_and_a_doubled_home_prefix_are_the_ids_asked_for() {
    let (gw, mock) = gateway_and_mock().await;
    // The responder advertised 2.999.40.3 in ITI-38, then answers the retrieve naming it
    // `urn:oid:2.999.40.3`, and its homeCommunityId `urn:oid:urn:oid:2.999.40`.
    let document = b"Laboratoriotulokset: B-Hb 134 g/l";
    let payload = format!(
        "<xds:RetrieveDocumentSetResponse xmlns:xds=\"urn:ihe:iti:xds-b:2007\" xmlns:rs=\"urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0\"><rs:RegistryResponse status=\"urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success\"/><xds:DocumentResponse><xds:HomeCommunityId>urn:oid:urn:oid:2.999.40</xds:HomeCommunityId><xds:RepositoryUniqueId>urn:oid:2.999.40.3</xds:RepositoryUniqueId><xds:DocumentUniqueId>urn:oid:2.999.40.2.1</xds:DocumentUniqueId><xds:mimeType>text/plain</xds:mimeType><xds:Document>{}</xds:Document></xds:DocumentResponse></xds:RetrieveDocumentSetResponse>",
        xcgate_ihe::retrieve::base64::encode(document)
    );
    mock.reply_with(wrapped(actions::ITI39_RESPONSE, &payload));
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(
            ITI39,
            "urn:uuid:r",
            &soap_client::retrieve(&[(REMOTE, "2.999.40.3", "2.999.40.2.1")]),
        ),
    )
    .await;
    let (got, mp) = soap_client::mtom_answer(&a);
    assert_eq!(
        got.registry.status,
        ResponseStatus::Success,
        "{:?}",
        got.registry.errors
    );
    assert_eq!(got.documents.len(), 1);
    let d = &got.documents[0];
    assert_eq!(
        (
            d.repository_unique_id.as_str(),
            d.document_unique_id.as_str()
        ),
        ("2.999.40.3", "2.999.40.2.1"),
        "the ids as asked"
    );
    let content = mp
        .resolve_xop()
        .unwrap()
        .document_bytes(&d.document)
        .unwrap();
    assert_eq!(&content[..], document);
}
