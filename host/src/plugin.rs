//! The plugin runtime: community adapters are WebAssembly components run in a sandbox.
//!
//! One [`PluginRuntime`] (one wasmtime `Engine` with the pooling allocator and epoch
//! interruption) serves every community. Each community's component is compiled and
//! linked once at start-up ([`CommunityPlugin`]); every call then gets a fresh `Store`
//! with the community's memory limit and the call's deadline, so no patient data survives
//! a call in guest memory and one community's failure cannot touch another's.

mod answer_checks;
mod bindings;
mod capabilities;
pub(crate) mod community;
mod contract;
pub(crate) mod convert;
mod convert_xca;
mod deferred_calls;
mod exports;
mod host_api;
mod location_calls;
mod runtime;
mod settings_calls;
pub(crate) mod transport;
mod xca_calls;

pub use capabilities::CONTRACT;
pub use capabilities::Capability;
pub use community::{CommunityPlugin, bundled_names, exported_capabilities};
pub use convert_xca::RetrievedDocument;
pub use deferred_calls::Started;
pub use runtime::{PluginRuntime, RuntimeOptions};
pub use settings_calls::SettingProblem;
pub use transport::awaited::{Arrived, Awaited};
pub use xca_calls::{FoundObjects, Retrieved};
