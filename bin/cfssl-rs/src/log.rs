//! cfssl's log lines on stderr (docs/cfssl-compat.md §1.3): the line format is
//! `cfssl_cli::log::format_line`; this decides whether to print and writes.
//!
//! A message is printed iff its level is at least the `-loglevel` threshold (default 1,
//! INFO). The threshold is process-wide and set once, right after flag parsing.
//!
//! ```ignore
//! log::set_level(ctx.flags.loglevel);
//! log::info!("signed certificate with serial number {serial}"); // or crate::info!
//! ```

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

pub use cfssl_cli::log::{Level, format_line};

static THRESHOLD: AtomicI64 = AtomicI64::new(Level::Info as i64);

/// Sets the threshold (`-loglevel`); any integer is accepted, as in cfssl.
pub fn set_level(level: i64) {
    THRESHOLD.store(level, Ordering::Relaxed);
}

/// Whether a message at `level` would be printed.
pub fn enabled(level: Level) -> bool {
    level as i64 >= THRESHOLD.load(Ordering::Relaxed)
}

/// The local UTC offset, looked up once (UTC when it cannot be determined, e.g. when
/// the `time` crate refuses because other threads exist).
fn local_offset() -> time::UtcOffset {
    static OFFSET: OnceLock<time::UtcOffset> = OnceLock::new();
    *OFFSET.get_or_init(|| time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC))
}

/// Looks the local offset up now; call early, before any thread is spawned, so that the
/// `time` crate can determine it.
pub fn init_local_offset() {
    let _ = local_offset();
}

/// True the first time `message` is seen in this process.
fn first_time(message: &str) -> bool {
    static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut seen) = SEEN.lock() else {
        return true;
    };
    if seen.iter().any(|m| m == message) {
        return false;
    }
    seen.push(message.to_owned());
    true
}

/// Writes one message at `level` to stderr if the threshold allows it.
pub fn write(level: Level, args: fmt::Arguments<'_>) {
    if !enabled(level) {
        return;
    }
    let message = args.to_string();
    // Our own warnings (the differences from cfssl) can be raised by two steps of one
    // command, e.g. building a root's CSR and then signing it; say each once.
    if level == Level::Warning && !first_time(&message) {
        return;
    }
    let now = time::OffsetDateTime::now_utc().to_offset(local_offset());
    let line = format_line(now, level, &message);
    // Nothing sensible can be done when stderr is gone.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Logs at DEBUG (0).
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Debug, format_args!($($arg)*)) };
}
/// Logs at INFO (1).
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Info, format_args!($($arg)*)) };
}
/// Logs at WARNING (2).
#[macro_export]
macro_rules! warning {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Warning, format_args!($($arg)*)) };
}
/// Logs at ERROR (3).
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Error, format_args!($($arg)*)) };
}
/// Logs at CRITICAL (4).
#[macro_export]
macro_rules! critical {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Critical, format_args!($($arg)*)) };
}

// Reachable both as `crate::info!` and `crate::log::info!`.
#[allow(unused_imports)]
pub(crate) use crate::{critical, debug, error, info, warning};

#[cfg(test)]
mod tests {
    use super::*;

    /// The only test touching the process-wide threshold.
    #[test]
    fn threshold() {
        assert!(enabled(Level::Info) && !enabled(Level::Debug));
        set_level(3);
        assert!(!enabled(Level::Warning) && enabled(Level::Error) && enabled(Level::Fatal));
        set_level(-7);
        assert!(enabled(Level::Debug));
        set_level(9);
        assert!(!enabled(Level::Fatal));
        set_level(Level::Info as i64);
        // Both macro paths compile; DEBUG is below the threshold, so nothing is printed.
        crate::debug!("hidden {}", 1);
        crate::log::debug!("hidden {}", 2);
    }
}
