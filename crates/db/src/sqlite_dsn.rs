//! The options in a sqlite3 `data_source`, read as cfssl's driver (go-sqlite3 1.14.22) reads
//! them (docs/cfssl-lifecycle.md §1.6).
//!
//! A db-config written for cfssl may say `certs.db?_journal_mode=WAL&_synchronous=NORMAL`.
//! Handing that string to SQLite as a file name would create a file called
//! `certs.db?_journal_mode=WAL&…` and ignore the options, so the query is split off and read
//! here. The three options that decide durability and waiting — journal mode, synchronous,
//! busy timeout, each with its go-sqlite3 alias — are honoured with go-sqlite3's values,
//! errors and precedence. Every other go-sqlite3 option is refused by name rather than
//! ignored: each changes how the database behaves, and a setting that silently does nothing
//! is worse than an error. SQLite's own URI parameters (`mode=ro`, `cache=shared`, …) are left
//! to SQLite in a `file:` URI, as go-sqlite3 does; after a plain file name go-sqlite3 drops
//! them, so cfssl-rs refuses them there and shows the `file:` form that works.

use std::time::Duration;

use crate::error::DbError;

/// go-sqlite3's options that cfssl-rs honours, as they are spelled in a data source.
const SUPPORTED: &str =
    "_journal_mode (_journal), _synchronous (_sync) and _busy_timeout (_timeout)";
/// The query parameters SQLite itself reads from a `file:` URI.
const SQLITE_URI_PARAMETERS: [&str; 7] = [
    "vfs",
    "mode",
    "cache",
    "psow",
    "nolock",
    "immutable",
    "modeof",
];

/// A sqlite3 data source, split into what SQLite opens and the options set on the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqliteDsn {
    /// What SQLite opens: the file name without the query, or the whole `file:` URI.
    pub(crate) path: String,
    /// `PRAGMA busy_timeout` in milliseconds, when the data source sets it.
    pub(crate) busy_timeout_ms: Option<i64>,
    /// `PRAGMA journal_mode` (upper case), when set.
    pub(crate) journal_mode: Option<String>,
    /// `PRAGMA synchronous` (upper case; `NORMAL` when the journal mode is `WAL` and nothing
    /// else is asked, as go-sqlite3 does), when set.
    pub(crate) synchronous: Option<String>,
}

impl SqliteDsn {
    /// Splits and checks `data_source`. go-sqlite3's own errors (a bad value, a malformed
    /// query) keep its text and cfssl's code 11000; an option cfssl-rs does not implement is
    /// [`DbError::SqliteOption`] (5200).
    pub(crate) fn parse(data_source: &str) -> Result<Self, DbError> {
        let mut dsn = SqliteDsn {
            path: data_source.to_string(),
            busy_timeout_ms: None,
            journal_mode: None,
            synchronous: None,
        };
        // go-sqlite3 reads a query only after a non-empty name.
        let Some(pos) = data_source.find('?').filter(|&pos| pos >= 1) else {
            return Ok(dsn);
        };
        let uri = data_source.starts_with("file:");
        let params = parse_query(&data_source[pos + 1..]).map_err(DbError::driver)?;
        for (key, _) in &params {
            let known = matches!(
                key.as_str(),
                "_journal_mode"
                    | "_journal"
                    | "_synchronous"
                    | "_sync"
                    | "_busy_timeout"
                    | "_timeout"
            );
            if known {
                continue;
            }
            let reason = if key.starts_with('_') {
                format!(
                    "cfssl-rs does not implement the go-sqlite3 option {key}; it reads {SUPPORTED}"
                )
            } else if SQLITE_URI_PARAMETERS.contains(&key.as_str()) {
                if uri {
                    continue;
                }
                format!(
                    "{key} is an SQLite URI parameter, which go-sqlite3 drops after a plain file name; \
                     write file:{data_source} to use it"
                )
            } else {
                format!(
                    "{key:?} is neither an SQLite URI parameter ({}) nor a go-sqlite3 option \
                     cfssl-rs implements ({SUPPORTED})",
                    SQLITE_URI_PARAMETERS.join(", ")
                )
            };
            return Err(DbError::SqliteOption { reason });
        }

        // go-sqlite3's order and rules: the alias wins when both spellings are present, the
        // first value counts, an empty value leaves the default.
        if let Some(value) = option(&params, "_busy_timeout", "_timeout") {
            let ms = parse_go_int(value)
                .map_err(|e| DbError::driver(format!("Invalid _busy_timeout: {value}: {e}")))?;
            dsn.busy_timeout_ms = Some(ms);
        }
        if let Some(value) = option(&params, "_journal_mode", "_journal") {
            let mode = value.to_uppercase();
            match mode.as_str() {
                "DELETE" | "TRUNCATE" | "PERSIST" | "MEMORY" | "OFF" => {}
                // go-sqlite3 pairs WAL with synchronous NORMAL unless _synchronous says otherwise.
                "WAL" => dsn.synchronous = Some("NORMAL".into()),
                _ => {
                    return Err(DbError::driver(format!(
                        "Invalid _journal: {value}, expecting value of 'DELETE TRUNCATE PERSIST MEMORY WAL OFF'"
                    )));
                }
            }
            dsn.journal_mode = Some(mode);
        }
        if let Some(value) = option(&params, "_synchronous", "_sync") {
            let mode = value.to_uppercase();
            if !matches!(
                mode.as_str(),
                "0" | "OFF" | "1" | "NORMAL" | "2" | "FULL" | "3" | "EXTRA"
            ) {
                return Err(DbError::driver(format!(
                    "Invalid _synchronous: {value}, expecting value of '0 OFF 1 NORMAL 2 FULL 3 EXTRA'"
                )));
            }
            dsn.synchronous = Some(mode);
        }
        if !uri {
            dsn.path = data_source[..pos].to_string();
        }
        Ok(dsn)
    }

