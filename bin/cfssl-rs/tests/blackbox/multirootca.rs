//! `cfssl-rs multirootca` (docs/cfssl-lifecycle.md §10), black-box: two roots from one
//! roots file, a server on a free loopback port killed by PID when the test ends; requests
//! from curl with tokens computed by Python's hmac, and from Debian's cfssl 1.2 as the
//! client; certificates checked with openssl, the certdb rows with sqlite3.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use common::server::{Server, curl};
use common::{Dir, require_tool, run};

const ECDSA: &str = r#"{"algo":"ecdsa","size":256}"#;
const KEY_HEX: &str = "00112233445566778899aabbccddeeff";

fn config() -> String {
    format!(
        r#"{{"signing":{{
  "default":{{"expiry":"8760h","usages":["signing","key encipherment","server auth"],"auth_key":"k"}},
  "profiles":{{
    "server":{{"expiry":"720h","usages":["digital signature","server auth"],"auth_key":"k"}},
    "open":{{"expiry":"720h","usages":["digital signature","server auth"]}}}}}},
 "auth_keys":{{"k":{{"type":"standard","key":"{KEY_HEX}"}}}}}}"#
    )
}

/// An authsign body as the artefacts' mk-authsign.py builds it: Python's json and hmac.
fn authsign_body(d: &Dir, csr: &str, profile: &str, label: &str, key_hex: &str) -> Vec<u8> {
    require_tool("python3");
    let script = r#"
import base64, hashlib, hmac, json, sys
csr, profile, label, key = sys.argv[1:5]
req = json.dumps({"certificate_request": open(csr).read(), "profile": profile, "label": label}).encode()
tok = hmac.new(bytes.fromhex(key), req, hashlib.sha256).digest()
print(json.dumps({"token": base64.b64encode(tok).decode(), "request": base64.b64encode(req).decode()}))
"#;
    let r = run(
        "python3",
        d.tmp.path(),
        &["-c", script, csr, profile, label, key_hex],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.into_bytes()
}

fn sqlite(d: &Dir, query: &str) -> String {
    require_tool("sqlite3");
    let r = run("sqlite3", d.tmp.path(), &["certs.db", query], b"");
    assert_eq!(r.code, 0, "sqlite3: {}", r.stderr);
    r.stdout
}

/// Two roots, a leaf CSR, the certdb and the roots file.
fn setup(d: &Dir) {
    d.root_ca("alpha", ECDSA);
    d.root_ca("beta", ECDSA);
    d.write("config.json", config());
    d.write(
        "db-config.json",
        r#"{"driver":"sqlite3","data_source":"certs.db"}"#,
    );
    d.cfssl(&["db", "init", "-db-config", "db-config.json"])
        .ok();
    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example.com","hosts":["leaf.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&["genkey", "leaf.json"]);
    r.ok();
    d.save(&r, "csr", "leaf.csr");
    d.write(
        "roots.conf",
        "# two roots\n\
         [ alpha ]\n\
         private = file://alpha-key.pem\n\
         certificate = alpha.pem\n\
         config = config.json\n\
         dbconfig = db-config.json\n\
         \n\
         [beta]\n\
         private = \"file://beta-key.pem\"\n\
         certificate = beta.pem\n\
         config = config.json\n\
         nets = 10.0.0.0/8\n",
    );
}

fn start(d: &Dir) -> Server {
    Server::start(
        d.tmp.path(),
        &[
            "multirootca",
            "-roots",
            "roots.conf",
            "-a",
            "127.0.0.1:0",
            "-l",
            "alpha",
        ],
    )
}

