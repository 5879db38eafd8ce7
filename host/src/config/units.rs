//! Human-friendly durations (`"250ms"`, `"5s"`, `"2m"`) and sizes (`"64MiB"`, `"512KiB"`).

use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// A duration written as a number and a unit: `ms`, `s`, `m` or `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

/// A size in bytes, written as a number with an optional unit: `B`, `KiB`, `MiB`, `GiB`
/// (or `KB`/`MB`/`GB`, taken as the same powers of two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

fn split(text: &str) -> (&str, &str) {
    let text = text.trim();
    let at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    (&text[..at], text[at..].trim())
}

/// Parse `"250ms"`, `"1.5s"`, `"2m"`, `"1h"`, `"7d"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (num, unit) = split(text);
    let n: f64 = num.parse().map_err(|_| {
        format!("`{text}` is not a duration; write it like \"250ms\", \"5s\" or \"2m\"")
    })?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        "" => {
            return Err(format!(
                "`{text}` has no unit; write it like \"{text}s\" or \"{text}ms\""
            ));
        }
        other => {
            return Err(format!(
                "unknown duration unit `{other}` in `{text}`; use ms, s, m, h or d"
            ));
        }
    };
    // Each setting checks its own bounds; this only keeps a typo from meaning a century.
    if !secs.is_finite() || !(0.0..=3650.0 * 86_400.0).contains(&secs) {
        return Err(format!("`{text}` is out of range (0 to 3650d)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parse `"64MiB"`, `"512 KiB"`, `"1048576"`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (num, unit) = split(text);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write it like \"64MiB\" or \"512KiB\""))?;
    let mult: u64 = match unit {
        "" | "B" => 1,
        "KiB" | "KB" | "K" | "k" => 1 << 10,
        "MiB" | "MB" | "M" => 1 << 20,
        "GiB" | "GB" | "G" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit `{other}` in `{text}`; use B, KiB, MiB or GiB"
            ));
        }
    };
    let bytes = n * mult as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > (1u64 << 40) as f64 {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes as u64)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Text(String),
    Number(u64),
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Text(t) => parse_duration(&t)
                .map(HumanDuration)
                .map_err(serde::de::Error::custom),
            Raw::Number(n) => Err(serde::de::Error::custom(format!(
                "a duration needs a unit: write \"{n}ms\" or \"{n}s\""
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Text(t) => parse_size(&t)
                .map(ByteSize)
                .map_err(serde::de::Error::custom),
            Raw::Number(n) => Ok(ByteSize(n)),
        }
    }
}
