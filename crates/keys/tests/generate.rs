//! Generated keys: PEM shape, round trips, signatures, and OpenSSL's opinion of them.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_keys::{Curve, KeyAlgorithm, KeySpec, PrivateKey, PublicKey};
use common::{have_openssl, openssl, pem_der};
use der::referenced::OwnedToRef;

fn check_round_trip(spec: KeySpec, label: &str, describe: &str, sig_oid: &str) -> PrivateKey {
    let key = PrivateKey::generate(spec).unwrap();
    assert_eq!(key.spec(), spec);
    assert_eq!(key.describe(), describe);
    assert_eq!(format!("{key:?}"), format!("PrivateKey({describe})"));

    let pem = key.to_pem();
    assert!(
        pem.starts_with(&format!("-----BEGIN {label}-----\n")),
        "{pem:?}"
    );
    assert!(pem.ends_with(&format!("-----END {label}-----\n")));
    assert!(!pem.contains('\r'));
    assert!(pem.lines().all(|line| line.len() <= 64));

    let again = PrivateKey::from_pem(pem.as_bytes()).unwrap();
    assert_eq!(again.public_key(), key.public_key());
    assert_eq!(again.to_pem(), pem, "re-encoding is stable");

    let alg = key.signature_algorithm();
    assert_eq!(alg.oid.to_string(), sig_oid);
    let message = b"cfssl-rs signs this";
    let signature = again.sign(message).unwrap();
    let public = key.public_key();
    public
        .verify(&alg.owned_to_ref(), message, &signature)
        .unwrap();
    assert!(
        public
            .verify(&alg.owned_to_ref(), b"something else", &signature)
            .is_err()
    );

    // The public key survives a trip through DER.
    let spki = public.to_spki_der();
    let parsed = PublicKey::from_spki_der(&spki).unwrap();
    assert_eq!(parsed, public);
    assert_eq!(parsed.subject_key_id(), public.subject_key_id());
    assert!(parsed.matches(&key));

    if have_openssl() {
        let check: &[&str] = if spec == KeySpec::Ed25519 {
            &["pkey", "-noout"]
        } else {
            &["pkey", "-check", "-noout"]
        };
        openssl(check, pem.as_bytes());

        // OpenSSL re-writes the same format byte for byte.
        let rewrite: &[&str] = match spec {
            KeySpec::Rsa { .. } => &["rsa", "-traditional"],
            KeySpec::Ed25519 => &["pkey"],
            _ => &["ec"],
        };
        let out = openssl(rewrite, pem.as_bytes());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            *pem,
            "openssl rewrote the key differently"
        );

        // Our SubjectPublicKeyInfo is OpenSSL's.
        let out = openssl(&["pkey", "-pubout", "-outform", "DER"], pem.as_bytes());
        assert_eq!(out.stdout, spki);
    }
    key
}

#[test]
fn ecdsa_p256() {
    let key = check_round_trip(
        KeySpec::EcdsaP256,
        "EC PRIVATE KEY",
        "ecdsa-256",
        "1.2.840.10045.4.3.2",
    );
    // docs/cfssl-compat.md §6: a P-256 key file is 227 bytes.
    assert_eq!(key.to_pem().len(), 227);
    assert_eq!(
        key.public_key().algorithm(),
        KeyAlgorithm::Ecdsa(Curve::P256)
    );
    // No parameters for ECDSA signature algorithms.
    assert!(key.signature_algorithm().parameters.is_none());
}

#[test]
fn ecdsa_p384() {
    check_round_trip(
        KeySpec::EcdsaP384,
        "EC PRIVATE KEY",
        "ecdsa-384",
        "1.2.840.10045.4.3.3",
    );
}

#[test]
fn ecdsa_p521_pads_the_scalar() {
    // Generate several: a P-521 scalar often has leading zero bytes, which must stay.
    for _ in 0..4 {
        let key = check_round_trip(
            KeySpec::EcdsaP521,
            "EC PRIVATE KEY",
            "ecdsa-521",
            "1.2.840.10045.4.3.4",
        );
        let der = pem_der(key.to_pem().as_bytes());
        let fields = common::children(&der);
        // ECPrivateKey { version, privateKey OCTET STRING (66 bytes), [0], [1] }
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[1][..2], [0x04, 66]);
    }
}

