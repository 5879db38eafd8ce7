//! Builds the bundled adapters so that `xcgate serve` runs the demo config out of the box
//! (`plugin = "bundled:demo-community"`) and an operator reaches a standard responding
//! gateway or a FHIR server without building anything (`bundled:ihe-soap`,
//! `bundled:fhir-community`).

fn main() {
    let names = ["demo-community", "ihe-soap", "fhir-community"];
    let wasm = xcgate_plugin_build::build_plugins(&names);
    for (name, path) in names.iter().zip(wasm) {
        println!(
            "cargo:rustc-env=XCGATE_{}_WASM={}",
            name.replace('-', "_").to_uppercase(),
            path.display()
        );
    }
}
