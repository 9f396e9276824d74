//! cfssl-db against the sqlite certdb cfssl 1.6.5 wrote (docs/cfssl-lifecycle.md §1.2–§1.4):
//! every stored value read back exactly, and our writes stored exactly as cfssl's are.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use base64::Engine;
use cfssl_db::timefmt::format_sqlite;
use cfssl_db::{CertificateRecord, Db, DbError, ListFilter, OcspRecord};
use common::*;
use time::OffsetDateTime;
use time::macros::datetime;

const AKI: &str = "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3";

/// The fixture's rows in table order (T§19): serial|label|status|reason|expiry|revoked_at|
/// issued_at|not_before|sans|common_name|PEM length, times in go-sqlite3's text layout.
const ROWS: &[&str] = &[
    "199551306649688441432799239521210311027241764372||revoked|4|2027-12-06 04:49:00+00:00|2026-12-06 04:55:39+00:00|2026-12-06 04:54:09.438586789+00:00|2026-12-06 04:49:00+00:00|[\"leaf1.example.com\"]|leaf1.example.com|810",
    "549023573166186813666491296623088966842254873730|mylabel|revoked|1|2027-12-06 04:49:00+00:00|2026-12-06 04:54:23+00:00|2026-12-06 04:54:09.576002345+00:00|2026-12-06 04:49:00+00:00|[\"leaf2.example.com\"]|leaf2.example.com|806",
    "114735142553630737275277282979641317954320499829||good|0|2027-12-06 04:49:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:54:09.596120528+00:00|2026-12-06 04:49:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|810",
    "13665770134930696013780419104126701965563924823||good|0|2027-12-06 04:49:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:54:09.611973688+00:00|2026-12-06 04:49:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|810",
    "230499815061959182739681340157225580589253557895||good|0|2027-12-06 04:50:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:20.257184284+00:00|2026-12-06 04:50:00+00:00|[\"api-signed.example.com\"]|leaf3.example.com|814",
    "420077168459423478123296190681087122724347544964||good|0|2027-12-06 04:50:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:20.499303675+00:00|2026-12-06 04:50:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|810",
    "716193444851947504238653067775892447131832959974||good|0|2027-01-05 04:50:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:29.697214983+00:00|2026-12-06 04:50:00+00:00|[\"leaf1.example.com\"]|leaf1.example.com|806",
    "54928633883687671918129561295888627687269922716|apilabel|good|0|2027-12-06 04:50:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:29.93129379+00:00|2026-12-06 04:50:00+00:00|[\"newcert.example.com\"]|newcert.example.com|753",
    "241594776690879807657656270789532330122792485979||good|0|2027-12-06 04:50:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:29.941894324+00:00|2026-12-06 04:50:00+00:00|null|nohosts|692",
    "268836718618830954309651179078482562062312690905||good|0|2027-01-05 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:30.040475143+00:00|2026-12-06 04:51:00+00:00|[\"a.example\"]|a|713",
    "126094293366975010326335209079608234366473190749||good|0|2027-12-06 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:49.48652722+00:00|2026-12-06 04:51:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|810",
    "41048911394083538551818923170186728566941417887||good|0|2027-12-06 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:49.520080899+00:00|2026-12-06 04:51:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|810",
    "713463522351888654336397392968865821328269935615||good|0|2027-12-06 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:49.630384049+00:00|2026-12-06 04:51:00+00:00|[\"leaf1.example.com\"]|leaf1.example.com|810",
    "316767271427831150649944083229899642860889630054||good|0|2027-01-05 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:55:49.739064874+00:00|2026-12-06 04:51:00+00:00|[\"leaf3.example.com\"]|leaf3.example.com|806",
    "649405807863167014474634660927722341581234844656|primary|good|0|2027-01-05 04:51:00+00:00|0001-01-01 00:00:00+00:00|2026-12-06 04:56:08.9902928+00:00|2026-12-06 04:51:00+00:00|[\"leaf1.example.com\"]|leaf1.example.com|810",
];