#[test]
fn ed25519_is_pkcs8_v1_without_public_key() {
    let key = check_round_trip(KeySpec::Ed25519, "PRIVATE KEY", "ed25519", "1.3.101.112");
    // docs/cfssl-compat.md §6: 30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 <seed>.
    let der = pem_der(key.to_pem().as_bytes());
    assert_eq!(der.len(), 48);
    assert_eq!(
        der[..16],
        [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20
        ]
    );
    assert_eq!(key.public_key().algorithm(), KeyAlgorithm::Ed25519);
    assert_eq!(key.sign(b"m").unwrap().len(), 64);
}

#[test]
fn rsa_2048_is_pkcs1_with_sha256_and_progress_is_reported() {
    let mut calls = 0u32;
    let mut last = std::time::Duration::ZERO;
    let key = PrivateKey::generate_with_progress(KeySpec::Rsa { bits: 2048 }, &mut |elapsed| {
        assert!(elapsed >= last);
        last = elapsed;
        calls += 1;
    })
    .unwrap();
    // A fast search may finish before the first report; a report must carry growing times.
    eprintln!("progress reported {calls} times");
    assert_eq!(key.describe(), "rsa-2048");

    let pem = key.to_pem();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let again = PrivateKey::from_pem(pem.as_bytes()).unwrap();
    assert_eq!(again.public_key(), key.public_key());

    let alg = key.signature_algorithm();
    assert_eq!(alg.oid.to_string(), "1.2.840.113549.1.1.11");
    // RSA signature algorithms carry NULL parameters (docs/cfssl-compat.md §5.5).
    assert_eq!(alg.parameters.as_ref().map(|p| p.is_null()), Some(true));

    let signature = key.sign(b"message").unwrap();
    assert_eq!(signature.len(), 256);
    key.public_key()
        .verify(&alg.owned_to_ref(), b"message", &signature)
        .unwrap();

    // PKCS#1 RSAPrivateKey v0 with all eight integers (CRT values included).
    let der = pem_der(pem.as_bytes());
    let fields = common::children(&der);
    assert_eq!(fields.len(), 9);
    assert_eq!(fields[0], [0x02, 0x01, 0x00]);
    // e = 65537
    assert_eq!(fields[2], [0x02, 0x03, 0x01, 0x00, 0x01]);

    if have_openssl() {
        openssl(&["pkey", "-check", "-noout"], pem.as_bytes());
        let out = openssl(&["rsa", "-traditional"], pem.as_bytes());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), *pem);
        let out = openssl(&["pkey", "-pubout", "-outform", "DER"], pem.as_bytes());
        assert_eq!(out.stdout, key.public_key().to_spki_der());
    }
}

#[test]
fn rsa_odd_sizes_are_exact() {
    // docs/cfssl-compat.md §11 item 12: any size in 2048..=8192 works, e.g. 2049.
    let spec = KeySpec::from_request("rsa", 2049).unwrap();
    if cfg!(feature = "fips") {
        // The FIPS build's module makes 2048, 3072, 4096 and 8192-bit RSA keys only.
        assert_eq!(
            PrivateKey::generate(spec).unwrap_err().to_string(),
            "RSA key generation with 2049 bits (use 2048, 3072, 4096 or 8192) is not offered \
             by the FIPS build of cfssl-rs"
        );
        return;
    }
    let key = PrivateKey::generate(spec).unwrap();
    assert_eq!(key.describe(), "rsa-2049");
    assert_eq!(
        key.public_key().algorithm(),
        KeyAlgorithm::Rsa { bits: 2049 }
    );
    assert_eq!(
        key.signature_algorithm().oid.to_string(),
        "1.2.840.113549.1.1.11"
    );
}
