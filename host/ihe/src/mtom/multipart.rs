//! Splitting a `multipart/related` body into parts [RFC 2046 §5.1.1; RFC 2387], without
//! copying part bodies: each body is a [`Bytes::slice`] of the input.

use super::{ContentType, MtomError, MtomLimits, Multipart, Part, header_in, normalise_content_id};
use bytes::Bytes;

/// Parse an MTOM message from its HTTP `Content-Type` value and body, with the default
/// limits.
pub fn parse_multipart(content_type: &str, body: Bytes) -> Result<Multipart, MtomError> {
    parse_multipart_with(
        &ContentType::parse(content_type)?,
        body,
        &MtomLimits::default(),
    )
}

/// Parse with an already parsed Content-Type and explicit limits.
pub fn parse_multipart_with(
    content_type: &ContentType,
    body: Bytes,
    limits: &MtomLimits,
) -> Result<Multipart, MtomError> {
    if !content_type.is_multipart_related() {
        return Err(MtomError::NotMultipartRelated {
            found: content_type.mime.clone(),
        });
    }
    let boundary = content_type
        .boundary()
        .filter(|b| !b.is_empty())
        .ok_or(MtomError::NoBoundary)?;
    // The delimiter is `--` + boundary [RFC 2046 §5.1.1]. Some senders declare the
    // boundary with the dashes already on it, or (rarely) write delimiter lines without
    // them; the declared value itself is tried when the standard form never occurs.
    let standard = format!("--{boundary}");
    let delimiter = [standard.as_bytes(), boundary.as_bytes()]
        .into_iter()
        .find(|d| next_delimiter(&body, 0, d).is_some())
        .ok_or_else(|| MtomError::BoundaryNotFound {
            boundary: boundary.to_string(),
        })?;
    let raw = split(&body, delimiter, limits)?;
    let parts: Vec<Part> = raw
        .into_iter()
        .map(|(headers, range)| Part {
            content_id: header_in(&headers, "content-id")
                .map(|v| normalise_content_id(v).to_string()),
            headers,
            body: body.slice(range),
        })
        .collect();
    let root = match content_type.start() {
        None => 0,
        Some(start) => {
            let want = normalise_content_id(start);
            let id = |p: &Part| p.content_id.clone().unwrap_or_default();
            parts
                .iter()
                .position(|p| id(p) == want)
                .or_else(|| parts.iter().position(|p| id(p).eq_ignore_ascii_case(want)))
                .ok_or_else(|| MtomError::RootNotFound {
                    start: start.to_string(),
                })?
        }
    };
    Ok(Multipart {
        content_type: content_type.clone(),
        parts,
        root,
    })
}

type RawPart = (Vec<(String, String)>, std::ops::Range<usize>);

fn split(buf: &[u8], delimiter: &[u8], limits: &MtomLimits) -> Result<Vec<RawPart>, MtomError> {
    let shown = String::from_utf8_lossy(delimiter);
    // Everything before the first delimiter is preamble and is ignored [RFC 2046 §5.1.1].
    let Some((_, close, mut after)) = next_delimiter(buf, 0, delimiter) else {
        return Err(MtomError::malformed(format!("no delimiter line `{shown}`")));
    };
    if close {
        return Err(MtomError::malformed(
            "the multipart body has no parts (its first delimiter is the closing one)",
        ));
    }
    let mut parts = Vec::new();
    loop {
        if parts.len() == limits.max_parts {
            return Err(MtomError::TooManyParts(limits.max_parts));
        }
        let index = parts.len();
        let (headers, start) =
            read_headers(buf, after, limits.max_header_bytes).map_err(|e| match e {
                HeaderError::TooLarge => MtomError::HeadersTooLarge {
                    part: index,
                    limit: limits.max_header_bytes,
                },
                other => MtomError::malformed(format!("part {index}: {}", other.message())),
            })?;
        // A part is closed by the next delimiter; a body that just stops is a truncated
        // message, and a truncated document must not be passed on as if it were whole.
        let (line, close, next_after) =
            next_delimiter(buf, start, delimiter).ok_or_else(|| {
                MtomError::malformed(format!(
                    "part {index} never ends: the body stops without the closing delimiter `{shown}--` (truncated?)"
                ))
            })?;
        // The line break before a delimiter belongs to the delimiter [RFC 2046 §5.1.1].
        let end = if line >= 2 && buf.get(line - 2..line) == Some(b"\r\n") {
            line - 2
        } else if line >= 1 && buf.get(line - 1) == Some(&b'\n') {
            line - 1
        } else {
            line
        };
        parts.push((headers, start..end.max(start)));
        if close {
            // What follows the closing delimiter is epilogue and is ignored.
            return Ok(parts);
        }
        after = next_after;
    }
}

