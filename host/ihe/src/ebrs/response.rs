//! `query:AdhocQueryResponse`: the answer of ITI-18 and ITI-38 [ITI TF-2 3.18.4.1.3,
//! 3.38.4.1.3; ebRS 3.0 query.xsd], with the `home` bookkeeping a gateway does on it.

use super::document_entry::DocumentEntry;
use super::rim::RegistryObject;
use super::status::{
    RegistryErrorList, RegistryResponse, ResponseStatus, read_registry_response_parts,
    write_registry_response_attrs, write_registry_response_parts,
};
use super::{EbrsError, expect_element, int_attr, write_attrs};
use crate::xml::{Element, XmlWriter, ns};

/// A stored query response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdhocQueryResponse {
    /// Status, error list and response slots (the RegistryResponseType part).
    pub registry: RegistryResponse,
    pub start_index: Option<i64>,
    pub total_result_count: Option<i64>,
    /// The members of `rim:RegistryObjectList`, in order.
    pub objects: Vec<RegistryObject>,
    /// Members of the RegistryObjectList outside the ebRIM namespace, verbatim.
    pub foreign_objects: Vec<Element>,
}

impl AdhocQueryResponse {
    /// A response with no objects yet.
    pub fn new(status: ResponseStatus) -> Self {
        AdhocQueryResponse {
            registry: RegistryResponse::new(status, Vec::new()),
            start_index: None,
            total_result_count: None,
            objects: Vec::new(),
            foreign_objects: Vec::new(),
        }
    }

    pub fn status(&self) -> ResponseStatus {
        self.registry.status
    }

    pub fn errors(&self) -> Option<&RegistryErrorList> {
        self.registry.errors.as_ref()
    }

    /// Read an AdhocQueryResponse (the payload of an ITI-18 or ITI-38 response). A SOAP
    /// Fault in its place is reported as [`EbrsError::Fault`].
    pub fn parse(el: &Element) -> Result<AdhocQueryResponse, EbrsError> {
        expect_element(
            el,
            ns::QUERY,
            "AdhocQueryResponse",
            "{urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0}AdhocQueryResponse",
        )?;
        let registry = read_registry_response_parts(el)?;
        let mut objects = Vec::new();
        let mut foreign_objects = Vec::new();
        // Absent and empty lists read the same: Failure responses often leave it out.
        for list in el.children_named(ns::RIM, "RegistryObjectList") {
            for member in list.elements() {
                if member.ns == ns::RIM {
                    objects.push(RegistryObject::parse(member)?);
                } else {
                    foreign_objects.push(member.clone());
                }
            }
        }
        Ok(AdhocQueryResponse {
            registry,
            start_index: int_attr(el, "startIndex")?,
            total_result_count: int_attr(el, "totalResultCount")?,
            objects,
            foreign_objects,
        })
    }

    /// The response as XML (no declaration), self-contained in its namespaces. The
    /// RegistryObjectList is always written: query.xsd requires it.
    pub fn build(&self) -> String {
        let mut w = XmlWriter::with_capacity(1024 + 4096 * self.objects.len());
        w.out.push_str("<query:AdhocQueryResponse");
        let mut attrs = vec![
            ("xmlns:query".to_string(), ns::QUERY.to_string()),
            ("xmlns:rim".to_string(), ns::RIM.to_string()),
            ("xmlns:rs".to_string(), ns::RS.to_string()),
        ];
        if let Some(i) = self.start_index {
            attrs.push(("startIndex".to_string(), i.to_string()));
        }
        if let Some(n) = self.total_result_count {
            attrs.push(("totalResultCount".to_string(), n.to_string()));
        }
        write_attrs(&mut w, &attrs);
        write_registry_response_attrs(&mut w, &self.registry);
        w.out.push('>');
        write_registry_response_parts(&mut w, &self.registry);
        if self.objects.is_empty() && self.foreign_objects.is_empty() {
            w.empty("rim:RegistryObjectList", &[]);
        } else {
            w.open("rim:RegistryObjectList", &[]);
            for o in &self.objects {
                o.write(&mut w);
            }
            for e in &self.foreign_objects {
                w.element(e, "");
            }
            w.close("rim:RegistryObjectList");
        }
        w.close("query:AdhocQueryResponse");
        w.finish()
    }

    /// Every ExtrinsicObject, RegistryPackage and ObjectRef (at any depth), the objects that
    /// must carry `home` [ITI TF-2 3.38.4.1.3].
    pub fn home_carriers(&self) -> Vec<&RegistryObject> {
        self.objects
            .iter()
            .flat_map(RegistryObject::walk)
            .filter(|o| o.kind.carries_home())
            .collect()
    }

    /// The objects that must carry `home` but have none or an empty one: an IG answers
    /// XDSMissingHomeCommunityId naming them [ITI TF-2 3.38.4.1.3].
    pub fn missing_home(&self) -> Vec<&RegistryObject> {
        self.home_carriers()
            .into_iter()
            .filter(|o| o.lacks_home())
            .collect()
    }

    /// Set `home` on every object that must carry it, replacing what was there (an RG
    /// stamping its own homeCommunityId [ITI TF-2 3.38.4.1.3]).
    pub fn set_home(&mut self, home: &str) {
        self.stamp_home(home, true);
    }

    /// Set `home` only where it is absent or empty (an IG adding its local community to a
    /// local registry's answer [ITI TF-2 3.18.4.1.3]).
    pub fn fill_missing_home(&mut self, home: &str) {
        self.stamp_home(home, false);
    }

    fn stamp_home(&mut self, home: &str, replace: bool) {
        for o in &mut self.objects {
            o.walk_mut(&mut |o| {
                if o.kind.carries_home() && (replace || o.lacks_home()) {
                    o.set_attr("home", home);
                }
            });
        }
    }

    /// Typed views of the DocumentEntries (top-level ExtrinsicObjects).
    pub fn document_entries(&self) -> impl Iterator<Item = DocumentEntry<'_>> {
        self.objects.iter().filter_map(DocumentEntry::new)
    }
}
