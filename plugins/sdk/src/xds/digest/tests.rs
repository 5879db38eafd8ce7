use super::*;

#[test]
fn sha1_matches_the_fips_180_test_vectors() {
    assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        hex(&sha1(b"abc")),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        hex(&sha1(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(
        hex(&sha1(&vec![b'a'; 1_000_000])),
        "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
    );
}

#[test]
fn sha1_handles_every_padding_boundary() {
    // Lengths around the 55/56/64-byte edges where the padding spills into a new block.
    let data: Vec<u8> = (0..=255u8).collect();
    let seen: std::collections::BTreeSet<String> =
        (50..=130).map(|n| hex(&sha1(&data[..n]))).collect();
    assert_eq!(seen.len(), 81, "every prefix hashes differently");
}

#[test]
fn name_based_uuids_match_rfc_9562() {
    // The DNS namespace example every UUID library checks against.
    let dns = Uuid([
        0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ]);
    assert_eq!(
        dns.v5("python.org").urn(),
        "urn:uuid:886313e1-3b8a-5372-9b90-0c9aee199e5d"
    );
    let doc = NAMESPACE_OID.v5("2.999.1.10.2.1");
    assert_eq!(doc.urn(), "urn:uuid:da8d1757-bbc2-596f-93b7-a6837ec41bff");
    assert_eq!(doc.oid(), "2.25.290504290384544744512516353368260877311");
}

#[test]
fn sha1_of_a_long_input_matches_a_known_digest() {
    let long = vec![b'a'; 1000];
    assert_eq!(
        hex(&sha1(&long)),
        "291e9a6c66994949b57ba5e650361e98fc36b1ba"
    );
}

#[test]
fn uuid_text_is_recognised() {
    let urn = NAMESPACE_OID.v5("2.999|doc-1|entry").urn();
    let id = urn.strip_prefix("urn:uuid:").unwrap();
    assert!(is_uuid(id), "{urn}");
    assert_eq!(&id[14..15], "5", "version 5");
    assert!(!is_uuid("not-a-uuid"));
    assert!(!is_uuid("da8d1757-bbc2-596f-93b7-a6837ec41bf"));
}
