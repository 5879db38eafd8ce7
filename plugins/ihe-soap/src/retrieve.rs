//! ITI-39 Cross Gateway Retrieve from the responding gateway: the
//! RetrieveDocumentSetRequest out, the documents back with their exact bytes, inline
//! base64 or MTOM/XOP attachments alike [ITI TF-2 3.39.5, 3.43.5; App V V.8].

use crate::answer::Answer;
use crate::convert_xca::error_in;
use crate::settings::Settings;
use xcgate_ihe::ebrs::{ResponseStatus, Severity};
use xcgate_ihe::mtom::XopAttachments;
use xcgate_ihe::retrieve::{
    DocumentContent, RetrieveDocumentSetRequest, RetrieveDocumentSetResponse,
};
use xcgate_sdk::AdapterError;
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, RetrieveResponse};

/// The RetrieveDocumentSetRequest payload. Every DocumentRequest names the responding
/// community [ITI TF-2 3.39.1: HomeCommunityId required]: the responder's own id, which
/// may differ from the one this community has at our gateway.
pub fn request(settings: &Settings, requests: &[DocumentRequest]) -> String {
    RetrieveDocumentSetRequest {
        documents: requests
            .iter()
            .map(|r| xcgate_ihe::retrieve::DocumentRequest {
                home_community_id: Some(settings.remote_home_community_id.clone()),
                repository_unique_id: r.repository_unique_id.trim().to_string(),
                document_unique_id: r.document_unique_id.trim().to_string(),
            })
            .collect(),
    }
    .build()
}

/// The answer, and how many documents of a Failure answer were left out.
#[derive(Debug)]
pub struct Outcome {
    pub response: RetrieveResponse,
    pub dropped: usize,
}

fn bad(reason: impl std::fmt::Display) -> AdapterError {
    AdapterError::BadResponse(format!("the ITI-39 answer is not usable: {reason}"))
}

/// The bytes of one Document: decoded inline base64, or the MTOM part its `xop:Include`
/// names (URL-encoded `cid:` hrefs and Content-IDs in any case are matched [spec-summary §4]).
fn content(
    attachments: Option<&XopAttachments>,
    document: DocumentContent,
) -> Result<Vec<u8>, AdapterError> {
    match document {
        DocumentContent::Inline(bytes) => Ok(bytes),
        DocumentContent::XopInclude { href } => attachments
            .ok_or_else(|| {
                bad("a Document is an xop:Include, but the answer is not an MTOM package")
            })?
            .get(&href)
            .map(|b| b.to_vec())
            .ok_or_else(|| bad(format!("no MIME part for the xop:Include `{href}`"))),
    }
}

/// Interpret the RetrieveDocumentSetResponse. Success and PartialSuccess give their
/// documents and errors (per-document errors keep their location [ITI TF-2 3.43.5]);
/// Failure gives its errors only (no documents [ITI TF-3 Table 4.2.4.2-4]), and a Failure
/// that names no error is not an answer.
pub fn answer(answer: &Answer) -> Result<Outcome, AdapterError> {
    let r = RetrieveDocumentSetResponse::parse(&answer.payload).map_err(bad)?;
    let status = r.registry.status;
    let errors: Vec<_> = r.registry.errors.map(|l| l.errors).unwrap_or_default();
    if status == ResponseStatus::Failure && !errors.iter().any(|e| e.severity == Severity::Error) {
        return Err(bad(
            "a Failure without any RegistryError of severity Error [ITI TF-3 4.2.4.2]",
        ));
    }
    let (documents, dropped) = if status == ResponseStatus::Failure {
        (Vec::new(), r.documents.len())
    } else {
        // Every xop:Include of the root part, resolved once.
        let attachments = match &answer.multipart {
            Some(mp) => Some(mp.resolve_xop().map_err(bad)?),
            None => None,
        };
        let documents = r
            .documents
            .into_iter()
            .map(|d| {
                Ok(Document {
                    home_community_id: d.home_community_id,
                    repository_unique_id: d.repository_unique_id,
                    document_unique_id: d.document_unique_id,
                    new_repository_unique_id: d.new_repository_unique_id,
                    new_document_unique_id: d.new_document_unique_id,
                    mime_type: d.mime_type,
                    content: content(attachments.as_ref(), d.document)?,
                    extensions: vec![],
                })
            })
            .collect::<Result<Vec<_>, AdapterError>>()?;
        (documents, 0)
    };
    Ok(Outcome {
        response: RetrieveResponse {
            documents,
            errors: errors.into_iter().map(error_in).collect(),
        },
        dropped,
    })
}

#[cfg(test)]
mod tests;
