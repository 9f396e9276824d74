//! Black-box tests of `cfssl-rs serve` (docs/cfssl-lifecycle.md §7–§8): servers on free
//! ports, killed by PID when a test ends (pass or fail); answers checked with curl, the
//! certificates with openssl, the certdb with sqlite3, tokens with Python's hmac, and
//! Debian's cfssl 1.2 as a client.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Dir, Run, require_tool, run};

const CONFIG: &str = r#"{
  "signing": {
    "default": {"expiry": "8760h", "usages": ["signing", "key encipherment", "server auth"]},
    "profiles": {
      "server": {"expiry": "8760h", "usages": ["signing", "key encipherment", "server auth"]},
      "authed": {"expiry": "720h", "usages": ["signing", "key encipherment", "server auth"], "auth_key": "key1"}
    }
  },
  "auth_keys": {"key1": {"type": "standard", "key": "00112233445566778899aabbccddeeff"}}
}"#;

const ECDSA: &str = r#"{"algo":"ecdsa","size":256}"#;

/// A running `cfssl-rs serve` on a free port (the shared guard of common/server.rs:
/// killed by PID when dropped, its stderr collected as it comes).
struct Serve(common::server::Server);

impl Serve {
    /// Starts `serve ARGS -port 0` in `d` and waits for `Now listening`.
    fn start(d: &Dir, args: &[&str]) -> Serve {
        let mut full = vec!["serve"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["-port", "0"]);
        Serve(common::server::Server::start(d.tmp.path(), &full))
    }

    fn url(&self, endpoint: &str) -> String {
        format!("{}/api/v1/cfssl/{endpoint}", self.0.base())
    }
}

impl std::ops::Deref for Serve {
    type Target = common::server::Server;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Serve {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// An HTTP answer as curl saw it.
struct Answer {
    status: u16,
    headers: String,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    fn result_str(&self, field: &str) -> String {
        self.json()["result"][field]
            .as_str()
            .unwrap_or_else(|| panic!("no result.{field}: {}", self.body))
            .to_owned()
    }

    /// Asserts cfssl's error answer: status, text/plain + nosniff, the exact envelope.
    fn is_error(&self, status: u16, code: i64, message: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.headers
                .contains("Content-Type: text/plain; charset=utf-8"),
            "{}",
            self.headers
        );
        assert!(
            self.headers.contains("X-Content-Type-Options: nosniff"),
            "{}",
            self.headers
        );
        let expected = serde_json::json!({
            "success": false, "result": null,
            "errors": [{"code": code, "message": message}], "messages": []
        });
        assert_eq!(self.json(), expected, "{}", self.body);
        assert!(self.body.ends_with("}\n"));
    }

    fn is_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(
            self.headers.contains("Content-Type: application/json"),
            "{}",
            self.headers
        );
        let json = self.json();
        assert_eq!(json["success"], true);
        assert_eq!(json["errors"], serde_json::json!([]));
        self
    }
}

/// curl with `args`, in `d`; `-s -i` are added. Returns status, headers, body.
fn curl(d: &Dir, args: &[&str]) -> Answer {
    require_tool("curl");
    let mut all = vec!["-s", "-i"];
    all.extend_from_slice(args);
    let r = run("curl", d.tmp.path(), &all, b"");
    assert_eq!(r.code, 0, "curl {args:?} failed: {}", r.stderr);
    parse_http(&r.stdout)
}

fn parse_http(text: &str) -> Answer {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        headers: head.to_owned(),
        body: body.to_owned(),
    }
}

/// POSTs the file `name` (curl `-d @name`) to `url`.
fn post_file(d: &Dir, url: &str, name: &str) -> Answer {
    curl(d, &["--data-binary", &format!("@{name}"), url])
}

/// POSTs `body` to `url`.
fn post(d: &Dir, url: &str, body: &str) -> Answer {
    curl(d, &["--data-binary", body, url])
}

