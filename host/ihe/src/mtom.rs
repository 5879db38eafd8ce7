//! MTOM/XOP packages: `multipart/related` messages whose root part is the SOAP envelope
//! and whose other parts are the documents an `xop:Include` points at [ITI TF-2 App V
//! V.8.2, V.9.3; TF-2 3.43.5.1; XOP 1.0 §3; RFC 2387].
//!
//! Retrieve Document Set and Cross Gateway Retrieve travel as MTOM in both directions
//! [ITI TF-2 3.43.5, 3.39.5]. Documents can be tens of megabytes, so part bodies are never
//! copied: every [`Part`] body is a [`Bytes`] slice of the received buffer, and the
//! [`MtomBuilder`] hands attachment `Bytes` back unchanged as body chunks.
//!
//! Reading is liberal, as the corpus demands [ITI TF-2 3.43.5, App V V.8; host/ihe/README.md]: CRLF or bare LF line
//! ends, header names in any case, Axis2 / WCF / CXF boundaries and Content-IDs, `cid:`
//! hrefs that are URL-encoded, a preamble and an epilogue. Writing is strict.

mod builder;
mod content_type;
mod multipart;
mod xop;

pub use builder::{MtomBuilder, ROOT_CONTENT_ID, cid_href, total_len};
pub use content_type::ContentType;
pub use multipart::{
    RawHttp, parse_headerless, parse_multipart, parse_multipart_with, parse_raw_http,
    sniff_boundary,
};
pub use xop::{XopAttachments, cid_from_href, inline_xop_as_base64, resolve_xop};

use crate::xml::XmlError;
use bytes::Bytes;

/// Why an MTOM message (or the pieces to build one) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MtomError {
    #[error("the Content-Type is `{found}`; MTOM/XOP needs multipart/related [App V V.9.3]")]
    NotMultipartRelated { found: String },
    #[error("the multipart/related Content-Type has no boundary parameter [RFC 2046 §5.1.1]")]
    NoBoundary,
    #[error("the body never contains the delimiter line `--{boundary}` [RFC 2046 §5.1.1]")]
    BoundaryNotFound { boundary: String },
    #[error(
        "no MIME part has the Content-ID `{start}` named by the start parameter [RFC 2387 §3.2]"
    )]
    RootNotFound { start: String },
    #[error(
        "the xop:Include href `{0}` names no attachment (no part has that Content-ID) [XOP 1.0 §2.1]"
    )]
    MissingCid(String),
    #[error("the xop:Include href `{0}` is not a `cid:` URL [XOP 1.0 §2.1, RFC 2392]")]
    NotCidHref(String),
    #[error("the message has more than {0} MIME parts")]
    TooManyParts(usize),
    #[error("the headers of MIME part {part} are longer than {limit} bytes")]
    HeadersTooLarge { part: usize, limit: usize },
    #[error(
        "the attachment `{content_id}` uses Content-Transfer-Encoding `{encoding}`; XOP parts carry raw octets [XOP 1.0 §5, App V V.9.3]"
    )]
    UnsupportedTransferEncoding {
        content_id: String,
        encoding: String,
    },
    #[error("two MIME parts would have the Content-ID `{0}`")]
    DuplicateContentId(String),
    #[error("the {what} `{value}` cannot be written into a MIME header")]
    InvalidHeaderValue { what: &'static str, value: String },
    #[error("the content contains every boundary derived from the seed `{0}`")]
    BoundaryInContent(String),
    #[error("the root part: {0}")]
    Xml(#[from] XmlError),
    #[error("malformed MIME message: {what}")]
    Malformed { what: String },
}

impl MtomError {
    fn malformed(what: impl Into<String>) -> Self {
        MtomError::Malformed { what: what.into() }
    }
}

/// Caps that keep a hostile message from costing more than its size.
#[derive(Debug, Clone, Copy)]
pub struct MtomLimits {
    /// Parts in one message (root included).
    pub max_parts: usize,
    /// Bytes of the header block of one part (lines and line ends).
    pub max_header_bytes: usize,
}

impl Default for MtomLimits {
    fn default() -> Self {
        MtomLimits {
            max_parts: 1000,
            max_header_bytes: 16 * 1024,
        }
    }
}

/// One MIME part: its headers and its body, a slice of the received buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    headers: Vec<(String, String)>,
    body: Bytes,
    content_id: Option<String>,
}

impl Part {
    /// Headers in order, names and values as sent (values trimmed, folded lines joined).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first header `name`, compared without regard to case [RFC 2045 §3].
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    /// The body: a slice of the message buffer, no copy.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The Content-ID without its angle brackets [RFC 2392 §2].
    pub fn content_id(&self) -> Option<&str> {
        self.content_id.as_deref()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    pub fn transfer_encoding(&self) -> Option<&str> {
        self.header("content-transfer-encoding")
    }
}

fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A parsed `multipart/related` message.
#[derive(Debug, Clone)]
pub struct Multipart {
    content_type: ContentType,
    parts: Vec<Part>,
    root: usize,
}

impl Multipart {
    /// The message's Content-Type (as given, or as sniffed for header-less captures).
    pub fn content_type(&self) -> &ContentType {
        &self.content_type
    }

    /// All parts in message order, root included.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The root part (the SOAP envelope): the one named by `start`, else the first
    /// [RFC 2387 §3.2].
    pub fn root(&self) -> &Part {
        &self.parts[self.root]
    }

    /// The parts other than the root.
    pub fn attachments(&self) -> impl Iterator<Item = &Part> {
        let root = self.root;
        self.parts
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i != root)
            .map(|(_, p)| p)
    }

    /// The attachment (never the root) an `xop:Include` href names. The href is a `cid:`
    /// URL whose `%hh` escapes are decoded ([`cid_from_href`]); it then matches a
    /// Content-ID exactly, else as written (a Content-ID holding `%`), else ignoring ASCII
    /// case [RFC 2392 §2].
    pub fn part_by_href(&self, href: &str) -> Result<&Part, MtomError> {
        xop::part_by_href(self, href)
    }

    /// The body of the attachment `href` names (a `cid:` URL, URL-encoded or not); the
    /// same buffer, no copy. The root part is never returned.
    pub fn attachment(&self, href: &str) -> Option<Bytes> {
        self.part_by_href(href).ok().map(|p| p.body.clone())
    }

    /// The attachments of every `xop:Include` in the root part, by href.
    pub fn resolve_xop(&self) -> Result<XopAttachments, MtomError> {
        resolve_xop(&self.root().body, self)
    }
}

/// Content-ID as sent (`<id>`, or `id` from sloppy senders) to the bare id [RFC 2392 §2].
pub fn normalise_content_id(raw: &str) -> &str {
    let t = raw.trim();
    let t = t.strip_prefix('<').unwrap_or(t);
    let t = t.strip_suffix('>').unwrap_or(t);
    t.trim()
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod roundtrip_tests;
#[cfg(test)]
mod tests;
