//! Bytes → SOAP 1.2 envelope. Whatever the input, parsing must return `Ok` or `Err`,
//! never panic, and the accessors on an accepted envelope must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xcgate_ihe::soap::{self, Fault};
use xcgate_ihe::xml::ns;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = soap::parse_envelope(data) {
        let _ = env.not_understood(&[ns::WSA, ns::WSSE]);
        let _ = env.header(ns::WSA, "Action");
        let _ = Fault::from_element(&env.body);
        let _ = env.body.count();
    }
});
