//! Used from `build.rs` files: find the plugin crates of this workspace and compile them
//! to `wasm32-wasip2` components, so that no `.wasm` file is ever committed.
//!
//! A plugin crate is a workspace member under `plugins/` that builds a `cdylib` and says
//! what it is in `[package.metadata.xcgate] plugin = "bundled" | "test" | "adapter"`
//! ([`Guest`]); [`guests`] lists them with `cargo metadata`, the way wasmtime's
//! `crates/test-programs/artifacts/build.rs` finds its test programs, so adding a plugin
//! crate is the only edit needed for the tests to build it (and, when bundled, for the
//! binary to ship it).
//!
//! The plugins are built by a nested `cargo build` into `<target>/plugins`, a target
//! directory of their own (the outer cargo holds the lock on its own), with the
//! `plugin` profile (release, no debug info).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugin target triple.
pub const TARGET: &str = "wasm32-wasip2";

fn workspace_root() -> PathBuf {
    // Every caller lives one or two levels below the workspace root; walk up to the
    // directory whose Cargo.toml declares the workspace.
    let mut dir = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"),
    );
    loop {
        let manifest = dir.join("Cargo.toml");
        if std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]")) {
            return dir;
        }
        assert!(
            dir.pop(),
            "no workspace Cargo.toml above CARGO_MANIFEST_DIR"
        );
    }
}

fn target_installed(rustc: &str) -> bool {
    let sysroot = Command::new(rustc).args(["--print", "sysroot"]).output();
    match sysroot {
        Ok(out) if out.status.success() => {
            let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Path::new(&root).join("lib/rustlib").join(TARGET).exists()
        }
        _ => false,
    }
}

/// Make sure the wasm target is installed; install it with rustup when it is not (rustup
/// does not install `rust-toolchain.toml` targets by itself when RUSTUP_AUTO_INSTALL=0).
fn ensure_target() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if target_installed(&rustc) {
        return;
    }
    println!(
        "cargo:warning=installing the {TARGET} target with rustup (needed to build the adapter plugins)"
    );
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status();
    match status {
        Ok(s) if s.success() && target_installed(&rustc) => {}
        Ok(_) | Err(_) => panic!(
            "\n\nThe Rust target `{TARGET}` is missing and could not be installed.\n\
             Install it with:\n\n    rustup target add {TARGET}\n\n\
             (xcgate's adapter plugins are WebAssembly components built for that target.)\n"
        ),
    }
}

/// A plugin crate of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    /// The package name (`demo-community`).
    pub package: String,
    /// `[package.metadata.xcgate] plugin`: `bundled` (built into the `xcgate` binary as
    /// `bundled:<package>`), `test` (a guest for the tests only) or `adapter`.
    pub kind: String,
}

impl Guest {
    pub fn is_bundled(&self) -> bool {
        self.kind == "bundled"
    }

    /// The Rust constant name tests know it by: the package name without an
    /// `xcgate-testing-` prefix, in upper snake case (`DEMO_COMMUNITY`, `MISBEHAVING`).
    pub fn const_name(&self) -> String {
        self.package
            .trim_start_matches("xcgate-testing-")
            .replace('-', "_")
            .to_uppercase()
    }
}

/// Every plugin crate of the workspace, sorted by package name.
pub fn guests() -> Vec<Guest> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .unwrap_or_else(|e| panic!("could not run cargo metadata to find the plugins: {e}"));
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let plugins_dir = root.join("plugins");
    let mut guests: Vec<Guest> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| {
            p["manifest_path"]
                .as_str()
                .is_some_and(|m| Path::new(m).starts_with(&plugins_dir))
        })
        .filter(|p| {
            p["targets"].as_array().into_iter().flatten().any(|t| {
                t["crate_types"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|k| k == "cdylib"))
            })
        })
        .filter_map(|p| {
            let package = p["name"].as_str()?.to_string();
            let kind = p["metadata"]["xcgate"]["plugin"].as_str().unwrap_or_else(|| {
                panic!(
                    "plugin crate {package} builds a cdylib but has no [package.metadata.xcgate] plugin = \"bundled\" | \"test\" | \"adapter\""
                )
            });
            assert!(
                matches!(kind, "bundled" | "test" | "adapter"),
                "{package}: [package.metadata.xcgate] plugin = {kind:?}; expected \"bundled\", \"test\" or \"adapter\""
            );
            Some(Guest {
                package,
                kind: kind.to_string(),
            })
        })
        .collect();
    guests.sort_by(|a, b| a.package.cmp(&b.package));
    guests
}

/// Build the given workspace packages as components and return the path of each
/// `.wasm` file, in the same order. Also tells cargo to rerun when their sources change.
pub fn build_plugins(packages: &[&str]) -> Vec<PathBuf> {
    ensure_target();
    let root = workspace_root();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("plugins");
    for dir in ["wit", "plugins", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--target",
            TARGET,
            "--profile",
            "plugin",
            "--target-dir",
        ])
        .arg(&target_dir);
    for p in packages {
        cmd.args(["-p", p]);
    }
    // The outer build's settings are not the plugins' settings: clippy's wrapper, host
    // RUSTFLAGS and coverage flags must not leak into the wasm build.
    for var in [
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run cargo to build the plugins: {e}"));
    assert!(
        status.success(),
        "building the adapter plugins {packages:?} for {TARGET} failed (see the errors above)"
    );
    packages
        .iter()
        .map(|p| {
            let file = target_dir
                .join(TARGET)
                .join("plugin")
                .join(format!("{}.wasm", p.replace('-', "_")));
            assert!(
                file.exists(),
                "cargo built {p} but {} is missing",
                file.display()
            );
            file
        })
        .collect()
}
