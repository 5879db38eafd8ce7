//! Parsing bytes into an [`Element`] tree, with limits.

use super::{Attr, Element, Node, XmlError, ns};
use quick_xml::events::Event;
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

/// Caps that keep a hostile message from costing more than its size.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    pub max_depth: usize,
    pub max_elements: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 128,
            max_elements: 200_000,
        }
    }
}

/// Parse with the default limits.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    parse_with(bytes, ParseLimits::default())
}

fn ns_of(r: &ResolveResult<'_>) -> Result<String, XmlError> {
    match r {
        ResolveResult::Bound(n) => Ok(n.0.to_string()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(XmlError::UnboundPrefix(p.clone())),
    }
}

fn malformed<R>(reader: &NsReader<R>, e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed {
        position: reader.error_position(),
        message: e.to_string(),
    }
}

/// The value of `encoding="..."` in an XML declaration, if present.
fn encoding_in(decl: &str) -> Option<String> {
    let at = decl.find("encoding")? + "encoding".len();
    let value = decl[at..]
        .trim_start()
        .trim_start_matches('=')
        .trim_start()
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| *c != '"' && *c != '\'')
        .collect();
    Some(value)
}

fn check_declaration(text: &str) -> Result<(), XmlError> {
    if let Some(value) = encoding_in(text) {
        let v = value.to_ascii_lowercase();
        let known = [
            "utf-8",
            "utf8",
            "us-ascii",
            "ascii",
            "utf-16",
            "iso-8859-1",
            "latin1",
            "latin-1",
            "iso8859-1",
            "windows-1252",
            "cp1252",
        ];
        if !known.contains(&v.as_str()) {
            return Err(XmlError::UnsupportedEncoding(value));
        }
    }
    Ok(())
}

/// The encoding named in the XML declaration at the start of `bytes`, if any (lower-case).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    encoding_in(&decl)
}

/// The document as UTF-8 text: UTF-8 as it is; UTF-16 (with BOM) and ISO-8859-1 /
/// windows-1252 when declared are decoded. Anything else is refused.
fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, XmlError> {
    if let Some(rest) = bytes
        .strip_prefix(b"\xff\xfe")
        .or_else(|| bytes.strip_prefix(b"\xfe\xff"))
    {
        let big_endian = bytes[0] == 0xfe;
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if big_endian {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units)
            .map(std::borrow::Cow::Owned)
            .map_err(|_| XmlError::NotUtf8 { offset: 0 });
    }
    match declared_encoding(bytes).as_deref() {
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252") => {
            // Latin-1 maps each byte to the code point of the same value (windows-1252
            // differs only in 0x80-0x9F, which carry no letters of the names seen here).
            Ok(std::borrow::Cow::Owned(
                bytes.iter().map(|b| char::from(*b)).collect(),
            ))
        }
        _ => std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|e| XmlError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
    }
}

