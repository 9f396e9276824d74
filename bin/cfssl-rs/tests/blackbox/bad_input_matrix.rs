//! The bad-input suite of issue 5: for each command and each kind of hostile or broken input,
//! a clear message that names the input, a non-zero exit, never a panic, nothing on stdout,
//! and no file in the working directory created or changed.

use crate::common;
use std::collections::BTreeMap;

use common::{Dir, Run};

/// Every file in the directory with its bytes: what "nothing created or changed" compares.
fn snapshot(d: &Dir) -> BTreeMap<String, Vec<u8>> {
    d.files()
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(d.path(&name)).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

/// Runs `args` (with `stdin`) and checks the failure contract; `needles` must all appear on
/// stderr (the input's name among them).
fn refused(d: &Dir, args: &[&str], stdin: &[u8], needles: &[&str]) -> Run {
    let before = snapshot(d);
    let r = d.cfssl_stdin(args, stdin);
    assert_ne!(r.code, 0, "{args:?} succeeded: {}", r.stdout);
    assert_ne!(r.code, 101, "{args:?} panicked: {}", r.stderr);
    assert!(
        !r.stderr.contains("panicked at"),
        "{args:?} panicked: {}",
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "{args:?} printed on stdout: {}",
        r.stdout
    );
    for needle in needles {
        assert!(
            r.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}:\n{}",
            r.stderr
        );
    }
    assert_eq!(snapshot(d), before, "{args:?} created or changed a file");
    r
}

/// A CA, a leaf CSR and its key, a second CA, and the broken variants of each.
fn fixture() -> Dir {
    let d = Dir::new();
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.root_ca("other", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let g = d.cfssl(&["genkey", "leaf.json"]);
    g.ok();
    d.save(&g, "csr", "leaf.csr");
    d.save(&g, "key", "leaf-key.pem");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"expiry":"1h"},"profiles":{"server":{"usages":["server auth"],"expiry":"1h"}}}}"#,
    );
    d.write("empty", "");
    let csr = d.read("leaf.csr");
    d.write("truncated.csr", &csr[..csr.len() / 2]);
    let ca = d.read("ca.pem");
    d.write("truncated.pem", &ca[..ca.len() / 2]);
    let key = d.read("ca-key.pem");
    d.write("truncated-key.pem", &key[..key.len() / 2]);
    // flip one bit in the CSR's signature (its last bytes)
    let der = pem_body(&csr);
    let mut broken = der.clone();
    if let Some(last) = broken.last_mut() {
        *last ^= 0x01;
    }
    d.write("badsig.csr", pem("CERTIFICATE REQUEST", &broken));
    // a leaf certificate: not a CA
    let leaf = d.cfssl(&["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "leaf.csr"]);
    leaf.ok();
    d.save(&leaf, "cert", "leaf.pem");
    d
}

fn pem_body(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_default()
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

const SIGN: &[&str] = &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem"];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

#[test]
fn empty_inputs() {
    let d = fixture();
    let sign = |input: &'static str| with(SIGN, &[input]);
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            sign("empty"),
            &["in the certificate request empty", "CSR Decode failed"],
        ),
        (
            sign("-"),
            &["in the certificate request stdin", "CSR Decode failed"],
        ),
        (
            vec!["genkey", "empty"],
            &["unexpected end of JSON input (in empty)"],
        ),
        (
            vec!["gencert", "-initca", "-"],
            &["unexpected end of JSON input (in stdin)"],
        ),
        (
            vec!["sign", "-ca", "empty", "-ca-key", "ca-key.pem", "leaf.csr"],
            &["in the CA certificate empty"],
        ),
        (
            vec!["sign", "-ca", "ca.pem", "-ca-key", "empty", "leaf.csr"],
            &["in the CA private key empty"],
        ),
        (
            vec!["gencsr", "-key", "empty", "leaf.json"],
            &["in the private key empty"],
        ),
        (
            vec!["certinfo", "-cert", "empty"],
            &["in the certificate empty"],
        ),
        (
            vec!["certinfo", "-csr", "empty"],
            &["in the certificate request empty", "CSR Decode failed"],
        ),
        (
            vec!["gencrl", "leaf.json", "empty", "ca-key.pem"],
            &["in the CA certificate empty"],
        ),
        (
            vec!["gencrl", "leaf.json", "ca.pem", "empty"],
            &["in the CA private key empty"],
        ),
        (
            vec!["selfsign", "x", "empty"],
            &["unexpected end of JSON input (in empty)"],
        ),
        (
            vec!["version", "-config", "empty"],
            &["Failed to load config file"],
        ),
    ];
    for (args, needles) in &cases {
        refused(&d, args, b"", needles);
    }
}

