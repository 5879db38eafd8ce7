//! MTOM/XOP packages. Input: the first line is the HTTP Content-Type, the rest is the body.
//! The whole input is also read as a raw HTTP capture. Nothing may panic.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use xcgate_ihe::mtom::{self, Multipart};

fn exercise(mp: &Multipart) {
    let root = mp.root().body().clone();
    let _ = mtom::resolve_xop(&root, mp);
    let _ = mp.resolve_xop();
    let _ = mtom::inline_xop_as_base64(&root, mp);
    for part in mp.parts() {
        let _ = part.content_id();
        let _ = part.content_type();
        let _ = part.transfer_encoding();
    }
}

fuzz_target!(|data: &[u8]| {
    let (first, body) = match data.iter().position(|&b| b == b'\n') {
        Some(nl) => (&data[..nl], &data[nl + 1..]),
        None => (data, &[][..]),
    };
    let content_type = String::from_utf8_lossy(first);
    let body = Bytes::copy_from_slice(body);
    if let Ok(mp) = mtom::parse_multipart(content_type.trim_end(), body.clone()) {
        exercise(&mp);
    }
    if mtom::sniff_boundary(&body).is_ok()
        && let Ok(mp) = mtom::parse_headerless(body)
    {
        exercise(&mp);
    }
    if let Ok(raw) = mtom::parse_raw_http(data) {
        let _ = raw.header("content-length");
        if let Ok(mp) = mtom::parse_multipart(&raw.content_type, Bytes::copy_from_slice(raw.body)) {
            exercise(&mp);
        }
    }
});
