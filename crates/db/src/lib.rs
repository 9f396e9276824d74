//! cfssl's certificate database ("certdb"), read and written exactly as cfssl 1.6.5 does.
//!
//! # Why
//!
//! A cfssl installation keeps its issued certificates, their revocation state and its OCSP
//! responses in a SQL database named by a `-db-config` file; `sign`, `gencert`, `revoke`,
//! `crl`, `ocsprefresh`, `ocspdump`, `ocspserve`, `certinfo` and `serve` all use it
//! (docs/cfssl-lifecycle.md §1–§6). For cfssl-rs to be a drop-in replacement, the database
//! has to work **in both directions**: cfssl-rs must read a database cfssl wrote (the fixture
//! `certs.db` from cfssl 1.6.5 is read back value for value in the tests), and cfssl must keep
//! working on a database cfssl-rs wrote — same tables, same column storage, same text layouts,
//! because cfssl's queries compare serials and AKIs as exact strings and, in sqlite, compare
//! times as text (§1.3, §1.4).
//!
//! So this crate stores what cfssl's Go values become in each driver (decimal serial text,
//! lower-case hex AKI, go-sqlite3's `2026-12-06 04:54:09.438586789+00:00` times, JSON blobs,
//! the OCSP DER as text in sqlite) and runs cfssl's queries with cfssl's result rules (0 rows
//! revoked → 11200, more than one → 11000). It also creates the schema (`db init`), which
//! cfssl leaves to goose: the migrations' DDL per driver plus goose's version table, so cfssl's
//! own tooling sees a migrated database (§1.2).
//!
//! It does not parse certificates: the caller passes the serial, AKI, PEM, times, SANs and CN.
//!
//! # Drivers
//!
//! | db-config `driver` | client | data source |
//! |---|---|---|
//! | `sqlite3` | rusqlite, sqlite compiled in | file path (created when missing), `:memory:`, `file:` URI; go-sqlite3's `?_journal_mode=…&_synchronous=…&_busy_timeout=…` |
//! | `postgres` | `postgres` crate, no TLS | `postgres://…` URL or `key=value` pairs |
//! | `mysql` | `mysql` crate, pure Rust, no TLS | go-sql-driver DSN `user:pw@tcp(host:port)/db?…` |
//!
//! ```
//! use cfssl_db::{CertificateRecord, Db, DbConfig};
//! use time::macros::datetime;
//!
//! let config = DbConfig::from_json(br#"{"driver":"sqlite3","data_source":":memory:"}"#)?;
//! let mut db = Db::open(&config)?;
//! db.init()?;
//! db.insert_certificate(&CertificateRecord::issued(
//!     "1234", "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3", "", "-----BEGIN CERTIFICATE-----\n…\n",
//!     datetime!(2026-12-06 04:49:00 UTC), datetime!(2099-12-06 04:49:00 UTC),
//!     Some(vec!["leaf.example.com".into()]), "leaf.example.com",
//! ))?;
//! db.revoke("1234", "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3", 1)?;
//! assert_eq!(db.get_revoked_and_unexpired_certificates()?.len(), 1);
//! assert_eq!(db.revoke("1", "x", 1).unwrap_err().code(), Some(11200));
//! # Ok::<(), cfssl_db::DbError>(())
//! ```

#![deny(missing_docs)]

mod backend;
mod config;
mod db;
mod error;
pub mod mysql;
mod pg;
mod record;
mod schema;
pub mod sqlite;
mod sqlite_dsn;
pub mod timefmt;

pub use config::{DbConfig, Driver};
pub use db::{Db, ListFilter};
pub use error::DbError;
pub use record::{CertificateRecord, GO_ZERO_TIME, OcspRecord, STATUS_GOOD, STATUS_REVOKED};
