//! CA and responder keys in a real PKCS#11 token (SoftHSM2), black-box: the offline-root
//! ceremony of the README, CRLs and OCSP signed in the token, the token's own view of the
//! keys (`pkcs11-tool`), and every token error with nothing printed and nothing changed.
//! Every artefact is checked by openssl.
//!
//! Each test has its own SoftHSM2 state (a temporary `SOFTHSM2_CONF`, passed to the children
//! only), so tests run in parallel and share nothing. `cfssl-rs` runs without a controlling
//! terminal and with `CFSSL_PKCS11_*` removed, so a PIN can come only from where a test puts
//! it and a missing one can never turn into a prompt that hangs.
//!
//! Missing SoftHSM2, pkcs11-tool, openssl or setsid: a failure when `CI=true`, a skip line
//! otherwise.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use common::{Dir, Run};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "7391-secret";
const SO_PIN: &str = "5678";
const CFSSL: &str = env!("CARGO_BIN_EXE_cfssl-rs");

const CONFIG: &str = r#"{"signing":{"default":{"expiry":"8760h","usages":["digital signature","server auth"]},
 "profiles":{
  "intermediate":{"expiry":"43800h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},
  "server":{"expiry":"8760h","usages":["digital signature","server auth"]},
  "ocsp":{"expiry":"8760h","usages":["digital signature","ocsp signing"]}}}}"#;
/// The ceremony's config.json, as the README writes it.
const README_CONFIG: &str = r#"{"signing":{"default":{"expiry":"8760h","usages":["digital signature","server auth"]},"profiles":{
 "intermediate":{"expiry":"43800h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},
 "server":{"expiry":"8760h","usages":["digital signature","server auth"]}}}}
"#;
const DB_JSON: &str = r#"{"driver":"sqlite3","data_source":"certs.db"}"#;

/// Whether every outside tool is here; under `CI=true` a missing one fails the test.
fn tools_ready(extra: &[(&str, bool)]) -> bool {
    let on_path = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let mut missing: Vec<String> = ["softhsm2-util", "pkcs11-tool", "openssl", "setsid"]
        .into_iter()
        .filter(|t| !on_path(t))
        .map(str::to_owned)
        .collect();
    if !Path::new(MODULE).exists() {
        missing.push(format!("the SoftHSM2 module {MODULE}"));
    }
    missing.extend(
        extra
            .iter()
            .filter(|(_, present)| !present)
            .map(|(what, _)| (*what).to_owned()),
    );
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{what} required on CI (CI=true): apt-get install softhsm2 opensc openssl util-linux"
        );
    }
    eprintln!("skipping: {what} not installed (apt-get install softhsm2 opensc openssl)");
    false
}

/// `cfssljson-rs`, built beside `cfssl-rs` by `cargo test --workspace` and `cargo build`.
fn cfssljson_path() -> PathBuf {
    Path::new(CFSSL).with_file_name("cfssljson-rs")
}

/// A work directory with its own SoftHSM2 state under `hsm/`.
struct Hsm {
    dir: Dir,
    conf: PathBuf,
}

impl Hsm {
    /// `None` (after a skip line) when a tool is missing outside CI.
    fn new() -> Option<Hsm> {
        Hsm::with_mechanisms("ALL", &[])
    }

    /// `mechanisms` is SoftHSM's `slots.mechanisms` (`-CKM_X,…` removes; SoftHSM 2.6.1
    /// ignores the first name after the `-`, so such lists start with CKM_MD5).
    fn with_mechanisms(mechanisms: &str, extra: &[(&str, bool)]) -> Option<Hsm> {
        if !tools_ready(extra) {
            return None;
        }
        let dir = Dir::new();
        let hsm = dir.path("hsm");
        std::fs::create_dir_all(hsm.join("tokens")).unwrap();
        let conf = hsm.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.mechanisms = {mechanisms}\n",
                hsm.join("tokens").display()
            ),
        )
        .unwrap();
        std::fs::write(hsm.join("pin"), format!("{PIN}\n")).unwrap();
        std::fs::write(hsm.join("wrong-pin"), "0000\n").unwrap();
        dir.write("config.json", CONFIG);
        Some(Hsm { dir, conf })
    }

    fn init_token(&self, label: &str) {
        let r = self.tool(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
        );
        assert_eq!(r.code, 0, "softhsm2-util --init-token: {}", r.stderr);
    }

    fn pin_file(&self) -> PathBuf {
        self.dir.path("hsm/pin")
    }

    /// `pkcs11:token=LABEL;PATH?module-path=…&pin-source=file:…`
    fn uri(&self, token: &str, path: &str) -> String {
        format!(
            "{}?module-path={MODULE}&pin-source=file:{}",
            bare_uri(token, path),
            self.pin_file().display()
        )
    }

    /// `cfssl-rs ARGS` without a terminal, with SoftHSM2's config and `env` only.
    fn cfssl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new("setsid");
        cmd.arg("-w")
            .arg(CFSSL)
            .args(args)
            .current_dir(self.dir.tmp.path())
            .env("SOFTHSM2_CONF", &self.conf)
            .env_remove("CFSSL_PKCS11_MODULE")
            .env_remove("CFSSL_PKCS11_PIN")
            .env_remove("CFSSL_CA_PK_PASSWORD")
            .env_remove("CFSSL_KEY_PASSWORD")
            .envs(env.iter().copied())
            .stdin(Stdio::null());
        output(cmd, "cfssl-rs")
    }

    fn cfssl(&self, args: &[&str]) -> Run {
        self.cfssl_env(args, &[])
    }

    /// An outside tool in the work directory, with SoftHSM2's config.
    fn tool(&self, program: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(self.dir.tmp.path())
            .env("SOFTHSM2_CONF", &self.conf)
            .stdin(Stdio::null());
        output(cmd, program)
    }

    /// `pkcs11-tool` logged in to `token`.
    fn pkcs11_tool(&self, token: &str, args: &[&str]) -> Run {
        let mut all = vec![
            "--module",
            MODULE,
            "--token-label",
            token,
            "--login",
            "--pin",
            PIN,
        ];
        all.extend_from_slice(args);
        self.tool("pkcs11-tool", &all)
    }

    /// Every object of `token` as pkcs11-tool lists it.
    fn objects(&self, token: &str) -> String {
        let r = self.pkcs11_tool(token, &["--list-objects"]);
        assert_eq!(r.code, 0, "pkcs11-tool --list-objects: {}", r.stderr);
        r.stdout
    }

    /// `cfssljson-rs ARGS` reading `run`'s stdout, as in `cfssl-rs … | cfssljson-rs -bare NAME`.
    fn cfssljson(&self, run: &Run, args: &[&str]) {
        run.ok();
        let r = common::run(
            cfssljson_path().to_str().unwrap(),
            self.dir.tmp.path(),
            args,
            run.stdout.as_bytes(),
        );
        assert_eq!(r.code, 0, "cfssljson-rs {args:?}: {}", r.stderr);
    }

    fn openssl(&self, args: &[&str]) -> Run {
        self.dir.openssl(args)
    }

    /// `openssl x509 -noout -text` of `file`.
    fn x509_text(&self, file: &str) -> String {
        self.openssl(&["x509", "-in", file, "-noout", "-text"])
            .ok()
            .stdout
            .clone()
    }

    /// `openssl verify -x509_strict` of `leaf` up to `root.pem` through `untrusted`.
    fn verify_chain(&self, leaf: &str, untrusted: Option<&str>) {
        let mut args = vec!["verify", "-x509_strict", "-CAfile", "root.pem"];
        if let Some(untrusted) = untrusted {
            args.extend_from_slice(&["-untrusted", untrusted]);
        }
        args.push(leaf);
        let r = self.openssl(&args);
        assert_eq!(r.code, 0, "openssl verify {leaf}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, format!("{leaf}: OK\n"));
    }

    /// (decimal serial, AKI as certinfo prints it) of a certificate file.
    fn serial_and_aki(&self, file: &str) -> (String, String) {
        let info = self.cfssl(&["certinfo", "-cert", file]).json();
        (
            info["serial_number"].as_str().unwrap().to_owned(),
            info["authority_key_id"].as_str().unwrap().to_owned(),
        )
    }
}

