//! [`Db`]: one certdb connection and cfssl's operations on it (docs/cfssl-lifecycle.md §1.4).

use time::OffsetDateTime;

use crate::backend::{Backend, Cell, Param};
use crate::config::{DbConfig, Driver};
use crate::error::DbError;
use crate::mysql::{Dsn, MysqlConn};
use crate::pg::Postgres;
use crate::record::{CertificateRecord, GO_ZERO_TIME, OcspRecord, parse_metadata, parse_sans};
use crate::schema::{Step, init_steps, list_tables_sql};
use crate::sqlite::Sqlite;
use crate::sqlite_dsn::SqliteDsn;
use crate::timefmt::parse_sqlite;

const CERT_COLUMNS: &str = "serial_number, authority_key_identifier, ca_label, status, reason, expiry, revoked_at, \
                            pem, issued_at, not_before, metadata, sans, common_name";
const OCSP_COLUMNS: &str = "serial_number, authority_key_identifier, body, expiry";

const INSERT_CERTIFICATE: &str = "INSERT INTO certificates (serial_number, authority_key_identifier, ca_label, \
     status, reason, expiry, revoked_at, pem, issued_at, not_before, metadata, sans, common_name) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const REVOKE: &str = "UPDATE certificates SET status='revoked', revoked_at=CURRENT_TIMESTAMP, reason=? \
     WHERE (serial_number = ? AND authority_key_identifier = ?)";
const INSERT_OCSP: &str = "INSERT INTO ocsp_responses (serial_number, authority_key_identifier, body, expiry) VALUES (?, ?, ?, ?)";
const UPDATE_OCSP: &str = "UPDATE ocsp_responses SET body = ?, expiry = ? \
     WHERE (serial_number = ? AND authority_key_identifier = ?)";
const INSERT_GOOSE_VERSION: &str =
    "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)";

/// Which rows [`Db::list_certificates`] returns (every row when both are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only rows with this `status` (`good`, `revoked`).
    pub status: Option<String>,
    /// Only rows with this `ca_label` (`""` selects the rows without a label).
    pub ca_label: Option<String>,
}

/// A certdb: a db-config's driver and data source, connected on first use.
///
/// Like cfssl (which opens with `sqlx.Open`, docs/cfssl-lifecycle.md §1.1), [`Db::open`]
/// checks the driver but does not connect: a server that cannot be reached is reported by
/// the first operation, as a 11000 error. Every method needs `&mut self` because the
/// connection is not shared; open one `Db` per thread.
pub struct Db {
    driver: Driver,
    source: Source,
    busy_timeout: std::time::Duration,
    keep_journal: bool,
    conn: Option<Box<dyn Backend + Send>>,
}

/// The data source, as each driver reads it.
enum Source {
    Sqlite(SqliteDsn),
    /// lib/pq's URL or key=value pairs, parsed when connecting.
    Postgres(String),
    Mysql(Dsn),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The data source may hold a password: not shown.
        f.debug_struct("Db")
            .field("driver", &self.driver)
            .field("connected", &self.conn.is_some())
            .finish()
    }
}

impl Db {
    /// Checks `config`'s driver and, for mysql and sqlite3, the data source's syntax and
    /// options (go-sql-driver checks its DSN when opening; go-sqlite3's option errors would
    /// show at the first query, with the same text); does not connect.
    pub fn open(config: &DbConfig) -> Result<Self, DbError> {
        let driver = config.driver()?;
        let source = match driver {
            Driver::Sqlite3 => Source::Sqlite(SqliteDsn::parse(&config.data_source)?),
            Driver::Postgres => Source::Postgres(config.data_source.clone()),
            Driver::Mysql => Source::Mysql(Dsn::parse(&config.data_source)?),
        };
        Ok(Db {
            driver,
            source,
            busy_timeout: crate::sqlite::BUSY_TIMEOUT,
            keep_journal: false,
            conn: None,
        })
    }

