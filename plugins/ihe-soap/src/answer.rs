//! Reading the responding gateway's HTTP answer into a SOAP payload, or the right
//! `adapter-error`. Liberal in the shapes it accepts (simple SOAP or MTOM for every
//! transaction, any prefixes, a bare payload) [host/ihe/README.md, "What real peers send"], strict about what is
//! not an answer: a Fault, an error status without a SOAP body, or garbage is never read
//! as an empty result.

use xcgate_sdk::AdapterError;
use xcgate_sdk::ihe::mtom::{self, Multipart};
use xcgate_sdk::ihe::soap::{self, Fault, FaultCode, SoapError};
use xcgate_sdk::ihe::xml::{self, Element, ns};

/// A usable answer: the Body payload, and the MIME parts when it came as MTOM.
#[derive(Debug)]
pub struct Answer {
    pub payload: Element,
    pub multipart: Option<Multipart>,
    /// The `xcpd:CorrelationTimeToLive` header (an `xs:duration`), when the responder sent
    /// one [ITI TF-2 3.55.4.2.2].
    pub correlation_ttl: Option<String>,
}

/// Subcodes that say "try later" (WS-Addressing `EndpointUnavailable` carries a
/// RetryAfter [WS-Addressing 1.0 SOAP Binding 6.4.1.8]; `ServerTooBusy` is the WCF one).
const BUSY_SUBCODES: [&str; 2] = ["EndpointUnavailable", "ServerTooBusy"];

/// WS-Security fault subcodes [WSS 1.1 SOAP Message Security, 12]: the peer refused our
/// credentials or assertion.
const SECURITY_SUBCODES: [&str; 6] = [
    "FailedAuthentication",
    "InvalidSecurity",
    "InvalidSecurityToken",
    "FailedCheck",
    "SecurityTokenUnavailable",
    "MessageExpired",
];

/// The error for a SOAP Fault. The reason text is not repeated: it is free text from the
/// peer and may echo patient data; the codes are enough to act on.
pub fn fault_error(fault: &Fault, what: &str) -> AdapterError {
    let sub = fault.subcode.as_ref().map(|(_, local)| local.as_str());
    let named = match sub {
        Some(s) => format!("{} / {s}", fault.code.as_str()),
        None => fault.code.as_str().to_string(),
    };
    let text = format!("the responding gateway answered the {what} with a SOAP Fault ({named})");
    match (fault.code, sub) {
        (_, Some(s)) if BUSY_SUBCODES.contains(&s) => AdapterError::Busy(text),
        (_, Some(s)) if SECURITY_SUBCODES.contains(&s) => AdapterError::Unauthorized(text),
        // The peer failed to process a valid request [SOAP 1.2 Part 1, 5.4.6]: it did not
        // answer, as far as the initiator is concerned.
        (FaultCode::Receiver, _) => AdapterError::Unavailable(text),
        // Sender, MustUnderstand, VersionMismatch: it refused what we sent.
        _ => AdapterError::BadResponse(text),
    }
}

/// The first line of a plain-text (or HTML: its title) error body, cut to 120 characters,
/// with runs of three or more digits and anything that looks like an id (`^`, `@`)
/// masked: a peer's refusal says *why* (e.g. "Envelope.Header.Security.Timestamp
/// Required"), but its text is the peer's and must not carry patient data into our
/// answers and logs.
pub fn refusal_line(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || text
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
        || text.trim_start().to_ascii_lowercase().starts_with("<html");
    let line = if html {
        let lower = text.to_ascii_lowercase();
        let start = lower.find("<title>")? + 7;
        let end = start + lower[start..].find("</title>")?;
        text[start..end].trim().to_string()
    } else {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())?
            .to_string()
    };
    let mut out = String::new();
    let mut digits = 0usize;
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.contains(['^', '@']) {
            out.push('…');
            continue;
        }
        for c in word.chars() {
            if c.is_ascii_digit() {
                digits += 1;
                out.push(c);
                continue;
            }
            if digits >= 3 {
                let keep = out.len() - digits;
                out.truncate(keep);
                out.push('…');
            }
            digits = 0;
            out.push(c);
        }
        if digits >= 3 {
            let keep = out.len() - digits;
            out.truncate(keep);
            out.push('…');
        }
        digits = 0;
    }
    let cut: String = out.chars().take(120).collect();
    (!cut.is_empty()).then(|| {
        if cut.len() < out.len() {
            format!("{cut}…")
        } else {
            cut
        }
    })
}

