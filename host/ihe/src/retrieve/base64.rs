//! Base64 [RFC 4648 section 4] for `xs:base64Binary` Documents: the standard alphabet with
//! padding. Decoding ignores XML whitespace (line-wrapped encoders are common) and refuses
//! everything else, so a peer that puts plain text in a Document is told so instead of the
//! consumer receiving garbage.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a text is not base64; offsets are byte offsets in the text as received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    #[error("character `{found}` at offset {offset} is not in the base64 alphabet")]
    InvalidCharacter { offset: usize, found: char },
    #[error(
        "{length} base64 characters (whitespace aside) is not a multiple of 4 (missing or extra padding)"
    )]
    Length { length: usize },
    #[error("padding `=` at offset {offset} is not at the end of the data")]
    Padding { offset: usize },
}

/// The encoded length of `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Append the base64 of `data` to `out`, unwrapped and padded.
pub fn encode_into(data: &[u8], out: &mut String) {
    out.reserve(encoded_len(data.len()));
    let sextet = |v: u32, shift: u32| char::from(ALPHABET[((v >> shift) & 0x3f) as usize]);
    let mut chunks = data.chunks_exact(3);
    for c in &mut chunks {
        let v = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        for shift in [18, 12, 6, 0] {
            out.push(sextet(v, shift));
        }
    }
    match *chunks.remainder() {
        [a] => {
            let v = u32::from(a) << 16;
            out.push(sextet(v, 18));
            out.push(sextet(v, 12));
            out.push_str("==");
        }
        [a, b] => {
            let v = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.push(sextet(v, 18));
            out.push(sextet(v, 12));
            out.push(sextet(v, 6));
            out.push('=');
        }
        _ => {}
    }
}

/// The base64 of `data`.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::new();
    encode_into(data, &mut out);
    out
}

fn value_of(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decode base64 text, skipping XML whitespace (space, tab, CR, LF). Padding is required
/// and only at the end; bits left over in the last character are ignored (RFC 4648 3.5
/// leaves rejecting them to the decoder; encoders in the wild set them to zero anyway).
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut count = 0usize; // alphabet characters and padding seen
    let mut pad = 0usize;
    for (offset, b) in text.bytes().enumerate() {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'=' => {
                pad += 1;
                count += 1;
                // At most two, and only in the last two places of a quartet.
                if pad > 2 || matches!(count % 4, 1 | 2) {
                    return Err(Base64Error::Padding { offset });
                }
            }
            _ => {
                let Some(v) = value_of(b) else {
                    let found = text
                        .get(offset..)
                        .and_then(|rest| rest.chars().next())
                        .unwrap_or(char::REPLACEMENT_CHARACTER);
                    return Err(Base64Error::InvalidCharacter { offset, found });
                };
                if pad > 0 {
                    return Err(Base64Error::Padding { offset });
                }
                acc = (acc << 6) | v;
                count += 1;
                if count.is_multiple_of(4) {
                    out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                    acc = 0;
                }
            }
        }
    }
    if !count.is_multiple_of(4) {
        return Err(Base64Error::Length { length: count });
    }
    match pad {
        1 => {
            acc <<= 6;
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8]);
        }
        2 => {
            acc <<= 12;
            out.push((acc >> 16) as u8);
        }
        _ => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_test_vectors_round_trip() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in vectors {
            assert_eq!(encode(plain.as_bytes()), b64);
            assert_eq!(decode(b64).unwrap(), plain.as_bytes(), "{b64}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
    }

    #[test]
    fn whitespace_is_skipped() {
        assert_eq!(decode(" Zm9v\r\n\tYmFy\n").unwrap(), b"foobar");
        assert_eq!(decode("Zm9vYg\n==").unwrap(), b"foob");
    }

    #[test]
    fn junk_is_refused_with_its_position() {
        assert_eq!(
            decode("Metriport Rocks!"),
            Err(Base64Error::InvalidCharacter {
                offset: 15,
                found: '!'
            })
        );
        assert_eq!(
            decode("Zm9v-YmFy"),
            Err(Base64Error::InvalidCharacter {
                offset: 4,
                found: '-'
            })
        );
        assert_eq!(
            decode("Zm9vä"),
            Err(Base64Error::InvalidCharacter {
                offset: 4,
                found: 'ä'
            })
        );
    }

    #[test]
    fn bad_length_and_padding_are_refused() {
        assert_eq!(decode("Zm9vY"), Err(Base64Error::Length { length: 5 }));
        assert_eq!(decode("Zm9vYg"), Err(Base64Error::Length { length: 6 }));
        assert_eq!(decode("Zg==Zg=="), Err(Base64Error::Padding { offset: 4 }));
        assert_eq!(decode("Z==="), Err(Base64Error::Padding { offset: 1 }));
        assert_eq!(decode("Zm9v="), Err(Base64Error::Padding { offset: 4 }));
    }
}
