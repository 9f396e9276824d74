//! OCSP requests as `ocspserve` receives them (docs/cfssl-lifecycle.md §5.5): the POST body
//! through `parse_request`, the same bytes as a GET path through `decode_get_path`, and the
//! whole `respond` path with a source that answers nothing; plus `parse_response`, which
//! reads stored responses and `-responses` files.
//!
//! Invariants:
//! * nothing panics;
//! * an accepted request names a hash `CertIdHash` knows, and its lookup keys are
//!   well-formed (decimal serial, lower-case hex issuerKeyHash);
//! * `respond` answers 200 (unauthorized), 400 or 405, with one of cfssl's bodies.
#![no_main]

use cfssl_ocsp::{CertId, FileSource, HttpRequest, parse_request, parse_response, respond};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(id) = parse_request(data) {
        check(&id);
    }
    let _ = parse_response(data);
    let empty = FileSource::default();
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let post = HttpRequest {
        method: "POST",
        path: "",
        body: data,
        if_none_match: None,
    };
    let answer = respond(&post, &empty, now);
    assert!(matches!(answer.status, 200 | 400), "{}", answer.status);
    if let Ok(path) = std::str::from_utf8(data) {
        if let Some(body) = cfssl_ocsp::decode_get_path(path) {
            if let Ok(id) = parse_request(&body) {
                check(&id);
            }
        }
        let get = HttpRequest {
            method: "GET",
            path,
            body: b"",
            if_none_match: None,
        };
        let answer = respond(&get, &empty, now);
        assert!(matches!(answer.status, 200 | 400), "{}", answer.status);
        assert!(
            answer.body.is_empty()
                || answer.body == [0x30, 0x03, 0x0a, 0x01, 0x01]
                || answer.body == [0x30, 0x03, 0x0a, 0x01, 0x06]
        );
        let _ = FileSource::from_text(path);
    }
});

fn check(id: &CertId) {
    assert!(id.hash().is_some());
    let decimal = id.serial_decimal();
    let digits = decimal.strip_prefix('-').unwrap_or(&decimal);
    assert!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    let hex = id.issuer_key_hash_hex();
    assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    let _ = id.serial_hex();
}