/// The certificate of an answer, written to `name`, checked against `root` by openssl.
fn verified(d: &Dir, body: &str, name: &str, root: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    let pem = json["result"]["certificate"]
        .as_str()
        .unwrap_or_else(|| panic!("no certificate: {body}"))
        .to_owned();
    d.write(name, &pem);
    let v = d.openssl(&["verify", "-x509_strict", "-CAfile", root, name]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let issuer = d.openssl(&["x509", "-in", name, "-noout", "-issuer", "-serial"]);
    issuer.stdout
}

#[test]
fn signs_by_label_with_tokens() {
    let d = Dir::new();
    setup(&d);
    let server = start(&d);
    let log = server.log();
    assert!(log.contains("[INFO] loaded signer alpha"), "{log}");
    assert!(log.contains("[INFO] loaded signer beta"), "{log}");
    // Both roots' `open` profile lacks an auth_key: said at start.
    assert!(
        log.contains("[WARNING] root [alpha]: profile open has no auth_key"),
        "{log}"
    );
    let authsign = format!("{}/api/v1/cfssl/authsign", server.base());

    // The default label (-l alpha), a token from Python's hmac.
    let body = authsign_body(&d, "leaf.csr", "server", "", KEY_HEX);
    let answer = curl("POST", &authsign, Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.body);
    // cfssl's multirootca sets no JSON content type: Go sniffs text/plain.
    assert!(
        answer
            .headers
            .contains("Content-Type: text/plain; charset=utf-8"),
        "{}",
        answer.headers
    );
    let json = answer.json();
    assert_eq!(json["success"], true);
    assert_eq!(json["errors"], serde_json::json!([]));
    let fields = verified(&d, &answer.body, "alpha-leaf.pem", "alpha.pem");
    assert!(fields.contains("CN = alpha Root"), "{fields}");
    let serial_hex = fields
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap()
        .to_owned();
    let log = server.wait_for_log("signature: requester=");
    assert!(
        log.contains("label=alpha, profile=server, serialno="),
        "{log}"
    );

    // Recorded in alpha's database with the label; the row's PEM is the certificate.
    let rows = sqlite(&d, "select ca_label, status, common_name from certificates");
    assert_eq!(rows.trim(), "alpha|good|leaf.example.com");
    let pem = sqlite(&d, "select pem from certificates");
    assert_eq!(pem.trim(), d.read("alpha-leaf.pem").trim());
    let serial = sqlite(&d, "select serial_number from certificates");
    let decimal = u128::from_str_radix(&serial_hex, 16).map(|n| n.to_string());
    if let Ok(decimal) = decimal {
        assert_eq!(serial.trim(), decimal);
    }

    // info for the other label.
    let info = curl(
        "POST",
        &format!("{}/api/v1/cfssl/info", server.base()),
        Some(br#"{"label":"beta","profile":"server"}"#),
    );
    assert_eq!(info.status, 200, "{}", info.body);
    assert!(
        info.headers.contains("Content-Type: application/json"),
        "{}",
        info.headers
    );
    let json = info.json();
    assert_eq!(json["result"]["expiry"], "720h");
    assert_eq!(
        json["result"]["usages"],
        serde_json::json!(["digital signature", "server auth"])
    );
    assert_eq!(
        json["result"]["certificate"].as_str().unwrap(),
        d.read("beta.pem").trim()
    );

    // /metrics is Prometheus text with the counts.
    let metrics = curl("GET", &format!("{}/metrics", server.base()), None);
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains("requests_total{operation=\"sign\",signer=\"alpha\"} 1"),
        "{}",
        metrics.body
    );

    // The certdb's journal is kept while serving (Db::set_keep_journal) and removed when the
    // server stops, with the file back in DELETE mode.
    let journal = d.tmp.path().join("certs.db-journal");
    assert!(journal.exists(), "the journal stays while serving");
    let mut server = server;
    let status = server.terminate();
    assert!(status.success(), "exit status {status}");
    assert!(
        !journal.exists(),
        "multirootca left certs.db-journal behind"
    );
    assert_eq!(sqlite(&d, "pragma journal_mode").trim(), "delete");
}

/// Each refusal: the status, the envelope with code 1, nothing recorded, and the server
/// still answers the next request.
#[test]
fn refusals_are_cfssls() {
    let d = Dir::new();
    setup(&d);
    let server = start(&d);
    let authsign = format!("{}/api/v1/cfssl/authsign", server.base());
    let refused = |body: &[u8], status: u16, message: &str| {
        let answer = curl("POST", &authsign, Some(body));
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(
            answer.body,
            format!(
                "{{\"success\":false,\"result\":null,\"errors\":[{{\"code\":1,\"message\":\"{message}\"}}],\"messages\":[]}}\n"
            )
        );
    };
    refused(
        &authsign_body(
            &d,
            "leaf.csr",
            "server",
            "",
            "ffffffffffffffffffffffffffffffff",
        ),
        400,
        "invalid token",
    );
    refused(
        &authsign_body(&d, "leaf.csr", "open", "", KEY_HEX),
        401,
        "authorisation required",
    );
    refused(
        &authsign_body(&d, "leaf.csr", "nope", "", KEY_HEX),
        400,
        "invalid profile",
    );
    // beta only serves 10.0.0.0/8; we are 127.0.0.1.
    refused(
        &authsign_body(&d, "leaf.csr", "server", "beta", KEY_HEX),
        403,
        "not authorised",
    );
    refused(
        &authsign_body(&d, "leaf.csr", "server", "gamma", KEY_HEX),
        400,
        "bad request",
    );
    let get = curl("GET", &authsign, None);
    assert_eq!(get.status, 405);
    assert!(get.body.contains("only POST is permitted"), "{}", get.body);
    let bad_label = curl(
        "POST",
        &format!("{}/api/v1/cfssl/info", server.base()),
        Some(br#"{"label":"gamma"}"#),
    );
    assert_eq!(bad_label.status, 400);
    assert!(
        bad_label
            .body
            .contains(r#"{"code":400,"message":"bad label"}"#),
        "{}",
        bad_label.body
    );
    // No `sign` endpoint on multirootca.
    let sign = curl(
        "POST",
        &format!("{}/api/v1/cfssl/sign", server.base()),
        Some(b"{}"),
    );
    assert_eq!(sign.status, 404);
    let log = server.wait_for_log("invalid profile");
    assert!(
        log.contains("[ERROR] [HTTP 400] 1 - invalid token (received authenticated request with invalid token)"),
        "{log}"
    );
    // The token is never printed.
    assert!(!log.contains("\"token\""), "{log}");
    assert_eq!(sqlite(&d, "select count(*) from certificates").trim(), "0");
    // Still serving.
    let ok = curl(
        "POST",
        &authsign,
        Some(&authsign_body(&d, "leaf.csr", "server", "alpha", KEY_HEX)),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
}

/// Debian's cfssl 1.2 `sign` with an `auth_remote` profile, as a real client of ours.
#[test]
fn cfssl_12_signs_through_it() {
    require_tool("cfssl");
    let d = Dir::new();
    setup(&d);
    let server = start(&d);
    d.write(
        "client.json",
        format!(
            r#"{{"signing":{{
  "default":{{"auth_remote":{{"remote":"ca","auth_key":"k"}}}},
  "profiles":{{"server":{{"auth_remote":{{"remote":"ca","auth_key":"k"}}}}}}}},
 "auth_keys":{{"k":{{"type":"standard","key":"{KEY_HEX}"}}}},
 "remotes":{{"ca":"{}"}}}}"#,
            server.base()
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
            "server",
            "-label",
            "alpha",
            "leaf.csr",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    d.write("via-cfssl.pem", json["cert"].as_str().unwrap());
    let v = d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "alpha.pem",
        "via-cfssl.pem",
    ]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let eku = d.openssl(&[
        "x509",
        "-in",
        "via-cfssl.pem",
        "-noout",
        "-ext",
        "extendedKeyUsage",
    ]);
    assert!(
        eku.stdout.contains("TLS Web Server Authentication"),
        "{}",
        eku.stdout
    );
    assert_eq!(
        sqlite(
            &d,
            "select count(*) from certificates where ca_label = 'alpha'"
        )
        .trim(),
        "1"
    );
    // A wrong key: cfssl 1.2 reports our refusal.
    d.write(
        "client.json",
        d.read("client.json")
            .replace(KEY_HEX, "ffffffffffffffffffffffffffffffff"),
    );
    let r = run(
        "cfssl",
        d.tmp.path(),
        &[
            "sign",
            "-config",
            "client.json",
            "-profile",
            "server",
            "leaf.csr",
        ],
        b"",
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("invalid token"), "{}", r.stderr);
}

#[test]
fn start_up_refusals() {
    let d = Dir::new();
    d.cfssl(&["multirootca"])
        .fails_with("no root file specified");
    d.write("roots.conf", "[a]\ncertificate = a.pem\nconfig = c.json\n");
    d.cfssl(&["multirootca", "-roots", "roots.conf"])
        .fails_with("config: root is missing private key spec (section [a])");
    d.write("roots.conf", "[a]\n  # indented\n");
    d.cfssl(&["multirootca", "-roots", "roots.conf"])
        .fails_with("invalid config file (line 2");
    setup(&d);
    d.cfssl(&[
        "multirootca",
        "-roots",
        "roots.conf",
        "-l",
        "gamma",
        "-a",
        "127.0.0.1:0",
    ])
    .fails_with("-l gamma: no root with that label");
    d.write(
        "roots.conf",
        d.read("roots.conf")
            .replace("beta-key.pem", "alpha-key.pem"),
    );
    let r = d.cfssl(&["multirootca", "-roots", "roots.conf", "-a", "127.0.0.1:0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("root [beta]"), "{}", r.stderr);
}
