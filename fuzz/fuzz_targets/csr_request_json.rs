//! The CSR request JSON (`cfssl genkey/gencert/gencsr csr.json`, docs/cfssl-compat.md §3.1):
//! `CertificateRequest::from_json` and everything derived from a request without a key.
//!
//! Invariants checked on every accepted request:
//! * `subject()` and its DER never panic; the DER reads back, and a second
//!   encode → parse → encode is a fixed point (the first pass may move overriding extra
//!   names into their standard lists);
//! * `hosts` classification never panics; accepted SANs encode to a subjectAltName value
//!   that reads back to the same names;
//! * `key.spec()` never panics.
#![no_main]

use cfssl_csr::subject::SubjectName;
use cfssl_csr::{CertificateRequest, SubjectAltNames};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = CertificateRequest::from_json(data) else {
        return;
    };
    let _ = request.key.spec();
    let _ = request.key.describe();
    let _ = request.validate_for_ca();

    if let Ok(subject) = request.subject() {
        check_subject(&subject);
    }

    if let Ok(classified) = SubjectAltNames::classify(&request.hosts) {
        check_sans(&classified.sans);
    }
});

fn check_subject(subject: &SubjectName) {
    let Ok(der1) = subject.to_der() else {
        return;
    };
    let parsed1 = SubjectName::from_der(&der1).expect("our own subject DER must parse");
    let der2 = parsed1.to_der().expect("a parsed subject must re-encode");
    let parsed2 = SubjectName::from_der(&der2).expect("re-encoded subject DER must parse");
    let der3 = parsed2.to_der().expect("a parsed subject must re-encode");
    assert_eq!(der2, der3, "subject encode/parse is not a fixed point");
}

fn check_sans(sans: &SubjectAltNames) {
    if sans.is_empty() {
        return;
    }
    let Ok(value) = sans.to_extension_value() else {
        return;
    };
    let back = SubjectAltNames::from_extension_value(&value)
        .expect("our own subjectAltName value must parse");
    assert_eq!(sans.dns_names, back.dns_names);
    assert_eq!(sans.email_addresses, back.email_addresses);
    assert_eq!(sans.uris, back.uris);
    let ips = |s: &SubjectAltNames| {
        s.ip_addresses
            .iter()
            .map(cfssl_csr::hosts::go_ip_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(ips(sans), ips(&back), "IP SANs changed in a round trip");
}