    /// How long a sqlite statement waits for another process's lock before failing with
    /// `database is locked` (default [`crate::sqlite::BUSY_TIMEOUT`]); a `_busy_timeout` in
    /// the data source wins over it (docs/cfssl-lifecycle.md §1.6). Takes effect on the
    /// connection made after the call; the other drivers wait as their servers do.
    pub fn set_busy_timeout(&mut self, timeout: std::time::Duration) {
        self.busy_timeout = timeout;
    }

    /// For a process that commits many times, such as a server: a sqlite3 database in the
    /// default rollback-journal mode (`DELETE`), whose data source names no journal mode,
    /// keeps its journal file between commits (`PERSIST`) while the connection is open, and
    /// gets `DELETE` back when it closes, which removes the file. Durability is the same —
    /// a commit is final once the journal's zeroed header is synced rather than once its
    /// removal is — but no file is created and removed at every commit ([`crate::sqlite`]
    /// has the cost of each). Takes effect on the connection made after the call; other
    /// journal modes and the other drivers are left as they are.
    pub fn set_keep_journal(&mut self, keep: bool) {
        self.keep_journal = keep;
    }

    /// The driver.
    pub fn driver(&self) -> Driver {
        self.driver
    }

    /// Connects now (a no-op when connected). A missing sqlite file is created, as
    /// go-sqlite3 does.
    pub fn connect(&mut self) -> Result<(), DbError> {
        self.backend().map(|_| ())
    }

    fn backend(&mut self) -> Result<&mut (dyn Backend + Send), DbError> {
        if self.conn.is_none() {
            let conn: Box<dyn Backend + Send> = match &self.source {
                Source::Sqlite(dsn) => {
                    Box::new(Sqlite::open(dsn, self.busy_timeout, self.keep_journal)?)
                }
                Source::Postgres(data_source) => Box::new(Postgres::connect(data_source)?),
                Source::Mysql(dsn) => Box::new(MysqlConn::connect(dsn)?),
            };
            self.conn = Some(conn);
        }
        match self.conn.as_deref_mut() {
            Some(conn) => Ok(conn),
            None => Err(DbError::driver("no connection")),
        }
    }

