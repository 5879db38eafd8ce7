//! The only way out of an adapter: HTTP POST to an endpoint declared in this community's
//! config. The host owns the URL, TLS, pooling and the timeout; the adapter names the
//! endpoint and sends bytes.

pub use crate::bindings::xcgate::adapter::transport::{Header, Request, Response, TransportError};

/// POST `body` to the endpoint named `endpoint` with `content_type` and extra headers.
pub fn post(
    endpoint: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Response, TransportError> {
    let request = Request {
        endpoint: endpoint.to_string(),
        content_type: content_type.to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| Header {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect(),
        body,
    };
    crate::bindings::xcgate::adapter::transport::send(&request)
}