fn line(r: &CertificateRecord) -> String {
    assert_eq!(r.authority_key_identifier, AKI);
    assert_eq!(r.metadata, None, "metadata is the JSON null");
    assert!(
        r.pem.starts_with("-----BEGIN CERTIFICATE-----\n")
            && r.pem.ends_with("-----END CERTIFICATE-----\n")
    );
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        r.serial_number,
        r.ca_label,
        r.status,
        r.reason,
        format_sqlite(r.expiry),
        format_sqlite(r.revoked_at),
        format_sqlite(r.issued_at.unwrap()),
        format_sqlite(r.not_before.unwrap()),
        r.sans_json(),
        r.common_name,
        r.pem.len()
    )
}

#[test]
fn reads_every_certificate_row_cfssl_wrote() {
    let (_dir, _path, mut db) = fixture_copy();
    let all = db.list_certificates(&ListFilter::default()).unwrap();
    let got: Vec<String> = all.iter().map(line).collect();
    assert_eq!(got, ROWS);
    // sqlite's own CURRENT_TIMESTAMP text (no zone, whole seconds) reads as UTC.
    assert_eq!(all[1].revoked_at, datetime!(2026-12-06 04:54:23 UTC));
    assert_eq!(
        all[0].pem,
        std::fs::read_to_string(data("cfssl-1.6.5-leaf1.pem")).unwrap()
    );
    assert_eq!(
        all[1].pem,
        std::fs::read_to_string(data("cfssl-1.6.5-leaf2.pem")).unwrap()
    );

    let one = db
        .get_certificate("549023573166186813666491296623088966842254873730", AKI)
        .unwrap();
    assert_eq!(one, vec![all[1].clone()]);
    // Exact string match, as cfssl: upper-case or colon AKIs and hex serials find nothing.
    assert!(
        db.get_certificate(
            "549023573166186813666491296623088966842254873730",
            &AKI.to_uppercase()
        )
        .unwrap()
        .is_empty()
    );
    assert!(db.get_certificate("0x1", AKI).unwrap().is_empty());

    let revoked = db
        .list_certificates(&ListFilter {
            status: Some("revoked".into()),
            ca_label: None,
        })
        .unwrap();
    assert_eq!(
        revoked
            .iter()
            .map(|r| (r.serial_number.as_str(), r.reason))
            .collect::<Vec<_>>(),
        [
            ("199551306649688441432799239521210311027241764372", 4),
            ("549023573166186813666491296623088966842254873730", 1)
        ]
    );
    let labelled = db
        .list_certificates(&ListFilter {
            status: None,
            ca_label: Some("primary".into()),
        })
        .unwrap();
    assert_eq!(labelled.len(), 1);
    assert_eq!(
        db.list_certificates(&ListFilter {
            status: Some("good".into()),
            ca_label: Some(String::new())
        })
        .unwrap()
        .len(),
        11
    );

    // The CURRENT_TIMESTAMP < expiry queries: which rows are unexpired depends on today.
    let now = OffsetDateTime::now_utc();
    let unexpired = ROWS
        .iter()
        .zip(&all)
        .filter(|(_, r)| r.expiry > now)
        .count();
    assert_eq!(db.get_unexpired_certificates().unwrap().len(), unexpired);
    let revoked_unexpired = revoked.iter().filter(|r| r.expiry > now).count();
    assert_eq!(
        db.get_revoked_and_unexpired_certificates().unwrap().len(),
        revoked_unexpired
    );
    if now < datetime!(2027-01-05 04:50:00 UTC) {
        assert_eq!((unexpired, revoked_unexpired), (15, 2));
    }
}

#[test]
fn reads_the_ocsp_rows_cfssl_wrote() {
    let (_dir, _path, mut db) = fixture_copy();
    let dump = std::fs::read_to_string(data("cfssl-1.6.5-responses.b64")).unwrap();
    let bodies: Vec<Vec<u8>> = dump
        .lines()
        .map(|l| base64::engine::general_purpose::STANDARD.decode(l).unwrap())
        .collect();
    let serials = &ROWS[..4];
    let mut got = Vec::new();
    for (row, body) in serials.iter().zip(&bodies) {
        let serial = row.split('|').next().unwrap();
        let records = db.get_ocsp(serial, AKI).unwrap();
        assert_eq!(records.len(), 1);
        got.push(records[0].clone());
        assert_eq!(
            &records[0].body, body,
            "the DER stored as text, NUL bytes included"
        );
        assert_eq!(
            records[0].expiry,
            datetime!(2026-12-09 04:54:45.68079454 UTC)
        );
    }
    assert_eq!(
        bodies.iter().map(Vec::len).collect::<Vec<_>>(),
        [873, 896, 872, 873]
    );
    // All four expire 2026-12-09 04:54:45.
    let expected = if OffsetDateTime::now_utc() < datetime!(2026-12-09 04:54:45 UTC) {
        got
    } else {
        Vec::new()
    };
    assert_eq!(db.get_unexpired_ocsps().unwrap(), expected);
}

