//! [`DbError`]: every way loading a db-config or talking to the certificate database fails.

use std::path::PathBuf;

/// cfssl's `PolicyError` + `InvalidPolicy` (docs/cfssl-compat.md §7.1): db-config problems.
const INVALID_POLICY: u32 = 5200;
/// cfssl's `CertStoreError` + `Unknown`: any error the database driver returns.
const CERT_STORE_UNKNOWN: u32 = 11000;
/// cfssl's `CertStoreError` + `InsertionFailed`.
const CERT_STORE_INSERTION_FAILED: u32 = 11100;
/// cfssl's `CertStoreError` + `RecordNotFound`.
const CERT_STORE_RECORD_NOT_FOUND: u32 = 11200;

/// A refused db-config or a failed database operation.
///
/// `Display` is the bare message cfssl prints (docs/cfssl-lifecycle.md §1.1, §1.4), without
/// the `{"code":…,"message":…}` envelope; [`DbError::code`] gives the code, or `None` where
/// cfssl prints plain text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// An empty db-config path.
    #[error("invalid path")]
    EmptyPath,
    /// The db-config file could not be read.
    #[error("could not read configuration file")]
    ReadConfig {
        /// The path given.
        path: PathBuf,
        /// Why (cfssl does not show it).
        #[source]
        source: std::io::Error,
    },
    /// Go's `encoding/json` would reject the db-config (its error text).
    #[error("failed to unmarshal configuration: {0}")]
    ConfigJson(String),
    /// `driver` or `data_source` is empty or missing.
    #[error("invalid db configuration")]
    InvalidConfig,
    /// A driver other than `sqlite3`, `postgres` and `mysql` (Go's `database/sql` text).
    #[error("sql: unknown driver \"{driver}\" (forgotten import?)")]
    UnknownDriver {
        /// The driver named in the db-config.
        driver: String,
    },
    /// A mysql data source go-sql-driver would not parse (its `invalid DSN: …` text); like
    /// the unknown driver, cfssl reports it when opening, as plain text.
    #[error("invalid DSN: {reason}")]
    InvalidDsn {
        /// What is wrong with it.
        reason: String,
    },
    /// A sqlite3 data source option cfssl-rs does not implement, or SQLite's URI parameter
    /// after a plain file name (docs/cfssl-lifecycle.md §1.6; go-sqlite3 would accept or drop
    /// it silently, docs/differences.md #28).
    #[error("invalid sqlite3 data_source: {reason}")]
    SqliteOption {
        /// Which option, and what is supported instead.
        reason: String,
    },
    /// Any error from the database or its driver; the message is the driver's text.
    #[error("{message}")]
    Driver {
        /// The driver's message (`no such table: certificates`, `UNIQUE constraint failed: …`).
        message: String,
    },
    /// A stored value that cannot be read back as the column's type.
    #[error("sql: Scan error on column {column:?}: {reason}")]
    Decode {
        /// The column.
        column: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// An insert reported no row written.
    #[error("failed to insert the certificate record")]
    CertificateNotInserted,
    /// An OCSP insert reported no row written.
    #[error("failed to insert the OCSP record")]
    OcspNotInserted,
    /// `revoke` matched no row.
    #[error("failed to revoke the certificate: certificate not found")]
    CertificateNotFound,
    /// `update_ocsp` matched no row.
    #[error("failed to update the OCSP record")]
    OcspNotFound,
    /// An update changed more than one row.
    #[error("{rows} rows are affected, should be 1 row")]
    TooManyRows {
        /// How many rows it changed.
        rows: u64,
    },
    /// `init` on a database that already has tables (cfssl-rs's own `db init`).
    #[error("the database is not empty (tables: {}); refusing to create the certdb schema in it", .tables.join(", "))]
    NotEmpty {
        /// The tables found.
        tables: Vec<String>,
    },
}

impl DbError {
    /// cfssl's numeric error code, or `None` where cfssl prints the message as plain text.
    pub fn code(&self) -> Option<u32> {
        match self {
            DbError::EmptyPath
            | DbError::ReadConfig { .. }
            | DbError::ConfigJson(_)
            | DbError::InvalidConfig
            | DbError::SqliteOption { .. } => Some(INVALID_POLICY),
            DbError::UnknownDriver { .. }
            | DbError::InvalidDsn { .. }
            | DbError::NotEmpty { .. } => None,
            DbError::Driver { .. } | DbError::Decode { .. } | DbError::TooManyRows { .. } => {
                Some(CERT_STORE_UNKNOWN)
            }
            DbError::CertificateNotInserted | DbError::OcspNotInserted => {
                Some(CERT_STORE_INSERTION_FAILED)
            }
            DbError::CertificateNotFound | DbError::OcspNotFound => {
                Some(CERT_STORE_RECORD_NOT_FOUND)
            }
        }
    }

    pub(crate) fn driver(message: impl std::fmt::Display) -> Self {
        DbError::Driver {
            message: message.to_string(),
        }
    }

    /// A server that could not be reached, worded as Go's `net.Dial` error that lib/pq and
    /// go-sql-driver pass on to cfssl (`dial tcp 127.0.0.1:1: connect: connection refused`,
    /// docs/cfssl-lifecycle.md §1.1): the network, the address tried, and the system's reason
    /// as Go spells it (lower case, without Rust's ` (os error N)`).
    pub(crate) fn dial(network: &str, address: &str, reason: &str) -> Self {
        let reason = match reason.find(" (os error ") {
            Some(end) => &reason[..end],
            None => reason,
        };
        let mut chars = reason.chars();
        let reason = match (chars.next(), chars.next()) {
            // "Connection refused" → "connection refused"; an acronym ("IO …") stays.
            (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
                first.to_lowercase().chain(reason.chars().skip(1)).collect()
            }
            _ => reason.to_string(),
        };
        DbError::driver(format!("dial {network} {address}: connect: {reason}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_errors_read_like_go() {
        let e = DbError::dial("tcp", "127.0.0.1:1", "Connection refused (os error 111)");
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (
                Some(11000),
                "dial tcp 127.0.0.1:1: connect: connection refused"
            )
        );
        assert_eq!(
            DbError::dial(
                "unix",
                "/run/x.sock",
                "No such file or directory (os error 2)"
            )
            .to_string(),
            "dial unix /run/x.sock: connect: no such file or directory"
        );
        assert_eq!(
            DbError::dial("tcp", "h:1", "IO failure").to_string(),
            "dial tcp h:1: connect: IO failure"
        );
    }
}
