//! Builds the bundled demo adapter so that `xcgate serve` runs the demo config out of the
//! box (`plugin = "bundled:demo-community"`).

fn main() {
    let wasm = xcgate_plugin_build::build_plugins(&["demo-community"]);
    println!(
        "cargo:rustc-env=XCGATE_DEMO_COMMUNITY_WASM={}",
        wasm[0].display()
    );
}