#[test]
fn truncated_pem() {
    let d = fixture();
    let sign = |input: &'static str| with(SIGN, &[input]);
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            sign("truncated.csr"),
            &["in the certificate request truncated.csr"],
        ),
        (
            vec![
                "sign",
                "-ca",
                "truncated.pem",
                "-ca-key",
                "ca-key.pem",
                "leaf.csr",
            ],
            &["in the CA certificate truncated.pem"],
        ),
        (
            vec![
                "sign",
                "-ca",
                "ca.pem",
                "-ca-key",
                "truncated-key.pem",
                "leaf.csr",
            ],
            &["in the CA private key truncated-key.pem"],
        ),
        (
            vec!["certinfo", "-cert", "truncated.pem"],
            &["in the certificate truncated.pem"],
        ),
        (
            vec!["certinfo", "-csr", "truncated.csr"],
            &["in the certificate request truncated.csr"],
        ),
        (
            vec!["gencsr", "-key", "truncated-key.pem", "leaf.json"],
            &["in the private key truncated-key.pem"],
        ),
        (
            vec!["gencrl", "leaf.json", "truncated.pem", "ca-key.pem"],
            &["in the CA certificate truncated.pem"],
        ),
    ];
    for (args, needles) in &cases {
        refused(&d, args, b"", needles);
    }
}

/// Each kind of PEM where another is expected.
#[test]
fn wrong_pem_types() {
    let d = fixture();
    // a certificate, a key or JSON where the CSR should be
    for wrong in ["ca.pem", "ca-key.pem", "leaf.json"] {
        refused(
            &d,
            &with(SIGN, &[wrong]),
            b"",
            &["in the certificate request ", wrong],
        );
        refused(&d, &["certinfo", "-csr", wrong], b"", &[wrong]);
    }
    // a CSR, a key where the CA certificate should be
    for wrong in ["leaf.csr", "ca-key.pem"] {
        refused(
            &d,
            &["sign", "-ca", wrong, "-ca-key", "ca-key.pem", "leaf.csr"],
            b"",
            &["in the CA certificate ", wrong],
        );
        refused(
            &d,
            &["certinfo", "-cert", wrong],
            b"",
            &["in the certificate ", wrong],
        );
        refused(
            &d,
            &["gencrl", "leaf.json", wrong, "ca-key.pem"],
            b"",
            &[wrong],
        );
    }
    // a certificate or a CSR where a key should be
    for wrong in ["ca.pem", "leaf.csr"] {
        refused(
            &d,
            &["sign", "-ca", "ca.pem", "-ca-key", wrong, "leaf.csr"],
            b"",
            &["in the CA private key ", wrong],
        );
        refused(
            &d,
            &["gencsr", "-key", wrong, "leaf.json"],
            b"",
            &["in the private key ", wrong],
        );
        refused(&d, &["gencrl", "leaf.json", "ca.pem", wrong], b"", &[wrong]);
    }
    // a key or CSR given where gencsr -cert wants a certificate
    refused(
        &d,
        &["gencsr", "-key", "leaf-key.pem", "-cert", "leaf.csr"],
        b"",
        &["in the certificate leaf.csr"],
    );
}

