//! Builds the test guests from source (no committed .wasm) and hands their paths to the
//! tests as environment variables.

fn main() {
    let names = [
        "xcgate-testing-misbehaving",
        "xcgate-testing-unlinkable",
        "xcgate-testing-discovery-only",
        "demo-community",
        "ihe-soap",
        "fhir-community",
    ];
    let wasm = xcgate_plugin_build::build_plugins(&names);
    for (name, path) in names.iter().zip(wasm) {
        let var = format!(
            "XCGATE_TEST_PLUGIN_{}",
            name.trim_start_matches("xcgate-testing-")
                .replace('-', "_")
                .to_uppercase()
        );
        println!("cargo:rustc-env={var}={}", path.display());
    }
}
