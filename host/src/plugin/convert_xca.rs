//! Conversions between the ebRS/ebRIM model (`xcgate_ihe::ebrs`, `xcgate_ihe::retrieve`)
//! and the generated WIT types of `document-query` and `document-retrieve`.
//!
//! Plugin answers are checked on the way in: an unknown object kind, or extra XML that
//! is not well-formed, is the plugin's fault and fails that community's call.

use super::bindings::query::exports::xcgate::adapter::document_query as q;
use super::bindings::retrieve::exports::xcgate::adapter::document_retrieve as r;
use super::bindings::xcgate::adapter::types as t;
use bytes::Bytes;
use xcgate_ihe::ebrs::{
    AdhocQueryRequest, InternationalString, LocalizedString, ObjectKind, RegistryError,
    RegistryObject, ReturnType, Severity, Slot, VersionInfo,
};
use xcgate_ihe::retrieve::DocumentRequest;
use xcgate_ihe::xml::{self, ns};

/// The stored query as the plugin sees it: every parameter passed through unchanged.
pub fn query_in(req: &AdhocQueryRequest) -> q::QueryRequest {
    q::QueryRequest {
        query_id: req.query_id().to_string(),
        parameters: req
            .query
            .slots
            .iter()
            .map(|s| q::RegistrySlot {
                name: s.name.clone(),
                slot_type: s.slot_type.clone(),
                values: s.values.clone(),
            })
            .collect(),
        return_type: match req.return_type() {
            ReturnType::ObjectRef => q::ReturnType::ObjectRef,
            _ => q::ReturnType::LeafClass,
        },
        home_community_id: req.home().map(str::to_string),
        extensions: vec![],
    }
}

fn slot_out(s: q::RegistrySlot) -> Slot {
    Slot {
        name: s.name,
        slot_type: s.slot_type,
        values: s.values,
    }
}

fn strings_out(v: Option<Vec<q::LocalizedString>>) -> Option<InternationalString> {
    v.map(|list| InternationalString {
        localized: list
            .into_iter()
            .map(|l| LocalizedString {
                lang: l.lang,
                charset: l.charset,
                value: l.value,
            })
            .collect(),
    })
}

/// Parse a piece of extra XML: a nested ebRIM object, or an extension kept verbatim.
fn extra_out(xml_text: &str, into: &mut RegistryObject) -> Result<(), String> {
    let el = xml::parse(xml_text.as_bytes())
        .map_err(|e| format!("extra-xml is not well-formed: {e}"))?;
    if el.ns == ns::RIM {
        let nested = RegistryObject::parse(&el)
            .map_err(|e| format!("extra-xml is not a valid ebRIM object: {e}"))?;
        match nested.kind {
            ObjectKind::Classification => into.classifications.push(nested),
            ObjectKind::ExternalIdentifier => into.external_identifiers.push(nested),
            _ => into.children.push(nested),
        }
    } else {
        into.extensions.push(el);
    }
    Ok(())
}

fn base(kind: &str, attributes: Vec<(String, String)>) -> Result<RegistryObject, String> {
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("`{kind}` is not an ebRIM element name"));
    }
    let mut o = RegistryObject::new(ObjectKind::from_local(kind));
    o.attributes = attributes;
    Ok(o)
}

fn nested_out(n: q::NestedObject) -> Result<RegistryObject, String> {
    let mut o = base(&n.kind, n.attributes)?;
    o.name = strings_out(n.name);
    o.description = strings_out(n.description);
    o.slots = n.slots.into_iter().map(slot_out).collect();
    for x in &n.extra_xml {
        extra_out(x, &mut o)?;
    }
    Ok(o)
}

/// A registry object returned by a plugin, in the ebRIM model.
pub fn object_out(w: q::RegistryObject) -> Result<RegistryObject, String> {
    let mut o = base(&w.kind, w.attributes)?;
    o.name = strings_out(w.name);
    o.description = strings_out(w.description);
    o.version_info = w.version_info.map(|v| VersionInfo {
        version_name: v.version_name,
        comment: v.comment,
    });
    o.slots = w.slots.into_iter().map(slot_out).collect();
    o.classifications = w
        .classifications
        .into_iter()
        .map(nested_out)
        .collect::<Result<_, _>>()?;
    o.external_identifiers = w
        .external_identifiers
        .into_iter()
        .map(nested_out)
        .collect::<Result<_, _>>()?;
    for x in &w.extra_xml {
        extra_out(x, &mut o)?;
    }
    Ok(o)
}

/// A RegistryError returned by a plugin.
pub fn error_out(e: t::RegistryError) -> RegistryError {
    let severity = match e.severity {
        t::Severity::Error => Severity::Error,
        t::Severity::Warning => Severity::Warning,
    };
    RegistryError::new(
        severity,
        &e.error_code,
        &e.code_context,
        e.location.as_deref(),
    )
}

/// The document requests as the plugin sees them.
pub fn requests_in(requests: &[DocumentRequest]) -> Vec<r::DocumentRequest> {
    requests
        .iter()
        .map(|d| r::DocumentRequest {
            home_community_id: d.home_community_id.clone(),
            repository_unique_id: d.repository_unique_id.clone(),
            document_unique_id: d.document_unique_id.clone(),
        })
        .collect()
}

/// One document returned by a plugin; the content moves into `Bytes` without a copy.
#[derive(Debug, Clone)]
pub struct RetrievedDocument {
    pub home_community_id: Option<String>,
    pub repository_unique_id: String,
    pub document_unique_id: String,
    pub new_repository_unique_id: Option<String>,
    pub new_document_unique_id: Option<String>,
    pub mime_type: String,
    pub content: Bytes,
}

pub fn document_out(d: r::Document) -> RetrievedDocument {
    RetrievedDocument {
        home_community_id: d.home_community_id,
        repository_unique_id: d.repository_unique_id,
        document_unique_id: d.document_unique_id,
        new_repository_unique_id: d.new_repository_unique_id,
        new_document_unique_id: d.new_document_unique_id,
        mime_type: d.mime_type,
        content: Bytes::from(d.content),
    }
}

#[cfg(test)]
mod tests;