/// If a delimiter line starts at `at`: whether it is the closing one, and where the next
/// line starts. Transport padding (spaces, tabs) may follow the boundary; the line may end
/// in CRLF or a bare LF (LF-only captures are common), or the input may end there.
fn delimiter_at(buf: &[u8], at: usize, delimiter: &[u8]) -> Option<(bool, usize)> {
    let rest = buf.get(at..)?.strip_prefix(delimiter)?;
    let (close, rest) = match rest.strip_prefix(b"--") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let pad = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let rest = rest.get(pad..)?;
    let eol = match rest {
        [] | [b'\r'] => rest.len(),
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] => 1,
        _ => return None, // a longer boundary, or text that merely starts like one
    };
    Some((close, buf.len() - rest.len() + eol))
}

/// The first delimiter line at or after `line` (which must start a line): its start,
/// whether it closes the body, and where the next line starts.
fn next_delimiter(buf: &[u8], mut line: usize, delimiter: &[u8]) -> Option<(usize, bool, usize)> {
    loop {
        if let Some((close, after)) = delimiter_at(buf, line, delimiter) {
            return Some((line, close, after));
        }
        line += buf.get(line..)?.iter().position(|&b| b == b'\n')? + 1;
    }
}

/// Why a header block could not be read.
pub(super) enum HeaderError {
    TooLarge,
    Unterminated,
    NoColon(String),
    ContinuationFirst,
}

impl HeaderError {
    fn message(&self) -> String {
        match self {
            HeaderError::TooLarge => "the headers are too long".into(),
            HeaderError::Unterminated => {
                "the headers are not followed by an empty line before the end of the input".into()
            }
            HeaderError::NoColon(line) => format!(
                "the header line `{line}` has no `:` (is the empty line after the headers missing?)"
            ),
            HeaderError::ContinuationFirst => {
                "the first header line starts with whitespace (a continuation of nothing)".into()
            }
        }
    }
}

