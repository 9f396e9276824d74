//! The `aws-lc` provider: AWS-LC (through `aws-lc-rs`) signs and checks signatures.
//!
//! See the parent module for what is routed here and why. AWS-LC's own checks are kept: an
//! RSA key is validated when AWS-LC loads it, an EC key's public point must match its scalar.
//! A key AWS-LC refuses to load (RSA under 2048 bits, say) is remembered as refused and
//! signed by RustCrypto from then on.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as lc, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};

use crate::alg::{SignatureHash, SignatureScheme};
use crate::{Curve, KeyAlgorithm, KeyError, KeySpec, PrivateKey, PublicKey};

pub(super) const NAME: &str = "aws-lc";

/// A private key as AWS-LC holds it, with the one scheme it signs.
enum Loaded {
    Rsa(RsaKeyPair),
    /// An ECDSA key pair is bound to one curve-and-hash pair: the curve's own hash, cfssl's
    /// choice (docs/cfssl-compat.md §5.5).
    Ecdsa(EcdsaKeyPair, SignatureHash),
    Ed25519(Ed25519KeyPair),
}

/// The AWS-LC key, made on the first signature; `None` inside when AWS-LC refused it.
#[derive(Clone, Default)]
pub(super) struct Key(Arc<OnceLock<Option<Loaded>>>);

impl Key {
    pub(super) fn sign(
        &self,
        key: &PrivateKey,
        alg: SignatureScheme,
        message: &[u8],
    ) -> Option<Result<Vec<u8>, KeyError>> {
        let loaded = self.0.get_or_init(|| load(key)).as_ref()?;
        match (loaded, alg) {
            (Loaded::Rsa(pair), SignatureScheme::Rsa(hash)) => {
                let encoding: &'static dyn lc::RsaEncoding = match hash {
                    SignatureHash::Sha256 => &lc::RSA_PKCS1_SHA256,
                    SignatureHash::Sha384 => &lc::RSA_PKCS1_SHA384,
                    SignatureHash::Sha512 => &lc::RSA_PKCS1_SHA512,
                    // AWS-LC does not sign with SHA-1.
                    SignatureHash::Sha1 => return None,
                };
                let mut signature = vec![0u8; pair.public_modulus_len()];
                Some(
                    pair.sign(encoding, &SystemRandom::new(), message, &mut signature)
                        .map(|()| signature)
                        .map_err(|_| KeyError::SigningFailed),
                )
            }
            (Loaded::Ecdsa(pair, own), SignatureScheme::Ecdsa(hash)) if *own == hash => Some(
                pair.sign(&SystemRandom::new(), message)
                    .map(|signature| signature.as_ref().to_vec())
                    .map_err(|_| KeyError::SigningFailed),
            ),
            (Loaded::Ed25519(pair), SignatureScheme::Ed25519) => {
                Some(Ok(pair.sign(message).as_ref().to_vec()))
            }
            _ => None,
        }
    }
}

/// Hands the key to AWS-LC as PKCS#8 DER (the buffer is zeroized when dropped).
fn load(key: &PrivateKey) -> Option<Loaded> {
    let pkcs8 = key.to_pkcs8_der().ok()?;
    let loaded = match key.spec() {
        KeySpec::Rsa { .. } => Loaded::Rsa(RsaKeyPair::from_pkcs8(&pkcs8).ok()?),
        KeySpec::EcdsaP256 => Loaded::Ecdsa(
            EcdsaKeyPair::from_pkcs8(&lc::ECDSA_P256_SHA256_ASN1_SIGNING, &pkcs8).ok()?,
            SignatureHash::Sha256,
        ),
        KeySpec::EcdsaP384 => Loaded::Ecdsa(
            EcdsaKeyPair::from_pkcs8(&lc::ECDSA_P384_SHA384_ASN1_SIGNING, &pkcs8).ok()?,
            SignatureHash::Sha384,
        ),
        KeySpec::EcdsaP521 => Loaded::Ecdsa(
            EcdsaKeyPair::from_pkcs8(&lc::ECDSA_P521_SHA512_ASN1_SIGNING, &pkcs8).ok()?,
            SignatureHash::Sha512,
        ),
        KeySpec::Ed25519 => {
            Loaded::Ed25519(Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8).ok()?)
        }
    };
    Some(loaded)
}

/// AWS-LC's verification algorithm for a key and scheme, where it has one. The public key
/// bytes it takes are the subjectPublicKey BIT STRING's contents: PKCS#1 `RSAPublicKey`, an
/// uncompressed EC point (our canonical SubjectPublicKeyInfo), or the 32 Ed25519 bytes.
fn algorithm(
    key: KeyAlgorithm,
    alg: SignatureScheme,
) -> Option<&'static dyn lc::VerificationAlgorithm> {
    use SignatureHash::{Sha1, Sha256, Sha384, Sha512};
    let algorithm: &'static dyn lc::VerificationAlgorithm = match (key, alg) {
        (KeyAlgorithm::Rsa { .. }, SignatureScheme::Rsa(hash)) => match hash {
            Sha1 => &lc::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Sha256 => &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            Sha384 => &lc::RSA_PKCS1_2048_8192_SHA384,
            Sha512 => &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        },
        (KeyAlgorithm::Ecdsa(Curve::P256), SignatureScheme::Ecdsa(hash)) => match hash {
            Sha1 => &lc::ECDSA_P256_SHA1_ASN1,
            Sha256 => &lc::ECDSA_P256_SHA256_ASN1,
            Sha384 => &lc::ECDSA_P256_SHA384_ASN1,
            Sha512 => &lc::ECDSA_P256_SHA512_ASN1,
        },
        (KeyAlgorithm::Ecdsa(Curve::P384), SignatureScheme::Ecdsa(hash)) => match hash {
            Sha1 => return None,
            Sha256 => &lc::ECDSA_P384_SHA256_ASN1,
            Sha384 => &lc::ECDSA_P384_SHA384_ASN1,
            Sha512 => &lc::ECDSA_P384_SHA512_ASN1,
        },
        (KeyAlgorithm::Ecdsa(Curve::P521), SignatureScheme::Ecdsa(hash)) => match hash {
            Sha1 => &lc::ECDSA_P521_SHA1_ASN1,
            Sha256 => &lc::ECDSA_P521_SHA256_ASN1,
            Sha384 => &lc::ECDSA_P521_SHA384_ASN1,
            Sha512 => &lc::ECDSA_P521_SHA512_ASN1,
        },
        (KeyAlgorithm::Ed25519, SignatureScheme::Ed25519) => &lc::ED25519,
        _ => return None,
    };
    Some(algorithm)
}

pub(super) fn verified(
    key: &PublicKey,
    alg: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Some(algorithm) = algorithm(key.algorithm(), alg) else {
        return false;
    };
    let Some(key_bytes) = key.spki().subject_public_key.as_bytes() else {
        return false;
    };
    lc::UnparsedPublicKey::new(algorithm, key_bytes)
        .verify(message, signature)
        .is_ok()
}
