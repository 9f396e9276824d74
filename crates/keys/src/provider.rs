//! The crypto provider: which code computes a signature or checks one, chosen at build time.
//!
//! Why a choice at all: the default build signs and verifies with RustCrypto (pure Rust,
//! statically linked, the code every test runs). In a signing *server* the primitives are
//! most of a request's time — RustCrypto's RSA-2048 signature costs ~1.75 ms against
//! OpenSSL's ~0.25 ms, and its P-256 is several times slower than assembly (measured with
//! `cfssl-signer`'s `sign_breakdown` example; README "Serving speed"). So, the way rustls offers
//! `ring` or `aws-lc-rs`, the cargo feature `aws-lc` routes the signature primitive through
//! AWS-LC (`aws-lc-rs`, C and assembly, FIPS-validated in its `fips` build).
//!
//! What changes, and what does not:
//!
//! * Keys are still parsed, generated, encoded and zeroized by this crate. A key is handed to
//!   AWS-LC once, as PKCS#8 DER, the first time it signs; the AWS-LC key object is kept with
//!   the key (shared by its clones) and never re-parsed per signature. The PKCS#8 buffer is
//!   zeroized; AWS-LC clears its own copy when the key is freed (its `OPENSSL_free` zeroes).
//! * Outputs have the same format: PKCS#1 v1.5 RSA signatures (deterministic, byte-identical),
//!   ECDSA DER `SEQUENCE{r, s}` (random nonces instead of hedged RFC 6979 ones: both are
//!   unpredictable, neither build's ECDSA output is reproducible), Ed25519 (deterministic,
//!   byte-identical).
//! * Every signature is still verified before it leaves ([`crate::PrivateKey::sign_as_issuer`]).
//! * Only the combinations AWS-LC has are routed to it — RSA 2048–8192 bits with SHA-256/384/512,
//!   ECDSA with the curve's own hash, Ed25519; anything else (SHA-1 with small RSA keys, a CRL
//!   signed with another hash) is signed by RustCrypto as in the default build.
//! * A signature check that AWS-LC accepts is accepted; one it refuses is checked again by
//!   RustCrypto, so that every refusal, and its Go-style error text, is exactly the default
//!   build's (refusals are rare: only bad input pays twice).
//!
//! The default build compiles [`rust_crypto`], whose hooks decline everything, so the
//! RustCrypto code paths in `private.rs` and `public.rs` are the only ones.

use crate::alg::SignatureScheme;
use crate::{KeyError, PrivateKey, PublicKey};

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "aws-lc")]
use aws_lc as backend;

#[cfg(not(feature = "aws-lc"))]
mod rust_crypto;
#[cfg(not(feature = "aws-lc"))]
use rust_crypto as backend;

/// The provider this build signs with: `rustcrypto` or `aws-lc` (for `version` and logs).
pub fn name() -> &'static str {
    backend::NAME
}

/// The provider's state for one private key: nothing in the default build; in the `aws-lc`
/// build the AWS-LC key object, made on first use and shared by the key's clones.
#[derive(Clone, Default)]
pub(crate) struct ProviderKey(backend::Key);

impl ProviderKey {
    /// Signs with the provider when it handles this key and algorithm; `None` means "sign
    /// with RustCrypto".
    pub(crate) fn sign(
        &self,
        key: &PrivateKey,
        alg: SignatureScheme,
        message: &[u8],
    ) -> Option<Result<Vec<u8>, KeyError>> {
        self.0.sign(key, alg, message)
    }
}

/// Whether the provider verified `signature` over `message`: `true` only when it handled the
/// combination and the signature is good; `false` sends the check to RustCrypto.
pub(crate) fn verified(
    key: &PublicKey,
    alg: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> bool {
    backend::verified(key, alg, message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeySpec;
    use crate::alg::SignatureHash;

    const SPECS: [KeySpec; 6] = [
        KeySpec::EcdsaP256,
        KeySpec::EcdsaP384,
        KeySpec::EcdsaP521,
        KeySpec::Ed25519,
        KeySpec::Rsa { bits: 2048 },
        KeySpec::Rsa { bits: 3072 },
    ];

    /// Whatever the provider, every signature passes RustCrypto's own check, and the
    /// deterministic ones (RSA PKCS#1 v1.5, Ed25519) are byte for byte RustCrypto's.
    #[test]
    fn signatures_are_the_default_builds() -> Result<(), KeyError> {
        let message = b"to be signed: a TBSCertificate";
        for spec in SPECS {
            // Through PEM, as a CA key is loaded.
            let key = PrivateKey::from_pem(PrivateKey::generate(spec)?.to_pem().as_bytes())?;
            let public = key.public_key();
            let alg = SignatureScheme::from_oid(&key.signature_algorithm().oid)
                .ok_or(KeyError::UnsupportedAlgorithm)?;
            let signature = key.sign(message)?;
            public.verify_rust_crypto(alg, message, &signature)?;
            let reference = key.sign_rust_crypto(alg, message)?;
            if !matches!(alg, SignatureScheme::Ecdsa(_)) {
                assert_eq!(signature, reference, "{spec:?}");
            }
            // RustCrypto's signatures pass the provider's check; in the default build the
            // provider declines every check.
            assert_eq!(
                verified(&public, alg, message, &reference),
                name() == "aws-lc",
                "{spec:?}"
            );
            assert!(!verified(&public, alg, b"another message", &reference));
            // A refusal carries the default build's error.
            let mut bad = signature.clone();
            if let Some(last) = bad.last_mut() {
                *last ^= 1;
            }
            let sig_alg = alg.identifier();
            assert_eq!(
                public.verify(&(&sig_alg).into(), message, &bad),
                public.verify_rust_crypto(alg, message, &bad),
                "{spec:?}"
            );
            assert!(public.verify(&(&sig_alg).into(), message, &bad).is_err());
        }
        Ok(())
    }

    /// Combinations the provider does not have (another hash than the curve's, SHA-1 with
    /// RSA) are still signed, by RustCrypto, and verify.
    #[test]
    fn other_hashes_fall_back() -> Result<(), KeyError> {
        let message = b"a CRL";
        for (spec, alg) in [
            (
                KeySpec::EcdsaP384,
                SignatureScheme::Ecdsa(SignatureHash::Sha256),
            ),
            (
                KeySpec::Rsa { bits: 2048 },
                SignatureScheme::Rsa(SignatureHash::Sha1),
            ),
            (
                KeySpec::Rsa { bits: 4096 },
                SignatureScheme::Rsa(SignatureHash::Sha256),
            ),
        ] {
            let key = PrivateKey::generate(spec)?;
            let identifier = alg.identifier();
            let signature = key.sign_with(&identifier, message)?;
            key.public_key()
                .verify_rust_crypto(alg, message, &signature)?;
        }
        Ok(())
    }

    /// The AWS-LC key is made once and shared by clones.
    #[test]
    fn clones_sign_alike() -> Result<(), KeyError> {
        let key = PrivateKey::generate(KeySpec::Ed25519)?;
        let first = key.sign(b"m")?;
        let clone = key.clone();
        assert_eq!(clone.sign(b"m")?, first);
        Ok(())
    }
}
