//! The one error type of this crate, with cfssl's numeric codes (docs/cfssl-compat.md §7.1).

/// Everything that can go wrong while generating, reading, writing, using or checking a key.
///
/// `Display` is the message cfssl prints (without the JSON wrapper); [`KeyError::code`] is the
/// cfssl error code (`category + reason`, docs/cfssl-compat.md §7.1) when cfssl has one for the situation.
/// No variant ever carries key bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// `key.algo` is not `rsa`, `ecdsa` or `ed25519` (case-sensitive). docs/cfssl-compat.md §6.
    #[error("invalid algorithm")]
    InvalidAlgorithm,
    /// `key.algo` is `ecdsa` but `key.size` is not 256, 384 or 521. docs/cfssl-compat.md §6.
    #[error("invalid curve")]
    InvalidCurve,
    /// `key.algo` is `rsa` and `key.size` is below 2048. docs/cfssl-compat.md §6.
    #[error("RSA key is too weak")]
    RsaKeyTooWeak,
    /// `key.algo` is `rsa` and `key.size` is above 8192. docs/cfssl-compat.md §6.
    #[error("RSA key size too large")]
    RsaKeyTooLarge,
    /// The key generator failed (no randomness available, or the RSA search failed).
    #[error("Failed to new private key")]
    GenerationFailed,
    /// The input holds no PEM block at all.
    #[error("Failed to decode private key")]
    Decode,
    /// The PEM block holds no private key this crate can read.
    #[error("Failed to parse private key")]
    Parse,
    /// The key is password-protected and no password was supplied (or, for the legacy
    /// `Proc-Type: 4,ENCRYPTED` PEM encryption, cannot be decrypted by this crate).
    #[error("Private key is encrypted.")]
    Encrypted,
    /// Decrypting an `ENCRYPTED PRIVATE KEY` failed: the password is wrong or the data is
    /// damaged (PBES2 cannot tell these apart).
    #[error("wrong password or corrupt encrypted key")]
    WrongPassword,
    /// The `ENCRYPTED PRIVATE KEY` uses a scheme or parameters this crate does not implement
    /// or refuses (PBES1, PBKDF2 with HMAC-SHA-1, DES, or scrypt/PBKDF2 costs beyond the
    /// limits documented on [`crate::PrivateKey::from_pem_with_password`]).
    #[error("unsupported private key encryption: {0}")]
    UnsupportedEncryption(&'static str),
    /// The `ENCRYPTED PRIVATE KEY` names a supported scheme with parameters outside the
    /// ranges of RFC 8018 / RFC 7914 (scrypt N not a power of two above 1, r, p, an iteration
    /// count or a key length of 0, a key length that is not the cipher's). Refused before any
    /// key derivation: such values are never written by a real tool, and some crash KDFs.
    #[error("invalid key encryption parameters: {0}")]
    InvalidEncryptionParameters(&'static str),
    /// The key is well-formed but of a type cfssl cannot use (DSA, X25519, secp256k1, brainpool…).
    #[error("Private key algorithm is not RSA or ECC or Ed25519")]
    UnsupportedKeyType,
    /// A private key and a public key (certificate, CSR) do not belong together.
    #[error("Private key does not match public key")]
    KeyMismatch,
    /// `sign_with` was asked for a signature algorithm this key cannot produce.
    #[error("x509: requested SignatureAlgorithm does not match private key type")]
    UnsupportedAlgorithm,
    /// Encoding the key failed (cannot happen for keys this crate holds; reported, not hidden).
    #[error("failed to encode private key")]
    Encoding,
    /// Signing failed, or the fresh signature did not verify (a fault; nothing is returned).
    #[error("signing failed")]
    SigningFailed,
    /// The SubjectPublicKeyInfo could not be parsed or names an unsupported key.
    /// The text is Go's `x509.ParsePKIXPublicKey` wording.
    #[error("{0}")]
    PublicKey(&'static str),
    /// A signature names an algorithm that `verify` does not implement.
    #[error("x509: cannot verify signature: algorithm unimplemented")]
    AlgorithmUnimplemented,
    /// The signature algorithm is for another kind of key than the public key.
    #[error(
        "x509: signature algorithm specifies an {expected} public key, but have public key of type {actual}"
    )]
    AlgorithmKeyMismatch {
        /// Go's name of the key type the algorithm wants (`RSA`, `ECDSA`, `Ed25519`).
        expected: &'static str,
        /// Go's `%T` of the key present (`*rsa.PublicKey`, `*ecdsa.PublicKey`, `ed25519.PublicKey`).
        actual: &'static str,
    },
    /// An RSA public key smaller than 1024 bits; Go refuses to verify with it.
    #[error(
        "crypto/rsa: {bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
    )]
    InsecureRsaKey {
        /// The modulus length.
        bits: usize,
    },
    /// An RSA signature did not verify.
    #[error("crypto/rsa: verification error")]
    RsaVerification,
    /// An ECDSA signature did not verify.
    #[error("x509: ECDSA verification failure")]
    EcdsaVerification,
    /// An Ed25519 signature did not verify.
    #[error("x509: Ed25519 verification failure")]
    Ed25519Verification,
    /// The FIPS build (cargo feature `fips`) was asked for something its FIPS module
    /// (AWS-LC-FIPS) does not do — a SHA-1 signature, an RSA key under 2048 bits, an RSA key
    /// size the module does not generate… The text names it. Nothing outside the module may
    /// do it instead, so it is refused; the default and `aws-lc` builds never return this.
    #[error("{0} is not offered by the FIPS build of cfssl-rs")]
    NotInFipsBuild(String),
    /// The FIPS build's module did not report FIPS mode (`aws_lc_rs::try_fips_mode`), so
    /// every key operation is refused rather than run outside FIPS mode.
    #[error("the FIPS build of cfssl-rs cannot run: AWS-LC-FIPS is not in FIPS mode ({0})")]
    FipsModeUnavailable(&'static str),
    /// A key held outside this process (a PKCS#11 token) failed: `message` names the token,
    /// the object and the operation; `code` is cfssl's code for it.
    #[error("{message}")]
    External {
        /// cfssl's error code.
        code: u32,
        /// What failed, where.
        message: String,
    },
}

