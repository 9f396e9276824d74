//! The seed workflows through the real binary, each artefact checked by openssl.

use crate::common;
use common::Dir;

fn x509_text(d: &Dir, file: &str) -> String {
    d.openssl(&["x509", "-in", file, "-noout", "-text"])
        .ok()
        .stdout
        .clone()
}

#[test]
fn genkey_every_algorithm() {
    let d = Dir::new();
    for (key, header, bits) in [
        (
            r#"{"algo":"rsa","size":2048}"#,
            "RSA PRIVATE KEY",
            "2048 bit",
        ),
        (
            r#"{"algo":"ecdsa","size":256}"#,
            "EC PRIVATE KEY",
            "256 bit",
        ),
        (
            r#"{"algo":"ecdsa","size":384}"#,
            "EC PRIVATE KEY",
            "384 bit",
        ),
        (
            r#"{"algo":"ecdsa","size":521}"#,
            "EC PRIVATE KEY",
            "521 bit",
        ),
        (r#"{"algo":"ed25519"}"#, "PRIVATE KEY", "ED25519"),
    ] {
        d.write(
            "req.json",
            format!(r#"{{"CN":"example.net","hosts":["example.net","127.0.0.1","a@b.example","spiffe://td/x"],"key":{key}}}"#),
        );
        let r = d.cfssl(&["genkey", "req.json"]);
        r.ok();
        let json = r.json();
        assert_eq!(
            json.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["csr", "key"]
        );
        let key_pem = r.field("key");
        assert!(
            key_pem.starts_with(&format!("-----BEGIN {header}-----\n")),
            "{key_pem}"
        );
        d.save(&r, "key", "k.pem");
        d.save(&r, "csr", "k.csr");
        let check = d.openssl(&["pkey", "-in", "k.pem", "-noout", "-text"]);
        check.ok();
        assert!(check.stdout.contains(bits), "{}", check.stdout);
        if !header.starts_with("PRIVATE") {
            d.openssl(&["pkey", "-in", "k.pem", "-check", "-noout"])
                .ok();
        }
        let req = d.openssl(&["req", "-in", "k.csr", "-verify", "-noout", "-text"]);
        req.ok();
        assert!(
            req.stderr.contains("verify OK") || req.stdout.contains("verify OK"),
            "{}",
            req.stderr
        );
        assert!(
            req.stdout.contains(
                "DNS:example.net, email:a@b.example, IP Address:127.0.0.1, URI:spiffe://td/x"
            ),
            "{}",
            req.stdout
        );
        assert!(r.stderr.contains("[INFO] generating key: "), "{}", r.stderr);
    }
}

#[test]
fn root_ca_fields() {
    let d = Dir::new();
    d.write(
        "ca.json",
        r#"{"CN":"Kubernetes","hosts":["ca.example","10.0.0.1"],"key":{"algo":"ecdsa","size":256},"names":[{"C":"US","L":"Portland","O":"Kubernetes","OU":"CA","ST":"Oregon"}],"ca":{"pathlen":1}}"#,
    );
    let r = d.cfssl(&["gencert", "-initca", "ca.json"]);
    r.ok();
    assert_eq!(
        r.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["cert", "csr", "key"]
    );
    for line in [
        "generating a new CA key and certificate from CSR",
        "generate received request",
        "received CSR",
        "generating key: ecdsa-256",
        "encoded CSR",
        "signed certificate with serial number ",
    ] {
        assert!(
            r.stderr.contains(&format!("[INFO] {line}")),
            "missing {line}: {}",
            r.stderr
        );
    }
    d.save(&r, "cert", "ca.pem");
    let text = x509_text(&d, "ca.pem");
    assert!(
        text.contains(
            "Issuer: C = US, ST = Oregon, L = Portland, O = Kubernetes, OU = CA, CN = Kubernetes"
        ),
        "{text}"
    );
    assert!(
        text.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"),
        "{text}"
    );
    assert!(
        text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:1"),
        "{text}"
    );
    // CA certificates keep only IP SANs; a root has no AKI.
    assert!(
        text.contains("IP Address:10.0.0.1") && !text.contains("DNS:ca.example"),
        "{text}"
    );
    assert!(!text.contains("Authority Key Identifier"), "{text}");
    assert!(
        text.contains("Signature Algorithm: ecdsa-with-SHA256"),
        "{text}"
    );
    d.openssl(&["verify", "-x509_strict", "-CAfile", "ca.pem", "ca.pem"])
        .ok();
    // five years (43800h) from a rounded, 5-minute backdated start
    let dates = d.openssl(&["x509", "-in", "ca.pem", "-noout", "-startdate", "-enddate"]);
    assert!(dates.stdout.contains(":00 "), "{}", dates.stdout);
}

#[test]
fn sign_with_profiles_hostname_and_stdin() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("rsa", r#"{"algo":"rsa","size":2048}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"8760h"},"profiles":{"kubernetes":{"usages":["signing","key encipherment","server auth","client auth"],"expiry":"8760h"}}}}"#,
    );
    d.write(
        "server.json",
        r#"{"CN":"kubernetes","hosts":["kubernetes","10.32.0.1","::1"],"key":{"algo":"rsa","size":2048}}"#,
    );
    let g = d.cfssl(&["genkey", "server.json"]);
    g.ok();
    let csr = g.field("csr");
    let r = d.cfssl_stdin(
        &[
            "sign",
            "-ca",
            &ca,
            "-ca-key",
            &ca_key,
            "-config",
            "cfg.json",
            "-profile",
            "kubernetes",
            "-",
        ],
        csr.as_bytes(),
    );
    r.ok();
    assert_eq!(r.field("csr"), csr, "sign echoes the CSR verbatim");
    d.save(&r, "cert", "server.pem");
    let text = x509_text(&d, "server.pem");
    assert!(
        text.contains("Digital Signature, Key Encipherment"),
        "RSA key keeps keyEncipherment: {text}"
    );
    assert!(
        text.contains("TLS Web Server Authentication, TLS Web Client Authentication"),
        "{text}"
    );
    assert!(text.contains("CA:FALSE"), "{text}");
    assert!(
        text.contains("DNS:kubernetes, IP Address:10.32.0.1, IP Address:0:0:0:0:0:0:0:1"),
        "{text}"
    );
    assert!(
        text.contains("Signature Algorithm: sha256WithRSAEncryption"),
        "{text}"
    );
    assert!(text.contains("Authority Key Identifier"), "{text}");
    d.openssl(&["verify", "-x509_strict", "-CAfile", &ca, "server.pem"])
        .ok();

    // -hostname replaces the SANs
    d.write("server.csr", &csr);
    let r = d.cfssl(&[
        "sign",
        "-ca",
        &ca,
        "-ca-key",
        &ca_key,
        "-config",
        "cfg.json",
        "-profile",
        "kubernetes",
        "-hostname",
        "a.example.com,10.0.0.1",
        "server.csr",
    ]);
    r.ok();
    d.save(&r, "cert", "h.pem");
    let text = x509_text(&d, "h.pem");
    assert!(
        text.contains("DNS:a.example.com, IP Address:10.0.0.1\n"),
        "{text}"
    );
}

/// The README's first example: an ECDSA CA, and an ECDSA leaf from `gencert` without
/// `-config`. cfssl's built-in default profile lists `key encipherment`, which an EC key
/// cannot do: it is dropped, silently, since nobody asked for it.
#[test]
fn readme_first_example_prints_no_warning() {
    let d = Dir::new();
    d.write(
        "ca-csr.json",
        r#"{"CN":"Example Root CA","key":{"algo":"ecdsa","size":256}}"#,
    );
    let ca = d.cfssl(&["gencert", "-initca", "ca-csr.json"]);
    ca.ok();
    assert!(!ca.stderr.contains("[WARNING]"), "{}", ca.stderr);
    d.save(&ca, "cert", "ca.pem");
    let key = d.save(&ca, "key", "ca-key.pem");
    // As cfssljson-rs -bare writes it (a readable CA key is warned about).
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    d.write(
        "www-csr.json",
        r#"{"CN":"www.example.com","hosts":["www.example.com","10.0.0.1"]}"#,
    );
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "www-csr.json",
    ]);
    r.ok();
    assert!(!r.stderr.contains("[WARNING]"), "{}", r.stderr);
    d.save(&r, "cert", "www.pem");
    let text = x509_text(&d, "www.pem");
    assert!(
        text.contains("X509v3 Key Usage: critical\n                Digital Signature\n"),
        "{text}"
    );
    d.openssl(&["verify", "-CAfile", "ca.pem", "www.pem"]).ok();

    // sign and selfsign without -config use the same built-in profile: silent too.
    d.write("www.csr", r.field("csr"));
    let s = d.cfssl(&["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "www.csr"]);
    s.ok();
    assert!(!s.stderr.contains("[WARNING]"), "{}", s.stderr);
    let s = d.cfssl(&["selfsign", "www.example.com", "www-csr.json"]);
    s.ok();
    assert!(
        !s.stderr.contains("dropped keyEncipherment"),
        "{}",
        s.stderr
    );
    // A config without signing.default falls back to the built-in default profile.
    d.write(
        "profiles-only.json",
        r#"{"signing":{"profiles":{"www":{"usages":["server auth"],"expiry":"8760h"}}}}"#,
    );
    let s = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "profiles-only.json",
        "www-csr.json",
    ]);
    s.ok();
    assert!(!s.stderr.contains("[WARNING]"), "{}", s.stderr);
}

