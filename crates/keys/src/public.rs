//! Public keys: SubjectPublicKeyInfo in and out, key identifiers, signature verification.

use core::fmt;

use der::asn1::BitString;
use der::{Decode, Encode};
use pkcs1::EncodeRsaPublicKey;
use rsa::BoxedUint;
use rsa::traits::PublicKeyParts;
use sha1::Digest;
use signature::Verifier;
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierOwned, AlgorithmIdentifierRef, SubjectPublicKeyInfoOwned};

use crate::KeyError;
use crate::alg::{
    ID_EC_PUBLIC_KEY, ID_ED25519, RSA_ENCRYPTION, SECP256R1, SECP384R1, SECP521R1, SignatureScheme,
};

/// The largest RSA modulus accepted in a public key; larger ones only cost CPU time.
const RSA_MAX_PUBLIC_BITS: usize = 16384;
/// Go refuses RSA operations with moduli below 1024 bits (crypto/rsa, Go ≥ 1.24).
pub(crate) const RSA_MIN_VERIFY_BITS: usize = 1024;

/// A NIST curve cfssl can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// P-256 (secp256r1, 1.2.840.10045.3.1.7).
    P256,
    /// P-384 (secp384r1, 1.3.132.0.34).
    P384,
    /// P-521 (secp521r1, 1.3.132.0.35).
    P521,
}

impl Curve {
    /// The curve's size in bits as cfssl writes it in `key.size`: 256, 384 or 521.
    pub fn bits(self) -> usize {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    pub(crate) fn oid(self) -> const_oid::ObjectIdentifier {
        match self {
            Curve::P256 => SECP256R1,
            Curve::P384 => SECP384R1,
            Curve::P521 => SECP521R1,
        }
    }

    pub(crate) fn from_oid(oid: &const_oid::ObjectIdentifier) -> Option<Curve> {
        match *oid {
            SECP256R1 => Some(Curve::P256),
            SECP384R1 => Some(Curve::P384),
            SECP521R1 => Some(Curve::P521),
            _ => None,
        }
    }
}

/// The kind of a key, as cfssl reports it (`certinfo`, key request echo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// RSA with a modulus of `bits` bits (the modulus's exact bit length).
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA on a NIST curve.
    Ecdsa(Curve),
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    /// `rsa-2048`, `ecdsa-256`, `ed25519`: short names for log lines.
    pub fn describe(&self) -> String {
        match self {
            KeyAlgorithm::Rsa { bits } => format!("rsa-{bits}"),
            KeyAlgorithm::Ecdsa(curve) => format!("ecdsa-{}", curve.bits()),
            KeyAlgorithm::Ed25519 => "ed25519".to_owned(),
        }
    }

    /// The signature algorithm cfssl signs with for such a key (docs/cfssl-compat.md §5.5):
    /// RSA ≥ 4096 bits sha512WithRSAEncryption, ≥ 3072 sha384WithRSAEncryption, ≥ 2048
    /// sha256WithRSAEncryption, smaller sha1WithRSAEncryption (all with NULL parameters);
    /// ECDSA P-256/384/521 ecdsa-with-SHA256/384/512; Ed25519 (no parameters).
    ///
    /// One rule for every [`crate::SigningKey`], wherever its private half lives.
    pub fn signature_algorithm(&self) -> spki::AlgorithmIdentifierOwned {
        crate::alg::SignatureScheme::for_key(*self).identifier()
    }
}

#[derive(Clone)]
pub(crate) enum Inner {
    Rsa(Box<rsa::RsaPublicKey>),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// A public key of a type cfssl supports, with its SubjectPublicKeyInfo.
///
/// The SubjectPublicKeyInfo is always the canonical re-encoding Go's
/// `x509.MarshalPKIXPublicKey` produces, whatever the input looked like: RSA as
/// `rsaEncryption` with NULL parameters (RFC 3279 §2.3.1), ECDSA as `id-ecPublicKey` with
/// the namedCurve OID and an uncompressed point (RFC 5480 §2), Ed25519 without parameters
/// (RFC 8410 §4). cfssl computes key identifiers from that re-encoding (docs/cfssl-compat.md §5.2).
#[derive(Clone)]
pub struct PublicKey {
    spki: SubjectPublicKeyInfoOwned,
    inner: Inner,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki == other.spki
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.algorithm().describe())
    }
}

fn go_type(inner: &Inner) -> &'static str {
    match inner {
        Inner::Rsa(_) => "*rsa.PublicKey",
        Inner::P256(_) | Inner::P384(_) | Inner::P521(_) => "*ecdsa.PublicKey",
        Inner::Ed25519(_) => "ed25519.PublicKey",
    }
}

fn algorithm_mismatch(expected: &'static str, inner: &Inner) -> KeyError {
    KeyError::AlgorithmKeyMismatch {
        expected,
        actual: go_type(inner),
    }
}