/// The URI without module or PIN: `pkcs11:token=LABEL;PATH`.
fn bare_uri(token: &str, path: &str) -> String {
    let sep = if path.is_empty() { "" } else { ";" };
    format!("pkcs11:token={}{sep}{path}", token.replace(' ', "%20"))
}

fn output(mut cmd: Command, program: &str) -> Run {
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The key URI the log line `made the … key in the token; use it as URI` names.
fn made_key_uri(run: &Run, describe: &str) -> String {
    let marker = format!("[INFO] made the {describe} key in the token; use it as ");
    run.stderr
        .lines()
        .find_map(|l| l.split_once(&marker).map(|(_, uri)| uri.to_owned()))
        .unwrap_or_else(|| panic!("no {marker:?} in {}", run.stderr))
}

/// The last line of stderr (the error itself, after any log lines).
fn error_line(run: &Run) -> &str {
    run.stderr.lines().last().unwrap_or("")
}

/// Runs `args`, which must fail with `message` as the last stderr line, exit 1, nothing on
/// stdout, no file written, the token unchanged.
fn refused(hsm: &Hsm, tokens: &[&str], args: &[&str], env: &[(&str, &str)], message: &str) -> Run {
    let files = hsm.dir.files();
    let objects: Vec<String> = tokens.iter().map(|t| hsm.objects(t)).collect();
    let r = hsm.cfssl_env(args, env);
    r.fails_with(message);
    assert_eq!(error_line(&r), message, "{args:?}: {}", r.stderr);
    assert_eq!(hsm.dir.files(), files, "{args:?} wrote a file");
    for (token, before) in tokens.iter().zip(objects) {
        assert_eq!(hsm.objects(token), before, "{args:?} changed token {token}");
    }
    assert!(!r.stderr.contains(PIN), "the PIN is printed: {}", r.stderr);
    r
}

fn decode_crl(hsm: &Hsm, run: &Run, name: &str) {
    run.ok();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let der = base64::engine::general_purpose::STANDARD
        .decode(run.stdout.trim())
        .unwrap();
    hsm.dir.write(&format!("{name}.der"), der);
    hsm.openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        &format!("{name}.der"),
        "-out",
        &format!("{name}.pem"),
    ])
    .ok();
}

