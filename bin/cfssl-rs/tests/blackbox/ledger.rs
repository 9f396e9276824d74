//! The issuance ledger, black-box: `-db-config` on the signing commands, `revoke`, `crl`,
//! `certinfo -serial`, `ocspsign`, `ocsprefresh`, `ocspdump` and `db init|list`, checked
//! with sqlite3, openssl and on the database cfssl 1.6.5 itself wrote
//! (testdata/cfssl-1.6.5-certdb).
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use common::{Dir, Run, require_tool};

const DB_JSON: &str = r#"{"driver":"sqlite3","data_source":"certs.db"}"#;
const CONFIG: &str = r#"{"signing":{"default":{"expiry":"8760h","usages":["digital signature","server auth"]},
 "profiles":{"ocsp":{"expiry":"8760h","usages":["digital signature","ocsp signing"]},
             "ca":{"expiry":"43800h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true,"max_path_len":0}}}}}"#;

fn sqlite(d: &Dir, query: &str) -> String {
    require_tool("sqlite3");
    let r = common::run("sqlite3", d.tmp.path(), &["certs.db", query], b"");
    assert_eq!(r.code, 0, "sqlite3: {}", r.stderr);
    r.stdout
}

const ECDSA: &str = r#"{"algo":"ecdsa","size":256}"#;

/// A CA with an empty database, an OCSP responder certificate and a signing config.
fn ledger() -> Dir {
    ledger_with(ECDSA)
}

/// The same with the CA's and the responder's keys of this kind (`key` JSON).
fn ledger_with(key: &str) -> Dir {
    let d = Dir::new();
    d.root_ca("ca", key);
    d.write("db.json", DB_JSON);
    d.write("config.json", CONFIG);
    d.cfssl(&["db", "init", "-db-config", "db.json"]).ok();
    d.write(
        "ocsp.json",
        format!(r#"{{"CN":"OCSP responder","key":{key}}}"#),
    );
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "config.json",
        "-profile",
        "ocsp",
        "ocsp.json",
    ]);
    r.ok();
    d.save(&r, "cert", "ocsp.pem");
    d.save(&r, "key", "ocsp-key.pem");
    d
}

/// `gencert -ca` of a leaf named `name` recorded in the database; returns (serial, AKI
/// with colons as certinfo prints it).
fn leaf(d: &Dir, name: &str, extra: &[&str]) -> (String, String) {
    d.write(
        &format!("{name}.json"),
        format!(r#"{{"CN":"{name}.example","hosts":["{name}.example","10.0.0.1"]}}"#),
    );
    let mut args = vec![
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
    ];
    args.extend_from_slice(extra);
    let json = format!("{name}.json");
    args.push(&json);
    let r = d.cfssl(&args);
    r.ok();
    d.save(&r, "cert", &format!("{name}.pem"));
    let info = d
        .cfssl(&["certinfo", "-cert", &format!("{name}.pem")])
        .json();
    (
        info["serial_number"].as_str().unwrap().to_owned(),
        info["authority_key_id"].as_str().unwrap().to_owned(),
    )
}

fn hex_aki(colons: &str) -> String {
    colons.replace(':', "").to_lowercase()
}

#[test]
fn signing_records_cfssls_row_before_printing() {
    let d = ledger();
    let (serial, aki) = leaf(&d, "www", &["-label", "primary"]);
    let row = sqlite(
        &d,
        &format!(
            "select serial_number, authority_key_identifier, ca_label, status, reason, revoked_at, \
             typeof(metadata), cast(metadata as text), typeof(sans), cast(sans as text), common_name, \
             substr(expiry, 20), length(issued_at) > 25 from certificates where serial_number = '{serial}'"
        ),
    );
    assert_eq!(
        row,
        format!(
            "{serial}|{}|primary|good|0|0001-01-01 00:00:00+00:00|blob|null|blob|[\"www.example\"]|www.example|+00:00|1\n",
            hex_aki(&aki)
        )
    );
    // sign (a CSR) and sign -batch are recorded too; the batch in one transaction.
    d.write("b.json", r#"{"CN":"b.example","hosts":["b.example"]}"#);
    let r = d.cfssl(&["genkey", "b.json"]);
    d.save(&r, "csr", "b.csr");
    d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "b.csr",
    ])
    .ok();
    std::fs::create_dir(d.path("batch")).unwrap();
    for i in 0..3 {
        std::fs::copy(d.path("b.csr"), d.path(&format!("batch/{i}.csr"))).unwrap();
    }
    d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "-batch",
        "batch",
    ])
    .ok();
    assert_eq!(sqlite(&d, "select count(*) from certificates"), "5\n");
    assert_eq!(
        sqlite(
            &d,
            "select count(*) from certificates where common_name = 'b.example'"
        ),
        "4\n"
    );
}