/// The error for an HTTP status whose body is not a SOAP message; `line` is the first line
/// of a plain-text body ([`refusal_line`]).
pub fn status_error(status: u16, what: &str, line: Option<&str>) -> AdapterError {
    let text = match line {
        Some(l) => format!(
            "the responding gateway answered the {what} with HTTP {status} and no SOAP message: \"{l}\""
        ),
        None => format!(
            "the responding gateway answered the {what} with HTTP {status} and no SOAP message"
        ),
    };
    match status {
        401 | 403 => AdapterError::Unauthorized(text),
        429 | 503 => AdapterError::Busy(text),
        400..=499 => AdapterError::BadResponse(text),
        _ => AdapterError::Unavailable(text),
    }
}

fn is_mtom(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/related"))
    })
}

/// Split an MTOM answer: its root part is the envelope. A body that starts with a MIME
/// delimiter but came without a multipart Content-Type is read as MTOM too.
fn split_mtom(
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<(Option<Multipart>, Vec<u8>), mtom::MtomError> {
    let sniffed = !is_mtom(content_type) && body.trim_ascii_start().starts_with(b"--");
    let mp = match content_type {
        Some(ct) if is_mtom(Some(ct)) => mtom::parse_multipart(ct, body.into())?,
        _ if sniffed => mtom::parse_headerless(body.into())?,
        _ => return Ok((None, body)),
    };
    let root = mp.root().body().to_vec();
    Ok((Some(mp), root))
}

/// Read an HTTP answer (`what` names the transaction in messages, e.g. `ITI-38 query`).
pub fn read(
    status: u16,
    content_type: Option<&str>,
    body: Vec<u8>,
    what: &str,
) -> Result<Answer, AdapterError> {
    let ok = (200..300).contains(&status);
    let line = if ok {
        None
    } else {
        refusal_line(content_type, &body)
    };
    let status_error = |status, what| status_error(status, what, line.as_deref());
    let (multipart, xml_bytes) = match split_mtom(content_type, body) {
        Ok(split) => split,
        Err(_) if !ok => return Err(status_error(status, what)),
        Err(e) => {
            return Err(AdapterError::BadResponse(format!(
                "the {what} answer is not a usable MTOM message: {e}"
            )));
        }
    };
    let root = match xml::parse(&xml_bytes) {
        Ok(root) => root,
        Err(_) if !ok => return Err(status_error(status, what)),
        Err(e) => {
            return Err(AdapterError::BadResponse(format!(
                "the {what} answer is not XML: {e}"
            )));
        }
    };
    // An error page that happens to be XML is still just an error status.
    if !ok && !root.is(ns::SOAP12, "Envelope") {
        return Err(status_error(status, what));
    }
    let correlation_ttl = root
        .child(ns::SOAP12, "Header")
        .and_then(|h| h.child(ns::XCPD, "CorrelationTimeToLive"))
        .and_then(Element::text_trimmed);
    // A synchronous answer comes on our own connection, so it is ours whatever its
    // RelatesTo says (with or without `urn:uuid:`, or a captured answer replayed with its
    // original id): RelatesTo is not checked here [host/ihe/README.md, "What real peers
    // send"]; asynchronous answers are correlated by it in the host.
    let payload = soap::payload(root).map_err(|e| match e {
        SoapError::Soap11 => AdapterError::BadResponse(format!(
            "the {what} answer is a SOAP 1.1 envelope; IHE requires SOAP 1.2 [ITI TF-2 App V IHE-WSP215]"
        )),
        other => AdapterError::BadResponse(format!("the {what} answer is not usable SOAP: {other}")),
    })?;
    if let Some(fault) = Fault::from_element(&payload) {
        return Err(fault_error(&fault, what));
    }
    // A 4xx/5xx with a proper answer inside (some gateways send HL7 AE with 500) is read
    // like any other answer; the transaction decides what it says.
    Ok(Answer {
        payload,
        multipart,
        correlation_ttl,
    })
}

#[cfg(test)]
mod tests;
