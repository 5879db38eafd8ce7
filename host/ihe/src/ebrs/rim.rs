//! The generic, lossless ebRIM 3.0 registry object: what a community returns is carried
//! through unchanged [ITI TF-2 3.38.4.1.3], whatever the object type.

use super::slot::{
    InternationalString, Slot, VersionInfo, is_plain_international, only_attrs,
    parse_international, parse_slot, write_international, write_slot,
};
use super::{EbrsError, attr_key, write_attrs};
use crate::xml::{Element, Node, XmlWriter, ns};

/// The ebRIM element a [`RegistryObject`] was read from.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A DocumentEntry [ITI TF-3 4.2.1.1].
    ExtrinsicObject,
    /// A SubmissionSet or Folder [ITI TF-3 4.2.1.2, 4.2.1.3].
    RegistryPackage,
    Association,
    ObjectRef,
    Classification,
    ExternalIdentifier,
    /// The query of an AdhocQueryRequest (an ebRIM RegistryObject too).
    AdhocQuery,
    /// Any other ebRIM element (`ContentVersionInfo`, `ClassificationNode`, ...), by local
    /// name.
    Other(String),
}

impl ObjectKind {
    pub fn from_local(local: &str) -> ObjectKind {
        match local {
            "ExtrinsicObject" => ObjectKind::ExtrinsicObject,
            "RegistryPackage" => ObjectKind::RegistryPackage,
            "Association" => ObjectKind::Association,
            "ObjectRef" => ObjectKind::ObjectRef,
            "Classification" => ObjectKind::Classification,
            "ExternalIdentifier" => ObjectKind::ExternalIdentifier,
            "AdhocQuery" => ObjectKind::AdhocQuery,
            other => ObjectKind::Other(other.to_string()),
        }
    }

    pub fn local_name(&self) -> &str {
        match self {
            ObjectKind::ExtrinsicObject => "ExtrinsicObject",
            ObjectKind::RegistryPackage => "RegistryPackage",
            ObjectKind::Association => "Association",
            ObjectKind::ObjectRef => "ObjectRef",
            ObjectKind::Classification => "Classification",
            ObjectKind::ExternalIdentifier => "ExternalIdentifier",
            ObjectKind::AdhocQuery => "AdhocQuery",
            ObjectKind::Other(name) => name,
        }
    }

    /// The objects that must carry `home` in a cross-community response
    /// [ITI TF-2 3.38.4.1.3, 3.18.4.1.3].
    pub fn carries_home(&self) -> bool {
        matches!(
            self,
            ObjectKind::ExtrinsicObject | ObjectKind::RegistryPackage | ObjectKind::ObjectRef
        )
    }
}

/// Any ebRIM registry object, kept whole.
///
/// Element content is grouped by kind and written back in ebRIM schema order (Slot, Name,
/// Description, VersionInfo, Classification, ExternalIdentifier, then the type's own
/// elements) [ebRIM 3.0 rim.xsd RegistryObjectType]. Character data directly inside a
/// registry object is not content (the types are element-only) and is not kept.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryObject {
    pub kind: ObjectKind,
    /// Every attribute, in document order: (local name or `{namespace}local`, value).
    pub attributes: Vec<(String, String)>,
    pub slots: Vec<Slot>,
    pub name: Option<InternationalString>,
    pub description: Option<InternationalString>,
    pub version_info: Option<VersionInfo>,
    pub classifications: Vec<RegistryObject>,
    pub external_identifiers: Vec<RegistryObject>,
    /// Other nested ebRIM elements (ContentVersionInfo, a RegistryPackage's
    /// RegistryObjectList, ...).
    pub children: Vec<RegistryObject>,
    /// Elements the model has no field for (another namespace, a repeated Name, text
    /// content), verbatim. (Not in the JSON view: it is XML, not a model field.)
    #[cfg_attr(feature = "serde", serde(skip))]
    pub extensions: Vec<Element>,
}

impl RegistryObject {
    pub fn new(kind: ObjectKind) -> Self {
        RegistryObject {
            kind,
            attributes: Vec::new(),
            slots: Vec::new(),
            name: None,
            description: None,
            version_info: None,
            classifications: Vec::new(),
            external_identifiers: Vec::new(),
            children: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The value of an attribute in no namespace, as sent.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Set an attribute, replacing its value in place or appending it.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.attributes.push((name.to_string(), value)),
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.attr("id")
    }

    pub fn lid(&self) -> Option<&str> {
        self.attr("lid")
    }

    /// `home` as sent (may be empty [host/ihe/README.md, "What real peers send"]).
    pub fn home(&self) -> Option<&str> {
        self.attr("home")
    }

    pub fn object_type(&self) -> Option<&str> {
        self.attr("objectType")
    }

    pub fn status(&self) -> Option<&str> {
        self.attr("status")
    }

    /// True when `home` is absent or blank.
    pub fn lacks_home(&self) -> bool {
        self.home().is_none_or(|h| h.trim().is_empty())
    }

    /// The first Slot named `name`.
    pub fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    /// The first value of the first Slot named `name`.
    pub fn slot_value(&self, name: &str) -> Option<&str> {
        self.slot(name)
            .and_then(|s| s.values.first())
            .map(String::as_str)
    }

    /// Replace the values of the Slot named `name` (the first one; appended when absent).
    pub fn set_slot(&mut self, name: &str, values: Vec<String>) {
        match self.slots.iter_mut().find(|s| s.name == name) {
            Some(s) => s.values = values,
            None => self.slots.push(Slot::new(name, values)),
        }
    }

    /// This object and every registry object nested in it, depth first.
    pub fn walk(&self) -> Vec<&RegistryObject> {
        let mut out = vec![self];
        for c in self
            .classifications
            .iter()
            .chain(&self.external_identifiers)
            .chain(&self.children)
        {
            out.extend(c.walk());
        }
        out
    }

    /// Apply `f` to this object and every registry object nested in it.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut RegistryObject)) {
        f(self);
        for c in self
            .classifications
            .iter_mut()
            .chain(self.external_identifiers.iter_mut())
            .chain(self.children.iter_mut())
        {
            c.walk_mut(f);
        }
    }

