//! `query:AdhocQueryRequest`: the stored query invocation of ITI-18 and ITI-38
//! [ITI TF-2 3.18.4.1.2, 3.38.4.1.2; ebRS 3.0 query.xsd].

use super::ids::{PATIENT_ID_PARAMETERS, StoredQuery};
use super::rim::{ObjectKind, RegistryObject};
use super::slot::{Slot, parse_slot_list, write_slot_list};
use super::{EbrsError, bool_attr, expect_element, int_attr, write_attrs};
use crate::xml::{Element, XmlWriter, ns};

/// `ResponseOption/@returnType` [ebRS 3.0 query.xsd; ITI TF-2 3.18.4.1.2.3.1].
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnType {
    /// Full objects; what IHE queries use for metadata.
    LeafClass,
    /// References only.
    ObjectRef,
    /// The ebRS default when the attribute is absent.
    RegistryObject,
    LeafClassWithRepositoryItem,
}

impl ReturnType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnType::LeafClass => "LeafClass",
            ReturnType::ObjectRef => "ObjectRef",
            ReturnType::RegistryObject => "RegistryObject",
            ReturnType::LeafClassWithRepositoryItem => "LeafClassWithRepositoryItem",
        }
    }

    pub fn parse(raw: &str) -> Option<ReturnType> {
        match raw.trim() {
            "LeafClass" => Some(ReturnType::LeafClass),
            "ObjectRef" => Some(ReturnType::ObjectRef),
            "RegistryObject" => Some(ReturnType::RegistryObject),
            "LeafClassWithRepositoryItem" => Some(ReturnType::LeafClassWithRepositoryItem),
            _ => None,
        }
    }
}

/// `query:ResponseOption`.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseOption {
    /// `None` when the attribute is absent (ebRS default RegistryObject).
    pub return_type: Option<ReturnType>,
    pub return_composed_objects: Option<bool>,
}

/// A stored query invocation.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdhocQueryRequest {
    /// RegistryRequestType attributes and slots [ebRS 3.0 rs.xsd].
    pub id: Option<String>,
    pub comment: Option<String>,
    pub request_slots: Vec<Slot>,
    pub federated: Option<bool>,
    pub federation: Option<String>,
    pub start_index: Option<i64>,
    pub max_results: Option<i64>,
    pub response_option: ResponseOption,
    /// The `rim:AdhocQuery`: `id` = stored query id, `home`, and the parameters as Slots,
    /// kept whole (the IG passes every parameter on [ITI TF-2 3.38.4.1.1]).
    pub query: RegistryObject,
}

impl AdhocQueryRequest {
    /// A request for the stored query `query_id` with no parameters yet.
    pub fn new(query_id: &str, return_type: ReturnType) -> Self {
        let mut query = RegistryObject::new(ObjectKind::AdhocQuery);
        query.set_attr("id", query_id);
        AdhocQueryRequest {
            id: None,
            comment: None,
            request_slots: Vec::new(),
            federated: None,
            federation: None,
            start_index: None,
            max_results: None,
            response_option: ResponseOption {
                return_type: Some(return_type),
                return_composed_objects: Some(true),
            },
            query,
        }
    }

    /// The stored query id as sent (`AdhocQuery/@id`).
    pub fn query_id(&self) -> &str {
        self.query.id().unwrap_or_default()
    }

    /// The stored query, when it is one of [ITI TF-2 3.18.4.1.2.4].
    pub fn stored_query(&self) -> Option<StoredQuery> {
        StoredQuery::from_id(self.query_id())
    }

    /// `AdhocQuery/@home` as sent [ITI TF-2 3.38.4.1.2.1].
    pub fn home(&self) -> Option<&str> {
        self.query.home()
    }

    pub fn set_home(&mut self, home: &str) {
        self.query.set_attr("home", home);
    }

    /// The `returnType` in effect (ebRS default RegistryObject when absent).
    pub fn return_type(&self) -> ReturnType {
        self.response_option
            .return_type
            .unwrap_or(ReturnType::RegistryObject)
    }

    /// The Slot that carries the patient id, if the query has one.
    pub fn patient_id_slot(&self) -> Option<&Slot> {
        self.query
            .slots
            .iter()
            .find(|s| PATIENT_ID_PARAMETERS.contains(&s.name.as_str()))
    }

