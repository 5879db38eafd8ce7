//! XDS.b RetrieveDocumentSetRequest / RetrieveDocumentSetResponse (ITI-43, ITI-39).
//! Nothing may panic, and what is built from an accepted message must parse again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xcgate_ihe::retrieve::{RetrieveDocumentSetRequest, RetrieveDocumentSetResponse};
use xcgate_ihe::soap;
use xcgate_ihe::xml::{self, XmlError};

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
    if let Ok(q) = RetrieveDocumentSetRequest::parse(&payload) {
        reparses("RetrieveDocumentSetRequest::build", &q.build());
    }
    if let Ok(r) = RetrieveDocumentSetResponse::parse(&payload) {
        for d in &r.documents {
            let _ = d.document.inline();
        }
        reparses("RetrieveDocumentSetResponse::build", &r.build());
    }
    if let Ok(p) = RetrieveDocumentSetResponse::parse_per_document(&payload) {
        let _ = format!("{:?}", p.refused);
    }
});
