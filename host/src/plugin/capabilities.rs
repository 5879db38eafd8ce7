//! Which transactions a plugin serves: one exported WIT interface per capability
//! [wit/README.md]. A plugin that exports none of them is refused at load.

use super::bindings::location::PatientLocationAdapterPre;
use super::bindings::query::DocumentQueryAdapterPre;
use super::bindings::retrieve::DocumentRetrieveAdapterPre;
use super::bindings::settings_check::SettingsCheckAdapterPre;
use super::bindings::xcpd::PatientDiscoveryAdapterPre;
use super::host_api::CallState;
use wasmtime::component::{Component, InstancePre};

/// The contract version the host speaks.
pub const CONTRACT: &str = "xcgate:adapter@0.5.0";

/// A transaction family a plugin may serve (an exported interface).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// XCPD ITI-55: `patient-discovery`.
    PatientDiscovery,
    /// XCA ITI-38 (and ITI-18 through the gateway): `document-query`.
    DocumentQuery,
    /// XCA ITI-39 (and ITI-43 through the gateway): `document-retrieve`.
    DocumentRetrieve,
    /// XCPD Health Data Locator ITI-56: `patient-location` (since 0.5.0).
    PatientLocation,
}

impl Capability {
    pub const ALL: [Capability; 4] = [
        Capability::PatientDiscovery,
        Capability::DocumentQuery,
        Capability::DocumentRetrieve,
        Capability::PatientLocation,
    ];

    /// The capability's short name, as the contract spells it (`patient-discovery`).
    pub fn interface_name(self) -> &'static str {
        match self {
            Capability::PatientDiscovery => "patient-discovery",
            Capability::DocumentQuery => "document-query",
            Capability::DocumentRetrieve => "document-retrieve",
            Capability::PatientLocation => "patient-location",
        }
    }

    /// The exported interface name, as it appears in a component.
    pub fn interface(self) -> &'static str {
        match self {
            Capability::PatientDiscovery => "xcgate:adapter/patient-discovery@0.5.0",
            Capability::DocumentQuery => "xcgate:adapter/document-query@0.5.0",
            Capability::DocumentRetrieve => "xcgate:adapter/document-retrieve@0.5.0",
            Capability::PatientLocation => "xcgate:adapter/patient-location@0.5.0",
        }
    }
}

/// The pre-instantiated, typed entry points of the capabilities a plugin exports.
#[derive(Default)]
pub struct Capabilities {
    pub patient_discovery: Option<PatientDiscoveryAdapterPre<CallState>>,
    pub document_query: Option<DocumentQueryAdapterPre<CallState>>,
    pub document_retrieve: Option<DocumentRetrieveAdapterPre<CallState>>,
    pub patient_location: Option<PatientLocationAdapterPre<CallState>>,
    /// Not a transaction: the plugin's check of its own settings (`settings-check`).
    pub settings_check: Option<SettingsCheckAdapterPre<CallState>>,
}

/// The interface of the optional settings check (since 0.5.0).
pub const SETTINGS_CHECK: &str = "xcgate:adapter/settings-check@0.5.0";

impl Capabilities {
    /// Read the component's exports and type-check each capability interface it has.
    pub fn detect(
        component: &Component,
        pre: &InstancePre<CallState>,
        engine: &wasmtime::Engine,
        plugin: &str,
    ) -> anyhow::Result<Capabilities> {
        let exports: Vec<String> = component
            .component_type()
            .exports(engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let has = |c: Capability| exports.iter().any(|e| e == c.interface());
        let shape = |c: Capability, e: wasmtime::Error| {
            anyhow::anyhow!(
                "plugin `{plugin}` exports {} with the wrong shape: {e:#}",
                c.interface()
            )
        };
        let mut caps = Capabilities::default();
        if has(Capability::PatientDiscovery) {
            caps.patient_discovery = Some(
                PatientDiscoveryAdapterPre::new(pre.clone())
                    .map_err(|e| shape(Capability::PatientDiscovery, e))?,
            );
        }
        if has(Capability::DocumentQuery) {
            caps.document_query = Some(
                DocumentQueryAdapterPre::new(pre.clone())
                    .map_err(|e| shape(Capability::DocumentQuery, e))?,
            );
        }
        if has(Capability::DocumentRetrieve) {
            caps.document_retrieve = Some(
                DocumentRetrieveAdapterPre::new(pre.clone())
                    .map_err(|e| shape(Capability::DocumentRetrieve, e))?,
            );
        }
        if has(Capability::PatientLocation) {
            caps.patient_location = Some(
                PatientLocationAdapterPre::new(pre.clone())
                    .map_err(|e| shape(Capability::PatientLocation, e))?,
            );
        }
        if exports.iter().any(|e| e == SETTINGS_CHECK) {
            caps.settings_check = Some(SettingsCheckAdapterPre::new(pre.clone()).map_err(|e| {
                anyhow::anyhow!(
                    "plugin `{plugin}` exports {SETTINGS_CHECK} with the wrong shape: {e:#}"
                )
            })?);
        }
        if Capability::ALL.iter().all(|c| !caps.supports(*c)) {
            let expected: Vec<&str> = Capability::ALL.iter().map(|c| c.interface()).collect();
            let found = if exports.is_empty() {
                "nothing".to_string()
            } else {
                exports.join(", ")
            };
            anyhow::bail!(
                "plugin `{plugin}` exports no xcgate capability (it exports: {found}); expected one of {}",
                expected.join(", ")
            );
        }
        Ok(caps)
    }

    pub fn supports(&self, c: Capability) -> bool {
        match c {
            Capability::PatientDiscovery => self.patient_discovery.is_some(),
            Capability::DocumentQuery => self.document_query.is_some(),
            Capability::DocumentRetrieve => self.document_retrieve.is_some(),
            Capability::PatientLocation => self.patient_location.is_some(),
        }
    }
}
