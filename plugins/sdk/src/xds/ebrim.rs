//! Building blocks of the ebRIM objects an XCA responder returns: Slots, localized Names,
//! coded Classifications and ExternalIdentifiers nested in a DocumentEntry
//! (ExtrinsicObject) or SubmissionSet, and the ObjectRef form [ITI TF-3 4.2.3,
//! ITI TF-2 3.18.4.1.2.3.6]. Every adapter lays these out the same way, so that the
//! gateway sees one shape whichever community answered: coded values with a
//! `codingScheme` slot and the display as Name [ITI TF-3 4.2.3.1.2], ExternalIdentifiers
//! named by their ebRIM label [ITI TF-3 4.2.3.2.16, 4.2.3.2.26].

use crate::xca_query::{LocalizedString, NestedObject, RegistryObject, RegistrySlot, VersionInfo};

/// ebRIM object types [ebRIM 3.0 canonical ObjectType scheme].
pub const OBJECT_TYPE_CLASSIFICATION: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification";
/// The ObjectType of an ExternalIdentifier.
pub const OBJECT_TYPE_EXTERNAL_IDENTIFIER: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier";
/// The ObjectType of a RegistryPackage (SubmissionSet, Folder).
pub const OBJECT_TYPE_REGISTRY_PACKAGE: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage";
/// The ObjectType of an Association.
pub const OBJECT_TYPE_ASSOCIATION: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association";

/// XML attributes, in the order given.
pub fn attributes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A Slot with no slotType.
pub fn slot(name: &str, values: Vec<String>) -> RegistrySlot {
    RegistrySlot {
        name: name.to_string(),
        slot_type: None,
        values,
    }
}

/// A Name or Description of one LocalizedString (`Some`, for the optional fields it fills).
pub fn localized(value: &str, lang: Option<&str>) -> Option<Vec<LocalizedString>> {
    Some(vec![LocalizedString {
        value: value.to_string(),
        lang: lang.map(str::to_string),
        charset: None,
    }])
}

/// VersionInfo `1`: objects that were never replaced are at their first version.
pub fn first_version() -> Option<VersionInfo> {
    Some(VersionInfo {
        version_name: Some("1".to_string()),
        comment: None,
    })
}

/// A nested object of `kind` with only attributes; callers add Slots and Name.
pub fn nested(kind: &str, attributes: Vec<(String, String)>) -> NestedObject {
    NestedObject {
        kind: kind.to_string(),
        attributes,
        name: None,
        description: None,
        slots: vec![],
        extra_xml: vec![],
    }
}

/// A coded value (classCode, typeCode, eventCodeList, ...) as XDS metadata carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded<'a> {
    /// The code: the Classification's nodeRepresentation.
    pub code: &'a str,
    /// Its coding scheme (an OID or name): the `codingScheme` slot.
    pub scheme: &'a str,
    /// Its display name: the Classification's Name.
    pub display: &'a str,
}

/// A coded Classification of `object` in `classification_scheme` (one of the
/// `xcgate_ihe::ebrs::ids::uuids` schemes): nodeRepresentation = code, a `codingScheme`
/// slot, Name = display [ITI TF-3 4.2.3.1.2]. `id` must be stable between queries.
pub fn coded_classification(
    id: &str,
    classification_scheme: &str,
    object: &str,
    code: Coded<'_>,
) -> NestedObject {
    let mut n = nested(
        "Classification",
        attributes(&[
            ("id", id),
            ("objectType", OBJECT_TYPE_CLASSIFICATION),
            ("classificationScheme", classification_scheme),
            ("classifiedObject", object),
            ("nodeRepresentation", code.code),
        ]),
    );
    n.slots = vec![slot("codingScheme", vec![code.scheme.to_string()])];
    n.name = localized(code.display, None);
    n
}

/// An ExternalIdentifier of `object` with the Name ebRIM gives it (`label`, e.g.
/// `XDSDocumentEntry.uniqueId`) [ITI TF-3 4.2.3.2.16, 4.2.3.2.26].
pub fn external_identifier(
    id: &str,
    identification_scheme: &str,
    object: &str,
    label: &str,
    value: &str,
) -> NestedObject {
    let mut n = nested(
        "ExternalIdentifier",
        attributes(&[
            ("id", id),
            ("objectType", OBJECT_TYPE_EXTERNAL_IDENTIFIER),
            ("identificationScheme", identification_scheme),
            ("registryObject", object),
            ("value", value),
        ]),
    );
    n.name = localized(label, None);
    n
}

/// The ObjectRef form of an object: its id and `home` only [ITI TF-2 3.18.4.1.2.3.6,
/// 3.38.4.1.3].
pub fn object_ref(id: &str, home: &str) -> RegistryObject {
    RegistryObject {
        kind: "ObjectRef".to_string(),
        attributes: attributes(&[("id", id), ("home", home)]),
        name: None,
        description: None,
        version_info: None,
        slots: vec![],
        classifications: vec![],
        external_identifiers: vec![],
        extra_xml: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr<'a>(n: &'a [(String, String)], key: &str) -> Option<&'a str> {
        n.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn coded_classifications_carry_scheme_slot_and_display_name() {
        let n = coded_classification(
            "urn:uuid:1",
            "urn:uuid:scheme",
            "urn:uuid:entry",
            Coded {
                code: "N",
                scheme: "2.16.840.1.113883.5.25",
                display: "normal",
            },
        );
        assert_eq!(n.kind, "Classification");
        assert_eq!(attr(&n.attributes, "nodeRepresentation"), Some("N"));
        assert_eq!(
            attr(&n.attributes, "classifiedObject"),
            Some("urn:uuid:entry")
        );
        assert_eq!(
            attr(&n.attributes, "objectType"),
            Some(OBJECT_TYPE_CLASSIFICATION)
        );
        assert_eq!(
            n.slots,
            vec![slot("codingScheme", vec!["2.16.840.1.113883.5.25".into()])]
        );
        assert_eq!(n.name, localized("normal", None));
    }

    #[test]
    fn external_identifiers_are_named_by_their_label() {
        let n = external_identifier(
            "urn:uuid:2",
            "urn:uuid:s",
            "urn:uuid:e",
            "XDSDocumentEntry.uniqueId",
            "2.999.1",
        );
        assert_eq!(attr(&n.attributes, "value"), Some("2.999.1"));
        assert_eq!(attr(&n.attributes, "registryObject"), Some("urn:uuid:e"));
        assert_eq!(n.name.unwrap()[0].value, "XDSDocumentEntry.uniqueId");
    }

    #[test]
    fn object_refs_carry_only_id_and_home() {
        let r = object_ref("urn:uuid:e", "urn:oid:2.999");
        assert_eq!(r.kind, "ObjectRef");
        assert_eq!(
            r.attributes,
            attributes(&[("id", "urn:uuid:e"), ("home", "urn:oid:2.999")])
        );
        assert!(r.slots.is_empty() && r.name.is_none() && r.version_info.is_none());
    }
}
