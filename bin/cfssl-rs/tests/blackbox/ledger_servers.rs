//! The offline CA of the README ("An offline CA with a certificate database"), black-box, on
//! real PostgreSQL and MariaDB servers the test starts itself (crates/testsupport-servers):
//! `db init`, `sign` and `sign -batch` recording, the rows as the server's own client (psql,
//! mariadb) reads them, `db list -json`, `revoke`, `crl` checked with `openssl verify
//! -crl_check`, `ocsprefresh`, `ocspdump` and `ocspserve` checked with `openssl ocsp`,
//! `certinfo -serial -aki`; then the refusals: `db init` on a database with tables, a wrong
//! password, a closed port.
//!
//! One server per driver per run: each driver's whole sequence is one test, so a server is
//! started once and stopped (by its guard) even when a step fails. Without the server or its
//! client, a driver's test fails under CI=true and prints a skip line otherwise.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use cfssl_testsupport_servers::{Mariadb, Postgres, tool_available};
use common::{Dir, Run, require_tool};

const USER: &str = "cfssl";
const PASSWORD: &str = "cfssl-secret";
const DATABASE: &str = "certdb";
const ECDSA: &str = r#"{"algo":"ecdsa","size":256}"#;
const CONFIG: &str = r#"{"signing":{"default":{"expiry":"8760h","usages":["digital signature","server auth"]},
 "profiles":{"ocsp":{"expiry":"8760h","usages":["digital signature","ocsp signing"]}}}}"#;

/// What differs between the servers: the db-config, the SQL to read a column as text, the
/// client, the drivers' error texts.
trait Sql {
    fn driver(&self) -> &'static str;
    /// `data_source` for [`USER`] with `password`, on `port` (the server's when `None`).
    fn data_source(&self, password: &str, port: Option<u16>) -> String;
    /// The rows of `sql` on [`DATABASE`] from the server's own client, fields joined by `|`.
    fn query(&self, sql: &str) -> String;
    /// A binary (Go string) column as text.
    fn text(&self, column: &str) -> String;
    /// A time column as `YYYY-MM-DDTHH:MM:SSZ`, the UTC wall-clock time cfssl wrote.
    fn time(&self, column: &str) -> String;
    /// How cfssl stores Go's zero time (a good certificate's `revoked_at`), in that form.
    fn zero_time(&self) -> &'static str;
    /// cfssl's message for a wrong password.
    fn wrong_password(&self) -> String;
    /// cfssl's message for a closed port (`127.0.0.1:1`).
    fn refused(&self) -> &'static str;

    fn db_config(&self, password: &str, port: Option<u16>) -> String {
        serde_json::json!({"driver": self.driver(), "data_source": self.data_source(password, port)})
            .to_string()
    }
}

impl Sql for Postgres {
    fn driver(&self) -> &'static str {
        "postgres"
    }
    fn data_source(&self, password: &str, port: Option<u16>) -> String {
        format!(
            "postgres://{USER}:{password}@127.0.0.1:{}/{DATABASE}?sslmode=disable",
            port.unwrap_or(self.port())
        )
    }
    fn query(&self, sql: &str) -> String {
        self.psql(DATABASE, sql)
    }
    fn text(&self, column: &str) -> String {
        format!("convert_from({column}, 'UTF8')")
    }
    fn time(&self, column: &str) -> String {
        format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
    }
    fn zero_time(&self) -> &'static str {
        "0001-01-01T00:00:00Z"
    }
    fn wrong_password(&self) -> String {
        format!("pq: password authentication failed for user \\\"{USER}\\\"")
    }
    fn refused(&self) -> &'static str {
        "dial tcp 127.0.0.1:1: connect: connection refused"
    }
}

impl Sql for Mariadb {
    fn driver(&self) -> &'static str {
        "mysql"
    }
    fn data_source(&self, password: &str, port: Option<u16>) -> String {
        format!(
            "{USER}:{password}@tcp(127.0.0.1:{})/{DATABASE}?parseTime=true",
            port.unwrap_or(self.port())
        )
    }
    fn query(&self, sql: &str) -> String {
        Mariadb::query(self, DATABASE, sql).replace('\t', "|")
    }
    fn text(&self, column: &str) -> String {
        format!("CAST({column} AS CHAR)")
    }
    fn time(&self, column: &str) -> String {
        // The session keeps the server's time zone, as go-sql-driver's does, so this is the
        // text the driver wrote.
        format!("DATE_FORMAT({column}, '%Y-%m-%dT%H:%i:%sZ')")
    }
    fn zero_time(&self) -> &'static str {
        "0000-00-00T00:00:00Z"
    }
    fn wrong_password(&self) -> String {
        format!(
            "Error 1045 (28000): Access denied for user '{USER}'@'127.0.0.1' (using password: YES)"
        )
    }
    fn refused(&self) -> &'static str {
        "dial tcp 127.0.0.1:1: connect: connection refused"
    }
}

