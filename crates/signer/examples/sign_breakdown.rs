//! Where one certificate signature spends its time (issue 16 item 7): run with
//! `cargo run --release -p cfssl-signer --example sign_breakdown [--features aws-lc]`.
//!
//! For a P-256, an RSA-2048 and an Ed25519 CA it times, per operation and averaged over many
//! runs, the steps of [`LocalSigner::sign`] that can be measured from outside: parsing the
//! leaf CSR, checking its signature, one CA signature with its self-check, and the whole
//! `sign` (CSR → PEM certificate). What is left of the whole after the three is policy,
//! TBSCertificate building, linting and PEM encoding. Not a test: a table of numbers for the
//! README's "Serving speed".

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use cfssl_config::Config;
use cfssl_csr::{CertificateRequest, ParsedCsr};
use cfssl_keys::{KeySpec, PrivateKey};
use cfssl_signer::{CsrInput, LocalSigner, ParsedCertificate, SignRequest, initca};
use time::OffsetDateTime;

const CA_REQUEST: &[u8] = br#"{"CN":"Bench Root CA","key":{"algo":"ecdsa","size":256},
"names":[{"C":"US","O":"Example","OU":"CA"}]}"#;
const LEAF_REQUEST: &[u8] = br#"{"CN":"server.example.com",
"hosts":["server.example.com","www.example.com","10.0.0.1"],
"names":[{"C":"US","ST":"CA","L":"San Francisco","O":"Example","OU":"Ops"}]}"#;

fn time_per_op(runs: u32, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let leaf_request = CertificateRequest::from_json(LEAF_REQUEST)?;
    let leaf_key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let csr_pem = cfssl_csr::generate(&leaf_key, &leaf_request)?
        .pem
        .into_bytes();
    let parsed = ParsedCsr::from_pem(&csr_pem)?;
    println!(
        "| CA | parse CSR µs | verify CSR µs | CA sign+check µs | whole sign µs | rest µs | certs/s (1 core) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, spec) in [
        ("ecdsa-p256", KeySpec::EcdsaP256),
        ("rsa-2048", KeySpec::Rsa { bits: 2048 }),
        ("ed25519", KeySpec::Ed25519),
    ] {
        let request = CertificateRequest::from_json(CA_REQUEST)?;
        let key = PrivateKey::generate(spec)?;
        let csr = cfssl_csr::generate(&key, &request)?;
        let policy = initca::ca_policy(&request, true)?;
        let issued = initca::self_sign(&csr.verified()?, &key, &policy, OffsetDateTime::now_utc())?;
        let ca = ParsedCertificate::from_pem(issued.pem.as_bytes())?;
        let ca_public = key.public_key();
        // A key read from its PEM file, as the server does, not the generated one.
        let key = PrivateKey::from_pem(key.to_pem().as_bytes())?;
        let alg = key.signature_algorithm();
        let tbs = vec![0x5a_u8; 700]; // about a leaf's TBSCertificate
        let parse = time_per_op(runs, || {
            std::hint::black_box(ParsedCsr::from_pem(&csr_pem).unwrap());
        });
        let verify = time_per_op(runs, || parsed.verify_signature().unwrap());
        let sign = time_per_op(runs, || {
            std::hint::black_box(key.sign_as_issuer(&alg, &tbs, &ca_public).unwrap());
        });
        let signer = LocalSigner::new(ca, key, Config::default_policy())?;
        let sign_request = SignRequest {
            csr: CsrInput::Pem(csr_pem.clone()),
            ..SignRequest::default()
        };
        let whole = time_per_op(runs, || {
            std::hint::black_box(
                signer
                    .sign(&sign_request, OffsetDateTime::now_utc())
                    .unwrap(),
            );
        });
        let rest = whole - parse - verify - sign;
        println!(
            "| {name} | {parse:.1} | {verify:.1} | {sign:.1} | {whole:.1} | {rest:.1} | {:.0} |",
            1e6 / whole
        );
    }
    Ok(())
}
