//! Which transactions a plugin serves: one exported WIT interface per capability
//! [wit/README.md]. A plugin that exports none of them is refused at load.

use super::contract::PACKAGE;
use super::exports::{
    CheckSettings, DiscoverPatients, Export, ExportFn, FindDocuments, LocatePatient, PollDiscovery,
    RetrieveDocuments, StartDiscovery,
};
use super::host_api::CallState;
use wasmtime::component::{Component, InstancePre};

pub use super::contract::CONTRACT;

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
            Capability::PatientDiscovery => DiscoverPatients::INTERFACE,
            Capability::DocumentQuery => FindDocuments::INTERFACE,
            Capability::DocumentRetrieve => RetrieveDocuments::INTERFACE,
            Capability::PatientLocation => LocatePatient::INTERFACE,
        }
    }
}

/// The typed entry points of the capabilities a plugin exports, in the contract version
/// it was built against.
#[derive(Default)]
pub struct Capabilities {
    /// `0.6.0`, `0.5.0`: see `contract::SUPPORTED`.
    pub version: &'static str,
    pub patient_discovery: Option<Export<DiscoverPatients>>,
    pub document_query: Option<Export<FindDocuments>>,
    pub document_retrieve: Option<Export<RetrieveDocuments>>,
    pub patient_location: Option<Export<LocatePatient>>,
    /// ITI-55 answered later (`deferred-discovery`, since 0.6.0): not a transaction of its
    /// own, but how an owed ITI-55 is asked of this community.
    pub deferred_discovery: Option<DeferredExports>,
    /// Not a transaction: the plugin's check of its own settings (`settings-check`).
    pub settings_check: Option<Export<CheckSettings>>,
}

/// The two functions of `deferred-discovery`.
pub struct DeferredExports {
    pub start: Export<StartDiscovery>,
    pub poll: Export<PollDiscovery>,
}

impl Capabilities {
    /// Read the component's exports and type-check each capability interface it has.
    pub fn detect(
        component: &Component,
        pre: &InstancePre<CallState>,
        engine: &wasmtime::Engine,
        version: &'static str,
        plugin: &str,
    ) -> anyhow::Result<Capabilities> {
        let shape = |e: anyhow::Error| {
            anyhow::anyhow!("plugin `{plugin}` exports a capability with the wrong shape: {e:#}")
        };
        let caps = Capabilities {
            version,
            patient_discovery: Export::find(component, pre, version).map_err(shape)?,
            document_query: Export::find(component, pre, version).map_err(shape)?,
            document_retrieve: Export::find(component, pre, version).map_err(shape)?,
            patient_location: Export::find(component, pre, version).map_err(shape)?,
            deferred_discovery: match (
                Export::<StartDiscovery>::find(component, pre, version).map_err(shape)?,
                Export::<PollDiscovery>::find(component, pre, version).map_err(shape)?,
            ) {
                (Some(start), Some(poll)) => Some(DeferredExports { start, poll }),
                _ => None,
            },
            settings_check: Export::find(component, pre, version).map_err(shape)?,
        };
        // A synchronous ITI-55 is answered through `patient-discovery`: a deferred-only
        // adapter would leave those requests without an answer.
        if caps.deferred_discovery.is_some() && caps.patient_discovery.is_none() {
            anyhow::bail!(
                "plugin `{plugin}` exports {PACKAGE}/{}@{version} without {PACKAGE}/{}@{version}; \
                 a synchronous ITI-55 is answered through patient-discovery: export both \
                 (register_patient_discovery! and register_deferred_discovery! in the SDK)",
                StartDiscovery::INTERFACE,
                DiscoverPatients::INTERFACE,
            );
        }
        if Capability::ALL.iter().all(|c| !caps.supports(*c)) {
            let exports: Vec<String> = component
                .component_type()
                .exports(engine)
                .map(|(n, _)| n.to_string())
                .collect();
            let expected: Vec<String> = Capability::ALL
                .iter()
                .map(|c| format!("{PACKAGE}/{}@{version}", c.interface_name()))
                .collect();
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
