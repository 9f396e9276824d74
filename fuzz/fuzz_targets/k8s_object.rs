//! Kubernetes CertificateSigningRequest objects as `k8s-review` and `k8s-sign` read them
//! (`cfssl_k8s::object::read_requests`): JSON, YAML (our own event-level reader over
//! `saphyr-parser`, with alias, depth and tag limits), a `List` of objects, or a PEM CSR;
//! then the identity review of every request read.
//!
//! Invariants:
//! * nothing panics, whatever the bytes (the reader faces `kubectl get csr -o yaml` output
//!   that anyone who can create a CSR object shaped);
//! * a YAML document the reader accepts becomes a JSON value that survives a JSON round
//!   trip unchanged (no value JSON cannot hold slips through);
//! * every request read can be reviewed.
#![no_main]

use cfssl_k8s::object::read_requests;
use cfssl_k8s::review::review;
use cfssl_k8s::yaml_read::from_yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(value) = from_yaml(text)
    {
        let json = serde_json::to_string(&value).expect("a YAML value must serialize as JSON");
        let back: serde_json::Value =
            serde_json::from_str(&json).expect("serialized YAML value must parse as JSON");
        assert_eq!(back, value, "YAML value changed in a JSON round trip");
    }
    if let Ok(requests) = read_requests(data) {
        for request in &requests {
            let _ = review(request);
        }
    }
});
