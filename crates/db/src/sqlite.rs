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
//! process keeps writing. With the rollback journal every commit syncs (14–20 ms per
//! single-row transaction on the loaded test machine), so four processes × 250 single
//! inserts keep the file busy for 14–20 s; the timeout is set well above such bursts.
//!
//! Durability comes first unless the data source asks otherwise (docs/cfssl-lifecycle.md
//! §1.6): the journal mode is left as the file has it (cfssl's files use the rollback journal;
//! switching a user's database to WAL would change the files next to it and is not ours to
//! decide) and `synchronous` is EXTRA. With a rollback journal, FULL syncs the database file
//! but not the removal of the journal, which is the commit itself: a power cut right after
//! it leaves the journal behind and the next open rolls the transaction back, taking the row
//! of a certificate that was already printed with it. EXTRA syncs the directory after the
//! removal (one more fsync per commit); in WAL mode it is the same as FULL.
//! `?_journal_mode=WAL&_synchronous=NORMAL` trades the last commits before a power cut for
//! speed; then the connection also manages the WAL's checkpoints itself (see `Sqlite::open`).
//!
//! What a durable commit costs in the rollback-journal modes (counted with strace on the
//! server): in `DELETE` mode, a journal file is created, synced twice (its pages, then its
//! header's page count), the directory synced because SQLite opened the journal with
//! `O_CREAT`, the database file synced, and the journal removed and the directory synced
//! again (EXTRA): five fsyncs, two file-system metadata changes. A server commits thousands
//! of times, so it may ask ([`crate::Db::set_keep_journal`]) for `PERSIST`: the journal file
//! stays and the commit zeroes and syncs its header instead of removing it. That is still
//! five fsyncs (the directory's, at each reopening of the journal, now has nothing to
//! write), but no file is created or removed per commit: in paired runs on the 2-core VM
//! the server signed 5–10 % more durable requests per second, a gain two full benchmark
//! runs hours apart did not show above their noise (bench/RESULTS-server.md). A zeroed
//! header is not a hot journal, so every other process (cfssl, the sqlite3 CLI) reads and
//! writes the file as before; closing the connection sets `DELETE` again, which removes the
//! journal, so the directory is left as it was found.

use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};

use crate::backend::{Backend, Cell, Param};
use crate::error::DbError;
use crate::sqlite_dsn::{BusyTimeout, SqliteDsn};
use crate::timefmt::format_sqlite;

/// How long a statement waits for another process's lock before failing, unless
/// `CFSSL_DB_BUSY_TIMEOUT` or the data source's `_busy_timeout` says otherwise.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A WAL of this many frames (about 256 KiB with 4 KiB pages, some twenty `sign`s) is folded
/// into the database file when a fast-mode connection closes (see [`Sqlite::open`]). Every
/// process reads the whole WAL when it opens the database (SQLite's index of it does not
/// outlive the last connection), and a fold costs two syncs: the median `sign` costs least
/// between 32 and 64 frames (0.65 ms added against 0.80 ms at 256 on the 2-core test VM,
/// README "Durability and speed"); 64 halves the syncs of 32 for the same median.
const FOLD_WAL_FRAMES: u64 = 64;

pub(crate) struct Sqlite {
    conn: Connection,
    /// Fast mode (WAL, synchronous NORMAL/OFF): checkpoints are ours, see [`Sqlite::open`].
    fold_wal: bool,
    /// The journal was switched from `DELETE` to `PERSIST` at open (`keep_journal`): set back
    /// at close.
    restore_delete: bool,
}