#[test]
fn revoke_stores_cfssls_text() {
    let (_dir, path, mut db) = fixture_copy();
    let serial = "114735142553630737275277282979641317954320499829";
    let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    db.revoke(serial, AKI, 5).unwrap();
    let after = OffsetDateTime::now_utc();
    let row = &db.get_certificate(serial, AKI).unwrap()[0];
    assert_eq!((row.status.as_str(), row.reason), ("revoked", 5));
    assert!(
        row.revoked_at >= before && row.revoked_at <= after,
        "{:?}",
        row.revoked_at
    );

    // Stored as sqlite's CURRENT_TIMESTAMP text, like the row cfssl revoked.
    let mut check = rusqlite_query(
        &path,
        &format!(
            "SELECT status, typeof(status), reason, typeof(reason), revoked_at, typeof(revoked_at) FROM certificates WHERE serial_number = '{serial}' OR serial_number = '549023573166186813666491296623088966842254873730' ORDER BY rowid"
        ),
    );
    let ours = check.remove(1);
    let cfssls = check.remove(0);
    assert_eq!(cfssls[..4], ["revoked", "text", "1", "integer"]);
    assert_eq!(ours[..4], ["revoked", "text", "5", "integer"]);
    for v in [&cfssls[4], &ours[4]] {
        assert!(
            v.len() == 19
                && v.as_bytes()[10] == b' '
                && v.as_bytes()[4] == b'-'
                && v.as_bytes()[16] == b':',
            "{v}"
        );
    }
    assert_eq!(ours[5], cfssls[5]);

    // Errors as cfssl: wrong AKI form → 11200.
    let e = db.revoke(serial, &AKI.to_uppercase(), 1).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            Some(11200),
            "failed to revoke the certificate: certificate not found"
        )
    );
    // Revoking again succeeds and moves reason.
    db.revoke(serial, AKI, 1).unwrap();
    assert_eq!(db.get_certificate(serial, AKI).unwrap()[0].reason, 1);
}

