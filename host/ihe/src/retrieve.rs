//! XDS.b Retrieve Document Set: the messages of ITI-43 and of Cross Gateway Retrieve
//! (ITI-39), which reuses them unchanged [ITI TF-2 3.39.5, 3.43.4].
//!
//! Documents are modelled so that MTOM/XOP can be added without copying big documents
//! through the XML text: a Document is either decoded bytes or a reference to an attachment
//! (`xop:Include href="cid:..."`) [ITI TF-2 App V V.8].

pub mod base64;
mod request;
mod response;

pub use request::{DocumentRequest, RetrieveDocumentSetRequest};
pub use response::{DocumentContent, DocumentResponse, PerDocument, RetrieveDocumentSetResponse};

use crate::ebrs::EbrsError;
use crate::xml::Element;
use base64::Base64Error;

/// A retrieve message that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetrieveError {
    #[error("{0}")]
    Ebrs(#[from] EbrsError),
    #[error(
        "RetrieveDocumentSetRequest has no DocumentRequest; one or more are required [XDS.b_DocumentRepository.xsd]"
    )]
    NoDocumentRequest,
    #[error("{path} is required and missing{}", in_document(.document_unique_id))]
    Missing {
        path: &'static str,
        document_unique_id: Option<String>,
    },
    #[error(
        "the Document of DocumentUniqueId `{document_unique_id}` is not base64 (xs:base64Binary): {source}"
    )]
    NotBase64 {
        document_unique_id: String,
        source: Base64Error,
    },
    #[error("the Document of DocumentUniqueId `{document_unique_id}`: {reason}")]
    BadDocument {
        document_unique_id: String,
        reason: &'static str,
    },
}

fn in_document(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (DocumentUniqueId `{id}`)"))
        .unwrap_or_default()
}

/// The trimmed text of the child `{XDS_B}local`, if present.
fn child_text(el: &Element, local: &str) -> Option<String> {
    el.child(crate::xml::ns::XDS_B, local)
        .map(|c| c.text().trim().to_string())
}

#[cfg(test)]
mod tests;
