//! This community's settings (the `settings` table of its `[communities.<name>]` config).

use crate::bindings::xcgate::adapter::config as host;

/// A setting as text: strings as they are, numbers and booleans as TOML text, arrays and
/// tables as JSON.
pub fn get(key: &str) -> Option<String> {
    host::get(key)
}

/// The names of all settings.
pub fn keys() -> Vec<String> {
    host::keys()
}

/// A structured setting (array or table) decoded into `T`.
pub fn json<T: serde::de::DeserializeOwned>(key: &str) -> Result<Option<T>, String> {
    match host::get(key) {
        None => Ok(None),
        Some(text) => decode_json(key, &text).map(Some),
    }
}

/// Decode the JSON text of setting `key`; the error names the key and the position.
pub fn decode_json<T: serde::de::DeserializeOwned>(key: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("setting `{key}` is not in the expected shape: {e}"))
}
