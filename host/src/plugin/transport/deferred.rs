//! An ITI-55 request made deferred [ITI TF-2 3.55.6.2, 3.55.4.1.2]: the Deferred action,
//! `responsePriorityCode` `D`, and a `respondTo` (this gateway's `/replies`) in the
//! transmission wrapper, before `sender` as the schema orders them. The plugin's request
//! is otherwise sent as it wrote it; the result is read back and must say deferred with
//! that address, or nothing is sent.

use xcgate_ihe::hl7v3::{self, actions};
use xcgate_ihe::xml::ns;

/// `envelope` (an ITI-55 request) made deferred, its answer to go to `respond_to`.
pub fn deferred_request(envelope: &str, respond_to: &str) -> Result<String, String> {
    let text = envelope.replacen(actions::ITI55_REQUEST, actions::ITI55_DEFERRED_REQUEST, 1);
    let text = set_priority(&text).ok_or("the ITI-55 request has no responsePriorityCode")?;
    let (at, prefix) = start_tag(&text, "sender")
        .ok_or("the ITI-55 request has no sender to put respondTo before")?;
    let p = prefix.map(|p| format!("{p}:")).unwrap_or_default();
    let mut address = String::new();
    xcgate_ihe::xml::escape_attr(respond_to, &mut address);
    let respond_to_xml = format!(
        "<{p}respondTo typeCode=\"RSP\"><{p}telecom value=\"{}\"/><{p}entityRsp classCode=\"ENT\" determinerCode=\"INSTANCE\" xmlns:xsi=\"{}\" xsi:nil=\"true\"/></{p}respondTo>",
        address,
        ns::XSI
    );
    let out = format!("{}{respond_to_xml}{}", &text[..at], &text[at..]);
    // Read back: exactly what a responding gateway will read.
    let env = xcgate_ihe::soap::parse_envelope(out.as_bytes())
        .map_err(|e| format!("the deferred ITI-55 is not a SOAP envelope: {e}"))?;
    let req = hl7v3::parse_query(&env.body)
        .map_err(|e| format!("the deferred ITI-55 does not read back: {e}"))?;
    if req.priority != hl7v3::Priority::Deferred || req.respond_to.as_deref() != Some(respond_to) {
        return Err("the ITI-55 request could not be made deferred".to_string());
    }
    Ok(out)
}

/// The text with the first `responsePriorityCode`'s code set to `D`.
fn set_priority(text: &str) -> Option<String> {
    let (at, _) = start_tag(text, "responsePriorityCode")?;
    let end = at + text[at..].find('>')?;
    let tag = &text[at..end];
    let code = tag.find("code=")? + "code=".len();
    let quote = tag[code..].chars().next()?;
    let value_end = code + 1 + tag[code + 1..].find(quote)?;
    Some(format!(
        "{}{quote}D{}",
        &text[..at + code],
        &text[at + value_end..]
    ))
}

/// The byte offset of the first start tag `<local ...>` or `<prefix:local ...>`, and its
/// prefix.
fn start_tag<'a>(text: &'a str, local: &str) -> Option<(usize, Option<&'a str>)> {
    let mut from = 0;
    while let Some(found) = text[from..].find(local) {
        let at = from + found;
        from = at + local.len();
        let after = text[from..].chars().next();
        if !matches!(after, Some(c) if c == '>' || c == '/' || c.is_whitespace()) {
            continue;
        }
        let before = &text[..at];
        if before.ends_with('<') {
            return Some((at - 1, None));
        }
        if let Some(colon) = before.strip_suffix(':')
            && let Some(lt) = colon.rfind('<')
        {
            let prefix = &colon[lt + 1..];
            if !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                return Some((lt, Some(prefix)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn request() -> std::io::Result<String> {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../config/examples/iti55-virtanen.xml"),
        )
    }

    #[test]
    fn an_iti55_becomes_deferred_with_our_address_and_reads_back() -> Outcome {
        let out = deferred_request(&request()?, "http://127.0.0.1:1/replies")?;
        assert!(out.contains(actions::ITI55_DEFERRED_REQUEST));
        let env = xcgate_ihe::soap::parse_envelope(out.as_bytes())?;
        let req = hl7v3::parse_query(&env.body)?;
        assert_eq!(req.priority, hl7v3::Priority::Deferred);
        assert_eq!(
            req.respond_to.as_deref(),
            Some("http://127.0.0.1:1/replies")
        );
        assert_eq!(req.query.names.len(), 1, "the query as the plugin wrote it");
        Ok(())
    }

    #[test]
    fn a_request_that_would_not_read_back_deferred_is_not_made() -> Outcome {
        // A prefixed root with unprefixed children in no declared HL7 default namespace:
        // the text can be changed, but it does not read back as a deferred ITI-55.
        let text = request()?
            .replace(
                "<PRPA_IN201305UV02 xmlns=\"urn:hl7-org:v3\"",
                "<h:PRPA_IN201305UV02 xmlns:h=\"urn:hl7-org:v3\"",
            )
            .replace("</PRPA_IN201305UV02>", "</h:PRPA_IN201305UV02>");
        assert!(deferred_request(&text, "http://x/replies").is_err());
        let without_priority = request()?.replace("<responsePriorityCode code=\"I\"/>", "");
        assert!(deferred_request(&without_priority, "http://x/replies").is_err());
        Ok(())
    }
}
