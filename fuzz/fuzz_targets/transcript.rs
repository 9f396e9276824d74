//! Ceremony transcripts (`ceremony verify`, `ceremony print`, and every `-transcript` append,
//! which checks the existing chain first): `cfssl_transcript::check_bytes` over the file's
//! bytes, and `Artefact::of_bytes` / `tbs_sha256_of_text` over any file a step reads or
//! `verify` is given (PEM, base64 or DER).
//!
//! Invariants:
//! * the lines counted are the newlines; every entry read back has 64-hex hashes;
//! * an artefact's SHA-256 is the input's; a fingerprint, when there is one, is 64 hex
//!   digits; a to-be-signed hash likewise.
#![no_main]

use cfssl_transcript::{Artefact, check_bytes, sha256_hex, tbs_sha256_of_text};
use libfuzzer_sys::fuzz_target;

fn is_hex64(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fuzz_target!(|data: &[u8]| {
    let report = check_bytes(data);
    let newlines = data.iter().filter(|b| **b == b'\n').count();
    assert_eq!(report.lines, newlines);
    assert!(report.entries.len() <= report.lines);
    for entry in &report.entries {
        assert!(is_hex64(&entry.hash));
    }
    assert_eq!(report.head.is_some(), report.lines > 0);

    let artefact = Artefact::of_bytes("fuzz", data);
    assert_eq!(artefact.sha256, sha256_hex(data));
    if let Some(fingerprint) = &artefact.fingerprint {
        assert!(is_hex64(fingerprint), "{fingerprint}");
    }
    if let Some(tbs) = tbs_sha256_of_text(data) {
        assert!(is_hex64(&tbs));
    }
});
