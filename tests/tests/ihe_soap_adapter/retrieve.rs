//! ITI-39 through the adapter: every retrieve answer sample, MTOM and plain.

use super::*;

/// What an ITI-39 sample must become at the initiator.
#[derive(Debug)]
enum Retrieve {
    /// Success with the sample's documents, byte-exact.
    Documents,
    /// Failure with (at least) these error codes.
    Errors(&'static [&'static str]),
}

const ITI39_SAMPLES: &[(&str, Retrieve)] = &[
    (
        "iti39-response-connect-failure.xml",
        Retrieve::Errors(&["XDSRepositoryError"]),
    ),
    // Legacy PartialSuccess URN, severity="Error", no document.
    (
        "iti39-response-connect-partialsuccess.xml",
        Retrieve::Errors(&["XDSStoredQueryParamNumber"]),
    ),
    (
        "iti39-response-metriport-mtom-binary.txt",
        Retrieve::Documents,
    ),
    (
        "iti39-response-metriport-mtom-multi.txt",
        Retrieve::Documents,
    ),
    ("iti39-response-metriport-mtom-xml.txt", Retrieve::Documents),
    // Success with an error and no document: the error is passed on.
    (
        "iti39-response-metriport-registry-error.xml",
        Retrieve::Errors(&["XDSRegistryError"]),
    ),
    // A SOAP Fault (Sender): the community failed.
    (
        "iti39-response-metriport-soap-fault.xml",
        Retrieve::Errors(&["XDSRegistryError"]),
    ),
    // Document text that is not base64: an error per document, no invented content.
    (
        "iti39-response-metriport-success.xml",
        Retrieve::Errors(&["XDSRepositoryError"]),
    ),
    (
        "iti39-response-nist-failure.xml",
        Retrieve::Errors(&["MyBigError"]),
    ),
    ("iti39-response-nist-success.xml", Retrieve::Documents),
];

/// (RepositoryUniqueId, DocumentUniqueId) → (mimeType, bytes).
type Documents = Vec<((String, String), (String, Vec<u8>))>;

/// The sample's documents, read independently of the adapter; first occurrence wins.
fn sample_documents(reply: &Reply) -> Documents {
    let mtom = reply
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("multipart/related"));
    let (root, mp) = if mtom {
        let mp = xcgate_ihe::mtom::parse_multipart(
            reply.content_type.as_deref().unwrap(),
            reply.body.clone(),
        )
        .unwrap();
        (mp.root().body().clone(), Some(mp))
    } else {
        (reply.body.clone(), None)
    };
    let payload = xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&root).unwrap()).unwrap();
    let Ok(r) = RetrieveDocumentSetResponse::parse_per_document(&payload) else {
        return Vec::new();
    };
    let attachments = mp
        .as_ref()
        .map(|m| m.resolve_xop().unwrap())
        .unwrap_or_default();
    let mut out: Documents = Vec::new();
    for d in r.documents {
        let key = (d.repository_unique_id.clone(), d.document_unique_id.clone());
        if out.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let bytes = attachments.document_bytes(&d.document).unwrap().to_vec();
        out.push((key, (d.mime_type.clone(), bytes)));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xca_retrieve_answer_sample_gives_its_bytes_or_its_errors() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti39", ITI39_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI39_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, actions::ITI39_RESPONSE);
        let documents = sample_documents(&reply);
        mock.reply_with(reply);
        // Ask for exactly the documents the sample holds (or one it does not).
        let mut asked: Vec<(&str, &str, &str)> = documents
            .iter()
            .map(|((repo, doc), _)| (REMOTE, repo.as_str(), doc.as_str()))
            .collect();
        if asked.is_empty() {
            asked.push((REMOTE, "2.999.40.3", "2.999.40.2.1"));
        }
        let a = post(
            &gw.initiating_url(),
            SOAP,
            soap_client::envelope(ITI39, "urn:uuid:r", &soap_client::retrieve(&asked)),
        )
        .await;
        assert_eq!(a.status, 200, "{name}: {}", a.body);
        let (got, mp) = soap_client::mtom_answer(&a);
        match expect {
            Retrieve::Documents => {
                assert_eq!(
                    got.registry.status,
                    ResponseStatus::Success,
                    "{name}: {:?}",
                    got.registry.errors
                );
                assert_eq!(got.documents.len(), documents.len(), "{name}");
                let by_id: HashMap<_, _> = documents.iter().cloned().collect();
                let attachments = mp.resolve_xop().unwrap();
                for d in &got.documents {
                    let (mime, bytes) =
                        &by_id[&(d.repository_unique_id.clone(), d.document_unique_id.clone())];
                    assert_eq!(&d.mime_type, mime, "{name}");
                    assert_eq!(
                        d.home_community_id.as_deref(),
                        Some(REMOTE),
                        "{name}: echoed"
                    );
                    let content = attachments.document_bytes(&d.document).unwrap();
                    assert!(!bytes.is_empty(), "{name}");
                    assert_eq!(&content[..], &bytes[..], "{name}: byte-exact");
                }
            }
            Retrieve::Errors(codes) => {
                assert_eq!(got.registry.status, ResponseStatus::Failure, "{name}");
                assert!(got.documents.is_empty(), "{name}");
                let errors: Vec<&str> = got
                    .registry
                    .errors
                    .iter()
                    .flat_map(|l| &l.errors)
                    .map(|e| e.error_code.as_str())
                    .collect();
                for code in *codes {
                    assert!(errors.contains(code), "{name}: {errors:?}");
                }
            }
        }
    }
    // The request went out as MTOM, one DocumentRequest per document, naming the remote.
    let sent = mock.last().unwrap();
    assert_eq!(sent.path, "/retrieve");
    assert!(
        sent.content_type.starts_with("multipart/related"),
        "{}",
        sent.content_type
    );
    let mp = xcgate_ihe::mtom::parse_multipart(&sent.content_type, sent.body.clone()).unwrap();
    let env = xcgate_ihe::soap::parse_envelope(mp.root().body()).unwrap();
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(actions::ITI39_REQUEST)
    );
    let r = xcgate_ihe::retrieve::RetrieveDocumentSetRequest::parse(&env.body).unwrap();
    assert!(
        r.documents
            .iter()
            .all(|d| d.home_community_id.as_deref() == Some(REMOTE))
    );
}
