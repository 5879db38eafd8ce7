//! `xcgate plugin new NAME [--lang rust|python|js] [--capabilities ...]`: a project outside
//! this repository that builds, passes its own tests and loads in a gateway as written,
//! with settings, a gateway config and a sample request per capability. The Rust project
//! depends on the SDK of the checkout this xcgate was built from; the Python and
//! JavaScript ones are the examples of `plugins/examples`, with the contract copied in.

mod files;

use crate::plugin::Capability;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};

/// The language of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Rust,
    Python,
    Js,
}

impl Lang {
    pub fn named(name: &str) -> anyhow::Result<Lang> {
        match name.to_ascii_lowercase().as_str() {
            "rust" | "rs" => Ok(Lang::Rust),
            "python" | "py" => Ok(Lang::Python),
            "js" | "javascript" => Ok(Lang::Js),
            _ => bail!("--lang `{name}`: use rust, python or js"),
        }
    }

    fn title(self) -> &'static str {
        match self {
            Lang::Rust => "Rust",
            Lang::Python => "Python",
            Lang::Js => "JavaScript",
        }
    }

    /// What the template implements.
    fn offers(self) -> &'static [Capability] {
        match self {
            Lang::Rust => &[
                Capability::PatientDiscovery,
                Capability::DocumentQuery,
                Capability::DocumentRetrieve,
            ],
            _ => &[Capability::PatientDiscovery, Capability::DocumentQuery],
        }
    }
}

/// What to write, and where.
pub struct Plan {
    pub name: String,
    pub lang: Lang,
    pub capabilities: Vec<Capability>,
    pub dir: PathBuf,
    /// `plugins/sdk` of an xcgate checkout (Rust projects depend on it by path).
    pub sdk: PathBuf,
    /// How the project's README runs xcgate.
    pub xcgate: String,
}

/// A project name: lower-case words of letters and digits joined by `-` (it names the
/// crate, the component and the WIT package).
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let word_ok = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if name.len() > 60 || !name.split('-').all(word_ok) {
        bail!(
            "`{name}` cannot name a plugin: use lower-case words of letters and digits joined by `-`, each starting with a letter (e.g. my-hospital)"
        );
    }
    Ok(())
}

/// `--capabilities patient-discovery,document-query` (or iti55, iti38, iti39); all the
/// template offers when absent.
pub fn capabilities(list: Option<&str>, lang: Lang) -> anyhow::Result<Vec<Capability>> {
    let Some(list) = list else {
        return Ok(lang.offers().to_vec());
    };
    let mut chosen = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let capability = match word.to_ascii_lowercase().as_str() {
            "patient-discovery" | "iti55" | "iti-55" => Capability::PatientDiscovery,
            "document-query" | "iti38" | "iti-38" => Capability::DocumentQuery,
            "document-retrieve" | "iti39" | "iti-39" => Capability::DocumentRetrieve,
            "patient-location" | "iti56" | "iti-56" => Capability::PatientLocation,
            _ => bail!(
                "--capabilities: `{word}` is not a capability (patient-discovery, document-query, document-retrieve)"
            ),
        };
        if !lang.offers().contains(&capability) {
            let offered: Vec<&str> = lang.offers().iter().map(|c| short(*c)).collect();
            bail!(
                "--capabilities: the {} template implements {}, not {}",
                lang.title(),
                offered.join(", "),
                short(capability)
            );
        }
        if !chosen.contains(&capability) {
            chosen.push(capability);
        }
    }
    if chosen.is_empty() {
        bail!("--capabilities names none (e.g. patient-discovery,document-query)");
    }
    // The Python and JavaScript examples import both capabilities' bindings: a world
    // without one of them would not build.
    if lang != Lang::Rust && chosen.len() != lang.offers().len() {
        bail!(
            "--capabilities: the {} template answers patient-discovery and document-query together; write the project with both, then remove the one you do not need from wit/world.wit and the source",
            lang.title()
        );
    }
    Ok(chosen)
}

/// The interface name without package and version (`patient-discovery`).
fn short(c: Capability) -> &'static str {
    let name = c.interface_name();
    let name = name.rsplit_once('/').map_or(name, |(_, n)| n);
    name.split_once('@').map_or(name, |(n, _)| n)
}

/// The SDK beside this binary's sources, when they are still there.
pub fn default_sdk() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plugins/sdk")
        .canonicalize()
        .ok()
        .filter(|p| p.join("Cargo.toml").is_file())
}

/// Write the project; the files written, relative to `plan.dir`.
pub fn write(plan: &Plan) -> anyhow::Result<Vec<String>> {
    check_name(&plan.name)?;
    if plan.dir.exists()
        && std::fs::read_dir(&plan.dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} exists and is not empty: choose another NAME or --dir",
            plan.dir.display()
        );
    }
    let files = files::of(plan)?;
    for (path, text) in &files {
        let target = plan.dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, text)
            .with_context(|| format!("cannot write {}", target.display()))?;
        if path.ends_with(".sh") {
            make_executable(&target)?;
        }
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_capabilities_are_checked_with_a_fix() -> anyhow::Result<()> {
        assert!(check_name("my-hospital2").is_ok());
        for bad in ["My-Hospital", "my_hospital", "-x", "x--y", "2nd", ""] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            capabilities(Some("iti55, document-query"), Lang::Python)?,
            [Capability::PatientDiscovery, Capability::DocumentQuery]
        );
        let refused = |list, lang| capabilities(Some(list), lang).map_err(|e| e.to_string());
        let e = refused("iti55", Lang::Python);
        assert!(e.as_ref().is_err_and(|e| e.contains("together")), "{e:?}");
        let e = refused("document-retrieve", Lang::Js);
        assert!(
            e.as_ref()
                .is_err_and(|e| e
                    .contains("JavaScript template implements patient-discovery, document-query")),
            "{e:?}"
        );
        assert!(capabilities(Some("fax"), Lang::Rust).is_err());
        assert_eq!(capabilities(None, Lang::Rust)?.len(), 3);
        Ok(())
    }
}