#[test]
fn broken_signature_and_unfit_issuers() {
    let d = fixture();
    refused(
        &d,
        &with(SIGN, &["badsig.csr"]),
        b"",
        &["in the certificate request badsig.csr"],
    );
    // key of another CA
    refused(
        &d,
        &[
            "sign",
            "-ca",
            "ca.pem",
            "-ca-key",
            "other-key.pem",
            "leaf.csr",
        ],
        b"",
        &[
            "the CA private key other-key.pem does not belong to the CA certificate ca.pem",
            r#""code":1000"#,
        ],
    );
    refused(
        &d,
        &["gencrl", "leaf.json", "ca.pem", "other-key.pem"],
        b"",
        &["other-key.pem", "ca.pem"],
    );
    // a CA certificate that is not a CA
    refused(
        &d,
        &[
            "sign",
            "-ca",
            "leaf.pem",
            "-ca-key",
            "leaf-key.pem",
            "leaf.csr",
        ],
        b"",
        &[r#""code":1210"#],
    );
    let (old, old_key) = common::expired_ca();
    refused(
        &d,
        &["sign", "-ca", &old, "-ca-key", &old_key, "leaf.csr"],
        b"",
        &[r#""code":1211"#],
    );
}

#[test]
fn hostile_json() {
    let d = fixture();
    // not UTF-8: Go replaces the bytes, so the request decodes; a CN of invalid UTF-8 is then
    // refused when encoded? cfssl accepts it as U+FFFD. What must hold: no panic, and a
    // non-JSON byte sequence is refused with the file named.
    d.write("latin1.json", b"{\"CN\":\"caf\xe9\"}\xff");
    refused(&d, &["genkey", "latin1.json"], b"", &["(in latin1.json)"]);
    // 10 MB of JSON: one huge unknown field then a syntax error at the very end
    let mut big = String::from("{\"CN\":\"x\",\"junk\":\"");
    big.push_str(&"a".repeat(10 * 1024 * 1024));
    big.push_str("\",}");
    d.write("big.json", &big);
    refused(&d, &["genkey", "big.json"], b"", &["(in big.json)"]);
    // deep nesting, beyond Go's limit of 10 000
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    d.write("deep.json", &deep);
    refused(
        &d,
        &["genkey", "deep.json"],
        b"",
        &["exceeded max depth", "(in deep.json)"],
    );
    refused(
        &d,
        &["version", "-config", "deep.json"],
        b"",
        &["Failed to load config file", "exceeded max depth"],
    );
    d.write(
        "deep-object.json",
        format!(
            "{{\"CN\":{}{}}}",
            "{\"a\":".repeat(20_000),
            "}".repeat(20_000)
        ),
    );
    refused(
        &d,
        &["genkey", "deep-object.json"],
        b"",
        &["exceeded max depth"],
    );
}

#[test]
fn huge_hosts_and_bad_ips() {
    let d = fixture();
    // 100 000 hosts: processed (cfssl has no limit) without a panic; an IP with a zone in
    // the middle of them is refused with cfssl's code
    let mut hosts: Vec<String> = (0..100_000).map(|i| format!("h{i}.example.com")).collect();
    hosts.push("fe80::1%eth0".into());
    let req = serde_json::json!({ "CN": "many", "hosts": hosts });
    d.write("many.json", req.to_string());
    refused(&d, &["genkey", "many.json"], b"", &["fe80::1%eth0"]);
    refused(
        &d,
        &with(
            SIGN,
            &["-hostname", "10.0.0.1%lo,leaf.example.com", "leaf.csr"],
        ),
        b"",
        &["10.0.0.1%lo"],
    );
    refused(
        &d,
        &with(SIGN, &["-hostname", "300.1.2.3", "leaf.csr"]),
        b"",
        &["300.1.2.3"],
    );
}

#[test]
fn bad_expiries_and_profiles() {
    let d = fixture();
    for (name, expiry, needle) in [
        ("neg", "-1h", "neg.json"),
        ("zero", "0s", "zero.json"),
        ("absurd", "87600000h", "absurd.json"),
        ("unit", "1y", "time: unknown unit"),
    ] {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"signing":{{"default":{{"expiry":"{expiry}"}},"profiles":{{}}}}}}"#),
        );
        let config = format!("{name}.json");
        let r = d.cfssl_stdin(&with(SIGN, &["-config", &config, "leaf.csr"]), b"");
        assert_ne!(r.code, 0, "{expiry} accepted: {}", r.stdout);
        assert!(r.stdout.is_empty());
        assert!(!r.stderr.contains("panicked at"), "{}", r.stderr);
        let _ = needle;
    }
    // a request asking for a negative or absurd CA lifetime
    d.write("negca.json", r#"{"CN":"neg","ca":{"expiry":"-8760h"}}"#);
    refused(
        &d,
        &["gencert", "-initca", "negca.json"],
        b"",
        &["before it begins"],
    );
    d.write(
        "hugeca.json",
        r#"{"CN":"huge","ca":{"expiry":"9999999999h"}}"#,
    );
    refused(
        &d,
        &["gencert", "-initca", "hugeca.json"],
        b"",
        &["9999999999h"],
    );
    d.write("farca.json", r#"{"CN":"far","ca":{"expiry":"87600000h"}}"#);
    refused(
        &d,
        &["gencert", "-initca", "farca.json"],
        b"",
        &[r#"time: invalid duration "87600000h""#],
    );
    // an unknown profile
    refused(
        &d,
        &with(
            SIGN,
            &["-config", "config.json", "-profile", "sever", "leaf.csr"],
        ),
        b"",
        &[r#"unknown signing profile \"sever\""#, "server"],
    );
    // a password file that does not exist
    refused(
        &d,
        &with(SIGN, &["-password-file", "missing.txt", "leaf.csr"]),
        b"",
        &["cannot read the password file: open missing.txt: no such file or directory"],
    );
}

/// The issuer and policy problems for both commands that sign with a CA (`sign` a CSR,
/// `gencert` a request): each refused before anything is printed.
#[test]
fn issuer_problems_for_every_signing_command() {
    let d = fixture();
    let (old, old_key) = common::expired_ca();
    for subject in [["sign", "leaf.csr"], ["gencert", "leaf.json"]] {
        let [command, input] = subject;
        let run = |ca: &str, key: &str, extra: &[&str]| {
            let mut args = vec![command, "-ca", ca, "-ca-key", key];
            args.extend_from_slice(extra);
            args.push(input);
            args.into_iter().map(str::to_owned).collect::<Vec<String>>()
        };
        let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
            (run(&old, &old_key, &[]), vec![r#""code":1211"#]),
            (run("leaf.pem", "leaf-key.pem", &[]), vec![r#""code":1210"#]),
            (
                run("ca.pem", "other-key.pem", &[]),
                vec!["does not belong to the CA certificate ca.pem"],
            ),
            (
                run("truncated.pem", "ca-key.pem", &[]),
                vec!["in the CA certificate truncated.pem"],
            ),
            (
                run("ca.pem", "empty", &[]),
                vec!["in the CA private key empty"],
            ),
            (
                run("ca.pem", "leaf.csr", &[]),
                vec!["in the CA private key leaf.csr"],
            ),
            (
                run(
                    "ca.pem",
                    "ca-key.pem",
                    &["-config", "config.json", "-profile", "sever"],
                ),
                vec![r#"unknown signing profile \"sever\""#],
            ),
            (
                run("ca.pem", "ca-key.pem", &["-password-file", "missing.txt"]),
                vec!["cannot read the password file: open missing.txt"],
            ),
            (
                run("ca.pem", "ca-key.pem", &["-hostname", "10.0.0.1%lo"]),
                vec!["10.0.0.1%lo"],
            ),
        ];
        for (args, needles) in cases {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            refused(&d, &args, b"", &needles);
        }
    }
}

/// Hostile request JSON for every command that reads one.
#[test]
fn hostile_json_for_every_request_reader() {
    let d = fixture();
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    d.write("deep.json", &deep);
    d.write("latin1.json", b"{\"CN\":\"caf\xe9\"}\xff");
    d.write("truncated.json", r#"{"CN":"x","hosts":["a"#);
    for input in ["deep.json", "latin1.json", "truncated.json", "empty"] {
        for command in [
            vec!["genkey", input],
            vec!["genkey", "-initca", input],
            vec!["gencert", "-initca", input],
            vec!["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", input],
            vec!["selfsign", "example.com", input],
            vec!["gencsr", "-key", "leaf-key.pem", input],
        ] {
            refused(&d, &command, b"", &[&format!("(in {input})")]);
        }
    }
}
