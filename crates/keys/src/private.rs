//! Private keys: generation, PEM in and out, signing.

use core::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode, Reader};
use ecdsa::elliptic_curve::Generate;
use ecdsa::elliptic_curve::sec1::ToSec1Point;
use ecdsa::elliptic_curve::{CurveArithmetic, SecretKey};
use pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use pkcs8::{EncodePrivateKey, PrivateKeyInfoRef};
use rsa::traits::PublicKeyParts;
use sec1::{EcParameters, EcPrivateKey};
use signature::Signer;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::alg::{ID_EC_PUBLIC_KEY, ID_ED25519, RSA_ENCRYPTION, SignatureScheme};
use crate::provider::ProviderKey;
use crate::public::{Curve, Inner as PublicInner};
use crate::{KeyAlgorithm, KeyError, KeySpec, PublicKey, encrypted, pem, rng};

/// PEM label of a PKCS#1 RSA key (RFC 7468 does not list it; OpenSSL and Go use it).
const RSA_LABEL: &str = "RSA PRIVATE KEY";
/// PEM label of a SEC1 EC key (RFC 5915 §4).
const EC_LABEL: &str = "EC PRIVATE KEY";
/// PEM label of an unencrypted PKCS#8 key (RFC 7468 §10).
const PKCS8_LABEL: &str = "PRIVATE KEY";
/// PEM label of an encrypted PKCS#8 key (RFC 7468 §11).
pub(crate) const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";
/// Block type OpenSSL writes before an EC key (`openssl ecparam -genkey`); Go and cfssl skip it.
const EC_PARAMETERS_LABEL: &str = "EC PARAMETERS";

#[derive(Clone)]
enum Inner {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(EcKey<p256::NistP256>),
    P384(EcKey<p384::NistP384>),
    P521(EcKey<p521::NistP521>),
    Ed25519(ed25519_dalek::SigningKey),
}

/// An ECDSA private key whose public point is computed the first time it is needed.
///
/// Deriving the point is a full scalar multiplication (about as long as signing). A CA key
/// loaded only to sign never needs it: [`PrivateKey::sign_as_issuer`] checks the signature
/// against the CA certificate's key instead, which also proves the two keys belong together.
struct EcKey<C: CurveArithmetic> {
    /// Zeroized on drop by `SecretKey`.
    secret: SecretKey<C>,
    public: OnceLock<ecdsa::elliptic_curve::PublicKey<C>>,
}

impl<C: CurveArithmetic> EcKey<C> {
    fn new(secret: SecretKey<C>) -> Self {
        EcKey {
            secret,
            public: OnceLock::new(),
        }
    }

    fn public(&self) -> &ecdsa::elliptic_curve::PublicKey<C> {
        self.public.get_or_init(|| self.secret.public_key())
    }
}

impl<C: CurveArithmetic> Clone for EcKey<C> {
    fn clone(&self) -> Self {
        EcKey {
            secret: self.secret.clone(),
            public: self.public.clone(),
        }
    }
}

/// A private key of a type cfssl supports: RSA, ECDSA P-256/384/521 or Ed25519.
///
/// Secret material is zeroized when the key is dropped (the underlying RustCrypto types do
/// it; every intermediate DER or PEM buffer here is [`Zeroizing`]). `Debug` shows only the
/// key type, e.g. `PrivateKey(ecdsa-256)`.
#[derive(Clone)]
pub struct PrivateKey(Inner, ProviderKey);

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.describe())
    }
}

/// The result of trying one private key format.
enum Attempt {
    Key(Box<Inner>),
    /// Well-formed, but a key type or curve cfssl does not support.
    Unsupported,
    /// Not this format (or damaged).
    Invalid,
}

/// ECDSA over the digest of `message`, as `ecdsa::SigningKey::sign_prehash_with_rng` does it:
/// an RFC 6979 nonce hedged with fresh randomness (RFC 6979 §3.6 additional data), so a
/// fault cannot turn the deterministic nonce into a repeated one. Returns DER `SEQUENCE{r,s}`.
macro_rules! ecdsa_sign {
    ($curve:ident, $curve_type:ty, $key:expr, $hash:expr, $message:expr) => {{
        let digest = $hash.digest($message);
        let mut entropy = $curve::FieldBytes::default();
        if !rng::fill(&mut entropy) {
            return Err(KeyError::SigningFailed);
        }
        // A copy of the secret scalar: wiped as soon as the signature is made.
        let mut scalar = $key.secret.to_nonzero_scalar();
        let (sig, _) = ecdsa::hazmat::sign_prehashed_rfc6979::<
            $curve_type,
            <$curve_type as ecdsa::DigestAlgorithm>::Digest,
        >(&scalar, &digest, &entropy);
        zeroize::Zeroize::zeroize(&mut scalar);
        Ok(sig.to_der().as_bytes().to_vec())
    }};
}

