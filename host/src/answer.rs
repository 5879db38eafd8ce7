//! HTTP answers: SOAP 1.2 envelopes, MTOM/XOP messages, and the plain-text answers of
//! requests that never reached SOAP. The body is made of ready chunks, so an MTOM answer
//! sends each document as the very `Bytes` its adapter returned (no copy).

mod chunks;

pub use chunks::Chunks;

use http::{Response, StatusCode, header};

const SOAP_CONTENT_TYPE: &str = "application/soap+xml; charset=utf-8";

/// A binary part of an MTOM answer.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub content_id: String,
    pub content_type: String,
    pub body: bytes::Bytes,
}

fn with_request_id(mut r: Response<Chunks>, request_id: &str) -> Response<Chunks> {
    if let Ok(v) = header::HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}

/// A plain-text answer (`text/plain; charset=utf-8`).
pub fn plain(status: StatusCode, text: impl Into<String>) -> Response<Chunks> {
    let mut r = Response::new(Chunks::one(text.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// A request accepted for an asynchronous answer: HTTP 202 and no body [SOAP 1.2 Part 2,
/// 7.5.1.2 (a one-way message); WS-Addressing 1.0 SOAP Binding 5.2.1].
pub fn accepted(request_id: &str) -> Response<Chunks> {
    let mut r = Response::new(Chunks::new(Vec::new()));
    *r.status_mut() = StatusCode::ACCEPTED;
    with_request_id(r, request_id)
}

/// A SOAP 1.2 answer.
pub fn soap(status: StatusCode, envelope: String, request_id: &str) -> Response<Chunks> {
    let mut r = Response::new(Chunks::one(envelope));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(SOAP_CONTENT_TYPE),
    );
    with_request_id(r, request_id)
}

/// An MTOM/XOP answer [ITI TF-2 3.43.5, App V V.9.3]: the envelope as root part and each
/// document as a binary part, streamed from the adapters' buffers.
pub fn mtom(
    status: StatusCode,
    envelope: String,
    attachments: Vec<Attachment>,
    request_id: &str,
) -> Result<Response<Chunks>, xcgate_ihe::mtom::MtomError> {
    let mut builder = xcgate_ihe::mtom::MtomBuilder::new(request_id, envelope);
    for a in attachments {
        builder = builder.attachment(a.content_id, a.content_type, a.body);
    }
    let (content_type, chunks) = builder.build()?;
    let mut r = Response::new(Chunks::new(chunks));
    *r.status_mut() = status;
    if let Ok(v) = header::HeaderValue::from_str(&content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(with_request_id(r, request_id))
}
