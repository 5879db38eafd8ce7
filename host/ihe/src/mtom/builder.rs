//! Writing MTOM/XOP messages [ITI TF-2 App V V.9.3, TF-2 3.43.5.1; XOP 1.0 §5; RFC 2387]
//! as a list of chunks to stream: small owned header chunks around the caller's envelope
//! and attachment `Bytes`, which are passed through without a copy.

use super::xop::{cid_from_href, scan_includes};
use super::{MtomError, normalise_content_id};
use crate::xml::XmlError;
use bytes::Bytes;

/// The Content-ID of the root part of every message xcgate writes.
pub const ROOT_CONTENT_ID: &str = "root.message@xcgate";

/// RFC 2046 §5.1.1 caps a boundary at 70 characters.
const MAX_BOUNDARY: usize = 70;
const BOUNDARY_PREFIX: &str = "MIMEBoundary_xcgate_";
/// Boundaries tried before giving up (each differs by a suffix).
const BOUNDARY_ATTEMPTS: usize = 16;

/// The `href` for an attachment's Content-ID: `cid:` + the id, with the characters a URL
/// cannot carry (and `%`, `&`, `<`, `>`, quotes) percent-encoded [RFC 2392 §2].
pub fn cid_href(content_id: &str) -> String {
    let id = normalise_content_id(content_id);
    let mut out = String::with_capacity(4 + id.len());
    out.push_str("cid:");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@!$'()*+,;=:/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The byte length of a chunk list (for `Content-Length`).
pub fn total_len(chunks: &[Bytes]) -> usize {
    chunks.iter().map(Bytes::len).sum()
}

/// Builds an MTOM message around a SOAP envelope whose documents are already written as
/// `<xop:Include href="cid:ID"/>` (see [`cid_href`]), and the attachments they name.
#[derive(Debug, Clone)]
pub struct MtomBuilder {
    boundary_seed: String,
    envelope: Bytes,
    action: Option<String>,
    attachments: Vec<(String, String, Bytes)>,
}

impl MtomBuilder {
    /// `boundary_seed` (e.g. the message id) makes the boundary: the crate has no
    /// randomness, so uniqueness comes from the caller and a check against the content.
    pub fn new(boundary_seed: &str, envelope: impl Into<Bytes>) -> Self {
        MtomBuilder {
            boundary_seed: boundary_seed.to_string(),
            envelope: envelope.into(),
            action: None,
            attachments: Vec::new(),
        }
    }

    /// Add the optional `action` parameter to the Content-Type [App V V.9.3].
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Add an attachment part; `body` is sent as it is, without a copy.
    pub fn attachment(
        mut self,
        content_id: impl Into<String>,
        content_type: impl Into<String>,
        body: Bytes,
    ) -> Self {
        self.attachments
            .push((content_id.into(), content_type.into(), body));
        self
    }

    /// The HTTP `Content-Type` value and the body chunks, in order. Checked first: header
    /// values are single-line, Content-IDs unique, every `xop:Include` in the envelope
    /// names an attachment, and the boundary occurs in no part.
    pub fn build(self) -> Result<(String, Vec<Bytes>), MtomError> {
        let envelope = std::str::from_utf8(&self.envelope).map_err(|e| XmlError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        let mut ids: Vec<&str> = vec![ROOT_CONTENT_ID];
        for (id, content_type, _) in &self.attachments {
            let id = normalise_content_id(id);
            check_header_value("Content-ID", id, |c| c != '<' && c != '>')?;
            check_header_value("attachment Content-Type", content_type, |_| true)?;
            if ids.contains(&id) {
                return Err(MtomError::DuplicateContentId(id.to_string()));
            }
            ids.push(id);
        }
        if let Some(action) = &self.action {
            check_header_value("action", action, |c| c != '"' && c != '\\')?;
        }
        for include in scan_includes(envelope)? {
            let wanted = cid_from_href(&include.href)
                .ok_or_else(|| MtomError::NotCidHref(include.href.clone()))?;
            if !ids.iter().skip(1).any(|id| *id == wanted) {
                return Err(MtomError::MissingCid(include.href));
            }
        }
        let boundary = self.boundary()?;

        let mut content_type = format!(
            "multipart/related; boundary=\"{boundary}\"; type=\"application/xop+xml\"; \
             start=\"<{ROOT_CONTENT_ID}>\"; start-info=\"application/soap+xml\""
        );
        if let Some(action) = &self.action {
            content_type.push_str(&format!("; action=\"{action}\""));
        }
        let mut chunks = Vec::with_capacity(2 * self.attachments.len() + 3);
        chunks.push(Bytes::from(format!(
            "--{boundary}\r\n\
             Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n\
             Content-Transfer-Encoding: binary\r\n\
             Content-ID: <{ROOT_CONTENT_ID}>\r\n\r\n"
        )));
        chunks.push(self.envelope);
        for (id, part_type, body) in self.attachments {
            chunks.push(Bytes::from(format!(
                "\r\n--{boundary}\r\n\
                 Content-Type: {part_type}\r\n\
                 Content-Transfer-Encoding: binary\r\n\
                 Content-ID: <{}>\r\n\r\n",
                normalise_content_id(&id)
            )));
            chunks.push(body);
        }
        chunks.push(Bytes::from(format!("\r\n--{boundary}--\r\n")));
        Ok((content_type, chunks))
    }

    /// `MIMEBoundary_xcgate_<seed>`, the seed reduced to characters that need no care
    /// anywhere; when a part contains `--` + that boundary (a forwarded MTOM message, say)
    /// a numbered variant is tried instead [RFC 2046 §5.1.1].
    fn boundary(&self) -> Result<String, MtomError> {
        let seed: String = self
            .boundary_seed
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        for attempt in 0..BOUNDARY_ATTEMPTS {
            let suffix = if attempt == 0 {
                String::new()
            } else {
                format!("_{attempt}")
            };
            let room = MAX_BOUNDARY - BOUNDARY_PREFIX.len() - suffix.len();
            let seed: String = seed.chars().take(room).collect();
            let boundary = format!("{BOUNDARY_PREFIX}{seed}{suffix}");
            let delimiter = format!("--{boundary}");
            let clash = std::iter::once(&self.envelope)
                .chain(self.attachments.iter().map(|(_, _, b)| b))
                .any(|part| contains(part, delimiter.as_bytes()));
            if !clash {
                return Ok(boundary);
            }
        }
        Err(MtomError::BoundaryInContent(self.boundary_seed.clone()))
    }
}

/// A header value must be one line of printable ASCII (no header injection); `extra`
/// refuses the characters that would break the surrounding syntax.
fn check_header_value(
    what: &'static str,
    value: &str,
    extra: impl Fn(char) -> bool,
) -> Result<(), MtomError> {
    let ok =
        !value.trim().is_empty() && value.chars().all(|c| (' '..='~').contains(&c) && extra(c));
    if ok {
        Ok(())
    } else {
        Err(MtomError::InvalidHeaderValue {
            what,
            value: value.to_string(),
        })
    }
}

/// Whether `needle` (non-empty, starting with `-`) occurs in `hay`: candidates are found by
/// their first byte, which keeps the scan of a large attachment linear in practice.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let mut at = 0;
    while let Some(found) = hay
        .get(at..)
        .and_then(|h| h.iter().position(|&b| b == first))
    {
        let start = at + found + 1;
        if hay.get(start..start + rest.len()) == Some(rest) {
            return true;
        }
        at = start;
    }
    false
}
