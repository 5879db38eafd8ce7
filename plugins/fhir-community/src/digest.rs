//! The encodings this adapter needs beyond the SDK's [`xcgate_sdk::xds::digest`] (SHA-1,
//! hex, name-based UUIDs): lenient base64 for FHIR `base64Binary`
//! [FHIR R4 datatypes.html#base64Binary] (`Attachment.data`, and `Attachment.hash`, which
//! is base64 SHA-1 where the XDS `hash` slot is hex [ITI TF-3 4.2.3.2.11]), and the
//! namespace of this adapter's stable ebRIM ids.

use xcgate_sdk::xds::digest::Uuid;

/// Decode base64 (standard alphabet; padding optional; whitespace ignored, as FHIR JSON
/// may wrap it; anything after the first `=` ignored). `None` on any other character.
/// FHIR servers do leave the padding off, which the strict XML decoder of `xcgate-ihe`
/// refuses, so the text is first brought to the canonical padded form that decoder reads.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut canonical = String::with_capacity(text.len() + 3);
    for c in text.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' => canonical.push(c),
            '=' => break,
            ' ' | '\n' | '\r' | '\t' => {}
            _ => return None,
        }
    }
    if canonical.len() % 4 == 1 {
        // Six bits make no byte.
        canonical.pop();
    }
    while !canonical.len().is_multiple_of(4) {
        canonical.push('=');
    }
    xcgate_sdk::ihe::retrieve::base64::decode(&canonical).ok()
}

/// The namespace of this adapter's name-based UUIDs (a fixed random UUID).
const NAMESPACE: Uuid = Uuid([
    0x3c, 0x1e, 0x5b, 0x0a, 0x7d, 0x42, 0x4f, 0x61, 0x9a, 0x2e, 0x51, 0x0c, 0x8b, 0x6d, 0x13, 0xf4,
]);

/// A version-5 UUID of `name` as a `urn:uuid:` URN [RFC 9562 5.5]: the same name gives the
/// same id in every call, as registry object ids must stay stable between queries.
pub fn uuid_urn(name: &str) -> String {
    NAMESPACE.v5(name).urn()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcgate_sdk::xds::digest::is_uuid;

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVs\nbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("a*b"), None);
    }

    #[test]
    fn base64_without_padding_or_with_a_stray_last_character_decodes_what_it_can() {
        assert_eq!(base64_decode("aGVsbA").unwrap(), b"hell");
        assert_eq!(base64_decode("aGVsbG").unwrap(), b"hell");
        assert_eq!(base64_decode("aGVsb").unwrap(), b"hel");
        assert_eq!(base64_decode("aGVsbA==trailing").unwrap(), b"hell");
        assert_eq!(base64_decode("aGVs bA é"), None);
    }

    #[test]
    fn name_based_uuids_are_stable_and_well_formed() {
        let a = uuid_urn("urn:oid:2.999|doc-1|entry");
        assert_eq!(a, uuid_urn("urn:oid:2.999|doc-1|entry"));
        assert_ne!(a, uuid_urn("urn:oid:2.999|doc-2|entry"));
        let id = a.strip_prefix("urn:uuid:").unwrap();
        assert!(is_uuid(id), "{a}");
        assert_eq!(&id[14..15], "5", "version 5");
    }
}
