//! Bounded logging through the host. Never log patient data: log counts, codes and ids of
//! messages, not names, patient ids or documents.

pub use crate::bindings::xcgate::adapter::log::Level;

/// Send one log line to the host (cut to 1 KiB; at most 64 lines per call are kept).
/// In a native build (unit tests) the line goes to [`testing`](crate::testing).
pub fn write(level: Level, message: &str) {
    #[cfg(target_family = "wasm")]
    crate::bindings::xcgate::adapter::log::log(level, message);
    #[cfg(not(target_family = "wasm"))]
    crate::testing::log(level, message);
}

/// `info!("{} matches", n)`: log at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Info, &format!($($arg)*)) };
}

/// `warn!(...)`: log at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Warn, &format!($($arg)*)) };
}

/// `debug!(...)`: log at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Debug, &format!($($arg)*)) };
}

/// `error!(...)`: log at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Error, &format!($($arg)*)) };
}