impl KeyError {
    /// The cfssl error code for this error (docs/cfssl-compat.md §7.1), or `None` where cfssl's code
    /// depends on the caller (signature checks are 9300 for a CSR, 1000 for a certificate…)
    /// or cfssl has no such situation.
    ///
    /// Codes: 2400 key request/generation, 2002 no PEM block, 2003 unparsable key,
    /// 2100 encrypted (also a wrong password or an unsupported encryption), 2200 unsupported
    /// key type, 2300 key mismatch.
    pub fn code(&self) -> Option<u32> {
        match self {
            KeyError::InvalidAlgorithm
            | KeyError::InvalidCurve
            | KeyError::RsaKeyTooWeak
            | KeyError::RsaKeyTooLarge
            | KeyError::GenerationFailed => Some(2400),
            KeyError::Decode => Some(2002),
            KeyError::Parse => Some(2003),
            KeyError::Encrypted
            | KeyError::WrongPassword
            | KeyError::UnsupportedEncryption(_)
            | KeyError::InvalidEncryptionParameters(_) => Some(2100),
            KeyError::UnsupportedKeyType => Some(2200),
            KeyError::KeyMismatch => Some(2300),
            KeyError::External { code, .. } => Some(*code),
            KeyError::UnsupportedAlgorithm
            | KeyError::NotInFipsBuild(_)
            | KeyError::FipsModeUnavailable(_)
            | KeyError::Encoding
            | KeyError::SigningFailed
            | KeyError::PublicKey(_)
            | KeyError::AlgorithmUnimplemented
            | KeyError::AlgorithmKeyMismatch { .. }
            | KeyError::InsecureRsaKey { .. }
            | KeyError::RsaVerification
            | KeyError::EcdsaVerification
            | KeyError::Ed25519Verification => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyError;

    #[test]
    fn codes_and_texts_follow_cfssl() {
        let cases = [
            (KeyError::InvalidAlgorithm, Some(2400), "invalid algorithm"),
            (KeyError::InvalidCurve, Some(2400), "invalid curve"),
            (KeyError::RsaKeyTooWeak, Some(2400), "RSA key is too weak"),
            (
                KeyError::RsaKeyTooLarge,
                Some(2400),
                "RSA key size too large",
            ),
            (KeyError::Decode, Some(2002), "Failed to decode private key"),
            (KeyError::Parse, Some(2003), "Failed to parse private key"),
            (KeyError::Encrypted, Some(2100), "Private key is encrypted."),
            (
                KeyError::UnsupportedKeyType,
                Some(2200),
                "Private key algorithm is not RSA or ECC or Ed25519",
            ),
            (
                KeyError::KeyMismatch,
                Some(2300),
                "Private key does not match public key",
            ),
            (
                KeyError::EcdsaVerification,
                None,
                "x509: ECDSA verification failure",
            ),
            (
                KeyError::RsaVerification,
                None,
                "crypto/rsa: verification error",
            ),
        ];
        for (err, code, text) in cases {
            assert_eq!(err.code(), code, "{err:?}");
            assert_eq!(err.to_string(), text);
        }
    }
}