macro_rules! ecdsa_verify {
    ($curve:ident, $key:expr, $hash:expr, $message:expr, $signature:expr) => {{
        let sig = $curve::ecdsa::DerSignature::from_bytes($signature)
            .map_err(|_| KeyError::EcdsaVerification)?;
        let digest = $hash.digest($message);
        $key.verify_prehash(&digest, &sig)
            .map_err(|_| KeyError::EcdsaVerification)
    }};
}

impl PublicKey {
    pub(crate) fn from_inner(inner: Inner) -> Result<PublicKey, KeyError> {
        const ENCODE: KeyError = KeyError::PublicKey("x509: failed to marshal public key");
        let (algorithm, key_bytes): (AlgorithmIdentifierOwned, Vec<u8>) = match &inner {
            Inner::Rsa(key) => (
                AlgorithmIdentifierOwned {
                    oid: RSA_ENCRYPTION,
                    parameters: Some(der::asn1::Any::null()),
                },
                key.to_pkcs1_der().map_err(|_| ENCODE)?.as_bytes().to_vec(),
            ),
            Inner::P256(key) => (
                ec_algorithm(Curve::P256)?,
                key.to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::P384(key) => (
                ec_algorithm(Curve::P384)?,
                key.to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::P521(key) => (
                ec_algorithm(Curve::P521)?,
                key.to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::Ed25519(key) => (
                AlgorithmIdentifierOwned {
                    oid: ID_ED25519,
                    parameters: None,
                },
                key.as_bytes().to_vec(),
            ),
        };
        let subject_public_key = BitString::from_bytes(&key_bytes).map_err(|_| ENCODE)?;
        Ok(PublicKey {
            spki: SubjectPublicKeyInfoOwned {
                algorithm,
                subject_public_key,
            },
            inner,
        })
    }

    /// Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) as Go's
    /// `x509.ParsePKIXPublicKey` does, for RSA, ECDSA P-256/384/521 and Ed25519 keys.
    ///
    /// Errors carry Go's texts (`x509: unknown public key algorithm`,
    /// `x509: unsupported elliptic curve`, `x509: RSA key missing NULL parameters`…) and
    /// have no cfssl code of their own ([`KeyError::code`] is `None`).
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|_| KeyError::PublicKey("x509: malformed public key"))?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or(KeyError::PublicKey("x509: malformed public key"))?;
        let params = spki.algorithm.parameters;
        let inner = match spki.algorithm.oid {
            RSA_ENCRYPTION => {
                if !params.is_some_and(|p| p.is_null()) {
                    return Err(KeyError::PublicKey("x509: RSA key missing NULL parameters"));
                }
                Inner::Rsa(Box::new(parse_rsa_public(key_bytes)?))
            }
            ID_EC_PUBLIC_KEY => {
                let curve = params
                    .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok())
                    .ok_or(KeyError::PublicKey(
                        "x509: failed to parse ECDSA parameters as named curve",
                    ))?;
                let curve = Curve::from_oid(&curve)
                    .ok_or(KeyError::PublicKey("x509: unsupported elliptic curve"))?;
                const BAD_POINT: KeyError =
                    KeyError::PublicKey("x509: failed to unmarshal elliptic curve point");
                match curve {
                    Curve::P256 => Inner::P256(
                        p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| BAD_POINT)?,
                    ),
                    Curve::P384 => Inner::P384(
                        p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| BAD_POINT)?,
                    ),
                    Curve::P521 => Inner::P521(
                        p521::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| BAD_POINT)?,
                    ),
                }
            }
            ID_ED25519 => {
                if params.is_some() {
                    return Err(KeyError::PublicKey(
                        "x509: Ed25519 key encoded with illegal parameters",
                    ));
                }
                let bytes: &[u8; 32] = key_bytes
                    .try_into()
                    .map_err(|_| KeyError::PublicKey("x509: wrong Ed25519 public key size"))?;
                Inner::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(bytes)
                        .map_err(|_| KeyError::PublicKey("x509: invalid Ed25519 public key"))?,
                )
            }
            _ => return Err(KeyError::PublicKey("x509: unknown public key algorithm")),
        };
        PublicKey::from_inner(inner)
    }

    /// The canonical SubjectPublicKeyInfo (see the type's documentation).
    pub fn spki(&self) -> &SubjectPublicKeyInfoOwned {
        &self.spki
    }

    /// The canonical SubjectPublicKeyInfo in DER, as Go's `x509.MarshalPKIXPublicKey` writes it.
    pub fn to_spki_der(&self) -> Vec<u8> {
        // Encoding a value this crate built itself cannot fail.
        self.spki.to_der().unwrap_or_default()
    }

    /// The subject key identifier: SHA-1 of the subjectPublicKey BIT STRING contents
    /// (RFC 5280 §4.2.1.2 method 1; docs/cfssl-compat.md §5.2).
    pub fn subject_key_id(&self) -> [u8; 20] {
        sha1::Sha1::digest(self.spki.subject_public_key.raw_bytes()).into()
    }

    /// The key's type and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.inner {
            Inner::Rsa(key) => KeyAlgorithm::Rsa {
                bits: key.n().bit_width_vartime() as usize,
            },
            Inner::P256(_) => KeyAlgorithm::Ecdsa(Curve::P256),
            Inner::P384(_) => KeyAlgorithm::Ecdsa(Curve::P384),
            Inner::P521(_) => KeyAlgorithm::Ecdsa(Curve::P521),
            Inner::Ed25519(_) => KeyAlgorithm::Ed25519,
        }
    }

    /// `rsa-2048`, `ecdsa-256`, `ed25519`.
    pub fn describe(&self) -> String {
        self.algorithm().describe()
    }

    /// Whether `key` is the private half of this public key.
    pub fn matches(&self, key: &dyn crate::SigningKey) -> bool {
        key.public_key() == *self
    }

    /// Verifies `signature` over `message` with the signature algorithm `alg`, as Go's
    /// `checkSignature` does: RSA PKCS#1 v1.5 with SHA-1/256/384/512, ECDSA with
    /// SHA-1/256/384/512 on P-256/384/521 (DER `SEQUENCE{r,s}`), and Ed25519.
    ///
    /// The algorithm is chosen by OID alone (parameters are not looked at). Errors carry
    /// Go's texts: `x509: cannot verify signature: algorithm unimplemented` (RSA-PSS, DSA…),
    /// `x509: signature algorithm specifies an RSA public key, but have public key of type
    /// *ecdsa.PublicKey`, `crypto/rsa: verification error`, `x509: ECDSA verification failure`,
    /// `x509: Ed25519 verification failure`; RSA keys under 1024 bits are refused as Go ≥ 1.24
    /// does. SHA-1 is accepted here (Go accepts it for CSRs); a caller checking a certificate
    /// must refuse SHA-1 itself, as Go's `CheckSignatureFrom` does.
    pub fn verify(
        &self,
        alg: &AlgorithmIdentifierRef<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        let alg = SignatureScheme::from_oid(&alg.oid).ok_or(KeyError::AlgorithmUnimplemented)?;
        // Keys Go refuses are refused below whatever the provider would say.
        let refused_size = matches!(&self.inner, Inner::Rsa(key)
            if (key.n().bit_width_vartime() as usize) < RSA_MIN_VERIFY_BITS);
        if !refused_size && crate::provider::verified(self, alg, message, signature) {
            return Ok(());
        }
        crate::provider::not_verified(self, alg, message, signature)
    }

    /// The default build's check, and its error texts, whatever the provider.
    pub(crate) fn verify_rust_crypto(
        &self,
        alg: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        match (alg, &self.inner) {
            (SignatureScheme::Rsa(hash), Inner::Rsa(key)) => {
                let bits = key.n().bit_width_vartime() as usize;
                if bits < RSA_MIN_VERIFY_BITS {
                    return Err(KeyError::InsecureRsaKey { bits });
                }
                key.verify(hash.pkcs1v15(), &hash.digest(message), signature)
                    .map_err(|_| KeyError::RsaVerification)
            }
            (SignatureScheme::Rsa(_), inner) => Err(algorithm_mismatch("RSA", inner)),
            (SignatureScheme::Ecdsa(hash), Inner::P256(key)) => {
                ecdsa_verify!(p256, key, hash, message, signature)
            }
            (SignatureScheme::Ecdsa(hash), Inner::P384(key)) => {
                ecdsa_verify!(p384, key, hash, message, signature)
            }
            (SignatureScheme::Ecdsa(hash), Inner::P521(key)) => {
                ecdsa_verify!(p521, key, hash, message, signature)
            }
            (SignatureScheme::Ecdsa(_), inner) => Err(algorithm_mismatch("ECDSA", inner)),
            (SignatureScheme::Ed25519, Inner::Ed25519(key)) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| KeyError::Ed25519Verification)?;
                key.verify(message, &sig)
                    .map_err(|_| KeyError::Ed25519Verification)
            }
            (SignatureScheme::Ed25519, inner) => Err(algorithm_mismatch("Ed25519", inner)),
        }
    }
}

fn ec_algorithm(curve: Curve) -> Result<AlgorithmIdentifierOwned, KeyError> {
    let params = der::asn1::Any::encode_from(&curve.oid())
        .map_err(|_| KeyError::PublicKey("x509: failed to marshal public key"))?;
    Ok(AlgorithmIdentifierOwned {
        oid: ID_EC_PUBLIC_KEY,
        parameters: Some(params),
    })
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
fn parse_rsa_public(der: &[u8]) -> Result<rsa::RsaPublicKey, KeyError> {
    const INVALID: KeyError = KeyError::PublicKey("x509: invalid RSA public key");
    let key = pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| INVALID)?;
    let n = BoxedUint::from_be_slice_vartime(key.modulus.as_bytes());
    let e = BoxedUint::from_be_slice_vartime(key.public_exponent.as_bytes());
    rsa::RsaPublicKey::new_with_size_limits(n, e, 1..=RSA_MAX_PUBLIC_BITS).map_err(|_| INVALID)
}
