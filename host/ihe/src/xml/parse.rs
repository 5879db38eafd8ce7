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

fn malformed(reader: &NsReader<&[u8]>, e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed {
        position: reader.error_position(),
        message: e.to_string(),
    }
}

fn check_declaration(text: &str) -> Result<(), XmlError> {
    if let Some(pos) = text.find("encoding") {
        let rest = &text[pos + "encoding".len()..];
        let value: String = rest
            .trim_start()
            .trim_start_matches('=')
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| *c != '"' && *c != '\'')
            .collect();
        let v = value.to_ascii_lowercase();
        if !(v == "utf-8" || v == "utf8" || v == "us-ascii" || v == "ascii") {
            return Err(XmlError::UnsupportedEncoding(value));
        }
    }
    Ok(())
}

/// Parse `bytes` (UTF-8 XML) into its root element.
pub fn parse_with(bytes: &[u8], limits: ParseLimits) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|e| XmlError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_reader(text.as_bytes());
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
