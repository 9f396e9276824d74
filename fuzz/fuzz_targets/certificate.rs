//! Certificates (`-ca`, `certinfo -cert`, `gencsr -cert`, docs/cfssl-compat.md §1.2):
//! `ParsedCertificate::from_pem` and `ParsedCertificate::from_der` on the same input.
//!
//! Invariants on every accepted certificate:
//! * `is_ca()` and `max_path_len()` agree with the parsed basicConstraints
//!   (`MaxPathLenZero` only for a path length of 0);
//! * `to_pem()` reads back through `from_pem` to the same DER and fields;
//! * `der` is the input for `from_der`; subject and issuer re-encode without panicking.
#![no_main]

use cfssl_signer::ParsedCertificate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = ParsedCertificate::from_pem(data) {
        check(&cert);
    }
    if let Ok(cert) = ParsedCertificate::from_der(data) {
        assert_eq!(cert.der, data, "from_der must keep the input DER");
        check(&cert);
    }
});

fn check(cert: &ParsedCertificate) {
    let is_ca = cert.is_ca();
    let (path_len, zero) = cert.max_path_len();
    assert_eq!(is_ca, matches!(cert.basic_constraints, Some((true, _))));
    assert_eq!(zero, path_len == 0 && cert.basic_constraints.is_some());
    if cert.basic_constraints.is_none() {
        assert_eq!(path_len, -1);
    }
    let _ = cert.subject.to_der();
    let _ = cert.issuer.to_der();
    let _ = cfssl_signer::certificate::decimal(&cert.serial);

    let pem = cert.to_pem();
    let back = ParsedCertificate::from_pem(pem.as_bytes()).expect("to_pem output must parse");
    assert_eq!(back.der, cert.der, "PEM round trip changed the DER");
    assert_eq!(back.serial, cert.serial);
    assert_eq!(back.subject, cert.subject);
    assert_eq!(back.issuer, cert.issuer);
    assert_eq!(back.public_key, cert.public_key);
    assert_eq!(back.not_before, cert.not_before);
    assert_eq!(back.not_after, cert.not_after);
    assert_eq!(back.basic_constraints, cert.basic_constraints);
    assert_eq!(back.sans, cert.sans);
    assert_eq!(back.is_ca(), is_ca);
    assert_eq!(back.max_path_len(), (path_len, zero));
}
