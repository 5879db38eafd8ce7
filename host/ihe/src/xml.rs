//! A small namespace-aware XML tree for SOAP messages, built on quick-xml.
//!
//! IHE messages are a few kilobytes of deeply nested elements that are read by path, so a
//! tree is both the simplest and a fast enough model. Parsing is defensive: DOCTYPE and
//! entity declarations are refused (no XXE, no billion laughs), only UTF-8 is accepted,
//! and depth and element count are capped.

mod parse;
mod write;

pub use parse::{ParseLimits, parse, parse_with};
pub use write::{XmlWriter, escape_attr, escape_text, is_forbidden_in_xml};

/// Namespace URIs used across the crate.
pub mod ns {
    pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
    pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
    /// The pre-standard WS-Addressing namespace, still sent by a few old toolkits.
    pub const WSA_2004: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    pub const WSSE: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    pub const HL7: &str = "urn:hl7-org:v3";
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    pub const XCPD: &str = "urn:ihe:iti:xcpd:2009";
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
    /// ebRS 3.0 query protocol (`AdhocQueryRequest`/`AdhocQueryResponse`) [ITI TF-2 3.18.4.1.2].
    pub const QUERY: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
    /// ebRIM 3.0 information model (`RegistryObjectList`, `ExtrinsicObject`, `Slot`, ...).
    pub const RIM: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    /// ebRS 3.0 registry services (`RegistryResponse`, `RegistryErrorList`).
    pub const RS: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
    /// XDS.b retrieve messages (`RetrieveDocumentSetRequest`/`Response`) [ITI TF-2 3.43.4].
    pub const XDS_B: &str = "urn:ihe:iti:xds-b:2007";
    /// XOP `Include` that stands for an MTOM attachment [ITI TF-2 App V V.8].
    pub const XOP: &str = "http://www.w3.org/2004/08/xop/include";
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the message is not UTF-8 (invalid byte at offset {offset}); send UTF-8 XML")]
    NotUtf8 { offset: usize },
    #[error(
        "the XML declaration names encoding `{0}`; send UTF-8 (UTF-16 and ISO-8859-1 are also read)"
    )]
    UnsupportedEncoding(String),
    #[error("a DOCTYPE declaration is not allowed in a SOAP message [SOAP 1.2 Part 1, 5]")]
    DocType,
    #[error("the entity reference `&{0};` is not defined (SOAP messages have no DTD)")]
    UnknownEntity(String),
    #[error("a processing instruction is not allowed in a SOAP message")]
    ProcessingInstruction,
    #[error("elements are nested deeper than {0} levels")]
    TooDeep(usize),
    #[error("the message has more than {0} elements")]
    TooManyElements(usize),
    #[error("the prefix `{0}` is used but never declared")]
    UnboundPrefix(String),
    #[error("the message has no root element")]
    NoRoot,
    #[error("text after the root element")]
    TrailingContent,
    #[error("malformed XML at byte {position}: {message}")]
    Malformed { position: u64, message: String },
}

/// An element with its namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Namespace URI; empty when the element is in no namespace.
    pub ns: String,
    pub local: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

/// An attribute with its namespace resolved (`ns` empty for ordinary attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ns: String,
    pub local: String,
    pub value: String,
}

/// A child node: element or character data (comments and whitespace between elements are
/// not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// A new element in namespace `ns`.
    pub fn new(ns: &str, local: &str) -> Self {
        Element {
            ns: ns.to_string(),
            local: local.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// True when this element is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns == ns
    }

    /// The value of the attribute `local` in no namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// The value of the attribute `{ns}local`.
    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements named `{ns}local`.
    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(ns, local))
    }

    /// The first child element named `{ns}local`.
    pub fn child(&self, ns: &str, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, local))
    }

    /// Follow a path of child names, all in namespace `ns`.
    pub fn path(&self, ns: &str, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |el, name| el.child(ns, name))
    }

    /// The concatenated character data of this element (not of its descendants).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }

    /// The text, trimmed; `None` when empty.
    pub fn text_trimmed(&self) -> Option<String> {
        let t = self.text();
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// Number of elements in this subtree (this one included).
    pub fn count(&self) -> usize {
        1 + self.elements().map(Element::count).sum::<usize>()
    }
}
