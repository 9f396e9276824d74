//! Private and public keys for cfssl-rs: generation, PEM/DER in and out, signing with
//! cfssl's choice of hash, and signature checks.
//!
//! This crate is the bottom of the workspace: the CSR, signer and CLI crates never touch a
//! key format or a signature primitive themselves.
//!
//! ```
//! use cfssl_keys::{KeySpec, PrivateKey};
//!
//! // {"algo": "ecdsa", "size": 256}
//! let spec = KeySpec::from_request("ecdsa", 256)?;
//! let key = PrivateKey::generate(spec)?;
//! let pem = key.to_pem();
//! assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
//!
//! let again = PrivateKey::from_pem(pem.as_bytes())?;
//! let signature = again.sign(b"to be signed")?;
//! let alg = key.signature_algorithm(); // ecdsa-with-SHA256
//! key.public_key().verify(&alg.owned_to_ref(), b"to be signed", &signature)?;
//! # use der::referenced::OwnedToRef;
//! # Ok::<(), cfssl_keys::KeyError>(())
//! ```
//!
//! # Rules (with their sources)
//!
//! * Key requests: `rsa` 2048..=8192 bits (any integer), `ecdsa` 256/384/521, `ed25519`
//!   ignoring the size; names are case-sensitive (docs/cfssl-compat.md §6). Errors are code 2400.
//! * PEM out is what cfssl writes (docs/cfssl-compat.md §6): `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY`
//!   (SEC1 with curve and public key), and for Ed25519 the standard `PRIVATE KEY` PKCS#8 v1
//!   instead of cfssl's `Ed25519 PRIVATE KEY` label (docs/differences.md #10).
//! * PEM in is as lenient as Go's `pem.Decode` and cfssl's key reader (docs/cfssl-compat.md §1.2): the
//!   first block anywhere in the text, `EC PARAMETERS` skipped, PKCS#8/PKCS#1/SEC1/cfssl
//!   Ed25519 tried in that order. Codes 2002, 2003, 2100, 2200 (docs/cfssl-compat.md §7.1).
//! * Signature algorithm by key (docs/cfssl-compat.md §5.5): RSA ≥ 4096 SHA-512, ≥ 3072 SHA-384,
//!   ≥ 2048 SHA-256, below SHA-1, always PKCS#1 v1.5 with NULL parameters; ECDSA with the
//!   hash matching the curve; Ed25519. One rule for keys in memory and in tokens
//!   ([`KeyAlgorithm::signature_algorithm`]); [`SigningKey`] is what signs, wherever the key is.
//! * Subject key identifier: SHA-1 of the subjectPublicKey bits of the re-encoded public key
//!   (RFC 5280 §4.2.1.2 method 1; docs/cfssl-compat.md §5.2).
//! * Secret material is zeroized on drop and never printed (`Debug` shows the key type only);
//!   no error message contains key bytes.

#![deny(missing_docs)]

mod alg;
mod encrypted;
mod error;
mod pem;
mod private;
pub mod provider;
mod public;
mod rng;
mod signing;
mod spec;

pub use alg::{SignatureHash, SignatureScheme};
pub use error::KeyError;
pub use private::PrivateKey;
pub use public::{Curve, KeyAlgorithm, PublicKey};
pub use rng::fill_random;
pub use signing::SigningKey;
pub use spec::KeySpec;
