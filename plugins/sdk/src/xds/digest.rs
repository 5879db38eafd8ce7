//! SHA-1 and the identifiers derived from it.
//!
//! XDS carries the SHA-1 of a document's exact bytes in the DocumentEntry `hash` slot, as
//! lower-case hex [ITI TF-3 4.2.3.2.9], so the adapter needs SHA-1 anyway; the same function
//! makes name-based (version 5) UUIDs [RFC 9562 5.5], which give every registry object a
//! stable entryUUID without randomness: the same config always yields the same metadata.
//! A few dozen lines here avoid a dependency for one well-known algorithm [FIPS 180-4 6.1].
//! SHA-1 is used for ids and for checking content, never for security.

/// The SHA-1 digest of `data` [FIPS 180-4 6.1.2].
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    // Padding: a 1 bit, zeros to 56 mod 64, then the length in bits, big-endian [5.1.1].
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut tail = Vec::with_capacity(128);
    let whole = data.len() - data.len() % 64;
    tail.extend_from_slice(&data[whole..]);
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    tail.extend_from_slice(&bit_len.to_be_bytes());
    for block in data[..whole].chunks_exact(64).chain(tail.chunks_exact(64)) {
        compress(&mut h, block);
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn compress(h: &mut [u32; 5], block: &[u8]) {
    let mut w = [0u32; 80];
    for (i, bytes) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for t in 16..80 {
        w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for (t, wt) in w.iter().enumerate() {
        let (f, k) = match t {
            0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(*wt);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    for (x, v) in h.iter_mut().zip([a, b, c, d, e]) {
        *x = x.wrapping_add(v);
    }
}

/// Lower-case hex, as the `hash` slot wants it [ITI TF-3 4.2.3.2.9].
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// A UUID as its 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uuid(pub [u8; 16]);

/// The RFC 9562 namespace for names that are ISO OIDs (section 6.6).
pub const NAMESPACE_OID: Uuid = Uuid([
    0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
]);

impl Uuid {
    /// The name-based UUID (version 5, SHA-1) of `name` in this namespace [RFC 9562 5.5].
    pub fn v5(self, name: &str) -> Uuid {
        let mut input = Vec::with_capacity(16 + name.len());
        input.extend_from_slice(&self.0);
        input.extend_from_slice(name.as_bytes());
        let digest = sha1(&input);
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x50;
        b[8] = (b[8] & 0x3f) | 0x80;
        Uuid(b)
    }

    /// `urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, the form of ebRIM ids
    /// [ITI TF-3 4.2.3.1.5].
    pub fn urn(self) -> String {
        let h = hex(&self.0);
        format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// The OID `2.25.<the UUID as one integer>` [ITU-T X.667 / ISO/IEC 9834-8 clause 8]:
    /// a globally unique OID for ids that must be OIDs (SubmissionSet uniqueId
    /// [ITI TF-3 4.2.3.3.12]) and that no config names.
    pub fn oid(self) -> String {
        format!("2.25.{}", u128::from_be_bytes(self.0))
    }
}

/// True for the text form of a UUID (`8-4-4-4-12` hex digits), e.g. a server id that can
/// serve as an entryUUID as it is.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The UUID of a `urn:uuid:` id (or of a bare UUID); `None` for anything else.
pub fn parse_urn(text: &str) -> Option<Uuid> {
    let bare = text.strip_prefix("urn:uuid:").unwrap_or(text);
    if !is_uuid(bare) {
        return None;
    }
    let digits: String = bare.chars().filter(|c| *c != '-').collect();
    let mut b = [0u8; 16];
    for (i, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(Uuid(b))
}

#[cfg(test)]
mod tests;
