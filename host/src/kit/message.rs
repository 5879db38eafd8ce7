//! The answer a plugin's result becomes on the wire: aggregated by the gateway's own code
//! [ITI TF-2 3.55.4.2.3, 3.38.4.1.3, 3.39.4.1.3] as if the plugin were the only community
//! asked, then read back by the gateway's own parsers. What an initiator would receive.

use super::call::{Answer, CallRun};
use super::request::KitRequest;
use super::subject::Subject;
use crate::fanout::Outcome;
use std::collections::HashMap;
use xcgate_ihe::hl7v3::{self, Party};
use xcgate_ihe::retrieve::DocumentContent;
use xcgate_ihe::xcpd::Ii;
use xcgate_ihe::xml;

/// The homeCommunityId the kit answers as (the example OID arc of ISO 2.999).
const KIT_GATEWAY: &str = "urn:oid:2.999.999";

/// The payload of the answer (the child of the SOAP Body), or why it could not be built.
pub fn wire_answer(subject: &Subject, request: &KitRequest, run: &CallRun) -> String {
    let outcome = |result| one_outcome(subject, run, result);
    let result = run.result.clone();
    match request {
        KitRequest::Iti55(req) => {
            let result = result.map(|a| match a {
                Answer::Matches(m) => m,
                _ => Vec::new(),
            });
            let now = crate::wire::hl7_now();
            let kit = Party {
                device: Some(Ii::new("2.999.999.2", None)),
                home_community: Some(KIT_GATEWAY.into()),
            };
            let id = Ii::new("2.999.999.1", Some(&uuid::Uuid::new_v4().to_string()));
            crate::xcpd::aggregate(&[outcome(result)])
                .response_to(req, kit, id, &now, None)
                .build()
        }
        KitRequest::Iti56(requested) => match result {
            Ok(Answer::Locations(l)) => xcgate_ihe::plq::build_response(requested, &l),
            _ => xcgate_ihe::plq::build_response(requested, &[]),
        },
        KitRequest::Iti38(req) => {
            let result = result.map(|a| match a {
                Answer::Found(f) => f,
                _ => Default::default(),
            });
            crate::xca::query::aggregate_query(
                &[one_outcome(subject, run, result)],
                req.return_type(),
            )
            .build()
        }
        KitRequest::Iti39(documents) => {
            let result = result.map(|a| match a {
                Answer::Retrieved(r) => r,
                _ => Default::default(),
            });
            let requested =
                HashMap::from([(subject.plugin.home_community_id.clone(), documents.clone())]);
            let (mut response, attachments) = crate::xca::retrieve::aggregate_retrieve(
                &[one_outcome(subject, run, result)],
                &requested,
                Vec::new(),
            );
            // The documents inline, as base64: the MTOM packaging is the transport's, and
            // the XDS.b schema reads `Document` as base64Binary.
            for d in &mut response.documents {
                if let DocumentContent::XopInclude { href } = &d.document
                    && let Some(a) = attachments
                        .iter()
                        .find(|a| xcgate_ihe::mtom::cid_href(&a.content_id) == *href)
                {
                    d.document = DocumentContent::Inline(a.body.to_vec());
                }
            }
            response.build()
        }
    }
}

fn one_outcome<T>(
    subject: &Subject,
    run: &CallRun,
    result: Result<T, crate::call::CallFailure>,
) -> Outcome<crate::plugin::CommunityPlugin, T> {
    Outcome {
        community: subject.plugin.clone(),
        result,
        elapsed: run.elapsed,
    }
}

/// Read the answer back with the parser the gateway uses for a peer's answer: what one
/// xcgate sends, another reads.
pub fn read_back(request: &KitRequest, message: &str) -> Result<(), String> {
    let root = xml::parse(message.as_bytes()).map_err(|e| format!("not well-formed: {e}"))?;
    match request {
        KitRequest::Iti55(_) => hl7v3::parse_response(&root)
            .map(drop)
            .map_err(|e| e.to_string()),
        KitRequest::Iti56(_) => xcgate_ihe::plq::parse_response(&root)
            .map(drop)
            .map_err(|e| e.to_string()),
        KitRequest::Iti38(_) => xcgate_ihe::ebrs::AdhocQueryResponse::parse(&root)
            .map(drop)
            .map_err(|e| e.to_string()),
        KitRequest::Iti39(_) => xcgate_ihe::retrieve::RetrieveDocumentSetResponse::parse(&root)
            .map(drop)
            .map_err(|e| e.to_string()),
    }
}