/// The ceremony of the README, command for command: an ECDSA P-256 root made in one token,
/// its first (empty) CRL, an intermediate whose key is made in another token and signed by
/// the root's token key, leaves signed by the intermediate's token key (`gencert -ca`,
/// `sign`, `sign -batch`); the module and PIN from the environment, as the README sets them.
/// Only certificates, CSRs and the CRL are written, and each key is the token's own,
/// sensitive and never extractable.
#[test]
fn offline_root_and_intermediate_in_tokens() {
    let cfssljson = cfssljson_path();
    let Some(hsm) = Hsm::with_mechanisms(
        "ALL",
        &[(
            "cfssljson-rs beside cfssl-rs (cargo build -p cfssljson-rs)",
            cfssljson.exists(),
        )],
    ) else {
        return;
    };
    hsm.init_token("Root CA");
    hsm.init_token("Intermediate CA");
    let env = [("CFSSL_PKCS11_MODULE", MODULE), ("CFSSL_PKCS11_PIN", PIN)];
    let cfssl = |args: &[&str]| hsm.cfssl_env(args, &env);
    let (root, int) = (
        "pkcs11:token=Root%20CA;object=root-key",
        "pkcs11:token=Intermediate%20CA;object=int-key",
    );
    let d = &hsm.dir;
    d.write(
        "root-csr.json",
        r#"{"CN":"Example Root CA","key":{"algo":"ecdsa","size":256},"names":[{"C":"US","O":"Example"}]}"#,
    );
    d.write("config.json", README_CONFIG);
    let files_before = d.files();

    // The root: key made in the token, only root.pem and root.csr written.
    let r = cfssl(&["gencert", "-initca", "-key-uri", root, "root-csr.json"]);
    r.ok();
    assert_eq!(
        r.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["cert", "csr"]
    );
    let made = made_key_uri(&r, "ecdsa-256");
    assert!(
        made.starts_with("pkcs11:token=Root%20CA;object=root-key;id=%")
            && made.ends_with(";type=private"),
        "{made}"
    );
    // The printed URI names the key alone: 20 random id bytes.
    let id = made
        .split(";id=")
        .nth(1)
        .unwrap()
        .trim_end_matches(";type=private");
    assert_eq!(id.len(), 60, "{id}");
    hsm.cfssljson(&r, &["-bare", "root"]);
    let mut expected = files_before.clone();
    expected.extend(["root.csr".to_owned(), "root.pem".to_owned()]);
    expected.sort();
    assert_eq!(d.files(), expected);

    let text = hsm.x509_text("root.pem");
    for needle in [
        "Signature Algorithm: ecdsa-with-SHA256",
        "Issuer: C = US, O = Example, CN = Example Root CA",
        "Subject: C = US, O = Example, CN = Example Root CA",
        "Public-Key: (256 bit)",
        "ASN1 OID: prime256v1",
        "X509v3 Basic Constraints: critical\n                CA:TRUE",
        "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
    ] {
        assert!(text.contains(needle), "no {needle:?} in {text}");
    }
    hsm.verify_chain("root.pem", None);
    let req = hsm.openssl(&["req", "-in", "root.csr", "-verify", "-noout"]);
    assert!(req.stderr.contains("verify OK"), "{}", req.stderr);

    // The certificate's key is the token's: the public half read from the token is the same.
    let pubkey = hsm.pkcs11_tool(
        "Root CA",
        &[
            "--read-object",
            "--type",
            "pubkey",
            "--label",
            "root-key",
            "-o",
            "root-token-pub.der",
        ],
    );
    assert_eq!(pubkey.code, 0, "{}", pubkey.stderr);
    let cert_pub = hsm.openssl(&["x509", "-in", "root.pem", "-pubkey", "-noout"]);
    d.write("root-cert-pub.pem", &cert_pub.stdout);
    hsm.openssl(&[
        "pkey",
        "-pubin",
        "-in",
        "root-cert-pub.pem",
        "-outform",
        "DER",
        "-out",
        "root-cert-pub.der",
    ])
    .ok();
    assert_eq!(
        std::fs::read(d.path("root-token-pub.der")).unwrap(),
        std::fs::read(d.path("root-cert-pub.der")).unwrap()
    );
    for f in [
        "root-token-pub.der",
        "root-cert-pub.pem",
        "root-cert-pub.der",
    ] {
        std::fs::remove_file(d.path(f)).unwrap();
    }

    // The root's first CRL, empty, valid 30 days.
    d.write("revoked.txt", "");
    let r = cfssl(&["gencrl", "revoked.txt", "root.pem", root, "2592000"]);
    r.ok();
    // | base64 -d > root.crl
    let der = base64::engine::general_purpose::STANDARD
        .decode(r.stdout.trim())
        .unwrap();
    d.write("root.crl", der);
    let crl = hsm.openssl(&[
        "crl", "-inform", "DER", "-in", "root.crl", "-CAfile", "root.pem", "-noout", "-verify",
        "-text",
    ]);
    assert!(crl.stderr.contains("verify OK"), "{}", crl.stderr);
    assert!(
        crl.stdout.contains("No Revoked Certificates.")
            && crl
                .stdout
                .contains("Signature Algorithm: ecdsa-with-SHA256"),
        "{}",
        crl.stdout
    );

    // The intermediate: key made in its own token, CSR signed with the root's token key.
    d.write(
        "int-csr.json",
        r#"{"CN":"Example Intermediate CA","key":{"algo":"ecdsa","size":256},"names":[{"C":"US","O":"Example"}]}"#,
    );
    let r = cfssl(&["genkey", "-key-uri", int, "int-csr.json"]);
    r.ok();
    assert_eq!(
        r.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["csr"]
    );
    let int_made = made_key_uri(&r, "ecdsa-256");
    assert!(
        int_made.starts_with("pkcs11:token=Intermediate%20CA;object=int-key;id=%"),
        "{int_made}"
    );
    hsm.cfssljson(&r, &["-bare", "int"]);
    assert!(!d.path("int-key.pem").exists());
    let r = cfssl(&[
        "sign",
        "-ca",
        "root.pem",
        "-ca-key",
        root,
        "-config",
        "config.json",
        "-profile",
        "intermediate",
        "int.csr",
    ]);
    assert!(
        r.stderr
            .contains("[INFO] signing with the CA key ecdsa-256 \"root-key\" in token \"Root CA\""),
        "{}",
        r.stderr
    );
    hsm.cfssljson(&r, &["-bare", "int"]);
    hsm.verify_chain("int.pem", None);
    let text = hsm.x509_text("int.pem");
    for needle in [
        "Issuer: C = US, O = Example, CN = Example Root CA",
        "Subject: C = US, O = Example, CN = Example Intermediate CA",
        "CA:TRUE, pathlen:0",
        "Signature Algorithm: ecdsa-with-SHA256",
    ] {
        assert!(text.contains(needle), "no {needle:?} in {text}");
    }

    // Leaves signed by the intermediate's token key: a new file key (gencert -ca), a CSR
    // (sign), and a batch.
    d.write(
        "www-csr.json",
        r#"{"CN":"www.example.com","hosts":["www.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = cfssl(&[
        "gencert",
        "-ca",
        "int.pem",
        "-ca-key",
        int,
        "-config",
        "config.json",
        "-profile",
        "server",
        "www-csr.json",
    ]);
    hsm.cfssljson(&r, &["-bare", "www"]);
    hsm.verify_chain("www.pem", Some("int.pem"));
    assert!(
        hsm.x509_text("www.pem").contains("DNS:www.example.com"),
        "{}",
        hsm.x509_text("www.pem")
    );
    // The files of the README's listing: nothing secret but the leaf's own key file.
    assert_eq!(
        d.files(),
        [
            "config.json",
            "hsm",
            "int-csr.json",
            "int.csr",
            "int.pem",
            "revoked.txt",
            "root-csr.json",
            "root.crl",
            "root.csr",
            "root.pem",
            "www-csr.json",
            "www-key.pem",
            "www.csr",
            "www.pem"
        ]
    );

    d.write(
        "api-csr.json",
        r#"{"CN":"api.example.com","hosts":["api.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = cfssl(&["genkey", "api-csr.json"]);
    hsm.cfssljson(&r, &["-bare", "api"]);
    let r = cfssl(&[
        "sign",
        "-ca",
        "int.pem",
        "-ca-key",
        int,
        "-config",
        "config.json",
        "-profile",
        "server",
        "api.csr",
    ]);
    hsm.cfssljson(&r, &["-bare", "api"]);
    hsm.verify_chain("api.pem", Some("int.pem"));

    std::fs::create_dir(d.path("batch")).unwrap();
    for name in ["a", "b", "c"] {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{name}.example.com","hosts":["{name}.example.com"]}}"#),
        );
        let r = cfssl(&["genkey", &format!("{name}.json")]);
        d.save(&r, "csr", &format!("batch/{name}.csr"));
    }
    let r = cfssl(&[
        "sign",
        "-ca",
        "int.pem",
        "-ca-key",
        int,
        "-config",
        "config.json",
        "-profile",
        "server",
        "-batch",
        "batch",
    ]);
    r.ok();
    for name in ["a", "b", "c"] {
        hsm.verify_chain(&format!("batch/{name}.pem"), Some("int.pem"));
    }

    // Renewing the root with the key named by the URI the first step printed.
    let r = cfssl(&["gencert", "-renewca", "-ca", "root.pem", "-ca-key", &made]);
    d.save(&r, "cert", "renewed.pem");
    let r = hsm.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "renewed.pem",
        "int.pem",
    ]);
    assert_eq!(r.stdout, "int.pem: OK\n", "{}", r.stderr);

    // Nothing secret left the tokens: each token key is sensitive and never extractable as
    // the token itself reports it.
    for (token, label) in [("Root CA", "root-key"), ("Intermediate CA", "int-key")] {
        let listing = hsm.pkcs11_tool(token, &["--list-objects", "--type", "privkey"]);
        assert_eq!(listing.code, 0, "{}", listing.stderr);
        assert!(
            listing.stdout.starts_with("Private Key Object; EC\n")
                && listing.stdout.contains(&format!("  label:      {label}\n"))
                && listing.stdout.contains(
                    "  Access:     sensitive, always sensitive, never extractable, local\n"
                ),
            "{}",
            listing.stdout
        );
        assert_eq!(listing.stdout.matches("Private Key Object").count(), 1);
        // Nor can pkcs11-tool read the key's value. (opensc 0.23 reads no private key at all,
        // so the attributes above are the evidence; this guards newer versions.)
        let out = format!("{label}-read.bin");
        hsm.pkcs11_tool(
            token,
            &[
                "--read-object",
                "--type",
                "privkey",
                "--label",
                label,
                "-o",
                &out,
            ],
        );
        assert!(
            std::fs::read(d.path(&out)).map_or(true, |b| b.is_empty()),
            "pkcs11-tool read the private key {label}"
        );
    }
}