macro_rules! ec_generate {
    ($curve_type:ty) => {
        EcKey::new(
            SecretKey::<$curve_type>::try_generate_from_rng(&mut getrandom::SysRng)
                .map_err(|_| KeyError::GenerationFailed)?,
        )
    };
}

impl PrivateKey {
    fn wrap(inner: Inner) -> PrivateKey {
        PrivateKey(inner, ProviderKey::default())
    }

    /// Generates a new key (docs/cfssl-compat.md §6): RSA with e = 65537 and two primes, or an ECDSA or
    /// Ed25519 key from the operating system's random number generator.
    ///
    /// RSA-4096 and larger can take seconds; see [`PrivateKey::generate_with_progress`].
    pub fn generate(spec: KeySpec) -> Result<PrivateKey, KeyError> {
        Self::generate_with_progress(spec, &mut |_| {})
    }

    /// Like [`PrivateKey::generate`], and while a slow RSA prime search runs, calls
    /// `progress` with the time spent so far, at most every 250 ms (possibly never for a fast
    /// search). The CLI uses it to show that something is happening after about a second.
    ///
    /// If the operating system's random number generator works when generation starts but
    /// fails during the RSA search, the process panics, as Go's `crypto/rand` aborts: no key
    /// may be made from non-random bytes.
    pub fn generate_with_progress(
        spec: KeySpec,
        progress: &mut dyn FnMut(Duration),
    ) -> Result<PrivateKey, KeyError> {
        if let Some(generated) = crate::provider::generate(spec) {
            return generated;
        }
        if !rng::probe() {
            return Err(KeyError::GenerationFailed);
        }
        let inner = match spec {
            KeySpec::Rsa { bits } => Inner::Rsa(Box::new(generate_rsa(bits, progress)?)),
            KeySpec::EcdsaP256 => Inner::P256(ec_generate!(p256::NistP256)),
            KeySpec::EcdsaP384 => Inner::P384(ec_generate!(p384::NistP384)),
            KeySpec::EcdsaP521 => Inner::P521(ec_generate!(p521::NistP521)),
            KeySpec::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                if !rng::fill(seed.as_mut_slice()) {
                    return Err(KeyError::GenerationFailed);
                }
                Inner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
        };
        Ok(PrivateKey::wrap(inner))
    }

    /// A key the provider generated, from the PKCS#8 `PrivateKeyInfo` it exported (the
    /// caller zeroizes that buffer).
    #[cfg(feature = "fips")]
    pub(crate) fn from_generated_pkcs8(der: &[u8]) -> Result<PrivateKey, KeyError> {
        match parse_pkcs8(der) {
            Attempt::Key(inner) => Ok(PrivateKey::wrap(*inner)),
            Attempt::Unsupported | Attempt::Invalid => Err(KeyError::GenerationFailed),
        }
    }

    /// The provider's state for this key.
    #[cfg(feature = "fips")]
    pub(crate) fn provider_key(&self) -> &ProviderKey {
        &self.1
    }

    /// The key's type and size as a [`KeySpec`].
    pub fn spec(&self) -> KeySpec {
        match &self.0 {
            Inner::Rsa(key) => KeySpec::Rsa {
                bits: key.n().bit_width_vartime() as usize,
            },
            Inner::P256(_) => KeySpec::EcdsaP256,
            Inner::P384(_) => KeySpec::EcdsaP384,
            Inner::P521(_) => KeySpec::EcdsaP521,
            Inner::Ed25519(_) => KeySpec::Ed25519,
        }
    }

    /// `rsa-2048`, `ecdsa-256`, `ecdsa-384`, `ecdsa-521`, `ed25519`: for log lines.
    pub fn describe(&self) -> String {
        self.spec().describe()
    }

