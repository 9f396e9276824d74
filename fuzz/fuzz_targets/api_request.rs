//! Every request parser of cfssl's HTTP API that a server runs over a network body
//! (`cfssl-api`, docs/cfssl-lifecycle.md §7–§9): `AuthenticatedRequest::from_json`
//! (`authsign`), `ApiSignRequest::from_json` (`sign`, and the request inside `authsign`),
//! `InfoRequest::from_json` (`info`), the envelope parser the client runs over an answer,
//! and `normalize_remote` over the bytes as UTF-8 (a `-remote` value).
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * an accepted authenticated request re-serialises (`to_json`) to a body that parses to
//!   the same value; its token under a key taken from the input verifies, and with one byte
//!   of the token or of the request flipped it does not;
//! * an accepted sign request, sent again as cfssl's client writes it (`WireSignRequest`),
//!   reads back with the same hosts, CSR, subject, profile, label and serial; its
//!   `effective_hosts` is `hostname` split at commas when `hostname` is set;
//! * an accepted info request and an accepted envelope round-trip through their writers;
//! * an accepted remote address has a host, a valid port, no trailing `/` in its path, and
//!   its endpoint URLs start with its base URL.
#![no_main]

use cfssl_api::Envelope;
use cfssl_api::auth::{AuthenticatedRequest, token, verify};
use cfssl_api::info::InfoRequest;
use cfssl_api::sign::{ApiSignRequest, WireSignRequest};
use cfssl_api::url::normalize_remote;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = AuthenticatedRequest::from_json(data) {
        let body = request.to_json();
        let back = AuthenticatedRequest::from_json(body.as_bytes())
            .unwrap_or_else(|e| panic!("to_json output does not parse: {e}: {body:?}"));
        assert_eq!(back, request, "authenticated request round trip changed it");

        let key = &data[..data.len().min(16)];
        let good = token(key, &request.request);
        assert!(
            verify(key, &request.request, &good),
            "own token does not verify"
        );
        let at = data.len() % good.len();
        let mut bad = good;
        bad[at] ^= 1;
        assert!(
            !verify(key, &request.request, &bad),
            "flipped token verifies"
        );
        if !request.request.is_empty() {
            let mut changed = request.request.clone();
            let at = data.len() % changed.len();
            changed[at] ^= 0x80;
            assert!(
                !verify(key, &changed, &good),
                "token verifies a changed request"
            );
        }
        let _ = verify(key, &request.request, &request.token);
        sign_request(&request.request);
    }

    sign_request(data);

    if let Ok(info) = InfoRequest::from_json(data) {
        let body = info.to_json();
        let back = InfoRequest::from_json(body.as_bytes())
            .unwrap_or_else(|e| panic!("info request does not parse back: {e}: {body:?}"));
        assert_eq!(back, info);
    }

    if let Ok(envelope) = Envelope::parse(data) {
        let body = envelope.to_body();
        assert!(body.ends_with('\n'));
        let back = Envelope::parse(body.as_bytes())
            .unwrap_or_else(|e| panic!("to_body output does not parse: {e}: {body:?}"));
        assert_eq!(back, envelope, "envelope round trip changed it");
        assert_eq!(back.to_body(), body, "to_body is not a fixed point");
    }

    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(url) = normalize_remote(text) {
            assert!(!url.host.is_empty(), "no host: {text:?}");
            assert!(!url.path.ends_with('/'), "trailing slash: {text:?}");
            let _ = (url.port(), url.hostname());
            let base = url.base();
            assert!(url.endpoint("sign").starts_with(&base));
        }
        let _ = cfssl_api::url::normalize_remotes(text);
    }
});

/// `sign`'s parser, and a round trip through the client's writer.
fn sign_request(data: &[u8]) {
    let Ok(request) = ApiSignRequest::from_json(data) else {
        return;
    };
    let hosts = request.effective_hosts();
    if request.hostname.is_empty() {
        assert_eq!(hosts, request.hosts);
    } else {
        assert_eq!(
            hosts.map(|h| h.join(",")).as_deref(),
            Some(request.hostname.as_str())
        );
    }
    let wire = WireSignRequest {
        hosts: request.hosts.clone(),
        certificate_request: request.certificate_request.clone(),
        subject: request.subject.clone(),
        profile: request.profile.clone(),
        label: request.label.clone(),
        serial: request.serial.clone(),
        extensions: None,
    };
    let body = wire.to_json();
    let back = ApiSignRequest::from_json(body.as_bytes())
        .unwrap_or_else(|e| panic!("client's sign request does not parse: {e}: {body:?}"));
    assert_eq!(
        back,
        ApiSignRequest {
            hostname: String::new(),
            bundle: false,
            ..request
        },
        "sign request round trip changed it"
    );
}
