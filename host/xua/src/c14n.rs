//! Exclusive XML Canonicalization 1.0 [Exc-C14N] of one element subtree.
//!
//! XML-DSig digests and signs canonical bytes, so this must match other implementations
//! byte for byte: namespace declarations only where visibly utilized (or listed in the
//! InclusiveNamespaces PrefixList) and not already rendered by an output ancestor
//! [Exc-C14N §3]; declarations sorted by prefix, then attributes by (namespace URI, local
//! name) [C14N §2.2, §4.8]; empty elements as start and end tag; text and attribute
//! values escaped per [C14N §2.3, §5]. Input values are already normalized by the parser
//! (end-of-line and attribute-value normalization, references replaced) in `dom`.

use crate::dom::{Child, Doc, Id};
use std::collections::BTreeMap;

/// What to canonicalize besides the apex subtree.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// `...#WithComments`: comments are output [Exc-C14N §1].
    pub with_comments: bool,
    /// The InclusiveNamespaces PrefixList; `#default` stands for the default namespace
    /// [Exc-C14N §3].
    pub inclusive: Vec<String>,
    /// A subtree left out of the output (the `ds:Signature` removed by the
    /// enveloped-signature transform [XML-DSig §6.6.4]).
    pub exclude: Option<Id>,
}

/// The exclusive canonical form of the subtree rooted at `apex`.
pub(crate) fn canonicalize(doc: &Doc, apex: Id, opts: &Options) -> String {
    let inclusive: Vec<String> = opts
        .inclusive
        .iter()
        .map(|p| {
            if p == "#default" {
                String::new()
            } else {
                p.clone()
            }
        })
        .collect();
    // The apex sees every namespace declared on its ancestors [Exc-C14N §3: in-scope
    // namespace nodes], which is why the subtree is canonicalized inside its document.
    let scope = doc
        .elem(apex)
        .parent
        .map(|p| doc.in_scope(p))
        .unwrap_or_default();
    let mut out =
        String::with_capacity(doc.elem(apex).span.1.saturating_sub(doc.elem(apex).span.0));
    let walker = Walker {
        doc,
        opts,
        inclusive: &inclusive,
    };
    walker.element(apex, &scope, &BTreeMap::new(), &mut out);
    out
}

struct Walker<'a> {
    doc: &'a Doc,
    opts: &'a Options,
    inclusive: &'a [String],
}

impl Walker<'_> {
    fn element(
        &self,
        id: Id,
        parent_scope: &BTreeMap<String, String>,
        rendered_above: &BTreeMap<String, String>,
        out: &mut String,
    ) {
        let e = self.doc.elem(id);
        let mut scope = parent_scope.clone();
        for (p, u) in &e.decls {
            if u.is_empty() {
                scope.remove(p);
            } else {
                scope.insert(p.clone(), u.clone());
            }
        }
        // Prefixes that need a declaration here: the element's own (the default namespace
        // when unprefixed), those of prefixed attributes, and the PrefixList ones in scope.
        let mut wanted: Vec<&str> = vec![e.prefix.as_str()];
        wanted.extend(
            e.attrs
                .iter()
                .filter(|a| !a.prefix.is_empty())
                .map(|a| a.prefix.as_str()),
        );
        wanted.extend(
            self.inclusive
                .iter()
                .filter(|p| scope.contains_key(p.as_str()))
                .map(String::as_str),
        );
        wanted.sort_unstable();
        wanted.dedup();
        let mut rendered = rendered_above.clone();
        let mut decls: Vec<(&str, String)> = Vec::new();
        for p in wanted {
            if p == "xml" {
                continue;
            }
            let value = scope.get(p).cloned().unwrap_or_default();
            let above = rendered_above.get(p);
            if value.is_empty() {
                // xmlns="" only undoes a non-empty default an output ancestor rendered.
                if p.is_empty() && above.is_some_and(|v| !v.is_empty()) {
                    decls.push((p, value.clone()));
                    rendered.insert(String::new(), value);
                }
                continue;
            }
            if above != Some(&value) {
                decls.push((p, value.clone()));
                rendered.insert(p.to_string(), value);
            }
        }
        out.push('<');
        push_qname(&e.prefix, &e.local, out);
        for (p, uri) in &decls {
            if p.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                out.push_str(" xmlns:");
                out.push_str(p);
                out.push_str("=\"");
            }
            escape_attr(uri, out);
            out.push('"');
        }
        let mut attrs: Vec<_> = e.attrs.iter().collect();
        attrs.sort_by(|a, b| {
            (a.ns.as_str(), a.local.as_str()).cmp(&(b.ns.as_str(), b.local.as_str()))
        });
        for a in attrs {
            out.push(' ');
            push_qname(&a.prefix, &a.local, out);
            out.push_str("=\"");
            escape_attr(&a.value, out);
            out.push('"');
        }
        out.push('>');
        for c in &e.children {
            match c {
                Child::Elem(child) if Some(*child) == self.opts.exclude => {}
                Child::Elem(child) => self.element(*child, &scope, &rendered, out),
                Child::Text(t) => escape_text(t, out),
                Child::Comment(t) if self.opts.with_comments => {
                    out.push_str("<!--");
                    out.push_str(t);
                    out.push_str("-->");
                }
                Child::Comment(_) => {}
                Child::Pi { target, data } => {
                    out.push_str("<?");
                    out.push_str(target);
                    if !data.is_empty() {
                        out.push(' ');
                        out.push_str(data);
                    }
                    out.push_str("?>");
                }
            }
        }
        out.push_str("</");
        push_qname(&e.prefix, &e.local, out);
        out.push('>');
    }
}

fn push_qname(prefix: &str, local: &str, out: &mut String) {
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(':');
    }
    out.push_str(local);
}

/// Text node escaping [C14N §5 "Text Nodes"].
fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
}

/// Attribute value escaping [C14N §5 "Attribute Nodes"].
fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
#[path = "c14n/tests.rs"]
mod tests;