#[test]
fn a_row_that_cannot_be_written_means_no_certificate() {
    let d = Dir::new();
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    // A database without cfssl's tables: cfssl's error, nothing printed, exit 1.
    d.write("db.json", DB_JSON);
    d.write("www.json", r#"{"CN":"www","hosts":["www.example"]}"#);
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "www.json",
    ]);
    r.fails_with(r#"{"code":11000,"message":"no such table: certificates"}"#);
    // The batch writes no file either.
    let r = d.cfssl(&["genkey", "www.json"]);
    std::fs::create_dir(d.path("batch")).unwrap();
    d.save(&r, "csr", "batch/www.csr");
    let r = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "-batch",
        "batch",
    ]);
    r.fails_with("no such table: certificates");
    assert!(!d.path("batch/www.pem").exists());
    // A bad db-config: cfssl's 5200 texts.
    d.write("bad.json", r#"{"driver":"sqlite3"}"#);
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "bad.json",
        "www.json",
    ])
    .fails_with(r#"{"code":5200,"message":"invalid db configuration"}"#);
    d.write("nosuch.json", r#"{"driver":"nosuch","data_source":"x"}"#);
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "nosuch.json",
        "www.json",
    ])
    .fails_with(r#"sql: unknown driver "nosuch" (forgotten import?)"#);
    // A missing or unparsable db-config, a read-only database: cfssl's codes, nothing printed.
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "missing.json",
        "www.json",
    ])
    .fails_with(r#"{"code":5200,"message":"could not read configuration file"}"#);
    d.write("junk.json", "nonsense");
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "junk.json",
        "www.json",
    ])
    .fails_with(r#"{"code":5200,"message":"failed to unmarshal configuration: invalid character"#);
    d.write("rw.json", DB_JSON);
    d.cfssl(&["db", "init", "-db-config", "rw.json"]).ok();
    d.write(
        "ro.json",
        r#"{"driver":"sqlite3","data_source":"file:certs.db?mode=ro"}"#,
    );
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "ro.json",
        "www.json",
    ])
    .fails_with(r#"{"code":11000,"message":"attempt to write a readonly database"}"#);
    // Commands that record nothing refuse -db-config; so does -initca.
    d.cfssl(&["selfsign", "-db-config", "db.json", "www", "www.json"])
        .fails_with("-db-config: `selfsign` neither records nor reads");
    d.cfssl(&["gencert", "-initca", "-db-config", "db.json", "www.json"])
        .fails_with("-db-config: gencert -initca and -renewca make a self-signed root");
    // -label without a database says what it is for.
    d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-label",
        "x",
        "www.json",
    ])
    .fails_with("-label picks the CA on a remote multi-root server (with -remote) or is the CA label recorded with -db-config");
}

#[test]
fn revoke_then_crl_and_ocsp_agree_with_openssl() {
    revoke_then_crl_and_ocsp(ECDSA);
}