/// A usage the user wrote and the certificate cannot carry is still said, even when the
/// list is the same as cfssl's default.
#[test]
fn ec_leaf_drops_configured_key_encipherment_with_warning() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("ec", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example"]}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"8760h","usages":["signing","key encipherment","server auth","client auth"]},
            "profiles":{"www":{"expiry":"8760h","usages":["key encipherment","server auth"]}}}}"#,
    );
    for profile in ["", "www"] {
        let r = d.cfssl(&[
            "gencert",
            "-ca",
            &ca,
            "-ca-key",
            &ca_key,
            "-config",
            "cfg.json",
            "-profile",
            profile,
            "leaf.json",
        ]);
        r.ok();
        assert!(
            r.stderr.contains("[WARNING] dropped keyEncipherment"),
            "{profile}: {}",
            r.stderr
        );
        d.save(&r, "cert", "leaf.pem");
        let text = x509_text(&d, "leaf.pem");
        assert!(
            text.contains("X509v3 Key Usage: critical\n                Digital Signature\n"),
            "{text}"
        );
        d.openssl(&["verify", "-CAfile", &ca, "leaf.pem"]).ok();
    }
}

#[test]
fn intermediate_chain_with_pathlen_zero() {
    let d = Dir::new();
    let (root, root_key) = d.root_ca("root", r#"{"algo":"ecdsa","size":384}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"8760h"},"profiles":{"intermediate":{"usages":["cert sign","crl sign"],"expiry":"43800h","ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},"www":{"usages":["signing","server auth"],"expiry":"8760h"}}}}"#,
    );
    d.write(
        "int.json",
        r#"{"CN":"Intermediate","key":{"algo":"ecdsa","size":256}}"#,
    );
    let g = d.cfssl(&["genkey", "int.json"]);
    g.ok();
    d.save(&g, "csr", "int.csr");
    d.save(&g, "key", "int-key.pem");
    let s = d.cfssl(&[
        "sign",
        "-ca",
        &root,
        "-ca-key",
        &root_key,
        "-config",
        "cfg.json",
        "-profile",
        "intermediate",
        "int.csr",
    ]);
    s.ok();
    d.save(&s, "cert", "int.pem");
    let text = x509_text(&d, "int.pem");
    assert!(text.contains("CA:TRUE, pathlen:0"), "{text}");
    assert!(
        text.contains("ecdsa-with-SHA384"),
        "signed by the P-384 root: {text}"
    );
    // The intermediate's life is clamped to the root's.
    d.write("leaf.json", r#"{"CN":"www","hosts":["www.example.com"]}"#);
    let l = d.cfssl(&[
        "gencert",
        "-ca",
        "int.pem",
        "-ca-key",
        "int-key.pem",
        "-config",
        "cfg.json",
        "-profile",
        "www",
        "leaf.json",
    ]);
    l.ok();
    d.save(&l, "cert", "leaf.pem");
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        &root,
        "-untrusted",
        "int.pem",
        "leaf.pem",
    ])
    .ok();
}

