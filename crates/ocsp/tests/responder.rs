//! The responder core against what cfssl 1.6.5's `ocspserve` answered (transcript T§10,
//! T§11), from the `-responses` file cfssl's `ocspdump` wrote.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::cell::RefCell;

use cfssl_ocsp::{
    CertId, FileSource, HttpAnswer, HttpRequest, NoteLevel, ResponseSource, parse_request,
};
use common::*;
use time::OffsetDateTime;
use time::macros::datetime;

/// `openssl ocsp -issuer ca.pem -cert leaf1.pem -no_nonce -reqout req1.der`, base64 (T§10).
const LEAF1_REQUEST: &str = "MFUwUzBRME8wTTAJBgUrDgMCGgUABBSOVdbL2nwTt9qPv4BwRA+W0+0XugQUw5EsW3ygwnFIo4MurKuf3yRuvPMCFCL0MKgqL3iG5/m0372ggIeX+8YU";
/// A request with OpenSSL's nonce for a certificate with no stored response (T§10 log).
const UNKNOWN_WITH_NONCE: &str = "MHoweDBRME8wTTAJBgUrDgMCGgUABBSOVdbL2nwTt9qPv4BwRA+W0+0XugQUw5EsW3ygwnFIo4MurKuf3yRuvPMCFHMlRXL0R5gjhqQ1leR7KKcFISUeoiMwITAfBgkrBgEFBQcwAQIEEgQQIQL6PUSb5A0XHTbRYUG3/Q==";
/// The ETag cfssl sent for leaf1's response (T§10).
const LEAF1_ETAG: &str = "\"0D562EFB4EF85C386DB3063346B5006709ECB023BF7D2F873B56B0C2B7656CD0\"";
/// When curl asked (T§10 `Date: Sun, 06 Dec 2026 04:55:01 GMT`, somewhere in that second).
const ASKED: OffsetDateTime = datetime!(2026-12-06 04:55:01.5 UTC);

fn source() -> FileSource {
    let source = FileSource::from_text(std::str::from_utf8(&data("responses.b64")).unwrap());
    assert_eq!(source.len(), 4, "cfssl: Read 4 OCSP responses");
    assert!(source.skipped().is_empty());
    source
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn get(path: &str) -> HttpRequest<'_> {
    HttpRequest {
        method: "GET",
        path,
        body: b"",
        if_none_match: None,
    }
}

fn headers(answer: &HttpAnswer) -> Vec<(&str, &str)> {
    answer
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// T§10: `GET /<b64>` and `POST /` give the same 200 with cfssl's exact headers.
#[test]
fn found_by_get_and_post_with_cfssls_headers() {
    let source = source();
    let expected_headers = vec![
        (
            "Cache-Control",
            "max-age=255898, public, no-transform, must-revalidate",
        ),
        ("Content-Type", "application/ocsp-response"),
        ("Etag", LEAF1_ETAG),
        ("Expires", "Wed, 09 Dec 2026 04:00:00 UTC"),
        ("Last-Modified", "Sun, 06 Dec 2026 04:00:00 UTC"),
    ];
    let stored = b64(std::str::from_utf8(&data("responses.b64"))
        .unwrap()
        .lines()
        .next()
        .unwrap());
    let by_get = cfssl_ocsp::respond(&get(LEAF1_REQUEST), &source, ASKED);
    assert_eq!(by_get.status, 200);
    assert_eq!(headers(&by_get), expected_headers);
    assert_eq!(by_get.body, stored);
    assert!(by_get.notes.is_empty());
    // With the leading slash of the URL path, and with `+` escaped as `%2B`.
    let slashed = format!("/{}", LEAF1_REQUEST.replace('+', "%2B"));
    assert_eq!(cfssl_ocsp::respond(&get(&slashed), &source, ASKED), by_get);

    let body = b64(LEAF1_REQUEST);
    let post = HttpRequest {
        method: "POST",
        path: "",
        body: &body,
        if_none_match: None,
    };
    assert_eq!(cfssl_ocsp::respond(&post, &source, ASKED), by_get);

    // If-None-Match with the ETag: 304, the same headers but Content-Type, no body.
    let conditional = HttpRequest {
        if_none_match: Some(LEAF1_ETAG),
        ..get(LEAF1_REQUEST)
    };
    let answer = cfssl_ocsp::respond(&conditional, &source, ASKED);
    assert_eq!(answer.status, 304);
    assert!(answer.body.is_empty());
    let mut without_type = expected_headers.clone();
    without_type.remove(1);
    assert_eq!(headers(&answer), without_type);
    // Another ETag: a normal 200.
    let other = HttpRequest {
        if_none_match: Some("\"00\""),
        ..get(LEAF1_REQUEST)
    };
    assert_eq!(cfssl_ocsp::respond(&other, &source, ASKED).status, 200);

    // After nextUpdate: max-age=0, still served.
    let late = cfssl_ocsp::respond(&get(LEAF1_REQUEST), &source, datetime!(2027-01-01 0:00 UTC));
    assert_eq!(late.status, 200);
    assert_eq!(
        late.headers[0].1,
        "max-age=0, public, no-transform, must-revalidate"
    );
}

/// T§10: nothing stored → 200 `unauthorized`, with the INFO line cfssl logs.
#[test]
fn not_found_is_200_unauthorized() {
    let answer = cfssl_ocsp::respond(&get(UNKNOWN_WITH_NONCE), &source(), ASKED);
    assert_eq!(answer.status, 200);
    assert_eq!(
        headers(&answer),
        vec![
            ("Cache-Control", "max-age=0, no-cache"),
            ("Content-Type", "application/ocsp-response")
        ]
    );
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x06]);
    assert_eq!(answer.notes.len(), 1);
    assert_eq!(answer.notes[0].level, NoteLevel::Info);
    assert_eq!(
        answer.notes[0].message,
        format!(
            "No response found for request: serial 73254572f447982386a43595e47b28a70521251e, request body {UNKNOWN_WITH_NONCE}"
        )
    );
}