impl Sqlite {
    /// Opens (creating it when missing, as go-sqlite3 does) the database of `dsn` — a path
    /// relative to the current directory, `:memory:`, or a `file:` URI — and sets its options
    /// in go-sqlite3's order: busy timeout (the data source's, else `default_busy_timeout`),
    /// journal mode (the file's, unless given), synchronous (EXTRA, unless given).
    ///
    /// With a WAL journal (set now or before) and `synchronous` NORMAL or OFF from the data
    /// source, SQLite's own checkpoints are turned off, because for short-lived commands they
    /// cost what the user opted out of. The one at close syncs the WAL and the database file
    /// every time. The automatic one, once the WAL passes its 1000-page limit, runs at every
    /// commit of every later process: a process that opens the database after all others
    /// closed it rebuilds the WAL index from the file and forgets which frames were already
    /// copied, so each commit copies and syncs the whole WAL again (measured with a 250-page
    /// limit: 16 ms per sign against 8 ms before it is reached). Instead, closing folds the WAL into the database
    /// (`wal_checkpoint(TRUNCATE)`, two syncs) when it has [`FOLD_WAL_FRAMES`] frames or more,
    /// so that rebuilding the index at open stays short; if another connection is using the
    /// WAL, the fold is left to a later process instead of waiting. Between folds the `-wal`
    /// file stays next to the database; SQLite, the sqlite3 CLI and cfssl read it.
    ///
    /// `keep_journal` (a server): a file in `DELETE` mode whose data source names no journal
    /// mode keeps its journal between commits (`PERSIST`) until closed (module docs).
    pub(crate) fn open(
        dsn: &SqliteDsn,
        default_busy_timeout: Duration,
        keep_journal: bool,
    ) -> Result<Self, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&dsn.path, flags).map_err(driver_error)?;
        match dsn.busy_timeout(default_busy_timeout) {
            BusyTimeout::Pragma(ms) => conn.execute_batch(&format!("PRAGMA busy_timeout = {ms}")),
            BusyTimeout::Duration(d) => conn.busy_timeout(d),
        }
        .map_err(driver_error)?;
        // The bundled sqlite is built with foreign keys on by default; go-sqlite3's is not, and
        // cfssl never turns them on, so an OCSP row for a certificate that is not in the table
        // is accepted (docs/cfssl-lifecycle.md §1.2).
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(driver_error)?;
        if let Some(mode) = &dsn.journal_mode {
            conn.execute_batch(&format!("PRAGMA journal_mode = {mode}"))
                .map_err(driver_error)?;
        }
        // go-sqlite3 would always say NORMAL; see the module docs for EXTRA.
        let synchronous = dsn.synchronous.as_deref().unwrap_or("EXTRA");
        conn.execute_batch(&format!("PRAGMA synchronous = {synchronous}"))
            .map_err(driver_error)?;
        let mut fold_wal = false;
        if dsn.commits_may_be_lost() {
            // The file's journal mode, whether the data source set it or an earlier one did.
            let journal: String = conn
                .query_row("PRAGMA journal_mode", [], |row| row.get(0))
                .map_err(driver_error)?;
            if journal.eq_ignore_ascii_case("wal") {
                conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
                    .map_err(driver_error)?;
                conn.execute_batch("PRAGMA wal_autocheckpoint = 0")
                    .map_err(driver_error)?;
                fold_wal = true;
            }
        }
        let mut restore_delete = false;
        if keep_journal && dsn.journal_mode.is_none() {
            let journal: String = conn
                .query_row("PRAGMA journal_mode", [], |row| row.get(0))
                .map_err(driver_error)?;
            if journal.eq_ignore_ascii_case("delete") {
                let now: String = conn
                    .query_row("PRAGMA journal_mode = PERSIST", [], |row| row.get(0))
                    .map_err(driver_error)?;
                restore_delete = now.eq_ignore_ascii_case("persist");
            }
        }
        Ok(Sqlite {
            conn,
            fold_wal,
            restore_delete,
        })
    }

    /// Folds a WAL of [`FOLD_WAL_FRAMES`] frames or more into the database file and empties
    /// it, without waiting for other connections. Returns whether it did.
    fn fold_wal(&self) -> rusqlite::Result<bool> {
        // "" for a memory or temporary database.
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(false);
        };
        let Ok(wal) = std::fs::metadata(format!("{path}-wal")) else {
            return Ok(false);
        };
        let page_size: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))?;
        let frame = u64::try_from(page_size).unwrap_or(4096) + 24;
        if wal.len().saturating_sub(32) / frame < FOLD_WAL_FRAMES {
            return Ok(false);
        }
        self.conn.busy_timeout(Duration::ZERO)?;
        // (busy, WAL frames, frames copied); busy = 1 when another connection held it.
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        Ok(busy == 0)
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        if self.fold_wal {
            // A fold that fails leaves a longer WAL, which is still a correct database.
            let _ = self.fold_wal();
        }
        if self.restore_delete {
            // Removes the journal, whose header is zero between transactions. When another
            // process holds a lock the file stays; it is still no hot journal, and the next
            // writer in `DELETE` mode removes it.
            let _ = self.conn.busy_timeout(Duration::ZERO);
            let _ = self.conn.execute_batch("PRAGMA journal_mode = DELETE");
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// (journal_mode, synchronous, busy_timeout ms, no checkpoint on close) of a connection
    /// opened on `data_source` in a fresh folder.
    fn settings(data_source: &str) -> (String, i64, i64, bool) {
        let dir = tempfile::tempdir().expect("tempdir");
        let data_source = data_source.replace("DIR", &dir.path().display().to_string());
        let dsn = SqliteDsn::parse(&data_source).expect("parses");
        let db = Sqlite::open(&dsn, Duration::from_secs(60), false).expect("opens");
        let pragma = |name: &str| -> rusqlite::Result<rusqlite::types::Value> {
            db.conn
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
        };
        let int = |name: &str| match pragma(name) {
            Ok(rusqlite::types::Value::Integer(i)) => i,
            other => panic!("{name}: {other:?}"),
        };
        let journal = match pragma("journal_mode") {
            Ok(rusqlite::types::Value::Text(t)) => t,
            other => panic!("journal_mode: {other:?}"),
        };
        let no_checkpoint = db
            .conn
            .db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)
            .expect("db_config");
        (
            journal,
            int("synchronous"),
            int("busy_timeout"),
            no_checkpoint,
        )
    }

    #[test]
    fn options_are_set_on_the_connection() {
        let s = |j: &str, sync, busy, no_ckpt| (j.to_string(), sync, busy, no_ckpt);
        // The file's journal, synchronous EXTRA (durable), cfssl-rs's 60 s.
        assert_eq!(settings("DIR/c.db"), s("delete", 3, 60_000, false));
        assert_eq!(
            settings("DIR/c.db?_journal_mode=WAL&_synchronous=NORMAL"),
            s("wal", 1, 60_000, true)
        );
        assert_eq!(settings("DIR/c.db?_journal=wal"), s("wal", 1, 60_000, true));
        assert_eq!(
            settings("DIR/c.db?_journal=WAL&_sync=FULL"),
            s("wal", 2, 60_000, false)
        );
        assert_eq!(
            settings("DIR/c.db?_journal=WAL&_sync=OFF"),
            s("wal", 0, 60_000, true)
        );
        assert_eq!(
            settings("DIR/c.db?_sync=FULL"),
            s("delete", 2, 60_000, false)
        );
        // NORMAL without WAL: the checkpoint question does not arise.
        assert_eq!(
            settings("DIR/c.db?_sync=NORMAL"),
            s("delete", 1, 60_000, false)
        );
        assert_eq!(
            settings("DIR/c.db?_journal_mode=TRUNCATE&_synchronous=1"),
            s("truncate", 1, 60_000, false)
        );
        // The data source's busy timeout wins over the default; ≤ 0 turns waiting off.
        assert_eq!(
            settings("DIR/c.db?_busy_timeout=1234"),
            s("delete", 3, 1234, false)
        );
        assert_eq!(settings("DIR/c.db?_timeout=-5"), s("delete", 3, 0, false));
        // In a file: URI the options are read too, and SQLite reads its own.
        assert_eq!(
            settings("file:DIR/c.db?cache=private&_journal=WAL"),
            s("wal", 1, 60_000, true)
        );
    }

    /// Fast mode: the WAL stays after a close until it reaches [`FOLD_WAL_FRAMES`], then the
    /// close folds it into the file and empties it; a reader in the WAL defers the fold
    /// without making the close wait.
    #[test]
    fn fast_mode_folds_the_wal_at_close() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let wal = dir.path().join("c.db-wal");
        let data_source = format!("{}?_journal=WAL", path.display());
        let dsn = SqliteDsn::parse(&data_source).expect("parses");
        let open = || Sqlite::open(&dsn, BUSY_TIMEOUT, false).expect("opens");
        let mut db = open();
        db.batch("CREATE TABLE t (x blob)").expect("creates");
        drop(db);
        let wal_len = || std::fs::metadata(&wal).expect("WAL stays").len();
        assert!(wal_len() > 0);
        let count = || {
            let mut db = open();
            match db.query("SELECT COUNT(*) FROM t", &[]).expect("reads")[..] {
                [ref row] => row.clone(),
                ref other => panic!("{other:?}"),
            }
        };
        // One 4 KiB page per row: more than FOLD_WAL_FRAMES frames in a few transactions.
        let insert = |db: &mut Sqlite, rows: u64| {
            db.batch(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
                 INSERT INTO t SELECT zeroblob(3000) FROM n"
            ))
            .expect("inserts");
        };
        let mut db = open();
        insert(&mut db, FOLD_WAL_FRAMES / 2);
        drop(db);
        assert!(wal_len() > 0, "folded too early");
        // A reader inside the WAL: the next close cannot fold, and does not wait for it.
        let reader = Connection::open(&path).expect("reader");
        reader
            .execute_batch("BEGIN; SELECT COUNT(*) FROM t;")
            .expect("reads");
        let mut db = open();
        insert(&mut db, FOLD_WAL_FRAMES);
        assert!(!db.fold_wal().expect("tries"));
        drop(db);
        assert!(wal_len() > FOLD_WAL_FRAMES * 4096);
        reader.execute_batch("COMMIT").expect("ends");
        drop(reader);
        // Free: the next fast-mode close folds and empties the WAL; every row is in the file.
        let db = open();
        drop(db);
        assert_eq!(wal_len(), 0);
        assert_eq!(
            count(),
            [Cell::Int(
                i64::try_from(FOLD_WAL_FRAMES / 2 + FOLD_WAL_FRAMES).expect("small")
            )]
        );
    }

    /// `keep_journal`: a `DELETE`-mode file keeps a journal with a zero header between
    /// commits, which other connections read and write past; closing removes it and leaves
    /// the file in `DELETE` mode. A journal mode the data source or the file chose stays.
    #[test]
    fn a_kept_journal_is_persistent_until_close() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let journal = dir.path().join("c.db-journal");
        let mode = |db: &mut Sqlite| match db.query("PRAGMA journal_mode", &[]).expect("asks")[..] {
            [ref row] => row.clone(),
            ref other => panic!("{other:?}"),
        };
        let text = |t: &str| [Cell::Bytes(t.as_bytes().to_vec())];
        let dsn = SqliteDsn::parse(&path.display().to_string()).expect("parses");
        let mut db = Sqlite::open(&dsn, BUSY_TIMEOUT, true).expect("opens");
        assert_eq!(mode(&mut db), text("persist"));
        db.batch("CREATE TABLE t (x int); INSERT INTO t VALUES (1);")
            .expect("writes");
        let header = std::fs::read(&journal).expect("the journal stays");
        assert!(header.len() >= 28 && header[..28].iter().all(|&b| b == 0));
        // Another connection in DELETE mode: not a hot journal; it reads and writes.
        let other = Connection::open(&path).expect("other");
        other
            .execute_batch("INSERT INTO t VALUES (2)")
            .expect("other writes");
        drop(other);
        db.batch("INSERT INTO t VALUES (3)").expect("writes again");
        drop(db);
        assert!(!journal.exists(), "closing removes the journal");
        let other = Connection::open(&path).expect("other");
        let (mode_after, rows): (String, i64) = other
            .query_row(
                "SELECT (SELECT journal_mode FROM pragma_journal_mode), COUNT(*) FROM t",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("reads");
        assert_eq!((mode_after.as_str(), rows), ("delete", 3));
        drop(other);

        // Named by the data source: left alone.
        let dsn =
            SqliteDsn::parse(&format!("{}?_journal_mode=DELETE", path.display())).expect("parses");
        let mut db = Sqlite::open(&dsn, BUSY_TIMEOUT, true).expect("opens");
        assert_eq!(mode(&mut db), text("delete"));
        db.batch("INSERT INTO t VALUES (4)").expect("writes");
        assert!(!journal.exists());
        drop(db);
        // The file's WAL: left alone.
        let dsn =
            SqliteDsn::parse(&format!("{}?_journal_mode=WAL", path.display())).expect("parses");
        drop(Sqlite::open(&dsn, BUSY_TIMEOUT, false).expect("opens"));
        let dsn = SqliteDsn::parse(&path.display().to_string()).expect("parses");
        let mut db = Sqlite::open(&dsn, BUSY_TIMEOUT, true).expect("opens");
        assert_eq!(mode(&mut db), text("wal"));
    }

    #[test]
    fn the_file_is_the_name_before_the_query() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let dsn = SqliteDsn::parse(&format!("{}?_sync=FULL", path.display())).expect("parses");
        let mut db = Sqlite::open(&dsn, BUSY_TIMEOUT, false).expect("opens");
        db.batch("CREATE TABLE t (x int)").expect("creates");
        drop(db);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("lists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["c.db"]);
    }

    #[test]
    fn a_read_only_uri_stays_read_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let dsn = SqliteDsn::parse(&path.display().to_string()).expect("parses");
        Sqlite::open(&dsn, BUSY_TIMEOUT, false)
            .expect("opens")
            .batch("CREATE TABLE t (x int)")
            .expect("creates");
        let dsn = SqliteDsn::parse(&format!("file:{}?mode=ro&_sync=NORMAL", path.display()))
            .expect("parses");
        let mut db = Sqlite::open(&dsn, BUSY_TIMEOUT, false).expect("opens");
        let e = db.batch("INSERT INTO t VALUES (1)").expect_err("read-only");
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (Some(11000), "attempt to write a readonly database")
        );
        assert_eq!(
            db.query("SELECT COUNT(*) FROM t", &[]).expect("reads"),
            [[Cell::Int(0)]]
        );
    }
}
