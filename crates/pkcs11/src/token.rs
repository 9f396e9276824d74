//! [`TokenKey`]: a private key that stays in a PKCS#11 token, and signing with it.
//!
//! The token only ever sees what it must: RSA keys sign the whole message with a
//! `CKM_SHAxxx_RSA_PKCS` mechanism when the token offers one (else `CKM_RSA_PKCS` over a
//! DigestInfo we build, RFC 8017 §9.2), ECDSA keys sign a digest we compute (`CKM_ECDSA`,
//! PKCS#11 v2.40 current mechanisms §2.3.6) and return raw `r‖s`, which we re-encode as the
//! DER `Ecdsa-Sig-Value` of RFC 5758 §3.2, and Ed25519 keys sign the message (`CKM_EDDSA`).
//!
//! Every signature is verified with a public key before it is returned, as
//! `cfssl_keys::PrivateKey` does: a faulty token must not hand out a bad (for RSA-CRT even
//! key-revealing) signature.

use core::fmt;
use std::sync::Mutex;

use cfssl_keys::{
    Curve, KeyAlgorithm, KeyError, KeySpec, PublicKey, SignatureHash, SignatureScheme,
};
use const_oid::ObjectIdentifier;
use cryptoki::context::Pkcs11;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use der::asn1::{Any, BitString, OctetString};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::error::{ISSUER_KEY, OWN_KEY, token_error};
use crate::module::{self, Access, FoundToken};
use crate::uri::ObjectType;
use crate::{Pkcs11Error, Pkcs11Uri};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// id-Ed25519 (RFC 8410 §3): the key, the signature algorithm, and the CKA_EC_PARAMS
/// PKCS#11 v3.0 §2.3.5 allows for Edwards keys.
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The PKCS#11 mechanism that hashes and signs in one step (`CKM_SHAxxx_RSA_PKCS`).
fn rsa_mechanism(hash: SignatureHash) -> (MechanismType, Mechanism<'static>) {
    match hash {
        SignatureHash::Sha1 => (MechanismType::SHA1_RSA_PKCS, Mechanism::Sha1RsaPkcs),
        SignatureHash::Sha256 => (MechanismType::SHA256_RSA_PKCS, Mechanism::Sha256RsaPkcs),
        SignatureHash::Sha384 => (MechanismType::SHA384_RSA_PKCS, Mechanism::Sha384RsaPkcs),
        SignatureHash::Sha512 => (MechanismType::SHA512_RSA_PKCS, Mechanism::Sha512RsaPkcs),
    }
}

/// What a key generated in a token should be: its CKA_LABEL, CKA_ID and type.
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    /// CKA_LABEL of both halves (the URI's `object=`).
    pub label: &'a str,
    /// CKA_ID of both halves (the URI's `id=`); must not be empty.
    pub id: &'a [u8],
    /// RSA 2048..=8192 bits, ECDSA P-256/P-384/P-521 or Ed25519.
    pub spec: KeySpec,
}

/// How a private key in a token is protected, read from the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyProtection {
    /// CKA_SENSITIVE: the secret value can never be read out in the clear.
    pub sensitive: bool,
    /// CKA_EXTRACTABLE: the key can be wrapped (exported encrypted).
    pub extractable: bool,
    /// CKA_ALWAYS_SENSITIVE: sensitive since it was made.
    pub always_sensitive: bool,
    /// CKA_NEVER_EXTRACTABLE: never extractable since it was made.
    pub never_extractable: bool,
    /// CKA_TOKEN: stored in the token (not a session object).
    pub token: bool,
}

/// A private key in a PKCS#11 token, with its public key, ready to sign.
///
/// The token session stays open (and logged in) as long as the value lives. `TokenKey` is
/// `Send + Sync`: signatures are serialised on the one session.
pub struct TokenKey {
    // Keeps the module loaded and initialised while the session is used.
    _ctx: Pkcs11,
    session: Mutex<Session>,
    private: ObjectHandle,
    public: PublicKey,
    token_label: String,
    label: String,
    id: Vec<u8>,
    mechanisms: Vec<MechanismType>,
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenKey({}, token \"{}\", object \"{}\")",
            self.public.describe(),
            self.token_label,
            self.label
        )
    }
}