#[test]
fn leaf_never_outlives_its_ca() {
    let d = Dir::new();
    d.write("ca.json", r#"{"CN":"Short CA","ca":{"expiry":"48h"}}"#);
    let r = d.cfssl(&["gencert", "-initca", "ca.json"]);
    r.ok();
    d.save(&r, "cert", "ca.pem");
    d.save(&r, "key", "ca-key.pem");
    d.write("cfg.json", r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"876000h"}}}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf"]}"#);
    let l = d.cfssl(&[
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "cfg.json",
        "leaf.json",
    ]);
    l.ok();
    assert!(l.stderr.contains("clamped"), "{}", l.stderr);
    d.save(&l, "cert", "leaf.pem");
    let ca_end = d
        .openssl(&["x509", "-in", "ca.pem", "-noout", "-enddate"])
        .stdout
        .clone();
    let leaf_end = d
        .openssl(&["x509", "-in", "leaf.pem", "-noout", "-enddate"])
        .stdout
        .clone();
    assert_eq!(ca_end, leaf_end);
}

#[test]
fn ed25519_root_and_leaf() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("ed", r#"{"algo":"ed25519"}"#);
    assert!(d.read(&ca_key).starts_with("-----BEGIN PRIVATE KEY-----\n"));
    d.write(
        "leaf.json",
        r#"{"CN":"leaf","hosts":["leaf"],"key":{"algo":"ed25519"}}"#,
    );
    let l = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &ca_key, "leaf.json"]);
    l.ok();
    d.save(&l, "cert", "leaf.pem");
    let text = x509_text(&d, "leaf.pem");
    assert!(text.contains("Signature Algorithm: ED25519"), "{text}");
    d.openssl(&["verify", "-CAfile", &ca, "leaf.pem"]).ok();
}

