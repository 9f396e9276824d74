//! The client side of cfssl's API (`cfssl-remote`, docs/cfssl-lifecycle.md §9.3): what
//! `sign -remote`, `gencert -remote`, `info -remote` and `revoke -remote` make of the bytes a
//! server answered (`cfssl_remote::answer`): status check, envelope decoding, then each
//! endpoint's result check. A server, or anything between client and server over plain
//! http, controls all of these bytes.
//!
//! The first input byte picks the HTTP status (even: 200, odd: a value from a small list);
//! the rest is the body.
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * a non-200 status is always `HttpStatus` carrying the body as text, code 7400;
//! * an accepted envelope is a success with a non-null result; a refused one is a typed
//!   error with cfssl's code (7200 for unreadable JSON, 7500 for a failure envelope);
//! * each endpoint's reading of a result gives a typed error with a code, never a panic;
//!   `sign`'s certificate is never empty, and `info`'s usages are always a list.
#![no_main]

use cfssl_remote::RemoteError;
use cfssl_remote::answer;
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 6] = [201, 400, 401, 403, 500, 502];
const URL: &str = "http://127.0.0.1:8888/api/v1/cfssl/sign";

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let status = if selector % 2 == 0 {
        200
    } else {
        STATUSES[usize::from(selector / 2) % 6]
    };
    let mut notes = Vec::new();
    let envelope = match answer::envelope(URL, status, body, &mut |n| notes.push(n)) {
        Ok(envelope) => envelope,
        Err(e) => {
            let code = e.code();
            let _ = e.to_string();
            match e {
                RemoteError::HttpStatus {
                    status: got,
                    body: text,
                    ..
                } => {
                    assert_ne!(status, 200);
                    assert_eq!(got, status);
                    assert_eq!(text, String::from_utf8_lossy(body));
                    assert_eq!(code, Some(7400));
                }
                RemoteError::Json(_) => assert_eq!(code, Some(7200)),
                RemoteError::ServerFailed { .. } => assert_eq!(code, Some(7500)),
                other => panic!("unexpected error {other:?}"),
            }
            if status != 200 {
                assert!(!notes.is_empty(), "http error not logged");
            }
            return;
        }
    };
    assert_eq!(status, 200);
    assert!(envelope.success && envelope.result != cfssl_json::Value::Null);
    let result = &envelope.result;
    match answer::certificate(result) {
        Ok(pem) => assert!(!pem.is_empty(), "empty certificate accepted"),
        Err(e) => assert_eq!(e.code(), Some(7400)),
    }
    if let Err(e) = answer::authsign_certificate(result) {
        assert_eq!(e.code(), Some(7200));
    }
    match answer::info(result) {
        Ok(info) => assert!(info.usages.is_some(), "info usages not a list"),
        Err(e) => assert_eq!(e.code(), Some(7400)),
    }
    if let Err(e) = answer::revoked(result) {
        assert_eq!(e.code(), Some(7400));
    }
});
