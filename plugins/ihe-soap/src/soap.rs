//! One synchronous SOAP 1.2 exchange with the responding gateway: the envelope with
//! WS-Addressing headers [ITI TF-2 App V V.3.1.2, V.9.2], the HTTP POST through the host's
//! `transport` (the host owns URL, TLS and timeout), and the answer read by [`answer`].

use crate::answer::{self, Answer};
use xcgate_sdk::AdapterError;
use xcgate_sdk::ihe::mtom::MtomBuilder;
use xcgate_sdk::ihe::soap::build_envelope;
use xcgate_sdk::ihe::wsa;
use xcgate_sdk::transport::TransportError;

/// An outgoing request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The endpoint name declared in this community's config.
    pub endpoint: &'a str,
    /// `wsa:Action` [ITI TF-2 3.55.6.1.1, Tables 3.38.5-2, 3.39.5-2].
    pub action: &'static str,
    /// `wsa:To`.
    pub to: &'a str,
    /// The Body payload (self-contained XML, no declaration).
    pub body: String,
    /// Send as an MTOM/XOP package (ITI-39 [ITI TF-2 3.43.5]) rather than simple SOAP.
    pub mtom: bool,
    /// Names the transaction in messages, e.g. `ITI-38 query`.
    pub what: &'static str,
}

/// The envelope: Action (mustUnderstand), MessageID, ReplyTo anonymous (a synchronous
/// exchange [App V V.5]), To.
pub fn envelope(action: &str, message_id: &str, to: &str, body: &str) -> String {
    build_envelope(&wsa::request_headers(action, message_id, to), body)
}

/// The HTTP Content-Type and body of a request. The `action` parameter is optional and
/// ignored by conforming receivers [App V IHE-WSP211], but some toolkits route on it.
pub fn encode(request: &Request<'_>, message_id: &str) -> Result<(String, Vec<u8>), AdapterError> {
    let env = envelope(request.action, message_id, request.to, &request.body);
    if !request.mtom {
        let ct = format!(
            "application/soap+xml; charset=UTF-8; action=\"{}\"",
            request.action
        );
        return Ok((ct, env.into_bytes()));
    }
    // An MTOM package with the envelope as its only part: the request has no document to
    // optimise, and a package without attachments is still MTOM [App V V.8.2].
    let (ct, chunks) = MtomBuilder::new(message_id, env)
        .action(request.action)
        .build()
        .map_err(|e| AdapterError::Internal(format!("cannot build the MTOM request: {e}")))?;
    let mut body = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    Ok((ct, body))
}

/// Why the host could not deliver the request or bring an answer back.
pub fn transport_error(e: TransportError, endpoint: &str, what: &str) -> AdapterError {
    match e {
        TransportError::UndeclaredEndpoint(_) => AdapterError::Internal(format!(
            "the endpoint `{endpoint}` for the {what} is not declared: add \
             [communities.<this community>.endpoints.{endpoint}] with the responding gateway's \
             url, or name a declared endpoint in the settings (README: iti55_endpoint, \
             iti38_endpoint, iti39_endpoint)"
        )),
        TransportError::InvalidRequest(m) => {
            AdapterError::Internal(format!("the host refused the {what} request: {m}"))
        }
        TransportError::Timeout => AdapterError::Unavailable(format!(
            "no answer to the {what} from endpoint `{endpoint}` before the timeout"
        )),
        TransportError::Connect(m) => AdapterError::Unavailable(format!(
            "cannot connect to endpoint `{endpoint}` for the {what}: {m}"
        )),
        TransportError::TooLarge(limit) => AdapterError::BadResponse(format!(
            "the {what} answer is larger than the endpoint's max_response ({limit} bytes)"
        )),
        TransportError::Protocol(m) => AdapterError::Unavailable(format!(
            "HTTP failure on endpoint `{endpoint}` for the {what}: {m}"
        )),
    }
}

/// Send the request and read the answer (on wasm; the host import is not there natively).
pub fn exchange(request: &Request<'_>) -> Result<Answer, AdapterError> {
    let message_id = format!("urn:uuid:{}", xcgate_sdk::ids::uuid_v4());
    let (content_type, body) = encode(request, &message_id)?;
    let sent = body.len();
    let response = xcgate_sdk::transport::post(request.endpoint, &content_type, &[], body)
        .map_err(|e| transport_error(e, request.endpoint, request.what))?;
    // Sizes and status only: never the content.
    xcgate_sdk::debug!(
        "{}: sent {sent} bytes to endpoint `{}`, HTTP {} with {} bytes",
        request.what,
        request.endpoint,
        response.status,
        response.body.len()
    );
    answer::read(
        response.status,
        response.content_type.as_deref(),
        response.body,
        request.what,
    )
}

#[cfg(test)]
mod tests;
