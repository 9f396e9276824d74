//! PKCS#10 requests read back (`cfssl sign`, `certinfo -csr`, docs/cfssl-compat.md §5.1):
//! `ParsedCsr::from_pem` and `ParsedCsr::from_der` on the same input.
//!
//! Invariants on every accepted request:
//! * `verify_signature()` never panics (any outcome);
//! * `to_pem()` reads back through `from_pem` to the same DER, subject, key and SANs;
//! * `der` is the input for `from_der`;
//! * the parsed subject re-encodes without panicking.
#![no_main]

use cfssl_csr::ParsedCsr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(csr) = ParsedCsr::from_pem(data) {
        check(&csr);
    }
    if let Ok(csr) = ParsedCsr::from_der(data) {
        assert_eq!(csr.der, data, "from_der must keep the input DER");
        check(&csr);
    }
});

fn check(csr: &ParsedCsr) {
    let _ = csr.verify_signature();
    let _ = csr.subject.to_der();
    let pem = csr.to_pem();
    let back = ParsedCsr::from_pem(pem.as_bytes()).expect("to_pem output must parse");
    assert_eq!(back.der, csr.der, "PEM round trip changed the DER");
    assert_eq!(back.subject, csr.subject);
    assert_eq!(back.public_key, csr.public_key);
    assert_eq!(back.sans, csr.sans);
    assert_eq!(back.basic_constraints, csr.basic_constraints);
    assert_eq!(
        back.verify_signature().is_ok(),
        csr.verify_signature().is_ok(),
        "signature check differs after a PEM round trip"
    );
}
