//! XOP: the `xop:Include` elements of the root part and the attachments they stand for
//! [XOP 1.0 §2.1, §3.2; ITI TF-2 App V V.8.2].

use super::{MtomError, Multipart, Part};
use crate::retrieve::{DocumentContent, base64};
use crate::xml::{XmlError, ns};
use bytes::Bytes;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::ops::Range;

/// One `xop:Include` in the root XML: its href (attribute value, trimmed) and the byte span
/// of the whole element.
pub(super) struct Include {
    pub href: String,
    pub span: Range<usize>,
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn malformed(reader: &NsReader<&[u8]>, e: impl std::fmt::Display) -> MtomError {
    MtomError::Xml(XmlError::Malformed {
        position: reader.error_position(),
        message: e.to_string(),
    })
}

/// Every `{http://www.w3.org/2004/08/xop/include}Include` element, whatever its prefix,
/// in document order. Only the event stream is read (no tree), so this is cheap next to
/// the XML parse that follows. A DOCTYPE is refused as everywhere in the crate.
pub(super) fn scan_includes(xml: &str) -> Result<Vec<Include>, MtomError> {
    let mut reader = NsReader::from_reader(xml.as_bytes());
    reader.config_mut().expand_empty_elements = false;
    let mut found = Vec::new();
    loop {
        let before = position(&reader);
        let step = reader.read_resolved_event().map(|(resolved, event)| {
            let is_xop = matches!(resolved, ResolveResult::Bound(n) if n.0 == ns::XOP);
            (is_xop, event)
        });
        let (is_xop, event) = step.map_err(|e| malformed(&reader, e))?;
        match event {
            Event::Start(s) if is_xop && is_include(&s) => {
                let href = href_of(&s, &reader, before)?;
                // The XOP schema lets Include carry foreign child elements; the whole
                // element, children included, stands for the octets [XOP 1.0 §2.1].
                let end = skip_children(&mut reader)?;
                found.push(Include {
                    href,
                    span: before..end,
                });
            }
            Event::Empty(s) if is_xop && is_include(&s) => {
                let href = href_of(&s, &reader, before)?;
                found.push(Include {
                    href,
                    span: before..position(&reader),
                });
            }
            Event::DocType(_) => return Err(XmlError::DocType.into()),
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

fn is_include(s: &BytesStart<'_>) -> bool {
    s.local_name().into_inner() == "Include"
}

fn href_of(s: &BytesStart<'_>, reader: &NsReader<&[u8]>, at: usize) -> Result<String, MtomError> {
    for attr in s.attributes() {
        let attr = attr.map_err(|e| malformed(reader, e))?;
        if attr.key.0 == "href" {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| malformed(reader, e))?;
            return Ok(value.trim().to_string());
        }
    }
    Err(MtomError::malformed(format!(
        "the xop:Include at byte {at} of the root part has no href [XOP 1.0 §2.1]"
    )))
}

/// Read up to the end tag matching an Include start tag; the position after it.
fn skip_children(reader: &mut NsReader<&[u8]>) -> Result<usize, MtomError> {
    let mut depth = 1usize;
    loop {
        match reader.read_event().map_err(|e| malformed(reader, e))? {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Ok(position(reader));
                }
            }
            Event::Eof => {
                return Err(MtomError::Xml(XmlError::Malformed {
                    position: reader.buffer_position(),
                    message: "the document ends inside an xop:Include".into(),
                }));
            }
            _ => {}
        }
    }
}

/// The Content-ID a `cid:` href names: scheme matched in any case, `%hh` escapes decoded
/// [RFC 2392 §2]. `None` when `href` is not a `cid:` URL.
pub fn cid_from_href(href: &str) -> Option<String> {
    let href = href.trim();
    href.get(..4)
        .filter(|scheme| scheme.eq_ignore_ascii_case("cid:"))
        .map(|_| percent_decode(&href[4..]))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            // A `%` not followed by two hex digits is kept as it is.
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The attachment (never the root) an href names. Matching, in order: the decoded href
/// equals a Content-ID; the href as written does (a Content-ID that itself holds `%`);
/// the decoded href equals one ignoring ASCII case (some toolkits change the case of the
/// domain part, which RFC 2392 treats as case-insensitive).
pub(super) fn part_by_href<'a>(mp: &'a Multipart, href: &str) -> Result<&'a Part, MtomError> {
    let href = href.trim();
    let decoded = cid_from_href(href).ok_or_else(|| MtomError::NotCidHref(href.to_string()))?;
    let raw = href.get(4..).unwrap_or_default();
    let find = |matches: &dyn Fn(&str) -> bool| {
        mp.attachments()
            .find(|p| p.content_id().is_some_and(matches))
    };
    find(&|id| id == decoded)
        .or_else(|| find(&|id| id == raw))
        .or_else(|| find(&|id| id.eq_ignore_ascii_case(&decoded)))
        .ok_or_else(|| MtomError::MissingCid(href.to_string()))
}