#[test]
fn selfsign_and_certinfo() {
    let d = Dir::new();
    d.write(
        "s.json",
        r#"{"CN":"www.example.net","hosts":["www.example.net","example.net"]}"#,
    );
    let r = d.cfssl(&["selfsign", "www.example.net", "s.json"]);
    r.ok();
    assert!(
        r.stderr
            .contains("*** WARNING ***\n\nSelf-signed certificates are dangerous.")
    );
    d.save(&r, "cert", "s.pem");
    let text = x509_text(&d, "s.pem");
    assert!(
        text.contains("DNS:www.example.net, DNS:example.net"),
        "{text}"
    );
    let info = d.cfssl(&["certinfo", "-cert", "s.pem"]);
    info.ok();
    let j = info.json();
    assert_eq!(j["subject"]["common_name"], "www.example.net");
    assert_eq!(
        j["sans"],
        serde_json::json!(["www.example.net", "example.net"])
    );
    assert_eq!(j["sigalg"], "ECDSAWithSHA256");
    // cfssl writes no AKI here; cfssl-rs writes AKI = SKI (RFC 5280 §4.2.1.1 lets only a
    // self-signed CA omit it; issue item 6).
    assert_ne!(j["subject_key_id"], "");
    assert_eq!(j["authority_key_id"], j["subject_key_id"]);
    assert_eq!(j["pem"], d.read("s.pem"));
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "subject",
            "issuer",
            "serial_number",
            "sans",
            "not_before",
            "not_after",
            "sigalg",
            "authority_key_id",
            "subject_key_id",
            "pem"
        ]
    );
}

#[test]
fn gencrl_revokes_and_verifies() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("crlca", r#"{"algo":"rsa","size":2048}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf"]}"#);
    let l = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &ca_key, "leaf.json"]);
    l.ok();
    d.save(&l, "cert", "leaf.pem");
    let serial = d.cfssl(&["certinfo", "-cert", "leaf.pem"]).json()["serial_number"]
        .as_str()
        .unwrap()
        .to_owned();
    d.write("serials.txt", format!("{serial}\n1234\n"));
    let r = d.cfssl(&["gencrl", "serials.txt", &ca, &ca_key, "86400"]);
    r.ok();
    assert_eq!(r.stdout.lines().count(), 1);
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(r.stdout.trim())
        .expect("base64");
    d.write("revoked.der", der);
    d.openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        "revoked.der",
        "-out",
        "revoked.crl",
    ])
    .ok();
    let text = d.openssl(&[
        "crl",
        "-in",
        "revoked.crl",
        "-noout",
        "-text",
        "-CAfile",
        &ca,
    ]);
    text.ok();
    assert!(
        text.stderr.contains("verify OK") || text.stdout.contains("verify OK"),
        "{}",
        text.stderr
    );
    assert!(text.stdout.contains("X509v3 CRL Number"), "{}", text.stdout);
    assert!(
        text.stdout.contains("Serial Number: 04D2"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("sha256WithRSAEncryption"),
        "{}",
        text.stdout
    );
    let v = d.openssl(&[
        "verify",
        "-crl_check",
        "-CAfile",
        &ca,
        "-CRLfile",
        "revoked.crl",
        "leaf.pem",
    ]);
    assert_ne!(v.code, 0);
    assert!(
        v.stdout.contains("certificate revoked") || v.stderr.contains("certificate revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );
}

/// An unknown usage string is ignored as cfssl does, but said on stderr.
#[test]
fn unknown_usage_is_warned_about() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("usage", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"1h","usages":["server auth","serverauth"]}}}"#,
    );
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-config",
        "cfg.json",
        "leaf.json",
    ]);
    r.ok();
    assert!(
        r.stderr
            .contains(r#"[WARNING] ignoring unknown usage "serverauth" in the signing profile"#),
        "{}",
        r.stderr
    );
    d.save(&r, "cert", "leaf.pem");
    let text = d.openssl(&[
        "x509",
        "-in",
        "leaf.pem",
        "-noout",
        "-ext",
        "extendedKeyUsage",
    ]);
    assert!(
        text.stdout.contains("TLS Web Server Authentication"),
        "{}",
        text.stdout
    );
}

