//! Key generation per type (issue 6): `cargo bench -p cfssl-keys`.
//!
//! RSA generation is random (prime search), so its samples are few and widely spread; the
//! median is the number to look at.

use cfssl_keys::{KeySpec, PrivateKey};

fn main() {
    divan::main();
}

#[divan::bench]
fn ecdsa_p256() -> PrivateKey {
    PrivateKey::generate(KeySpec::EcdsaP256).expect("keygen")
}

#[divan::bench]
fn ecdsa_p384() -> PrivateKey {
    PrivateKey::generate(KeySpec::EcdsaP384).expect("keygen")
}

#[divan::bench]
fn ed25519() -> PrivateKey {
    PrivateKey::generate(KeySpec::Ed25519).expect("keygen")
}

#[divan::bench(sample_count = 15, sample_size = 1)]
fn rsa_2048() -> PrivateKey {
    PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).expect("keygen")
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn rsa_4096() -> PrivateKey {
    PrivateKey::generate(KeySpec::Rsa { bits: 4096 }).expect("keygen")
}

/// Serialising a key as cfssl writes it (`*-key.pem`).
#[divan::bench(args = ["ecdsa-p256", "ed25519", "rsa-2048"])]
fn key_to_pem(bencher: divan::Bencher, kind: &str) {
    let spec = match kind {
        "ecdsa-p256" => KeySpec::EcdsaP256,
        "ed25519" => KeySpec::Ed25519,
        _ => KeySpec::Rsa { bits: 2048 },
    };
    let key = PrivateKey::generate(spec).expect("keygen");
    bencher.bench_local(|| key.to_pem());
}
