//! A minimal SOAP 1.2 client for the tests.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// The ITI-55 request action.
pub const ITI55: &str = "urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery";

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// The raw body (for MTOM answers).
    pub raw: Bytes,
}

/// POST `body` with `content_type` and return the answer.
pub async fn post(url: &str, content_type: &str, body: impl Into<Bytes>) -> Answer {
    let req = http::Request::post(url)
        .header("content-type", content_type)
        .body(Full::new(body.into()))
        .expect("request");
    send(req).await
}

/// GET `url` and return the answer.
pub async fn get(url: &str) -> Answer {
    let req = http::Request::get(url)
        .body(Full::new(Bytes::new()))
        .expect("request");
    send(req).await
}

async fn send(req: http::Request<Full<Bytes>>) -> Answer {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let resp = client.request(req).await.expect("the gateway answers");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .expect("response body")
        .to_bytes();
    Answer {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        raw: bytes,
    }
}

/// Wrap a payload (with or without an XML declaration) in a SOAP 1.2 envelope with
/// WS-Addressing headers.
pub fn envelope(action: &str, message_id: &str, payload: &str) -> String {
    let payload = strip_declaration(payload);
    format!(
        r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><soap:Header><wsa:Action soap:mustUnderstand="true">{action}</wsa:Action><wsa:MessageID>{message_id}</wsa:MessageID><wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo></soap:Header><soap:Body>{payload}</soap:Body></soap:Envelope>"#
    )
}

/// The payload without its `<?xml ...?>` declaration.
pub fn strip_declaration(xml: &str) -> &str {
    let t = xml.trim_start_matches('\u{feff}').trim_start();
    match t.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(t, |(_, after)| after),
        None => t,
    }
}

/// POST an ITI-55 payload to `url` wrapped in a SOAP envelope.
pub async fn iti55(url: &str, payload: &str) -> Answer {
    post(
        url,
        "application/soap+xml; charset=utf-8",
        envelope(
            ITI55,
            "urn:uuid:11111111-2222-3333-4444-555555555555",
            payload,
        ),
    )
    .await
}

/// The Body payload of a SOAP answer.
pub fn body_payload(answer: &str) -> xcgate_ihe::xml::Element {
    xcgate_ihe::soap::parse_envelope(answer.as_bytes())
        .unwrap_or_else(|e| panic!("the answer is not a SOAP 1.2 envelope ({e}):\n{answer}"))
        .body
}

/// Parse an ITI-55 answer.
pub fn iti55_answer(answer: &str) -> xcgate_ihe::hl7v3::ParsedResponse {
    xcgate_ihe::hl7v3::parse_response(&body_payload(answer))
        .unwrap_or_else(|e| panic!("not a PRPA_IN201306UV02 ({e}):\n{answer}"))
}

/// A PRPA_IN201305UV02 asking for a person by name and birth date (our own fixture).
pub fn demographic_query(message_ext: &str, family: &str, given: &str, birth_time: &str) -> String {
    use xcgate_ihe::xcpd::{PatientQuery, PersonName, TimeQuery};
    let q = PatientQuery {
        names: vec![PersonName {
            family: vec![family.into()],
            given: vec![given.into()],
            ..Default::default()
        }],
        birth_time: Some(TimeQuery {
            value: Some(birth_time.into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    patient_query(message_ext, &q)
}

/// A PRPA_IN201305UV02 from the initiator 2.999.5 to the gateway 2.999.1 with `query`'s
/// parameters (our own fixture).
pub fn patient_query(message_ext: &str, query: &xcgate_ihe::xcpd::PatientQuery) -> String {
    use xcgate_ihe::xcpd::Ii;
    xcgate_ihe::hl7v3::QueryBuilder {
        message_id: Ii::new("2.999.5", Some(message_ext)),
        creation_time: "20261123120000",
        sender_device: Ii::new("2.999.5.1", None),
        sender_home_community: "urn:oid:2.999.5",
        receiver_device: Ii::new("2.999.1", None),
        receiver_home_community: Some("urn:oid:2.999.1"),
        query_id: Ii::new("2.999.5", Some(message_ext)),
        query,
    }
    .build()
}

/// ITI-38 and ITI-39 actions.
pub const ITI38: &str = "urn:ihe:iti:2007:CrossGatewayQuery";
pub const ITI18: &str = "urn:ihe:iti:2007:RegistryStoredQuery";
pub const ITI39: &str = "urn:ihe:iti:2007:CrossGatewayRetrieve";
pub const ITI43: &str = "urn:ihe:iti:2007:RetrieveDocumentSet";

/// A FindDocuments stored query for a patient id in CX form (our own fixture).
pub fn find_documents(patient_cx: &str, return_type: xcgate_ihe::ebrs::ReturnType) -> String {
    use xcgate_ihe::ebrs::{AdhocQueryRequest, Slot, StoredQuery};
    let mut q = AdhocQueryRequest::new(StoredQuery::FindDocuments.id(), return_type);
    q.query.slots.push(Slot {
        name: "$XDSDocumentEntryPatientId".into(),
        slot_type: None,
        values: vec![format!("'{patient_cx}'")],
    });
    q.query.slots.push(Slot {
        name: "$XDSDocumentEntryStatus".into(),
        slot_type: None,
        values: vec!["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')".into()],
    });
    q.build()
}

/// A GetDocuments stored query by uniqueId, naming a community with `home`.
pub fn get_documents(unique_id: &str, home: Option<&str>) -> String {
    use xcgate_ihe::ebrs::{AdhocQueryRequest, ReturnType, Slot, StoredQuery};
    let mut q = AdhocQueryRequest::new(StoredQuery::GetDocuments.id(), ReturnType::LeafClass);
    q.query.slots.push(Slot {
        name: "$XDSDocumentEntryUniqueId".into(),
        slot_type: None,
        values: vec![format!("('{unique_id}')")],
    });
    if let Some(h) = home {
        q.set_home(h);
    }
    q.build()
}

/// A RetrieveDocumentSetRequest for (home, repository, document) triples.
pub fn retrieve(documents: &[(&str, &str, &str)]) -> String {
    use xcgate_ihe::retrieve::{DocumentRequest, RetrieveDocumentSetRequest};
    RetrieveDocumentSetRequest {
        documents: documents
            .iter()
            .map(|(h, r, d)| DocumentRequest {
                home_community_id: Some(h.to_string()),
                repository_unique_id: r.to_string(),
                document_unique_id: d.to_string(),
            })
            .collect(),
    }
    .build()
}

/// Read an MTOM answer: the envelope's payload and its attachments.
pub fn mtom_answer(
    answer: &Answer,
) -> (
    xcgate_ihe::retrieve::RetrieveDocumentSetResponse,
    xcgate_ihe::mtom::Multipart,
) {
    assert!(
        answer.content_type.starts_with("multipart/related"),
        "not MTOM: {} {}",
        answer.content_type,
        answer.body
    );
    let mp = xcgate_ihe::mtom::parse_multipart(&answer.content_type, answer.raw.clone())
        .expect("MTOM parses");
    let env =
        xcgate_ihe::soap::parse_envelope(mp.root().body()).expect("root part is a SOAP envelope");
    let response = xcgate_ihe::retrieve::RetrieveDocumentSetResponse::parse(&env.body)
        .expect("RetrieveDocumentSetResponse");
    (response, mp)
}
