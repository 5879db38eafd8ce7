//! Writing XML: escaping and a small writer that re-emits parsed subtrees.

use super::{Element, Node, ns};

/// True for a character XML 1.0 cannot carry at all, not even as a reference
/// [XML 1.0 §2.2 Char]: C0 controls other than tab, LF and CR, and U+FFFE / U+FFFF.
pub fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Escape character data. A character XML cannot carry becomes U+FFFD, so whatever a
/// plugin returns, the message stays well-formed.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            c if is_forbidden_in_xml(c) => out.push('\u{fffd}'),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Escape an attribute value (double-quoted).
pub fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            c if is_forbidden_in_xml(c) => out.push('\u{fffd}'),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// A string builder for XML with the escaping done for you.
#[derive(Debug, Default)]
pub struct XmlWriter {
    pub out: String,
}

impl XmlWriter {
    pub fn with_capacity(n: usize) -> Self {
        XmlWriter {
            out: String::with_capacity(n),
        }
    }

    /// `<name a="v" ...>`; attributes with a `None` value are left out.
    pub fn open(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        self
    }

    /// `<name a="v" .../>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) -> &mut Self {
        self.start(name, attrs);
        self.out.push_str("/>");
        self
    }

    fn start(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("=\"");
                escape_attr(v, &mut self.out);
                self.out.push('"');
            }
        }
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Escaped character data.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_text(text, &mut self.out);
        self
    }

    /// `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name, &[]).text(text).close(name)
    }

    /// Already-serialised XML, written as is.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.out.push_str(xml);
        self
    }

    /// Re-emit a parsed subtree. Elements in `default_ns` are written without a prefix (the
    /// caller has declared it as the default namespace); other namespaces are declared
    /// where they are used, so the output is self-contained whatever the input's prefixes.
    pub fn element(&mut self, el: &Element, default_ns: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(&el.local);
        if el.ns != default_ns {
            self.out.push_str(" xmlns=\"");
            escape_attr(&el.ns, &mut self.out);
            self.out.push('"');
        }
        let mut xsi_declared = false;
        for (i, a) in el.attrs.iter().enumerate() {
            self.out.push(' ');
            if a.ns == ns::XML {
                self.out.push_str("xml:");
            } else if a.ns == ns::XSI {
                if !xsi_declared {
                    self.out.push_str("xmlns:xsi=\"");
                    self.out.push_str(ns::XSI);
                    self.out.push_str("\" ");
                    xsi_declared = true;
                }
                self.out.push_str("xsi:");
            } else if !a.ns.is_empty() {
                self.out.push_str(&format!("xmlns:a{i}=\""));
                escape_attr(&a.ns, &mut self.out);
                self.out.push_str(&format!("\" a{i}:"));
            }
            self.out.push_str(&a.local);
            self.out.push_str("=\"");
            escape_attr(&a.value, &mut self.out);
            self.out.push('"');
        }
        if el.children.is_empty() {
            self.out.push_str("/>");
            return self;
        }
        self.out.push('>');
        for child in &el.children {
            match child {
                Node::Element(c) => {
                    self.element(c, &el.ns);
                }
                Node::Text(t) => escape_text(t, &mut self.out),
            }
        }
        self.out.push_str("</");
        self.out.push_str(&el.local);
        self.out.push('>');
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests;