    /// The key in PEM, in the format cfssl writes (docs/cfssl-compat.md §6), 64-column base64, LF line
    /// ends, final newline:
    ///
    /// * RSA: `RSA PRIVATE KEY`, PKCS#1 `RSAPrivateKey` v0 with the CRT values (RFC 8017 A.1.2);
    /// * ECDSA: `EC PRIVATE KEY`, SEC1 `ECPrivateKey` v1 with the private scalar padded to the
    ///   curve size, `[0]` namedCurve and `[1]` publicKey (RFC 5915 §3; a P-256 file is 227
    ///   bytes);
    /// * Ed25519: `PRIVATE KEY`, PKCS#8 v1 `PrivateKeyInfo` without the public key (RFC 8410
    ///   §7). cfssl labels it `Ed25519 PRIVATE KEY`; cfssl-rs writes the standard label
    ///   that OpenSSL reads (docs/differences.md #10). The DER is the same as cfssl's.
    pub fn to_pem(&self) -> Zeroizing<String> {
        // Encoding a key this crate holds cannot fail; an empty string would be the only
        // visible sign of an impossible encoder failure.
        let (label, der) = match &self.0 {
            Inner::Rsa(key) => (RSA_LABEL, rsa_pkcs1_der(key)),
            Inner::P256(_) | Inner::P384(_) | Inner::P521(_) => (EC_LABEL, self.sec1_der(true)),
            Inner::Ed25519(_) => (PKCS8_LABEL, self.pkcs8_der()),
        };
        match der {
            Some(der) => pem::encode(label, &der),
            None => Zeroizing::new(String::new()),
        }
    }

    /// Reads a private key from PEM the way cfssl does (`helpers.ParsePrivateKeyPEM`,
    /// docs/cfssl-compat.md §1.2), leniently like Go's `pem.Decode`:
    ///
    /// * the first PEM block anywhere in the text is used (text around blocks, CRLF, any
    ///   base64 line width are fine); leading `EC PARAMETERS` blocks are skipped;
    /// * its label is not checked: the DER is tried as PKCS#8 (v1 and v2; RFC 5208, 5958),
    ///   PKCS#1, SEC1, and finally as cfssl's `Ed25519 PRIVATE KEY` body;
    /// * no PEM block → [`KeyError::Decode`] (2002); nothing parses → [`KeyError::Parse`] (2003);
    ///   a well-formed key of an unsupported type or curve → [`KeyError::UnsupportedKeyType`]
    ///   (2200);
    /// * an `ENCRYPTED PRIVATE KEY` block or a `Proc-Type: 4,ENCRYPTED` header →
    ///   [`KeyError::Encrypted`] (2100). (cfssl reports 2003 for the former; 2100 is clearer.)
    ///
    /// Errors never include key bytes.
    pub fn from_pem(input: &[u8]) -> Result<PrivateKey, KeyError> {
        let block = first_key_block(input)?;
        if block.label == ENCRYPTED_LABEL || is_legacy_encrypted(&block) {
            return Err(KeyError::Encrypted);
        }
        Self::from_der(&block.der)
    }

    /// Like [`PrivateKey::from_pem`], but an `ENCRYPTED PRIVATE KEY` (PKCS#8
    /// `EncryptedPrivateKeyInfo`, RFC 5958 §3) is decrypted with `password`. Supported: PBES2
    /// (RFC 8018 §6.2) with scrypt or PBKDF2-HMAC-SHA-224/256/384/512, and AES-128/192/256-CBC
    /// or AES-128/256-GCM — what `openssl pkcs8 -topk8 -v2 aes-256-cbc [-scrypt]` writes.
    ///
    /// To keep a hostile file from using minutes of CPU or gigabytes of memory, scrypt is
    /// limited to 128·r·N ≤ 256 MiB and p ≤ 16, PBKDF2 to 10 000 000 iterations
    /// ([`KeyError::UnsupportedEncryption`]). A wrong password (or damaged data) gives
    /// [`KeyError::WrongPassword`]. Unencrypted keys are read as by `from_pem`; the legacy
    /// OpenSSL `Proc-Type: 4,ENCRYPTED` format is not supported ([`KeyError::Encrypted`]).
    pub fn from_pem_with_password(input: &[u8], password: &[u8]) -> Result<PrivateKey, KeyError> {
        let block = first_key_block(input)?;
        if block.label == ENCRYPTED_LABEL {
            let plain = encrypted::decrypt(&block.der, password)?;
            return match parse_pkcs8(&plain) {
                Attempt::Key(inner) => Ok(PrivateKey::wrap(*inner)),
                Attempt::Unsupported => Err(KeyError::UnsupportedKeyType),
                // A wrong password passes the CBC padding check about once in 256 tries and
                // then yields garbage.
                Attempt::Invalid => Err(KeyError::WrongPassword),
            };
        }
        if is_legacy_encrypted(&block) {
            return Err(KeyError::Encrypted);
        }
        Self::from_der(&block.der)
    }