/// Parse `bytes` (UTF-8 XML, or UTF-16 / Latin-1 when so declared) into its root element.
pub fn parse_with(bytes: &[u8], limits: ParseLimits) -> Result<Element, XmlError> {
    let decoded = decode(bytes)?;
    let text: &str = &decoded;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = false;
    reader.config_mut().check_end_names = true;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    let mut pending = String::new();

    loop {
        let step = reader.read_resolved_event().map(|(resolved, event)| {
            let element_ns = match &event {
                Event::Start(_) | Event::Empty(_) => Some(ns_of(&resolved)),
                _ => None,
            };
            (element_ns, event)
        });
        let (element_ns, event) = step.map_err(|e| malformed(&reader, e))?;
        let element_ns = element_ns.transpose()?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                if root.is_some() {
                    return Err(XmlError::TrailingContent);
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements(limits.max_elements));
                }
                if stack.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep(limits.max_depth));
                }
                flush_text(&mut pending, &mut stack);
                check_qname(start.name().into_inner(), reader.buffer_position())?;
                let local = start.local_name().into_inner().to_string();
                let mut el = Element {
                    ns: element_ns.unwrap_or_default(),
                    local,
                    attrs: Vec::new(),
                    children: Vec::new(),
                };
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| malformed(&reader, e))?;
                    let key = attr.key;
                    if key.as_namespace_binding().is_some() {
                        continue;
                    }
                    check_qname(key.into_inner(), reader.buffer_position())?;
                    let (ans, local) = reader.resolver().resolve_attribute(key);
                    let ans = ns_of(&ans)?;
                    let raw = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| match e {
                            quick_xml::Error::Escape(
                                quick_xml::escape::EscapeError::UnrecognizedEntity(_, name),
                            ) => XmlError::UnknownEntity(name),
                            other => malformed(&reader, other),
                        })?;
                    let mut value = raw.into_owned();
                    // xsi:type holds a QName whose prefix is bound in the sender's scope. When
                    // it names an HL7 type keep the bare local name: written back under the
                    // HL7 default namespace it resolves to the same type.
                    if ans == ns::XSI && local.as_ref() == "type" {
                        let (tns, tlocal) =
                            reader.resolver().resolve_element(QName(value.as_str()));
                        if let ResolveResult::Bound(n) = tns
                            && n.0 == ns::HL7
                        {
                            value = tlocal.into_inner().to_string();
                        }
                    }
                    el.attrs.push(Attr {
                        ns: ans,
                        local: local.into_inner().to_string(),
                        value,
                    });
                }
                stack.push(el);
                if is_empty {
                    close(&mut stack, &mut root);
                }
            }
            Event::End(_) => {
                flush_text(&mut pending, &mut stack);
                close(&mut stack, &mut root);
            }
            Event::Text(t) => {
                if !stack.is_empty() {
                    pending.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
                } else if !t.trim().is_empty() {
                    return Err(if root.is_some() {
                        XmlError::TrailingContent
                    } else {
                        malformed(&reader, "text before the root element")
                    });
                }
            }
            Event::CData(c) => {
                if stack.is_empty() {
                    return Err(XmlError::TrailingContent);
                }
                pending.push_str(&c.into_inner());
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| malformed(&reader, e))? {
                    Some(c) => c,
                    None => match r.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => return Err(XmlError::UnknownEntity(other.to_string())),
                    },
                };
                if stack.is_empty() {
                    return Err(malformed(
                        &reader,
                        "character reference outside the root element",
                    ));
                }
                pending.push(ch);
            }
            Event::Decl(d) => {
                check_declaration(&d)?;
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::PI(_) => return Err(XmlError::ProcessingInstruction),
            Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed {
            position: reader.buffer_position(),
            message: "the document ends inside an element".into(),
        });
    }
    root.ok_or(XmlError::NoRoot)
}

/// Refuse a name that is not a QName [Namespaces in XML 1.0 §4]: `prefix:local` with one
/// colon and both parts non-empty, or a name without a colon. quick-xml splits at the
/// first colon and accepts the rest, so `<rim:Lo:x/>` came out as local name `Lo:x` and
/// `<rim:/>` as an empty one; written back (registry objects are relayed verbatim) they
/// gave XML with an undeclared prefix or a nameless tag. Found by fuzzing (adhoc_query).
fn check_qname(name: &str, position: u64) -> Result<(), XmlError> {
    let ok = match name.split_once(':') {
        None => !name.is_empty(),
        Some((prefix, local)) => !prefix.is_empty() && !local.is_empty() && !local.contains(':'),
    };
    if ok {
        Ok(())
    } else {
        Err(XmlError::Malformed {
            position,
            message: format!(
                "`{}` is not a qualified name (one `:` between a prefix and a local name) [Namespaces in XML 1.0 §4]",
                name
            ),
        })
    }
}

fn flush_text(pending: &mut String, stack: &mut [Element]) {
    if pending.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        let text = std::mem::take(pending);
        // Whitespace between elements is layout, not content.
        if !text.trim().is_empty() || top.children.is_empty() {
            top.children.push(Node::Text(text));
        }
    } else {
        pending.clear();
    }
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => {
                // Drop a whitespace-only text node that was kept while the parent had no
                // children yet: the parent has element content.
                if let [Node::Text(t)] = parent.children.as_slice()
                    && t.trim().is_empty()
                {
                    parent.children.clear();
                }
                parent.children.push(Node::Element(done));
            }
            None => *root = Some(done),
        }
    }
}

#[cfg(test)]
mod tests;
