//! Settings the host can check (WIT `settings-check`, since 0.5.0). An adapter that
//! implements [`SettingsCheck`] and registers it with
//! [`register_settings_check!`](crate::register_settings_check) is asked at start-up, at
//! every reload and by `xcgate check-config` what is wrong with its community's
//! `settings`, so a typo is a config error naming the community and the key instead of a
//! failure at the first request.
//!
//! ```no_run
//! use xcgate_sdk::settings_check::{SettingProblem, SettingsCheck, unknown_keys};
//! struct MyAdapter;
//! impl SettingsCheck for MyAdapter {
//!     fn check_settings() -> Vec<SettingProblem> {
//!         unknown_keys(&["endpoint", "max_matches"])
//!     }
//! }
//! xcgate_sdk::register_settings_check!(MyAdapter);
//! ```

pub use crate::__private::settings_check::exports::xcgate::adapter::settings_check::SettingProblem;

/// An adapter that checks its own settings: register it with
/// [`register_settings_check!`](crate::register_settings_check).
pub trait SettingsCheck {
    /// Every problem with this community's settings (read them with
    /// [`config`](crate::config)); empty when they are fine.
    fn check_settings() -> Vec<SettingProblem>;
}

impl SettingProblem {
    /// A problem with setting `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> SettingProblem {
        SettingProblem {
            key: key.into(),
            message: message.into(),
        }
    }

    /// A problem from an error message that names its setting as `` setting `key` ``
    /// (the SDK's and the bundled adapters' style); `fallback` when it names none.
    pub fn from_message(message: &str, fallback: &str) -> SettingProblem {
        let key = message
            .split_once("setting `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map_or(fallback, |(key, _)| key);
        SettingProblem::new(key, message)
    }
}

/// The settings whose names are not in `known`, each with the nearest known name when one
/// is close (a typo such as `max_matchs`).
pub fn unknown_keys(known: &[&str]) -> Vec<SettingProblem> {
    unknown_among(&crate::config::keys(), known)
}

/// [`unknown_keys`] over a given list of keys (for unit tests).
pub fn unknown_among(keys: &[String], known: &[&str]) -> Vec<SettingProblem> {
    keys.iter()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| {
            let nearest = known
                .iter()
                .map(|n| (distance(k, n), *n))
                .filter(|(d, _)| *d <= 2)
                .min();
            let message = match nearest {
                Some((_, n)) => format!("unknown setting; did you mean `{n}`?"),
                None => format!("unknown setting; this adapter reads {}", known.join(", ")),
            };
            SettingProblem::new(k.clone(), message)
        })
        .collect()
}

/// The Levenshtein distance of two names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_named_with_the_setting_it_probably_meant() {
        let keys = vec![
            "max_matchs".to_string(),
            "endpoint".to_string(),
            "colour".to_string(),
        ];
        let problems = unknown_among(&keys, &["endpoint", "max_matches"]);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].key, "max_matchs");
        assert!(problems[0].message.contains("did you mean `max_matches`"));
        assert!(
            problems[1]
                .message
                .contains("this adapter reads endpoint, max_matches")
        );
    }

    #[test]
    fn a_message_naming_its_setting_becomes_a_problem_of_that_key() {
        let p = SettingProblem::from_message("setting `max_matches` must be a whole number", "x");
        assert_eq!(p.key, "max_matches");
        assert_eq!(
            SettingProblem::from_message("no key here", "patients").key,
            "patients"
        );
    }
}