/// A JSON string literal.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A CA (ca.pem, ca-key.pem), the config, a sqlite certdb (certs.db) and a CSR (leaf.csr).
fn setup(d: &Dir) {
    require_tool("sqlite3");
    d.root_ca("ca", ECDSA);
    d.write("config.json", CONFIG);
    d.write(
        "db.json",
        r#"{"driver":"sqlite3","data_source":"certs.db"}"#,
    );
    d.cfssl(&["db", "init", "-db-config", "db.json"]).ok();
    d.write(
        "leaf-csr.json",
        r#"{"CN":"leaf.example.com","hosts":["leaf.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&["genkey", "leaf-csr.json"]);
    r.ok();
    d.save(&r, "csr", "leaf.csr");
}

fn sqlite(d: &Dir, sql: &str) -> String {
    let r = run("sqlite3", d.tmp.path(), &["certs.db", sql], b"");
    assert_eq!(r.code, 0, "sqlite3: {}", r.stderr);
    r.stdout.trim().to_owned()
}

fn row_count(d: &Dir) -> usize {
    sqlite(d, "select count(*) from certificates")
        .parse()
        .unwrap()
}

/// Saves `pem` as `name` and checks it with `openssl verify -CAfile ca.pem`.
fn verify_with_ca(d: &Dir, pem: &str, name: &str) {
    d.write(name, pem);
    let r = d.openssl(&["verify", "-CAfile", "ca.pem", name]);
    assert_eq!(r.code, 0, "openssl verify: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(": OK"), "{}", r.stdout);
}

/// openssl's serial of a PEM file, in decimal as the certdb stores it.
fn decimal_serial(d: &Dir, name: &str) -> String {
    let r = d.openssl(&["x509", "-in", name, "-noout", "-serial"]);
    let hex = r.stdout.trim().trim_start_matches("serial=");
    let r = run(
        "python3",
        d.tmp.path(),
        &["-c", &format!("print(int('{hex}', 16))")],
        b"",
    );
    r.stdout.trim().to_owned()
}

#[test]
fn every_endpoint_answers_like_cfssl() {
    let d = Dir::new();
    setup(&d);
    // An OCSP responder certificate issued by the CA.
    d.write(
        "ocsp-csr.json",
        r#"{"CN":"OCSP responder","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "ocsp-csr.json",
    ]);
    r.ok();
    d.save(&r, "cert", "ocsp.pem");
    d.save(&r, "key", "ocsp-key.pem");
    let s = Serve::start(
        &d,
        &[
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
            "-db-config",
            "db.json",
            "-responder",
            "ocsp.pem",
            "-responder-key",
            "ocsp-key.pem",
        ],
    );
    let log = s.log();
    for enabled in [
        "sign", "authsign", "info", "newcert", "newkey", "init_ca", "certinfo", "crl", "gencrl",
        "revoke", "ocspsign", "health", "scaninfo",
    ] {
        assert!(
            log.contains(&format!(
                "[INFO] endpoint '/api/v1/cfssl/{enabled}' is enabled"
            )),
            "{enabled}: {log}"
        );
    }
    assert!(log.contains("[WARNING] endpoint 'scan' is disabled: "));
    assert!(log.contains("[INFO] Handler set up complete."));

    // health, and the wrong method.
    let a = curl(&d, &[&s.url("health")]);
    a.is_ok();
    assert_eq!(
        a.body,
        "{\"success\":true,\"result\":{\"healthy\":true},\"errors\":[],\"messages\":[]}\n"
    );
    curl(&d, &["-X", "POST", &s.url("health")]).is_error(
        405,
        405,
        "Method is not allowed:\"POST\"",
    );
    curl(&d, &[&s.url("sign")]).is_error(405, 405, "Method is not allowed:\"GET\"");
    let a = curl(
        &d,
        &[&format!("http://127.0.0.1:{}/api/v1/cfssl/nosuch", s.port)],
    );
    assert_eq!((a.status, a.body.as_str()), (404, "404 page not found\n"));

    // info: the CA certificate without its final newline, the profile's usages and expiry.
    let a = post(&d, &s.url("info"), r#"{"profile":"authed"}"#);
    a.is_ok();
    assert_eq!(a.result_str("certificate"), d.read("ca.pem").trim_end());
    assert_eq!(
        a.json()["result"]["usages"],
        serde_json::json!(["signing", "key encipherment", "server auth"])
    );
    assert_eq!(a.result_str("expiry"), "720h");
    post(&d, &s.url("info"), "junk").is_error(
        400,
        400,
        "invalid character 'j' looking for beginning of value",
    );

    // sign: issued by the CA, with the requested hosts, recorded before it is returned.
    let csr = d.read("leaf.csr");
    d.write(
        "sign.json",
        format!(
            r#"{{"certificate_request":{},"profile":"server","hosts":["api.example.com","10.9.9.9"]}}"#,
            quoted(&csr)
        ),
    );
    let a = post_file(&d, &s.url("sign"), "sign.json");
    a.is_ok();
    let cert = a.result_str("certificate");
    verify_with_ca(&d, &cert, "signed.pem");
    let r = d.openssl(&[
        "x509",
        "-in",
        "signed.pem",
        "-noout",
        "-ext",
        "subjectAltName",
    ]);
    assert!(
        r.stdout
            .contains("DNS:api.example.com, IP Address:10.9.9.9"),
        "{}",
        r.stdout
    );
    let serial = decimal_serial(&d, "signed.pem");
    assert_eq!(
        sqlite(
            &d,
            &format!("select status, common_name from certificates where serial_number='{serial}'")
        ),
        "good|leaf.example.com"
    );
    // `hostname` wins over `hosts`; `subject` replaces the CSR's subject.
    d.write(
        "sign-subject.json",
        format!(
            r#"{{"certificate_request":{},"hostname":"h1.example.com,10.1.1.1","hosts":["ignored.example.com"],"subject":{{"CN":"Override","names":[{{"O":"Over Org"}}]}}}}"#,
            quoted(&csr)
        ),
    );
    let a = post_file(&d, &s.url("sign"), "sign-subject.json");
    a.is_ok();
    d.write("subject.pem", a.result_str("certificate"));
    let r = d.openssl(&[
        "x509",
        "-in",
        "subject.pem",
        "-noout",
        "-subject",
        "-ext",
        "subjectAltName",
    ]);
    assert!(
        r.stdout.contains("O = Over Org, CN = Override"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("DNS:h1.example.com, IP Address:10.1.1.1"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("ignored"), "{}", r.stdout);
    assert!(
        s.wait_for_log("\"POST /api/v1/cfssl/sign\" 200")
            .contains("\"POST /api/v1/cfssl/sign\" 200")
    );

    // Refused sign requests: nothing recorded, each with cfssl's answer.
    let before = row_count(&d);
    post(&d, &s.url("sign"), r#"{"certificate_request":""}"#).is_error(
        400,
        400,
        "missing parameter 'certificate_request'",
    );
    post(&d, &s.url("sign"), "x").is_error(400, 400, "Unable to parse sign request");
    post(&d, &s.url("sign"), r#"{"certificate_request":"junk"}"#).is_error(
        400,
        9002,
        "CSR Decode failed",
    );
    assert!(
        s.wait_for_log("\" 9002")
            .contains("\"POST /api/v1/cfssl/sign\" 9002")
    );
    d.write(
        "authed.json",
        format!(
            r#"{{"certificate_request":{},"profile":"authed"}}"#,
            quoted(&csr)
        ),
    );
    post_file(&d, &s.url("sign"), "authed.json").is_error(400, 400, "authentication required");
    d.write(
        "nosuch.json",
        format!(
            r#"{{"certificate_request":{},"profile":"nosuch"}}"#,
            quoted(&csr)
        ),
    );
    let a = post_file(&d, &s.url("sign"), "nosuch.json");
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("nosuch"), "{}", a.body);
    // A CSR whose signature does not verify: one bit of the signature flipped.
    let tampered = run(
        "python3",
        d.tmp.path(),
        &[
            "-c",
            "import base64,re;t=open('leaf.csr').read();b=bytearray(base64.b64decode(''.join(t.splitlines()[1:-1])));b[-3]^=1;e=base64.b64encode(bytes(b)).decode();print('-----BEGIN CERTIFICATE REQUEST-----\\n'+'\\n'.join(e[i:i+64] for i in range(0,len(e),64))+'\\n-----END CERTIFICATE REQUEST-----')",
        ],
        b"",
    );
    d.write(
        "tampered.json",
        format!(r#"{{"certificate_request":{}}}"#, quoted(&tampered.stdout)),
    );
    let a = post_file(&d, &s.url("sign"), "tampered.json");
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.json()["success"], false);
    assert_eq!(row_count(&d), before, "a refused request left a row");

    // authsign: a token computed by Python's hmac over the request bytes.
    let token = run(
        "python3",
        d.tmp.path(),
        &[
            "-c",
            "import base64,hashlib,hmac,json\nreq=open('authed.json','rb').read()\nkey=bytes.fromhex('00112233445566778899aabbccddeeff')\nt=hmac.new(key,req,hashlib.sha256).digest()\nprint(json.dumps({'token':base64.b64encode(t).decode(),'request':base64.b64encode(req).decode()}))\nt=bytes([t[0]^1])+t[1:]\nopen('bad-token.json','w').write(json.dumps({'token':base64.b64encode(t).decode(),'request':base64.b64encode(req).decode()}))",
        ],
        b"",
    );
    d.write("authsign.json", token.stdout.trim());
    let a = post_file(&d, &s.url("authsign"), "authsign.json");
    a.is_ok();
    verify_with_ca(&d, &a.result_str("certificate"), "authsigned.pem");
    let r = d.openssl(&[
        "x509",
        "-in",
        "authsigned.pem",
        "-noout",
        "-enddate",
        "-startdate",
    ]);
    assert!(r.stdout.contains("notAfter"), "{}", r.stdout);
    let before = row_count(&d);
    post_file(&d, &s.url("authsign"), "bad-token.json").is_error(400, 400, "invalid token");
    post(&d, &s.url("authsign"), r#"{"token":"!!"}"#).is_error(
        400,
        400,
        "json: cannot unmarshal string into Go struct field AuthenticatedRequest.token of type []uint8: illegal base64 data at input byte 0",
    );
    post(
        &d,
        &s.url("authsign"),
        r#"{"token":"","request":"bm90IGpzb24="}"#,
    )
    .is_error(400, 400, "Unable to parse authenticated sign request");
    assert_eq!(row_count(&d), before);

    // newkey: key and CSR match (openssl), sums are the CSR DER's upper-case digests.
    let a = post(
        &d,
        &s.url("newkey"),
        r#"{"CN":"newkey.example.com","hosts":["newkey.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    a.is_ok();
    d.write("newkey.pem", a.result_str("private_key"));
    d.write("newkey.csr", a.result_str("certificate_request"));
    let key_pub = d.openssl(&["pkey", "-in", "newkey.pem", "-pubout"]).stdout;
    let csr_pub = d
        .openssl(&["req", "-in", "newkey.csr", "-noout", "-pubkey"])
        .stdout;
    assert_eq!(key_pub, csr_pub);
    d.openssl(&[
        "req",
        "-in",
        "newkey.csr",
        "-outform",
        "DER",
        "-out",
        "newkey.der",
    ]);
    let sha256 = d.openssl(&["dgst", "-sha256", "-r", "newkey.der"]).stdout;
    let sha256 = sha256.split_whitespace().next().unwrap().to_uppercase();
    assert_eq!(
        a.json()["result"]["sums"]["certificate_request"]["sha-256"],
        serde_json::Value::String(sha256)
    );
    post(&d, &s.url("newkey"), r#"{"CN":"x","ca":{"expiry":"1h"}}"#).is_error(
        400,
        400,
        "ca section only permitted in initca",
    );
    post(
        &d,
        &s.url("newkey"),
        r#"{"CN":"x","key":{"algo":"rsa","size":512}}"#,
    )
    .is_error(400, 2400, "RSA key is too weak");

    // newcert: recorded with its label; no hosts → cfssl's 5300 message.
    let a = post(
        &d,
        &s.url("newcert"),
        r#"{"request":{"CN":"newcert.example.com","hosts":["newcert.example.com"]},"profile":"server","label":"apilabel"}"#,
    );
    a.is_ok();
    assert_eq!(a.json()["messages"], serde_json::json!([]));
    verify_with_ca(&d, &a.result_str("certificate"), "newcert.pem");
    let serial = decimal_serial(&d, "newcert.pem");
    assert_eq!(
        sqlite(
            &d,
            &format!("select ca_label from certificates where serial_number='{serial}'")
        ),
        "apilabel"
    );
    let a = post(&d, &s.url("newcert"), r#"{"request":{"CN":"nohosts"}}"#);
    a.is_ok();
    assert_eq!(a.json()["messages"][0]["code"], 5300);
    assert!(
        a.json()["messages"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("This certificate lacks a \"hosts\" field.")
    );
    let before = row_count(&d);
    post(
        &d,
        &s.url("newcert"),
        r#"{"request":{"CN":"x"},"profile":"authed"}"#,
    )
    .is_error(
        400,
        400,
        "authentication required (this profile has an auth_key: use authsign with a token)",
    );
    post(&d, &s.url("newcert"), r#"{"request":null}"#).is_error(
        400,
        400,
        "missing request section",
    );
    assert_eq!(row_count(&d), before);

    // init_ca: a self-signed CA.
    let a = post(
        &d,
        &s.url("init_ca"),
        r#"{"CN":"API Root","key":{"algo":"ecdsa","size":256}}"#,
    );
    a.is_ok();
    d.write("api-root.pem", a.result_str("certificate"));
    let r = d.openssl(&["verify", "-CAfile", "api-root.pem", "api-root.pem"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // certinfo by certificate and from the certdb.
    let signed_serial = decimal_serial(&d, "signed.pem");
    let a = post(
        &d,
        &s.url("certinfo"),
        &format!(r#"{{"certificate":{}}}"#, quoted(&d.read("signed.pem"))),
    );
    a.is_ok();
    assert_eq!(a.result_str("serial_number"), signed_serial);
    let aki = sqlite(
        &d,
        &format!(
            "select authority_key_identifier from certificates where serial_number='{signed_serial}'"
        ),
    );
    let a = post(
        &d,
        &s.url("certinfo"),
        &format!(r#"{{"serial":"{signed_serial}","authority_key_id":"{aki}"}}"#),
    );
    a.is_ok();
    assert_eq!(
        a.json()["result"]["subject"]["common_name"],
        "leaf.example.com"
    );
    post(&d, &s.url("certinfo"), r#"{"serial":"1"}"#).is_error(
        400,
        400,
        "no valid parameter sets found",
    );
    post(
        &d,
        &s.url("certinfo"),
        r#"{"serial":"1","authority_key_id":"ab"}"#,
    )
    .is_error(500, 0, "no certificate found");
    post(&d, &s.url("certinfo"), r#"{"serial":1}"#).is_error(
        500,
        0,
        "json: cannot unmarshal number into Go struct field .serial of type string",
    );

    // revoke, then crl lists it (openssl), and the row says revoked (sqlite3).
    post(
        &d,
        &s.url("revoke"),
        &format!(
            r#"{{"serial":"{signed_serial}","authority_key_id":"{aki}","reason":"superseded"}}"#
        ),
    )
    .is_ok();
    assert_eq!(
        sqlite(
            &d,
            &format!(
                "select status, reason from certificates where serial_number='{signed_serial}'"
            )
        ),
        "revoked|4"
    );
    post(&d, &s.url("revoke"), r#"{"serial":"1","reason":"0"}"#).is_error(
        400,
        400,
        "Invalid reason code",
    );
    post(&d, &s.url("revoke"), r#"{"serial":""}"#).is_error(
        400,
        400,
        "serial number is required but not provided",
    );
    post(
        &d,
        &s.url("revoke"),
        &format!(r#"{{"serial":"123","authority_key_id":"{aki}"}}"#),
    )
    .is_error(
        400,
        11200,
        "failed to revoke the certificate: certificate not found",
    );
    post(&d, &s.url("revoke"), "x").is_error(400, 400, "Unable to parse revocation request");
    let a = curl(&d, &[&format!("{}?expiry=1h", s.url("crl"))]);
    a.is_ok();
    let der = base64_decode(a.json()["result"].as_str().unwrap());
    d.write("api.crl", der);
    let r = d.openssl(&[
        "crl", "-inform", "DER", "-in", "api.crl", "-noout", "-text", "-CAfile", "ca.pem",
    ]);
    assert!(
        r.stderr.contains("verify OK") || r.stdout.contains("verify OK"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let hex_serial = d
        .openssl(&["x509", "-in", "signed.pem", "-noout", "-serial"])
        .stdout
        .trim()
        .trim_start_matches("serial=")
        .to_owned();
    assert!(r.stdout.contains(&hex_serial), "{}", r.stdout);
    assert!(r.stdout.contains("Superseded"), "{}", r.stdout);
    curl(&d, &[&format!("{}?expiry=bogus", s.url("crl"))]).is_error(
        500,
        0,
        "time: invalid duration \"bogus\"",
    );

    // ocspsign: openssl reads the response.
    let a = post(
        &d,
        &s.url("ocspsign"),
        &format!(
            r#"{{"certificate":{},"status":"revoked","reason":4,"revoked_at":"2026-03-04","issuer_hash":"SHA256"}}"#,
            quoted(&d.read("newcert.pem"))
        ),
    );
    a.is_ok();
    d.write("api.ocsp", base64_decode(&a.result_str("ocspResponse")));
    let r = d.openssl(&["ocsp", "-respin", "api.ocsp", "-resp_text", "-noverify"]);
    for line in [
        "Hash Algorithm: sha256",
        "Cert Status: revoked",
        "Revocation Time: Mar  4 00:00:00 2026 GMT",
        "Revocation Reason: superseded (0x4)",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    post(&d, &s.url("ocspsign"), r#"{"certificate":"junk"}"#).is_error(
        400,
        400,
        "Malformed certificate",
    );
    post(
        &d,
        &s.url("ocspsign"),
        &format!(
            r#"{{"certificate":{},"status":"bad"}}"#,
            quoted(&d.read("newcert.pem"))
        ),
    )
    .is_error(400, 8200, "Invalid revocation status");

    // gencrl: the listed serial, signed by the given key.
    let a = post(
        &d,
        &s.url("gencrl"),
        &format!(
            r#"{{"certificate":{},"serialNumber":["12345"],"issuingKey":{},"expireTime":"3600"}}"#,
            quoted(&d.read("ca.pem")),
            quoted(&d.read("ca-key.pem"))
        ),
    );
    a.is_ok();
    d.write(
        "gen.crl",
        base64_decode(a.json()["result"].as_str().unwrap()),
    );
    let r = d.openssl(&["crl", "-inform", "DER", "-in", "gen.crl", "-noout", "-text"]);
    assert!(r.stdout.contains("Serial Number: 3039"), "{}", r.stdout);

    // scaninfo: no scanner families.
    let a = curl(&d, &[&s.url("scaninfo")]);
    a.is_ok();
    assert_eq!(a.json()["result"], serde_json::json!({}));

    // An oversized body: 413 before it is read, and the server still answers.
    let big = "x".repeat(2 * 1024 * 1024);
    d.write("big.json", &big);
    let a = curl(&d, &["--data-binary", "@big.json", &s.url("sign")]);
    assert_eq!(a.status, 413, "{}", a.headers);
    curl(&d, &[&s.url("health")]).is_ok();
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn a_failed_insert_returns_nothing_and_the_server_goes_on() {
    let d = Dir::new();
    setup(&d);
    let s = Serve::start(
        &d,
        &[
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
            "-db-config",
            "db.json",
        ],
    );
    // The table disappears under the running server.
    sqlite(&d, "drop table certificates");
    let csr = d.read("leaf.csr");
    d.write(
        "sign.json",
        format!(r#"{{"certificate_request":{}}}"#, quoted(&csr)),
    );
    let a = post_file(&d, &s.url("sign"), "sign.json");
    assert_eq!(a.status, 400, "{}", a.body);
    let json = a.json();
    assert_eq!(json["success"], false);
    assert_eq!(json["result"], serde_json::Value::Null);
    assert_eq!(json["errors"][0]["code"], 11000, "{}", a.body);
    assert!(!a.body.contains("BEGIN CERTIFICATE"));
    let a = post(
        &d,
        &s.url("newcert"),
        r#"{"request":{"CN":"x","hosts":["x.example"]}}"#,
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(!a.body.contains("PRIVATE KEY"));
    assert!(!a.body.contains("BEGIN CERTIFICATE"));
    assert!(
        s.wait_for_log("was not recorded, so it is not returned")
            .contains("was not recorded, so it is not returned")
    );
    curl(&d, &[&s.url("health")]).is_ok();
}

#[test]
fn cfssl_1_2_signs_and_reads_info_through_the_server() {
    require_tool("cfssl");
    let d = Dir::new();
    setup(&d);
    let s = Serve::start(
        &d,
        &[
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
        ],
    );
    for remote in [
        format!("http://127.0.0.1:{}", s.port),
        format!("localhost:{}", s.port),
    ] {
        let r = run(
            "cfssl",
            d.tmp.path(),
            &["sign", "-remote", &remote, "-profile", "server", "leaf.csr"],
            b"",
        );
        assert_eq!(r.code, 0, "cfssl sign -remote {remote}: {}", r.stderr);
        let cert = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["cert"]
            .as_str()
            .unwrap()
            .to_owned();
        verify_with_ca(&d, &cert, "remote.pem");
    }
    // The authed profile through cfssl's auth_remote: a token cfssl 1.2 computes.
    d.write(
        "client.json",
        format!(
            r#"{{"signing":{{"default":{{"auth_remote":{{"remote":"ca_server","auth_key":"key1"}}}}}},
 "auth_keys":{{"key1":{{"type":"standard","key":"00112233445566778899aabbccddeeff"}}}},
 "remotes":{{"ca_server":"localhost:{}"}}}}"#,
            s.port
        ),
    );
    let r = run(
        "cfssl",
        d.tmp.path(),
        &[
            "sign",
            "-config",
            "client.json",
            "-profile",
            "authed",
            "leaf.csr",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "cfssl sign with auth_remote: {}", r.stderr);
    let cert = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["cert"]
        .as_str()
        .unwrap()
        .to_owned();
    verify_with_ca(&d, &cert, "authremote.pem");
    // The same profile without a token is refused.
    let r: Run = run(
        "cfssl",
        d.tmp.path(),
        &[
            "sign",
            "-remote",
            &format!("http://127.0.0.1:{}", s.port),
            "-profile",
            "authed",
            "leaf.csr",
        ],
        b"",
    );
    assert_ne!(r.code, 0);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("authentication required"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(
        "cfssl",
        d.tmp.path(),
        &[
            "info",
            "-remote",
            &format!("http://127.0.0.1:{}", s.port),
            "-profile",
            "server",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "cfssl info -remote: {}", r.stderr);
    let info: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        info["certificate"].as_str().unwrap(),
        d.read("ca.pem").trim_end()
    );
    assert_eq!(info["expiry"], "8760h");
}

/// Server and client certificates for TLS tests: tls.pem/tls-key.pem (127.0.0.1,
/// localhost), clients-ca.pem and client.pem/client-key.pem with CN `allowed-client`,
/// other.pem/other-key.pem with CN `someone-else`.
fn tls_material(d: &Dir) {
    d.root_ca("ca", ECDSA);
    d.root_ca("clients-ca", ECDSA);
    d.write(
        "tls.json",
        r#"{"CN":"server","hosts":["127.0.0.1","localhost"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "tls.json",
    ]);
    r.ok();
    d.save(&r, "cert", "tls.pem");
    d.save(&r, "key", "tls-key.pem");
    for (name, cn) in [("client", "allowed-client"), ("other", "someone-else")] {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{cn}","key":{{"algo":"ecdsa","size":256}}}}"#),
        );
        let r = d.cfssl(&[
            "gencert",
            "-ca",
            "clients-ca.pem",
            "-ca-key",
            "clients-ca-key.pem",
            &format!("{name}.json"),
        ]);
        r.ok();
        d.save(&r, "cert", &format!("{name}.pem"));
        d.save(&r, "key", &format!("{name}-key.pem"));
    }
}

#[test]
fn tls_and_mutual_tls() {
    let d = Dir::new();
    tls_material(&d);
    let s = Serve::start(&d, &["-tls-cert", "tls.pem", "-tls-key", "tls-key.pem"]);
    assert!(
        s.log()
            .contains(&format!("Now listening on https://127.0.0.1:{}", s.port))
    );
    let https = format!("https://127.0.0.1:{}/api/v1/cfssl/health", s.port);
    // openssl checks the chain and the handshake.
    let r = run(
        "openssl",
        d.tmp.path(),
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", s.port),
            "-CAfile",
            "ca.pem",
            "-verify_return_error",
            "-brief",
        ],
        b"",
    );
    assert!(
        r.stderr.contains("Verification: OK") || r.stdout.contains("Verify return code: 0"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    curl(&d, &["--cacert", "ca.pem", &https]).is_ok();
    // TLS 1.3 only: a TLS 1.2 client is refused.
    drop(s);
    let s = Serve::start(
        &d,
        &[
            "-tls-cert",
            "tls.pem",
            "-tls-key",
            "tls-key.pem",
            "-min-tls-version",
            "1.3",
        ],
    );
    let r = run(
        "curl",
        d.tmp.path(),
        &[
            "-s",
            "--cacert",
            "ca.pem",
            "--tls-max",
            "1.2",
            &format!("https://127.0.0.1:{}/api/v1/cfssl/health", s.port),
        ],
        b"",
    );
    assert_ne!(r.code, 0, "a TLS 1.2 client was served: {}", r.stdout);
    drop(s);

    // Mutual TLS with a CN regex.
    let s = Serve::start(
        &d,
        &[
            "-tls-cert",
            "tls.pem",
            "-tls-key",
            "tls-key.pem",
            "-mutual-tls-ca",
            "clients-ca.pem",
            "-mutual-tls-cn",
            "^allowed-",
        ],
    );
    assert!(s.log().contains(&format!(
        "Now listening with mutual TLS on https://127.0.0.1:{}",
        s.port
    )));
    let https = format!("https://127.0.0.1:{}/api/v1/cfssl/health", s.port);
    let without = run(
        "curl",
        d.tmp.path(),
        &["-s", "--cacert", "ca.pem", &https],
        b"",
    );
    assert!(
        without.code != 0 || !without.stdout.contains("healthy"),
        "served without a client certificate: {}",
        without.stdout
    );
    curl(
        &d,
        &[
            "--cacert",
            "ca.pem",
            "--cert",
            "client.pem",
            "--key",
            "client-key.pem",
            &https,
        ],
    )
    .is_ok();
    let a = curl(
        &d,
        &[
            "--cacert",
            "ca.pem",
            "--cert",
            "other.pem",
            "--key",
            "other-key.pem",
            &https,
        ],
    );
    assert_eq!((a.status, a.body.as_str()), (403, "Invalid CN\n"));
    assert!(s.wait_for_log("Rejected client cert CN").contains(
        "[WARNING] Rejected client cert CN \"someone-else\" does not match regex ^allowed-"
    ));
    // A client certificate from another CA does not get through the handshake.
    let foreign = run(
        "curl",
        d.tmp.path(),
        &[
            "-s",
            "--cacert",
            "ca.pem",
            "--cert",
            "tls.pem",
            "--key",
            "tls-key.pem",
            &https,
        ],
        b"",
    );
    assert!(foreign.code != 0 || !foreign.stdout.contains("healthy"));
}

#[test]
fn bad_tls_settings_are_refused() {
    let d = Dir::new();
    tls_material(&d);
    let r = d.cfssl(&[
        "serve",
        "-tls-cert",
        "tls.pem",
        "-tls-key",
        "tls-key.pem",
        "-min-tls-version",
        "1.0",
        "-port",
        "0",
    ]);
    r.fails_with("rustls");
    let r = d.cfssl(&["serve", "-tls-cert", "tls.pem", "-port", "0"]);
    r.fails_with("-tls-cert and -tls-key go together");
    let r = d.cfssl(&[
        "serve",
        "-tls-cert",
        "tls.pem",
        "-tls-key",
        "tls-key.pem",
        "-mutual-tls-ca",
        "clients-ca.pem",
        "-mutual-tls-cn",
        "(",
        "-port",
        "0",
    ]);
    r.fails_with("malformed CN regex");
    let r = d.cfssl(&["serve", "-disable", "nosuch", "-port", "0"]);
    r.fails_with("-disable nosuch: no such endpoint");
    let r = d.cfssl(&["serve", "-int-dir", "x", "-port", "0"]);
    r.fails_with("-int-dir");
    let r = d.cfssl(&["serve", "-remote", "localhost:8888", "-port", "0"]);
    r.fails_with("-remote");
    // The TLS flags mean nothing to a command that runs no server.
    let r = d.cfssl(&["gencert", "-initca", "-tls-cert", "tls.pem", "x.json"]);
    r.fails_with("-tls-cert: cfssl-rs reads it only in `serve`");
}

#[test]
fn refuses_to_serve_the_ca_unauthenticated_beyond_loopback() {
    let d = Dir::new();
    setup(&d);
    let r = d.cfssl(&[
        "serve",
        "-address",
        "0.0.0.0",
        "-port",
        "0",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
    ]);
    r.fails_with("without client authentication");
    assert!(r.stderr.contains("newcert, sign"), "{}", r.stderr);
    assert!(r.stderr.contains("-allow-unauthenticated"), "{}", r.stderr);
    assert!(r.stderr.contains("-mutual-tls-ca"), "{}", r.stderr);
    // Way out 1: the endpoints turned off.
    let s = Serve::start(
        &d,
        &[
            "-address",
            "0.0.0.0",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-disable",
            "sign,newcert",
        ],
    );
    curl(&d, &[&s.url("health")]).is_ok();
    drop(s);
    // Way out 2: the risk accepted. Then a private key still never goes over plain HTTP
    // to a client that is not on loopback.
    let s = Serve::start(
        &d,
        &[
            "-address",
            "0.0.0.0",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-allow-unauthenticated",
        ],
    );
    curl(&d, &[&s.url("health")]).is_ok();
    let outside = non_loopback_address();
    if let Some(ip) = outside {
        let url = format!("http://{ip}:{}/api/v1/cfssl/newkey", s.port);
        let a = post(&d, &url, r#"{"CN":"x"}"#);
        assert_eq!(a.status, 403, "{}", a.body);
        assert!(
            a.body
                .contains("refusing to send a private key over plain HTTP")
        );
        assert!(!a.body.contains("PRIVATE KEY-----"));
    } else {
        println!("no non-loopback IPv4 address on this machine: key-over-HTTP check skipped");
    }
}

/// The machine's first non-loopback IPv4 address, if any (`hostname -I`).
fn non_loopback_address() -> Option<String> {
    let out = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|a| {
            a.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| !ip.is_loopback())
        })
        .map(str::to_owned)
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let d = Dir::new();
    let s = Serve::start(&d, &[]);
    // The head of a newkey request, its body held back.
    let body = br#"{"CN":"inflight.example.com","key":{"algo":"ecdsa","size":256}}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        stream,
        "POST /api/v1/cfssl/newkey HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = s.pid().to_string();
    let r = run("kill", d.tmp.path(), &["-TERM", &pid], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.read_to_string(&mut answer);
    let answer = parse_http(&answer);
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Chunked or not, the key is there.
    assert!(
        answer.body.contains("BEGIN EC PRIVATE KEY"),
        "{}",
        answer.body
    );
    // The server then exits by itself.
    let mut s = s;
    let start = Instant::now();
    loop {
        if let Some(status) = s.exited() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// With a SQLite certdb in the default rollback-journal mode, the server keeps the journal
/// between commits (`PERSIST`: no file created and removed per commit) and puts the file back in `DELETE`
/// mode when it stops: while it runs, `certs.db-journal` stays with a zeroed header, which
/// the sqlite3 CLI reads and writes past; after SIGTERM it is gone, the file reports
/// `delete`, and every row is there.
#[test]
fn the_sqlite_journal_is_kept_while_serving_and_removed_at_exit() {
    let d = Dir::new();
    setup(&d);
    let journal = d.tmp.path().join("certs.db-journal");
    let mut s = Serve::start(
        &d,
        &[
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
            "-db-config",
            "db.json",
        ],
    );
    let csr = d.read("leaf.csr");
    d.write(
        "sign.json",
        format!(r#"{{"certificate_request":{}}}"#, quoted(&csr)),
    );
    for _ in 0..3 {
        post_file(&d, &s.url("sign"), "sign.json").is_ok();
    }
    let header = std::fs::read(&journal).expect("the journal stays while serving");
    assert!(
        header.len() >= 28 && header[..28].iter().all(|&b| b == 0),
        "a kept journal's header is zero between commits"
    );
    assert_eq!(row_count(&d), 3);
    // Another writer (the sqlite3 CLI, DELETE mode) is not held up by it.
    sqlite(&d, "update certificates set reason = 0 where 0");
    post_file(&d, &s.url("sign"), "sign.json").is_ok();
    let status = s.terminate();
    assert!(status.success(), "exit status {status}");
    assert!(!journal.exists(), "serve left certs.db-journal behind");
    assert_eq!(sqlite(&d, "pragma journal_mode"), "delete");
    assert_eq!(row_count(&d), 4);
}

/// `bundle`: the lifecycle fixtures' root, intermediate and leaf (testdata/bundle); the
/// chain checked with `openssl verify`, the hostname check, the refusals; and `sign` with
/// `bundle: true`.
#[test]
fn bundle_endpoint_and_sign_with_bundle() {
    let d = Dir::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/bundle");
    for name in ["ca.pem", "int.pem", "leafb.pem"] {
        d.write(name, std::fs::read(fixtures.join(name)).unwrap());
    }
    d.root_ca("signer", ECDSA);
    let s = Serve::start(
        &d,
        &[
            "-ca-bundle",
            "ca.pem",
            "-int-bundle",
            "int.pem",
            "-ca",
            "signer.pem",
            "-ca-key",
            "signer-key.pem",
        ],
    );
    assert!(
        s.log()
            .contains("[INFO] endpoint '/api/v1/cfssl/bundle' is enabled")
    );
    let leaf = d.read("leafb.pem");
    let a = post(
        &d,
        &s.url("bundle"),
        &format!(
            r#"{{"certificate":{},"flavor":"optimal","domain":"bundled.example.com"}}"#,
            quoted(&leaf)
        ),
    );
    a.is_ok();
    let result = &a.json()["result"];
    assert_eq!(
        result["hostnames"],
        serde_json::json!(["bundled.example.com", "www.bundled.example.com"])
    );
    d.write("chain.pem", result["bundle"].as_str().unwrap());
    let r = d.openssl(&[
        "verify",
        "-CAfile",
        "ca.pem",
        "-untrusted",
        "chain.pem",
        "leafb.pem",
    ]);
    assert_eq!(r.stdout.trim(), "leafb.pem: OK", "{}", r.stderr);
    post(
        &d,
        &s.url("bundle"),
        &format!(
            r#"{{"certificate":{},"domain":"other.example.com"}}"#,
            quoted(&leaf)
        ),
    )
    .is_error(
        400,
        1200,
        "x509: certificate is valid for bundled.example.com, www.bundled.example.com, not other.example.com",
    );
    post(&d, &s.url("bundle"), "{}").is_error(400, 400, "no valid parameter sets found");
    let a = post(&d, &s.url("bundle"), r#"{"domain":"example.com"}"#);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(
        a.body.contains("send the certificate instead"),
        "{}",
        a.body
    );

    // sign with bundle: the certificate and its bundle (signed by a root the bundler does
    // not trust, so the bundle error is the answer).
    d.write(
        "leaf-csr.json",
        r#"{"CN":"leaf.example.com","hosts":["leaf.example.com"]}"#,
    );
    let r = d.cfssl(&["genkey", "leaf-csr.json"]);
    r.ok();
    d.save(&r, "csr", "leaf.csr");
    let a = post(
        &d,
        &s.url("sign"),
        &format!(
            r#"{{"certificate_request":{},"bundle":true}}"#,
            quoted(&d.read("leaf.csr"))
        ),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.json()["errors"][0]["code"], 1220, "{}", a.body);
    drop(s);

    // Trusting the signing root, the bundle comes with the certificate.
    let s = Serve::start(
        &d,
        &[
            "-ca-bundle",
            "signer.pem",
            "-ca",
            "signer.pem",
            "-ca-key",
            "signer-key.pem",
        ],
    );
    let a = post(
        &d,
        &s.url("sign"),
        &format!(
            r#"{{"certificate_request":{},"bundle":true}}"#,
            quoted(&d.read("leaf.csr"))
        ),
    );
    a.is_ok();
    let result = a.json()["result"].clone();
    let keys: Vec<&str> = result
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["certificate", "bundle"]);
    assert_eq!(
        result["bundle"]["root"].as_str().unwrap(),
        d.read("signer.pem").trim_end()
    );
}
