//! Conversions between the contract's records and the IHE message model ([`ihe`](crate::ihe)),
//! for an adapter whose community speaks IHE itself (a standard responding gateway, as in
//! `ihe-soap`): the guest-side mirror of the host's own conversions
//! (`host/src/plugin/convert.rs`, `convert_xca.rs`), so a forwarded query loses nothing.
//!
//! - [`xcpd`]: ITI-55 queries out, matches and Case 3 triggers in;
//! - [`xca`]: ITI-38 stored queries out, registry objects (lossless, through `extra-xml`)
//!   and RegistryErrors in.

pub mod xca;
pub mod xcpd;
