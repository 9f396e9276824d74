//! Bad inputs: each gets a clear message, exit 1, nothing on stdout and no panic.

use crate::common;
use common::Dir;

#[test]
fn request_json_errors() {
    let d = Dir::new();
    d.write("bad.json", "{bad");
    d.cfssl(&["gencert", "-initca", "bad.json"])
        .fails_with("invalid character 'b' looking for beginning of object key string");
    d.write("empty.json", "");
    d.cfssl(&["genkey", "empty.json"])
        .fails_with("unexpected end of JSON input");
    d.write("type.json", r#"{"CN":1}"#);
    d.cfssl(&["genkey", "type.json"])
        .fails_with("cannot unmarshal number");
    d.cfssl(&["genkey", "missing.json"])
        .fails_with("open missing.json: no such file or directory");
}

#[test]
fn key_request_errors() {
    let d = Dir::new();
    for (key, message) in [
        (
            r#"{"algo":"dsa","size":2048}"#,
            r#"{"code":2400,"message":"invalid algorithm"}"#,
        ),
        (
            r#"{"algo":"rsa","size":1024}"#,
            r#"{"code":2400,"message":"RSA key is too weak"}"#,
        ),
        (
            r#"{"algo":"rsa","size":16384}"#,
            r#"{"code":2400,"message":"RSA key size too large"}"#,
        ),
        (
            r#"{"algo":"ecdsa","size":300}"#,
            r#"{"code":2400,"message":"invalid curve"}"#,
        ),
        (
            r#"{"algo":"rsa"}"#,
            r#"{"code":2400,"message":"RSA key is too weak"}"#,
        ),
    ] {
        d.write("k.json", format!(r#"{{"CN":"x","key":{key}}}"#));
        d.cfssl(&["genkey", "k.json"]).fails_with(message);
        d.cfssl(&["gencert", "-initca", "k.json"])
            .fails_with(message);
    }
}

#[test]
fn initca_needs_a_subject() {
    let d = Dir::new();
    d.write("e.json", r#"{"hosts":["x"]}"#);
    let r = d.cfssl(&["gencert", "-initca", "e.json"]);
    r.fails_with(r#"{"code":5300,"message":"missing subject information"}"#);
    assert!(
        r.stderr.contains("[WARNING] invalid request"),
        "{}",
        r.stderr
    );
}

#[test]
fn ca_block_outside_initca() {
    let d = Dir::new();
    d.write("c.json", r#"{"CN":"x","ca":{"pathlen":1}}"#);
    d.cfssl(&["genkey", "c.json"])
        .fails_with("ca section only permitted in initca");
}

#[test]
fn bad_hosts() {
    let d = Dir::new();
    d.write("h.json", r#"{"CN":"x","hosts":["10.0.0.300"]}"#);
    d.cfssl(&["genkey", "h.json"])
        .fails_with("invalid IP address \\\"10.0.0.300\\\"");
    d.write("z.json", r#"{"CN":"x","hosts":["fe80::1%eth0"]}"#);
    d.cfssl(&["genkey", "z.json"]).fails_with("1300");
    d.write("u.json", r#"{"CN":"x","hosts":["ü@example.com"]}"#);
    d.cfssl(&["genkey", "u.json"]).fails_with("must be ASCII");
}

struct Ca {
    d: Dir,
    ca: String,
    key: String,
}

fn with_ca() -> Ca {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf"]}"#);
    let g = d.cfssl(&["genkey", "leaf.json"]);
    g.ok();
    d.save(&g, "csr", "leaf.csr");
    Ca { d, ca, key }
}

#[test]
fn signing_errors() {
    let Ca { d, ca, key } = with_ca();
    // missing -ca / -ca-key: cfssl exits 0; we exit 1 with its words (docs/differences.md #5)
    d.cfssl(&["sign", "-ca-key", &key, "leaf.csr"])
        .fails_with("need CA certificate (provide one with -ca)");
    d.cfssl(&["sign", "-ca", &ca, "leaf.csr"])
        .fails_with("need CA key (provide one with -ca-key)");
    d.cfssl(&["gencert", "-ca", &ca, "leaf.json"])
        .fails_with("need a CA key (provide one with -ca-key)");
    // a CA key that is not the certificate's
    let (_, other_key) = d.root_ca("other", r#"{"algo":"ecdsa","size":256}"#);
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &other_key, "leaf.csr"]).fails_with(
        r#"{"code":1000,"message":"x509: provided PrivateKey doesn't match parent's PublicKey"}"#,
    );
    // unknown profile
    d.write("cfg.json", r#"{"signing":{"default":{"expiry":"1h","usages":["signing"]},"profiles":{"www":{"expiry":"1h","usages":["server auth"]}}}}"#);
    d.cfssl(&[
        "sign", "-ca", &ca, "-ca-key", &key, "-config", "cfg.json", "-profile", "nope", "leaf.csr",
    ])
    .fails_with("www");
    // files that are not what they should be
    d.write("garbage.pem", "not pem");
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "garbage.pem"])
        .fails_with(r#"{"code":9002,"message":"CSR Decode failed"}"#);
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, &ca])
        .fails_with(r#"{"code":9300,"message":"not a csr"}"#);
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", "garbage.pem", "leaf.csr"])
        .fails_with(r#"{"code":2002,"message":"Failed to decode private key"}"#);
    d.cfssl(&["sign", "-ca", "garbage.pem", "-ca-key", &key, "leaf.csr"])
        .fails_with(r#"{"code":1002,"message":"Failed to decode certificate"}"#);
    d.cfssl(&["sign", "-ca", "leaf.csr", "-ca-key", &key, "leaf.csr"])
        .fails_with(r#"{"code":1003,"message":"Failed to parse certificate"}"#);
    let chain = format!("{}{}", d.read(&ca), d.read(&ca));
    d.write("chain.pem", chain);
    d.cfssl(&["sign", "-ca", "chain.pem", "-ca-key", &key, "leaf.csr"])
        .fails_with("the PEM file should contain only one object");
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", "nokey.pem", "leaf.csr"])
        .fails_with(r#"{"code":1001,"message":"open nokey.pem: no such file or directory"}"#);
    // truncated CSR
    let csr = d.read("leaf.csr");
    let lines: Vec<&str> = csr.lines().collect();
    let truncated = format!(
        "{}\n{}\n-----END CERTIFICATE REQUEST-----\n",
        lines[0], lines[1]
    );
    d.write("trunc.csr", truncated);
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "trunc.csr"])
        .fails_with("\"code\":9003");
    // encrypted key without a password
    d.write(
        "enc.pem",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n",
    );
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", "enc.pem", "leaf.csr"])
        .fails_with("2100");
    // -hostname with an invalid IP
    d.cfssl(&[
        "sign",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-hostname",
        "10.0.0.256",
        "leaf.csr",
    ])
    .fails_with("1300");
}

#[test]
fn csr_with_broken_signature() {
    let Ca { d, ca, key } = with_ca();
    // Flip one bit in the signature (the last bytes of the DER).
    let csr = d.read("leaf.csr");
    let body: String = csr.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine;
    let mut der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let n = der.len();
    der[n - 3] ^= 0x01;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    d.write(
        "bad.csr",
        format!("-----BEGIN CERTIFICATE REQUEST-----\n{b64}\n-----END CERTIFICATE REQUEST-----\n"),
    );
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "bad.csr"])
        .fails_with("\"code\":9300");
}

#[test]
fn policy_errors() {
    let Ca { d, ca, key } = with_ca();
    d.write("nousage.json", r#"{"signing":{"default":{"expiry":"1h"}}}"#);
    d.cfssl(&[
        "sign",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-config",
        "nousage.json",
        "leaf.csr",
    ])
    .fails_with(r#"{"code":5100,"message":"Invalid policy: no key usage available"}"#);
    d.write("badusage.json", r#"{"signing":{"default":{"expiry":"1h"},"profiles":{"p":{"expiry":"1h","usages":["BAD_USAGE"]}}}}"#);
    let r = d.cfssl(&[
        "sign",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-config",
        "badusage.json",
        "leaf.csr",
    ]);
    r.fails_with(r#"Failed to load config file: {"code":5200,"message":"invalid configuration"}"#);
    assert!(
        !r.stderr.ends_with('\n'),
        "cfssl prints this without a newline"
    );
    // a CSR asking to be a CA under a non-CA profile
    d.write("int.json", r#"{"CN":"int"}"#);
    let g = d.cfssl(&["gencert", "-initca", "int.json"]);
    g.ok();
    d.save(&g, "csr", "int.csr");
    let r = d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "int.csr"]);
    d.write("ca-int.json", r#"{"CN":"int","ca":{"pathlen":0}}"#);
    let _ = r;
    let g = d.cfssl(&["gencert", "-initca", "ca-int.json"]);
    g.ok();
    d.save(&g, "csr", "ca-int.csr");
    let r = d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "ca-int.csr"]);
    r.fails_with(r#"{"code":5300,"message":"Policy violation request"}"#);
    assert!(
        r.stderr
            .contains("[ERROR] local signer policy disallows issuing CA certificate")
    );
}

#[test]
fn issuer_must_be_a_valid_ca() {
    let Ca { d, ca, key } = with_ca();
    // a leaf used as -ca
    let l = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &key, "leaf.json"]);
    l.ok();
    d.save(&l, "cert", "leaf.pem");
    d.save(&l, "key", "leaf-key.pem");
    d.cfssl(&[
        "sign",
        "-ca",
        "leaf.pem",
        "-ca-key",
        "leaf-key.pem",
        "leaf.csr",
    ])
    .fails_with(r#""code":1210"#);
    let (old, old_key) = common::expired_ca();
    d.cfssl(&["sign", "-ca", &old, "-ca-key", &old_key, "leaf.csr"])
        .fails_with(r#""code":1211"#);
}

#[test]
fn initca_with_ca_flag_is_refused() {
    let Ca { d, ca, key } = with_ca();
    d.write("i.json", r#"{"CN":"i"}"#);
    d.cfssl(&["gencert", "-initca", "-ca", &ca, "-ca-key", &key, "i.json"])
        .fails_with("intermediate");
    // -initca -ca-key alone re-keys a root: cert + csr, no key
    let r = d.cfssl(&["gencert", "-initca", "-ca-key", &key, "i.json"]);
    r.ok();
    let keys: Vec<String> = r.json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["cert", "csr"]);
}

/// `crl` reads cfssl's certificate database: missing arguments are cfssl's messages, but
/// exit 1 (cfssl exits 0 with an empty line, docs/differences.md #5).
#[test]
fn crl_needs_its_database_ca_and_key() {
    let d = Dir::new();
    d.cfssl(&["crl", "-ca", "ca.pem", "-ca-key", "ca-key.pem"])
        .fails_with("no Database specified!");
    d.cfssl(&["crl", "-ca-key", "ca-key.pem", "-db-config", "db.json"])
        .fails_with("need CA certificate (provide one with -ca)");
    d.cfssl(&["crl", "-ca", "ca.pem", "-db-config", "db.json"])
        .fails_with("need CA key (provide one with -ca-key)");
    assert!(d.files().is_empty(), "crl wrote a file");
}
