//! The XSPA / IHE XUA attributes [IHE ITI TF-2 3.40.4.1.2], read liberally: names compared
//! without case (NHN sends `purposeOfUse`), NHIN/CONNECT names as fallbacks, coded values
//! as `hl7:CE` elements (`Role`, `PurposeOfUse`, NHIN `PurposeForUse`) or as that element
//! escaped into text (NHN HelseID), or as a bare code.

use crate::dom::{self, Child, Doc, Id, collapsed};
use crate::model::{AssertedUser, Coded};
use crate::names::SAML2;

const HL7: &str = "urn:hl7-org:v3";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Attribute names per field, in order of preference.
const SUBJECT_ID: &[&str] = &[
    "urn:oasis:names:tc:xspa:1.0:subject:subject-id",
    "urn:oasis:names:tc:xacml:1.0:subject:subject-id",
];
const ORGANIZATION: &[&str] = &["urn:oasis:names:tc:xspa:1.0:subject:organization"];
const ORGANIZATION_ID: &[&str] = &["urn:oasis:names:tc:xspa:1.0:subject:organization-id"];
const HOME_COMMUNITY_ID: &[&str] = &[
    "urn:ihe:iti:xca:2010:homeCommunityId",
    "urn:nhin:names:saml:homeCommunityId",
    "urn:no:ehelse:saml:1.0:subject:homeCommunityId",
];
const ROLE: &[&str] = &[
    "urn:oasis:names:tc:xacml:2.0:subject:role",
    "urn:oasis:names:tc:xspa:1.0:subject:role",
];
const PURPOSE_OF_USE: &[&str] = &["urn:oasis:names:tc:xspa:1.0:subject:purposeofuse"];
const NPI: &[&str] = &[
    "urn:oasis:names:tc:xspa:2.0:subject:npi",
    "urn:oasis:names:tc:xspa:1.0:subject:npi",
];
const RESOURCE_ID: &[&str] = &[
    "urn:oasis:names:tc:xacml:2.0:resource:resource-id",
    "urn:oasis:names:tc:xacml:1.0:resource:resource-id",
];

/// Element names accepted as a coded value of each coded attribute.
const ROLE_ELEMENTS: &[&str] = &["Role"];
const PURPOSE_ELEMENTS: &[&str] = &["PurposeOfUse", "PurposeForUse", "Purpose"];

/// One `AttributeValue`: an element (real, or parsed from escaped text) or plain text.
enum Value {
    Elem {
        ns: String,
        local: String,
        attrs: Vec<(String, String)>,
    },
    Text(String),
}

impl Value {
    fn attr(&self, name: &str) -> Option<&str> {
        match self {
            Value::Elem { attrs, .. } => attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.trim().is_empty()),
            Value::Text(_) => None,
        }
    }
}

fn elem_value(doc: &Doc, id: Id) -> Value {
    let e = doc.elem(id);
    Value::Elem {
        ns: e.ns.clone(),
        local: e.local.clone(),
        attrs: e
            .attrs
            .iter()
            .filter(|a| a.ns.is_empty())
            .map(|a| (a.local.clone(), a.value.clone()))
            .collect(),
    }
}

/// Escaped markup as text (`&lt;Role xmlns=... xsi:type="CE" .../&gt;`): parsed inside a
/// wrapper that binds `xsi`, which these values use without declaring.
fn parse_escaped(text: &str) -> Option<Value> {
    let wrapped = format!("<w xmlns:xsi=\"{XSI}\">{text}</w>");
    let doc = dom::parse(&wrapped).ok()?;
    let first = doc.child_elems(doc.root).next()?;
    Some(elem_value(&doc, first))
}

fn values(doc: &Doc, attribute: Id) -> Vec<Value> {
    let mut out = Vec::new();
    for v in doc.children_named(attribute, SAML2, "AttributeValue") {
        let e = doc.elem(v);
        if e.attr_ns(XSI, "nil")
            .is_some_and(|n| n == "true" || n == "1")
        {
            continue;
        }
        if let Some(child) = e.children.iter().find_map(|c| match c {
            Child::Elem(c) => Some(*c),
            _ => None,
        }) {
            out.push(elem_value(doc, child));
            continue;
        }
        let text = collapsed(doc, v);
        if text.starts_with('<') {
            if let Some(parsed) = parse_escaped(&text) {
                out.push(parsed);
            }
        } else if !text.is_empty() {
            out.push(Value::Text(text));
        }
    }
    out
}

/// All `Attribute` elements of the statements whose Name is one of `names`, by preference.
fn attributes<'a>(doc: &'a Doc, statements: &'a [Id], names: &'a [&str]) -> Vec<Id> {
    let mut found = Vec::new();
    for name in names {
        for s in statements {
            for a in doc.children_named(*s, SAML2, "Attribute") {
                if doc
                    .elem(a)
                    .attr("Name")
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
                {
                    found.push(a);
                }
            }
        }
    }
    found
}

/// The first non-empty single value of the first attribute present.
fn single(doc: &Doc, statements: &[Id], names: &[&str]) -> Option<String> {
    attributes(doc, statements, names)
        .into_iter()
        .flat_map(|a| values(doc, a))
        .find_map(|v| match v {
            Value::Text(t) => Some(t),
            // An HL7 II (NHN organization-id): root, and extension when there is one.
            v @ Value::Elem { .. } => {
                let root = v.attr("root")?.trim().to_string();
                Some(match v.attr("extension") {
                    Some(ext) => format!("{root}^{}", ext.trim()),
                    None => root,
                })
            }
        })
}

fn coded(doc: &Doc, statements: &[Id], names: &[&str], elements: &[&str]) -> Vec<Coded> {
    let mut out: Vec<Coded> = Vec::new();
    for a in attributes(doc, statements, names) {
        for v in values(doc, a) {
            let c = match &v {
                Value::Text(t) => Coded {
                    code: t.clone(),
                    code_system: String::new(),
                    display: None,
                },
                // Other namespaces or element names are not this attribute's codes (the IPF
                // sample mixes such values in on purpose).
                Value::Elem { ns, local, .. } => {
                    if !(ns.is_empty() || ns == HL7) || !elements.contains(&local.as_str()) {
                        continue;
                    }
                    let Some(code) = v.attr("code") else { continue };
                    Coded {
                        code: code.trim().to_string(),
                        code_system: v.attr("codeSystem").unwrap_or_default().trim().to_string(),
                        display: v.attr("displayName").map(|d| d.trim().to_string()),
                    }
                }
            };
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// The user attributes of the assertion's own AttributeStatements.
pub(crate) fn read_user_attributes(doc: &Doc, statements: &[Id]) -> AssertedUser {
    AssertedUser {
        subject_id: single(doc, statements, SUBJECT_ID).unwrap_or_default(),
        organization: single(doc, statements, ORGANIZATION),
        organization_id: single(doc, statements, ORGANIZATION_ID),
        home_community_id: single(doc, statements, HOME_COMMUNITY_ID),
        roles: coded(doc, statements, ROLE, ROLE_ELEMENTS),
        purpose_of_use: coded(doc, statements, PURPOSE_OF_USE, PURPOSE_ELEMENTS),
        // NHN escapes the CX twice (`&amp;amp;`); a CX never contains a literal `&amp;`.
        resource_id: single(doc, statements, RESOURCE_ID).map(|r| r.replace("&amp;", "&")),
        npi: single(doc, statements, NPI),
        ..AssertedUser::default()
    }
}
