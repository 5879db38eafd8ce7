//! RFC 5424 messages of audit records, as ATNA prescribes [ITI TF-2 3.20.4.1.2]:
//! facility 10 (security/authorization) with severity 5 (notice) for a success and 4
//! (warning) for a failure outcome, so PRI is `<85>` or `<84>`; MSGID `IHE+RFC-3881`; no
//! structured data; the record's XML as MSG, without a BOM (IPF and the other ATNA senders
//! send none and the repository must accept UTF-8 as is [ITI TF-2 3.20.4.1.2]).

/// Facility 10 × 8 [RFC 5424 §6.2.1; ITI TF-2 3.20.4.1.2].
const FACILITY_AUTHPRIV: u8 = 10;
const SEVERITY_NOTICE: u8 = 5;
const SEVERITY_WARNING: u8 = 4;

/// The fixed parts of every header.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub hostname: String,
    pub app_name: String,
    pub proc_id: String,
}

impl Header {
    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID IHE+RFC-3881 - MSG` for one journal line
    /// (without its `\n`). TIMESTAMP is the record's EventDateTime, the time the event was
    /// recorded, not when a delayed record finally reached the repository [RFC 5424 §6.2.3].
    pub fn message(&self, record: &[u8], out: &mut Vec<u8>) {
        let outcome = attribute(record, b"EventOutcomeIndicator=\"");
        let severity = match outcome {
            Some(b"0") => SEVERITY_NOTICE,
            _ => SEVERITY_WARNING,
        };
        let pri = FACILITY_AUTHPRIV * 8 + severity;
        let timestamp = attribute(record, b"EventDateTime=\"").unwrap_or(b"-");
        out.extend_from_slice(format!("<{pri}>1 ").as_bytes());
        out.extend_from_slice(timestamp);
        out.push(b' ');
        out.extend_from_slice(self.hostname.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.app_name.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.proc_id.as_bytes());
        out.extend_from_slice(b" IHE+RFC-3881 - ");
        out.extend_from_slice(record);
    }
}

/// `MSG-LEN SP SYSLOG-MSG` [RFC 5425 §4.3].
pub(crate) fn octet_counted(message: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(message.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(message);
}

/// The value of the first `name="` attribute of a line written by [`crate::xml`] (which
/// writes EventIdentification first, with these attributes unescaped and once); the value
/// must be header-safe (no space) to be used.
fn attribute<'a>(record: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let start = record.windows(name.len()).position(|w| w == name)? + name.len();
    let len = record[start..].iter().position(|&b| b == b'"')?;
    let value = &record[start..start + len];
    let safe = !value.is_empty() && value.iter().all(|b| (33..=126).contains(b));
    safe.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::{Header, octet_counted};

    #[test]
    fn header_and_framing() -> Result<(), Box<dyn std::error::Error>> {
        let header = Header {
            hostname: "gw.example.org".to_string(),
            app_name: "xcgate".to_string(),
            proc_id: "4242".to_string(),
        };
        let record = br#"<?xml version="1.0" encoding="UTF-8"?><AuditMessage><EventIdentification EventActionCode="E" EventDateTime="2020-03-19T14:38:04.293Z" EventOutcomeIndicator="0"></EventIdentification></AuditMessage>"#;
        let mut message = Vec::new();
        header.message(record, &mut message);
        let text = String::from_utf8(message.clone())?;
        assert!(
            text.starts_with(
                "<85>1 2020-03-19T14:38:04.293Z gw.example.org xcgate 4242 IHE+RFC-3881 - <?xml"
            ),
            "{text}"
        );
        let failure = String::from_utf8(record.to_vec())?
            .replace("EventOutcomeIndicator=\"0\"", "EventOutcomeIndicator=\"8\"");
        let mut message = Vec::new();
        header.message(failure.as_bytes(), &mut message);
        assert!(message.starts_with(b"<84>1 "), "a failure is a warning");

        let mut frame = Vec::new();
        octet_counted(b"<85>1 abc", &mut frame);
        assert_eq!(b"9 <85>1 abc".as_slice(), frame.as_slice());
        Ok(())
    }
}