#[test]
fn rsa_ca_and_responder() {
    revoke_then_crl_and_ocsp(r#"{"algo":"rsa","size":2048}"#);
}

#[test]
fn ed25519_ca_and_responder() {
    revoke_then_crl_and_ocsp(r#"{"algo":"ed25519"}"#);
}

fn revoke_then_crl_and_ocsp(key: &str) {
    let d = ledger_with(key);
    let (good_serial, _) = leaf(&d, "good", &[]);
    let (bad_serial, aki) = leaf(&d, "bad", &[]);
    // cfssl's checks, in cfssl's order.
    d.cfssl(&["revoke", "-db-config", "db.json", "-aki", &aki])
        .fails_with("serial number is required but not provided");
    d.cfssl(&["revoke", "-serial", &bad_serial, "-aki", &aki])
        .fails_with("need DB config file (provide with -db-config)");
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad_serial,
        "-aki",
        &aki,
        "-reason",
        "0",
    ])
    .fails_with(r#"{"code":8200,"message":"Invalid revocation status"}"#);
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad_serial,
        "-aki",
        &aki,
        "-reason",
        "bogus",
    ])
    .fails_with(r#"strconv.Atoi: parsing "bogus": invalid syntax"#);
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad_serial,
        "-aki",
        &aki,
        "-reason",
        "7",
    ])
    .fails_with("7 is not a CRLReason");
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        "1",
        "-aki",
        &aki,
        "-reason",
        "1",
    ])
    .fails_with(
        r#"{"code":11200,"message":"failed to revoke the certificate: certificate not found"}"#,
    );
    // The AKI as certinfo and openssl print it (colons, upper case) is understood, with a warning.
    let r = d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad_serial,
        "-aki",
        &aki,
        "-reason",
        "keyCompromise",
    ]);
    r.ok();
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("read as"), "{}", r.stderr);
    assert_eq!(
        sqlite(
            &d,
            &format!(
                "select status, reason, length(revoked_at) from certificates where serial_number = '{bad_serial}'"
            )
        ),
        "revoked|1|19\n"
    );

    // The CRL: the revoked leaf with its reason; openssl's chain check agrees.
    let r = d.cfssl(&[
        "crl",
        "-db-config",
        "db.json",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-expiry",
        "24h",
    ]);
    r.ok();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(r.stdout.trim())
        .unwrap();
    d.write("crl.der", der);
    d.openssl(&["crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem"])
        .ok();
    let text = d.openssl(&["crl", "-in", "crl.pem", "-noout", "-text"]);
    text.ok();
    let bad_hex = decimal_to_hex(&bad_serial);
    assert!(
        text.stdout.contains(&format!("Serial Number: {bad_hex}")),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Key Compromise"), "{}", text.stdout);
    assert_eq!(
        text.stdout.matches("Serial Number:").count(),
        1,
        "{}",
        text.stdout
    );
    let verify = |name: &str| {
        d.openssl(&[
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "crl.pem",
            name,
        ])
    };
    assert_eq!(verify("good.pem").code, 0, "{}", verify("good.pem").stderr);
    let r = verify("bad.pem");
    assert_ne!(r.code, 0);
    assert!(
        (r.stdout.clone() + &r.stderr).contains("certificate revoked"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    // OCSP: refresh, dump, and each response says what the database says.
    d.cfssl(&[
        "ocsprefresh",
        "-db-config",
        "db.json",
        "-ca",
        "ca.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        "ocsp-key.pem",
    ])
    .ok();
    assert_eq!(sqlite(&d, "select count(*) from ocsp_responses"), "2\n");
    let dump = d.cfssl(&["ocspdump", "-db-config", "db.json"]);
    dump.ok();
    assert_eq!(dump.stdout.lines().count(), 2);
    for (name, serial, expect) in [
        ("good", &good_serial, "good"),
        ("bad", &bad_serial, "revoked"),
    ] {
        let body = sqlite(
            &d,
            &format!(
                "select hex(cast(body as blob)) from ocsp_responses where serial_number = '{serial}'"
            ),
        );
        d.write(&format!("{name}.ocsp"), hex_decode(body.trim()));
        let r = d.openssl(&[
            "ocsp",
            "-respin",
            &format!("{name}.ocsp"),
            "-issuer",
            "ca.pem",
            "-cert",
            &format!("{name}.pem"),
            "-CAfile",
            "ca.pem",
            "-VAfile",
            "ocsp.pem",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains(&format!("{name}.pem: {expect}")),
            "{}",
            r.stdout
        );
        assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
        if expect == "revoked" {
            assert!(r.stdout.contains("Reason: keyCompromise"), "{}", r.stdout);
        }
    }

    // ocspsign for one certificate, cfssl's JSON.
    let r = d.cfssl(&[
        "ocspsign",
        "-ca",
        "ca.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        "ocsp-key.pem",
        "-cert",
        "bad.pem",
        "-status",
        "revoked",
        "-reason",
        "superseded",
        "-revoked-at",
        "2026-01-02",
    ]);
    r.ok();
    let b64 = r.field("ocspResponse");
    d.write(
        "one.ocsp",
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    );
    let r = d.openssl(&[
        "ocsp", "-respin", "one.ocsp", "-issuer", "ca.pem", "-cert", "bad.pem", "-CAfile",
        "ca.pem", "-VAfile", "ocsp.pem",
    ]);
    assert!(r.stdout.contains("bad.pem: revoked"), "{}", r.stdout);
    assert!(r.stdout.contains("Reason: superseded"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("Revocation Time: Jan  2 00:00:00 2026 GMT"),
        "{}",
        r.stdout
    );

    // certinfo from the database, AKI in either form.
    let info = d
        .cfssl(&[
            "certinfo",
            "-db-config",
            "db.json",
            "-serial",
            &good_serial,
            "-aki",
            &aki,
        ])
        .json();
    assert_eq!(info["subject"]["common_name"], "good.example");
    d.cfssl(&[
        "certinfo",
        "-db-config",
        "db.json",
        "-serial",
        "12",
        "-aki",
        &aki,
    ])
    .fails_with("no certificate found");
}

/// A decimal serial as openssl prints it: big-endian bytes in upper-case hex.
fn decimal_to_hex(decimal: &str) -> String {
    let mut bytes: Vec<u8> = vec![0];
    for digit in decimal.bytes().map(|b| u32::from(b - b'0')) {
        let mut carry = digit;
        for byte in bytes.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn db_list_is_an_inventory_and_a_check() {
    let d = ledger();
    leaf(&d, "a", &["-label", "L1"]);
    let (serial, aki) = leaf(&d, "b", &[]);
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &serial,
        "-aki",
        &aki,
        "-reason",
        "superseded",
    ])
    .ok();
    let r = d.cfssl(&["db", "list", "-db-config", "db.json"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SERIAL  ") || lines[0].starts_with("SERIAL "),
        "{}",
        r.stdout
    );
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(r.stdout.contains("revoked(4)"), "{}", r.stdout);
    let r = d.cfssl(&[
        "db",
        "list",
        "-db-config",
        "db.json",
        "-json",
        "-status",
        "good",
        "-ca-label",
        "L1",
    ]);
    r.ok();
    let rows = r.json();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["common_name"], "a.example");
    assert_eq!(rows[0]["ca_label"], "L1");
    assert_eq!(rows[0]["expiring"], false);
    // Everything expires within two years: listed, flagged, exit 2 (the revoked one is not).
    let r = d.cfssl(&["db", "list", "-db-config", "db.json", "-expiring", "730d"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout.matches("EXPIRING").count(), 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("1 certificate(s) expire within 730d"),
        "{}",
        r.stderr
    );
    // A leaf that outlives its issuer: an intermediate recorded, then a leaf it signs for longer.
    d.write(
        "int.json",
        r#"{"CN":"Int","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&["genkey", "int.json"]);
    d.save(&r, "csr", "int.csr");
    d.save(&r, "key", "int-key.pem");
    d.write("short-ca.json", r#"{"signing":{"default":{"expiry":"2h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true}}}}"#);
    let r = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "short-ca.json",
        "-db-config",
        "db.json",
        "int.csr",
    ]);
    r.ok();
    d.save(&r, "cert", "int.pem");
    let r = d.cfssl(&["db", "list", "-db-config", "db.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // (cfssl-rs clamps a leaf to its issuer's life, docs/differences.md #1, so a leaf signed
    // now cannot outlive it; a row written by another tool can: insert one.)
    let int_ski = d.cfssl(&["certinfo", "-cert", "int.pem"]).json()["subject_key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlite(
        &d,
        &format!(
            "insert into certificates select '999', '{}', ca_label, status, reason, '2099-01-01 00:00:00+00:00', revoked_at, pem, issued_at, not_before, metadata, sans, 'foreign' from certificates where common_name = 'a.example'",
            hex_aki(&int_ski)
        ),
    );
    let r = d.cfssl(&["db", "list", "-db-config", "db.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("OUTLIVES-ISSUER"), "{}", r.stdout);
    // db init refuses a database that has tables.
    let r = d.cfssl(&["db", "init", "-db-config", "db.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("certificates"), "{}", r.stderr);
}

/// cfssl-rs works on the database cfssl 1.6.5 wrote: reads its rows, lists its CRL,
/// re-signs its OCSP responses, revokes, and what it writes cfssl's queries still read.
#[test]
fn cfssls_own_database() {
    let d = Dir::new();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/cfssl-1.6.5-certdb");
    for f in [
        "certs.db",
        "ca.pem",
        "ca-key.pem",
        "ocsp.pem",
        "ocsp-key.pem",
        "leaf1.pem",
        "leaf2.pem",
        "leaf3.pem",
        "db-config.json",
    ] {
        std::fs::copy(fixtures.join(f), d.path(f)).unwrap();
    }
    let aki = "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3";
    let info = d
        .cfssl(&[
            "certinfo",
            "-db-config",
            "db-config.json",
            "-serial",
            "549023573166186813666491296623088966842254873730",
            "-aki",
            aki,
        ])
        .json();
    assert_eq!(info["subject"]["common_name"], "leaf2.example.com");
    // The CRL lists cfssl's two revoked rows, with the reasons cfssl stored.
    let r = d.cfssl(&[
        "crl",
        "-db-config",
        "db-config.json",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
    ]);
    r.ok();
    use base64::Engine as _;
    d.write(
        "crl.der",
        base64::engine::general_purpose::STANDARD
            .decode(r.stdout.trim())
            .unwrap(),
    );
    let text = d.openssl(&["crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text"]);
    assert_eq!(
        text.stdout.matches("Serial Number:").count(),
        2,
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Key Compromise") && text.stdout.contains("Superseded"),
        "{}",
        text.stdout
    );
    d.openssl(&["crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem"])
        .ok();
    let r = d.openssl(&[
        "verify",
        "-crl_check",
        "-CAfile",
        "ca.pem",
        "-CRLfile",
        "crl.pem",
        "leaf2.pem",
    ]);
    assert_ne!(r.code, 0);
    // ocsprefresh over cfssl's rows; openssl reads leaf2's response as revoked.
    d.cfssl(&[
        "ocsprefresh",
        "-db-config",
        "db-config.json",
        "-ca",
        "ca.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        "ocsp-key.pem",
    ])
    .ok();
    assert_eq!(
        sqlite_at(&d, "certs.db", "select count(*) from ocsp_responses"),
        "15\n"
    );
    // revoke one more; the row reads as cfssl writes it.
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db-config.json",
        "-serial",
        "114735142553630737275277282979641317954320499829",
        "-aki",
        aki,
        "-reason",
        "cessationOfOperation",
    ])
    .ok();
    assert_eq!(
        sqlite_at(
            &d,
            "certs.db",
            "select status, reason from certificates where serial_number = '114735142553630737275277282979641317954320499829'"
        ),
        "revoked|5\n"
    );
    let r = d.cfssl(&[
        "db",
        "list",
        "-db-config",
        "db-config.json",
        "-status",
        "revoked",
        "-json",
    ]);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), 3);
}

fn sqlite_at(d: &Dir, file: &str, query: &str) -> String {
    require_tool("sqlite3");
    let r: Run = common::run("sqlite3", d.tmp.path(), &[file, query], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// Four processes signing into one SQLite file at once: all succeed, no row is lost.
#[test]
fn four_writers_lose_no_row() {
    let d = ledger();
    d.write("w.json", r#"{"CN":"w","hosts":["w.example"]}"#);
    let r = d.cfssl(&["genkey", "w.json"]);
    d.save(&r, "csr", "w.csr");
    let dir = d.tmp.path().to_owned();
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for _ in 0..250 {
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
                        .args([
                            "sign",
                            "-ca",
                            "ca.pem",
                            "-ca-key",
                            "ca-key.pem",
                            "-db-config",
                            "db.json",
                            "-loglevel",
                            "5",
                            "w.csr",
                        ])
                        .current_dir(&dir)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(
        sqlite(
            &d,
            "select count(*), count(distinct serial_number) from certificates where common_name = 'w'"
        ),
        "1000|1000\n"
    );
}

/// Debian's cfssl 1.2 on a database cfssl-rs made: cfssl revokes a row cfssl-rs wrote (and
/// cfssl-rs's CRL lists it with cfssl's reason); a row cfssl 1.2 writes (its older, 8-column
/// insert: no CN, no issue time) is listed by cfssl-rs.
#[test]
fn cfssl_1_2_shares_the_database() {
    require_tool("cfssl");
    let d = ledger();
    let (serial, aki) = leaf(&d, "ours", &[]);
    let cfssl = |args: &[&str]| common::run("cfssl", d.tmp.path(), args, b"");
    let r = cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &serial,
        "-aki",
        &hex_aki(&aki),
        "-reason",
        "superseded",
    ]);
    assert_eq!(r.code, 0, "cfssl revoke: {}{}", r.stdout, r.stderr);
    let r = d.cfssl(&[
        "crl",
        "-db-config",
        "db.json",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
    ]);
    r.ok();
    use base64::Engine as _;
    d.write(
        "crl.der",
        base64::engine::general_purpose::STANDARD
            .decode(r.stdout.trim())
            .unwrap(),
    );
    let text = d.openssl(&["crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text"]);
    assert!(
        text.stdout
            .contains(&format!("Serial Number: {}", decimal_to_hex(&serial))),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Superseded"), "{}", text.stdout);
    d.write(
        "theirs.json",
        r#"{"CN":"theirs.example","hosts":["theirs.example"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "theirs.json",
    ]);
    assert_eq!(r.code, 0, "cfssl gencert: {}", r.stderr);
    let r = d.cfssl(&["db", "list", "-db-config", "db.json", "-json"]);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.stdout);
}

const FAST_DB_JSON: &str =
    r#"{"driver":"sqlite3","data_source":"certs.db?_journal_mode=WAL&_synchronous=NORMAL"}"#;

/// go-sqlite3's options in the data source (docs/cfssl-lifecycle.md §1.6): with
/// `_journal_mode=WAL&_synchronous=NORMAL` the file is `certs.db` (not a file named after the
/// whole string), sqlite3 reads its journal as WAL, the WAL stays next to it and the rows in
/// it are read by the sqlite3 CLI and by cfssl-rs through a plain data source. Options
/// cfssl-rs does not implement, SQLite's URI parameters after a plain name and go-sqlite3's
/// bad values are refused with nothing printed and no file made.
#[test]
fn go_sqlite3_options_in_the_data_source() {
    let d = Dir::new();
    d.root_ca("ca", ECDSA);
    d.write("fast.json", FAST_DB_JSON);
    d.write("db.json", DB_JSON);
    d.write("www.json", r#"{"CN":"www","hosts":["www.example"]}"#);
    let gencert = |db: &str| {
        d.cfssl(&[
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-db-config",
            db,
            "www.json",
        ])
    };
    let files = d.files();
    for (data_source, error) in [
        (
            "certs.db?_journal=WAL&_loc=auto",
            r#"{"code":5200,"message":"invalid sqlite3 data_source: cfssl-rs does not implement the go-sqlite3 option _loc; it reads _journal_mode (_journal), _synchronous (_sync) and _busy_timeout (_timeout)"}"#,
        ),
        (
            "file:certs.db?_x=1",
            "cfssl-rs does not implement the go-sqlite3 option _x",
        ),
        (
            "certs.db?mode=ro",
            "mode is an SQLite URI parameter, which go-sqlite3 drops after a plain file name; write file:certs.db?mode=ro to use it",
        ),
        (
            "certs.db?_sync=sometimes",
            r#"{"code":11000,"message":"Invalid _synchronous: sometimes, expecting value of '0 OFF 1 NORMAL 2 FULL 3 EXTRA'"}"#,
        ),
        (
            "certs.db?_journal=WAL;_sync=OFF",
            r#"{"code":11000,"message":"invalid semicolon separator in query"}"#,
        ),
    ] {
        d.write(
            "bad.json",
            serde_json::json!({"driver": "sqlite3", "data_source": data_source}).to_string(),
        );
        d.cfssl(&["db", "init", "-db-config", "bad.json"])
            .fails_with(error);
        gencert("bad.json").fails_with(error);
        std::fs::remove_file(d.path("bad.json")).unwrap();
        assert_eq!(d.files(), files, "{data_source}");
    }

    d.cfssl(&["db", "init", "-db-config", "fast.json"]).ok();
    gencert("fast.json").ok();
    let names = d.files();
    for name in ["certs.db", "certs.db-shm", "certs.db-wal"] {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains('?')), "{names:?}");
    // A plain data source on the same file reads the row from the WAL and records into it.
    gencert("db.json").ok();
    let r = d.cfssl(&["db", "list", "-db-config", "db.json", "-json"]);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.stdout);
    assert_eq!(
        sqlite(&d, "pragma journal_mode; select count(*) from certificates"),
        "wal\n2\n"
    );
}

/// Debian's cfssl 1.2 (go-sqlite3) with the same WAL data source, on a database cfssl-rs
/// left with its WAL: cfssl finds and revokes cfssl-rs's row, and records one of its own
/// that cfssl-rs lists.
#[test]
fn cfssl_1_2_shares_a_wal_database() {
    require_tool("cfssl");
    let d = Dir::new();
    d.root_ca("ca", ECDSA);
    d.write("db.json", FAST_DB_JSON);
    d.cfssl(&["db", "init", "-db-config", "db.json"]).ok();
    let (serial, aki) = leaf(&d, "ours", &[]);
    assert!(d.path("certs.db-wal").exists());
    let cfssl = |args: &[&str]| common::run("cfssl", d.tmp.path(), args, b"");
    let r = cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &serial,
        "-aki",
        &hex_aki(&aki),
        "-reason",
        "superseded",
    ]);
    assert_eq!(r.code, 0, "cfssl revoke: {}{}", r.stdout, r.stderr);
    d.write(
        "theirs.json",
        r#"{"CN":"theirs.example","hosts":["theirs.example"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-db-config",
        "db.json",
        "theirs.json",
    ]);
    assert_eq!(r.code, 0, "cfssl gencert: {}", r.stderr);
    let r = d.cfssl(&["db", "list", "-db-config", "db.json", "-json"]);
    r.ok();
    let rows = r.json();
    let status: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["serial_number"].as_str().unwrap(),
                row["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(status.len(), 2, "{}", r.stdout);
    assert!(status.contains(&(serial.as_str(), "revoked")), "{status:?}");
}

/// `ocspserve` from the database: openssl asks over HTTP and hears `good`, then, after
/// `revoke` and `ocsprefresh` (the server reads the database live), `revoked` with the
/// reason; SIGTERM stops it cleanly.
#[test]
fn ocspserve_answers_openssl_from_the_database() {
    use std::io::{BufRead, BufReader};
    require_tool("openssl");
    require_tool("kill");
    let d = ledger();
    let (serial, aki) = leaf(&d, "www", &[]);
    let refresh = || {
        d.cfssl(&[
            "ocsprefresh",
            "-db-config",
            "db.json",
            "-ca",
            "ca.pem",
            "-responder",
            "ocsp.pem",
            "-responder-key",
            "ocsp-key.pem",
        ])
        .ok();
    };
    refresh();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
        .args(["ocspserve", "-db-config", "db.json", "-port", "0"])
        .current_dir(d.tmp.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut address = String::new();
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.split("Now listening on ").nth(1) {
            address = rest.trim().to_owned();
            break;
        }
        line.clear();
    }
    if address.is_empty() {
        let _ = server.kill();
        panic!("no address logged");
    }
    let url = format!("http://{address}");
    let ask = || {
        d.openssl(&[
            "ocsp", "-issuer", "ca.pem", "-cert", "www.pem", "-url", &url, "-CAfile", "ca.pem",
            "-VAfile", "ocsp.pem",
        ])
    };
    let r = ask();
    assert!(
        r.stdout.contains("www.pem: good"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
    d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &serial,
        "-aki",
        &aki,
        "-reason",
        "keyCompromise",
    ])
    .ok();
    refresh();
    let r = ask();
    assert!(
        r.stdout.contains("www.pem: revoked"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stdout.contains("Reason: keyCompromise"), "{}", r.stdout);
    // A certificate the database does not know: cfssl's 200 + unauthorized.
    d.write("other.json", r#"{"CN":"other","hosts":["other.example"]}"#);
    let o = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "other.json",
    ]);
    d.save(&o, "cert", "other.pem");
    let r = d.openssl(&[
        "ocsp",
        "-issuer",
        "ca.pem",
        "-cert",
        "other.pem",
        "-url",
        &url,
        "-noverify",
    ]);
    assert!(
        (r.stdout.clone() + &r.stderr).contains("unauthorized"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let pid = server.id().to_string();
    common::run("kill", d.tmp.path(), &["-TERM", &pid], b"");
    let status = server.wait().unwrap();
    assert!(status.success(), "ocspserve exit: {status:?}");

    // The same answers from `ocspdump`'s output served with -responses.
    let dump = d.cfssl(&["ocspdump", "-db-config", "db.json"]);
    dump.ok();
    d.write("responses.txt", &dump.stdout);
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
        .args(["ocspserve", "-responses", "responses.txt", "-port", "0"])
        .current_dir(d.tmp.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut address = String::new();
    let mut line = String::new();
    let mut log = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 {
        log.push_str(&line);
        if let Some(rest) = line.split("Now listening on ").nth(1) {
            address = rest.trim().to_owned();
            break;
        }
        line.clear();
    }
    if !log.contains("Read 1 OCSP responses") || log.matches("Registering OCSP").count() != 1 {
        let _ = server.kill();
        panic!("{log}");
    }
    let url = format!("http://{address}");
    let r = d.openssl(&[
        "ocsp", "-issuer", "ca.pem", "-cert", "www.pem", "-url", &url, "-CAfile", "ca.pem",
        "-VAfile", "ocsp.pem",
    ]);
    assert!(
        r.stdout.contains("www.pem: revoked"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
    common::run(
        "kill",
        d.tmp.path(),
        &["-TERM", &server.id().to_string()],
        b"",
    );
    assert!(server.wait().unwrap().success());
}

/// A database another writer keeps locked beyond the busy timeout (`CFSSL_DB_BUSY_TIMEOUT`):
/// cfssl's 11000 `database is locked`, no certificate printed, exit 1; once the lock is gone
/// the same command records and prints.
#[test]
fn a_locked_database_beyond_the_timeout_prints_nothing() {
    use std::io::Write;
    require_tool("sqlite3");
    let d = ledger();
    d.write("w.json", r#"{"CN":"w","hosts":["w.example"]}"#);
    let mut holder = std::process::Command::new("sqlite3")
        .arg("certs.db")
        .current_dir(d.tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = holder.stdin.take().unwrap();
    stdin.write_all(b"BEGIN IMMEDIATE;\n").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let sign = |env: &[(&str, &str)]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
            .args([
                "gencert",
                "-ca",
                "ca.pem",
                "-ca-key",
                "ca-key.pem",
                "-db-config",
                "db.json",
                "w.json",
            ])
            .current_dir(d.tmp.path())
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = sign(&[("CFSSL_DB_BUSY_TIMEOUT", "500ms")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(r#"{"code":11000,"message":"database is locked"}"#),
        "{stderr}"
    );
    let (code, _, stderr) = sign(&[("CFSSL_DB_BUSY_TIMEOUT", "soon")]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("CFSSL_DB_BUSY_TIMEOUT=soon: not a duration"),
        "{stderr}"
    );
    // The data source's `_busy_timeout` (60 s) wins over CFSSL_DB_BUSY_TIMEOUT (1 ms): this
    // writer waits for the lock, which is released while it waits, and records.
    d.write(
        "wait.json",
        r#"{"driver":"sqlite3","data_source":"certs.db?_busy_timeout=60000"}"#,
    );
    let waiting = std::process::Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
        .args([
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-db-config",
            "wait.json",
            "w.json",
        ])
        .current_dir(d.tmp.path())
        .env("CFSSL_DB_BUSY_TIMEOUT", "1ms")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    stdin.write_all(b"COMMIT;\n.quit\n").unwrap();
    drop(stdin);
    holder.wait().unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("BEGIN CERTIFICATE"));
    let (code, stdout, stderr) = sign(&[("CFSSL_DB_BUSY_TIMEOUT", "500ms")]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("BEGIN CERTIFICATE"));
    assert_eq!(
        sqlite(
            &d,
            "select count(*) from certificates where common_name = 'w'"
        ),
        "2\n"
    );
}

/// Bad input to the OCSP and inventory commands: each a clear error, exit 1, nothing on
/// stdout, and neither the database nor the folder changed.
#[test]
fn bad_input_to_the_ocsp_and_db_commands_changes_nothing() {
    let d = ledger();
    leaf(&d, "www", &[]);
    let files = d.files();
    let rows = || {
        sqlite(
            &d,
            "select count(*) from certificates; select count(*) from ocsp_responses",
        )
    };
    let before = rows();
    let responder = [
        "-ca",
        "ca.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        "ocsp-key.pem",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        let mut args = vec!["ocspsign"];
        args.extend_from_slice(&responder);
        args.extend_from_slice(extra);
        args
    };
    for (args, error) in [
        (with(&[]), "open : no such file or directory"),
        (
            with(&["-cert", "www.pem", "-status", "bogus"]),
            r#"{"code":8200,"message":"Invalid revocation status"}"#,
        ),
        (
            with(&[
                "-cert",
                "www.pem",
                "-status",
                "revoked",
                "-reason",
                "1",
                "-revoked-at",
                "2026/01/02",
            ]),
            "-revoked-at 2026/01/02: not \"now\" nor a date",
        ),
        (
            vec!["ocsprefresh", "-db-config", "db.json", "-ca", "ca.pem"],
            "need responder certificate (provide with -responder)",
        ),
        (
            vec!["ocsprefresh", "-ca", "ca.pem"],
            "need DB config file (provide with -db-config)",
        ),
        (
            vec!["ocspdump"],
            "need DB config file (provide with -db-config)",
        ),
        (vec!["ocspserve"], "no response file or db-config provided"),
        (
            vec!["ocspserve", "-responses", "missing.txt"],
            "unable to read response file: open missing.txt",
        ),
        (
            vec!["ocspserve", "-db-config", "db.json", "-port", "70000"],
            "-port 70000: not a TCP port",
        ),
        (
            vec!["ocspserve", "-db-config", "db.json", "extra"],
            "argument is provided but not defined",
        ),
        (
            vec![
                "revoke",
                "-db-config",
                "db.json",
                "-serial",
                "1",
                "-aki",
                "ab",
                "-label",
                "L",
            ],
            "-label: `revoke` records no certificate",
        ),
        (
            vec!["db", "frob", "-db-config", "db.json"],
            "db: unknown action \"frob\"",
        ),
        (
            vec!["db", "init", "-db-config", "db.json", "-json"],
            "db init takes only -db-config",
        ),
        (
            vec!["db", "list", "-db-config", "db.json", "-expiring", "soon"],
            "-expiring soon: use days (30d)",
        ),
        (
            vec!["db", "list", "-db-config", "db.json", "-status", "expired"],
            "-status expired: use good or revoked",
        ),
        (
            vec!["db", "list"],
            "need DB config file (provide with -db-config)",
        ),
    ] {
        d.cfssl(&args).fails_with(error);
    }
    assert_eq!(rows(), before);
    assert_eq!(d.files(), files);
}