#[test]
fn offline_ca_on_postgres() {
    let what = "the offline CA on PostgreSQL";
    if !tool_available(Postgres::client().is_some(), "psql", what) {
        return;
    }
    let Some(pg) = Postgres::start(what) else {
        return;
    };
    pg.create_database(DATABASE, USER, PASSWORD);
    offline_ca(&pg);
    refusals(&pg);
}

#[test]
fn offline_ca_on_mariadb() {
    let what = "the offline CA on MariaDB";
    if !tool_available(Mariadb::client().is_some(), "mariadb (client)", what) {
        return;
    }
    let Some(maria) = Mariadb::start(what) else {
        return;
    };
    maria.create_database(DATABASE, USER, PASSWORD);
    offline_ca(&maria);
    refusals(&maria);
}

/// A certificate's serial (decimal), AKI (lower-case hex), CN and notAfter as certinfo
/// reads them from the file.
struct Cert {
    file: String,
    serial: String,
    aki: String,
    cn: String,
    not_after: String,
}

fn cert(d: &Dir, file: &str) -> Cert {
    let info = d.cfssl(&["certinfo", "-cert", file]).json();
    let s = |k: &str| info[k].as_str().unwrap().to_owned();
    Cert {
        file: file.to_owned(),
        serial: s("serial_number"),
        aki: s("authority_key_id").replace(':', "").to_lowercase(),
        cn: info["subject"]["common_name"].as_str().unwrap().to_owned(),
        not_after: s("not_after"),
    }
}

fn sign_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "config.json",
        "-db-config",
        "db.json",
    ];
    args.extend_from_slice(extra);
    args
}

