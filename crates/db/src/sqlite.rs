//! The sqlite3 backend (rusqlite, sqlite compiled in).
//!
//! Values are stored with the storage classes go-sqlite3 gives cfssl's Go values
//! (docs/cfssl-lifecycle.md §1.3): strings as text, ints as integers, times as go-sqlite3's
//! text layout, JSON (`[]byte` in Go) as blobs, and the OCSP body — a Go string holding DER —
//! as text with the raw bytes in it.
//!
//! Several cfssl-rs processes may write one file at once (batch signing, a server and a CLI).
//! Every write runs in `BEGIN IMMEDIATE`, which takes the write lock up front (a deferred
//! transaction that upgrades later can fail at once, without waiting), and the connection
//! waits up to [`BUSY_TIMEOUT`] for a lock instead of failing with `database is locked`.
//! sqlite's locks are not fair: a process inserting in a tight loop takes the lock again
//! right after its commit, while the waiters sleep, so a waiter can wait as long as the other
//! process keeps writing. With the rollback journal every commit syncs (about 14 ms per
//! single-row transaction on the test machine), so four processes × 250 single inserts keep
//! the file busy for about 14 s; the timeout is set well above such bursts. The journal mode is left as the file has it (cfssl's files use the
//! default rollback journal); switching a user's database to WAL would change the files next
//! to it and is not ours to decide.

use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};

use crate::backend::{Backend, Cell, Param};
use crate::error::DbError;
use crate::timefmt::format_sqlite;

/// How long a statement waits for another process's lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) struct Sqlite {
    conn: Connection,
}

impl Sqlite {
    /// Opens (creating it when missing, as go-sqlite3 does) the database at `data_source`:
    /// a path relative to the current directory, `:memory:`, or a `file:` URI.
    pub(crate) fn open(data_source: &str, busy_timeout: Duration) -> Result<Self, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(data_source, flags).map_err(driver_error)?;
        conn.busy_timeout(busy_timeout).map_err(driver_error)?;
        // The bundled sqlite is built with foreign keys on by default; go-sqlite3's is not, and
        // cfssl never turns them on, so an OCSP row for a certificate that is not in the table
        // is accepted (docs/cfssl-lifecycle.md §1.2).
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(driver_error)?;
        Ok(Sqlite { conn })
    }
}

fn driver_error(e: rusqlite::Error) -> DbError {
    match e {
        // The sqlite message alone, as go-sqlite3 reports it (`no such table: certificates`).
        rusqlite::Error::SqliteFailure(_, Some(message)) => DbError::driver(message),
        other => DbError::driver(other),
    }
}

fn to_sql<'a>(param: &Param<'a>) -> ToSqlOutput<'a> {
    match *param {
        Param::Str(s) | Param::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Param::Int(i) => ToSqlOutput::Owned(Value::Integer(i64::from(i))),
        Param::Time(None) => ToSqlOutput::Owned(Value::Null),
        Param::Time(Some(t)) => ToSqlOutput::Owned(Value::Text(format_sqlite(t))),
        Param::Json(s) => ToSqlOutput::Borrowed(ValueRef::Blob(s.as_bytes())),
        // Text storage with the DER bytes inside, NULs and all, as go-sqlite3 binds a Go string.
        Param::Body(b) => ToSqlOutput::Borrowed(ValueRef::Text(b)),
    }
}

struct Bind<'a, 'b>(&'b Param<'a>);

impl rusqlite::ToSql for Bind<'_, '_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(to_sql(self.0))
    }
}

fn cell(value: ValueRef<'_>) -> Cell {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        // No column of the schema holds a real; keep its text so decoding reports it.
        ValueRef::Real(f) => Cell::Bytes(f.to_string().into_bytes()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
    }
}

impl Backend for Sqlite {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(driver_error)?;
        let n = stmt
            .execute(params_from_iter(params.iter().map(Bind)))
            .map_err(driver_error)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(driver_error)?;
        let width = stmt.column_count();
        let mut rows = stmt
            .query(params_from_iter(params.iter().map(Bind)))
            .map_err(driver_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(driver_error)? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                cells.push(cell(row.get_ref(i).map_err(driver_error)?));
            }
            out.push(cells);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(driver_error)
    }

    fn begin_write_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }
}
