//! A namespace-preserving XML tree over the original text, for XML-DSig.
//!
//! `xcgate_ihe::xml` drops namespace declarations, comments and positions, all of which
//! canonicalization needs [Exc-C14N §3] and forwarding needs (the assertion's exact bytes).
//! This tree keeps each element's own declarations, qualified names, attribute values after
//! XML attribute-value normalization [XML 1.0 §3.3.3], text after end-of-line handling
//! [XML 1.0 §2.11] and the byte span of every element. DOCTYPE and entity declarations are
//! refused (no XXE, no entity expansion); depth and element count are capped.

mod parse;

pub(crate) use parse::parse;

/// Trimmed, white-space-collapsed text of an element.
pub(crate) fn collapsed(doc: &Doc, id: Id) -> String {
    doc.text_of(id)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const MAX_DEPTH: usize = 128;
const MAX_ELEMENTS: usize = 200_000;

/// Index of an element in [`Doc::elems`].
pub(crate) type Id = usize;

#[derive(Debug, Clone)]
pub(crate) enum Child {
    Elem(Id),
    Text(String),
    Comment(String),
    Pi { target: String, data: String },
}

#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    pub prefix: String,
    pub local: String,
    pub ns: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub prefix: String,
    pub local: String,
    pub ns: String,
    /// Namespace declarations on this very element: (prefix, uri); prefix "" = default.
    pub decls: Vec<(String, String)>,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Child>,
    pub parent: Option<Id>,
    /// Byte range of the element in the source text, `<` of the start tag to the end of the
    /// end tag.
    pub span: (usize, usize),
    /// Byte offset just after the element's qualified name in its start tag.
    pub name_end: usize,
}

impl Elem {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// An unqualified attribute's value.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }
}

#[derive(Debug)]
pub(crate) struct Doc {
    pub text: String,
    pub elems: Vec<Elem>,
    pub root: Id,
}

impl Doc {
    pub fn elem(&self, id: Id) -> &Elem {
        &self.elems[id]
    }

    /// Element children of `id`, in document order.
    pub fn child_elems(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.elems[id].children.iter().filter_map(|c| match c {
            Child::Elem(e) => Some(*e),
            _ => None,
        })
    }

    pub fn children_named<'a>(
        &'a self,
        id: Id,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = Id> + 'a {
        self.child_elems(id)
            .filter(move |c| self.elems[*c].is(ns, local))
    }

    pub fn child(&self, id: Id, ns: &str, local: &str) -> Option<Id> {
        self.children_named(id, ns, local).next()
    }

    /// Concatenated character data of the element's direct text children.
    pub fn text_of(&self, id: Id) -> String {
        let mut s = String::new();
        for c in &self.elems[id].children {
            if let Child::Text(t) = c {
                s.push_str(t);
            }
        }
        s
    }

    /// All namespace bindings in scope at `id` (nearest declaration wins), sorted by prefix.
    /// An undeclared default (`xmlns=""`) is left out.
    pub fn in_scope(&self, id: Id) -> std::collections::BTreeMap<String, String> {
        let mut map = std::collections::BTreeMap::new();
        let mut cur = Some(id);
        while let Some(e) = cur {
            for (p, u) in &self.elems[e].decls {
                map.entry(p.clone()).or_insert_with(|| u.clone());
            }
            cur = self.elems[e].parent;
        }
        map.retain(|_, u| !u.is_empty());
        map
    }
}

/// Why text was not accepted as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DomError {
    #[error("not well-formed XML near byte {0}: {1}")]
    Malformed(u64, String),
    #[error("a DOCTYPE declaration is not allowed")]
    DocType,
    #[error("the entity `&{0};` is not defined (no DTD is read)")]
    UnknownEntity(String),
    #[error("the prefix `{0}` is used but not declared")]
    UnboundPrefix(String),
    #[error("elements nested deeper than {MAX_DEPTH} levels or more than {MAX_ELEMENTS} elements")]
    TooBig,
    #[error("no root element")]
    NoRoot,
}
