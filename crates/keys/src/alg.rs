//! Object identifiers and digests used for keys and signatures, and [`SignatureScheme`]: the
//! one table from signature-algorithm OIDs to what a signer does, shared by key files and
//! PKCS#11 tokens (`cfssl-pkcs11`) so that both sign, name and accept the same algorithms.

use const_oid::ObjectIdentifier;
use der::asn1::Any;
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;

/// rsaEncryption (RFC 8017 appendix C).
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-ecPublicKey (RFC 5480 §2.1.1).
pub(crate) const ID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 (RFC 5480 §2.1.1.1).
pub(crate) const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1.
pub(crate) const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// secp521r1.
pub(crate) const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// id-Ed25519 (RFC 8410 §3), used both for the key and the signature algorithm.
pub(crate) const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

pub(crate) const SHA1_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
pub(crate) const SHA256_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub(crate) const SHA384_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
pub(crate) const SHA512_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
pub(crate) const ECDSA_WITH_SHA1: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
pub(crate) const ECDSA_WITH_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_WITH_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
pub(crate) const ECDSA_WITH_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

/// The hash inside an RSA or ECDSA signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureHash {
    /// SHA-1: read (Go accepts it in CSRs), never chosen for a new signature by cfssl-rs
    /// but for RSA keys under 2048 bits as cfssl does.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl SignatureHash {
    /// The digest of `message`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            SignatureHash::Sha1 => sha1::Sha1::digest(message).to_vec(),
            SignatureHash::Sha256 => sha2::Sha256::digest(message).to_vec(),
            SignatureHash::Sha384 => sha2::Sha384::digest(message).to_vec(),
            SignatureHash::Sha512 => sha2::Sha512::digest(message).to_vec(),
        }
    }

    /// The DER of PKCS#1 v1.5's `DigestInfo` up to the digest itself (RFC 8017 §9.2, note
    /// 1): what a signer that is handed a raw RSA operation (`CKM_RSA_PKCS`) prepends.
    pub fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            SignatureHash::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
            SignatureHash::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            SignatureHash::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            SignatureHash::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    pub(crate) fn pkcs1v15(self) -> rsa::Pkcs1v15Sign {
        match self {
            SignatureHash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            SignatureHash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            SignatureHash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            SignatureHash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }
}

/// What a signature AlgorithmIdentifier asks for. Parameters are not looked at, as in Go,
/// which picks the algorithm by OID alone for PKCS#1 v1.5, ECDSA and Ed25519.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with the hash.
    Rsa(SignatureHash),
    /// ECDSA (RFC 5758 §3.2) with the hash.
    Ecdsa(SignatureHash),
    /// Ed25519 (RFC 8410 §3): the message is signed whole.
    Ed25519,
}

impl SignatureScheme {
    /// cfssl's choice for a key (docs/cfssl-compat.md §5.5): RSA ≥ 4096 bits SHA-512, ≥ 3072
    /// SHA-384, ≥ 2048 SHA-256, smaller SHA-1; ECDSA with the hash matching the curve.
    pub(crate) fn for_key(key: crate::KeyAlgorithm) -> SignatureScheme {
        use crate::{Curve, KeyAlgorithm};
        match key {
            KeyAlgorithm::Rsa { bits } => SignatureScheme::Rsa(if bits >= 4096 {
                SignatureHash::Sha512
            } else if bits >= 3072 {
                SignatureHash::Sha384
            } else if bits >= 2048 {
                SignatureHash::Sha256
            } else {
                SignatureHash::Sha1
            }),
            KeyAlgorithm::Ecdsa(Curve::P256) => SignatureScheme::Ecdsa(SignatureHash::Sha256),
            KeyAlgorithm::Ecdsa(Curve::P384) => SignatureScheme::Ecdsa(SignatureHash::Sha384),
            KeyAlgorithm::Ecdsa(Curve::P521) => SignatureScheme::Ecdsa(SignatureHash::Sha512),
            KeyAlgorithm::Ed25519 => SignatureScheme::Ed25519,
        }
    }

    /// The scheme a signature AlgorithmIdentifier's OID names; `None` for any other
    /// (RSA-PSS, DSA, …).
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<SignatureScheme> {
        let alg = match *oid {
            SHA1_WITH_RSA => SignatureScheme::Rsa(SignatureHash::Sha1),
            SHA256_WITH_RSA => SignatureScheme::Rsa(SignatureHash::Sha256),
            SHA384_WITH_RSA => SignatureScheme::Rsa(SignatureHash::Sha384),
            SHA512_WITH_RSA => SignatureScheme::Rsa(SignatureHash::Sha512),
            ECDSA_WITH_SHA1 => SignatureScheme::Ecdsa(SignatureHash::Sha1),
            ECDSA_WITH_SHA256 => SignatureScheme::Ecdsa(SignatureHash::Sha256),
            ECDSA_WITH_SHA384 => SignatureScheme::Ecdsa(SignatureHash::Sha384),
            ECDSA_WITH_SHA512 => SignatureScheme::Ecdsa(SignatureHash::Sha512),
            ID_ED25519 => SignatureScheme::Ed25519,
            _ => return None,
        };
        Some(alg)
    }

    /// The AlgorithmIdentifier Go writes: RSA with NULL parameters, ECDSA and Ed25519 with
    /// none (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3; docs/cfssl-compat.md §5.5).
    pub fn identifier(self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self {
            SignatureScheme::Rsa(hash) => {
                let oid = match hash {
                    SignatureHash::Sha1 => SHA1_WITH_RSA,
                    SignatureHash::Sha256 => SHA256_WITH_RSA,
                    SignatureHash::Sha384 => SHA384_WITH_RSA,
                    SignatureHash::Sha512 => SHA512_WITH_RSA,
                };
                (oid, Some(Any::null()))
            }
            SignatureScheme::Ecdsa(hash) => {
                let oid = match hash {
                    SignatureHash::Sha1 => ECDSA_WITH_SHA1,
                    SignatureHash::Sha256 => ECDSA_WITH_SHA256,
                    SignatureHash::Sha384 => ECDSA_WITH_SHA384,
                    SignatureHash::Sha512 => ECDSA_WITH_SHA512,
                };
                (oid, None)
            }
            SignatureScheme::Ed25519 => (ID_ED25519, None),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }
}
