//! This community's settings (the `settings` table of its `[communities.<name>]` config).

//! In a native build (unit tests) the settings come from [`testing`](crate::testing).

/// A setting as text: strings as they are, numbers and booleans as TOML text, arrays and
/// tables as JSON.
pub fn get(key: &str) -> Option<String> {
    #[cfg(target_family = "wasm")]
    return crate::bindings::xcgate::adapter::config::get(key);
    #[cfg(not(target_family = "wasm"))]
    return crate::testing::config_get(key);
}

/// The names of all settings.
pub fn keys() -> Vec<String> {
    #[cfg(target_family = "wasm")]
    return crate::bindings::xcgate::adapter::config::keys();
    #[cfg(not(target_family = "wasm"))]
    return crate::testing::config_keys();
}

/// A structured setting (array or table) decoded into `T`.
pub fn json<T: serde::de::DeserializeOwned>(key: &str) -> Result<Option<T>, String> {
    match get(key) {
        None => Ok(None),
        Some(text) => decode_json(key, &text).map(Some),
    }
}

/// Decode the JSON text of setting `key`; the error names the key and the position.
pub fn decode_json<T: serde::de::DeserializeOwned>(key: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("setting `{key}` is not in the expected shape: {e}"))
}