/// Rows of a query on `path`, every value as text (sqlite3 CLI when present, else rusqlite).
fn rusqlite_query(path: &std::path::Path, sql: &str) -> Vec<Vec<String>> {
    if have_sqlite3() {
        return sqlite3(path, &["-separator", "|", sql])
            .lines()
            .map(|l| l.split('|').map(str::to_string).collect())
            .collect();
    }
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |row| {
        (0..n)
            .map(|i| {
                Ok(match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                    rusqlite::types::ValueRef::Real(f) => f.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn an_inserted_row_is_stored_like_cfssls() {
    let (_dir, path, mut db) = fixture_copy();
    let mut record = CertificateRecord::issued(
        "12345678901234567890",
        AKI,
        "",
        std::fs::read_to_string(data("cfssl-1.6.5-leaf1.pem")).unwrap(),
        datetime!(2026-12-06 04:49:00 UTC),
        datetime!(2027-12-06 05:49:00 +01:00),
        Some(vec!["leaf1.example.com".into()]),
        "leaf1.example.com",
    );
    record.issued_at = Some(datetime!(2026-12-06 04:54:09.438586789 UTC));
    db.insert_certificate(&record).unwrap();
    let mut ours_back = db.get_certificate("12345678901234567890", AKI).unwrap();
    let back = ours_back.remove(0);
    assert_eq!(
        back.expiry,
        datetime!(2027-12-06 04:49:00 UTC),
        "stored in UTC"
    );
    assert_eq!(back.expiry.offset(), time::UtcOffset::UTC);
    assert_eq!(
        CertificateRecord {
            expiry: record.expiry,
            ..back
        },
        record
    );

    let columns = "serial_number, authority_key_identifier, ca_label, status, reason, expiry, revoked_at, pem, issued_at, not_before, metadata, sans, common_name";
    let typed: Vec<String> = columns
        .split(", ")
        .map(|c| format!("typeof({c}), replace(quote({c}), char(10), '~')"))
        .collect();
    let rows = rusqlite_query(
        &path,
        &format!(
            "SELECT {} FROM certificates WHERE serial_number IN ('199551306649688441432799239521210311027241764372', '12345678901234567890') ORDER BY rowid",
            typed.join(", ")
        ),
    );
    assert_eq!(rows.len(), 2);
    let (cfssl, ours) = (&rows[0], &rows[1]);
    let types = |r: &Vec<String>| r.iter().step_by(2).cloned().collect::<Vec<_>>();
    assert_eq!(types(ours), types(cfssl));
    assert_eq!(
        types(ours),
        [
            "text", "text", "text", "text", "integer", "text", "text", "text", "text", "text",
            "blob", "blob", "text"
        ]
    );
    // Same text for the values the two rows share (cfssl's row was revoked later: skip status,
    // reason, revoked_at; compare our revoked_at with the good rows' zero time).
    for i in [1, 2, 5, 7, 8, 9, 10, 11, 12] {
        assert_eq!(
            ours[2 * i + 1],
            cfssl[2 * i + 1],
            "column {}",
            columns.split(", ").nth(i).unwrap()
        );
    }
    assert_eq!(ours[2 * 6 + 1], "'0001-01-01 00:00:00+00:00'");
    assert_eq!(ours[2 * 3 + 1], "'good'");
}

#[test]
fn ocsp_writes_and_upserts() {
    let (_dir, path, mut db) = fixture_copy();
    let serial = "716193444851947504238653067775892447131832959974";
    let body = b"\x30\x82\x00\x00DER with a NUL\x00 and \xff".to_vec();
    let expiry = datetime!(2099-01-01 00:00:00.5 UTC);
    let e = db.update_ocsp(serial, AKI, &body, expiry).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (Some(11200), "failed to update the OCSP record")
    );
    db.upsert_ocsp(serial, AKI, &body, expiry).unwrap();
    assert_eq!(
        db.get_ocsp(serial, AKI).unwrap(),
        vec![OcspRecord {
            serial_number: serial.into(),
            authority_key_identifier: AKI.into(),
            body: body.clone(),
            expiry
        }]
    );
    let rows = rusqlite_query(
        &path,
        &format!(
            "SELECT typeof(body), length(cast(body as blob)), expiry FROM ocsp_responses WHERE serial_number = '{serial}'"
        ),
    );
    assert_eq!(
        rows,
        vec![vec![
            "text".to_string(),
            body.len().to_string(),
            "2099-01-01 00:00:00.5+00:00".into()
        ]]
    );
    db.upsert_ocsp(serial, AKI, b"second", expiry).unwrap();
    assert_eq!(db.get_ocsp(serial, AKI).unwrap()[0].body, b"second");
    let e = db
        .insert_ocsp(&OcspRecord {
            serial_number: serial.into(),
            authority_key_identifier: AKI.into(),
            body,
            expiry,
        })
        .unwrap_err();
    assert_eq!(e.code(), Some(11000));
    assert!(
        e.to_string()
            .starts_with("UNIQUE constraint failed: ocsp_responses."),
        "{e}"
    );
    // A body stored as a blob (another writer's choice) reads the same.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE ocsp_responses SET body = CAST(body AS BLOB) WHERE serial_number = ?1",
        [serial],
    )
    .unwrap();
    let kind: String = conn
        .query_row(
            "SELECT typeof(body) FROM ocsp_responses WHERE serial_number = ?1",
            [serial],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kind, "blob");
    drop(conn);
    assert_eq!(db.get_ocsp(serial, AKI).unwrap()[0].body, b"second");
    // The foreign key to certificates is declared but, as in cfssl, not enforced.
    db.upsert_ocsp("99", AKI, b"orphan", expiry).unwrap();
    assert_eq!(db.get_ocsp("99", AKI).unwrap().len(), 1);
}

#[test]
fn init_creates_cfssls_schema_and_goose_bookkeeping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let mut db = sqlite_db(&path);
    db.init().unwrap();
    assert_eq!(
        db.tables().unwrap(),
        [
            "certificates",
            "goose_db_version",
            "ocsp_responses",
            "sqlite_sequence"
        ]
    );
    let (_fixture_dir, fixture, mut cfssl_db) = fixture_copy();
    let schema_sql = "SELECT sql FROM sqlite_master WHERE name IN ('certificates', 'ocsp_responses') ORDER BY name";
    let ours = rusqlite_query(&path, schema_sql);
    assert_eq!(ours, rusqlite_query(&fixture, schema_sql));
    if tool_available(
        have_sqlite3(),
        "sqlite3",
        "the .schema comparison with cfssl's certs.db",
    ) {
        let ours = sqlite3(&path, &[".schema certificates", ".schema ocsp_responses"]);
        let theirs = sqlite3(
            &fixture,
            &[".schema certificates", ".schema ocsp_responses"],
        );
        assert_eq!(ours, theirs);
        assert!(ours.contains("pem                      blob NOT NULL, \"issued_at\" timestamp, \"not_before\" timestamp, \"metadata\" text, \"sans\" text, \"common_name\" text,"));
    }
    let goose = rusqlite_query(
        &path,
        "SELECT id, version_id, is_applied, typeof(is_applied), length(tstamp) FROM goose_db_version ORDER BY id",
    );
    assert_eq!(
        goose,
        [
            ["1", "0", "1", "integer", "19"],
            ["2", "1", "1", "integer", "19"],
            ["3", "2", "1", "integer", "19"]
        ]
    );

    // A second init, or init on cfssl's database, refuses and changes nothing.
    let e = db.init().unwrap_err();
    assert!(matches!(e, DbError::NotEmpty { .. }), "{e}");
    match cfssl_db.init().unwrap_err() {
        DbError::NotEmpty { tables } => assert_eq!(tables, ["certificates", "ocsp_responses"]),
        other => panic!("{other}"),
    }
}

#[test]
fn errors_read_like_cfssls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    let mut db = sqlite_db(&path);
    let record = CertificateRecord::issued(
        "1",
        AKI,
        "",
        "pem",
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2027-01-01 0:00 UTC),
        None,
        "",
    );
    let e = db.insert_certificate(&record).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (Some(11000), "no such table: certificates")
    );
    assert!(
        path.exists(),
        "a missing sqlite file is created, as cfssl does"
    );
    db.init().unwrap();
    db.insert_certificate(&record).unwrap();
    let e = db.insert_certificate(&record).unwrap_err();
    assert_eq!(e.code(), Some(11000));
    assert_eq!(
        e.to_string(),
        "UNIQUE constraint failed: certificates.serial_number, certificates.authority_key_identifier"
    );
}