/// RSA roots in a token (the signature's hash grows with the key) and Ed25519 when the
/// token offers CKM_EDDSA; each signs a leaf that openssl verifies.
#[test]
fn rsa_and_ed25519_roots_in_a_token() {
    let Some(hsm) = Hsm::new() else { return };
    hsm.init_token("Roots");
    let mechanisms = hsm.tool("pkcs11-tool", &["--module", MODULE, "-M"]);
    assert_eq!(mechanisms.code, 0, "{}", mechanisms.stderr);
    let eddsa = mechanisms.stdout.contains("EDDSA");
    let mut cases = vec![
        (
            "rsa2048",
            r#"{"algo":"rsa","size":2048}"#,
            "rsa-2048",
            "sha256WithRSAEncryption",
            "Public-Key: (2048 bit)",
        ),
        (
            "rsa3072",
            r#"{"algo":"rsa","size":3072}"#,
            "rsa-3072",
            "sha384WithRSAEncryption",
            "Public-Key: (3072 bit)",
        ),
    ];
    if eddsa {
        cases.push((
            "ed25519",
            r#"{"algo":"ed25519"}"#,
            "ed25519",
            "ED25519",
            "ED25519 Public-Key:",
        ));
    }
    let d = &hsm.dir;
    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example","hosts":["leaf.example"]}"#,
    );
    for (name, key, describe, algorithm, public) in cases {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{name} Root","key":{key}}}"#),
        );
        let r = hsm.cfssl(&[
            "gencert",
            "-initca",
            "-key-uri",
            &hsm.uri("Roots", &format!("object={name}")),
            &format!("{name}.json"),
        ]);
        r.ok();
        made_key_uri(&r, describe);
        d.save(&r, "cert", "root.pem");
        let text = hsm.x509_text("root.pem");
        assert!(
            text.contains(&format!("Signature Algorithm: {algorithm}")) && text.contains(public),
            "{name}: {text}"
        );
        hsm.verify_chain("root.pem", None);
        let r = hsm.cfssl(&[
            "gencert",
            "-ca",
            "root.pem",
            "-ca-key",
            &hsm.uri("Roots", &format!("object={name}")),
            "leaf.json",
        ]);
        d.save(&r, "cert", "leaf.pem");
        hsm.verify_chain("leaf.pem", None);
        assert!(
            hsm.x509_text("leaf.pem")
                .contains(&format!("Signature Algorithm: {algorithm}")),
            "{name}"
        );
    }
    let listing = hsm.pkcs11_tool("Roots", &["--list-objects", "--type", "privkey"]);
    assert_eq!(
        listing
            .stdout
            .matches("Access:     sensitive, always sensitive, never extractable, local")
            .count(),
        if eddsa { 3 } else { 2 },
        "{}",
        listing.stdout
    );
    if !eddsa {
        d.write("ed.json", r#"{"CN":"Ed Root","key":{"algo":"ed25519"}}"#);
        hsm.cfssl(&[
            "genkey",
            "-initca",
            "-key-uri",
            &hsm.uri("Roots", "object=ed"),
            "ed.json",
        ])
        .fails_with("does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN");
    }
}