fn offline_ca(server: &dyn Sql) {
    require_tool("openssl");
    let driver = server.driver();
    let d = Dir::new();
    d.write("db.json", server.db_config(PASSWORD, None));
    d.write("config.json", CONFIG);

    // db init: cfssl's two tables and goose's, as the client sees them.
    let r = d.cfssl(&["db", "init", "-db-config", "db.json"]);
    r.ok();
    assert_eq!(r.stdout, "");
    let tables = server.query(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema IN ('public', 'certdb') ORDER BY table_name",
    );
    assert_eq!(
        tables, "certificates\ngoose_db_version\nocsp_responses\n",
        "{driver}"
    );
    assert_eq!(
        server.query("SELECT version_id FROM goose_db_version ORDER BY version_id"),
        "0\n1\n2\n",
        "{driver}"
    );

    // The CA (not recorded: -initca makes a root) and the OCSP responder (not recorded).
    d.root_ca("ca", ECDSA);
    d.write(
        "ocsp.json",
        format!(r#"{{"CN":"OCSP responder","key":{ECDSA}}}"#),
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

    // Two leaves with `sign` (one with a CA label), three with `sign -batch`.
    std::fs::create_dir(d.path("batch")).unwrap();
    for name in ["good", "bad", "b1", "b2", "b3"] {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{name}.example","hosts":["{name}.example"],"key":{ECDSA}}}"#),
        );
        let r = d.cfssl(&["genkey", &format!("{name}.json")]);
        r.ok();
        let csr = if name.starts_with('b') && name.len() == 2 {
            format!("batch/{name}.csr")
        } else {
            format!("{name}.csr")
        };
        d.save(&r, "csr", &csr);
    }
    let r = d.cfssl(&sign_args(&["-label", "primary", "good.csr"]));
    r.ok();
    d.save(&r, "cert", "good.pem");
    let r = d.cfssl(&sign_args(&["bad.csr"]));
    r.ok();
    d.save(&r, "cert", "bad.pem");
    d.cfssl(&sign_args(&["-batch", "batch"])).ok();
    // In the order of their CNs, as the queries below sort them.
    let certs: Vec<Cert> = [
        "batch/b1.pem",
        "batch/b2.pem",
        "batch/b3.pem",
        "bad.pem",
        "good.pem",
    ]
    .iter()
    .map(|f| cert(&d, f))
    .collect();
    let (bad, good) = (&certs[3], &certs[4]);

    // The rows, read by the server's own client.
    let rows = server.query(&format!(
        "SELECT {}, {}, {}, {}, reason, {}, {}, common_name FROM certificates \
         ORDER BY common_name",
        server.text("serial_number"),
        server.text("authority_key_identifier"),
        server.text("ca_label"),
        server.text("status"),
        server.time("expiry"),
        server.time("revoked_at"),
    ));
    let expected: String = certs
        .iter()
        .map(|c| {
            let label = if c.file == "good.pem" { "primary" } else { "" };
            format!(
                "{}|{}|{label}|good|0|{}|{}|{}\n",
                c.serial,
                c.aki,
                c.not_after,
                server.zero_time(),
                c.cn
            )
        })
        .collect();
    assert_eq!(rows, expected, "{driver}");
    for c in &certs {
        let pem = server.query(&format!(
            "SELECT {} FROM certificates WHERE {} = '{}'",
            server.text("pem"),
            server.text("serial_number"),
            c.serial
        ));
        assert_eq!(
            pem,
            format!("{}\n", d.read(&c.file)),
            "{driver}: {}",
            c.file
        );
    }

    // db list -json: the same five rows.
    let r = d.cfssl(&["db", "list", "-db-config", "db.json", "-json"]);
    r.ok();
    let listed = r.json();
    let mut serials: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            assert_eq!(row["status"], "good", "{driver}: {row}");
            assert_eq!(row["authority_key_identifier"], good.aki.as_str());
            row["serial_number"].as_str().unwrap()
        })
        .collect();
    serials.sort_unstable();
    let mut expected: Vec<&str> = certs.iter().map(|c| c.serial.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(serials, expected, "{driver}");

    // revoke, as the client sees it.
    let r = d.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad.serial,
        "-aki",
        &bad.aki,
        "-reason",
        "keyCompromise",
    ]);
    r.ok();
    assert_eq!(r.stdout, "");
    let row = server.query(&format!(
        "SELECT {}, reason, {} <> '{}' FROM certificates WHERE {} = '{}'",
        server.text("status"),
        server.time("revoked_at"),
        server.zero_time(),
        server.text("serial_number"),
        bad.serial
    ));
    let yes = if driver == "postgres" { "t" } else { "1" };
    assert_eq!(row, format!("revoked|1|{yes}\n"), "{driver}");

    // crl from the database: openssl refuses the revoked leaf and accepts the other.
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
    let der = base64::engine::general_purpose::STANDARD
        .decode(r.stdout.trim())
        .unwrap();
    d.write("crl.der", der);
    d.openssl(&["crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem"])
        .ok();
    let verify = |file: &str| {
        d.openssl(&[
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "crl.pem",
            file,
        ])
    };
    let r = verify("good.pem");
    assert_eq!(r.code, 0, "{driver}: {}{}", r.stdout, r.stderr);
    let r = verify("bad.pem");
    assert_ne!(r.code, 0, "{driver}");
    assert!(
        (r.stdout.clone() + &r.stderr).contains("certificate revoked"),
        "{driver}: {}{}",
        r.stdout,
        r.stderr
    );

    // ocsprefresh stores a response per row; ocspdump prints them; openssl reads each.
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
    assert_eq!(
        server.query("SELECT COUNT(*) FROM ocsp_responses"),
        "5\n",
        "{driver}"
    );
    let dump = d.cfssl(&["ocspdump", "-db-config", "db.json"]);
    dump.ok();
    let responses: Vec<&str> = dump.stdout.lines().collect();
    assert_eq!(responses.len(), 5, "{driver}: {}", dump.stdout);
    for (i, line) in responses.iter().enumerate() {
        let der = base64::engine::general_purpose::STANDARD
            .decode(line)
            .unwrap();
        d.write(&format!("dump-{i}.der"), der);
    }
    for (c, status) in [(good, "good"), (bad, "revoked")] {
        // The dumped response for this certificate is the one openssl finds a status in.
        let answers: Vec<Run> = (0..responses.len())
            .map(|i| {
                d.openssl(&[
                    "ocsp",
                    "-respin",
                    &format!("dump-{i}.der"),
                    "-issuer",
                    "ca.pem",
                    "-cert",
                    &c.file,
                    "-CAfile",
                    "ca.pem",
                    "-VAfile",
                    "ocsp.pem",
                ])
            })
            .filter(|r| r.stdout.contains(&format!("{}: ", c.file)) && !r.stdout.contains("ERROR"))
            .collect();
        assert_eq!(answers.len(), 1, "{driver}: {}", c.file);
        check_ocsp(&answers[0], &c.file, status, driver);
    }

    // ocspserve from the database, asked over HTTP.
    let server_process = OcspServe::start(&d);
    for (c, status) in [(good, "good"), (bad, "revoked")] {
        let r = d.openssl(&[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            &c.file,
            "-url",
            &server_process.url,
            "-CAfile",
            "ca.pem",
            "-VAfile",
            "ocsp.pem",
        ]);
        check_ocsp(&r, &c.file, status, driver);
    }
    drop(server_process);

    // certinfo from the database.
    let r = d.cfssl(&[
        "certinfo",
        "-db-config",
        "db.json",
        "-serial",
        &good.serial,
        "-aki",
        &good.aki,
    ]);
    r.ok();
    let info = r.json();
    assert_eq!(info["serial_number"], good.serial.as_str(), "{driver}");
    assert_eq!(info["subject"]["common_name"], "good.example", "{driver}");
    assert_eq!(info["pem"], d.read("good.pem").as_str(), "{driver}");

    // db init on this database now refuses, naming its tables, and changes nothing.
    d.cfssl(&["db", "init", "-db-config", "db.json"])
        .fails_with(
            "the database is not empty (tables: certificates, goose_db_version, ocsp_responses)",
        );
    assert_eq!(
        server.query("SELECT COUNT(*) FROM certificates"),
        "5\n",
        "{driver}"
    );
}

