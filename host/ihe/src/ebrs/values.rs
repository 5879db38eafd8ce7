//! The value syntax of stored query parameters [ITI TF-2 3.18.4.1.2.3.5]: strings in single
//! quotes with `''` for a quote, numbers bare, several values as `('a','b')`.
//!
//! Slots keep the raw text; these helpers are for the gateway code that must read or
//! replace a parameter (e.g. the patient id per community [ITI TF-2 3.18.4.1.3]).

use super::EbrsError;

/// A string as a single-quoted query value: `Children's` → `'Children''s'`.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The values of one `rim:Value` text: `'a'` → `[a]`, `('a','b')` → `[a, b]`, `123` →
/// `[123]`. Malformed text (an unterminated string, junk after a quote) is refused rather
/// than guessed at: parameter values are used to select patient data.
pub fn parse_values(raw: &str) -> Result<Vec<String>, EbrsError> {
    let text = raw.trim();
    let invalid = |reason| EbrsError::Invalid {
        path: "Slot/ValueList/Value",
        value: raw.to_string(),
        reason,
    };
    let (inner, list) = match text.strip_prefix('(') {
        Some(rest) => (
            rest.strip_suffix(')')
                .ok_or_else(|| invalid("a list opened with `(` is not closed with `)`"))?,
            true,
        ),
        None => (text, false),
    };
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\'') if chars.next_if_eq(&'\'').is_some() => value.push('\''),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(invalid("a quoted string is not terminated")),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                value.push(c);
            }
            value = value.trim_end().to_string();
            if value.is_empty() || value.contains('\'') {
                return Err(invalid("an unquoted value must be a bare number or word"));
            }
        }
        out.push(value);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => break,
            Some(',') if list => continue,
            Some(_) => return Err(invalid("unexpected text after a value")),
        }
    }
    if out.is_empty() {
        return Err(invalid("no value"));
    }
    Ok(out)
}
