//! CSR hot paths (issue 6): `cargo bench -p cfssl-csr`.
//!
//! Parsing plus signature verification is what `sign` does for every CSR it is handed; PEM
//! encoding is done for every CSR and certificate written.

use cfssl_csr::pkcs10::pem_encode;
use cfssl_csr::{CertificateRequest, ParsedCsr};
use cfssl_keys::{KeySpec, PrivateKey};

const KINDS: [&str; 3] = ["ecdsa-p256", "rsa-2048", "ed25519"];

const REQUEST: &[u8] = br#"{"CN":"server.example.com","hosts":["server.example.com","10.0.0.1"],
"names":[{"C":"US","ST":"CA","L":"San Francisco","O":"Example","OU":"Ops"}]}"#;

fn main() {
    divan::main();
}

fn spec(kind: &str) -> KeySpec {
    match kind {
        "ecdsa-p256" => KeySpec::EcdsaP256,
        "ed25519" => KeySpec::Ed25519,
        _ => KeySpec::Rsa { bits: 2048 },
    }
}

fn csr_pem(kind: &str) -> String {
    let key = PrivateKey::generate(spec(kind)).expect("keygen");
    let request = CertificateRequest::from_json(REQUEST).expect("request");
    cfssl_csr::generate(&key, &request).expect("csr").pem
}

#[divan::bench(args = KINDS)]
fn parse_and_verify(bencher: divan::Bencher, kind: &str) {
    let pem = csr_pem(kind);
    bencher.bench_local(|| {
        let csr = ParsedCsr::from_pem(divan::black_box(pem.as_bytes())).expect("parse");
        csr.verify_signature().expect("verify");
        csr
    });
}

#[divan::bench(args = KINDS)]
fn parse_only(bencher: divan::Bencher, kind: &str) {
    let pem = csr_pem(kind);
    bencher.bench_local(|| ParsedCsr::from_pem(divan::black_box(pem.as_bytes())).expect("parse"));
}

/// Building and signing a CSR from a request (`genkey`, `gencert`), key already made.
#[divan::bench(args = KINDS)]
fn generate(bencher: divan::Bencher, kind: &str) {
    let key = PrivateKey::generate(spec(kind)).expect("keygen");
    let request = CertificateRequest::from_json(REQUEST).expect("request");
    bencher.bench_local(|| cfssl_csr::generate(&key, &request).expect("csr"));
}

#[divan::bench]
fn pem_encode_csr(bencher: divan::Bencher) {
    let pem = csr_pem("ecdsa-p256");
    let der = ParsedCsr::from_pem(pem.as_bytes()).expect("parse").der;
    bencher.bench_local(|| pem_encode("CERTIFICATE REQUEST", divan::black_box(&der)));
}