    /// Whether the user accepted losing the last commits on a power cut (`synchronous`
    /// NORMAL or OFF): with a WAL journal, checkpointing at every close then buys nothing.
    pub(crate) fn commits_may_be_lost(&self) -> bool {
        matches!(
            self.synchronous.as_deref(),
            Some("0" | "OFF" | "1" | "NORMAL")
        )
    }

    /// The busy timeout: the data source's, else `default`.
    pub(crate) fn busy_timeout(&self, default: Duration) -> BusyTimeout {
        match self.busy_timeout_ms {
            Some(ms) => BusyTimeout::Pragma(ms),
            None => BusyTimeout::Duration(default),
        }
    }
}

/// How the busy timeout is set on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BusyTimeout {
    /// `PRAGMA busy_timeout = N`, as go-sqlite3 issues it (a value ≤ 0 turns waiting off).
    Pragma(i64),
    /// cfssl-rs's default or `CFSSL_DB_BUSY_TIMEOUT`.
    Duration(Duration),
}

/// The value of option `name`, or of its `alias` when that is present (go-sqlite3 looks at
/// the alias last): the first value given, `None` when it is empty.
fn option<'a>(params: &'a [(String, String)], name: &str, alias: &str) -> Option<&'a str> {
    let key = if params.iter().any(|(k, _)| k == alias) {
        alias
    } else {
        name
    };
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Go's `url.ParseQuery`: `&`-separated `key=value` pairs, `+` and `%XX` decoded, empty pairs
/// skipped. Pairs that fail are left out and the first failure is returned (a `;` in a pair
/// is Go's `invalid semicolon separator in query`).
fn parse_query(query: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut first_error = None;
    for pair in query.split('&') {
        if pair.contains(';') {
            first_error = Some("invalid semicolon separator in query".to_string());
            continue;
        }
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (query_unescape(key), query_unescape(value)) {
            (Ok(key), Ok(value)) => out.push((key, value)),
            (Err(e), _) | (_, Err(e)) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Go's `url.QueryUnescape`, with its error text (`invalid URL escape "%zz"`).
fn query_unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    if h.bytes().all(|b| b.is_ascii_hexdigit()) {
                        u8::from_str_radix(h, 16).ok()
                    } else {
                        None
                    }
                });
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        let bad: String = s[i..].chars().take(3).collect();
                        return Err(format!("invalid URL escape {bad:?}"));
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `strconv.ParseInt(s, 10, 64)`, with its error text after `strconv.ParseInt: `.
fn parse_go_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> SqliteDsn {
        SqliteDsn::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refused(s: &str) -> (Option<u32>, String) {
        match SqliteDsn::parse(s) {
            Ok(d) => panic!("{s} accepted: {d:?}"),
            Err(e) => (e.code(), e.to_string()),
        }
    }

    #[test]
    fn plain_names_lose_the_query() {
        let d = parsed("certs.db?_journal_mode=wal&_synchronous=normal&_busy_timeout=5000");
        assert_eq!(d.path, "certs.db");
        assert_eq!(d.journal_mode.as_deref(), Some("WAL"));
        assert_eq!(d.synchronous.as_deref(), Some("NORMAL"));
        assert_eq!(d.busy_timeout_ms, Some(5000));
        assert!(d.commits_may_be_lost());
        let d = parsed("certs.db");
        assert_eq!(
            (
                d.path.as_str(),
                d.journal_mode,
                d.synchronous,
                d.busy_timeout_ms
            ),
            ("certs.db", None, None, None)
        );
        // A name starting with '?' has no query for go-sqlite3.
        assert_eq!(parsed("?x=1").path, "?x=1");
        assert_eq!(parsed(":memory:").path, ":memory:");
    }

    #[test]
    fn aliases_and_precedence_as_go_sqlite3() {
        // WAL brings NORMAL; an explicit _sync wins over it.
        let d = parsed("c.db?_journal=WAL");
        assert_eq!(d.synchronous.as_deref(), Some("NORMAL"));
        let d = parsed("c.db?_journal=WAL&_sync=FULL");
        assert_eq!(d.synchronous.as_deref(), Some("FULL"));
        assert!(!d.commits_may_be_lost());
        assert_eq!(parsed("c.db?_sync=off").synchronous.as_deref(), Some("OFF"));
        assert_eq!(parsed("c.db?_sync=3").synchronous.as_deref(), Some("3"));
        // The alias wins when both are present, even when its value is empty.
        let d = parsed("c.db?_journal_mode=WAL&_journal=DELETE");
        assert_eq!(d.journal_mode.as_deref(), Some("DELETE"));
        let d = parsed("c.db?_journal_mode=WAL&_journal=");
        assert_eq!(d.journal_mode, None);
        assert_eq!(
            parsed("c.db?_timeout=10&_busy_timeout=20").busy_timeout_ms,
            Some(10)
        );
        // The first value counts.
        assert_eq!(
            parsed("c.db?_timeout=10&_timeout=20").busy_timeout_ms,
            Some(10)
        );
        assert_eq!(parsed("c.db?_timeout=-1").busy_timeout_ms, Some(-1));
        assert_eq!(parsed("c.db?_timeout=%2B7").busy_timeout_ms, Some(7));
        assert_eq!(
            parsed("c.db?_timeout=1").busy_timeout(Duration::from_secs(60)),
            BusyTimeout::Pragma(1)
        );
        assert_eq!(
            parsed("c.db").busy_timeout(Duration::from_secs(60)),
            BusyTimeout::Duration(Duration::from_secs(60))
        );
    }

    #[test]
    fn uris_keep_their_query() {
        let d = parsed("file:certs.db?mode=ro&_journal=WAL&cache=shared");
        assert_eq!(d.path, "file:certs.db?mode=ro&_journal=WAL&cache=shared");
        assert_eq!(d.journal_mode.as_deref(), Some("WAL"));
        for p in SQLITE_URI_PARAMETERS {
            parsed(&format!("file:c.db?{p}=1"));
        }
    }

    #[test]
    fn go_sqlite3_errors() {
        assert_eq!(
            refused("c.db?_journal=fast"),
            (
                Some(11000),
                "Invalid _journal: fast, expecting value of 'DELETE TRUNCATE PERSIST MEMORY WAL OFF'"
                    .into()
            )
        );
        assert_eq!(
            refused("c.db?_sync=sometimes"),
            (
                Some(11000),
                "Invalid _synchronous: sometimes, expecting value of '0 OFF 1 NORMAL 2 FULL 3 EXTRA'"
                    .into()
            )
        );
        assert_eq!(
            refused("c.db?_timeout=5s"),
            (
                Some(11000),
                r#"Invalid _busy_timeout: 5s: strconv.ParseInt: parsing "5s": invalid syntax"#
                    .into()
            )
        );
        assert_eq!(
            refused("c.db?_timeout=99999999999999999999").1,
            r#"Invalid _busy_timeout: 99999999999999999999: strconv.ParseInt: parsing "99999999999999999999": value out of range"#
        );
        assert_eq!(
            refused("c.db?_sync=FULL;x"),
            (Some(11000), "invalid semicolon separator in query".into())
        );
        assert_eq!(refused("c.db?_sync=%zz").1, r#"invalid URL escape "%zz""#);
        assert_eq!(refused("c.db?_sync=%4").1, r#"invalid URL escape "%4""#);
    }

    #[test]
    fn unimplemented_options_are_refused_by_name() {
        let (code, message) = refused("c.db?_journal=WAL&_loc=auto");
        assert_eq!(code, Some(5200));
        assert_eq!(
            message,
            "invalid sqlite3 data_source: cfssl-rs does not implement the go-sqlite3 option _loc; \
             it reads _journal_mode (_journal), _synchronous (_sync) and _busy_timeout (_timeout)"
        );
        for option in ["_txlock", "_fk", "_foreign_keys", "_auth", "_x"] {
            assert!(
                refused(&format!("file:c.db?{option}=1")).1.contains(option),
                "{option}"
            );
        }
        assert_eq!(
            refused("certs.db?mode=ro"),
            (
                Some(5200),
                "invalid sqlite3 data_source: mode is an SQLite URI parameter, which go-sqlite3 \
                 drops after a plain file name; write file:certs.db?mode=ro to use it"
                    .into()
            )
        );
        assert!(refused("certs.db?=1").1.contains("\"\" is neither"));
        assert_eq!(
            refused("file:certs.db?mdoe=ro").1,
            "invalid sqlite3 data_source: \"mdoe\" is neither an SQLite URI parameter (vfs, mode, \
             cache, psow, nolock, immutable, modeof) nor a go-sqlite3 option cfssl-rs implements \
             (_journal_mode (_journal), _synchronous (_sync) and _busy_timeout (_timeout))"
        );
    }

    #[test]
    fn query_unescape_is_gos() {
        assert_eq!(query_unescape("a+b%20c%2b").unwrap(), "a b c+");
        assert_eq!(
            parse_query("&&a=1&b&c=").unwrap(),
            [
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), String::new()),
                ("c".to_string(), String::new())
            ]
        );
    }
}