fn check_ocsp(r: &Run, file: &str, status: &str, driver: &str) {
    assert_eq!(r.code, 0, "{driver}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("{file}: {status}")),
        "{driver}: {}",
        r.stdout
    );
    assert!(
        r.stderr.contains("Response verify OK"),
        "{driver}: {}",
        r.stderr
    );
    if status == "revoked" {
        assert!(
            r.stdout.contains("Reason: keyCompromise"),
            "{driver}: {}",
            r.stdout
        );
    }
}

/// `ocspserve -db-config` on a free port, killed when dropped.
struct OcspServe {
    child: Child,
    url: String,
}

impl OcspServe {
    fn start(d: &Dir) -> OcspServe {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
            .args(["ocspserve", "-db-config", "db.json", "-port", "0"])
            .current_dir(d.tmp.path())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut server = OcspServe {
            child,
            url: String::new(),
        };
        let mut log = String::new();
        for line in stderr.lines() {
            let line = line.unwrap();
            log.push_str(&line);
            if let Some(rest) = line.split("Now listening on ").nth(1) {
                server.url = format!("http://{}", rest.trim());
                break;
            }
        }
        assert!(!server.url.is_empty(), "ocspserve did not start: {log}");
        server
    }
}

impl Drop for OcspServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A wrong password and a closed port: the driver's message as cfssl prints it, exit 1,
/// nothing on stdout, from a command that reads and from one that would print a certificate.
fn refusals(server: &dyn Sql) {
    let driver = server.driver();
    let d = Dir::new();
    d.root_ca("ca", ECDSA);
    d.write("config.json", CONFIG);
    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example","hosts":["leaf.example"]}"#,
    );
    d.write("wrong.json", server.db_config("not-the-password", None));
    d.write("closed.json", server.db_config(PASSWORD, Some(1)));
    for (config, message) in [
        ("wrong.json", server.wrong_password()),
        ("closed.json", server.refused().to_owned()),
    ] {
        let expected = format!(r#"{{"code":11000,"message":"{message}"}}"#);
        d.cfssl(&["db", "list", "-db-config", config])
            .fails_with(&expected);
        let r = d.cfssl(&[
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
            "-db-config",
            config,
            "leaf.json",
        ]);
        r.fails_with(&expected);
        assert!(
            !r.stderr.contains("BEGIN"),
            "{driver}: a key or certificate on stderr: {}",
            r.stderr
        );
    }
}