/// A token without Ed25519: the missing mechanism is named, nothing is made.
#[test]
fn a_token_without_eddsa_names_the_mechanism() {
    let Some(hsm) = Hsm::with_mechanisms("-CKM_MD5,CKM_EC_EDWARDS_KEY_PAIR_GEN,CKM_EDDSA", &[])
    else {
        return;
    };
    hsm.init_token("No EdDSA");
    hsm.dir
        .write("ed.json", r#"{"CN":"Ed Root","key":{"algo":"ed25519"}}"#);
    let r = hsm.cfssl(&[
        "gencert",
        "-initca",
        "-key-uri",
        &hsm.uri("No EdDSA", "object=ed"),
        "ed.json",
    ]);
    r.fails_with("does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN");
    assert_eq!(
        error_line(&r),
        r#"{"code":2400,"message":"-key-uri: token \"No EdDSA\" does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN, needed for Ed25519 key generation"}"#
    );
    assert_eq!(hsm.dir.files(), ["config.json", "ed.json", "hsm"]);
    assert!(
        !hsm.objects("No EdDSA").contains("label:"),
        "{}",
        hsm.objects("No EdDSA")
    );
}

/// CRLs (`gencrl`, `crl`) and OCSP responses (`ocspsign`, `ocsprefresh`) signed with keys
/// in a token; the OCSP responder's key is made there too (`gencert -ca … -key-uri`).
#[test]
fn crl_and_ocsp_signed_in_the_token() {
    let Some(hsm) = Hsm::new() else { return };
    hsm.init_token("Root CA");
    let d = &hsm.dir;
    let root_uri = hsm.uri("Root CA", "object=root-key");
    d.write(
        "root-csr.json",
        r#"{"CN":"Example Root CA","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = hsm.cfssl(&["gencert", "-initca", "-key-uri", &root_uri, "root-csr.json"]);
    d.save(&r, "cert", "root.pem");
    d.write("db.json", DB_JSON);
    hsm.cfssl(&["db", "init", "-db-config", "db.json"]).ok();

    d.write(
        "ocsp.json",
        r#"{"CN":"OCSP responder","key":{"algo":"ecdsa","size":256}}"#,
    );
    let ocsp_uri = hsm.uri("Root CA", "object=ocsp-key");
    let r = hsm.cfssl(&[
        "gencert",
        "-ca",
        "root.pem",
        "-ca-key",
        &root_uri,
        "-key-uri",
        &ocsp_uri,
        "-config",
        "config.json",
        "-profile",
        "ocsp",
        "ocsp.json",
    ]);
    r.ok();
    assert_eq!(
        r.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["cert", "csr"]
    );
    made_key_uri(&r, "ecdsa-256");
    d.save(&r, "cert", "ocsp.pem");
    assert!(hsm.x509_text("ocsp.pem").contains("OCSP Signing"));

    for name in ["good", "bad"] {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{name}.example","hosts":["{name}.example"]}}"#),
        );
        let r = hsm.cfssl(&[
            "gencert",
            "-ca",
            "root.pem",
            "-ca-key",
            &root_uri,
            "-db-config",
            "db.json",
            &format!("{name}.json"),
        ]);
        d.save(&r, "cert", &format!("{name}.pem"));
    }
    let (bad_serial, aki) = hsm.serial_and_aki("bad.pem");
    hsm.cfssl(&[
        "revoke",
        "-db-config",
        "db.json",
        "-serial",
        &bad_serial,
        "-aki",
        &aki,
        "-reason",
        "keyCompromise",
    ])
    .ok();

    // crl from the database, then gencrl from a serials file: both signed in the token.
    let r = hsm.cfssl(&[
        "crl",
        "-db-config",
        "db.json",
        "-ca",
        "root.pem",
        "-ca-key",
        &root_uri,
        "-expiry",
        "24h",
    ]);
    decode_crl(&hsm, &r, "db-crl");
    d.write("serials.txt", format!("{bad_serial}\n"));
    let r = hsm.cfssl(&["gencrl", "serials.txt", "root.pem", &root_uri, "86400"]);
    decode_crl(&hsm, &r, "gen-crl");
    for crl in ["db-crl.pem", "gen-crl.pem"] {
        let r = hsm.openssl(&[
            "crl", "-in", crl, "-CAfile", "root.pem", "-noout", "-verify", "-text",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("verify OK"), "{crl}: {}", r.stderr);
        assert!(
            r.stdout.contains("Signature Algorithm: ecdsa-with-SHA256")
                && r.stdout.matches("Serial Number:").count() == 1,
            "{crl}: {}",
            r.stdout
        );
        let verify = |leaf: &str| {
            hsm.openssl(&[
                "verify",
                "-crl_check",
                "-CAfile",
                "root.pem",
                "-CRLfile",
                crl,
                leaf,
            ])
        };
        let good = verify("good.pem");
        assert_eq!(good.stdout, "good.pem: OK\n", "{crl}: {}", good.stderr);
        let bad = verify("bad.pem");
        assert_eq!(bad.code, 2, "{crl}: {}", bad.stdout);
        assert!(
            bad.stderr.contains("certificate revoked"),
            "{crl}: {}{}",
            bad.stdout,
            bad.stderr
        );
    }
    let db_crl = hsm.openssl(&["crl", "-in", "db-crl.pem", "-noout", "-text"]);
    assert!(
        db_crl.stdout.contains("Key Compromise"),
        "{}",
        db_crl.stdout
    );

    // ocspsign: one response, by the responder key in the token.
    let r = hsm.cfssl(&[
        "ocspsign",
        "-ca",
        "root.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        &ocsp_uri,
        "-cert",
        "bad.pem",
        "-status",
        "revoked",
        "-reason",
        "keyCompromise",
        "-revoked-at",
        "2026-01-02",
    ]);
    r.ok();
    assert!(
        r.stderr.contains(
            "[INFO] signing with the OCSP responder key ecdsa-256 \"ocsp-key\" in token \"Root CA\""
        ),
        "{}",
        r.stderr
    );
    let response = base64::engine::general_purpose::STANDARD
        .decode(r.field("ocspResponse"))
        .unwrap();
    d.write("one.ocsp", response);
    let check = |file: &str, cert: &str| {
        hsm.openssl(&[
            "ocsp", "-respin", file, "-issuer", "root.pem", "-cert", cert, "-CAfile", "root.pem",
            "-VAfile", "ocsp.pem",
        ])
    };
    let r = check("one.ocsp", "bad.pem");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
    assert!(
        r.stdout.contains("bad.pem: revoked") && r.stdout.contains("Reason: keyCompromise"),
        "{}",
        r.stdout
    );

    // ocsprefresh: every certificate of the database (good and bad).
    hsm.cfssl(&[
        "ocsprefresh",
        "-db-config",
        "db.json",
        "-ca",
        "root.pem",
        "-responder",
        "ocsp.pem",
        "-responder-key",
        &ocsp_uri,
    ])
    .ok();
    let dump = hsm.cfssl(&["ocspdump", "-db-config", "db.json"]);
    dump.ok();
    assert_eq!(dump.stdout.lines().count(), 2, "{}", dump.stdout);
    let mut statuses = Vec::new();
    for (i, line) in dump.stdout.lines().enumerate() {
        let file = format!("dump-{i}.ocsp");
        d.write(
            &file,
            base64::engine::general_purpose::STANDARD
                .decode(line)
                .unwrap(),
        );
        for cert in ["good.pem", "bad.pem"] {
            let r = check(&file, cert);
            if r.stdout.contains(&format!("{cert}: ")) && !r.stdout.contains("ERROR") {
                assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
                let status = r.stdout.lines().find(|l| l.starts_with(cert)).unwrap();
                statuses.push(status.to_owned());
            }
        }
    }
    statuses.sort();
    assert_eq!(statuses, ["bad.pem: revoked", "good.pem: good"]);
}

/// Every token error: exit 1, cfssl's JSON naming the problem as the last line, nothing on
/// stdout, no file written, the tokens unchanged.
#[test]
fn token_errors_are_clear_and_change_nothing() {
    let Some(hsm) = Hsm::new() else { return };
    hsm.init_token("Root CA");
    hsm.init_token("Other");
    let d = &hsm.dir;
    d.write(
        "root-csr.json",
        r#"{"CN":"Example Root CA","key":{"algo":"ecdsa","size":256}}"#,
    );
    let root_uri = hsm.uri("Root CA", "object=root-key");
    let r = hsm.cfssl(&["gencert", "-initca", "-key-uri", &root_uri, "root-csr.json"]);
    d.save(&r, "cert", "root.pem");
    let r = hsm.cfssl(&[
        "gencert",
        "-initca",
        "-key-uri",
        &hsm.uri("Other", "object=other-key"),
        "root-csr.json",
    ]);
    d.save(&r, "cert", "other.pem");
    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example","hosts":["leaf.example"]}"#,
    );
    let r = hsm.cfssl(&["genkey", "leaf.json"]);
    d.save(&r, "csr", "leaf.csr");
    d.save(&r, "key", "leaf-key.pem");
    d.write("serials.txt", "1\n");
    // Two private keys labelled "dup", and a public key alone, made outside cfssl-rs.
    for id in ["01", "02"] {
        let r = hsm.pkcs11_tool(
            "Root CA",
            &[
                "--keypairgen",
                "--key-type",
                "EC:prime256v1",
                "--label",
                "dup",
                "--id",
                id,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    hsm.openssl(&[
        "pkey",
        "-in",
        "leaf-key.pem",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        "leaf-pub.der",
    ])
    .ok();
    let r = hsm.pkcs11_tool(
        "Root CA",
        &[
            "--write-object",
            "leaf-pub.der",
            "--type",
            "pubkey",
            "--label",
            "pubonly",
            "--id",
            "09",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let tokens = ["Root CA", "Other"];
    let sign = |key: &str| {
        vec![
            "sign".to_owned(),
            "-ca".to_owned(),
            "root.pem".to_owned(),
            "-ca-key".to_owned(),
            key.to_owned(),
            "leaf.csr".to_owned(),
        ]
    };
    let pin = hsm.pin_file().display().to_string();
    let wrong_pin = d.path("hsm/wrong-pin").display().to_string();
    // gencrl's own plain message (cfssl has no code for it).
    let gencrl_mismatch = format!(
        "the key in {} does not belong to the certificate in root.pem",
        hsm.uri("Other", "object=other-key")
    );
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            sign(&format!(
                "{}?module-path={MODULE}&pin-source=file:{wrong_pin}",
                bare_uri("Root CA", "object=root-key")
            )),
            r#"{"code":2000,"message":"-ca-key: wrong PIN for token \"Root CA\" (CKR_PIN_INCORRECT)"}"#,
        ),
        (
            sign(&format!(
                "{}?module-path=/nonexistent/libsofthsm2.so&pin-source=file:{pin}",
                bare_uri("Root CA", "object=root-key")
            )),
            r#"{"code":2000,"message":"-ca-key: PKCS#11 module /nonexistent/libsofthsm2.so does not exist"}"#,
        ),
        (
            sign(&format!(
                "{}?pin-source=file:{pin}",
                bare_uri("Root CA", "object=root-key")
            )),
            r#"{"code":2000,"message":"-ca-key: no PKCS#11 module: give module-path=… in the URI or set CFSSL_PKCS11_MODULE"}"#,
        ),
        (
            sign(&hsm.uri("Root CA", "object=absent")),
            r#"{"code":2000,"message":"-ca-key: no private key object=\"absent\" in token \"Root CA\""}"#,
        ),
        (
            sign(&hsm.uri("Root CA", "object=dup")),
            r#"{"code":2000,"message":"-ca-key: 2 private keys match object=\"dup\" in token \"Root CA\"; add id=%xx or a distinct object="}"#,
        ),
        (
            sign(&hsm.uri("Root CA", "object=pubonly")),
            r#"{"code":2000,"message":"-ca-key: token \"Root CA\" holds only a public key for object=\"pubonly\", no private key"}"#,
        ),
        (
            sign(&hsm.uri("Root CA", "object=root-key;type=public")),
            r#"{"code":2000,"message":"-ca-key: the PKCS#11 URI asks for type=public; a signing key needs type=private (or no type)"}"#,
        ),
        (
            sign(&format!(
                "{}?module-path={MODULE}&pin-value={PIN}",
                bare_uri("Root CA", "object=root-key")
            )),
            r#"{"code":2000,"message":"-ca-key: invalid PKCS#11 URI: pin-value: is refused: a PIN never goes on the command line; use pin-source=file:PATH or let the program ask for it"}"#,
        ),
        (
            sign(&format!(
                "{}?module-path={MODULE}",
                bare_uri("Root CA", "object=root-key")
            )),
            r#"{"code":2000,"message":"-ca-key: token \"Root CA\" needs a PIN: use pin-source=file:PATH in the URI, set CFSSL_PKCS11_PIN, or enter it when asked on a terminal"}"#,
        ),
        // A token key that is not the certificate's: cfssl's own answers for a key file.
        (
            sign(&hsm.uri("Other", "object=other-key")),
            r#"{"code":1000,"message":"x509: provided PrivateKey doesn't match parent's PublicKey"}"#,
        ),
        (
            [
                "gencert",
                "-renewca",
                "-ca",
                "root.pem",
                "-ca-key",
                &hsm.uri("Other", "object=other-key"),
            ]
            .map(str::to_owned)
            .to_vec(),
            r#"{"code":2300,"message":"Private key does not match public key"}"#,
        ),
        (
            [
                "ocspsign",
                "-ca",
                "root.pem",
                "-responder",
                "root.pem",
                "-responder-key",
                &hsm.uri("Other", "object=other-key"),
                "-cert",
                "root.pem",
            ]
            .map(str::to_owned)
            .to_vec(),
            r#"{"code":2300,"message":"Private key does not match public key"}"#,
        ),
        (
            [
                "gencrl",
                "serials.txt",
                "root.pem",
                &hsm.uri("Other", "object=other-key"),
            ]
            .map(str::to_owned)
            .to_vec(),
            &gencrl_mismatch,
        ),
        // -key-uri: no label, a label already taken, a key file to encrypt, two keys.
        (
            ["genkey", "-key-uri", &hsm.uri("Root CA", ""), "leaf.json"]
                .map(str::to_owned)
                .to_vec(),
            r#"{"code":2400,"message":"-key-uri: name the new key with object=LABEL (e.g. pkcs11:token=Root%20CA;object=root-key)"}"#,
        ),
        (
            [
                "genkey",
                "-key-uri",
                &hsm.uri("Root CA", "object=root-key"),
                "leaf.json",
            ]
            .map(str::to_owned)
            .to_vec(),
            r#"{"code":2400,"message":"-key-uri: token \"Root CA\" already holds an object with object=\"root-key\"; choose another"}"#,
        ),
        (
            [
                "gencert",
                "-initca",
                "-key-uri",
                &hsm.uri("Root CA", "object=root-key"),
                "root-csr.json",
            ]
            .map(str::to_owned)
            .to_vec(),
            r#"{"code":2400,"message":"-key-uri: token \"Root CA\" already holds an object with object=\"root-key\"; choose another"}"#,
        ),
        (
            [
                "genkey",
                "-encrypt-key",
                "-key-uri",
                &hsm.uri("Root CA", "object=new"),
                "leaf.json",
            ]
            .map(str::to_owned)
            .to_vec(),
            "-encrypt-key: a key made in a token with -key-uri never leaves it, so there is no key file to encrypt; drop one of the two",
        ),
        (
            [
                "gencert",
                "-initca",
                "-key-uri",
                &hsm.uri("Root CA", "object=new"),
                "-ca-key",
                &root_uri,
                "root-csr.json",
            ]
            .map(str::to_owned)
            .to_vec(),
            "gencert -initca: -key-uri makes a new key in a token and -ca-key names an existing key; give only one",
        ),
        (
            [
                "gencert",
                "-renewca",
                "-ca",
                "root.pem",
                "-ca-key",
                &root_uri,
                "-key-uri",
                &hsm.uri("Root CA", "object=new"),
            ]
            .map(str::to_owned)
            .to_vec(),
            "-key-uri makes a new key; gencert -renewca renews a root with its existing key (give that key's pkcs11: URI as -ca-key)",
        ),
    ];
    for (args, message) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = refused(&hsm, &tokens, &args, &[], message);
        if message.contains("already holds") || message.contains("object=LABEL") {
            assert!(
                !r.stderr.contains("[ERROR] in the request"),
                "a token error is not the request's: {}",
                r.stderr
            );
        }
        if message.contains("code\":1000") {
            assert!(
                r.stderr
                    .contains("does not belong to the CA certificate root.pem"),
                "{}",
                r.stderr
            );
        }
    }

    // A token label not present: the tokens seen are listed, in the module's slot order.
    let r = hsm.cfssl(
        &sign(&hsm.uri("Nope", "object=root-key"))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    r.fails_with(r#"-ca-key: no PKCS#11 token matches token=\"Nope\"; tokens seen: "#);
    assert!(
        [r#"\"Other\", \"Root CA\""}"#, r#"\"Root CA\", \"Other\""}"#]
            .iter()
            .any(|seen| error_line(&r).ends_with(seen)),
        "{}",
        r.stderr
    );

    // A wrong PIN from CFSSL_PKCS11_PIN, a missing module from CFSSL_PKCS11_MODULE.
    let bare = bare_uri("Root CA", "object=root-key");
    refused(
        &hsm,
        &tokens,
        &["sign", "-ca", "root.pem", "-ca-key", &bare, "leaf.csr"],
        &[
            ("CFSSL_PKCS11_MODULE", MODULE),
            ("CFSSL_PKCS11_PIN", "0000"),
        ],
        r#"{"code":2000,"message":"-ca-key: wrong PIN for token \"Root CA\" (CKR_PIN_INCORRECT)"}"#,
    );
    refused(
        &hsm,
        &tokens,
        &["sign", "-ca", "root.pem", "-ca-key", &bare, "leaf.csr"],
        &[
            ("CFSSL_PKCS11_MODULE", "/nonexistent/p11.so"),
            ("CFSSL_PKCS11_PIN", PIN),
        ],
        r#"{"code":2000,"message":"-ca-key: PKCS#11 module /nonexistent/p11.so does not exist"}"#,
    );

    // A command that fails after making its key removes it again: the label stays free.
    let before = hsm.objects("Root CA");
    d.write(
        "uninitialised.json",
        r#"{"driver":"sqlite3","data_source":"empty.db"}"#,
    );
    let r = hsm.cfssl(&[
        "gencert",
        "-ca",
        "root.pem",
        "-ca-key",
        &root_uri,
        "-key-uri",
        &hsm.uri("Root CA", "object=leaf-key"),
        "-db-config",
        "uninitialised.json",
        "leaf.json",
    ]);
    r.fails_with(r#"{"code":11000,"message":"no such table: certificates"}"#);
    assert!(
        r.stderr.contains("[WARNING] the command failed: removed the key it made, pkcs11:token=Root%20CA;object=leaf-key;id=%"),
        "{}",
        r.stderr
    );
    assert_eq!(hsm.objects("Root CA"), before);

    // After all that, the root key still signs.
    let r = hsm.cfssl(&["sign", "-ca", "root.pem", "-ca-key", &root_uri, "leaf.csr"]);
    d.save(&r, "cert", "leaf.pem");
    hsm.verify_chain("leaf.pem", None);
}

/// Module from CFSSL_PKCS11_MODULE and PIN from CFSSL_PKCS11_PIN: a URI with neither works.
#[test]
fn module_and_pin_from_the_environment() {
    let Some(hsm) = Hsm::new() else { return };
    hsm.init_token("Env CA");
    let d = &hsm.dir;
    d.write(
        "root-csr.json",
        r#"{"CN":"Env Root","key":{"algo":"ecdsa","size":384}}"#,
    );
    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example","hosts":["leaf.example"]}"#,
    );
    let env = [("CFSSL_PKCS11_MODULE", MODULE), ("CFSSL_PKCS11_PIN", PIN)];
    let r = hsm.cfssl_env(
        &[
            "genkey",
            "-initca",
            "-key-uri",
            &bare_uri("Env CA", "object=env-key"),
            "root-csr.json",
        ],
        &env,
    );
    r.ok();
    made_key_uri(&r, "ecdsa-384");
    d.save(&r, "cert", "root.pem");
    assert!(
        hsm.x509_text("root.pem")
            .contains("Signature Algorithm: ecdsa-with-SHA384")
    );
    hsm.verify_chain("root.pem", None);
    let r = hsm.cfssl_env(
        &[
            "gencert",
            "-ca",
            "root.pem",
            "-ca-key",
            &bare_uri("Env CA", "object=env-key"),
            "leaf.json",
        ],
        &env,
    );
    r.ok();
    d.save(&r, "cert", "leaf.pem");
    hsm.verify_chain("leaf.pem", None);
    // k8s-sign takes the token key as every signing command does: an approved
    // CertificateSigningRequest comes back with status.certificate issued by the token's root.
    d.write(
        "jane.json",
        r#"{"CN":"jane","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = hsm.cfssl(&["genkey", "jane.json"]);
    r.ok();
    d.save(&r, "csr", "jane.csr");
    let r = hsm.cfssl(&[
        "k8s-csr",
        "-json",
        "-name",
        "jane",
        "-signer",
        "kubernetes.io/kube-apiserver-client",
        "jane.csr",
    ]);
    r.ok();
    let mut object = r.json();
    object["status"] = serde_json::json!({"conditions": [{"type": "Approved", "status": "True"}]});
    d.write("jane-csr.json", object.to_string());
    d.write(
        "k8s-config.json",
        r#"{"signing":{"default":{"expiry":"8760h","usages":["digital signature","client auth"]}}}"#,
    );
    let r = hsm.cfssl_env(
        &[
            "k8s-sign",
            "-ca",
            "root.pem",
            "-ca-key",
            &bare_uri("Env CA", "object=env-key"),
            "-config",
            "k8s-config.json",
            "jane-csr.json",
        ],
        &env,
    );
    r.ok();
    let signed = r.json();
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(signed["status"]["certificate"].as_str().unwrap())
        .unwrap();
    d.write("jane.pem", certificate);
    hsm.verify_chain("jane.pem", None);
    assert!(hsm.x509_text("jane.pem").contains("Subject: CN = jane"));
    // The URI's own module-path and pin-source take precedence over the variables.
    let r = hsm.cfssl_env(
        &[
            "gencert",
            "-ca",
            "root.pem",
            "-ca-key",
            &hsm.uri("Env CA", "object=env-key"),
            "leaf.json",
        ],
        &[
            ("CFSSL_PKCS11_MODULE", "/nonexistent/p11.so"),
            ("CFSSL_PKCS11_PIN", "0000"),
        ],
    );
    r.ok();
}

/// The README's ceremony is the one `offline_root_and_intermediate_in_tokens` runs: its
/// commands, URIs and config.json, word for word.
#[test]
fn the_readme_shows_the_tested_ceremony() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let section = readme
        .split("## An offline root in a hardware token\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README section \"An offline root in a hardware token\"");
    for line in [
        "export CFSSL_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so",
        "read -rsp 'token PIN: ' CFSSL_PKCS11_PIN && export CFSSL_PKCS11_PIN",
        "ROOT='pkcs11:token=Root%20CA;object=root-key'",
        "INT='pkcs11:token=Intermediate%20CA;object=int-key'",
        r#"echo '{"CN":"Example Root CA","key":{"algo":"ecdsa","size":256},"names":[{"C":"US","O":"Example"}]}' > root-csr.json"#,
        r#"echo '{"CN":"Example Intermediate CA","key":{"algo":"ecdsa","size":256},"names":[{"C":"US","O":"Example"}]}' > int-csr.json"#,
        &format!("echo '{}' > config.json", README_CONFIG.trim_end()),
        r#"cfssl-rs gencert -initca -key-uri "$ROOT" root-csr.json | cfssljson-rs -bare root"#,
        "openssl verify -x509_strict -CAfile root.pem root.pem",
        r#"cfssl-rs gencrl revoked.txt root.pem "$ROOT" 2592000 | base64 -d > root.crl"#,
        "openssl crl -inform DER -in root.crl -CAfile root.pem -noout -verify",
        r#"cfssl-rs genkey -key-uri "$INT" int-csr.json | cfssljson-rs -bare int"#,
        "cfssl-rs sign -ca root.pem -ca-key \"$ROOT\" -config config.json -profile intermediate int.csr \\\n    | cfssljson-rs -bare int",
        "openssl verify -x509_strict -CAfile root.pem int.pem",
        r#"echo '{"CN":"www.example.com","hosts":["www.example.com"],"key":{"algo":"ecdsa","size":256}}' > www-csr.json"#,
        "cfssl-rs gencert -ca int.pem -ca-key \"$INT\" -config config.json -profile server www-csr.json \\\n    | cfssljson-rs -bare www",
        "openssl verify -x509_strict -CAfile root.pem -untrusted int.pem www.pem",
        "#   Access:     sensitive, always sensitive, never extractable, local",
    ] {
        assert!(
            section.contains(line),
            "the README's ceremony lacks {line:?}"
        );
    }
}

/// `serve -ca-key pkcs11:…`: the API server signs with the key in the token, built as
/// `sign` builds its signer; checked with curl and `openssl verify`.
#[test]
fn serve_signs_with_a_key_in_a_token() {
    let Some(hsm) = Hsm::new() else {
        return;
    };
    hsm.init_token("Root CA");
    let env = [("CFSSL_PKCS11_MODULE", MODULE), ("CFSSL_PKCS11_PIN", PIN)];
    let root = "pkcs11:token=Root%20CA;object=root-key";
    let d = &hsm.dir;
    d.write(
        "root-csr.json",
        r#"{"CN":"Served Root CA","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = hsm.cfssl_env(
        &["gencert", "-initca", "-key-uri", root, "root-csr.json"],
        &env,
    );
    r.ok();
    d.write("root.pem", r.json()["cert"].as_str().unwrap());
    d.write(
        "leaf-csr.json",
        r#"{"CN":"served.example.com","hosts":["served.example.com"]}"#,
    );
    let r = hsm.cfssl(&["genkey", "leaf-csr.json"]);
    r.ok();
    let csr = r.json()["csr"].as_str().unwrap().to_owned();

    /// The server, killed when the test ends.
    struct Server(std::process::Child);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Server(
        Command::new(CFSSL)
            .args(["serve", "-port", "0", "-ca", "root.pem", "-ca-key", root])
            .current_dir(d.tmp.path())
            .env("SOFTHSM2_CONF", &hsm.conf)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = server.0.stderr.take().unwrap();
    let mut port = None;
    let mut log = String::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if let Some(rest) = line.split("Now listening on ").nth(1) {
            port = rest.rsplit(':').next().map(|p| p.trim().to_owned());
            break;
        }
    }
    let port = port.unwrap_or_else(|| panic!("serve did not start: {log}"));
    let body = serde_json::json!({ "certificate_request": csr }).to_string();
    let r = hsm.tool(
        "curl",
        &[
            "-s",
            "--data-binary",
            &body,
            &format!("http://127.0.0.1:{port}/api/v1/cfssl/sign"),
        ],
    );
    let answer: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", r.stdout, r.stderr));
    assert_eq!(answer["success"], true, "{}", r.stdout);
    d.write(
        "leaf.pem",
        answer["result"]["certificate"].as_str().unwrap(),
    );
    let r = hsm.tool("openssl", &["verify", "-CAfile", "root.pem", "leaf.pem"]);
    assert_eq!(r.stdout.trim(), "leaf.pem: OK", "{}", r.stderr);
}
