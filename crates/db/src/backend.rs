//! What the three drivers have in common: parameters going in, cells coming out.
//!
//! The SQL text is shared (cfssl's queries, docs/cfssl-lifecycle.md §1.4); what differs is
//! how a value is bound and read, because cfssl binds Go values whose storage depends on the
//! driver (§1.3): a Go string lands as sqlite *text* but in a postgres `bytea` as its bytes; a
//! `time.Time` is text in sqlite and native elsewhere. Each backend turns [`Param`]s into its
//! driver's values and rows into [`Cell`]s; the record decoding on top is common.

use time::OffsetDateTime;

use crate::error::DbError;

/// A value cfssl binds, by meaning; each backend chooses the storage.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// A Go string bound to a blob/bytea/varbinary column (serial, AKI, label, status, PEM).
    Str(&'a str),
    /// A Go string bound to a text column (`common_name`).
    Text(&'a str),
    /// A Go int.
    Int(i32),
    /// A `time.Time` already in UTC, or a nil `*time.Time`.
    Time(Option<OffsetDateTime>),
    /// A JSON document (`metadata`, `sans`) as Go marshalled it.
    Json(&'a str),
    /// The OCSP body: DER bytes that cfssl binds as a Go string.
    Body(&'a [u8]),
}

/// A value read back, before it is decoded into a record field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    /// Text or binary: sqlite text/blob, postgres bytea/text, mysql strings.
    Bytes(Vec<u8>),
    /// A native timestamp (postgres, mysql), UTC.
    Time(OffsetDateTime),
    /// A native JSON value (postgres jsonb).
    Json(serde_json::Value),
}

/// One driver connection.
pub(crate) trait Backend {
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError>;
    /// Runs a query; returns its rows.
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError>;
    /// Runs a statement without parameters or results (DDL, transaction control).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// The statement that starts a write transaction.
    fn begin_write_sql(&self) -> &'static str {
        "BEGIN"
    }
}

/// Turns `?` placeholders into postgres's `$1, $2, …` (sqlx's `Rebind`, which cfssl uses).
/// The queries never contain `?` inside string literals.
pub(crate) fn rebind_dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn rebind() {
        assert_eq!(super::rebind_dollar("a = ? AND b = ?"), "a = $1 AND b = $2");
    }
}
