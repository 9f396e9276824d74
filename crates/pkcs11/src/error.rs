//! The one error type of this crate. Every variant says what was looked for and what was
//! found, so an operator at an offline CA machine can fix the URI, the module or the PIN
//! without a debugger. No variant ever carries a PIN.

use std::path::PathBuf;

/// Everything that can go wrong with a PKCS#11 URI, module, token or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The URI does not parse, or uses an attribute this crate refuses (`pin-value`).
    #[error("invalid PKCS#11 URI: {attribute}: {problem}")]
    InvalidUri {
        /// The attribute (or part of the URI) at fault.
        attribute: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Neither the URI's `module-path` nor `CFSSL_PKCS11_MODULE` names a module.
    #[error(
        "no PKCS#11 module: give module-path=… in the URI or set CFSSL_PKCS11_MODULE{}",
        match .module_name { Some(name) => format!(" (module-name={name} needs a full path here)"), None => String::new() }
    )]
    NoModule {
        /// The URI's `module-name`, which this crate does not search for.
        module_name: Option<String>,
    },
    /// The module file does not exist.
    #[error("PKCS#11 module {} does not exist", .path.display())]
    ModuleMissing {
        /// The path tried.
        path: PathBuf,
    },
    /// The module exists but cannot be loaded or initialised.
    #[error("cannot load PKCS#11 module {}: {reason}", .path.display())]
    ModuleUnloadable {
        /// The path tried.
        path: PathBuf,
        /// The loader's or the module's complaint.
        reason: String,
    },
    /// The URI's `library-*` attributes do not match the loaded module.
    #[error("PKCS#11 module {} is not the library the URI asks for: {detail}", .path.display())]
    LibraryMismatch {
        /// The module loaded.
        path: PathBuf,
        /// Which attribute differs, with both values.
        detail: String,
    },
    /// No token matches the URI's token and slot attributes.
    #[error(
        "no PKCS#11 token matches {wanted}; tokens seen: {}",
        if .seen.is_empty() { "none".to_owned() } else { .seen.join(", ") }
    )]
    TokenNotFound {
        /// The token attributes asked for, as `token="Root CA"`.
        wanted: String,
        /// The labels of the tokens present, quoted.
        seen: Vec<String>,
    },
    /// Several tokens match the URI's token and slot attributes.
    #[error("{count} PKCS#11 tokens match {wanted} ({}); add token=, serial= or slot-id=", .labels.join(", "))]
    AmbiguousToken {
        /// The token attributes asked for.
        wanted: String,
        /// How many tokens match.
        count: usize,
        /// Their labels, quoted, with slot ids.
        labels: Vec<String>,
    },
    /// The token needs a PIN and none was given (no `pin-source`, no callback answer).
    #[error(
        "token \"{token}\" needs a PIN: use pin-source=file:PATH in the URI, set CFSSL_PKCS11_PIN, or enter it when asked on a terminal"
    )]
    PinRequired {
        /// The token label.
        token: String,
    },
    /// The `pin-source` file cannot be read or is empty.
    #[error("cannot read the PIN from {}: {reason}", .path.display())]
    PinSourceUnreadable {
        /// The file named by `pin-source`.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The token refused the PIN (CKR_PIN_INCORRECT).
    #[error("wrong PIN for token \"{token}\" (CKR_PIN_INCORRECT)")]
    WrongPin {
        /// The token label.
        token: String,
    },
    /// The token's user PIN is locked (CKR_PIN_LOCKED) after too many wrong PINs.
    #[error("the PIN of token \"{token}\" is locked (CKR_PIN_LOCKED)")]
    PinLocked {
        /// The token label.
        token: String,
    },
    /// The URI names no object: `object=` or `id=` is needed to pick a key.
    #[error("the PKCS#11 URI names no key: add object=LABEL or id=%xx")]
    NoObjectInUri,
    /// The URI's `type` is not `private`.
    #[error("the PKCS#11 URI asks for type={found}; a signing key needs type=private (or no type)")]
    WrongObjectType {
        /// The `type` value of the URI.
        found: &'static str,
    },
    /// No private key matches the URI in the token.
    #[error("no private key {wanted} in token \"{token}\"")]
    ObjectNotFound {
        /// The object attributes asked for, as `object="root-key"`.
        wanted: String,
        /// The token label.
        token: String,
    },
    /// Only a public key (or certificate) matches: the private half is not in this token.
    #[error("token \"{token}\" holds only a {kind} for {wanted}, no private key")]
    PublicKeyOnly {
        /// The object attributes asked for.
        wanted: String,
        /// The token label.
        token: String,
        /// `public key` or `certificate`.
        kind: &'static str,
    },
    /// Two or more private keys match the URI.
    #[error(
        "{count} private keys match {wanted} in token \"{token}\"; add id=%xx or a distinct object="
    )]
    AmbiguousObject {
        /// The object attributes asked for.
        wanted: String,
        /// The token label.
        token: String,
        /// How many private keys match.
        count: usize,
    },
    /// Key generation found an object with the label or id already there.
    #[error("token \"{token}\" already holds an object with {wanted}; choose another")]
    ObjectExists {
        /// The label or id that is taken.
        wanted: String,
        /// The token label.
        token: String,
    },
    /// The key is of a type or size this crate cannot use.
    #[error("unsupported key in token: {0}")]
    UnsupportedKey(String),
    /// The token does not offer a mechanism the operation needs.
    #[error("token \"{token}\" does not offer {mechanism}, needed for {purpose}")]
    UnsupportedMechanism {
        /// The token label.
        token: String,
        /// The PKCS#11 mechanism, e.g. `CKM_EDDSA`.
        mechanism: String,
        /// What it was needed for, e.g. `Ed25519 signatures`.
        purpose: String,
    },
    /// The signature algorithm asked for does not suit the key.
    #[error("signature algorithm {oid} cannot be made with a {key} key")]
    UnsupportedAlgorithm {
        /// The algorithm OID asked for.
        oid: String,
        /// The key, e.g. `ecdsa-256`.
        key: String,
    },
    /// The token's signature did not verify with the public key: nothing is returned.
    #[error("the token's signature does not verify with {against}: {reason}")]
    SignatureCheckFailed {
        /// `the key's own public key` or `the issuer's public key`.
        against: &'static str,
        /// The verifier's message.
        reason: String,
    },
    /// Any other PKCS#11 failure, with the function and return value.
    #[error("PKCS#11 {operation} failed: {reason}")]
    Token {
        /// What was being done, e.g. `C_Sign`.
        operation: &'static str,
        /// The return value or wrapper error.
        reason: String,
    },
}

