//! ITI-38 through the adapter: every stored-query answer sample.

use super::*;

/// What an ITI-38 sample must become at the initiator.
#[derive(Debug)]
enum Query {
    /// Success with the sample's objects, unchanged.
    Objects,
    /// Failure with these error codes, passed on.
    Errors(&'static [&'static str]),
}

const ITI38_SAMPLES: &[(&str, Query)] = &[
    // Bare payload; ebRIM under two prefixes.
    (
        "iti38-response-hieos-connectathon-leafclass.xml",
        Query::Objects,
    ),
    ("iti38-response-metriport-multiple-docs.xml", Query::Objects),
    // PartialSuccess with no object and an error without location.
    (
        "iti38-response-metriport-partialsuccess.xml",
        Query::Errors(&["XDSRegistryError"]),
    ),
    // Failure that still lists objects: Failure means no results.
    (
        "iti38-response-nist-failure-errorlist.xml",
        Query::Errors(&["MyBigError"]),
    ),
    ("iti38-response-nist-success.xml", Query::Objects),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xca_query_answer_sample_passes_its_objects_or_its_errors() {
    let Some(dir) = corpus::dir() else { return };
    let (gw, mock) = gateway_and_mock().await;
    for path in table_samples(&dir, "iti38", ITI38_SAMPLES) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = &ITI38_SAMPLES.iter().find(|(n, _)| *n == name).unwrap().1;
        let reply = Reply::sample(&path, actions::ITI38_RESPONSE);
        let oracle = AdhocQueryResponse::parse(
            &xcgate_ihe::soap::payload(xcgate_ihe::xml::parse(&reply.body).unwrap()).unwrap(),
        )
        .unwrap();
        mock.reply_with(reply);
        let (got, body) = find_documents(&gw).await;
        match expect {
            Query::Objects => {
                assert_eq!(got.status(), ResponseStatus::Success, "{name}: {body}");
                assert!(!oracle.objects.is_empty(), "{name}");
                let same: Vec<&RegistryObject> = got.objects.iter().collect();
                let want: Vec<&RegistryObject> = oracle.objects.iter().collect();
                assert_eq!(same, want, "{name}: every object passes through losslessly");
            }
            Query::Errors(codes) => {
                assert_eq!(got.status(), ResponseStatus::Failure, "{name}: {body}");
                assert!(got.objects.is_empty(), "{name}");
                let errors = error_codes(&got);
                for code in *codes {
                    assert!(errors.iter().any(|(c, _)| c == code), "{name}: {errors:?}");
                }
                // Sent locations are kept, a missing one names the community.
                for (sent, (_, location)) in oracle
                    .errors()
                    .into_iter()
                    .flat_map(|l| &l.errors)
                    .zip(&errors)
                {
                    let want = sent.location.clone().unwrap_or_else(|| REMOTE.to_string());
                    assert_eq!(location.as_deref(), Some(want.as_str()), "{name}");
                }
            }
        }
    }
    let sent = mock.last().unwrap();
    assert_eq!(sent.path, "/query");
    let env = xcgate_ihe::soap::parse_envelope(&sent.body).unwrap();
    assert_eq!(
        env.addressing.action.as_deref(),
        Some(actions::ITI38_REQUEST)
    );
    let q = xcgate_ihe::ebrs::AdhocQueryRequest::parse(&env.body).unwrap();
    assert_eq!(
        q.patient_id_slot().map(|s| s.values.clone()),
        Some(vec!["'P1^^^&2.999.40.1&ISO'".to_string()]),
        "parameters pass through unchanged"
    );
}
