//! ITI-39 Cross Gateway Retrieve from the responding gateway: the
//! RetrieveDocumentSetRequest out, the documents back with their exact bytes, inline
//! base64 or MTOM/XOP attachments alike [ITI TF-2 3.39.5, 3.43.5; App V V.8].

use crate::answer::Answer;
use crate::settings::Settings;
use xcgate_sdk::ihe::ebrs::{ResponseStatus, error_codes};
use xcgate_sdk::ihe::mtom::Multipart;
use xcgate_sdk::ihe::retrieve::{
    DocumentContent, RetrieveDocumentSetRequest, RetrieveDocumentSetResponse,
};
use xcgate_sdk::model::xca::error_in;
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, RetrieveResponse};
use xcgate_sdk::{AdapterError, RegistryError, Severity as SdkSeverity};

/// The RetrieveDocumentSetRequest payload. Every DocumentRequest names the responding
/// community [ITI TF-2 3.39.1: HomeCommunityId required]: the responder's own id, which
/// may differ from the one this community has at our gateway.
pub fn request(settings: &Settings, requests: &[DocumentRequest]) -> String {
    RetrieveDocumentSetRequest {
        documents: requests
            .iter()
            .map(|r| xcgate_sdk::ihe::retrieve::DocumentRequest {
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

/// The body of the MTOM part an `xop:Include` names (URL-encoded `cid:` hrefs and
/// Content-IDs in any case are matched [ITI TF-2 App V V.8]), looked up per document so that
/// one dangling reference costs only its own document.
fn attachment(multipart: Option<&Multipart>, href: &str) -> Result<Vec<u8>, String> {
    let mp =
        multipart.ok_or("the Document is an xop:Include, but the answer is not an MTOM package")?;
    let part = mp.part_by_href(href).map_err(|e| e.to_string())?;
    match part.transfer_encoding() {
        // XOP parts carry raw octets [XOP 1.0 §5]: an encoded part is not the document.
        Some(enc)
            if !["binary", "8bit", "7bit"]
                .iter()
                .any(|ok| enc.eq_ignore_ascii_case(ok)) =>
        {
            Err(format!(
                "its MIME part uses Content-Transfer-Encoding {enc}; XOP parts carry raw octets [XOP 1.0 §5]"
            ))
        }
        _ => Ok(part.body().to_vec()),
    }
}

/// One error for a document the responder sent but that cannot be passed on: severity
/// Error, location = its DocumentUniqueId, no document for it [ITI TF-2 3.43.5].
fn refused(document_unique_id: Option<String>, reason: String) -> RegistryError {
    RegistryError {
        error_code: error_codes::REPOSITORY_ERROR.to_string(),
        code_context: format!("the responding gateway returned an unusable Document: {reason}"),
        severity: SdkSeverity::Error,
        location: document_unique_id,
    }
}

/// Interpret the RetrieveDocumentSetResponse. Success and PartialSuccess give their
/// documents and errors (per-document errors keep their location [ITI TF-2 3.43.5]);
/// Failure gives its errors only (no documents [ITI TF-3 Table 4.2.4.2-4]), and a Failure
/// that names no error is not an answer. A Document that cannot be read (not base64
/// [host/ihe/README.md, "What real peers send"], a dangling `xop:Include`) becomes an error for that document only.
pub fn answer(answer: &Answer) -> Result<Outcome, AdapterError> {
    let r = RetrieveDocumentSetResponse::parse_per_document(&answer.payload).map_err(bad)?;
    let status = r.registry.status;
    let mut errors: Vec<RegistryError> = r
        .registry
        .errors
        .map(|l| l.errors)
        .unwrap_or_default()
        .into_iter()
        .map(error_in)
        .collect();
    if status == ResponseStatus::Failure && !errors.iter().any(|e| e.severity == SdkSeverity::Error)
    {
        return Err(bad(
            "a Failure without any RegistryError of severity Error [ITI TF-3 4.2.4.2]",
        ));
    }
    if status == ResponseStatus::Failure {
        return Ok(Outcome {
            dropped: r.documents.len() + r.refused.len(),
            response: RetrieveResponse {
                documents: Vec::new(),
                errors,
            },
        });
    }
    errors.extend(
        r.refused
            .into_iter()
            .map(|(id, e)| refused(id, e.to_string())),
    );
    let mut documents = Vec::with_capacity(r.documents.len());
    for d in r.documents {
        let content = match d.document {
            DocumentContent::Inline(bytes) => bytes,
            DocumentContent::XopInclude { href } => {
                match attachment(answer.multipart.as_ref(), &href) {
                    Ok(bytes) => bytes,
                    Err(reason) => {
                        errors.push(refused(Some(d.document_unique_id), reason));
                        continue;
                    }
                }
            }
        };
        documents.push(Document {
            home_community_id: d.home_community_id,
            repository_unique_id: d.repository_unique_id,
            document_unique_id: d.document_unique_id,
            new_repository_unique_id: d.new_repository_unique_id,
            new_document_unique_id: d.new_document_unique_id,
            mime_type: d.mime_type,
            content,
            extensions: vec![],
        });
    }
    Ok(Outcome {
        response: RetrieveResponse { documents, errors },
        dropped: 0,
    })
}

#[cfg(test)]
mod tests;
