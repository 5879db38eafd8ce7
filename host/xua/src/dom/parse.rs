//! The parser behind [`super::Doc`]: quick-xml events to the tree, with XML 1.0
//! end-of-line handling and attribute-value normalization done here (quick-xml hands over
//! raw text).

use super::{Attribute, Child, Doc, DomError, Elem, Id, MAX_DEPTH, MAX_ELEMENTS, XML_NS};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Parse UTF-8 XML text into a tree.
pub(crate) fn parse(text: &str) -> Result<Doc, DomError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - body.len();
    let mut reader = Reader::from_str(body);
    let cfg = reader.config_mut();
    cfg.expand_empty_elements = false;
    cfg.check_end_names = true;
    cfg.trim_text(false);
    let mut doc = Doc {
        text: text.to_string(),
        elems: Vec::new(),
        root: 0,
    };
    let mut stack: Vec<Id> = Vec::new();
    let mut root: Option<Id> = None;
    loop {
        let start = offset + to_usize(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| DomError::Malformed(reader.error_position(), e.to_string()))?;
        let end = offset + to_usize(reader.buffer_position());
        match event {
            Event::Start(s) | Event::Empty(s) if root.is_some() && stack.is_empty() => {
                let _ = s;
                return Err(DomError::Malformed(
                    start as u64,
                    "second root element".into(),
                ));
            }
            Event::Start(s) => {
                let id = open(&mut doc, &s, stack.last().copied(), start)?;
                root.get_or_insert(id);
                stack.push(id);
                if stack.len() > MAX_DEPTH {
                    return Err(DomError::TooBig);
                }
            }
            Event::Empty(s) => {
                let id = open(&mut doc, &s, stack.last().copied(), start)?;
                root.get_or_insert(id);
                doc.elems[id].span.1 = end;
            }
            Event::End(_) => {
                let Some(id) = stack.pop() else {
                    return Err(DomError::Malformed(
                        start as u64,
                        "unmatched end tag".into(),
                    ));
                };
                doc.elems[id].span.1 = end;
            }
            Event::Text(t) => {
                let raw: &str = t.as_ref();
                match stack.last() {
                    Some(&p) => push_text(&mut doc, p, &normalize_eol(raw)),
                    None if raw.trim().is_empty() => {}
                    None => {
                        return Err(DomError::Malformed(
                            start as u64,
                            "text outside root".into(),
                        ));
                    }
                }
            }
            Event::CData(t) => {
                let raw: &str = t.as_ref();
                let Some(&p) = stack.last() else {
                    return Err(DomError::Malformed(
                        start as u64,
                        "CDATA outside root".into(),
                    ));
                };
                push_text(&mut doc, p, &normalize_eol(raw));
            }
            Event::GeneralRef(r) => {
                let name: &str = r.as_ref();
                let c = resolve_ref(name)?;
                let Some(&p) = stack.last() else {
                    return Err(DomError::Malformed(
                        start as u64,
                        "reference outside root".into(),
                    ));
                };
                push_text(&mut doc, p, c.encode_utf8(&mut [0; 4]));
            }
            Event::Comment(c) => {
                if let Some(&p) = stack.last() {
                    let raw: &str = c.as_ref();
                    doc.elems[p]
                        .children
                        .push(Child::Comment(normalize_eol(raw)));
                }
            }
            Event::PI(pi) => {
                if let Some(&p) = stack.last() {
                    let target = pi.target().to_string();
                    let data = pi.content().trim_start().to_string();
                    doc.elems[p].children.push(Child::Pi {
                        target,
                        data: normalize_eol(&data),
                    });
                }
            }
            Event::Decl(_) => {}
            Event::DocType(_) => return Err(DomError::DocType),
            Event::Eof => break,
        }
        if doc.elems.len() > MAX_ELEMENTS {
            return Err(DomError::TooBig);
        }
    }
    if !stack.is_empty() {
        return Err(DomError::Malformed(
            text.len() as u64,
            "unexpected end of document".into(),
        ));
    }
    doc.root = root.ok_or(DomError::NoRoot)?;
    Ok(doc)
}

fn to_usize(p: u64) -> usize {
    usize::try_from(p).unwrap_or(usize::MAX)
}

