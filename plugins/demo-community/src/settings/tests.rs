//! The documents of the bundled demo config are valid: every catalog builds, every patient
//! has a document, and Aino Virtanen has documents in two communities.

use super::*;
use crate::catalog::Catalog;
use crate::records::{PatientConfig, index};
use serde::de::DeserializeOwned;

const DEMO: &str = include_str!("../../../../config/demo.toml");

fn field<T: DeserializeOwned>(table: &toml::Table, key: &str) -> T {
    let value = table.get(key).cloned();
    let value = value.unwrap_or_else(|| panic!("`{key}` is missing"));
    T::deserialize(value).unwrap_or_else(|e| panic!("`{key}`: {e}"))
}

/// (community name, number of patients, catalog) for every community of the demo config.
fn demo_catalogs() -> Vec<(String, usize, Catalog)> {
    let config: toml::Table = DEMO.parse().unwrap();
    let communities: toml::Table = field(&config, "communities");
    communities
        .iter()
        .map(|(name, c)| {
            let c = c.as_table().unwrap();
            let settings: toml::Table = field(c, "settings");
            let home: String = field(c, "home_community_id");
            let patients: Vec<PatientConfig> = field(&settings, "patients");
            let count = patients.len();
            let docs = DocumentSettings {
                repository_unique_id: Some(field(&settings, "repository_unique_id")),
                organization_name: Some(field(&settings, "organization_name")),
                documents: field(&settings, "documents"),
            };
            let catalog = Catalog::build(docs, &index(patients, None), &home)
                .unwrap_or_else(|e| panic!("community {name}: {e}"));
            (name.clone(), count, catalog)
        })
        .collect()
}

#[test]
fn every_demo_catalog_builds_and_every_patient_has_a_document() {
    let catalogs = demo_catalogs();
    assert_eq!(catalogs.len(), 3);
    for (name, patients, catalog) in &catalogs {
        assert!(is_oid(&catalog.repository_unique_id), "{name}");
        let with_documents: std::collections::BTreeSet<&str> = catalog
            .documents
            .iter()
            .map(|d| d.config.patient.as_str())
            .collect();
        assert_eq!(
            with_documents.len(),
            *patients,
            "{name}: a patient has no document"
        );
        for d in &catalog.documents {
            if crate::cda::is_xml(&d.config.mime_type) {
                let parsed = xcgate_sdk::ihe::xml::parse(&d.content);
                assert!(parsed.is_ok(), "{name}: {}: {parsed:?}", d.config.unique_id);
            }
        }
    }
    let non_xml = catalogs
        .iter()
        .flat_map(|(_, _, c)| &c.documents)
        .filter(|d| !crate::cda::is_xml(&d.config.mime_type))
        .count();
    assert!(non_xml >= 1, "the demo has a non-XML document too");
}

#[test]
fn aino_virtanen_has_documents_in_two_communities() {
    let hetu = "120390-904J";
    let holding: Vec<String> = demo_catalogs()
        .into_iter()
        .filter(|(_, _, c)| {
            c.documents.iter().any(|d| {
                d.patient
                    .other_ids
                    .iter()
                    .any(|id| id.extension.as_deref() == Some(hetu))
            })
        })
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(holding, ["pirkanmaa", "uusimaa"]);
}