impl Pkcs11Error {
    /// The cfssl error code (docs/cfssl-compat.md §7.1): key generation problems (the label
    /// taken, no key-pair mechanism, C_GenerateKeyPair failing) are 2400 (PrivateKeyError +
    /// GenerationFailed), a key that is not the certificate's is 2300 (KeyMismatch),
    /// everything else 2000 (PrivateKeyError + Unknown), as cfssl reports a CA key it cannot
    /// load.
    pub fn code(&self) -> u32 {
        match self {
            Pkcs11Error::ObjectExists { .. } => 2400,
            Pkcs11Error::UnsupportedMechanism { mechanism, .. }
                if mechanism.ends_with("_KEY_PAIR_GEN") =>
            {
                2400
            }
            Pkcs11Error::Token {
                operation: "C_GenerateKeyPair",
                ..
            } => 2400,
            Pkcs11Error::SignatureCheckFailed {
                against: ISSUER_KEY,
                ..
            } => 2300,
            _ => 2000,
        }
    }
}

/// Token failures travel through `cfssl_keys::SigningKey` as [`cfssl_keys::KeyError::External`],
/// keeping their message and cfssl code.
impl From<Pkcs11Error> for cfssl_keys::KeyError {
    fn from(e: Pkcs11Error) -> Self {
        cfssl_keys::KeyError::External {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// [`Pkcs11Error::SignatureCheckFailed`]`::against` when checking with the issuer's key.
pub(crate) const ISSUER_KEY: &str = "the issuer's public key";
/// [`Pkcs11Error::SignatureCheckFailed`]`::against` when checking with the key's own.
pub(crate) const OWN_KEY: &str = "the key's own public key";

/// Wraps a cryptoki error for `operation`.
pub(crate) fn token_error(operation: &'static str, err: cryptoki::error::Error) -> Pkcs11Error {
    Pkcs11Error::Token {
        operation,
        reason: describe(&err),
    }
}

/// A short description: the CKR_ name for a return value, the wrapper's text otherwise.
pub(crate) fn describe(err: &cryptoki::error::Error) -> String {
    match err {
        cryptoki::error::Error::Pkcs11(rv, function) => format!("{rv:?} in {function:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_codes() {
        let err = Pkcs11Error::TokenNotFound {
            wanted: "token=\"Root CA\"".to_owned(),
            seen: vec![],
        };
        assert_eq!(
            err.to_string(),
            "no PKCS#11 token matches token=\"Root CA\"; tokens seen: none"
        );
        assert_eq!(err.code(), 2000);
        let err = Pkcs11Error::NoModule {
            module_name: Some("opensc".to_owned()),
        };
        assert!(err.to_string().contains("module-name=opensc"), "{err}");
        let mismatch = Pkcs11Error::SignatureCheckFailed {
            against: ISSUER_KEY,
            reason: String::new(),
        };
        assert_eq!(mismatch.code(), 2300);
        let fault = Pkcs11Error::SignatureCheckFailed {
            against: OWN_KEY,
            reason: String::new(),
        };
        assert_eq!(fault.code(), 2000);
        let no_keygen = Pkcs11Error::UnsupportedMechanism {
            token: "t".to_owned(),
            mechanism: "CKM_EC_EDWARDS_KEY_PAIR_GEN".to_owned(),
            purpose: "Ed25519 key generation".to_owned(),
        };
        assert_eq!(no_keygen.code(), 2400);
        let no_signing = Pkcs11Error::UnsupportedMechanism {
            token: "t".to_owned(),
            mechanism: "CKM_EDDSA".to_owned(),
            purpose: "Ed25519 signatures".to_owned(),
        };
        assert_eq!(no_signing.code(), 2000);
    }
}
