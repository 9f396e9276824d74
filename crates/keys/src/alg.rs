//! Object identifiers and digests used for keys and signatures.

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
pub(crate) enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(crate) fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(message).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(message).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(message).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(message).to_vec(),
        }
    }

    pub(crate) fn pkcs1v15(self) -> rsa::Pkcs1v15Sign {
        match self {
            Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }
}

/// What a signature AlgorithmIdentifier asks for. Parameters are not looked at, as in Go,
/// which picks the algorithm by OID alone for PKCS#1 v1.5, ECDSA and Ed25519.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigAlg {
    Rsa(Hash),
    Ecdsa(Hash),
    Ed25519,
}

impl SigAlg {
    /// cfssl's choice for a key (docs/cfssl-compat.md §5.5): RSA ≥ 4096 bits SHA-512, ≥ 3072
    /// SHA-384, ≥ 2048 SHA-256, smaller SHA-1; ECDSA with the hash matching the curve.
    pub(crate) fn for_key(key: crate::KeyAlgorithm) -> SigAlg {
        use crate::{Curve, KeyAlgorithm};
        match key {
            KeyAlgorithm::Rsa { bits } => SigAlg::Rsa(if bits >= 4096 {
                Hash::Sha512
            } else if bits >= 3072 {
                Hash::Sha384
            } else if bits >= 2048 {
                Hash::Sha256
            } else {
                Hash::Sha1
            }),
            KeyAlgorithm::Ecdsa(Curve::P256) => SigAlg::Ecdsa(Hash::Sha256),
            KeyAlgorithm::Ecdsa(Curve::P384) => SigAlg::Ecdsa(Hash::Sha384),
            KeyAlgorithm::Ecdsa(Curve::P521) => SigAlg::Ecdsa(Hash::Sha512),
            KeyAlgorithm::Ed25519 => SigAlg::Ed25519,
        }
    }

    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<SigAlg> {
        let alg = match *oid {
            SHA1_WITH_RSA => SigAlg::Rsa(Hash::Sha1),
            SHA256_WITH_RSA => SigAlg::Rsa(Hash::Sha256),
            SHA384_WITH_RSA => SigAlg::Rsa(Hash::Sha384),
            SHA512_WITH_RSA => SigAlg::Rsa(Hash::Sha512),
            ECDSA_WITH_SHA1 => SigAlg::Ecdsa(Hash::Sha1),
            ECDSA_WITH_SHA256 => SigAlg::Ecdsa(Hash::Sha256),
            ECDSA_WITH_SHA384 => SigAlg::Ecdsa(Hash::Sha384),
            ECDSA_WITH_SHA512 => SigAlg::Ecdsa(Hash::Sha512),
            ID_ED25519 => SigAlg::Ed25519,
            _ => return None,
        };
        Some(alg)
    }

    /// The AlgorithmIdentifier Go writes: RSA with NULL parameters, ECDSA and Ed25519 with
    /// none (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3; docs/cfssl-compat.md §5.5).
    pub(crate) fn identifier(self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self {
            SigAlg::Rsa(hash) => {
                let oid = match hash {
                    Hash::Sha1 => SHA1_WITH_RSA,
                    Hash::Sha256 => SHA256_WITH_RSA,
                    Hash::Sha384 => SHA384_WITH_RSA,
                    Hash::Sha512 => SHA512_WITH_RSA,
                };
                (oid, Some(Any::null()))
            }
            SigAlg::Ecdsa(hash) => {
                let oid = match hash {
                    Hash::Sha1 => ECDSA_WITH_SHA1,
                    Hash::Sha256 => ECDSA_WITH_SHA256,
                    Hash::Sha384 => ECDSA_WITH_SHA384,
                    Hash::Sha512 => ECDSA_WITH_SHA512,
                };
                (oid, None)
            }
            SigAlg::Ed25519 => (ID_ED25519, None),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }
}
