//! Where a gateway keeps its files when the config does not say: the plugin cache, and the
//! state folder that holds the audit journal (and its delivery cursor).
//!
//! Each config file gets a state folder of its own, named after the file and a hash of
//! its absolute path, so gateways started from different files on one machine never
//! share (or lock each other out of) a journal. The bundled demo keeps the folder it has
//! always used.

use super::{Config, Origin};
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/xcgate`, else `~/.local/state/xcgate`, else `./xcgate-state`.
fn state_home() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .map_or_else(|| PathBuf::from("xcgate-state"), |d| d.join("xcgate"))
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust releases, so a config file's
/// state folder does not move under an upgrade.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The state folder of a config file: `<state home>/<file stem>-<hash of its path>`.
fn folder_of_file(file: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(file))
            .unwrap_or_else(|_| file.to_path_buf())
    });
    let stem: String = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = fnv1a(absolute.as_os_str().as_encoded_bytes());
    state_home().join(format!("{stem}-{:08x}", hash >> 32))
}

impl Config {
    /// The folder of this gateway's state when the config names none: one per config
    /// file (see the module doc); the demo's and a program's own config share
    /// `<state home>`.
    pub fn state_dir(&self) -> PathBuf {
        match &self.origin {
            Origin::File(file) => folder_of_file(file),
            Origin::Demo | Origin::Text => state_home(),
        }
    }

    /// The audit journal: `[audit] journal` (relative to the config file), else
    /// `audit.log` in [`Config::state_dir`].
    pub fn journal_path(&self) -> PathBuf {
        match &self.audit.journal {
            Some(p) => self.base_dir.join(p),
            None => self.state_dir().join("audit.log"),
        }
    }

    /// The SQLite state store of a gateway without `[state] url`: `state.db` beside the
    /// audit journal.
    pub fn state_file(&self) -> PathBuf {
        self.journal_path()
            .parent()
            .map_or_else(|| PathBuf::from("state.db"), |d| d.join("state.db"))
    }

    /// The plugin cache folder to use, if any (see `gateway.plugin_cache`).
    pub fn plugin_cache_dir(&self) -> Option<PathBuf> {
        match &self.gateway.plugin_cache {
            Some(p) if p.as_os_str().is_empty() => None,
            Some(p) => Some(self.base_dir.join(p)),
            None => std::env::var_os("XDG_CACHE_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|d| d.join("xcgate")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_file(path: &str) -> Config {
        let mut c = Config::demo().unwrap_or_else(|e| panic!("{e}"));
        c.origin = Origin::File(PathBuf::from(path));
        c.audit.journal = None;
        c
    }

    #[test]
    fn each_config_file_gets_a_journal_of_its_own() {
        let a = from_file("/etc/xcgate/gateway-a.toml").journal_path();
        let b = from_file("/etc/xcgate/gateway-b.toml").journal_path();
        let a_elsewhere = from_file("/srv/other/gateway-a.toml").journal_path();
        assert_ne!(a, b);
        assert_ne!(
            a, a_elsewhere,
            "the same name in another folder is another gateway"
        );
        assert_eq!(a, from_file("/etc/xcgate/gateway-a.toml").journal_path());
        assert!(a.ends_with("audit.log"));
        let folder = a
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        assert!(folder.is_some_and(|f| f.starts_with("gateway-a-") && f.len() == 18));
    }

    #[test]
    fn the_demo_keeps_its_journal_and_an_explicit_one_wins()
    -> Result<(), Box<dyn std::error::Error>> {
        let demo = Config::demo()?;
        assert_eq!(demo.journal_path(), state_home().join("audit.log"));
        let mut c = from_file("/etc/xcgate/gw.toml");
        c.base_dir = PathBuf::from("/etc/xcgate");
        c.audit.journal = Some(PathBuf::from("audit/j.log"));
        assert_eq!(c.journal_path(), PathBuf::from("/etc/xcgate/audit/j.log"));
        Ok(())
    }

    #[test]
    fn the_hash_is_fnv_1a() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
