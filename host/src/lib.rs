//! xcgate: an IHE cross-community gateway (XCPD, XCA) whose community adapters are
//! sandboxed WebAssembly components.
//!
//! The modules, in the order a request flows through them (each imports only modules
//! listed after it, except [`run`], which starts the rest):
//!
//! - [`run`]: starting and stopping the program: listeners, reload signal, shutdown.
//! - [`listener`]: the one accept loop (TLS, header timeout, graceful drain) under
//!   [`server`] (the SOAP endpoints) and [`admin`] (reload, metrics); [`health`] answers
//!   `/live` and `/ready` on both.
//! - [`soap_endpoint`]: envelope, WS-Addressing, XUA, dispatch on `wsa:Action`, the answer
//!   envelope and its audit records.
//! - [`xcpd`] (ITI-55) and [`xca`] (ITI-38/18, ITI-39/43): parse, route, fan out,
//!   aggregate into one [`reply::Reply`].
//! - [`error`]: the one place where failures become answers (refusals: counted, logged,
//!   audited, answered; community failures: HL7 and XDS error codes).
//! - [`live`] (the gateway in service, hot reload) → [`gateway`] (what a reload replaces:
//!   config, communities, TLS, XUA trust) → [`process`] (what lives as long as the
//!   process: plugin runtime, [`metrics`], the [`audit`] recorder).
//! - [`fanout`] (deadline, per-community timeout, [`breaker`]) → [`plugin`] (the sandbox:
//!   one wasmtime `Store` per call) → [`call`] (the vocabulary of one community call).
//! - [`statement`]: the IHE Integration Statement of a configuration (CLI and admin).
//! - Leaves: [`config`], [`tls`], [`answer`] (HTTP answer bodies), [`peer`], [`wire`].

pub mod admin;
pub mod answer;
pub mod asynchronous;
pub mod audit;
pub mod breaker;
pub mod call;
pub mod config;
pub mod correlation;
pub mod error;
pub mod fanout;
pub mod gateway;
pub mod health;
pub mod kit;
pub mod listener;
pub mod live;
pub mod metrics;
pub mod peer;
pub mod pending;
pub mod plq;
pub mod plugin;
pub mod process;
pub mod replies;
pub mod reply;
pub mod run;
pub mod server;
pub mod soap_endpoint;
pub mod statement;
pub mod tls;
pub mod unaudited;
pub mod wire;
pub mod xca;
pub mod xcpd;
