//! Replicas (issue 16 item 5): two `cfssl-rs serve` processes with one CA share one
//! PostgreSQL certificate database, as behind a load balancer. 2,000 signing requests are
//! spread over both by `curl --parallel` (16 at a time); every answer must be a certificate,
//! every serial distinct, and the database must hold exactly those 2,000 rows, each row's PEM
//! the certificate that was handed out. PostgreSQL is started by the test
//! (crates/testsupport-servers) on a free loopback port and stopped by PID.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use cfssl_signer::ParsedCertificate;
use cfssl_testsupport_servers::{Postgres, tool_available};
use common::server::Server;
use common::{Dir, require_tool, run};

const USER: &str = "cfssl";
const PASSWORD: &str = "cfssl-secret";
const DATABASE: &str = "certdb";
const REQUESTS: usize = 2000;
const CONFIG: &str =
    r#"{"signing":{"default":{"expiry":"720h","usages":["digital signature","server auth"]}}}"#;

#[test]
fn two_servers_one_postgres_2000_certificates() {
    let what = "replicas on PostgreSQL";
    if !tool_available(Postgres::client().is_some(), "psql", what) {
        return;
    }
    let Some(pg) = Postgres::start(what) else {
        return;
    };
    require_tool("curl");
    pg.create_database(DATABASE, USER, PASSWORD);
    let d = Dir::new();
    d.write(
        "pg.json",
        serde_json::json!({
            "driver": "postgres",
            "data_source": format!(
                "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{DATABASE}?sslmode=disable",
                pg.port()
            )
        })
        .to_string(),
    );
    d.cfssl(&["db", "init", "-db-config", "pg.json"]).ok();
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("config.json", CONFIG);
    d.write(
        "leaf.json",
        r#"{"CN":"replica.example.com","hosts":["replica.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let csr = d.cfssl(&["genkey", "leaf.json"]);
    csr.ok();
    d.write(
        "request.json",
        serde_json::json!({"certificate_request": csr.field("csr")}).to_string(),
    );

    let args = [
        "serve",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "config.json",
        "-db-config",
        "pg.json",
        "-address",
        "127.0.0.1",
        "-port",
        "0",
    ];
    let replicas = [
        Server::start(d.tmp.path(), &args),
        Server::start(d.tmp.path(), &args),
    ];

    // One curl configuration, requests alternating between the replicas.
    std::fs::create_dir(d.path("out")).unwrap();
    let mut config = String::new();
    for i in 0..REQUESTS {
        let server = &replicas[i % 2];
        if i > 0 {
            config.push_str("next\n");
        }
        writeln!(
            config,
            "url = \"{}/api/v1/cfssl/sign\"\ndata-binary = \"@request.json\"\n\
             header = \"Content-Type: application/json\"\noutput = \"out/{i:04}.json\"",
            server.base()
        )
        .unwrap();
    }
    d.write("requests.cfg", config);
    let r = run(
        "curl",
        d.tmp.path(),
        &[
            "--parallel",
            "--parallel-max",
            "16",
            "--no-progress-meter",
            "-K",
            "requests.cfg",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "curl: {}", r.stderr);

    // Every answer is a certificate from this CA, every serial distinct.
    let mut handed_out: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..REQUESTS {
        let body = d.read(&format!("out/{i:04}.json"));
        let json: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("answer {i} is not JSON ({e}): {body}"));
        assert_eq!(json["success"], true, "answer {i}: {body}");
        let pem = json["result"]["certificate"].as_str().unwrap().to_owned();
        let cert = ParsedCertificate::from_pem(pem.as_bytes()).unwrap();
        assert_eq!(cert.issuer.common_name, "ca Root");
        let serial = decimal(&cert.serial);
        assert!(
            handed_out.insert(serial.clone(), pem).is_none(),
            "serial {serial} handed out twice"
        );
    }
    assert_eq!(handed_out.len(), REQUESTS);

    // Both replicas answered (access-log lines), about half each.
    for (n, server) in replicas.iter().enumerate() {
        let log = server.log();
        let answered = log.matches("\"POST /api/v1/cfssl/sign\" 200").count();
        assert_eq!(answered, REQUESTS / 2, "replica {n} answered {answered}");
    }

    // The database holds exactly these rows, with the certificates as handed out.
    let rows = pg.psql(
        DATABASE,
        "select convert_from(serial_number, 'UTF8') || '|' || convert_from(status, 'UTF8') || '|' || \
         replace(convert_from(pem, 'UTF8'), E'\\n', '~') from certificates",
    );
    let mut stored: BTreeMap<String, String> = BTreeMap::new();
    for line in rows.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.trim().splitn(3, '|');
        let (serial, status, pem) = (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap(),
            parts.next().unwrap().replace('~', "\n"),
        );
        assert_eq!(status, "good");
        assert!(
            stored.insert(serial.clone(), pem).is_none(),
            "row {serial} twice"
        );
    }
    assert_eq!(stored.len(), REQUESTS, "rows in the database");
    let stored_serials: BTreeSet<&String> = stored.keys().collect();
    let handed_serials: BTreeSet<&String> = handed_out.keys().collect();
    assert_eq!(stored_serials, handed_serials);
    for (serial, pem) in &handed_out {
        assert_eq!(stored[serial].trim(), pem.trim(), "row {serial}");
    }
}

/// Big-endian unsigned bytes as a decimal string (cfssl stores serials in decimal).
fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = vec![0];
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            let value = u32::from(*digit) * 256 + carry;
            *digit = (value % 10) as u8;
            carry = value / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}
