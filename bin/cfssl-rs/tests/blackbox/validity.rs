//! Certificate validity through the real binary: every certificate is valid when it is
//! printed (RFC 5280 §4.1.2.5: notBefore ≤ now ≤ notAfter), whatever cfssl's rounding of
//! the start to the minute does to short lifetimes; already-expired validities are refused;
//! a certificate neither starts before nor ends after its CA (docs/differences.md #1).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests report failures by panicking"
)]

use crate::common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{Dir, Run};
use der::Decode as _;

/// Seconds since the epoch, now.
fn now() -> i64 {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(d.as_secs()).unwrap()
}

/// (notBefore, notAfter) of a PEM certificate, in seconds since the epoch.
fn validity(pem_text: &str) -> (i64, i64) {
    let block = pem::parse(pem_text).unwrap();
    let cert = x509_cert::Certificate::from_der(block.contents()).unwrap();
    let v = cert.tbs_certificate().validity();
    let secs = |t: &x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap();
    (secs(&v.not_before), secs(&v.not_after))
}

/// A P-256 root made just now (so its notBefore is about 5 minutes ago) and a CSR.
fn setup(d: &Dir) {
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "leaf-csr.json",
        r#"{"CN":"leaf","hosts":["leaf.example.com"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&["genkey", "leaf-csr.json"]);
    r.ok();
    d.save(&r, "csr", "leaf.csr");
}

/// `sign` under a default profile `profile` (JSON members), into `file`.
fn sign(d: &Dir, profile: &str) -> Run {
    d.write(
        "cfg.json",
        format!(
            r#"{{"signing":{{"default":{{"usages":["digital signature","server auth"],{profile}}}}}}}"#
        ),
    );
    d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "cfg.json",
        "leaf.csr",
    ])
}

#[test]
fn short_lifetimes_are_valid_when_printed() {
    let d = Dir::new();
    setup(&d);
    for expiry in ["10s", "1m", "2m", "5m", "1h"] {
        let r = sign(&d, &format!(r#""expiry":"{expiry}""#));
        r.ok();
        d.save(&r, "cert", "cert.pem");
        let v = d.openssl(&["verify", "-CAfile", "ca.pem", "cert.pem"]);
        let at = now();
        let (not_before, not_after) = validity(&d.read("cert.pem"));
        assert_eq!(
            v.code, 0,
            "{expiry}: openssl verify at {at} (notBefore {not_before}, notAfter {not_after}): {}{}",
            v.stdout, v.stderr
        );
        assert!(
            not_before <= at && at < not_after,
            "{expiry}: notBefore {not_before} ≤ now {at} < notAfter {not_after}"
        );
    }
}

#[test]
fn already_expired_validities_are_refused() {
    let d = Dir::new();
    setup(&d);
    let r = sign(&d, r#""expiry":"1h","backdate":"87600h""#);
    r.fails_with("already expired");
    assert!(r.stdout.is_empty());
    // An explicit not_after in the past.
    sign(
        &d,
        r#""expiry":"1h","not_before":"2020-01-01T00:00:00Z","not_after":"2020-06-01T00:00:00Z""#,
    )
    .fails_with("already expired");
}

#[test]
fn not_before_is_clamped_to_the_issuers() {
    let d = Dir::new();
    setup(&d);
    let (ca_not_before, _) = validity(&d.read("ca.pem"));
    // initca backdates the CA by 5 minutes; a 1h backdate reaches before it.
    let r = sign(&d, r#""expiry":"2h","backdate":"1h""#);
    r.ok();
    assert!(
        r.stderr
            .contains("[WARNING] notBefore moved to the CA's notBefore"),
        "{}",
        r.stderr
    );
    d.save(&r, "cert", "cert.pem");
    let (not_before, not_after) = validity(&d.read("cert.pem"));
    assert_eq!(not_before, ca_not_before);
    let at = now();
    assert!(not_after > at + 3000, "{not_after} vs {at}");
    let v = d.openssl(&["verify", "-CAfile", "ca.pem", "cert.pem"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}
