//! xcgate: an IHE cross-community gateway (XCPD, XCA) whose community adapters are
//! sandboxed WebAssembly components.
//!
//! The request path: [`server`] (HTTP) → [`soap_endpoint`] (envelope, WS-Addressing,
//! dispatch on `wsa:Action`) → [`xcpd`] (ITI-55 parse, fan-out, aggregate) →
//! [`fanout`] (deadline, per-community timeout) → [`plugin`] (sandboxed adapter call).
//! Wire errors are made in one place, [`error`].

pub mod admin;
pub mod audit;
pub mod breaker;
pub mod config;
pub mod error;
pub mod fanout;
pub mod gateway;
pub mod live;
pub mod metrics;
pub mod peer;
pub mod plugin;
pub mod server;
pub mod soap_endpoint;
pub mod tls;
pub mod wire;
pub mod xca;
pub mod xcpd;
