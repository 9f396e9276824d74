//! cfssl's log line format (docs/cfssl-compat.md §1.3, cfssl `log/log.go`).
//!
//! A line is `YYYY/MM/DD HH:MM:SS [LEVEL] message` in local time (Go's `log` package with
//! its default flags), with a newline added only when the message does not end in one.
//! The binary decides what to print (the `-loglevel` threshold) and writes it.

/// cfssl's log levels (`log.LevelDebug` … `log.LevelFatal`). `-loglevel` takes the whole
/// scale even though no command of ours logs at DEBUG, CRITICAL or FATAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// 0
    Debug = 0,
    /// 1, the default threshold
    Info = 1,
    /// 2
    Warning = 2,
    /// 3
    Error = 3,
    /// 4
    Critical = 4,
    /// 5
    Fatal = 5,
}

impl Level {
    /// The tag between brackets: `INFO`, `WARNING`, …
    pub fn tag(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
            Level::Fatal => "FATAL",
        }
    }
}

/// Formats one log line (without deciding whether to print it).
pub fn format_line(now: time::OffsetDateTime, level: Level, message: &str) -> String {
    let mut line = format!(
        "{:04}/{:02}/{:02} {:02}:{:02}:{:02} [{}] {}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        level.tag(),
        message
    );
    if !line.ends_with('\n') {
        line.push('\n');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        let t = time::macros::datetime!(2026-11-23 07:48:07.123 +01:00);
        assert_eq!(
            format_line(t, Level::Info, "encoded CSR"),
            "2026/11/23 07:48:07 [INFO] encoded CSR\n"
        );
        assert_eq!(
            format_line(t, Level::Error, "x\n"),
            "2026/11/23 07:48:07 [ERROR] x\n"
        );
        assert_eq!(
            format_line(t, Level::Warning, "a\nb"),
            "2026/11/23 07:48:07 [WARNING] a\nb\n"
        );
    }

    #[test]
    fn levels_order() {
        assert!(Level::Debug < Level::Info && Level::Critical < Level::Fatal);
        assert_eq!(Level::Fatal as i64, 5);
    }
}
