//! Builds every plugin crate of the workspace (test guests and adapters, found by
//! `xcgate_plugin_build::guests`) from source, no committed .wasm, and writes
//! `$OUT_DIR/guests.rs`: one constant per guest with the path of its component.

fn main() {
    let guests = xcgate_plugin_build::guests();
    let names: Vec<&str> = guests.iter().map(|g| g.package.as_str()).collect();
    let wasm = xcgate_plugin_build::build_plugins(&names);
    let mut text = String::new();
    let mut all = String::from(
        "/// Every guest: (constant name, component path).\npub const ALL: &[(&str, &str)] = &[\n",
    );
    for (guest, path) in guests.iter().zip(wasm) {
        let name = guest.const_name();
        text.push_str(&format!(
            "/// The `{}` component ({} plugin).\npub const {name}: &str = {:?};\n",
            guest.package,
            guest.kind,
            path.display().to_string()
        ));
        all.push_str(&format!("    ({name:?}, {name}),\n"));
    }
    all.push_str("];\n");
    text.push_str(&all);
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out.join("guests.rs"), text).expect("write guests.rs");
}