/// T§11: the file source matches by serial alone — a SHA-256 CertID, or another issuer,
/// still finds the response.
#[test]
fn file_source_matches_by_serial_only() {
    let source = source();
    let mut id = parse_request(&b64(LEAF1_REQUEST)).unwrap();
    id.hash_algorithm = cfssl_ocsp::CertIdHash::Sha256.algorithm_identifier();
    id.issuer_key_hash = der::asn1::OctetString::new(vec![0u8; 32]).unwrap();
    assert!(source.lookup(&id).unwrap().is_some());
    assert_eq!(
        id.serial_decimal(),
        "199551306649688441432799239521210311027241764372"
    );
}

/// A source that fails, and one whose stored response is not a response.
struct Broken(RefCell<Vec<String>>);

impl ResponseSource for Broken {
    type Error = String;

    fn lookup(&self, id: &CertId) -> Result<Option<Vec<u8>>, String> {
        self.0.borrow_mut().push(id.issuer_key_hash_hex());
        if id.serial_decimal().starts_with('1') {
            Err("database is locked".into())
        } else {
            Ok(Some(b"not a response".to_vec()))
        }
    }
}

#[test]
fn source_errors_and_bad_stored_responses() {
    let broken = Broken(RefCell::new(Vec::new()));
    let answer = cfssl_ocsp::respond(&get(LEAF1_REQUEST), &broken, ASKED);
    assert_eq!(answer.status, 500);
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x02]);
    assert!(
        answer.notes[0]
            .message
            .ends_with("error: database is locked")
    );
    // The DB lookup key: lower-case hex of the SHA-1 issuerKeyHash = the CA's SKI.
    assert_eq!(
        broken.0.borrow()[0],
        "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3"
    );

    let answer = cfssl_ocsp::respond(&get(UNKNOWN_WITH_NONCE), &broken, ASKED);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x02]);
    assert_eq!(answer.notes[0].level, NoteLevel::Error);
}

/// T§10: `GET /notbase64` → 400 without body; `GET /<b64 of "hello\n">` → 400 malformedRequest.
#[test]
fn bad_requests() {
    let source = source();
    let answer = cfssl_ocsp::respond(&get("notbase64"), &source, ASKED);
    assert_eq!((answer.status, answer.body.len()), (400, 0));
    let answer = cfssl_ocsp::respond(&get("aGVsbG8K"), &source, ASKED);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x01]);
    let put = HttpRequest {
        method: "PUT",
        ..get("")
    };
    assert_eq!(cfssl_ocsp::respond(&put, &source, ASKED).status, 405);
}

/// Requests made by openssl now (with a nonce, SHA-1 and SHA-256) parse to the right CertID.
#[test]
fn openssl_requests_parse() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("req.der");
    let out = out.to_str().unwrap();
    for hash in ["-sha1", "-sha256"] {
        openssl(&[
            "ocsp",
            hash,
            "-issuer",
            data_path("ca.pem").to_str().unwrap(),
            "-cert",
            data_path("leaf2.pem").to_str().unwrap(),
            "-reqout",
            out,
        ]);
        let id = parse_request(&std::fs::read(out).unwrap()).unwrap();
        assert_eq!(id.serial_hex(), "602b1187d01391858d9b41e872de5c2585bfd482");
        let answer = cfssl_ocsp::respond(
            &HttpRequest {
                method: "POST",
                path: "",
                body: &std::fs::read(out).unwrap(),
                if_none_match: None,
            },
            &source(),
            ASKED,
        );
        assert_eq!(answer.status, 200);
        let parsed = cfssl_ocsp::parse_response(&answer.body).unwrap();
        assert!(matches!(
            parsed.status,
            cfssl_ocsp::CertificateStatus::Revoked { reason: 1, .. }
        ));
    }
}
