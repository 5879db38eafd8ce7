//! ebRS AdhocQueryRequest / AdhocQueryResponse (ITI-18, ITI-38). Nothing may panic, and
//! what the gateway writes back out from an accepted message must itself be well-formed
//! XML (it relays peers' registry objects to the initiator).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xcgate_ihe::ebrs::{AdhocQueryRequest, AdhocQueryResponse};
use xcgate_ihe::soap;
use xcgate_ihe::xml::{self, XmlError};

/// The XML we produce parses again (our own limits aside).
fn reparses(what: &str, out: &str) {
    match xml::parse(out.as_bytes()) {
        Ok(_) | Err(XmlError::TooDeep(_) | XmlError::TooManyElements(_)) => {}
        Err(e) => panic!("{what} built XML that does not parse: {e}\n{out}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(root) = xml::parse(data) else {
        return;
    };
    let Ok(payload) = soap::payload(root) else {
        return;
    };
    if let Ok(mut q) = AdhocQueryRequest::parse(&payload) {
        let _ = (q.query_id(), q.stored_query(), q.home(), q.return_type());
        let _ = (q.patient_id_slot(), q.is_patient_id_based(), q.needs_home());
        q.set_home("urn:oid:1.2.3");
        reparses("AdhocQueryRequest::build", &q.build());
    }
    if let Ok(mut r) = AdhocQueryResponse::parse(&payload) {
        let _ = (r.status(), r.errors(), r.home_carriers(), r.missing_home());
        for d in r.document_entries() {
            let _ = (
                d.entry_uuid(),
                d.unique_id(),
                d.patient_id(),
                d.class_code(),
            );
            let _ = (d.confidentiality_codes(), d.title(), d.is_on_demand());
        }
        for o in &r.objects {
            reparses("RegistryObject::to_standalone_xml", &o.to_standalone_xml());
        }
        r.fill_missing_home("urn:oid:1.2.3");
        reparses("AdhocQueryResponse::build", &r.build());
    }
});