#[test]
fn a_batch_is_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = sqlite_db(&dir.path().join("batch.db"));
    db.init().unwrap();
    let rec = |serial: &str| {
        CertificateRecord::issued(
            serial,
            AKI,
            "",
            "pem",
            datetime!(2026-01-01 0:00 UTC),
            datetime!(2099-01-01 0:00 UTC),
            None,
            "cn",
        )
    };
    // The third row repeats the first: nothing is stored.
    let e = db
        .insert_certificates(&[rec("1"), rec("2"), rec("1")])
        .unwrap_err();
    assert_eq!(e.code(), Some(11000));
    assert!(
        db.list_certificates(&ListFilter::default())
            .unwrap()
            .is_empty()
    );
    db.insert_certificates(&[rec("1"), rec("2"), rec("3")])
        .unwrap();
    assert_eq!(
        db.list_certificates(&ListFilter::default()).unwrap().len(),
        3
    );
}

#[test]
fn unknown_driver_and_lazy_connection() {
    let e = Db::open(&cfssl_db::DbConfig {
        driver: "nosuch".into(),
        data_source: "x".into(),
    })
    .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (None, "sql: unknown driver \"nosuch\" (forgotten import?)")
    );
    // Opening does not connect: the refused connection shows at the first query, as 11000.
    let mut db = Db::open(&cfssl_db::DbConfig {
        driver: "postgres".into(),
        data_source: "postgres://u:p@127.0.0.1:1/db?sslmode=disable".into(),
    })
    .unwrap();
    let e = db.get_certificate("1", "a").unwrap_err();
    assert_eq!(e.code(), Some(11000));
    let e = Db::open(&cfssl_db::DbConfig {
        driver: "mysql".into(),
        data_source: "nonsense".into(),
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid DSN: missing the slash separating the database name"
    );
}
