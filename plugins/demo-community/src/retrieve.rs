//! Cross Gateway Retrieve (ITI-39) over the demo catalog [ITI TF-2 3.39, 3.43].

use crate::catalog::Catalog;
use xcgate_sdk::ihe::ebrs::error_codes;
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, RetrieveResponse};
use xcgate_sdk::xds::retrieve::{foreign_community, request_error, unknown_repository};

/// Answer every DocumentRequest: the document's exact bytes, or one RegistryError.
pub fn retrieve(catalog: &Catalog, requests: &[DocumentRequest]) -> RetrieveResponse {
    let mut response = RetrieveResponse {
        documents: Vec::new(),
        errors: Vec::new(),
    };
    for request in requests {
        // A homeCommunityId this community does not serve [ITI TF-2 3.39.4.1.3; TF-3 Table
        // 4.2.4.1-2 XDSUnknownCommunity]. Absent is accepted: ITI-43 callers omit it.
        if let Some(home) = foreign_community(request, &catalog.home) {
            response.errors.push(request_error(
                error_codes::UNKNOWN_COMMUNITY,
                format!("homeCommunityId {home} is not {}", catalog.home),
                request,
            ));
            continue;
        }
        if catalog.repository_unique_id.is_empty()
            || request.repository_unique_id.trim() != catalog.repository_unique_id
        {
            response.errors.push(unknown_repository(request));
            continue;
        }
        let Some(doc) = catalog.by_unique_id(&request.document_unique_id) else {
            response.errors.push(request_error(
                error_codes::DOCUMENT_UNIQUE_ID_ERROR,
                format!(
                    "document {} is not in repository {}",
                    request.document_unique_id.trim(),
                    catalog.repository_unique_id
                ),
                request,
            ));
            continue;
        };
        response.documents.push(Document {
            // Echoed as sent (absent if absent) [ITI TF-2 3.43.5].
            home_community_id: request.home_community_id.clone(),
            repository_unique_id: catalog.repository_unique_id.clone(),
            document_unique_id: doc.config.unique_id.clone(),
            new_repository_unique_id: None,
            new_document_unique_id: None,
            mime_type: doc.config.mime_type.clone(),
            content: doc.content.clone(),
            extensions: vec![],
        });
    }
    response
}

#[cfg(test)]
mod tests;