/// Issue 11 #3: a serial gencrl cannot read is refused (cfssl made it 0 or a numeric prefix
/// and exited 0, leaving the certificate meant to be revoked valid); openssl's hexadecimal
/// forms are accepted when written explicitly (docs/differences.md #16).
#[test]
fn gencrl_reads_serials_strictly() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("crlca", r#"{"algo":"ecdsa","size":256}"#);
    for (line, reason) in [
        ("0x10", "not a decimal serial number"),
        (" 12 x", "not a decimal serial number"),
        ("garbage", "not a decimal serial number"),
        ("26D0AD", "not a decimal serial number"),
        ("-5", "a serial number must be positive"),
        ("0", "a serial number must be positive, not zero"),
        (
            "hex:800000000000000000000000000000000000000000",
            "longer than the 20 octets",
        ),
    ] {
        d.write("serials.txt", format!("1234\r\n\n{line}\n"));
        let r = d.cfssl(&["gencrl", "serials.txt", &ca, &ca_key]);
        r.fails_with(&format!(
            "in the serial list serials.txt: line 3 ({:?}): {reason}",
            line.trim()
        ));
    }

    // The hexadecimal serial openssl prints, in both explicit forms, revokes that certificate.
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example"]}"#);
    let l = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &ca_key, "leaf.json"]);
    d.save(&l, "cert", "leaf.pem");
    let printed = d.openssl(&["x509", "-in", "leaf.pem", "-noout", "-serial"]);
    let hex = printed
        .stdout
        .trim()
        .trim_start_matches("serial=")
        .to_owned();
    let pairs: Vec<String> = hex
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).to_lowercase())
        .collect();
    for list in [format!("hex:{hex}\n"), format!("{}\n", pairs.join(":"))] {
        d.write("serials.txt", &list);
        let r = d.cfssl(&["gencrl", "serials.txt", &ca, &ca_key]);
        r.ok();
        use base64::Engine;
        let der = base64::engine::general_purpose::STANDARD
            .decode(r.stdout.trim())
            .expect("base64");
        d.write("revoked.der", der);
        let text = d.openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            "revoked.der",
            "-noout",
            "-text",
        ]);
        assert!(
            text.stdout.contains(&format!("Serial Number: {hex}")),
            "{list}: {}",
            text.stdout
        );
        // openssl agrees that the leaf is now revoked.
        d.openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            "revoked.der",
            "-out",
            "revoked.crl",
        ])
        .ok();
        let chain = format!("{}{}", d.read(&ca), d.read("revoked.crl"));
        d.write("ca-and-crl.pem", chain);
        let v = d.openssl(&[
            "verify",
            "-crl_check",
            "-CAfile",
            "ca-and-crl.pem",
            "leaf.pem",
        ]);
        assert!(
            v.stderr.contains("certificate revoked") || v.stdout.contains("certificate revoked"),
            "{}{}",
            v.stdout,
            v.stderr
        );
    }
}

/// Issue 11 #8: gencrl refuses an issuer that is not a CA, or a CA without cRLSign (cfssl
/// signs, exit 0, a CRL that every relying party rejects).
#[test]
fn gencrl_refuses_issuers_that_may_not_sign_crls() {
    let d = Dir::new();
    let (ca, ca_key) = d.root_ca("crlca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("serials.txt", "12\n");
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example"]}"#);
    let l = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &ca_key, "leaf.json"]);
    d.save(&l, "cert", "leaf.pem");
    d.save(&l, "key", "leaf-key.pem");
    d.cfssl(&["gencrl", "serials.txt", "leaf.pem", "leaf-key.pem"])
        .fails_with(
            "the CA certificate is not a CA (no basicConstraints cA:TRUE); refusing to sign a CRL with it",
        );

    // A CA whose key usage is keyCertSign only, made by openssl.
    d.openssl(&[
        "req",
        "-new",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "nocrl-key.pem",
        "-out",
        "nocrl.pem",
        "-subj",
        "/CN=No CRL CA",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ])
    .ok();
    d.cfssl(&["gencrl", "serials.txt", "nocrl.pem", "nocrl-key.pem"])
        .fails_with("the CA certificate's key usage lacks cRLSign; refusing to sign a CRL with it");
}
