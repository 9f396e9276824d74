//! The same certdb round trip on all three drivers: sqlite, and real PostgreSQL and MariaDB
//! servers that the test starts in temporary folders on free loopback ports and stops (by
//! PID) at the end (crates/testsupport-servers). Without the server binaries the
//! PostgreSQL/MariaDB halves fail when CI=true and print a skip line otherwise (scripts/test
//! installs them).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use cfssl_db::{CertificateRecord, Db, DbConfig, DbError, Driver, ListFilter, OcspRecord};
use cfssl_testsupport_servers::{Mariadb, Postgres};
use common::*;
use time::OffsetDateTime;
use time::macros::datetime;

const AKI: &str = "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3";

fn open(driver: &str, data_source: &str) -> Db {
    Db::open(&DbConfig {
        driver: driver.into(),
        data_source: data_source.into(),
    })
    .unwrap()
}

fn record(serial: &str, label: &str, sans: Option<Vec<String>>) -> CertificateRecord {
    let mut r = CertificateRecord::issued(
        serial,
        AKI,
        label,
        std::fs::read_to_string(data("cfssl-1.6.5-leaf1.pem")).unwrap(),
        datetime!(2026-12-06 04:49:00 UTC),
        // MariaDB < 11.5 TIMESTAMPs end in 2038.
        datetime!(2037-12-06 04:49:00 UTC),
        sans,
        "leaf1.example.com",
    );
    // Whole seconds: MariaDB's TIMESTAMP keeps no fraction, postgres keeps microseconds.
    r.issued_at = Some(datetime!(2026-12-06 04:54:09 UTC));
    r
}

/// The round trip every driver must pass.
fn exercise(db: &mut Db) {
    let driver = db.driver();
    db.init().unwrap();
    let tables = db.tables().unwrap();
    for t in ["certificates", "goose_db_version", "ocsp_responses"] {
        assert!(
            tables.iter().any(|x| x == t),
            "{driver:?}: {t} missing from {tables:?}"
        );
    }
    assert!(matches!(db.init().unwrap_err(), DbError::NotEmpty { .. }));

    let one = record(
        "199551306649688441432799239521210311027241764372",
        "",
        Some(vec!["leaf1.example.com".into()]),
    );
    db.insert_certificate(&one).unwrap();
    let mut with_meta = record("2", "primary", None);
    with_meta.metadata = Some(serde_json::json!({"b": "x", "a": [1, 2]}));
    db.insert_certificates(&[with_meta.clone(), record("3", "primary", None)])
        .unwrap();
    assert_eq!(
        db.get_certificate(&one.serial_number, AKI).unwrap(),
        vec![one.clone()],
        "{driver:?}"
    );
    assert_eq!(
        db.get_certificate("2", AKI).unwrap(),
        vec![with_meta],
        "{driver:?}"
    );
    assert!(
        db.get_certificate("2", &AKI.to_uppercase())
            .unwrap()
            .is_empty()
    );

    // All or nothing: "4" is not kept when "3" collides.
    let e = db
        .insert_certificates(&[record("4", "", None), record("3", "", None)])
        .unwrap_err();
    assert_eq!(e.code(), Some(11000), "{driver:?}: {e}");
    eprintln!("{driver:?} duplicate key: {e}");
    assert!(db.get_certificate("4", AKI).unwrap().is_empty());

    let before = OffsetDateTime::now_utc() - Duration::from_secs(2);
    db.revoke("2", AKI, 1).unwrap();
    let after = OffsetDateTime::now_utc() + Duration::from_secs(2);
    let revoked = db.get_certificate("2", AKI).unwrap().remove(0);
    assert_eq!((revoked.status.as_str(), revoked.reason), ("revoked", 1));
    assert!(
        revoked.revoked_at > before && revoked.revoked_at < after,
        "{driver:?}: {}",
        revoked.revoked_at
    );
    // Revoking again (same second, same reason) succeeds, as in cfssl on sqlite and postgres.
    db.revoke("2", AKI, 1).unwrap();
    let e = db.revoke("nosuch", AKI, 1).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            Some(11200),
            "failed to revoke the certificate: certificate not found"
        )
    );

    assert_eq!(db.get_unexpired_certificates().unwrap().len(), 3);
    let crl = db.get_revoked_and_unexpired_certificates().unwrap();
    assert_eq!(
        crl.iter()
            .map(|r| r.serial_number.as_str())
            .collect::<Vec<_>>(),
        ["2"]
    );
    let listed = db
        .list_certificates(&ListFilter {
            status: Some("good".into()),
            ca_label: Some("primary".into()),
        })
        .unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|r| r.serial_number.as_str())
            .collect::<Vec<_>>(),
        ["3"]
    );
    assert_eq!(
        db.list_certificates(&ListFilter::default()).unwrap().len(),
        3
    );

    // OCSP: DER with NUL and backslash bytes survives every driver.
    let body = b"\x30\x82\x03\x65\x0a\x01\x00\\\x00\xff".to_vec();
    let expiry = datetime!(2036-01-02 03:04:05 UTC);
    db.upsert_ocsp("2", AKI, &body, expiry).unwrap();
    db.upsert_ocsp("2", AKI, &body, expiry).unwrap();
    let ocsp = OcspRecord {
        serial_number: "2".into(),
        authority_key_identifier: AKI.into(),
        body,
        expiry,
    };
    assert_eq!(
        db.get_ocsp("2", AKI).unwrap(),
        vec![ocsp.clone()],
        "{driver:?}"
    );
    db.update_ocsp("2", AKI, b"new", expiry).unwrap();
    assert_eq!(db.get_unexpired_ocsps().unwrap()[0].body, b"new");
    assert_eq!(
        db.update_ocsp("3", AKI, b"x", expiry).unwrap_err().code(),
        Some(11200)
    );
    assert_eq!(db.insert_ocsp(&ocsp).unwrap_err().code(), Some(11000));
}

#[test]
fn sqlite_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = sqlite_db(&dir.path().join("certs.db"));
    assert_eq!(db.driver(), Driver::Sqlite3);
    exercise(&mut db);
}

#[test]
fn postgres_round_trip() {
    let Some(pg) = Postgres::start("the postgres driver test") else {
        return;
    };
    // lib/pq's URL form and its key=value form.
    let mut db = open(
        "postgres",
        &pg.url(Postgres::SUPERUSER, Postgres::PASSWORD, "postgres"),
    );
    exercise(&mut db);
    pg.create_database("kv", "kv", "kv-secret");
    let mut db = open(
        "postgres",
        &format!(
            "host=127.0.0.1 port={} user=kv password=kv-secret dbname=kv sslmode=disable",
            pg.port()
        ),
    );
    db.init().unwrap();
    assert_eq!(db.tables().unwrap().len(), 3);
    let e = open(
        "postgres",
        &pg.url(Postgres::SUPERUSER, Postgres::PASSWORD, "nosuchdb"),
    )
    .connect()
    .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (Some(11000), "pq: database \"nosuchdb\" does not exist")
    );
}

#[test]
fn mysql_round_trip() {
    let Some(maria) = Mariadb::start("the mysql driver test") else {
        return;
    };
    maria.execute("CREATE DATABASE certdb");
    let mut db = open("mysql", &maria.dsn(Mariadb::SUPERUSER, "", "certdb"));
    exercise(&mut db);
    let e = open("mysql", &maria.dsn(Mariadb::SUPERUSER, "", "nosuchdb"))
        .connect()
        .unwrap_err();
    assert_eq!(e.code(), Some(11000));
    assert_eq!(
        e.to_string(),
        "Error 1049 (42000): Unknown database 'nosuchdb'"
    );
}