    /// Encrypts the key as an `ENCRYPTED PRIVATE KEY` PEM (PKCS#8 `EncryptedPrivateKeyInfo`,
    /// RFC 5958 §3) with PBES2: scrypt (N = 2^14, r = 8, p = 1, 16-byte random salt) and
    /// AES-256-CBC (random IV).
    ///
    /// These are `openssl pkcs8 -topk8 -scrypt`'s own parameters. N = 2^15 would need just
    /// over 32 MiB, which OpenSSL 3 refuses by default ("memory limit exceeded"), so 2^14 is
    /// the strongest setting that `openssl pkey -passin pass:…` reads everywhere.
    pub fn to_encrypted_pem(&self, password: &[u8]) -> Result<Zeroizing<String>, KeyError> {
        let der = self.pkcs8_der().ok_or(KeyError::Encoding)?;
        let encrypted = encrypted::encrypt(&der, password)?;
        Ok(pem::encode(ENCRYPTED_LABEL, &encrypted))
    }

    /// The key as unencrypted PKCS#8 `PrivateKeyInfo` DER (RFC 5958 §2, v1 without the
    /// public key), the same bytes [`PrivateKey::to_encrypted_pem`] encrypts: for formats
    /// that wrap PKCS#8 themselves, such as a PKCS#12 key bag.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        self.pkcs8_der().ok_or(KeyError::Encoding)
    }

    /// The public half of the key.
    pub fn public_key(&self) -> PublicKey {
        let inner = match &self.0 {
            Inner::Rsa(key) => PublicInner::Rsa(Box::new(key.to_public_key())),
            Inner::P256(key) => PublicInner::P256(key.public().into()),
            Inner::P384(key) => PublicInner::P384(key.public().into()),
            Inner::P521(key) => PublicInner::P521(key.public().into()),
            Inner::Ed25519(key) => PublicInner::Ed25519(key.verifying_key()),
        };
        // Re-encoding a valid key's public half cannot fail; see PublicKey::from_inner.
        match PublicKey::from_inner(inner) {
            Ok(public) => public,
            Err(_) => unreachable_public_key(),
        }
    }

    /// The signature algorithm cfssl uses with this key (docs/cfssl-compat.md §5.5): RSA ≥ 4096 bits
    /// sha512WithRSAEncryption, ≥ 3072 sha384WithRSAEncryption, ≥ 2048
    /// sha256WithRSAEncryption, smaller sha1WithRSAEncryption (all with NULL parameters);
    /// ECDSA P-256/384/521 ecdsa-with-SHA256/384/512 and Ed25519 (no parameters).
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.default_sig_alg().identifier()
    }

    fn default_sig_alg(&self) -> SignatureScheme {
        let algorithm = match self.spec() {
            KeySpec::Rsa { bits } => KeyAlgorithm::Rsa { bits },
            KeySpec::EcdsaP256 => KeyAlgorithm::Ecdsa(Curve::P256),
            KeySpec::EcdsaP384 => KeyAlgorithm::Ecdsa(Curve::P384),
            KeySpec::EcdsaP521 => KeyAlgorithm::Ecdsa(Curve::P521),
            KeySpec::Ed25519 => KeyAlgorithm::Ed25519,
        };
        SignatureScheme::for_key(algorithm)
    }

    /// Signs `message` with [`PrivateKey::signature_algorithm`] and returns what goes inside
    /// the signature BIT STRING: RSA PKCS#1 v1.5 (blinded), an ECDSA DER `SEQUENCE{r, s}`
    /// (RFC 6979 nonces hedged with fresh randomness), or a 64-byte Ed25519 signature.
    ///
    /// Every signature is verified with the public key before it is returned, so a hardware
    /// or software fault cannot leak a faulty (key-revealing) signature.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.sign_checked(self.default_sig_alg(), message, None)
    }

    /// Like [`PrivateKey::sign`] with a chosen algorithm, e.g. SHA-256 for the CRLs cfssl's Go
    /// code signs with SHA-256 whatever the RSA size (docs/cfssl-compat.md §5.15). The algorithm must suit
    /// the key (any of SHA-1/256/384/512 for RSA PKCS#1 v1.5 or ECDSA, Ed25519 for Ed25519);
    /// anything else is [`KeyError::UnsupportedAlgorithm`]. Parameters are not looked at.
    pub fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        let alg = SignatureScheme::from_oid(&alg.oid).ok_or(KeyError::UnsupportedAlgorithm)?;
        self.sign_checked(alg, message, None)
    }

    /// Like [`PrivateKey::sign_with`] for the holder of `issuer_key`, a CA certificate's
    /// public key: the fresh signature is verified with `issuer_key` instead of this key's own
    /// public half. That one check proves the signature sound *and* that this private key
    /// belongs to the certificate (what relying parties will verify with), and spares an EC
    /// key the scalar multiplication that deriving its public point costs.
    ///
    /// When the check fails, the keys are compared to tell [`KeyError::KeyMismatch`] (the key
    /// is not the certificate's) from [`KeyError::SigningFailed`] (a fault).
    pub fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, KeyError> {
        let alg = SignatureScheme::from_oid(&alg.oid).ok_or(KeyError::UnsupportedAlgorithm)?;
        self.sign_checked(alg, message, Some(issuer_key))
    }

    /// Signs, then verifies the signature with `check` (or this key's public half) before
    /// anything leaves: a faulty RSA-CRT or ECDSA computation must never be returned.
    fn sign_checked(
        &self,
        alg: SignatureScheme,
        message: &[u8],
        check: Option<&PublicKey>,
    ) -> Result<Vec<u8>, KeyError> {
        let signature = self.sign_unchecked(alg, message)?;
        let own;
        let verifier = match check {
            Some(key) => key,
            None => {
                own = self.public_key();
                &own
            }
        };
        let identifier = alg.identifier();
        match verifier.verify(&(&identifier).into(), message, &signature) {
            Ok(()) => Ok(signature),
            Err(_) if check.is_some() && self.public_key() != *verifier => {
                Err(KeyError::KeyMismatch)
            }
            Err(_) => Err(KeyError::SigningFailed),
        }
    }

    fn sign_unchecked(&self, alg: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match self.1.sign(self, alg, message) {
            Some(signed) => signed,
            None => self.sign_rust_crypto(alg, message),
        }
    }

    /// The default build's signature, whatever the provider (the `aws-lc` build falls back
    /// to it, and its tests compare with it).
    pub(crate) fn sign_rust_crypto(
        &self,
        alg: SignatureScheme,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        match (&self.0, alg) {
            (Inner::Rsa(key), SignatureScheme::Rsa(hash)) => {
                // Go ≥ 1.24 refuses such keys for signing too; their signatures would not
                // pass our own check anyway (PublicKey::verify refuses them).
                let bits = key.n().bit_width_vartime() as usize;
                if bits < crate::public::RSA_MIN_VERIFY_BITS {
                    return Err(KeyError::InsecureRsaKey { bits });
                }
                key.sign(hash.pkcs1v15(), &hash.digest(message))
                    .map_err(|_| KeyError::SigningFailed)
            }
            (Inner::P256(key), SignatureScheme::Ecdsa(hash)) => {
                ecdsa_sign!(p256, p256::NistP256, key, hash, message)
            }
            (Inner::P384(key), SignatureScheme::Ecdsa(hash)) => {
                ecdsa_sign!(p384, p384::NistP384, key, hash, message)
            }
            (Inner::P521(key), SignatureScheme::Ecdsa(hash)) => {
                ecdsa_sign!(p521, p521::NistP521, key, hash, message)
            }
            (Inner::Ed25519(key), SignatureScheme::Ed25519) => key
                .try_sign(message)
                .map(|sig| sig.to_bytes().to_vec())
                .map_err(|_| KeyError::SigningFailed),
            _ => Err(KeyError::UnsupportedAlgorithm),
        }
    }

    /// Tries the DER formats in cfssl's order (`derhelpers.ParsePrivateKeyDER`).
    fn from_der(der: &[u8]) -> Result<PrivateKey, KeyError> {
        let mut unsupported = false;
        for parse in [parse_pkcs8, parse_pkcs1, parse_sec1, parse_ed25519_lenient] {
            match parse(der) {
                Attempt::Key(inner) => return Ok(PrivateKey::wrap(*inner)),
                Attempt::Unsupported => unsupported = true,
                Attempt::Invalid => {}
            }
        }
        Err(if unsupported {
            KeyError::UnsupportedKeyType
        } else {
            KeyError::Parse
        })
    }

    /// SEC1 `ECPrivateKey` (RFC 5915 §3); `with_curve` adds `[0]` namedCurve, which PKCS#8
    /// leaves out because the AlgorithmIdentifier already names the curve.
    fn sec1_der(&self, with_curve: bool) -> Option<Zeroizing<Vec<u8>>> {
        let (curve, scalar, point): (Curve, Zeroizing<Vec<u8>>, Vec<u8>) = match &self.0 {
            Inner::P256(k) => (
                Curve::P256,
                Zeroizing::new(k.secret.to_bytes().to_vec()),
                k.public().to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::P384(k) => (
                Curve::P384,
                Zeroizing::new(k.secret.to_bytes().to_vec()),
                k.public().to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::P521(k) => (
                Curve::P521,
                Zeroizing::new(k.secret.to_bytes().to_vec()),
                k.public().to_sec1_point(false).as_bytes().to_vec(),
            ),
            Inner::Rsa(_) | Inner::Ed25519(_) => return None,
        };
        let key = EcPrivateKey {
            private_key: &scalar,
            parameters: with_curve.then(|| EcParameters::NamedCurve(curve.oid())),
            public_key: Some(&point),
        };
        key.to_der().ok().map(Zeroizing::new)
    }

    /// PKCS#8 v1 `PrivateKeyInfo` as Go's `x509.MarshalPKCS8PrivateKey` writes it.
    fn pkcs8_der(&self) -> Option<Zeroizing<Vec<u8>>> {
        match &self.0 {
            Inner::Rsa(key) => {
                let pkcs1 = rsa_pkcs1_der(key)?;
                let info = PrivateKeyInfoRef::new(
                    spki::AlgorithmIdentifierRef {
                        oid: RSA_ENCRYPTION,
                        parameters: Some(AnyRef::NULL),
                    },
                    OctetStringRef::new(&pkcs1).ok()?,
                );
                info.to_der().ok().map(Zeroizing::new)
            }
            Inner::P256(_) | Inner::P384(_) | Inner::P521(_) => {
                let curve = match self.spec() {
                    KeySpec::EcdsaP384 => Curve::P384,
                    KeySpec::EcdsaP521 => Curve::P521,
                    _ => Curve::P256,
                };
                let sec1 = self.sec1_der(false)?;
                let curve_oid = curve.oid();
                let info = PrivateKeyInfoRef::new(
                    spki::AlgorithmIdentifierRef {
                        oid: ID_EC_PUBLIC_KEY,
                        parameters: Some(AnyRef::from(&curve_oid)),
                    },
                    OctetStringRef::new(&sec1).ok()?,
                );
                info.to_der().ok().map(Zeroizing::new)
            }
            Inner::Ed25519(key) => {
                // v1 without the public key: OpenSSL before 3.5 rejects the v2 encoding
                // ed25519-dalek writes by default, and v1 is exactly what Go and cfssl write.
                let bytes = ed25519_dalek::pkcs8::KeypairBytes {
                    secret_key: key.to_bytes(),
                    public_key: None,
                };
                let doc = bytes.to_pkcs8_der().ok()?;
                Some(Zeroizing::new(doc.as_bytes().to_vec()))
            }
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_public_key() -> PublicKey {
    // PublicKey::from_inner only fails if DER encoding of a valid key fails.
    panic!("re-encoding a valid public key failed")
}

fn rsa_pkcs1_der(key: &rsa::RsaPrivateKey) -> Option<Zeroizing<Vec<u8>>> {
    let doc = key.to_pkcs1_der().ok()?;
    Some(Zeroizing::new(doc.as_bytes().to_vec()))
}

fn is_legacy_encrypted(block: &pem::Block) -> bool {
    block
        .header("Proc-Type")
        .is_some_and(|value| value.contains("ENCRYPTED"))
}

/// The first PEM block that is not `EC PARAMETERS` (cfssl's `GetKeyDERFromPEM`).
fn first_key_block(input: &[u8]) -> Result<pem::Block, KeyError> {
    let mut rest = input;
    loop {
        let (block, after) = pem::decode(rest).ok_or(KeyError::Decode)?;
        if block.label != EC_PARAMETERS_LABEL {
            return Ok(block);
        }
        rest = after;
    }
}

/// PKCS#8 `PrivateKeyInfo`/`OneAsymmetricKey` (RFC 5208 §5, RFC 5958 §2), as Go's
/// `x509.ParsePKCS8PrivateKey`.
fn parse_pkcs8(der: &[u8]) -> Attempt {
    let Ok(info) = PrivateKeyInfoRef::from_der(der) else {
        return Attempt::Invalid;
    };
    let params = info.algorithm.parameters;
    let key = info.private_key.as_bytes();
    match info.algorithm.oid {
        RSA_ENCRYPTION => {
            // Go: "x509: RSA key encoded with illegal parameters" unless absent or NULL.
            if params.is_some_and(|p| !p.is_null()) {
                return Attempt::Invalid;
            }
            parse_pkcs1(key)
        }
        ID_EC_PUBLIC_KEY => {
            // Go uses the AlgorithmIdentifier's curve when it is an OID, else the inner one.
            let outer = params.and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
            let Ok(ec) = EcPrivateKey::from_der(key) else {
                return Attempt::Invalid;
            };
            let curve = outer.or_else(|| ec.parameters.and_then(EcParameters::named_curve));
            ec_from_scalar(curve, ec.private_key)
        }
        ID_ED25519 => {
            if params.is_some() {
                return Attempt::Invalid;
            }
            ed25519_from_inner_octets(key)
        }
        _ => Attempt::Unsupported,
    }
}

/// PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2), two primes; the key is validated.
fn parse_pkcs1(der: &[u8]) -> Attempt {
    match rsa::RsaPrivateKey::from_pkcs1_der(der) {
        Ok(key) => Attempt::Key(Box::new(Inner::Rsa(Box::new(key)))),
        Err(_) => Attempt::Invalid,
    }
}

/// SEC1 `ECPrivateKey` (RFC 5915 §3), as Go's `x509.ParseECPrivateKey`.
fn parse_sec1(der: &[u8]) -> Attempt {
    match EcPrivateKey::from_der(der) {
        Ok(ec) => ec_from_scalar(
            ec.parameters.and_then(EcParameters::named_curve),
            ec.private_key,
        ),
        Err(_) => Attempt::Invalid,
    }
}

/// cfssl's own Ed25519 reader (`derhelpers.ParseEd25519PrivateKey`): a PKCS#8-shaped
/// `SEQUENCE { INTEGER, AlgorithmIdentifier{1.3.101.112}, OCTET STRING { OCTET STRING seed } … }`
/// read without PKCS#8's version rules (v2 without a public key, for instance).
fn parse_ed25519_lenient(der: &[u8]) -> Attempt {
    let Ok(any) = AnyRef::from_der(der) else {
        return Attempt::Invalid;
    };
    let parsed = any.sequence(|reader| -> der::Result<_> {
        let _version: u8 = reader.decode()?;
        let algorithm: spki::AlgorithmIdentifierRef<'_> = reader.decode()?;
        let key: &OctetStringRef = reader.decode()?;
        while !reader.is_finished() {
            let _: AnyRef<'_> = reader.decode()?;
        }
        Ok((algorithm.oid, key.as_bytes()))
    });
    match parsed {
        Ok((ID_ED25519, key)) => ed25519_from_inner_octets(key),
        _ => Attempt::Invalid,
    }
}

/// RFC 8410 §7: `CurvePrivateKey ::= OCTET STRING` holding the 32-byte seed.
fn ed25519_from_inner_octets(key: &[u8]) -> Attempt {
    let Ok(inner) = <&OctetStringRef>::from_der(key) else {
        return Attempt::Invalid;
    };
    let Ok(seed) = <&[u8; 32]>::try_from(inner.as_bytes()) else {
        return Attempt::Invalid;
    };
    Attempt::Key(Box::new(Inner::Ed25519(
        ed25519_dalek::SigningKey::from_bytes(seed),
    )))
}

/// Builds an ECDSA key from its scalar, tolerating the leading-zero padding and the stripped
/// leading zeros that Go tolerates (`parseECPrivateKey`).
fn ec_from_scalar(curve: Option<const_oid::ObjectIdentifier>, raw: &[u8]) -> Attempt {
    let Some(curve) = curve else {
        return Attempt::Invalid;
    };
    let Some(curve) = Curve::from_oid(&curve) else {
        return Attempt::Unsupported;
    };
    let size = match curve {
        Curve::P256 => 32,
        Curve::P384 => 48,
        Curve::P521 => 66,
    };
    let mut scalar = raw;
    while scalar.len() > size {
        match scalar {
            [0, rest @ ..] => scalar = rest,
            _ => return Attempt::Invalid,
        }
    }
    let mut padded = Zeroizing::new(vec![0u8; size]);
    if let Some(tail) = padded.get_mut(size - scalar.len()..) {
        tail.copy_from_slice(scalar);
    }
    let inner = match curve {
        Curve::P256 => SecretKey::from_slice(&padded).map(|k| Inner::P256(EcKey::new(k))),
        Curve::P384 => SecretKey::from_slice(&padded).map(|k| Inner::P384(EcKey::new(k))),
        Curve::P521 => SecretKey::from_slice(&padded).map(|k| Inner::P521(EcKey::new(k))),
    };
    match inner {
        Ok(inner) => Attempt::Key(Box::new(inner)),
        Err(_) => Attempt::Invalid,
    }
}

/// A two-prime RSA key with e = 65537, its primes searched at the same time on two threads.
///
/// This is what `rsa::RsaPrivateKey::new` does, one prime after the other: each prime has
/// half the bits with the two top bits set, so n has exactly `bits` bits; equal primes, or
/// an exponent not invertible modulo φ(n), mean drawing again; d = e⁻¹ mod φ(n) (as Go's
/// `rsa.GenerateKey` and `RsaPrivateKey::new`); `from_primes` validates the key and
/// precomputes the CRT values. Finding a prime is most of the work and the two searches are
/// independent, so on two cores the key takes about half the time.
fn generate_rsa(
    bits: usize,
    progress: &mut dyn FnMut(Duration),
) -> Result<rsa::RsaPrivateKey, KeyError> {
    let first_bits = u32::try_from(bits / 2).map_err(|_| KeyError::GenerationFailed)?;
    let second_bits = u32::try_from(bits - bits / 2).map_err(|_| KeyError::GenerationFailed)?;
    let exponent = rsa::BoxedUint::from(65_537u32);
    loop {
        let (p, q) = std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                let mut quiet = |_: Duration| {};
                let mut rng = rng::SysRng::new(&mut quiet);
                random_prime(&mut rng, second_bits)
            });
            let mut rng = rng::SysRng::new(progress);
            let p = random_prime(&mut rng, first_bits);
            (p, second.join())
        });
        let (Some(p), Ok(Some(q))) = (p, q) else {
            return Err(KeyError::GenerationFailed);
        };
        if let Ok(key) = rsa::RsaPrivateKey::from_primes(vec![p, q], exponent.clone())
            && key.n().bit_width() as usize == bits
        {
            return Ok(key);
        }
    }
}

/// A random prime of exactly `bits` bits with its two top bits set (the candidates are
/// sieved by small factors, then tested with Miller-Rabin and Lucas, crypto-primes' `Any`
/// flavour, as the `rsa` crate does).
fn random_prime(rng: &mut rng::SysRng<'_>, bits: u32) -> Option<rsa::BoxedUint> {
    use crypto_primes::hazmat::{SetBits, SmallFactorsSieveFactory};
    use crypto_primes::{Flavor, is_prime, sieve_and_find};
    let factory = SmallFactorsSieveFactory::new(Flavor::Any, bits, SetBits::TwoMsb).ok()?;
    sieve_and_find(rng, factory, |_, candidate| {
        is_prime(Flavor::Any, candidate)
    })
    .ok()
    .flatten()
}
