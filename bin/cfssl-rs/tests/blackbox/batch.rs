//! `sign -batch DIR` (our extension): every DIR/*.csr signed in one run, all or none.

use crate::common;
use std::collections::BTreeSet;

use common::Dir;

fn csr_dir(d: &Dir, count: usize) {
    std::fs::create_dir(d.path("csrs")).expect("mkdir csrs");
    for i in 0..count {
        d.write(
            "r.json",
            format!(r#"{{"CN":"host{i}","hosts":["host{i}.example.com"]}}"#),
        );
        let g = d.cfssl(&["genkey", "r.json"]);
        g.ok();
        d.save(&g, "csr", &format!("csrs/host{i}.csr"));
    }
    // one from openssl, RSA
    d.openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "os-key.pem",
        "-subj",
        "/CN=openssl-host",
        "-out",
        "csrs/openssl.csr",
    ])
    .ok();
}

#[test]
fn signs_every_csr_of_a_directory() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("batch", r#"{"algo":"ecdsa","size":256}"#);
    csr_dir(&d, 12);
    let r = d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "-batch", "csrs"]);
    r.ok();
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("wrote 13 certificates to csrs"),
        "{}",
        r.stderr
    );
    let mut serials = BTreeSet::new();
    let mut names: Vec<String> = (0..12).map(|i| format!("host{i}")).collect();
    names.push("openssl".into());
    for name in &names {
        let pem = format!("csrs/{name}.pem");
        d.openssl(&["verify", "-CAfile", &ca, &pem]).ok();
        // the certificate carries the CSR's key
        let cert_key = d.openssl(&["x509", "-in", &pem, "-noout", "-pubkey"]);
        let csr_key = d.openssl(&[
            "req",
            "-in",
            &format!("csrs/{name}.csr"),
            "-noout",
            "-pubkey",
        ]);
        assert_eq!(cert_key.stdout, csr_key.stdout, "{name}");
        let serial = d
            .openssl(&["x509", "-in", &pem, "-noout", "-serial"])
            .stdout;
        assert!(serials.insert(serial), "duplicate serial in {name}");
    }
    let subject = d.openssl(&[
        "x509",
        "-in",
        "csrs/host3.pem",
        "-noout",
        "-subject",
        "-ext",
        "subjectAltName",
    ]);
    assert!(subject.stdout.contains("CN = host3"), "{}", subject.stdout);
    assert!(
        subject.stdout.contains("DNS:host3.example.com"),
        "{}",
        subject.stdout
    );
}

#[test]
fn one_bad_csr_means_no_certificate_at_all() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("batch", r#"{"algo":"ecdsa","size":256}"#);
    csr_dir(&d, 3);
    d.write(
        "csrs/broken.csr",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    );
    let r = d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "-batch", "csrs"]);
    r.fails_with("1 of 5 CSRs in csrs could not be signed; no certificate was written");
    assert!(r.stderr.contains("csrs/broken.csr"), "{}", r.stderr);
    let pems = std::fs::read_dir(d.path("csrs"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pem")
        })
        .count();
    assert_eq!(pems, 0, "a certificate was written");
    // misuse
    d.cfssl(&[
        "sign", "-ca", &ca, "-ca-key", &key, "-batch", "csrs", "x.csr",
    ])
    .fails_with("-batch signs the *.csr files of a directory and takes no CSR argument");
    d.cfssl(&["sign", "-ca", &ca, "-ca-key", &key, "-batch", "nowhere"])
        .fails_with("cannot read the -batch directory nowhere");
}

#[test]
fn a_ca_key_that_is_not_the_certificates_is_refused_before_any_signing() {
    let d = Dir::new();
    let (ca, _) = d.root_ca("batch", r#"{"algo":"ecdsa","size":256}"#);
    let (_, other_key) = d.root_ca("other", r#"{"algo":"ecdsa","size":256}"#);
    csr_dir(&d, 2);
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(d.path("csrs"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        (d.files(), names)
    };
    let before = listing();
    let r = d.cfssl(&["sign", "-ca", &ca, "-ca-key", &other_key, "-batch", "csrs"]);
    r.fails_with(
        r#"{"code":1000,"message":"x509: provided PrivateKey doesn't match parent's PublicKey"}"#,
    );
    assert!(
        r.stderr.contains(&format!(
            "the CA private key {other_key} does not belong to the CA certificate {ca}"
        )),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("csrs/host0.csr"),
        "signed before checking the key: {}",
        r.stderr
    );
    assert_eq!(listing(), before, "something was written");
}
