//! Cross Gateway Retrieve (ITI-39) as MHD: find the DocumentReference of each
//! DocumentUniqueId (`DocumentReference?identifier=urn:oid:<id>`, whose R4 expression
//! covers masterIdentifier), then its attachment's bytes [ITI TF-2 3.68]. Each document
//! that cannot be returned gets one RegistryError, location = its DocumentUniqueId, and
//! no DocumentResponse [ITI TF-2 3.43.5].

use crate::binary::{self, Refusal, Source};
use crate::client::{self, Query};
use crate::digest;
use crate::document::unique_id;
use crate::model::DocumentReference;
use crate::settings::Settings;
use xcgate_sdk::ihe::ebrs::error_codes;
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, RetrieveResponse};
use xcgate_sdk::xds::digest as xds_digest;
use xcgate_sdk::xds::retrieve::{foreign_community, request_error, unknown_repository};
use xcgate_sdk::{AdapterError, CallContext};

/// The identifier value a uniqueId is stored under: an OID as `urn:oid:<oid>` (MHD writes
/// masterIdentifier as a URI [ITI TF-3 4.5.4.4.7: uniqueId]); anything else as it is.
pub fn identifier_value(unique_id: &str) -> String {
    let id = unique_id.trim();
    let is_oid = !id.is_empty()
        && id
            .split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
    if is_oid {
        format!("urn:oid:{id}")
    } else {
        id.to_string()
    }
}

/// The media type without parameters, as the DocumentEntry's mimeType has it.
fn media_type(t: &str) -> Option<String> {
    let t = t.split(';').next()?.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Answer every DocumentRequest.
pub fn retrieve(
    ctx: &CallContext,
    settings: &Settings,
    requests: &[DocumentRequest],
) -> Result<RetrieveResponse, AdapterError> {
    let repository = settings.repository()?;
    let mut response = RetrieveResponse {
        documents: Vec::new(),
        errors: Vec::new(),
    };
    for request in requests {
        // Absent home is accepted: ITI-43 callers omit it [ITI TF-2 3.39.4.1.3].
        if let Some(home) = foreign_community(request, &ctx.target_home_community_id) {
            response.errors.push(request_error(
                error_codes::UNKNOWN_COMMUNITY,
                format!("homeCommunityId {home} is not this community"),
                request,
            ));
            continue;
        }
        if request.repository_unique_id.trim() != repository {
            response.errors.push(unknown_repository(request));
            continue;
        }
        match one(settings, request)? {
            Ok((content, mime_type)) => response.documents.push(Document {
                // Echoed as sent [ITI TF-2 3.43.5].
                home_community_id: request.home_community_id.clone(),
                repository_unique_id: repository.to_string(),
                document_unique_id: request.document_unique_id.trim().to_string(),
                new_repository_unique_id: None,
                new_document_unique_id: None,
                mime_type,
                content,
                extensions: vec![],
            }),
            Err((code, Refusal(reason))) => {
                response.errors.push(request_error(code, reason, request))
            }
        }
    }
    Ok(response)
}

type Outcome = Result<(Vec<u8>, String), (&'static str, Refusal)>;

/// One document: its bytes and mime type, or the error code and reason.
fn one(settings: &Settings, request: &DocumentRequest) -> Result<Outcome, AdapterError> {
    let wanted = request.document_unique_id.trim();
    let mut q = Query::new();
    q.add("identifier", &identifier_value(wanted));
    let found = client::search(&settings.endpoint, &q.path("DocumentReference"))?;
    let doc = found
        .into_iter()
        .filter_map(|r| serde_json::from_value::<DocumentReference>(r).ok())
        .find(|d| {
            d.status.as_deref() != Some("entered-in-error")
                && unique_id(d).as_deref() == Some(wanted)
        });
    let unknown = || {
        (
            error_codes::DOCUMENT_UNIQUE_ID_ERROR,
            Refusal("the document is not in this repository".to_string()),
        )
    };
    let Some(doc) = doc else {
        return Ok(Err(unknown()));
    };
    let Some(attachment) = doc.content.first().map(|c| &c.attachment) else {
        return Ok(Err(unknown()));
    };
    let repository_error = |r: Refusal| (error_codes::REPOSITORY_ERROR, r);
    let (bytes, binary_type) = match binary::source(attachment, settings.base_url.as_deref()) {
        Err(r) => return Ok(Err(repository_error(r))),
        Ok(Source::Inline(bytes)) => (bytes, None),
        Ok(Source::Path(path)) => match binary::fetch(&settings.endpoint, &path)? {
            Ok(read) => read,
            Err(r) => return Ok(Err(repository_error(r))),
        },
    };
    check(attachment.size, attachment.hash.as_deref(), &bytes);
    let mime_type = attachment
        .content_type
        .as_deref()
        .or(binary_type.as_deref())
        .and_then(media_type)
        .unwrap_or_else(|| "application/octet-stream".to_string());
    Ok(Ok((bytes, mime_type)))
}

/// Warn when the bytes differ from the size or hash the DocumentReference states: the
/// initiator checks them against the metadata [ITI TF-2 3.43.5] and will refuse them.
fn check(size: Option<u64>, hash: Option<&str>, bytes: &[u8]) {
    if size.is_some_and(|s| s != bytes.len() as u64) {
        xcgate_sdk::warn!("retrieved content differs from Attachment.size");
    }
    let stated = hash.and_then(digest::base64_decode);
    if stated.is_some_and(|h| h != xds_digest::sha1(bytes)) {
        xcgate_sdk::warn!("retrieved content differs from Attachment.hash");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_unique_ids_are_searched_as_urns() {
        assert_eq!(identifier_value(" 2.999.44.2.1 "), "urn:oid:2.999.44.2.1");
        assert_eq!(identifier_value("2.999.1^ext"), "2.999.1^ext");
        assert_eq!(
            media_type("text/plain; charset=utf-8").as_deref(),
            Some("text/plain")
        );
    }
}