    /// Runs `body` in a write transaction (sqlite: `BEGIN IMMEDIATE`), committing when it
    /// succeeds and rolling back when it fails.
    fn write<T>(
        &mut self,
        body: impl FnOnce(&mut dyn Backend) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let conn = self.backend()?;
        let begin = conn.begin_write_sql();
        conn.batch(begin)?;
        match body(conn) {
            Ok(value) => match conn.batch("COMMIT") {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ = conn.batch("ROLLBACK");
                    Err(e)
                }
            },
            Err(e) => {
                let _ = conn.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// `db init`: creates cfssl's tables (migrations 001 and 002) and goose's version table in
    /// an empty database (docs/cfssl-lifecycle.md §1.2). Refuses, changing nothing, when the
    /// database has any table.
    pub fn init(&mut self) -> Result<(), DbError> {
        let driver = self.driver;
        let tables = self.tables()?;
        if !tables.is_empty() {
            return Err(DbError::NotEmpty { tables });
        }
        self.write(|conn| {
            for step in init_steps(driver) {
                match step {
                    Step::Ddl(sql) => conn.batch(sql)?,
                    Step::GooseVersion(version) => {
                        let applied = match driver {
                            Driver::Postgres => "true",
                            _ => "1",
                        };
                        let sql = INSERT_GOOSE_VERSION
                            .replacen("?", &version.to_string(), 1)
                            .replacen("?", applied, 1);
                        conn.batch(&sql)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// The names of the tables in the database (the current schema for postgres).
    pub fn tables(&mut self) -> Result<Vec<String>, DbError> {
        let sql = list_tables_sql(self.driver);
        let rows = self.backend()?.query(sql, &[])?;
        rows.into_iter()
            .map(|row| match row.into_iter().next() {
                Some(cell) => text("table_name", cell),
                None => Ok(String::new()),
            })
            .collect()
    }

    /// Stores one certificate row (cfssl's `InsertCertificate`).
    pub fn insert_certificate(&mut self, record: &CertificateRecord) -> Result<(), DbError> {
        self.insert_certificates(std::slice::from_ref(record))
    }

    /// Stores many certificate rows in one transaction: all of them or none.
    pub fn insert_certificates(&mut self, records: &[CertificateRecord]) -> Result<(), DbError> {
        self.write(|conn| {
            for record in records {
                let metadata = record.metadata_json();
                let sans = record.sans_json();
                let params = [
                    Param::Str(&record.serial_number),
                    Param::Str(&record.authority_key_identifier),
                    Param::Str(&record.ca_label),
                    Param::Str(&record.status),
                    Param::Int(record.reason),
                    Param::Time(Some(utc(record.expiry))),
                    Param::Time(Some(utc(record.revoked_at))),
                    Param::Str(&record.pem),
                    Param::Time(record.issued_at.map(utc)),
                    Param::Time(record.not_before.map(utc)),
                    Param::Json(&metadata),
                    Param::Json(&sans),
                    Param::Text(&record.common_name),
                ];
                match conn.execute(INSERT_CERTIFICATE, &params)? {
                    0 => return Err(DbError::CertificateNotInserted),
                    1 => {}
                    rows => return Err(DbError::TooManyRows { rows }),
                }
            }
            Ok(())
        })
    }

    fn certificates(
        &mut self,
        where_clause: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<CertificateRecord>, DbError> {
        let sql = format!("SELECT {CERT_COLUMNS} FROM certificates{where_clause}");
        let rows = self.backend()?.query(&sql, params)?;
        rows.into_iter().map(certificate).collect()
    }

    /// The rows with exactly this serial (decimal) and AKI (lower-case hex) (cfssl's
    /// `GetCertificate`: no normalisation, docs/cfssl-lifecycle.md §1.4).
    pub fn get_certificate(
        &mut self,
        serial: &str,
        aki: &str,
    ) -> Result<Vec<CertificateRecord>, DbError> {
        self.certificates(
            " WHERE (serial_number = ? AND authority_key_identifier = ?)",
            &[Param::Str(serial), Param::Str(aki)],
        )
    }

    /// Every row whose `expiry` is after the database's `CURRENT_TIMESTAMP`.
    pub fn get_unexpired_certificates(&mut self) -> Result<Vec<CertificateRecord>, DbError> {
        self.certificates(" WHERE CURRENT_TIMESTAMP < expiry", &[])
    }

    /// Every revoked, unexpired row, for every CA in the database (what `cfssl crl` signs).
    pub fn get_revoked_and_unexpired_certificates(
        &mut self,
    ) -> Result<Vec<CertificateRecord>, DbError> {
        self.certificates(
            " WHERE CURRENT_TIMESTAMP < expiry AND status='revoked'",
            &[],
        )
    }

    /// Every row, optionally only those with a status and/or a label (for `db list`).
    pub fn list_certificates(
        &mut self,
        filter: &ListFilter,
    ) -> Result<Vec<CertificateRecord>, DbError> {
        let mut conditions = Vec::new();
        let mut params = Vec::new();
        if let Some(status) = &filter.status {
            conditions.push("status = ?");
            params.push(Param::Str(status));
        }
        if let Some(label) = &filter.ca_label {
            conditions.push("ca_label = ?");
            params.push(Param::Str(label));
        }
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        self.certificates(&where_clause, &params)
    }

    /// Marks the row revoked with `reason`, `revoked_at` = the database's `CURRENT_TIMESTAMP`
    /// (cfssl's `RevokeCertificate`; revoking again overwrites both). No row →
    /// [`DbError::CertificateNotFound`] (11200); several → [`DbError::TooManyRows`] (11000).
    pub fn revoke(&mut self, serial: &str, aki: &str, reason: i32) -> Result<(), DbError> {
        self.write(|conn| {
            match conn.execute(
                REVOKE,
                &[Param::Int(reason), Param::Str(serial), Param::Str(aki)],
            )? {
                0 => Err(DbError::CertificateNotFound),
                1 => Ok(()),
                rows => Err(DbError::TooManyRows { rows }),
            }
        })
    }

    /// Stores an OCSP response row.
    pub fn insert_ocsp(&mut self, record: &OcspRecord) -> Result<(), DbError> {
        self.write(|conn| insert_ocsp(conn, record))
    }

    /// Replaces the body and expiry of an existing OCSP row. No row →
    /// [`DbError::OcspNotFound`] (11200).
    pub fn update_ocsp(
        &mut self,
        serial: &str,
        aki: &str,
        body: &[u8],
        expiry: OffsetDateTime,
    ) -> Result<(), DbError> {
        self.write(|conn| match update_ocsp(conn, serial, aki, body, expiry)? {
            0 => Err(DbError::OcspNotFound),
            _ => Ok(()),
        })
    }

    /// Updates the OCSP row, or inserts it when there is none. cfssl does the two steps
    /// without a transaction; here they share one, so two writers cannot both insert
    /// (docs/differences.md #25).
    pub fn upsert_ocsp(
        &mut self,
        serial: &str,
        aki: &str,
        body: &[u8],
        expiry: OffsetDateTime,
    ) -> Result<(), DbError> {
        self.write(|conn| match update_ocsp(conn, serial, aki, body, expiry)? {
            0 => insert_ocsp(
                conn,
                &OcspRecord {
                    serial_number: serial.to_string(),
                    authority_key_identifier: aki.to_string(),
                    body: body.to_vec(),
                    expiry,
                },
            ),
            _ => Ok(()),
        })
    }

    fn ocsps(
        &mut self,
        where_clause: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<OcspRecord>, DbError> {
        let sql = format!("SELECT {OCSP_COLUMNS} FROM ocsp_responses{where_clause}");
        let rows = self.backend()?.query(&sql, params)?;
        rows.into_iter().map(ocsp).collect()
    }

    /// The OCSP rows with exactly this serial and AKI.
    pub fn get_ocsp(&mut self, serial: &str, aki: &str) -> Result<Vec<OcspRecord>, DbError> {
        self.ocsps(
            " WHERE (serial_number = ? AND authority_key_identifier = ?)",
            &[Param::Str(serial), Param::Str(aki)],
        )
    }

    /// Every OCSP row whose `expiry` is after the database's `CURRENT_TIMESTAMP`.
    pub fn get_unexpired_ocsps(&mut self) -> Result<Vec<OcspRecord>, DbError> {
        self.ocsps(" WHERE CURRENT_TIMESTAMP < expiry", &[])
    }
}

fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
}

fn insert_ocsp(conn: &mut dyn Backend, record: &OcspRecord) -> Result<(), DbError> {
    let params = [
        Param::Str(&record.serial_number),
        Param::Str(&record.authority_key_identifier),
        Param::Body(&record.body),
        Param::Time(Some(utc(record.expiry))),
    ];
    match conn.execute(INSERT_OCSP, &params)? {
        0 => Err(DbError::OcspNotInserted),
        1 => Ok(()),
        rows => Err(DbError::TooManyRows { rows }),
    }
}

fn update_ocsp(
    conn: &mut dyn Backend,
    serial: &str,
    aki: &str,
    body: &[u8],
    expiry: OffsetDateTime,
) -> Result<u64, DbError> {
    let params = [
        Param::Body(body),
        Param::Time(Some(utc(expiry))),
        Param::Str(serial),
        Param::Str(aki),
    ];
    match conn.execute(UPDATE_OCSP, &params)? {
        rows @ (0 | 1) => Ok(rows),
        rows => Err(DbError::TooManyRows { rows }),
    }
}

fn decode_error(column: &'static str, reason: impl Into<String>) -> DbError {
    DbError::Decode {
        column,
        reason: reason.into(),
    }
}

/// A Go string column. NULL reads as `""` (cfssl's `sql.NullString` for `common_name`; for
/// the other columns cfssl would fail on NULL, which its own writes never produce).
fn text(column: &'static str, cell: Cell) -> Result<String, DbError> {
    match cell {
        Cell::Null => Ok(String::new()),
        Cell::Bytes(b) => String::from_utf8(b).map_err(|_| decode_error(column, "not UTF-8 text")),
        Cell::Int(i) => Ok(i.to_string()),
        other => Err(decode_error(column, format!("unexpected value {other:?}"))),
    }
}

fn integer(column: &'static str, cell: Cell) -> Result<i32, DbError> {
    match cell {
        Cell::Null => Ok(0),
        Cell::Int(i) => {
            i32::try_from(i).map_err(|_| decode_error(column, format!("{i} out of range")))
        }
        Cell::Bytes(b) => std::str::from_utf8(&b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| decode_error(column, "not an integer")),
        other => Err(decode_error(column, format!("unexpected value {other:?}"))),
    }
}

/// A time column in any form the drivers produce: native, go-sqlite3 text (with or without
/// zone and fraction, sqlite's own `CURRENT_TIMESTAMP`), mysql's zero date, unix seconds.
fn optional_time(column: &'static str, cell: Cell) -> Result<Option<OffsetDateTime>, DbError> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Time(t) => Ok(Some(utc(t))),
        Cell::Int(secs) => OffsetDateTime::from_unix_timestamp(secs)
            .map(Some)
            .map_err(|_| decode_error(column, format!("{secs} out of range"))),
        Cell::Bytes(b) => {
            let s = std::str::from_utf8(&b).map_err(|_| decode_error(column, "not UTF-8 text"))?;
            if s.starts_with("0000-00-00") {
                return Ok(Some(GO_ZERO_TIME));
            }
            parse_sqlite(s)
                .map(Some)
                .ok_or_else(|| decode_error(column, format!("unsupported time format {s:?}")))
        }
        Cell::Json(_) => Err(decode_error(column, "JSON where a time was expected")),
    }
}

fn time_or_zero(column: &'static str, cell: Cell) -> Result<OffsetDateTime, DbError> {
    Ok(optional_time(column, cell)?.unwrap_or(GO_ZERO_TIME))
}

fn json_bytes(column: &'static str, cell: Cell) -> Result<Vec<u8>, DbError> {
    match cell {
        Cell::Null => Ok(Vec::new()),
        Cell::Bytes(b) => Ok(b),
        Cell::Json(v) => Ok(v.to_string().into_bytes()),
        other => Err(decode_error(column, format!("unexpected value {other:?}"))),
    }
}

fn bytes(column: &'static str, cell: Cell) -> Result<Vec<u8>, DbError> {
    match cell {
        Cell::Null => Ok(Vec::new()),
        Cell::Bytes(b) => Ok(b),
        other => Err(decode_error(column, format!("unexpected value {other:?}"))),
    }
}

fn certificate(row: Vec<Cell>) -> Result<CertificateRecord, DbError> {
    let mut cells = row.into_iter();
    let mut next = || cells.next().unwrap_or(Cell::Null);
    Ok(CertificateRecord {
        serial_number: text("serial_number", next())?,
        authority_key_identifier: text("authority_key_identifier", next())?,
        ca_label: text("ca_label", next())?,
        status: text("status", next())?,
        reason: integer("reason", next())?,
        expiry: time_or_zero("expiry", next())?,
        revoked_at: time_or_zero("revoked_at", next())?,
        pem: text("pem", next())?,
        issued_at: optional_time("issued_at", next())?,
        not_before: optional_time("not_before", next())?,
        metadata: parse_metadata(&json_bytes("metadata", next())?)
            .map_err(|e| decode_error("metadata", e))?,
        sans: parse_sans(&json_bytes("sans", next())?).map_err(|e| decode_error("sans", e))?,
        common_name: text("common_name", next())?,
    })
}

fn ocsp(row: Vec<Cell>) -> Result<OcspRecord, DbError> {
    let mut cells = row.into_iter();
    let mut next = || cells.next().unwrap_or(Cell::Null);
    Ok(OcspRecord {
        serial_number: text("serial_number", next())?,
        authority_key_identifier: text("authority_key_identifier", next())?,
        body: bytes("body", next())?,
        expiry: time_or_zero("expiry", next())?,
    })
}
