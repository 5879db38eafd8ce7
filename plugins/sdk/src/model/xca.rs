//! XCA records between the WIT types and the ebRS/ebRIM model: the guest-side mirror of
//! the host's `plugin/convert_xca.rs`. Registry objects go across losslessly
//! [ITI TF-2 3.38.4.1.3 "pass all entities through"]: what the WIT record has no field
//! for travels as self-contained XML in `extra-xml`, which the host parses back into the
//! same place of the object.

use crate::ihe::ebrs::{
    AdhocQueryRequest, InternationalString, RegistryError as EbError, RegistryObject as EbObject,
    ReturnType as EbReturnType, Severity as EbSeverity, Slot, VersionInfo as EbVersionInfo,
};
use crate::ihe::xml::{XmlWriter, ns};
use crate::xca_query::{
    LocalizedString, NestedObject, QueryRequest, RegistryObject, RegistrySlot, ReturnType,
    VersionInfo,
};
use crate::{RegistryError, Severity};

/// The stored query to send: the query id, every parameter unchanged
/// [ITI TF-2 3.38.4.1.1], the return type, and `home` when given.
pub fn query_out(request: &QueryRequest) -> AdhocQueryRequest {
    let return_type = match request.return_type {
        ReturnType::LeafClass => EbReturnType::LeafClass,
        ReturnType::ObjectRef => EbReturnType::ObjectRef,
    };
    let mut q = AdhocQueryRequest::new(&request.query_id, return_type);
    q.query.slots = request
        .parameters
        .iter()
        .map(|p| Slot {
            name: p.name.clone(),
            slot_type: p.slot_type.clone(),
            values: p.values.clone(),
        })
        .collect();
    if let Some(home) = &request.home_community_id {
        q.set_home(home);
    }
    q
}

fn strings_in(s: Option<InternationalString>) -> Option<Vec<LocalizedString>> {
    s.map(|s| {
        s.localized
            .into_iter()
            .map(|l| LocalizedString {
                value: l.value,
                lang: l.lang,
                charset: l.charset,
            })
            .collect()
    })
}

fn slots_in(slots: Vec<Slot>) -> Vec<RegistrySlot> {
    slots
        .into_iter()
        .map(|s| RegistrySlot {
            name: s.name,
            slot_type: s.slot_type,
            values: s.values,
        })
        .collect()
}

fn version_xml(v: &EbVersionInfo) -> String {
    let mut w = XmlWriter::with_capacity(128);
    w.empty(
        "rim:VersionInfo",
        &[
            ("xmlns:rim", Some(ns::RIM)),
            ("versionName", v.version_name.as_deref()),
            ("comment", v.comment.as_deref()),
        ],
    );
    w.finish()
}

/// Nested registry objects and foreign elements as self-contained XML strings.
fn extra_xml(children: &[EbObject], extensions: &[crate::ihe::xml::Element]) -> Vec<String> {
    let mut out: Vec<String> = children.iter().map(EbObject::to_standalone_xml).collect();
    out.extend(extensions.iter().map(|e| {
        let mut w = XmlWriter::with_capacity(256);
        // Written against no default namespace, so it declares its own.
        w.element(e, "");
        w.finish()
    }));
    out
}

/// A Classification or ExternalIdentifier. The WIT record has no place for a nested
/// object's VersionInfo or its own nested objects: they go in `extra-xml`.
fn nested_in(o: EbObject) -> NestedObject {
    let mut extra: Vec<String> = o.version_info.iter().map(version_xml).collect();
    let deeper: Vec<EbObject> = o
        .classifications
        .into_iter()
        .chain(o.external_identifiers)
        .chain(o.children)
        .collect();
    extra.extend(extra_xml(&deeper, &o.extensions));
    NestedObject {
        kind: o.kind.local_name().to_string(),
        attributes: o.attributes,
        name: strings_in(o.name),
        description: strings_in(o.description),
        slots: slots_in(o.slots),
        extra_xml: extra,
    }
}

/// A registry object of the answer, whole.
pub fn object_in(o: EbObject) -> RegistryObject {
    let extra = extra_xml(&o.children, &o.extensions);
    RegistryObject {
        kind: o.kind.local_name().to_string(),
        attributes: o.attributes,
        name: strings_in(o.name),
        description: strings_in(o.description),
        version_info: o.version_info.map(|v| VersionInfo {
            version_name: v.version_name,
            comment: v.comment,
        }),
        slots: slots_in(o.slots),
        classifications: o.classifications.into_iter().map(nested_in).collect(),
        external_identifiers: o.external_identifiers.into_iter().map(nested_in).collect(),
        extra_xml: extra,
    }
}

/// True for an object the WIT record can carry: an ebRIM element whose name the host
/// accepts as a kind (letters and digits).
pub fn carriable(o: &EbObject) -> bool {
    let kind = o.kind.local_name();
    !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A RegistryError as sent: code, context, severity and location unchanged (a missing
/// location stays missing; the host fills in the community [wit/README.md]).
pub fn error_in(e: EbError) -> RegistryError {
    RegistryError {
        error_code: e.error_code,
        code_context: e.code_context,
        severity: match e.severity {
            EbSeverity::Error => Severity::Error,
            EbSeverity::Warning => Severity::Warning,
        },
        location: e.location,
    }
}

#[cfg(test)]
mod tests;