/// Header lines from `pos` up to the empty line that ends them: (headers, body start).
/// Names and values are trimmed; folded lines (leading whitespace) are joined to the
/// previous value with one space [RFC 5322 §2.2.3]. A line of only spaces counts as the
/// empty line: sloppy captures pad lines with spaces (the NIST capture does).
pub(super) fn read_headers(
    buf: &[u8],
    mut pos: usize,
    limit: usize,
) -> Result<(Vec<(String, String)>, usize), HeaderError> {
    let start = pos;
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let rest = buf.get(pos..).unwrap_or_default();
        let window = &rest[..rest
            .len()
            .min(limit.saturating_sub(pos - start).saturating_add(1))];
        let Some(nl) = window.iter().position(|&b| b == b'\n') else {
            return Err(if window.len() < rest.len() {
                HeaderError::TooLarge
            } else {
                HeaderError::Unterminated
            });
        };
        let line = &rest[..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos += nl + 1;
        if pos - start > limit {
            return Err(HeaderError::TooLarge);
        }
        if line.iter().all(|b| matches!(b, b' ' | b'\t')) {
            return Ok((headers, pos));
        }
        let text = String::from_utf8_lossy(line);
        if matches!(line.first(), Some(b' ' | b'\t')) {
            let (_, value) = headers.last_mut().ok_or(HeaderError::ContinuationFirst)?;
            value.push(' ');
            value.push_str(text.trim());
            continue;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| HeaderError::NoColon(text.chars().take(60).collect()))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// The boundary of a body that starts with its first delimiter line, for captures and
/// tests that kept the body but not the HTTP headers (several corpus samples). The
/// gateway itself always has the HTTP `Content-Type` and never needs this. Blank lines
/// before the delimiter are skipped; trailing padding is dropped.
pub fn sniff_boundary(body: &[u8]) -> Result<String, MtomError> {
    let first = body
        .split(|&b| b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))
        .ok_or(MtomError::NoBoundary)?;
    let boundary = first.strip_prefix(b"--").ok_or(MtomError::NoBoundary)?;
    let boundary = String::from_utf8_lossy(boundary).trim_end().to_string();
    if boundary.is_empty() {
        return Err(MtomError::NoBoundary);
    }
    Ok(boundary)
}

/// Parse a body without HTTP headers, its boundary sniffed from the first line and the
/// first part taken as root (captures and tests only; see [`sniff_boundary`]).
pub fn parse_headerless(body: Bytes) -> Result<Multipart, MtomError> {
    let content_type = ContentType {
        mime: "multipart/related".into(),
        params: vec![
            ("boundary".into(), sniff_boundary(&body)?),
            ("type".into(), "application/xop+xml".into()),
        ],
    };
    parse_multipart_with(&content_type, body, &MtomLimits::default())
}

/// A raw HTTP message as captured (request or status line, headers, body).
#[derive(Debug, Clone)]
pub struct RawHttp<'a> {
    pub start_line: String,
    pub headers: Vec<(String, String)>,
    /// The Content-Type header value.
    pub content_type: String,
    /// The body, cut to Content-Length when the capture has trailing bytes.
    pub body: &'a [u8],
}

impl RawHttp<'_> {
    /// The first header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }
}

/// Read a raw HTTP capture (e.g. the NIST toolkit's `http-mtom-pnr.txt`) into its
/// Content-Type and body, for tests and offline analysis; the gateway gets these from its
/// HTTP stack. Chunked captures are refused: de-chunking would need a copy.
pub fn parse_raw_http(capture: &[u8]) -> Result<RawHttp<'_>, MtomError> {
    let first_nl = capture
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| MtomError::malformed("the capture has no line break"))?;
    let start_line = String::from_utf8_lossy(&capture[..first_nl])
        .trim()
        .to_string();
    if !start_line.contains("HTTP/") {
        return Err(MtomError::malformed(format!(
            "the capture starts with `{}`, not an HTTP request or status line",
            start_line.chars().take(60).collect::<String>()
        )));
    }
    let (headers, body_start) = read_headers(capture, first_nl + 1, 64 * 1024)
        .map_err(|e| MtomError::malformed(format!("HTTP headers: {}", e.message())))?;
    let content_type = header_in(&headers, "content-type")
        .ok_or_else(|| MtomError::malformed("the capture has no Content-Type header"))?
        .to_string();
    if header_in(&headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        return Err(MtomError::malformed(
            "the capture uses Transfer-Encoding: chunked; de-chunk it first",
        ));
    }
    let mut body = &capture[body_start..];
    if let Some(declared) = header_in(&headers, "content-length") {
        let declared: usize = declared.parse().map_err(|_| {
            MtomError::malformed(format!("Content-Length `{declared}` is not a number"))
        })?;
        body = body.get(..declared).ok_or_else(|| {
            MtomError::malformed(format!(
                "the capture has {} body bytes but Content-Length says {declared} (truncated?)",
                body.len()
            ))
        })?;
    }
    Ok(RawHttp {
        start_line,
        headers,
        content_type,
        body,
    })
}