    /// The same request naming the patient `cx` (an HL7 CX, written quoted as stored
    /// query values are [ITI TF-2 3.18.4.1.2.3.5]) in its patient id parameter: how an
    /// initiating gateway asks each community with the id it knows there
    /// [ITI TF-1 18.2.1].
    pub fn with_patient_id(&self, cx: &str) -> AdhocQueryRequest {
        let mut out = self.clone();
        if let Some(slot) = out
            .query
            .slots
            .iter_mut()
            .find(|s| PATIENT_ID_PARAMETERS.contains(&s.name.as_str()))
        {
            slot.values = vec![format!("'{cx}'")];
        }
        out
    }

    /// True when the query selects by patient id: a known patient query
    /// [ITI TF-2 3.18.4.1.2.3.7], or an unknown query carrying a patient id parameter.
    pub fn is_patient_id_based(&self) -> bool {
        match self.stored_query() {
            Some(q) => q.is_patient_id_based(),
            None => self.patient_id_slot().is_some(),
        }
    }

    /// True when ITI-38 needs `home` on the AdhocQuery: every query not selected by patient
    /// id (entryUUID/uniqueId based) [ITI TF-2 3.38.4.1.2.1].
    pub fn needs_home(&self) -> bool {
        !self.is_patient_id_based()
    }

    /// Read an AdhocQueryRequest (the payload of an ITI-18 or ITI-38 request).
    pub fn parse(el: &Element) -> Result<AdhocQueryRequest, EbrsError> {
        expect_element(
            el,
            ns::QUERY,
            "AdhocQueryRequest",
            "{urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0}AdhocQueryRequest",
        )?;
        let option = el
            .child(ns::QUERY, "ResponseOption")
            .ok_or(EbrsError::Missing("query:ResponseOption"))?;
        let return_type = option
            .attr("returnType")
            .map(|raw| {
                ReturnType::parse(raw).ok_or_else(|| EbrsError::Invalid {
                    path: "ResponseOption/@returnType",
                    value: raw.to_string(),
                    reason: "not LeafClass or ObjectRef [ITI TF-2 3.18.4.1.2.3.1]",
                })
            })
            .transpose()?;
        let query_el = el
            .child(ns::RIM, "AdhocQuery")
            .ok_or(EbrsError::Missing("rim:AdhocQuery"))?;
        let query = RegistryObject::parse(query_el)?;
        if query.id().is_none_or(|id| id.trim().is_empty()) {
            return Err(EbrsError::Missing(
                "AdhocQuery/@id (the stored query id [ITI TF-2 3.18.4.1.2.3.2])",
            ));
        }
        Ok(AdhocQueryRequest {
            id: el.attr("id").map(str::to_string),
            comment: el.attr("comment").map(str::to_string),
            request_slots: parse_slot_list(el.child(ns::RS, "RequestSlotList"))?,
            federated: bool_attr(el, "federated")?,
            federation: el.attr("federation").map(str::to_string),
            start_index: int_attr(el, "startIndex")?,
            max_results: int_attr(el, "maxResults")?,
            response_option: ResponseOption {
                return_type,
                return_composed_objects: bool_attr(option, "returnComposedObjects")?,
            },
            query,
        })
    }

    /// The request as XML (no declaration), self-contained in its namespaces.
    pub fn build(&self) -> String {
        let mut w = XmlWriter::with_capacity(1024 + 128 * self.query.slots.len());
        w.out.push_str("<query:AdhocQueryRequest");
        let mut attrs = vec![
            ("xmlns:query".to_string(), ns::QUERY.to_string()),
            ("xmlns:rim".to_string(), ns::RIM.to_string()),
            ("xmlns:rs".to_string(), ns::RS.to_string()),
        ];
        let optional = [
            ("id", self.id.clone()),
            ("comment", self.comment.clone()),
            ("federated", self.federated.map(|b| b.to_string())),
            ("federation", self.federation.clone()),
            ("startIndex", self.start_index.map(|i| i.to_string())),
            ("maxResults", self.max_results.map(|i| i.to_string())),
        ];
        attrs.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), v))),
        );
        write_attrs(&mut w, &attrs);
        w.out.push('>');
        write_slot_list(&mut w, "rs:RequestSlotList", &self.request_slots);
        let composed = self
            .response_option
            .return_composed_objects
            .map(|b| if b { "true" } else { "false" });
        w.empty(
            "query:ResponseOption",
            &[
                (
                    "returnType",
                    self.response_option.return_type.map(ReturnType::as_str),
                ),
                ("returnComposedObjects", composed),
            ],
        );
        self.query.write(&mut w);
        w.close("query:AdhocQueryRequest");
        w.finish()
    }
}