    /// Read any ebRIM element as a registry object.
    pub fn parse(el: &Element) -> Result<RegistryObject, EbrsError> {
        let mut o = RegistryObject::new(ObjectKind::from_local(&el.local));
        o.attributes = el
            .attrs
            .iter()
            .map(|a| (attr_key(a), a.value.clone()))
            .collect();
        for child in el.elements() {
            // A nameless Slot cannot be a `Slot`, but it must still be passed on.
            let nameless_slot = child.local == "Slot" && child.attr("name").is_none();
            if child.ns != ns::RIM || (has_text(child) && child.local != "Slot") || nameless_slot {
                o.extensions.push(child.clone());
                continue;
            }
            match child.local.as_str() {
                "Slot" => o.slots.push(parse_slot(child)?),
                "Name" if o.name.is_none() && is_plain_international(child) => {
                    o.name = Some(parse_international(child))
                }
                "Description" if o.description.is_none() && is_plain_international(child) => {
                    o.description = Some(parse_international(child))
                }
                "VersionInfo"
                    if o.version_info.is_none()
                        && only_attrs(child, &["versionName", "comment"])
                        && child.children.is_empty() =>
                {
                    o.version_info = Some(VersionInfo {
                        version_name: child.attr("versionName").map(str::to_string),
                        comment: child.attr("comment").map(str::to_string),
                    })
                }
                "Name" | "Description" | "VersionInfo" => o.extensions.push(child.clone()),
                "Classification" => o.classifications.push(RegistryObject::parse(child)?),
                "ExternalIdentifier" => o.external_identifiers.push(RegistryObject::parse(child)?),
                _ => o.children.push(RegistryObject::parse(child)?),
            }
        }
        Ok(o)
    }

    /// Write this object as `rim:` elements; the caller has bound the `rim` prefix and no
    /// default namespace.
    pub fn write(&self, w: &mut XmlWriter) {
        let tag = format!("rim:{}", self.kind.local_name());
        w.out.push('<');
        w.out.push_str(&tag);
        write_attrs(w, &self.attributes);
        let empty = self.slots.is_empty()
            && self.name.is_none()
            && self.description.is_none()
            && self.version_info.is_none()
            && self.classifications.is_empty()
            && self.external_identifiers.is_empty()
            && self.children.is_empty()
            && self.extensions.is_empty();
        if empty {
            w.out.push_str("/>");
            return;
        }
        w.out.push('>');
        for s in &self.slots {
            write_slot(w, s);
        }
        if let Some(n) = &self.name {
            write_international(w, "rim:Name", n);
        }
        if let Some(d) = &self.description {
            write_international(w, "rim:Description", d);
        }
        if let Some(v) = &self.version_info {
            w.empty(
                "rim:VersionInfo",
                &[
                    ("versionName", v.version_name.as_deref()),
                    ("comment", v.comment.as_deref()),
                ],
            );
        }
        for c in self
            .classifications
            .iter()
            .chain(&self.external_identifiers)
            .chain(&self.children)
        {
            c.write(w);
        }
        for e in &self.extensions {
            w.element(e, "");
        }
        w.close(&tag);
    }
}

impl RegistryObject {
    /// This object as one self-contained XML element: the `rim` prefix is declared on it,
    /// so it can travel as a string on its own (e.g. as `extra-xml` across the plugin
    /// boundary) and be parsed back into an equal object.
    pub fn to_standalone_xml(&self) -> String {
        let mut w = XmlWriter::with_capacity(512);
        self.write(&mut w);
        let xml = w.finish();
        // `write` starts with `<rim:{kind}`; the declaration goes right after the name.
        let tag = format!("<rim:{}", self.kind.local_name());
        match xml.strip_prefix(tag.as_str()) {
            Some(rest) => format!("{tag} xmlns:rim=\"{}\"{rest}", ns::RIM),
            None => xml,
        }
    }
}

/// True when an element has character data that is not layout.
fn has_text(el: &Element) -> bool {
    el.children
        .iter()
        .any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()))
}
