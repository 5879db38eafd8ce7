//! ITI-55 (XCPD) bodies: bytes → XML tree → the payload (a SOAP envelope's Body child, or
//! the root itself) → `parse_query` (PRPA_IN201305UV02) and `parse_response`
//! (PRPA_IN201306UV02). Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xcgate_ihe::{hl7v3, soap, xml};

fuzz_target!(|data: &[u8]| {
    let Ok(root) = xml::parse(data) else {
        return;
    };
    let Ok(payload) = soap::payload(root) else {
        return;
    };
    if let Ok(q) = hl7v3::parse_query(&payload) {
        let _ = format!("{q:?}");
    }
    if let Ok(r) = hl7v3::parse_response(&payload) {
        let _ = format!("{r:?}");
    }
});
