//! HL7 V3 data types used by XCPD: II, PN, AD, TEL.

use crate::xcpd::{Address, Ii, PersonName, Telecom};
use crate::xml::{Element, XmlWriter, ns::HL7};

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// An II; `None` when it has no root (e.g. `nullFlavor`).
pub fn read_ii(el: &Element) -> Option<Ii> {
    let root = non_empty(el.attr("root"))?;
    Some(Ii {
        root,
        extension: non_empty(el.attr("extension")),
    })
}

/// A PN: the parts in document order, by kind.
pub fn read_name(el: &Element) -> PersonName {
    let mut n = PersonName {
        name_use: non_empty(el.attr("use")),
        ..PersonName::default()
    };
    for part in el.elements().filter(|e| e.ns == HL7) {
        let Some(text) = part.text_trimmed() else {
            continue;
        };
        match part.local.as_str() {
            "family" => n.family.push(text),
            "given" => n.given.push(text),
            "prefix" => n.prefix.push(text),
            "suffix" => n.suffix.push(text),
            _ => {}
        }
    }
    // A name given as plain text ("John Smith") has no parts: keep it as one family part
    // so that it is not lost.
    if n.is_empty()
        && let Some(t) = el.text_trimmed()
    {
        n.family.push(t);
    }
    n
}

/// An AD.
pub fn read_address(el: &Element) -> Address {
    let mut a = Address {
        address_use: non_empty(el.attr("use")),
        ..Address::default()
    };
    for part in el.elements().filter(|e| e.ns == HL7) {
        let Some(text) = part.text_trimmed() else {
            continue;
        };
        match part.local.as_str() {
            "streetAddressLine" | "streetName" | "houseNumber" | "additionalLocator" => {
                a.street_lines.push(text)
            }
            "city" => a.city = Some(text),
            "state" => a.state = Some(text),
            "postalCode" => a.postal_code = Some(text),
            "country" => a.country = Some(text),
            _ => {}
        }
    }
    a
}

/// A TEL; `None` without a value.
pub fn read_telecom(el: &Element) -> Option<Telecom> {
    Some(Telecom {
        value: non_empty(el.attr("value"))?,
        telecom_use: non_empty(el.attr("use")),
    })
}

/// `<tag root=".." extension=".."/>`
pub fn write_ii(w: &mut XmlWriter, tag: &str, ii: &Ii) {
    w.empty(
        tag,
        &[
            ("root", Some(&ii.root)),
            ("extension", ii.extension.as_deref()),
        ],
    );
}

/// `<tag use=".."><given>..</given><family>..</family></tag>`; an empty name is written
/// with `nullFlavor="NA"` [ITI TF-2 Table 3.55.4.2.2.2-1].
pub fn write_name(w: &mut XmlWriter, tag: &str, n: &PersonName) {
    if n.is_empty() {
        w.empty(tag, &[("nullFlavor", Some("NA"))]);
        return;
    }
    w.open(tag, &[("use", n.name_use.as_deref())]);
    for p in &n.prefix {
        w.leaf("prefix", p);
    }
    for g in &n.given {
        w.leaf("given", g);
    }
    for f in &n.family {
        w.leaf("family", f);
    }
    for s in &n.suffix {
        w.leaf("suffix", s);
    }
    w.close(tag);
}

/// `<tag use=".."><streetAddressLine>..</streetAddressLine>...</tag>`
pub fn write_address(w: &mut XmlWriter, tag: &str, a: &Address) {
    w.open(tag, &[("use", a.address_use.as_deref())]);
    for l in &a.street_lines {
        w.leaf("streetAddressLine", l);
    }
    for (name, v) in [
        ("city", &a.city),
        ("state", &a.state),
        ("postalCode", &a.postal_code),
        ("country", &a.country),
    ] {
        if let Some(v) = v {
            w.leaf(name, v);
        }
    }
    w.close(tag);
}

/// `<tag value=".." use=".."/>`
pub fn write_telecom(w: &mut XmlWriter, tag: &str, t: &Telecom) {
    w.empty(
        tag,
        &[("value", Some(&t.value)), ("use", t.telecom_use.as_deref())],
    );
}