fn push_text(doc: &mut Doc, parent: Id, t: &str) {
    let children = &mut doc.elems[parent].children;
    if let Some(Child::Text(last)) = children.last_mut() {
        last.push_str(t);
    } else {
        children.push(Child::Text(t.to_string()));
    }
}

/// End-of-line handling [XML 1.0 §2.11]: CR LF and lone CR become LF.
fn normalize_eol(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// The character a predefined entity or character reference stands for.
fn resolve_ref(name: &str) -> Result<char, DomError> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok()
            } else {
                None
            };
            return code
                .and_then(char::from_u32)
                .ok_or_else(|| DomError::UnknownEntity(name.chars().take(32).collect()));
        }
    };
    Ok(c)
}

/// Attribute-value normalization for CDATA attributes [XML 1.0 §3.3.3]: literal white space
/// becomes a space (CR LF as one), references are replaced (a `&#10;` stays a line feed).
fn normalize_attr(raw: &str) -> Result<String, DomError> {
    let raw = normalize_eol(raw);
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(i) = rest.find(['&', '\t', '\n']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'&' {
            let Some(semi) = rest[i..].find(';') else {
                return Err(DomError::Malformed(
                    0,
                    "unterminated reference in attribute".into(),
                ));
            };
            out.push(resolve_ref(&rest[i + 1..i + semi])?);
            rest = &rest[i + semi + 1..];
        } else {
            out.push(' ');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn split_qname(q: &str) -> (&str, &str) {
    match q.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", q),
    }
}

fn lookup(doc: &Doc, own: &[(String, String)], parent: Option<Id>, prefix: &str) -> Option<String> {
    if prefix == "xml" {
        return Some(XML_NS.to_string());
    }
    if let Some((_, u)) = own.iter().find(|(p, _)| p == prefix) {
        return Some(u.clone());
    }
    let mut cur = parent;
    while let Some(e) = cur {
        if let Some((_, u)) = doc.elems[e].decls.iter().find(|(p, _)| p == prefix) {
            return Some(u.clone());
        }
        cur = doc.elems[e].parent;
    }
    None
}

fn open(
    doc: &mut Doc,
    s: &BytesStart<'_>,
    parent: Option<Id>,
    start: usize,
) -> Result<Id, DomError> {
    let bad = |e: &dyn std::fmt::Display| DomError::Malformed(start as u64, e.to_string());
    let qname = s.name().as_ref().to_string();
    let mut decls = Vec::new();
    let mut raw_attrs = Vec::new();
    for a in s.attributes().with_checks(true) {
        let a = a.map_err(|e| bad(&e))?;
        let key = a.key.as_ref().to_string();
        let raw = a.value.as_ref();
        let value = normalize_attr(raw)?;
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_string(), value));
        } else {
            raw_attrs.push((key, value));
        }
    }
    let (prefix, local) = split_qname(&qname);
    let ns = match lookup(doc, &decls, parent, prefix) {
        Some(u) => u,
        None if prefix.is_empty() => String::new(),
        None => return Err(DomError::UnboundPrefix(prefix.chars().take(32).collect())),
    };
    let mut attrs = Vec::with_capacity(raw_attrs.len());
    for (key, value) in raw_attrs {
        let (p, l) = split_qname(&key);
        let ans = if p.is_empty() {
            String::new()
        } else {
            lookup(doc, &decls, parent, p)
                .filter(|u| !u.is_empty() && u != XMLNS_NS)
                .ok_or_else(|| DomError::UnboundPrefix(p.chars().take(32).collect()))?
        };
        if attrs
            .iter()
            .any(|a: &Attribute| a.ns == ans && a.local == l)
        {
            return Err(DomError::Malformed(
                start as u64,
                "duplicate attribute".into(),
            ));
        }
        attrs.push(Attribute {
            prefix: p.to_string(),
            local: l.to_string(),
            ns: ans,
            value,
        });
    }
    let id = doc.elems.len();
    doc.elems.push(Elem {
        prefix: prefix.to_string(),
        local: local.to_string(),
        ns,
        decls,
        attrs,
        children: Vec::new(),
        parent,
        span: (start, start),
        name_end: start + 1 + qname.len(),
    });
    if let Some(p) = parent {
        doc.elems[p].children.push(Child::Elem(id));
    }
    Ok(id)
}
