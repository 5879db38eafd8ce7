//! The {{name}} community's xcgate adapter (written by `xcgate plugin new`).
//! It answers {{capability_list}}
//! from the patients and documents in its settings (`settings.toml`).
//! Replace `records.rs` with the calls to your community's own systems.

{{mods}}
/// The adapter: each capability is one trait, registered below.
pub struct Adapter;

mod check {
    use crate::records;
    use xcgate_sdk::settings_check::{SettingProblem, SettingsCheck, unknown_keys};

    /// `check-config`, start-up and reloads ask this before any request: a typo in
    /// settings is a config error naming the key.
    impl SettingsCheck for crate::Adapter {
        fn check_settings() -> Vec<SettingProblem> {
            let mut problems = unknown_keys(records::KEYS);
            if let Err(e) = records::patients() {
                problems.push(SettingProblem::from_message(&e, "patients"));
            }
            if let Err(e) = records::documents() {
                problems.push(SettingProblem::from_message(&e, "documents"));
            }
            problems
        }
    }
}

xcgate_sdk::register_settings_check!(Adapter);
{{registers}}
