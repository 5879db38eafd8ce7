//! The value parts of ebRIM objects: Slots (stored query parameters and metadata
//! attributes), Name/Description strings and VersionInfo [ebRIM 3.0 rim.xsd].

use super::EbrsError;
use crate::xml::{Element, XmlWriter, ns};

/// A `rim:Slot`: a name and its values in order, as sent (stored query values keep their
/// quotes and parentheses, e.g. `('urn:...:Approved')` [ITI TF-2 3.18.4.1.2.3.5]).
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slot {
    pub name: String,
    pub slot_type: Option<String>,
    pub values: Vec<String>,
}

impl Slot {
    pub fn new(name: impl Into<String>, values: Vec<String>) -> Self {
        Slot {
            name: name.into(),
            slot_type: None,
            values,
        }
    }
}

/// A `rim:LocalizedString`.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalizedString {
    /// `xml:lang`.
    pub lang: Option<String>,
    pub charset: Option<String>,
    pub value: String,
}

/// A `rim:Name` or `rim:Description`; present but empty (`<rim:Name/>`) is an empty list.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InternationalString {
    pub localized: Vec<LocalizedString>,
}

impl InternationalString {
    /// The first value, the one a display would show.
    pub fn first(&self) -> Option<&str> {
        self.localized.first().map(|l| l.value.as_str())
    }
}

/// A `rim:VersionInfo`.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionInfo {
    pub version_name: Option<String>,
    pub comment: Option<String>,
}

/// True when the element has no attribute outside `allowed` (all in no namespace).
pub(crate) fn only_attrs(el: &Element, allowed: &[&str]) -> bool {
    el.attrs
        .iter()
        .all(|a| a.ns.is_empty() && allowed.contains(&a.local.as_str()))
}

/// True when a Name/Description holds nothing but LocalizedStrings the model can carry, so
/// reading it into [`InternationalString`] loses nothing.
pub(crate) fn is_plain_international(el: &Element) -> bool {
    el.attrs.is_empty()
        && el.elements().all(|l| {
            l.is(ns::RIM, "LocalizedString")
                && l.children.is_empty()
                && l.attr("value").is_some()
                && l.attrs.iter().all(|a| {
                    (a.ns.is_empty() && matches!(a.local.as_str(), "value" | "charset"))
                        || (a.ns == ns::XML && a.local == "lang")
                })
        })
}

/// Read a `rim:Slot`; the values keep their exact text (no trimming: a value is a string).
pub(crate) fn parse_slot(el: &Element) -> Result<Slot, EbrsError> {
    let name = el.attr("name").ok_or(EbrsError::Missing("Slot/@name"))?;
    let values = el
        .children_named(ns::RIM, "ValueList")
        .flat_map(|l| l.children_named(ns::RIM, "Value"))
        .map(Element::text)
        .collect();
    Ok(Slot {
        name: name.to_string(),
        slot_type: el.attr("slotType").map(str::to_string),
        values,
    })
}

pub(crate) fn write_slot(w: &mut XmlWriter, s: &Slot) {
    w.open(
        "rim:Slot",
        &[
            ("name", Some(s.name.as_str())),
            ("slotType", s.slot_type.as_deref()),
        ],
    );
    w.open("rim:ValueList", &[]);
    for v in &s.values {
        w.leaf("rim:Value", v);
    }
    w.close("rim:ValueList").close("rim:Slot");
}

/// Read the Slots of a `RequestSlotList` / `ResponseSlotList`.
pub(crate) fn parse_slot_list(list: Option<&Element>) -> Result<Vec<Slot>, EbrsError> {
    list.map_or(Ok(Vec::new()), |l| {
        l.children_named(ns::RIM, "Slot").map(parse_slot).collect()
    })
}

/// Write a slot list element (`rs:ResponseSlotList`, `rs:RequestSlotList`) when non-empty.
pub(crate) fn write_slot_list(w: &mut XmlWriter, tag: &str, slots: &[Slot]) {
    if slots.is_empty() {
        return;
    }
    w.open(tag, &[]);
    for s in slots {
        write_slot(w, s);
    }
    w.close(tag);
}

pub(crate) fn parse_international(el: &Element) -> InternationalString {
    InternationalString {
        localized: el
            .children_named(ns::RIM, "LocalizedString")
            .map(|l| LocalizedString {
                lang: l.attr_ns(ns::XML, "lang").map(str::to_string),
                charset: l.attr("charset").map(str::to_string),
                value: l.attr("value").unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

pub(crate) fn write_international(w: &mut XmlWriter, tag: &str, s: &InternationalString) {
    if s.localized.is_empty() {
        w.empty(tag, &[]);
        return;
    }
    w.open(tag, &[]);
    for l in &s.localized {
        w.empty(
            "rim:LocalizedString",
            &[
                ("xml:lang", l.lang.as_deref()),
                ("charset", l.charset.as_deref()),
                ("value", Some(l.value.as_str())),
            ],
        );
    }
    w.close(tag);
}
