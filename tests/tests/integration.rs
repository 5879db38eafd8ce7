//! The integration tests, one module per behaviour, in one binary (see tests/Cargo.toml).

mod adversarial_answers;
mod audit_trail;
mod chain;
mod chain_tls;
mod circuit_breaker;
mod fhir_adapter;
mod hot_reload;
mod ihe_soap_adapter;
mod inbound_tls;
mod iti55_conformance;
mod network_profiles;
mod operations;
mod responding;
mod sandbox_isolation;
mod sandbox_limits;
mod security_example;
mod soap_faults;
mod startup_errors;
mod transport;
mod transport_tls;
mod xca_conformance;
mod xca_gateway;
mod xua;
mod xua_outbound;
mod zeep_peer;
