//! XCA Cross Gateway Query (ITI-38, and ITI-18 through the gateway): the records and the
//! trait an adapter implements. Build DocumentEntries with
//! [`xds::DocumentEntry`](crate::xds::DocumentEntry), read the stored-query parameters
//! with [`xds::params`](crate::xds::params).

// The records are generated (wit-bindgen): `Default` is written out, not derived.
#![allow(clippy::derivable_impls)]

use crate::{AdapterError, CallContext, RegistryError};

pub use crate::__private::query::exports::xcgate::adapter::document_query::{
    LocalizedString, NestedObject, QueryRequest, QueryResponse, RegistryObject, RegistrySlot,
    ReturnType, VersionInfo,
};

/// An adapter that answers ITI-38 stored queries: register it with
/// [`register_document_query!`](crate::register_document_query).
pub trait DocumentQuery {
    /// The registry objects that answer `request` [ITI TF-2 3.38.4.1.2], in the form its
    /// `return_type` asks for, and the RegistryErrors of the query (an unknown stored query
    /// is `XDSUnknownStoredQuery`, a bad parameter `XDSStoredQueryParamNumber`: see
    /// [`xds::params`](crate::xds::params)). An [`AdapterError`] when the community cannot
    /// answer at all.
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError>;
}

impl Default for QueryResponse {
    fn default() -> Self {
        QueryResponse {
            objects: vec![],
            errors: vec![],
        }
    }
}

impl QueryResponse {
    /// An answer with these objects and no errors.
    pub fn objects(objects: Vec<RegistryObject>) -> QueryResponse {
        QueryResponse {
            objects,
            errors: vec![],
        }
    }

    /// An answer with one error and no objects.
    pub fn error(error: RegistryError) -> QueryResponse {
        QueryResponse {
            objects: vec![],
            errors: vec![error],
        }
    }
}

/// A FindDocuments query for one patient (for unit tests): `patient_cx` in the stored-query
/// value syntax it is quoted into, leaf-class, Approved entries.
impl QueryRequest {
    pub fn find_documents(patient_cx: &str) -> QueryRequest {
        let slot = |name: &str, value: String| RegistrySlot {
            name: name.to_string(),
            slot_type: None,
            values: vec![value],
        };
        QueryRequest {
            query_id: crate::ihe::ebrs::ids::StoredQuery::FindDocuments
                .id()
                .to_string(),
            parameters: vec![
                slot("$XDSDocumentEntryPatientId", format!("'{patient_cx}'")),
                slot(
                    "$XDSDocumentEntryStatus",
                    "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')".to_string(),
                ),
            ],
            return_type: ReturnType::LeafClass,
            home_community_id: None,
            extensions: vec![],
        }
    }
}

impl Default for RegistryObject {
    /// An object of no kind: start from [`xds::DocumentEntry`](crate::xds::DocumentEntry)
    /// or [`xds::ebrim::object_ref`](crate::xds::ebrim::object_ref) instead.
    fn default() -> Self {
        RegistryObject {
            kind: String::new(),
            attributes: vec![],
            name: None,
            description: None,
            version_info: None,
            slots: vec![],
            classifications: vec![],
            external_identifiers: vec![],
            extra_xml: vec![],
        }
    }
}

impl RegistryObject {
    /// The value of an attribute (`id`, `home`, `mimeType`, ...).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The values of a slot.
    pub fn slot(&self, name: &str) -> Option<&[String]> {
        self.slots
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.values.as_slice())
    }
}
