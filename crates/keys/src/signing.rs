//! [`SigningKey`]: what signs a certificate, CSR, CRL or OCSP response, wherever the private
//! key lives.
//!
//! A CA key is either a file read into memory ([`PrivateKey`]) or a key that never leaves a
//! PKCS#11 token (`cfssl_pkcs11::TokenKey`). What the signing code needs from either is the
//! same: the public half, cfssl's choice of signature algorithm, and a signature that has
//! been verified before it is handed back. So the certificate, CSR, CRL and OCSP code takes
//! `&dyn SigningKey` and never learns where the key is; this crate stays free of PKCS#11.

use core::fmt;

use spki::AlgorithmIdentifierOwned;

use crate::{KeyError, PrivateKey, PublicKey};

/// A private key that can sign, in memory or in a token.
///
/// Implementations must verify every signature before returning it (with the key's own
/// public half, or with `issuer_key` in [`SigningKey::sign_as_issuer`]): a faulty device or
/// computation must never hand out a bad — for RSA-CRT, key-revealing — signature.
pub trait SigningKey: Send + Sync + fmt::Debug {
    /// The key's public half, as its canonical SubjectPublicKeyInfo.
    fn public_key(&self) -> PublicKey;

    /// The signature algorithm cfssl uses with this key
    /// ([`crate::KeyAlgorithm::signature_algorithm`]).
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.public_key().algorithm().signature_algorithm()
    }

    /// Signs `message` with `alg` (it must suit the key) and returns what goes inside the
    /// signature BIT STRING, verified with the key's own public half.
    fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError>;

    /// Like [`SigningKey::sign_with`], verified with `issuer_key` (the CA certificate's public
    /// key) instead: one check proves the signature sound and the key the certificate's. A key
    /// that is not the certificate's is [`KeyError::KeyMismatch`].
    fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, KeyError>;

    /// Signs `message` with [`SigningKey::signature_algorithm`].
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.sign_with(&self.signature_algorithm(), message)
    }

    /// `rsa-2048`, `ecdsa-256`, `ed25519`, and where the key is when it is not in memory: for
    /// log lines.
    fn describe(&self) -> String {
        self.public_key().describe()
    }
}

impl SigningKey for PrivateKey {
    fn public_key(&self) -> PublicKey {
        PrivateKey::public_key(self)
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        PrivateKey::signature_algorithm(self)
    }

    fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        PrivateKey::sign_with(self, alg, message)
    }

    fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, KeyError> {
        PrivateKey::sign_as_issuer(self, alg, message, issuer_key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        PrivateKey::sign(self, message)
    }

    fn describe(&self) -> String {
        PrivateKey::describe(self)
    }
}

/// A shared key signs as the key itself (the CLI keeps a handle on a key it made in a token,
/// to remove it again if the command fails).
impl<T: SigningKey + ?Sized> SigningKey for std::sync::Arc<T> {
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        (**self).signature_algorithm()
    }

    fn sign_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        (**self).sign_with(alg, message)
    }

    fn sign_as_issuer(
        &self,
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        issuer_key: &PublicKey,
    ) -> Result<Vec<u8>, KeyError> {
        (**self).sign_as_issuer(alg, message, issuer_key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        (**self).sign(message)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeySpec;
    use der::referenced::OwnedToRef;

    #[test]
    fn a_private_key_signs_through_the_trait() {
        for spec in [
            KeySpec::EcdsaP256,
            KeySpec::Ed25519,
            KeySpec::Rsa { bits: 2048 },
        ] {
            let key = PrivateKey::generate(spec).unwrap();
            let dynamic: &dyn SigningKey = &key;
            assert_eq!(dynamic.signature_algorithm(), key.signature_algorithm());
            assert_eq!(
                dynamic.public_key().algorithm().signature_algorithm(),
                key.signature_algorithm()
            );
            let signature = dynamic.sign(b"message").unwrap();
            let alg = dynamic.signature_algorithm();
            key.public_key()
                .verify(&alg.owned_to_ref(), b"message", &signature)
                .unwrap();
            let other = PrivateKey::generate(spec).unwrap();
            assert_eq!(
                dynamic.sign_as_issuer(&alg, b"message", &other.public_key()),
                Err(KeyError::KeyMismatch)
            );
        }
    }
}
