//! Fresh identifiers and timestamps for outgoing messages, and the reason of a failed
//! outbound exchange.

use std::time::{SystemTime, UNIX_EPOCH};

/// A new WS-Addressing MessageID, `urn:uuid:` form.
pub fn new_message_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// A new random UUID (for HL7 message id extensions and request ids).
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Now, in Unix milliseconds (the state store's clock).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A duration in milliseconds, as the store counts them.
pub fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The current UTC time as an HL7 TS with seconds and zone: `YYYYMMDDHHMMSS+0000`.
pub fn hl7_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    hl7_ts(secs)
}

/// Format Unix seconds as an HL7 TS in UTC.
pub fn hl7_ts(unix_secs: u64) -> String {
    let t = xcgate_ihe::calendar::UtcDateTime::from_unix(i64::try_from(unix_secs).unwrap_or(0));
    format!("{}+0000", t.hl7_ts())
}

/// An error with its causes (`client error (Connect): invalid peer certificate: UnknownIssuer`):
/// the outermost hyper error alone never says why. No URL or payload is in any of them.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn hl7_timestamps_are_utc_calendar_dates() {
        assert_eq!(super::hl7_ts(0), "19700101000000+0000");
        assert_eq!(super::hl7_ts(951_782_400), "20000229000000+0000");
        assert_eq!(super::hl7_ts(1_795_435_199), "20261123115959+0000");
    }
}
