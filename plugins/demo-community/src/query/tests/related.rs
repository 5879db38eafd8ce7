//! GetDocuments, ObjectRef, GetAll, FindSubmissionSets, GetAssociations and the folder
//! queries.

use super::super::*;
use super::{
    FIND_DOCUMENTS, FIND_SUBMISSION_SETS, GET_ALL, GET_ASSOCIATIONS, GET_DOCUMENTS, attr, kinds,
    only_error, slot, unique_ids,
};
use crate::catalog::fixtures::{AINO, APPROVED, HOME, JIMMY, catalog, request};
use xcgate_sdk::ihe::ebrs::ids::StoredQuery;

#[test]
fn get_documents_by_unique_id_or_entry_uuid() {
    let c = catalog();
    let r = super::super::find(
        &c,
        &request(
            GET_DOCUMENTS,
            &[(
                "$XDSDocumentEntryUniqueId",
                "('2.999.1.10.2.3','2.999.1.99')",
            )],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(unique_ids(&r), ["2.999.1.10.2.3"]);
    let uuid = format!("('{}')", c.documents[1].entry_uuid);
    let r = super::super::find(
        &c,
        &request(
            GET_DOCUMENTS,
            &[("$XDSDocumentEntryEntryUUID", &uuid)],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(unique_ids(&r), ["2.999.1.10.2.2"]);
    let r = super::super::find(&c, &request(GET_DOCUMENTS, &[], ReturnType::LeafClass));
    assert_eq!(only_error(&r).error_code, "XDSStoredQueryMissingParam");
}

#[test]
fn object_ref_returns_ids_and_home_only() {
    let r = super::super::find(
        &catalog(),
        &request(
            FIND_DOCUMENTS,
            &[
                ("$XDSDocumentEntryPatientId", AINO),
                ("$XDSDocumentEntryStatus", APPROVED),
            ],
            ReturnType::ObjectRef,
        ),
    );
    assert_eq!(kinds(&r), ["ObjectRef", "ObjectRef"]);
    let c = catalog();
    for (o, d) in r.objects.iter().zip(&c.documents) {
        assert_eq!(attr(o, "id"), Some(d.entry_uuid.as_str()));
        assert_eq!(attr(o, "home"), Some(HOME));
        assert!(o.slots.is_empty() && o.classifications.is_empty());
    }
}

#[test]
fn get_all_returns_documents_submission_sets_and_associations() {
    let c = catalog();
    let r = super::super::find(
        &c,
        &request(
            GET_ALL,
            &[
                ("$patientId", AINO),
                ("$XDSDocumentEntryStatus", APPROVED),
                ("$XDSSubmissionSetStatus", APPROVED),
                ("$XDSFolderStatus", APPROVED),
            ],
            ReturnType::LeafClass,
        ),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        kinds(&r),
        [
            "ExtrinsicObject",
            "ExtrinsicObject",
            "RegistryPackage",
            "RegistryPackage",
            "Association",
            "Association"
        ]
    );
    let set = &r.objects[2];
    assert_eq!(attr(set, "home"), Some(HOME));
    assert_eq!(slot(set, "submissionTime"), Some("20240312083000"));
    assert!(set.classifications.iter().any(|cl| {
        cl.attributes
            .iter()
            .any(|(k, v)| k == "classificationNode" && v == crate::vocab::SUBMISSION_SET_NODE)
    }));
    assert_eq!(set.external_identifiers.len(), 3);
    let assoc = &r.objects[4];
    assert_eq!(
        attr(assoc, "associationType"),
        Some(crate::vocab::HAS_MEMBER)
    );
    assert_eq!(attr(assoc, "sourceObject"), attr(set, "id"));
    assert_eq!(attr(assoc, "targetObject"), attr(&r.objects[0], "id"));
    assert_eq!(slot(assoc, "SubmissionSetStatus"), Some("Original"));
    // $XDSFolderStatus is required too [ITI TF-2 3.18.4.1.2.3.7.4].
    let r = super::super::find(
        &c,
        &request(
            GET_ALL,
            &[
                ("$patientId", AINO),
                ("$XDSDocumentEntryStatus", APPROVED),
                ("$XDSSubmissionSetStatus", APPROVED),
            ],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(only_error(&r).error_code, "XDSStoredQueryMissingParam");
}

#[test]
fn find_submission_sets_and_get_associations() {
    let c = catalog();
    let sets = super::super::find(
        &c,
        &request(
            FIND_SUBMISSION_SETS,
            &[
                ("$XDSSubmissionSetPatientId", JIMMY),
                ("$XDSSubmissionSetStatus", APPROVED),
            ],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(kinds(&sets), ["RegistryPackage"]);
    assert_eq!(
        attr(&sets.objects[0], "id"),
        Some(c.documents[2].submission_set_uuid.as_str())
    );
    let by_doc = format!("('{}')", c.documents[0].entry_uuid);
    let r = super::super::find(
        &c,
        &request(
            GET_ASSOCIATIONS,
            &[("$uuid", &by_doc)],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(kinds(&r), ["Association"]);
    assert_eq!(
        attr(&r.objects[0], "targetObject"),
        Some(c.documents[0].entry_uuid.as_str())
    );
    let by_set = format!("('{}')", c.documents[2].submission_set_uuid);
    let r = super::super::find(
        &c,
        &request(
            GET_ASSOCIATIONS,
            &[("$uuid", &by_set)],
            ReturnType::LeafClass,
        ),
    );
    assert_eq!(
        attr(&r.objects[0], "sourceObject"),
        Some(c.documents[2].submission_set_uuid.as_str())
    );
    let r = super::super::find(&c, &request(GET_ASSOCIATIONS, &[], ReturnType::LeafClass));
    assert_eq!(only_error(&r).error_code, "XDSStoredQueryMissingParam");
}

#[test]
fn folder_queries_find_nothing_in_a_community_without_folders() {
    let r = super::super::find(
        &catalog(),
        &request(
            StoredQuery::FindFolders.id(),
            &[
                ("$XDSFolderPatientId", AINO),
                ("$XDSFolderStatus", APPROVED),
            ],
            ReturnType::LeafClass,
        ),
    );
    assert!(r.objects.is_empty() && r.errors.is_empty());
}
