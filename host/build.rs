//! Builds the bundled adapters (every plugin crate marked `plugin = "bundled"`) so that
//! `xcgate serve` runs the demo config out of the box (`plugin = "bundled:demo-community"`)
//! and an operator reaches a standard responding gateway or a FHIR server without building
//! anything. Writes `$OUT_DIR/bundled.rs`: the table of names and component bytes.

fn main() {
    let bundled: Vec<_> = xcgate_plugin_build::guests()
        .into_iter()
        .filter(xcgate_plugin_build::Guest::is_bundled)
        .collect();
    let names: Vec<&str> = bundled.iter().map(|g| g.package.as_str()).collect();
    let wasm = xcgate_plugin_build::build_plugins(&names);
    let mut table = String::from(
        "/// Bundled adapters: `bundled:<name>` and the component's bytes.\npub const BUNDLED: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in names.iter().zip(wasm) {
        table.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out.join("bundled.rs"), table).expect("write bundled.rs");
}
