//! `Content-Type` values: a media type and its parameters [RFC 2045 §5.1; RFC 9110
//! §8.3.1], read liberally because MTOM toolkits disagree on quoting and spacing
//! (Axis2 leaves the boundary unquoted, WCF quotes a boundary full of `:`, `+` and `=`).

use super::MtomError;

/// A parsed `Content-Type` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// `type/subtype`, lower-case (media types compare without regard to case).
    pub mime: String,
    /// Parameters in order: names lower-case, values unquoted and unescaped. The first of
    /// two parameters with the same name wins.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    /// Parse a header value such as `multipart/related; boundary="uuid:1+id=2";
    /// type="application/xop+xml"; start="<root>"`. Parameter names are matched in any
    /// case; whitespace around `;` and `=` is skipped; a parameter without `=` (or an empty
    /// one, `text/xml;`) is ignored rather than refused.
    pub fn parse(value: &str) -> Result<ContentType, MtomError> {
        let (mime, mut rest) = value.split_once(';').unwrap_or((value, ""));
        let mime = mime.trim().to_ascii_lowercase();
        let well_formed = mime
            .split_once('/')
            .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty() && !s.contains('/'));
        if !well_formed {
            return Err(MtomError::malformed(format!(
                "the Content-Type `{}` has no type/subtype",
                value.trim()
            )));
        }
        let mut params: Vec<(String, String)> = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace());
            if rest.is_empty() {
                break;
            }
            let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
            let name = rest[..name_end].trim().to_ascii_lowercase();
            rest = &rest[name_end..];
            let Some(after_eq) = rest.strip_prefix('=') else {
                continue; // `;` or the end: a parameter without a value
            };
            let after_eq = after_eq.trim_start();
            let value = if let Some(quoted) = after_eq.strip_prefix('"') {
                let (value, consumed) = quoted_string(quoted).ok_or_else(|| {
                    MtomError::malformed(format!(
                        "the Content-Type parameter `{name}` has an unterminated quoted string"
                    ))
                })?;
                // Anything between the closing quote and the next `;` is junk; skip it.
                let tail = &quoted[consumed..];
                rest = &tail[tail.find(';').unwrap_or(tail.len())..];
                value
            } else {
                let end = after_eq.find(';').unwrap_or(after_eq.len());
                rest = &after_eq[end..];
                after_eq[..end].trim().to_string()
            };
            if !name.is_empty() && !params.iter().any(|(n, _)| *n == name) {
                params.push((name, value));
            }
        }
        Ok(ContentType { mime, params })
    }

    /// The parameter `name` (any case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True for `multipart/related` [RFC 2387 §3].
    pub fn is_multipart_related(&self) -> bool {
        self.mime == "multipart/related"
    }

    /// The `boundary` that separates the parts [RFC 2046 §5.1.1].
    pub fn boundary(&self) -> Option<&str> {
        self.param("boundary")
    }

    /// The `type` of the root part: `application/xop+xml` for MTOM [App V V.9.3].
    pub fn root_type(&self) -> Option<&str> {
        self.param("type")
    }

    /// The Content-ID of the root part, as sent (usually in angle brackets) [RFC 2387 §3.2].
    pub fn start(&self) -> Option<&str> {
        self.param("start")
    }

    /// The media type of the XOP document: `application/soap+xml` [App V V.9.3].
    pub fn start_info(&self) -> Option<&str> {
        self.param("start-info")
    }

    /// The SOAP action, when the sender puts it here (Axis2 does) [SOAP 1.2 Part 2 §7.1.4].
    pub fn action(&self) -> Option<&str> {
        self.param("action")
    }

    /// The `charset` parameter (of a part's Content-Type).
    pub fn charset(&self) -> Option<&str> {
        self.param("charset")
    }
}

/// The content of a quoted string that started just before `s` (the opening quote already
/// consumed), with `\x` escapes resolved [RFC 9110 §5.6.4], and the bytes consumed
/// including the closing quote. `None` when the quote is never closed.
fn quoted_string(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}
