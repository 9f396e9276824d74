//! Private keys (`-key`, `-ca-key`, docs/cfssl-compat.md §1.2): PKCS#1, SEC1, PKCS#8 (v1/v2), cfssl's
//! `Ed25519 PRIVATE KEY`, and encrypted PKCS#8 (PBES2 with PBKDF2 or scrypt), all through
//! `PrivateKey::from_pem` and `PrivateKey::from_pem_with_password(input, b"password")`.
//!
//! Invariants on every accepted key:
//! * `from_pem` never accepts an encrypted key, and whatever it accepts
//!   `from_pem_with_password` accepts as the same key;
//! * `to_pem()` reads back to the same public key and type, and re-encodes identically;
//! * a signature made with the key verifies with its public key.
#![no_main]

use cfssl_keys::PrivateKey;
use libfuzzer_sys::fuzz_target;

/// The password of the encrypted seeds (fuzz/seeds/private_key/*-enc-*.pem).
const PASSWORD: &[u8] = b"password";

fuzz_target!(|data: &[u8]| {
    let plain = PrivateKey::from_pem(data);
    if let Ok(key) = &plain {
        check(key);
    }
    match PrivateKey::from_pem_with_password(data, PASSWORD) {
        Ok(key) => {
            if let Ok(plain) = &plain {
                assert_eq!(
                    plain.public_key(),
                    key.public_key(),
                    "from_pem and from_pem_with_password disagree"
                );
            }
            check(&key);
        }
        Err(_) => assert!(
            plain.is_err(),
            "a key from_pem reads must also read with a password"
        ),
    }
});

fn check(key: &PrivateKey) {
    let spec = key.spec();
    let _ = key.describe();
    let public = key.public_key();
    let pem = key.to_pem();
    assert!(!pem.is_empty(), "to_pem of a parsed {spec:?} key is empty");
    let back = PrivateKey::from_pem(pem.as_bytes()).expect("to_pem output must parse");
    assert_eq!(back.spec(), spec, "key type changed in a PEM round trip");
    assert_eq!(
        back.public_key(),
        public,
        "public key changed in a PEM round trip"
    );
    assert_eq!(*back.to_pem(), *pem, "to_pem is not stable");

    let message = b"cfssl-rs fuzz";
    if let Ok(signature) = key.sign(message) {
        let alg = key.signature_algorithm();
        match public.verify(&(&alg).into(), message, &signature) {
            Ok(()) => {}
            Err(e) => panic!("a signature from the {spec:?} key does not verify: {e}"),
        }
    }
}
