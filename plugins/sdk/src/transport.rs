//! The only way out of an adapter: HTTP(S) to an endpoint declared in this community's
//! config. The host owns the URL, TLS, pooling and the timeout; the adapter names the
//! endpoint (and, for REST APIs, a path relative to its URL) and sends bytes.

pub use crate::bindings::xcgate::adapter::transport::{
    Header, Method, Request, Response, TransportError,
};

fn headers(pairs: &[(&str, &str)]) -> Vec<Header> {
    pairs
        .iter()
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect()
}

/// POST `body` with `content_type` and extra headers to the endpoint's URL itself (SOAP).
pub fn post(
    endpoint: &str,
    content_type: &str,
    extra_headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Response, TransportError> {
    send(&Request {
        endpoint: endpoint.to_string(),
        method: Method::Post,
        path: String::new(),
        content_type: Some(content_type.to_string()),
        headers: headers(extra_headers),
        body,
    })
}

/// GET `path` (relative to the endpoint's URL, with an optional query, e.g.
/// `Patient?family=Virtanen`; build query values with [`percent_encode`]).
pub fn get(
    endpoint: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
) -> Result<Response, TransportError> {
    send(&Request {
        endpoint: endpoint.to_string(),
        method: Method::Get,
        path: path.to_string(),
        content_type: None,
        headers: headers(extra_headers),
        body: Vec::new(),
    })
}

/// Send any request. In a native build (unit tests) the [`testing`](crate::testing) host
/// answers it.
pub fn send(request: &Request) -> Result<Response, TransportError> {
    #[cfg(target_family = "wasm")]
    return crate::bindings::xcgate::adapter::transport::send(request);
    #[cfg(not(target_family = "wasm"))]
    return crate::testing::send(request);
}

/// Percent-encode a query value or path segment (RFC 3986 unreserved characters kept).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Response {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(
            super::percent_encode("Virtanen-Ä 1&x"),
            "Virtanen-%C3%84%201%26x"
        );
    }
}