/// Attachments carry raw octets; one sent base64- or quoted-printable-encoded would hand
/// the consumer encoded text as the document [XOP 1.0 §5; App V V.9.3].
fn check_transfer_encoding(part: &Part) -> Result<(), MtomError> {
    match part.transfer_encoding() {
        None => Ok(()),
        Some(e)
            if ["binary", "8bit", "7bit"]
                .iter()
                .any(|ok| e.eq_ignore_ascii_case(ok)) =>
        {
            Ok(())
        }
        Some(e) => Err(MtomError::UnsupportedTransferEncoding {
            content_id: part.content_id().unwrap_or_default().to_string(),
            encoding: e.to_string(),
        }),
    }
}

/// The attachments of a root part, by the href of the `xop:Include` that names them. The
/// bodies are the message's own buffer (no copy).
#[derive(Debug, Clone, Default)]
pub struct XopAttachments {
    entries: Vec<(String, Bytes)>,
}

impl XopAttachments {
    /// The attachment for an href as written in the XML (trimmed).
    pub fn get(&self, href: &str) -> Option<&Bytes> {
        let href = href.trim();
        self.entries.iter().find(|(h, _)| h == href).map(|(_, b)| b)
    }

    /// Distinct hrefs found.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (href, attachment) in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.entries.iter().map(|(h, b)| (h.as_str(), b))
    }

    /// The bytes of a retrieved Document: the attachment for an `xop:Include` (no copy),
    /// or the inline base64 already decoded (copied once into a `Bytes`).
    pub fn document_bytes(&self, content: &DocumentContent) -> Result<Bytes, MtomError> {
        match content {
            DocumentContent::Inline(bytes) => Ok(Bytes::copy_from_slice(bytes)),
            DocumentContent::XopInclude { href } => self
                .get(href)
                .cloned()
                .ok_or_else(|| MtomError::MissingCid(href.clone())),
        }
    }
}

/// Find every `xop:Include` in `root_xml` (any prefix) and the attachment it names; the
/// XML itself is left as it is (the retrieve layer reads `DocumentContent::XopInclude` and
/// looks its href up here). An href with no part is [`MtomError::MissingCid`].
///
/// The root is UTF-8 [App V V.9.3: `charset=UTF-8`]. A stray invalid byte elsewhere in it
/// (the NHN capture has a Latin-1 byte in a SAML header) is the XML parser's to report
/// precisely; here it is read lossily so it cannot hide the hrefs.
pub fn resolve_xop(root_xml: &[u8], mp: &Multipart) -> Result<XopAttachments, MtomError> {
    let text = String::from_utf8_lossy(root_xml);
    let mut out = XopAttachments::default();
    for include in scan_includes(&text)? {
        let part = part_by_href(mp, &include.href)?;
        check_transfer_encoding(part)?;
        if out.get(&include.href).is_none() {
            out.entries.push((include.href, part.body().clone()));
        }
    }
    Ok(out)
}

/// The root XML with every `xop:Include` element replaced by the base64 text of its
/// attachment: the reconstructed infoset [XOP 1.0 §3.2], for XSD validation (Document is
/// `xs:base64Binary`) and for peers that only take inline documents. The root must be
/// UTF-8 here, as the result is text.
pub fn inline_xop_as_base64(root_xml: &[u8], mp: &Multipart) -> Result<String, MtomError> {
    let text = std::str::from_utf8(root_xml).map_err(|e| XmlError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let includes = scan_includes(text)?;
    let mut bodies = Vec::with_capacity(includes.len());
    for include in &includes {
        let part = part_by_href(mp, &include.href)?;
        check_transfer_encoding(part)?;
        bodies.push(part.body());
    }
    let extra: usize = bodies.iter().map(|b| base64::encoded_len(b.len())).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut at = 0;
    let lost = || MtomError::malformed("an xop:Include span does not fall on character bounds");
    for (include, body) in includes.iter().zip(bodies) {
        out.push_str(text.get(at..include.span.start).ok_or_else(lost)?);
        base64::encode_into(body, &mut out);
        at = include.span.end;
    }
    out.push_str(text.get(at..).ok_or_else(lost)?);
    Ok(out)
}
