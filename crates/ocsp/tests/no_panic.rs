//! Damaged inputs (every byte changed, every truncation) never make the readers or the
//! responder panic; a cheap stand-in for the `ocsp_request` fuzz target in every test run.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_ocsp::{FileSource, HttpRequest, parse_request, parse_response, respond};

fn exercise(input: &[u8], source: &FileSource) {
    let _ = parse_request(input);
    let _ = parse_response(input);
    let post = HttpRequest {
        method: "POST",
        path: "",
        body: input,
        if_none_match: None,
    };
    let answer = respond(&post, source, time::OffsetDateTime::UNIX_EPOCH);
    assert!(matches!(answer.status, 200 | 400), "{}", answer.status);
}

#[test]
fn damaged_requests_and_responses() {
    use base64::Engine;
    let source =
        FileSource::from_text(std::str::from_utf8(&common::data("responses.b64")).unwrap());
    let request = base64::engine::general_purpose::STANDARD
        .decode("MHoweDBRME8wTTAJBgUrDgMCGgUABBSOVdbL2nwTt9qPv4BwRA+W0+0XugQUw5EsW3ygwnFIo4MurKuf3yRuvPMCFHMlRXL0R5gjhqQ1leR7KKcFISUeoiMwITAfBgkrBgEFBQcwAQIEEgQQIQL6PUSb5A0XHTbRYUG3/Q==")
        .unwrap();
    for input in [
        request,
        common::data("ocsp-good.der"),
        common::data("ocsp-revoked-response.der"),
    ] {
        for len in 0..input.len() {
            exercise(&input[..len], &source);
        }
        for i in 0..input.len() {
            for value in [0x00, 0x80, 0xff, input[i] ^ 0x01] {
                let mut damaged = input.clone();
                damaged[i] = value;
                exercise(&damaged, &source);
            }
        }
    }
}
