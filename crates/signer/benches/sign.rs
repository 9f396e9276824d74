//! Certificate build + sign per CA key type (issue 6): `cargo bench -p cfssl-signer`.
//!
//! Each bench makes its CA once (as `gencert -initca` would) and then times
//! [`LocalSigner::sign`] on a fixed ECDSA P-256 leaf CSR: parse and verify the CSR, apply
//! the default policy, build the TBSCertificate, sign it with the CA key, PEM-encode.

use cfssl_config::Config;
use cfssl_csr::CertificateRequest;
use cfssl_keys::{KeySpec, PrivateKey};
use cfssl_signer::{CsrInput, LocalSigner, ParsedCertificate, SignRequest, initca};
use time::OffsetDateTime;

const CA_KINDS: [&str; 4] = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "ed25519"];

const CA_REQUEST: &[u8] = br#"{"CN":"Bench Root CA","key":{"algo":"ecdsa","size":256},
"names":[{"C":"US","O":"Example","OU":"CA"}]}"#;

const LEAF_REQUEST: &[u8] = br#"{"CN":"server.example.com",
"hosts":["server.example.com","www.example.com","10.0.0.1"],
"names":[{"C":"US","ST":"CA","L":"San Francisco","O":"Example","OU":"Ops"}]}"#;

fn main() {
    divan::main();
}

fn spec(kind: &str) -> KeySpec {
    match kind {
        "ecdsa-p256" => KeySpec::EcdsaP256,
        "ecdsa-p384" => KeySpec::EcdsaP384,
        "ed25519" => KeySpec::Ed25519,
        _ => KeySpec::Rsa { bits: 2048 },
    }
}

/// A self-signed root made along the `gencert -initca` code path.
fn make_ca(kind: &str) -> (ParsedCertificate, PrivateKey) {
    let request = CertificateRequest::from_json(CA_REQUEST).expect("CA request");
    let key = PrivateKey::generate(spec(kind)).expect("CA keygen");
    let csr = cfssl_csr::generate(&key, &request).expect("CA csr");
    let policy = initca::ca_policy(&request, true).expect("CA policy");
    let issued = initca::self_sign(
        &csr.verified().expect("parse"),
        &key,
        &policy,
        OffsetDateTime::now_utc(),
    )
    .expect("self-sign");
    let ca = ParsedCertificate::from_pem(issued.pem.as_bytes()).expect("CA parse");
    (ca, key)
}

fn leaf_csr() -> Vec<u8> {
    let request = CertificateRequest::from_json(LEAF_REQUEST).expect("leaf request");
    let key = PrivateKey::generate(KeySpec::EcdsaP256).expect("leaf keygen");
    cfssl_csr::generate(&key, &request)
        .expect("leaf csr")
        .pem
        .into_bytes()
}

/// `sign`/`gencert` minus key generation and file I/O, per CA key type.
#[divan::bench(args = CA_KINDS)]
fn sign_leaf(bencher: divan::Bencher, ca_kind: &str) {
    let (ca, key) = make_ca(ca_kind);
    let signer = LocalSigner::new(ca, key, Config::default_policy()).expect("signer");
    let request = SignRequest {
        csr: CsrInput::Pem(leaf_csr()),
        hosts: None,
        subject: None,
        profile: String::new(),
        crl_override: None,
        max_lifetime: None,
        usages: None,
    };
    bencher.bench_local(|| {
        signer
            .sign(divan::black_box(&request), OffsetDateTime::now_utc())
            .expect("sign")
    });
}

/// The self-signing step of `gencert -initca` (key and CSR made beforehand).
#[divan::bench(args = CA_KINDS)]
fn self_sign_root(bencher: divan::Bencher, kind: &str) {
    let request = CertificateRequest::from_json(CA_REQUEST).expect("CA request");
    let key = PrivateKey::generate(spec(kind)).expect("CA keygen");
    let csr = cfssl_csr::generate(&key, &request)
        .expect("CA csr")
        .verified()
        .expect("parse");
    let policy = initca::ca_policy(&request, true).expect("CA policy");
    bencher.bench_local(|| {
        initca::self_sign(&csr, &key, &policy, OffsetDateTime::now_utc()).expect("self-sign")
    });
}

/// Reading the `-ca` certificate, done once per `sign` run.
#[divan::bench]
fn parse_ca_certificate(bencher: divan::Bencher) {
    let (ca, _) = make_ca("ecdsa-p256");
    let pem = ca.to_pem();
    bencher.bench_local(|| {
        ParsedCertificate::from_pem(divan::black_box(pem.as_bytes())).expect("parse")
    });
}
