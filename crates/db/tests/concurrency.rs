//! Several processes writing one sqlite certdb (batch signing next to a server): every write
//! waits for the lock (busy timeout) inside `BEGIN IMMEDIATE`, so all succeed and no row is lost.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::Instant;

use cfssl_db::{CertificateRecord, ListFilter};
use common::*;
use time::macros::datetime;

const WRITERS: usize = 4;
const ROWS_PER_WRITER: usize = 250;
const FILE_ENV: &str = "CFSSL_DB_TEST_WRITER_FILE";
const ID_ENV: &str = "CFSSL_DB_TEST_WRITER_ID";

fn record(serial: String) -> CertificateRecord {
    CertificateRecord::issued(
        serial,
        "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3",
        "",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        datetime!(2026-12-06 04:49:00 UTC),
        datetime!(2099-12-06 04:49:00 UTC),
        Some(vec!["leaf.example.com".into()]),
        "leaf.example.com",
    )
}

/// The child half of `four_processes_lose_no_row`: does nothing unless started by it.
#[test]
fn writer_child() {
    let (Ok(file), Ok(id)) = (std::env::var(FILE_ENV), std::env::var(ID_ENV)) else {
        return;
    };
    let mut db = sqlite_db(std::path::Path::new(&file));
    for i in 0..ROWS_PER_WRITER {
        db.insert_certificate(&record(format!("{id}{i:04}")))
            .unwrap();
    }
}

#[test]
fn four_processes_lose_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    sqlite_db(&path).init().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (1..=WRITERS)
        .map(|id| {
            Command::new(&exe)
                .args(["--exact", "writer_child", "--test-threads=1", "--quiet"])
                .env(FILE_ENV, &path)
                .env(ID_ENV, id.to_string())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    let rows = sqlite_db(&path)
        .list_certificates(&ListFilter::default())
        .unwrap();
    let mut serials: Vec<&str> = rows.iter().map(|r| r.serial_number.as_str()).collect();
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(
        (rows.len(), serials.len()),
        (WRITERS * ROWS_PER_WRITER, WRITERS * ROWS_PER_WRITER)
    );
}

/// Timing in the journal mode cfssl leaves (rollback journal): one transaction per insert
/// (every commit syncs) and one transaction for a batch. Printed for the record; the bound
/// asserted for the batch is loose so that a loaded machine does not fail it.
#[test]
fn insert_latency() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timing.db");
    let mut db = sqlite_db(&path);
    db.init().unwrap();
    let singles = 100;
    let start = Instant::now();
    for i in 0..singles {
        db.insert_certificate(&record(format!("1{i:06}"))).unwrap();
    }
    let single = start.elapsed() / singles;
    let batch: Vec<_> = (0..1000).map(|i| record(format!("2{i:06}"))).collect();
    let start = Instant::now();
    db.insert_certificates(&batch).unwrap();
    let per_batched = start.elapsed() / 1000;
    let mode = if have_sqlite3() {
        sqlite3(&path, &["PRAGMA journal_mode"])
    } else {
        "?".into()
    };
    eprintln!(
        "sqlite insert latency (journal_mode {}): single-row transaction {single:?}, in a 1000-row batch {per_batched:?} per row",
        mode.trim()
    );
    assert!(
        per_batched.as_micros() < 5_000,
        "{per_batched:?} per batched row"
    );
}
