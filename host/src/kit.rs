//! The plugin developer's kit behind `xcgate plugin ...`: run a plugin's capabilities in
//! the real sandbox, outside a gateway, and say what held and what broke.
//!
//! Everything goes through the gateway's own code: the plugin is loaded as a community
//! (same runtime, limits, contract checks), requests are parsed by the gateway's parsers,
//! answers pass the host's answer checks and are aggregated into the message an
//! initiator would receive. Only the measurements (time, peak memory) are the kit's own.

pub mod call;
pub mod cases;
pub mod checks;
pub mod message;
pub mod parameters;
pub mod report;
pub mod request;
pub mod runs;
pub mod scaffold;
pub mod schema;
pub mod subject;
pub mod suite;
pub mod test_report;
pub mod verdicts;
