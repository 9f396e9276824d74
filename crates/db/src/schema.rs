//! The certdb schema: cfssl's goose migrations 001 and 002, per driver, and goose's own
//! bookkeeping table (docs/cfssl-lifecycle.md §1.2).
//!
//! cfssl never creates its tables; its users run goose with the migration files shipped in
//! cfssl's source tree. `db init` does that work instead, so the statements below are the
//! migrations' "Up" parts statement for statement. For sqlite the result must be
//! byte-identical in `sqlite_master` (sqlite keeps the CREATE text and appends each
//! `ADD COLUMN` to it, so the ALTERs are part of the contract). goose's `goose_db_version`
//! table and its rows (version 0 when the table is created, then one row per applied
//! migration) are written too, so that running cfssl's `goose … up` later finds the
//! database at version 2 and does nothing, instead of failing on existing tables
//! (docs/cfssl-lifecycle.md §1.5).

use crate::config::Driver;

/// goose's version table, exactly as goose (liamstask/goose, vendored by cfssl 1.6.5) creates it.
fn goose_table(driver: Driver) -> &'static str {
    match driver {
        Driver::Sqlite3 => {
            "CREATE TABLE goose_db_version (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                version_id INTEGER NOT NULL,
                is_applied INTEGER NOT NULL,
                tstamp TIMESTAMP DEFAULT (datetime('now'))
            )"
        }
        Driver::Postgres => {
            "CREATE TABLE goose_db_version (
            \tid serial NOT NULL,
                version_id bigint NOT NULL,
                is_applied boolean NOT NULL,
                tstamp timestamp NULL default now(),
                PRIMARY KEY(id)
            )"
        }
        Driver::Mysql => {
            "CREATE TABLE goose_db_version (
                id serial NOT NULL,
                version_id bigint NOT NULL,
                is_applied boolean NOT NULL,
                tstamp timestamp NULL default now(),
                PRIMARY KEY(id)
            )"
        }
    }
}

const SQLITE_001: &[&str] = &[
    "CREATE TABLE certificates (
  serial_number            blob NOT NULL,
  authority_key_identifier blob NOT NULL,
  ca_label                 blob,
  status                   blob NOT NULL,
  reason                   int,
  expiry                   timestamp,
  revoked_at               timestamp,
  pem                      blob NOT NULL,
  PRIMARY KEY(serial_number, authority_key_identifier)
)",
    "CREATE TABLE ocsp_responses (
  serial_number            blob NOT NULL,
  authority_key_identifier blob NOT NULL,
  body                     blob NOT NULL,
  expiry                   timestamp,
  PRIMARY KEY(serial_number, authority_key_identifier),
  FOREIGN KEY(serial_number, authority_key_identifier) REFERENCES certificates(serial_number, authority_key_identifier)
)",
];

const SQLITE_002: &[&str] = &[
    "ALTER TABLE certificates ADD COLUMN \"issued_at\" timestamp",
    "ALTER TABLE certificates ADD COLUMN \"not_before\" timestamp",
    "ALTER TABLE certificates ADD COLUMN \"metadata\" text",
    "ALTER TABLE certificates ADD COLUMN \"sans\" text",
    "ALTER TABLE certificates ADD COLUMN \"common_name\" text",
];

const POSTGRES_001: &[&str] = &[
    "CREATE TABLE certificates (
  serial_number            bytea NOT NULL,
  authority_key_identifier bytea NOT NULL,
  ca_label                 bytea,
  status                   bytea NOT NULL,
  reason                   int,
  expiry                   timestamptz,
  revoked_at               timestamptz,
  pem                      bytea NOT NULL,
  PRIMARY KEY(serial_number, authority_key_identifier)
)",
    "CREATE TABLE ocsp_responses (
  serial_number            bytea NOT NULL,
  authority_key_identifier bytea NOT NULL,
  body                     bytea NOT NULL,
  expiry                   timestamptz,
  PRIMARY KEY(serial_number, authority_key_identifier),
  FOREIGN KEY(serial_number, authority_key_identifier) REFERENCES certificates(serial_number, authority_key_identifier)
)",
];

const POSTGRES_002: &[&str] = &["ALTER TABLE certificates
ADD COLUMN issued_at timestamptz,
    ADD COLUMN not_before timestamptz,
    ADD COLUMN metadata jsonb,
    ADD COLUMN sans jsonb,
    ADD COLUMN common_name TEXT"];

const MYSQL_001: &[&str] = &[
    "CREATE TABLE certificates (
  serial_number            varbinary(128) NOT NULL,
  authority_key_identifier varbinary(128) NOT NULL,
  ca_label                 varbinary(128),
  status                   varbinary(128) NOT NULL,
  reason                   int,
  expiry                   timestamp DEFAULT '0000-00-00 00:00:00',
  revoked_at               timestamp DEFAULT '0000-00-00 00:00:00',
  pem                      varbinary(4096) NOT NULL,
  PRIMARY KEY(serial_number, authority_key_identifier)
)",
    "CREATE TABLE ocsp_responses (
  serial_number            varbinary(128) NOT NULL,
  authority_key_identifier varbinary(128) NOT NULL,
  body                     varbinary(4096) NOT NULL,
  expiry                   timestamp DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY(serial_number, authority_key_identifier)
)",
];

const MYSQL_002: &[&str] = &["ALTER TABLE certificates
ADD COLUMN issued_at timestamp DEFAULT '0000-00-00 00:00:00',
    ADD COLUMN not_before timestamp DEFAULT '0000-00-00 00:00:00',
    ADD COLUMN metadata JSON,
    ADD COLUMN sans JSON,
    ADD COLUMN common_name TEXT"];

/// One step of `db init`, in goose's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A DDL statement.
    Ddl(&'static str),
    /// goose's `INSERT INTO goose_db_version (version_id, is_applied) VALUES (v, true)`.
    GooseVersion(i64),
}

/// Everything `db init` runs for `driver`: goose's table and its version-0 row, migration
/// 001 and its row, migration 002 and its row.
pub(crate) fn init_steps(driver: Driver) -> Vec<Step> {
    let (m001, m002) = match driver {
        Driver::Sqlite3 => (SQLITE_001, SQLITE_002),
        Driver::Postgres => (POSTGRES_001, POSTGRES_002),
        Driver::Mysql => (MYSQL_001, MYSQL_002),
    };
    let mut steps = vec![Step::Ddl(goose_table(driver)), Step::GooseVersion(0)];
    steps.extend(m001.iter().map(|s| Step::Ddl(s)));
    steps.push(Step::GooseVersion(1));
    steps.extend(m002.iter().map(|s| Step::Ddl(s)));
    steps.push(Step::GooseVersion(2));
    steps
}

/// The query listing the tables that make a database "not empty" for `db init`.
pub(crate) fn list_tables_sql(driver: Driver) -> &'static str {
    match driver {
        Driver::Sqlite3 => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Driver::Postgres => {
            "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        Driver::Mysql => {
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
        }
    }
}
