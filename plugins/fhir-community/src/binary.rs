//! Where a document's bytes are: inline in `Attachment.data`, or at `Attachment.url`
//! [FHIR R4 datatypes.html#Attachment; MHD ITI TF-2 3.68 Retrieve Document]. A URL may be
//! relative to the FHIR base (`Binary/42`) or absolute under it; the plugin never sees the
//! endpoint's URL, so an absolute one is accepted only under `settings.base_url`, and a
//! URL to any other host is refused: the host would not send it there anyway, and
//! fetching its path from our server would return the wrong bytes.

use crate::client::{self, FHIR_JSON};
use crate::digest;
use crate::model::{Attachment, Binary, resource_type};
use xcgate_sdk::AdapterError;
use xcgate_sdk::transport;

/// Where to read an attachment's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Inline(Vec<u8>),
    /// A path relative to the endpoint's URL.
    Path(String),
}

/// Why a document's content cannot be had; becomes that document's RegistryError.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

/// The content source of an attachment.
pub fn source(a: &Attachment, base_url: Option<&str>) -> Result<Source, Refusal> {
    if let Some(data) = a.data.as_deref() {
        return digest::base64_decode(data)
            .map(Source::Inline)
            .ok_or_else(|| Refusal("the attachment's inline data is not base64".to_string()));
    }
    let url = a
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Refusal("the attachment has neither data nor url".to_string()))?;
    if url.contains("://") {
        return client::relative_to(url, base_url)
            .map(Source::Path)
            .ok_or_else(|| {
                Refusal(
                    "the attachment URL is not under this community's FHIR base \
                     (settings.base_url)"
                        .to_string(),
                )
            });
    }
    if url.starts_with('#') || url.starts_with('/') || url.split('/').any(|s| s == ".." || s == ".")
    {
        return Err(Refusal(
            "the attachment URL is not a path under the FHIR base".to_string(),
        ));
    }
    Ok(Source::Path(url.to_string()))
}

/// A document's bytes and the media type the server gave them.
pub type Content = (Vec<u8>, Option<String>);

/// What a 2xx read of `path` holds: a FHIR Binary as JSON (its `data`, base64), or, when
/// the server answered with the native form, the body itself [FHIR R4 binary.html#rest].
pub fn content_of(content_type: Option<&str>, body: Vec<u8>) -> Result<Content, Refusal> {
    let media = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase());
    if !matches!(media.as_deref(), Some(FHIR_JSON | "application/json")) {
        return Ok((body, media));
    }
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| Refusal("the Binary read is not JSON".to_string()))?;
    if resource_type(&value) != Some("Binary") {
        return Err(Refusal(format!(
            "the attachment URL gave a {}, not a Binary",
            resource_type(&value).unwrap_or("document without resourceType")
        )));
    }
    let binary: Binary = serde_json::from_value(value)
        .map_err(|_| Refusal("the Binary is malformed".to_string()))?;
    let data = binary.data.as_deref().unwrap_or_default();
    let bytes = digest::base64_decode(data)
        .ok_or_else(|| Refusal("the Binary's data is not base64".to_string()))?;
    Ok((bytes, binary.content_type))
}

/// Read `path` from the endpoint. A failure of the server (busy, unreachable) fails the
/// call; a missing or unusable Binary fails this document only.
pub fn fetch(endpoint: &str, path: &str) -> Result<Result<Content, Refusal>, AdapterError> {
    let response = transport::get(endpoint, path, &[("Accept", FHIR_JSON)])
        .map_err(|e| client::transport_error(endpoint, e))?;
    if matches!(response.status, 404 | 410) {
        return Ok(Err(Refusal(format!(
            "the attachment's Binary is not on the FHIR server (HTTP {})",
            response.status
        ))));
    }
    if !(200..=299).contains(&response.status) {
        // Busy, unavailable, unauthorized: the same for every document of this call.
        client::interpret(response.status, &response.body)?;
    }
    let content_type = response.content_type.clone();
    Ok(content_of(content_type.as_deref(), response.body))
}

#[cfg(test)]
mod tests;
