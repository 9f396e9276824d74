//! Which key a share belongs to, as a fingerprint anyone can recompute with openssl.
//!
//! For a plain key the fingerprint is SHA-256 over the DER SubjectPublicKeyInfo of its
//! public half (RFC 5280 §4.1.2.7), which is what
//! `openssl pkey -in KEY -pubout -outform DER | sha256sum` prints: so a restored key can be
//! checked against the CA certificate's key (`openssl x509 -in ca.pem -pubkey -noout |
//! openssl pkey -pubin -outform DER | sha256sum`) without trusting this program. An
//! encrypted key cannot be opened without its password, which deliberately stays out of the
//! backup, so its fingerprint is SHA-256 over the encrypted file's bytes (`sha256sum KEY`),
//! and the shares say so (`Fingerprint-Of: encrypted-file`).

use std::fmt;

use cfssl_keys::PrivateKey;
use sha2::{Digest, Sha256};

use crate::SharesError;

/// What a [`KeyFingerprint`] is a digest of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintOf {
    /// The DER SubjectPublicKeyInfo of the key's public half.
    PublicKey,
    /// The bytes of an encrypted key file, as stored.
    EncryptedFile,
}

impl FingerprintOf {
    /// The `Fingerprint-Of` header value.
    pub fn as_str(self) -> &'static str {
        match self {
            FingerprintOf::PublicKey => "public-key",
            FingerprintOf::EncryptedFile => "encrypted-file",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "public-key" => Some(FingerprintOf::PublicKey),
            "encrypted-file" => Some(FingerprintOf::EncryptedFile),
            _ => None,
        }
    }
}

/// SHA-256 fingerprint of a key; displayed as `SHA256:<lowercase hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFingerprint {
    /// The digest.
    pub sha256: [u8; 32],
    /// What it is a digest of.
    pub of: FingerprintOf,
}

impl fmt::Display for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHA256:{}", hex(&self.sha256))
    }
}

impl KeyFingerprint {
    /// The fingerprint of a key file's bytes: its public half, or for an encrypted key
    /// (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a legacy `Proc-Type: 4,ENCRYPTED` PEM) the file.
    ///
    /// # Errors
    /// [`SharesError::NotAKey`] if the bytes are neither a private key cfssl-rs reads nor an
    /// encrypted one.
    pub fn of_key_file(key_file: &[u8]) -> Result<Self, SharesError> {
        if looks_encrypted(key_file) {
            return Ok(KeyFingerprint {
                sha256: sha256(key_file),
                of: FingerprintOf::EncryptedFile,
            });
        }
        let key = PrivateKey::from_pem(key_file).map_err(|e| SharesError::NotAKey {
            reason: format!("not a private key: {e}"),
        })?;
        Ok(KeyFingerprint {
            sha256: sha256(&key.public_key().to_spki_der()),
            of: FingerprintOf::PublicKey,
        })
    }
}

/// Whether the first PEM block is an encrypted key. Only labels and headers are looked at,
/// never the (encrypted) body.
fn looks_encrypted(key_file: &[u8]) -> bool {
    let text = String::from_utf8_lossy(key_file);
    let Some(begin) = text.find("-----BEGIN ") else {
        return false;
    };
    let block = &text[begin..];
    let first_line = block.lines().next().unwrap_or_default();
    if first_line.contains("ENCRYPTED PRIVATE KEY") {
        return true;
    }
    // RFC 1421 headers directly after the BEGIN line (OpenSSL's legacy encryption).
    block
        .lines()
        .skip(1)
        .take_while(|line| line.contains(':'))
        .any(|line| line.trim() == "Proc-Type: 4,ENCRYPTED")
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Lowercase hex, as `sha256sum` prints it.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Parses lowercase or uppercase hex of exactly `N` bytes.
pub(crate) fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0x00, 0xab, 0x5f]), "00ab5f");
        assert_eq!(unhex::<3>("00AB5f"), Some([0x00, 0xab, 0x5f]));
        assert_eq!(unhex::<3>("00ab5"), None);
        assert_eq!(unhex::<2>("0g00"), None);
        assert_eq!(unhex::<1>("é"), None);
    }

    #[test]
    fn sha256_known_answer() {
        // FIPS 180-2 appendix B.1: SHA-256("abc").
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn encrypted_keys_are_recognised_by_label_or_header() {
        let pkcs8 =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let fp = KeyFingerprint::of_key_file(pkcs8).unwrap();
        assert_eq!(fp.of, FingerprintOf::EncryptedFile);
        assert_eq!(fp.sha256, sha256(pkcs8));
        let legacy = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(looks_encrypted(legacy));
        assert!(!looks_encrypted(b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n"));
        assert!(!looks_encrypted(b"no pem here"));
    }

    #[test]
    fn a_non_key_is_refused() {
        let err = KeyFingerprint::of_key_file(b"hello").unwrap_err();
        assert!(matches!(err, SharesError::NotAKey { .. }), "{err}");
    }

    #[test]
    fn a_plain_key_is_fingerprinted_by_its_public_half() {
        let key =
            PrivateKey::generate(cfssl_keys::KeySpec::from_request("ecdsa", 256).unwrap()).unwrap();
        let pem = key.to_pem();
        let fp = KeyFingerprint::of_key_file(pem.as_bytes()).unwrap();
        assert_eq!(fp.of, FingerprintOf::PublicKey);
        assert_eq!(fp.sha256, sha256(&key.public_key().to_spki_der()));
        assert!(fp.to_string().starts_with("SHA256:"));
        assert_eq!(fp.to_string().len(), 7 + 64);
    }
}
