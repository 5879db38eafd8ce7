//! The functions a plugin exports, found by name in whichever supported contract version
//! it was built against, type-checked once at load and called per call.
//!
//! The generated `*AdapterPre` types of the bindings know only their own version's
//! interface names; looking the function up by `xcgate:adapter/<interface>@<version>` lets
//! one host call plugins of every version in the support window (see `contract`).

use super::bindings::deferred::exports::xcgate::adapter::deferred_discovery as d;
use super::bindings::location::exports::xcgate::adapter::patient_location as plq;
use super::bindings::query::exports::xcgate::adapter::document_query as q;
use super::bindings::retrieve::exports::xcgate::adapter::document_retrieve as r;
use super::bindings::settings_check::exports::xcgate::adapter::settings_check as s;
use super::bindings::xcgate::adapter::types as t;
use super::contract::PACKAGE;
use super::host_api::CallState;
use std::marker::PhantomData;
use wasmtime::Store;
use wasmtime::component::{
    Component, ComponentExportIndex, ComponentNamedList, Instance, InstancePre, Lift, Lower,
    types::ComponentItem,
};

/// One exported function of the contract: its interface, its name and its signature.
pub trait ExportFn {
    /// The interface, without package and version (`patient-discovery`).
    const INTERFACE: &'static str;
    /// The function's name in the interface (`discover-patients`).
    const FUNC: &'static str;
    type Params<'a>: ComponentNamedList + Lower + Send + Sync;
    type Results: ComponentNamedList + Lift + Send + Sync + 'static;
}

/// ITI-55 `patient-discovery.discover-patients`.
pub enum DiscoverPatients {}
impl ExportFn for DiscoverPatients {
    const INTERFACE: &'static str = "patient-discovery";
    const FUNC: &'static str = "discover-patients";
    type Params<'a> = (&'a t::CallContext, &'a t::PatientQuery);
    type Results = (Result<Vec<t::PatientMatch>, t::AdapterError>,);
}

/// ITI-55 answered later: `deferred-discovery.start-discovery` (since 0.6.0).
pub enum StartDiscovery {}
impl ExportFn for StartDiscovery {
    const INTERFACE: &'static str = "deferred-discovery";
    const FUNC: &'static str = "start-discovery";
    type Params<'a> = (&'a t::CallContext, &'a t::PatientQuery);
    type Results = (Result<d::Discovery, t::AdapterError>,);
}

/// ITI-55 answered later: `deferred-discovery.poll-discovery` (since 0.6.0).
pub enum PollDiscovery {}
impl ExportFn for PollDiscovery {
    const INTERFACE: &'static str = "deferred-discovery";
    const FUNC: &'static str = "poll-discovery";
    type Params<'a> = (&'a t::CallContext, &'a str);
    type Results = (Result<Option<Vec<t::PatientMatch>>, t::AdapterError>,);
}

/// ITI-38 `document-query.find`.
pub enum FindDocuments {}
impl ExportFn for FindDocuments {
    const INTERFACE: &'static str = "document-query";
    const FUNC: &'static str = "find";
    type Params<'a> = (&'a t::CallContext, &'a q::QueryRequest);
    type Results = (Result<q::QueryResponse, t::AdapterError>,);
}

/// ITI-39 `document-retrieve.retrieve`.
pub enum RetrieveDocuments {}
impl ExportFn for RetrieveDocuments {
    const INTERFACE: &'static str = "document-retrieve";
    const FUNC: &'static str = "retrieve";
    type Params<'a> = (&'a t::CallContext, &'a [r::DocumentRequest]);
    type Results = (Result<r::RetrieveResponse, t::AdapterError>,);
}

/// ITI-56 `patient-location.locate-patient` (since 0.5.0).
pub enum LocatePatient {}
impl ExportFn for LocatePatient {
    const INTERFACE: &'static str = "patient-location";
    const FUNC: &'static str = "locate-patient";
    type Params<'a> = (&'a t::CallContext, &'a t::InstanceId);
    type Results = (Result<Vec<plq::PatientLocation>, t::AdapterError>,);
}

/// `settings-check.check-settings` (since 0.5.0).
pub enum CheckSettings {}
impl ExportFn for CheckSettings {
    const INTERFACE: &'static str = "settings-check";
    const FUNC: &'static str = "check-settings";
    type Params<'a> = ();
    type Results = (Vec<s::SettingProblem>,);
}

/// A function a plugin exports, found and type-checked at load.
pub struct Export<F: ExportFn> {
    index: ComponentExportIndex,
    _f: PhantomData<fn() -> F>,
}

impl<F: ExportFn> Export<F> {
    /// The export in `version` of the contract: `None` when the component does not export
    /// the interface; an error when it does with another shape.
    pub fn find(
        component: &Component,
        pre: &InstancePre<CallState>,
        version: &str,
    ) -> anyhow::Result<Option<Export<F>>> {
        let interface = format!("{PACKAGE}/{}@{version}", F::INTERFACE);
        let Some((_, instance)) = component.get_export(None, &interface) else {
            return Ok(None);
        };
        let (item, index) = component
            .get_export(Some(&instance), F::FUNC)
            .ok_or_else(|| anyhow::anyhow!("{interface} has no function `{}`", F::FUNC))?;
        match item {
            ComponentItem::ComponentFunc(func) => func
                .typecheck::<F::Params<'static>, F::Results>(&pre.instance_type())
                .map_err(|e| anyhow::anyhow!("{interface} `{}`: {e:#}", F::FUNC))?,
            _ => anyhow::bail!("{interface} `{}` is not a function", F::FUNC),
        }
        Ok(Some(Export {
            index,
            _f: PhantomData,
        }))
    }

    /// Call the function in an instance of the plugin.
    pub async fn call(
        &self,
        instance: &Instance,
        store: &mut Store<CallState>,
        params: F::Params<'_>,
    ) -> wasmtime::Result<F::Results> {
        let func = instance.get_typed_func::<F::Params<'_>, F::Results>(&mut *store, self.index)?;
        func.call_async(&mut *store, params).await
    }
}
