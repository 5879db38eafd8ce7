//! XCA Cross Gateway Retrieve (ITI-39, and ITI-43 through the gateway): the records and the
//! trait an adapter implements. Per-document errors are in
//! [`xds::retrieve`](crate::xds::retrieve).

// The records are generated (wit-bindgen): `Default` is written out, not derived.
#![allow(clippy::derivable_impls)]

use crate::{AdapterError, CallContext, RegistryError};

pub use crate::__private::retrieve::exports::xcgate::adapter::document_retrieve::{
    Document, DocumentRequest, RetrieveResponse,
};

/// An adapter that answers ITI-39: register it with
/// [`register_document_retrieve!`](crate::register_document_retrieve).
pub trait DocumentRetrieve {
    /// The documents of `requests` this community holds, and one RegistryError per document
    /// it cannot return (`XDSDocumentUniqueIdError`, `XDSRepositoryIdError`: see
    /// [`xds::retrieve`](crate::xds::retrieve)) [ITI TF-2 3.39.4.1.3]. An [`AdapterError`]
    /// when the community cannot answer at all.
    fn retrieve(
        ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError>;
}

impl Default for RetrieveResponse {
    fn default() -> Self {
        RetrieveResponse {
            documents: vec![],
            errors: vec![],
        }
    }
}

impl RetrieveResponse {
    /// Add a document.
    pub fn document(mut self, document: Document) -> Self {
        self.documents.push(document);
        self
    }

    /// Add a per-document error.
    pub fn error(mut self, error: RegistryError) -> Self {
        self.errors.push(error);
        self
    }
}

impl Document {
    /// The document that answers `request`: its ids as requested, its MIME type and bytes.
    pub fn answering(
        request: &DocumentRequest,
        mime_type: impl Into<String>,
        content: Vec<u8>,
    ) -> Document {
        Document {
            home_community_id: request.home_community_id.clone(),
            repository_unique_id: request.repository_unique_id.clone(),
            document_unique_id: request.document_unique_id.clone(),
            new_repository_unique_id: None,
            new_document_unique_id: None,
            mime_type: mime_type.into(),
            content,
            extensions: vec![],
        }
    }
}

impl DocumentRequest {
    /// A request for one document (for unit tests).
    pub fn new(repository_unique_id: &str, document_unique_id: &str) -> DocumentRequest {
        DocumentRequest {
            home_community_id: None,
            repository_unique_id: repository_unique_id.to_string(),
            document_unique_id: document_unique_id.to_string(),
        }
    }
}
