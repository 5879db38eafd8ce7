//! A panic's message reaches the operator. Without a hook, a panic in an adapter is a
//! wasm trap and its message is lost ("wasm `unreachable` instruction executed"). This
//! hook, installed when the instance starts (before any export runs), sends the message
//! and its source location to the host's log at error level, prefixed with
//! [`PANIC_PREFIX`]. The host keeps it for the operator log and counts it
//! (`xcgate_plugin_panics_total`). It never goes into the answer to the initiator. Only the
//! message is sent: write panic messages without patient data, as any log line.

/// The prefix of the log line that carries a panic's message; the host recognises it.
pub const PANIC_PREFIX: &str = "panicked: ";

/// The hook, run by the wasm module's constructors: wasm-ld calls every `.init_array`
/// function from `__wasm_call_ctors` when the instance is initialised.
// The one unsafe item of the SDK outside its generated bindings: a function pointer in
// `.init_array`, which is the constructor mechanism wasm-ld implements; nothing else runs
// code at instantiation before the first export.
#[cfg(target_family = "wasm")]
#[allow(unsafe_code)]
#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL: extern "C" fn() = install;

#[cfg(target_family = "wasm")]
extern "C" fn install() {
    std::panic::set_hook(Box::new(|info| {
        crate::log::write(crate::log::Level::Error, &line(info));
    }));
}

/// The log line of a panic: the prefix, the message and where it happened.
pub fn line(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    match info.location() {
        Some(at) => format!("{PANIC_PREFIX}{message} at {}:{}", at.file(), at.line()),
        None => format!("{PANIC_PREFIX}{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_line_carries_the_prefix_the_message_and_where() {
        static SEEN: Mutex<Option<String>> = Mutex::new(None);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|info| *SEEN.lock().unwrap() = Some(line(info))));
        let _ = std::panic::catch_unwind(|| panic!("deliberate: {} settings", 2));
        std::panic::set_hook(previous);
        let seen = SEEN.lock().unwrap().clone().unwrap();
        assert!(seen.starts_with(PANIC_PREFIX), "{seen}");
        assert!(seen.contains("deliberate: 2 settings at "), "{seen}");
        assert!(seen.contains("panic.rs:"), "{seen}");
    }
}