impl TokenKey {
    /// Opens the private key a URI names: loads the module (`module-path`, else
    /// `access.module_env`), finds exactly one token matching the token and slot attributes,
    /// logs in (PIN from `pin-source`, else `access.pin`), finds exactly one private key
    /// matching `object` and `id`, and reads its public key.
    pub fn open(uri: &Pkcs11Uri, access: Access<'_>) -> Result<TokenKey, Pkcs11Error> {
        if let Some(kind) = uri.object_type
            && kind != ObjectType::Private
        {
            return Err(Pkcs11Error::WrongObjectType {
                found: kind.as_str(),
            });
        }
        if uri.object.is_none() && uri.id.is_none() {
            return Err(Pkcs11Error::NoObjectInUri);
        }
        let path = module::module_path(uri, access.module_env)?;
        let ctx = module::load(&path)?;
        let token = module::find_token(&ctx, uri, &path)?;
        let session = module::open_session(&ctx, &token, uri, access.pin, false)?;
        let private = find_private_key(&session, uri, &token)?;
        Self::from_handle(ctx, session, &token, private)
    }

    /// Generates a key pair in the token the URI names (its `object`, `id` and `type` are
    /// ignored: `new` gives the label and id), logged in as for [`TokenKey::open`].
    ///
    /// The private key is CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, with
    /// CKA_SIGN; the public key CKA_TOKEN with CKA_VERIFY; both carry `new.label` and `new.id`.
    /// Refused ([`Pkcs11Error::ObjectExists`]) when any object already has that label or id,
    /// so a later URI with `object=` or `id=` names exactly one key.
    pub fn generate(
        uri: &Pkcs11Uri,
        new: &NewKey<'_>,
        access: Access<'_>,
    ) -> Result<TokenKey, Pkcs11Error> {
        if new.label.is_empty() || new.id.is_empty() {
            return Err(Pkcs11Error::InvalidUri {
                attribute: if new.label.is_empty() { "object" } else { "id" }.to_owned(),
                problem: "a key made in a token needs a non-empty label and id".to_owned(),
            });
        }
        let path = module::module_path(uri, access.module_env)?;
        let ctx = module::load(&path)?;
        let token = module::find_token(&ctx, uri, &path)?;
        let session = module::open_session(&ctx, &token, uri, access.pin, true)?;

        // Name only the attribute that is taken: the other may be one the caller made up.
        for (template, taken) in [
            (
                Attribute::Label(new.label.as_bytes().to_vec()),
                describe_object(Some(new.label), None),
            ),
            (
                Attribute::Id(new.id.to_vec()),
                describe_object(None, Some(new.id)),
            ),
        ] {
            let found = session
                .find_objects(&[template])
                .map_err(|e| token_error("C_FindObjects", e))?;
            if !found.is_empty() {
                return Err(Pkcs11Error::ObjectExists {
                    wanted: taken,
                    token: token.label.clone(),
                });
            }
        }

        let mechanisms = ctx
            .get_mechanism_list(token.slot)
            .map_err(|e| token_error("C_GetMechanismList", e))?;
        let need = |mechanism: MechanismType, purpose: &str| {
            if mechanisms.contains(&mechanism) {
                Ok(())
            } else {
                Err(Pkcs11Error::UnsupportedMechanism {
                    token: token.label.clone(),
                    mechanism: mechanism.to_string(),
                    purpose: purpose.to_owned(),
                })
            }
        };
        let mut public_template = vec![
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::Label(new.label.as_bytes().to_vec()),
            Attribute::Id(new.id.to_vec()),
        ];
        let private_template = vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Label(new.label.as_bytes().to_vec()),
            Attribute::Id(new.id.to_vec()),
        ];
        let ec_params = |oid: ObjectIdentifier| {
            oid.to_der().map_err(|e| Pkcs11Error::Token {
                operation: "encoding CKA_EC_PARAMS",
                reason: e.to_string(),
            })
        };
        let mechanism = match new.spec {
            KeySpec::Rsa { bits } => {
                if !(2048..=8192).contains(&bits) {
                    return Err(Pkcs11Error::UnsupportedKey(format!(
                        "RSA keys are 2048 to 8192 bits, not {bits}"
                    )));
                }
                need(MechanismType::RSA_PKCS_KEY_PAIR_GEN, "RSA key generation")?;
                public_template.push(Attribute::ModulusBits((bits as u64).into()));
                public_template.push(Attribute::PublicExponent(vec![0x01, 0x00, 0x01]));
                Mechanism::RsaPkcsKeyPairGen
            }
            KeySpec::EcdsaP256 | KeySpec::EcdsaP384 | KeySpec::EcdsaP521 => {
                need(MechanismType::ECC_KEY_PAIR_GEN, "ECDSA key generation")?;
                let curve = match new.spec {
                    KeySpec::EcdsaP256 => SECP256R1,
                    KeySpec::EcdsaP384 => SECP384R1,
                    _ => SECP521R1,
                };
                public_template.push(Attribute::EcParams(ec_params(curve)?));
                Mechanism::EccKeyPairGen
            }
            KeySpec::Ed25519 => {
                need(
                    MechanismType::ECC_EDWARDS_KEY_PAIR_GEN,
                    "Ed25519 key generation",
                )?;
                public_template.push(Attribute::EcParams(ec_params(ID_ED25519)?));
                Mechanism::EccEdwardsKeyPairGen
            }
        };
        let (_public, private) = session
            .generate_key_pair(&mechanism, &public_template, &private_template)
            .map_err(|e| token_error("C_GenerateKeyPair", e))?;
        Self::from_handle(ctx, session, &token, private)
    }

    fn from_handle(
        ctx: Pkcs11,
        session: Session,
        token: &FoundToken,
        private: ObjectHandle,
    ) -> Result<TokenKey, Pkcs11Error> {
        let attrs = session
            .get_attributes(
                private,
                &[
                    AttributeType::Label,
                    AttributeType::Id,
                    AttributeType::KeyType,
                ],
            )
            .map_err(|e| token_error("C_GetAttributeValue", e))?;
        let (mut label, mut id, mut key_type) = (String::new(), Vec::new(), None);
        for attr in attrs {
            match attr {
                Attribute::Label(bytes) => label = String::from_utf8_lossy(&bytes).into_owned(),
                Attribute::Id(bytes) => id = bytes,
                Attribute::KeyType(kind) => key_type = Some(kind),
                _ => {}
            }
        }
        let key_type = key_type.ok_or_else(|| {
            Pkcs11Error::UnsupportedKey("the private key has no CKA_KEY_TYPE".to_owned())
        })?;
        let public = read_public_key(&session, private, key_type, &label, &id)?;
        let mechanisms = ctx
            .get_mechanism_list(token.slot)
            .map_err(|e| token_error("C_GetMechanismList", e))?;
        Ok(TokenKey {
            _ctx: ctx,
            session: Mutex::new(session),
            private,
            public,
            token_label: token.label.clone(),
            label,
            id,
            mechanisms,
        })
    }

    /// The key's public half (its canonical SubjectPublicKeyInfo, as for a key in a file).
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The label of the token holding the key.
    pub fn token_label(&self) -> &str {
        &self.token_label
    }

    /// The key's CKA_LABEL.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The key's CKA_ID.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// `rsa-2048`, `ecdsa-256`, `ed25519`.
    pub fn describe(&self) -> String {
        self.public.describe()
    }

    /// The signature algorithm cfssl would use with this key (docs/cfssl-compat.md §5.5),
    /// the one rule of `cfssl_keys::KeyAlgorithm::signature_algorithm`.
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.public.algorithm().signature_algorithm()
    }

    fn default_sig_alg(&self) -> SignatureScheme {
        let identifier = self.public.algorithm().signature_algorithm();
        // The identifier comes from the one rule in cfssl-keys, whose OIDs are all known here.
        SignatureScheme::from_oid(&identifier.oid).unwrap_or(SignatureScheme::Ed25519)
    }

    /// Removes this key pair from the token: both halves (the public key objects with the
    /// same CKA_LABEL and CKA_ID). For undoing a command that made a key with
    /// [`TokenKey::generate`] and then failed, so that nothing is left half-made; a key
    /// opened with [`TokenKey::open`] has a read-only session and cannot be removed.
    pub fn destroy(self) -> Result<(), Pkcs11Error> {
        let session = self.lock();
        let publics = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::Label(self.label.as_bytes().to_vec()),
                Attribute::Id(self.id.clone()),
            ])
            .map_err(|e| token_error("C_FindObjects", e))?;
        for handle in publics {
            session
                .destroy_object(handle)
                .map_err(|e| token_error("C_DestroyObject", e))?;
        }
        session
            .destroy_object(self.private)
            .map_err(|e| token_error("C_DestroyObject", e))
    }

    /// Reads the key's protection attributes from the token.
    pub fn protection(&self) -> Result<KeyProtection, Pkcs11Error> {
        let session = self.lock();
        let attrs = session
            .get_attributes(
                self.private,
                &[
                    AttributeType::Sensitive,
                    AttributeType::Extractable,
                    AttributeType::AlwaysSensitive,
                    AttributeType::NeverExtractable,
                    AttributeType::Token,
                ],
            )
            .map_err(|e| token_error("C_GetAttributeValue", e))?;
        let mut protection = KeyProtection {
            sensitive: false,
            extractable: true,
            always_sensitive: false,
            never_extractable: false,
            token: false,
        };
        for attr in attrs {
            match attr {
                Attribute::Sensitive(v) => protection.sensitive = v,
                Attribute::Extractable(v) => protection.extractable = v,
                Attribute::AlwaysSensitive(v) => protection.always_sensitive = v,
                Attribute::NeverExtractable(v) => protection.never_extractable = v,
                Attribute::Token(v) => protection.token = v,
                _ => {}
            }
        }
        Ok(protection)
    }

    /// Signs `message` with [`TokenKey::signature_algorithm`]; see [`TokenKey::sign_with`].
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Pkcs11Error> {
        self.sign_checked(self.default_sig_alg(), message, None)
    }

    /// Signs `message` with `alg` (RSA PKCS#1 v1.5 or ECDSA with SHA-1/256/384/512, or
    /// Ed25519, matching the key) and returns what goes inside the signature BIT STRING,
    /// after verifying it with the key's public key.
    pub fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, Pkcs11Error> {
        let sig_alg = self.sig_alg(alg)?;
        self.sign_checked(sig_alg, message, None)
    }

    /// Like [`TokenKey::sign_with`], verifying with `issuer_key` (the CA certificate's key)
    /// instead: proves the token key is the certificate's. A failure there is
    /// [`Pkcs11Error::SignatureCheckFailed`] with code 2300 (key mismatch).
    pub fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, Pkcs11Error> {
        let sig_alg = self.sig_alg(alg)?;
        self.sign_checked(sig_alg, message, Some(issuer_key))
    }

    fn sig_alg(&self, alg: &AlgorithmIdentifierOwned) -> Result<SignatureScheme, Pkcs11Error> {
        let unsupported = || Pkcs11Error::UnsupportedAlgorithm {
            oid: alg.oid.to_string(),
            key: self.describe(),
        };
        let sig_alg = SignatureScheme::from_oid(&alg.oid).ok_or_else(unsupported)?;
        let suits = matches!(
            (sig_alg, self.public.algorithm()),
            (SignatureScheme::Rsa(_), KeyAlgorithm::Rsa { .. })
                | (SignatureScheme::Ecdsa(_), KeyAlgorithm::Ecdsa(_))
                | (SignatureScheme::Ed25519, KeyAlgorithm::Ed25519)
        );
        if suits {
            Ok(sig_alg)
        } else {
            Err(unsupported())
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn need(&self, mechanism: MechanismType, purpose: &str) -> Result<(), Pkcs11Error> {
        if self.mechanisms.contains(&mechanism) {
            Ok(())
        } else {
            Err(Pkcs11Error::UnsupportedMechanism {
                token: self.token_label.clone(),
                mechanism: mechanism.to_string(),
                purpose: purpose.to_owned(),
            })
        }
    }

    fn sign_checked(
        &self,
        alg: SignatureScheme,
        message: &[u8],
        check: Option<&PublicKey>,
    ) -> Result<Vec<u8>, Pkcs11Error> {
        let signature = self.sign_unchecked(alg, message)?;
        let (verifier, against) = match check {
            Some(key) => (key, ISSUER_KEY),
            None => (&self.public, OWN_KEY),
        };
        let identifier = alg.identifier();
        verifier
            .verify(&(&identifier).into(), message, &signature)
            .map_err(|e| Pkcs11Error::SignatureCheckFailed {
                against,
                reason: e.to_string(),
            })?;
        Ok(signature)
    }

    fn sign_unchecked(&self, alg: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Pkcs11Error> {
        let sign = |mechanism: &Mechanism<'_>, data: &[u8]| {
            self.lock()
                .sign(mechanism, self.private, data)
                .map_err(|e| token_error("C_Sign", e))
        };
        match alg {
            SignatureScheme::Rsa(hash) => {
                let (kind, mechanism) = rsa_mechanism(hash);
                if self.mechanisms.contains(&kind) {
                    return sign(&mechanism, message);
                }
                // The token hashes nothing: give it the DigestInfo (RFC 8017 §9.2 steps 1-2).
                self.need(
                    MechanismType::RSA_PKCS,
                    &format!("RSA signatures (it offers neither {kind} nor CKM_RSA_PKCS)"),
                )?;
                let mut digest_info = hash.digest_info_prefix().to_vec();
                digest_info.extend_from_slice(&hash.digest(message));
                sign(&Mechanism::RsaPkcs, &digest_info)
            }
            SignatureScheme::Ecdsa(hash) => {
                self.need(MechanismType::ECDSA, "ECDSA signatures")?;
                let raw = sign(&Mechanism::Ecdsa, &hash.digest(message))?;
                ecdsa_raw_to_der(self.public.algorithm(), &raw)
            }
            SignatureScheme::Ed25519 => {
                self.need(MechanismType::EDDSA, "Ed25519 signatures")?;
                sign(
                    &Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                    message,
                )
            }
        }
    }
}

/// `r‖s` (each half the curve's size, PKCS#11 current mechanisms §2.3.1) to the DER
/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` of RFC 5758 §3.2.
fn ecdsa_raw_to_der(algorithm: KeyAlgorithm, raw: &[u8]) -> Result<Vec<u8>, Pkcs11Error> {
    let bad = || Pkcs11Error::Token {
        operation: "C_Sign",
        reason: format!("the token returned a {}-byte ECDSA signature", raw.len()),
    };
    let der = match algorithm {
        KeyAlgorithm::Ecdsa(Curve::P256) => p256::ecdsa::Signature::from_slice(raw)
            .map_err(|_| bad())?
            .to_der()
            .as_bytes()
            .to_vec(),
        KeyAlgorithm::Ecdsa(Curve::P384) => p384::ecdsa::Signature::from_slice(raw)
            .map_err(|_| bad())?
            .to_der()
            .as_bytes()
            .to_vec(),
        KeyAlgorithm::Ecdsa(Curve::P521) => p521::ecdsa::Signature::from_slice(raw)
            .map_err(|_| bad())?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => return Err(bad()),
    };
    Ok(der)
}

/// `object="root-key", id=%01%02` for messages.
fn describe_object(label: Option<&str>, id: Option<&[u8]>) -> String {
    let mut parts = Vec::new();
    if let Some(label) = label {
        parts.push(format!("object=\"{label}\""));
    }
    if let Some(id) = id {
        let hex: String = id.iter().map(|b| format!("%{b:02x}")).collect();
        parts.push(format!("id={hex}"));
    }
    parts.join(", ")
}

/// Finds exactly one private key matching the URI's `object` and `id`, telling apart "no
/// such object", "only its public half or certificate is here" and "several match".
fn find_private_key(
    session: &Session,
    uri: &Pkcs11Uri,
    token: &FoundToken,
) -> Result<ObjectHandle, Pkcs11Error> {
    let mut template = Vec::new();
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    let wanted = describe_object(uri.object.as_deref(), uri.id.as_deref());
    let find = |class: ObjectClass| {
        let mut full = template.clone();
        full.push(Attribute::Class(class));
        session
            .find_objects(&full)
            .map_err(|e| token_error("C_FindObjects", e))
    };
    let mut keys = find(ObjectClass::PRIVATE_KEY)?;
    match keys.len() {
        1 => Ok(keys.remove(0)),
        0 => {
            for (class, kind) in [
                (ObjectClass::PUBLIC_KEY, "public key"),
                (ObjectClass::CERTIFICATE, "certificate"),
            ] {
                if !find(class)?.is_empty() {
                    return Err(Pkcs11Error::PublicKeyOnly {
                        wanted,
                        token: token.label.clone(),
                        kind,
                    });
                }
            }
            Err(Pkcs11Error::ObjectNotFound {
                wanted,
                token: token.label.clone(),
            })
        }
        count => Err(Pkcs11Error::AmbiguousObject {
            wanted,
            token: token.label.clone(),
            count,
        }),
    }
}

/// Builds the key's public key: RSA from the private key's own CKA_MODULUS and
/// CKA_PUBLIC_EXPONENT (PKCS#11 keeps them on RSA private keys); EC and Edwards keys from
/// the CKA_EC_POINT of the public key object with the same CKA_ID (or, without an id, label).
fn read_public_key(
    session: &Session,
    private: ObjectHandle,
    key_type: KeyType,
    label: &str,
    id: &[u8],
) -> Result<PublicKey, Pkcs11Error> {
    let spki = if key_type == KeyType::RSA {
        let attrs = session
            .get_attributes(
                private,
                &[AttributeType::Modulus, AttributeType::PublicExponent],
            )
            .map_err(|e| token_error("C_GetAttributeValue", e))?;
        let (mut n, mut e) = (None, None);
        for attr in attrs {
            match attr {
                Attribute::Modulus(v) => n = Some(v),
                Attribute::PublicExponent(v) => e = Some(v),
                _ => {}
            }
        }
        let (Some(n), Some(e)) = (n, e) else {
            return Err(Pkcs11Error::UnsupportedKey(
                "the RSA private key shows no CKA_MODULUS/CKA_PUBLIC_EXPONENT".to_owned(),
            ));
        };
        rsa_spki(&n, &e)?
    } else if key_type == KeyType::EC || key_type == KeyType::EC_EDWARDS {
        let mut template = vec![
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::KeyType(key_type),
        ];
        if id.is_empty() {
            template.push(Attribute::Label(label.as_bytes().to_vec()));
        } else {
            template.push(Attribute::Id(id.to_vec()));
        }
        let found = session
            .find_objects(&template)
            .map_err(|e| token_error("C_FindObjects", e))?;
        let public = found.first().copied().ok_or_else(|| {
            Pkcs11Error::UnsupportedKey(format!(
                "no public key object with the private key's {} (an EC private key does not carry its point)",
                describe_object(id.is_empty().then_some(label), (!id.is_empty()).then_some(id))
            ))
        })?;
        let attrs = session
            .get_attributes(public, &[AttributeType::EcParams, AttributeType::EcPoint])
            .map_err(|e| token_error("C_GetAttributeValue", e))?;
        let (mut params, mut point) = (None, None);
        for attr in attrs {
            match attr {
                Attribute::EcParams(v) => params = Some(v),
                Attribute::EcPoint(v) => point = Some(v),
                _ => {}
            }
        }
        let (Some(params), Some(point)) = (params, point) else {
            return Err(Pkcs11Error::UnsupportedKey(
                "the public key shows no CKA_EC_PARAMS/CKA_EC_POINT".to_owned(),
            ));
        };
        ec_spki(&params, &point, key_type == KeyType::EC_EDWARDS)?
    } else {
        return Err(Pkcs11Error::UnsupportedKey(format!(
            "key type {key_type} (RSA, EC and EC Edwards keys are supported)"
        )));
    };
    PublicKey::from_spki_der(&spki)
        .map_err(|e| Pkcs11Error::UnsupportedKey(format!("the token's public key: {e}")))
}

fn encode_error(e: der::Error) -> Pkcs11Error {
    Pkcs11Error::UnsupportedKey(format!("cannot encode the token's public key: {e}"))
}

/// `RSAPublicKey` (RFC 8017 A.1.1) in an `rsaEncryption` SubjectPublicKeyInfo (RFC 3279 §2.3.1).
fn rsa_spki(modulus: &[u8], exponent: &[u8]) -> Result<Vec<u8>, Pkcs11Error> {
    let key = pkcs1::RsaPublicKey {
        modulus: pkcs1::UintRef::new(modulus).map_err(encode_error)?,
        public_exponent: pkcs1::UintRef::new(exponent).map_err(encode_error)?,
    };
    let key_der = key.to_der().map_err(encode_error)?;
    spki_der(RSA_ENCRYPTION, Some(Any::null()), &key_der)
}

/// CKA_EC_PARAMS (a namedCurve OID; for Edwards keys the id-Ed25519 OID or the PrintableString
/// `edwards25519`, PKCS#11 v3.0 §2.3.5) and CKA_EC_POINT (a DER OCTET STRING, though some
/// tokens give the bare point) into a SubjectPublicKeyInfo (RFC 5480 §2, RFC 8410 §4).
fn ec_spki(params: &[u8], point: &[u8], edwards: bool) -> Result<Vec<u8>, Pkcs11Error> {
    let unsupported = |what: &str| Pkcs11Error::UnsupportedKey(what.to_owned());
    if edwards {
        let is_ed25519 = ObjectIdentifier::from_der(params).is_ok_and(|oid| oid == ID_ED25519)
            || der::asn1::PrintableStringRef::from_der(params)
                .is_ok_and(|s| s.as_str() == "edwards25519");
        if !is_ed25519 {
            return Err(unsupported("an Edwards curve other than Ed25519"));
        }
        let bytes = unwrap_point(point, 32);
        if bytes.len() != 32 {
            return Err(unsupported("an Ed25519 public key that is not 32 bytes"));
        }
        return spki_der(ID_ED25519, None, &bytes);
    }
    let curve = ObjectIdentifier::from_der(params)
        .map_err(|_| unsupported("CKA_EC_PARAMS that is not a named curve"))?;
    let coordinate = match curve {
        SECP256R1 => 32,
        SECP384R1 => 48,
        SECP521R1 => 66,
        other => return Err(Pkcs11Error::UnsupportedKey(format!("EC curve {other}"))),
    };
    let bytes = unwrap_point(point, 1 + 2 * coordinate);
    spki_der(
        ID_EC_PUBLIC_KEY,
        Some(Any::encode_from(&curve).map_err(encode_error)?),
        &bytes,
    )
}

/// The bare point when CKA_EC_POINT holds it directly (`expected` bytes long), else the
/// contents of the DER OCTET STRING it should be.
fn unwrap_point(point: &[u8], expected: usize) -> Vec<u8> {
    if point.len() == expected {
        return point.to_vec();
    }
    OctetString::from_der(point)
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_else(|_| point.to_vec())
}

fn spki_der(
    oid: ObjectIdentifier,
    parameters: Option<Any>,
    key: &[u8],
) -> Result<Vec<u8>, Pkcs11Error> {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid, parameters },
        subject_public_key: BitString::from_bytes(key).map_err(encode_error)?,
    }
    .to_der()
    .map_err(encode_error)
}

/// A token key signs wherever a key file's key does (certificates, CSRs, CRLs, OCSP).
impl cfssl_keys::SigningKey for TokenKey {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        TokenKey::signature_algorithm(self)
    }

    fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        TokenKey::sign_with(self, alg, message).map_err(KeyError::from)
    }

    fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, KeyError> {
        TokenKey::sign_as_issuer(self, alg, message, issuer_key).map_err(|e| {
            // As for a key file: a key that is not the certificate's is a mismatch, not a fault.
            if matches!(e, Pkcs11Error::SignatureCheckFailed { .. }) && self.public != *issuer_key {
                KeyError::KeyMismatch
            } else {
                KeyError::from(e)
            }
        })
    }

    fn describe(&self) -> String {
        format!(
            "{} in token \"{}\" (object \"{}\")",
            self.public.describe(),
            self.token_label,
            self.label
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn token_keys_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<TokenKey>();
    }

    #[test]
    fn digest_info_prefixes_are_the_der_of_rfc8017() {
        // DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }: the prefix plus the
        // digest must parse as a whole SEQUENCE whose last element is the digest.
        for hash in [
            SignatureHash::Sha1,
            SignatureHash::Sha256,
            SignatureHash::Sha384,
            SignatureHash::Sha512,
        ] {
            let mut info = hash.digest_info_prefix().to_vec();
            let digest = hash.digest(b"abc");
            info.extend_from_slice(&digest);
            assert_eq!(usize::from(info[1]) + 2, info.len(), "{hash:?}");
            assert_eq!(
                usize::from(info[info.len() - digest.len() - 1]),
                digest.len()
            );
        }
    }

    #[test]
    fn ecdsa_raw_signatures_become_der() {
        let mut raw = vec![0u8; 64];
        raw[31] = 1;
        raw[63] = 2;
        let der = ecdsa_raw_to_der(KeyAlgorithm::Ecdsa(Curve::P256), &raw).unwrap();
        assert_eq!(der, [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]);
        assert!(ecdsa_raw_to_der(KeyAlgorithm::Ecdsa(Curve::P384), &raw).is_err());
        assert!(ecdsa_raw_to_der(KeyAlgorithm::Ecdsa(Curve::P256), &raw[..63]).is_err());
    }

    #[test]
    fn ec_points_bare_or_wrapped() {
        let bare = [7u8; 32];
        let mut wrapped = vec![0x04, 0x20];
        wrapped.extend_from_slice(&bare);
        assert_eq!(unwrap_point(&bare, 32), bare);
        assert_eq!(unwrap_point(&wrapped, 32), bare);
    }

    #[test]
    fn rsa_spki_round_trips_through_cfssl_keys() {
        let key = cfssl_keys::PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap();
        let spki = key.public_key().to_spki_der();
        let parsed = spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
        let rsa = pkcs1::RsaPublicKeyRef::from_der(parsed.subject_public_key.raw_bytes()).unwrap();
        let rebuilt = rsa_spki(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes()).unwrap();
        assert_eq!(rebuilt, spki);
    }
}
