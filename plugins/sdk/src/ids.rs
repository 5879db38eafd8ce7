//! Message ids and timestamps for adapters that write messages of their own (an HL7v3 or
//! SOAP request to their community). The message crate is pure (callers pass ids and times
//! in); the sandbox gives WASI clocks and randomness, reached here through `std`. Stable,
//! name-based ids for registry objects are in [`xds::digest`](crate::xds::digest).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{SystemTime, UNIX_EPOCH};

/// A random (version 4) UUID, lower case: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
///
/// Message ids must be unique, not secret [App V V.3.1.2], so SipHash under the
/// randomly keyed `RandomState` (seeded from the WASI random source) is enough, and the
/// plugin needs no extra crate.
pub fn uuid_v4() -> String {
    let state = RandomState::new();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let hi = state.hash_one((nanos, 1u8));
    let lo = state.hash_one((nanos, 2u8));
    format_uuid(hi, lo)
}

/// Lay out 128 bits as a version-4, RFC 4122-variant UUID.
pub fn format_uuid(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// Now as an HL7 TS in UTC, `YYYYMMDDHHMMSS` (`creationTime` [ITI TF-2 Table 3.55.4.1.2.3-1]).
pub fn hl7_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    hl7_time(secs)
}

/// Unix seconds as `YYYYMMDDHHMMSS` (UTC).
pub fn hl7_time(unix_secs: u64) -> String {
    crate::ihe::calendar::UtcDateTime::from_unix(i64::try_from(unix_secs).unwrap_or(0)).hl7_ts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_differ() {
        let (a, b) = (uuid_v4(), uuid_v4());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_eq!(
            format_uuid(u64::MAX, 0),
            "ffffffff-ffff-4fff-8000-000000000000"
        );
    }

    #[test]
    fn hl7_timestamps_are_utc_calendar_dates() {
        assert_eq!(hl7_time(0), "19700101000000");
        assert_eq!(hl7_time(951_782_400), "20000229000000");
        assert_eq!(hl7_time(1_767_225_599), "20251231235959");
        assert_eq!(hl7_now().len(), 14);
    }
}
