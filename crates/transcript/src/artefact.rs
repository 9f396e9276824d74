//! What a step read or wrote, identified two ways: the SHA-256 of the file's exact bytes,
//! and a fingerprint of the object inside it that survives re-encoding.
//!
//! Two hashes because a file is copied between forms during a ceremony: `cfssl-rs gencert`
//! prints a certificate inside JSON, `cfssljson-rs` writes it to `ca.pem`, someone converts
//! it to DER for a browser store. The file hash pins the bytes that were there; the
//! fingerprint (SHA-256 of the certificate's DER, what `openssl x509 -fingerprint -sha256`
//! prints) recognises the same certificate in any of those files.
//!
//! | kind | fingerprint: SHA-256 of |
//! |---|---|
//! | `certificate` | the certificate's DER (RFC 5280 §4.1 `Certificate`; the first in a bundle) |
//! | `crl` | the CRL's DER (RFC 5280 §5.1 `CertificateList`) |
//! | `ocsp` | the response's DER (RFC 6960 §4.2.1 `OCSPResponse`) |
//! | `csr` | the DER of the request's `SubjectPublicKeyInfo` (RFC 2986 §4.1) |
//! | `key` | the DER of the key's *public* half, as a `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) |
//! | `public-key` | the `SubjectPublicKeyInfo` DER |
//! | `ceremony`, `other` | nothing |
//!
//! A CSR, a key and the certificates issued for that key therefore share one public-key
//! fingerprint, which is how a witness follows a key from its creation to its certificate.
//!
//! **Private keys**: the transcript never holds key material. The fingerprint of a key file
//! is its public key's; an encrypted key file (`ENCRYPTED PRIVATE KEY`) cannot be opened
//! here, so it has none unless the caller, who decrypted it, supplies it
//! ([`Artefact::with_fingerprint`]). The file's SHA-256 *is* recorded: a SHA-256 of a file
//! tells nothing about its contents that is not already public (the key is a random
//! number of at least 256 bits, so the hash cannot be searched backwards), and it is what
//! lets `ceremony verify` notice that the key file on the laptop was swapped for another
//! encryption of some other key.

use std::path::Path;

use der::{Decode, Reader, SliceReader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::TranscriptError;

/// One file (or one PEM field printed on standard output) a step read or wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artefact {
    /// The path as the command was given it; for what a command printed, `-:` and the JSON
    /// field (`-:cert`), or `-` for raw output.
    pub path: String,
    /// Lower-case hex SHA-256 of the exact bytes.
    pub sha256: String,
    /// `certificate`, `csr`, `key`, `public-key`, `crl`, `ocsp`, `ceremony` or `other`.
    pub kind: String,
    /// Lower-case hex SHA-256 of the object's DER, as in the module table; `None` where
    /// there is none or it could not be read.
    pub fingerprint: Option<String>,
}

impl Artefact {
    /// Identifies `bytes` (PEM or DER), recorded under `path`. Never fails: what cannot be
    /// recognised is kind `other` without a fingerprint.
    pub fn of_bytes(path: &str, bytes: &[u8]) -> Artefact {
        let (kind, fingerprint) = identify(bytes);
        Artefact {
            path: path.to_owned(),
            sha256: sha256_hex(bytes),
            kind: kind.to_owned(),
            fingerprint,
        }
    }

    /// Reads and identifies the file at `path`.
    ///
    /// # Errors
    /// [`TranscriptError::Io`] naming the file.
    pub fn of_file(path: &Path) -> Result<Artefact, TranscriptError> {
        // A key file's bytes are wiped once hashed.
        let bytes =
            zeroize::Zeroizing::new(std::fs::read(path).map_err(|source| TranscriptError::Io {
                op: "read",
                path: path.display().to_string(),
                source,
            })?);
        Ok(Artefact::of_bytes(&path.to_string_lossy(), &bytes))
    }

    /// The same artefact recorded as `kind` (e.g. `ceremony` for a ceremony file, which is
    /// otherwise just YAML).
    pub fn with_kind(mut self, kind: &str) -> Artefact {
        kind.clone_into(&mut self.kind);
        self
    }

    /// The same artefact with the fingerprint the caller computed (an encrypted key it
    /// decrypted, a key in a token whose public half it read).
    pub fn with_fingerprint(mut self, fingerprint: Option<String>) -> Artefact {
        if fingerprint.is_some() {
            self.fingerprint = fingerprint;
        }
        self
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `text` is a SHA-256 as this crate writes it: 64 lower-case hex digits.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The fingerprint of a public key given as `SubjectPublicKeyInfo` DER (a key in a token).
pub fn public_key_fingerprint(spki_der: &[u8]) -> String {
    sha256_hex(spki_der)
}

/// The SHA-256 of the to-be-signed part of a signed object's DER: `tbsCertificate` of a
/// certificate (RFC 5280 §4.1.1.1), `tbsCertList` of a CRL (§5.1.1.1), `tbsResponseData`
/// of an OCSP response (RFC 6960 §4.2.1). These are the bytes the CA key signed, taken as
/// they are in the object (not re-encoded), so the hash is the one a pre-signing plan
/// showed. `None` for anything else.
pub fn tbs_sha256(der: &[u8]) -> Option<String> {
    if x509_cert::Certificate::from_der(der).is_ok() || is_crl(der) {
        return first_element(der).map(sha256_hex);
    }
    let response = cfssl_ocsp::asn1::OcspResponse::from_der(der).ok()?;
    let basic = response.response_bytes?.response;
    first_element(basic.as_bytes()).map(sha256_hex)
}

/// The public-key fingerprint (see the module table) of the first certificate in `bytes`
/// (PEM, base64 or DER): how a key that cannot be read here — encrypted, or in a token — is
/// identified once the command has checked it against that certificate.
pub fn certificate_public_key_fingerprint(bytes: &[u8]) -> Option<String> {
    let decoded = base64_text(bytes);
    let bytes = decoded.as_deref().unwrap_or(bytes);
    let der = match pem_blocks(bytes).into_iter().next() {
        Some((_, der)) => der,
        None => bytes.to_vec(),
    };
    let certificate = x509_cert::Certificate::from_der(&der).ok()?;
    let spki = der::Encode::to_der(certificate.tbs_certificate().subject_public_key_info()).ok()?;
    Some(sha256_hex(&spki))
}

/// The exact bytes of the first element of the outermost SEQUENCE of `der`.
fn first_element(der: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(der).ok()?;
    let first = reader
        .sequence(|inner| {
            let first = inner.tlv_bytes()?;
            while !inner.is_finished() {
                inner.tlv_bytes()?;
            }
            Ok::<_, der::Error>(first)
        })
        .ok()?;
    reader.is_finished().then_some(first)
}

/// Kind and fingerprint of a file's contents.
fn identify(bytes: &[u8]) -> (&'static str, Option<String>) {
    match base64_text(bytes) {
        // Base64 around PEM: a Kubernetes CertificateSigningRequest's fields.
        Some(decoded) if !pem_blocks(&decoded).is_empty() => identify_text(&decoded),
        Some(der) => identify_der(&der),
        None => identify_text(bytes),
    }
}

/// Kind and fingerprint of PEM text, else of DER.
fn identify_text(bytes: &[u8]) -> (&'static str, Option<String>) {
    let blocks = pem_blocks(bytes);
    if let Some((label, der)) = blocks.first() {
        return match label.as_str() {
            "CERTIFICATE" => (
                "certificate",
                x509_cert::Certificate::from_der(der)
                    .ok()
                    .map(|_| sha256_hex(der)),
            ),
            "X509 CRL" => ("crl", is_crl(der).then(|| sha256_hex(der))),
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => ("csr", csr_fingerprint(der)),
            "PUBLIC KEY" => ("public-key", spki_fingerprint(der)),
            "ENCRYPTED PRIVATE KEY" => ("key", None),
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                ("key", private_key_fingerprint(bytes))
            }
            _ => ("other", None),
        };
    }
    identify_der(bytes)
}

/// The DER in a file of base64 text, as `gencrl` and `ocspsign` print it (one line, no PEM
/// armour); `None` for anything else.
fn base64_text(bytes: &[u8]) -> Option<Vec<u8>> {
    use base64ct::Encoding as _;
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return None;
    }
    base64ct::Base64::decode_vec(std::str::from_utf8(&compact).ok()?).ok()
}

/// [`tbs_sha256`] of a signed object printed as PEM or as one line of base64 (a CRL from
/// `gencrl`, a response from `ocspsign`, PEM in base64 as Kubernetes carries it), or
/// given as DER.
pub fn tbs_sha256_of_text(text: &[u8]) -> Option<String> {
    let decoded = base64_text(text);
    let text = decoded.as_deref().unwrap_or(text);
    match pem_blocks(text).into_iter().next() {
        Some((_, der)) => tbs_sha256(&der),
        None => tbs_sha256(text),
    }
}

/// Kind and fingerprint of binary DER: the signed objects first, then the key forms.
fn identify_der(der: &[u8]) -> (&'static str, Option<String>) {
    if x509_cert::Certificate::from_der(der).is_ok() {
        return ("certificate", Some(sha256_hex(der)));
    }
    if is_crl(der) {
        return ("crl", Some(sha256_hex(der)));
    }
    if cfssl_ocsp::asn1::OcspResponse::from_der(der).is_ok() {
        return ("ocsp", Some(sha256_hex(der)));
    }
    if let Some(fingerprint) = csr_fingerprint(der) {
        return ("csr", Some(fingerprint));
    }
    if let Some(fingerprint) = spki_fingerprint(der) {
        return ("public-key", Some(fingerprint));
    }
    ("other", None)
}

fn is_crl(der: &[u8]) -> bool {
    x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der).is_ok()
}

fn csr_fingerprint(der: &[u8]) -> Option<String> {
    let request = x509_cert::request::CertReq::from_der(der).ok()?;
    let spki = der::Encode::to_der(&request.info.public_key).ok()?;
    Some(sha256_hex(&spki))
}

fn spki_fingerprint(der: &[u8]) -> Option<String> {
    let spki = spki::SubjectPublicKeyInfoOwned::from_der(der).ok()?;
    // Re-encoded: DER has one encoding, so this is the key's canonical form.
    let canonical = der::Encode::to_der(&spki).ok()?;
    Some(sha256_hex(&canonical))
}

fn private_key_fingerprint(pem: &[u8]) -> Option<String> {
    let key = cfssl_keys::PrivateKey::from_pem(pem).ok()?;
    Some(sha256_hex(&key.public_key().to_spki_der()))
}

/// The PEM blocks of `bytes` (label, DER), skipping text around and between them; empty
/// when there are none or they do not decode.
fn pem_blocks(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let Some(from) = rest.get(start..) else { break };
        let Some(end_marker) = from.find("-----END ") else {
            break;
        };
        let Some(after_end) = from.get(end_marker..) else {
            break;
        };
        // The END line runs to its closing dashes.
        let Some(close) = after_end.get(9..).and_then(|t| t.find("-----")) else {
            break;
        };
        let block_len = end_marker + 9 + close + 5;
        let Some(block) = from.get(..block_len) else {
            break;
        };
        if let Ok((label, der)) = der::pem::decode_vec(block.as_bytes()) {
            blocks.push((label.to_owned(), der));
        } else {
            return blocks;
        }
        rest = from.get(block_len..).unwrap_or_default();
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_sha256() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256_hex(&sha256_hex(b"")));
        assert!(!is_sha256_hex("AB"));
    }

    #[test]
    fn unknown_bytes_are_other() {
        let a = Artefact::of_bytes("x", b"hello");
        assert_eq!(a.kind, "other");
        assert_eq!(a.fingerprint, None);
        let a = Artefact::of_bytes(
            "x",
            b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
        );
        assert_eq!(a.kind, "other");
        assert_eq!(tbs_sha256(b"\x30\x03\x02\x01\x01"), None);
        assert_eq!(tbs_sha256(b""), None);
    }

    #[test]
    fn keys_fingerprint_their_public_half() -> Result<(), Box<dyn std::error::Error>> {
        let key =
            cfssl_keys::PrivateKey::generate(cfssl_keys::KeySpec::from_request("ecdsa", 256)?)?;
        let pem = key.to_pem();
        let a = Artefact::of_bytes("k.pem", pem.as_bytes());
        let expected = sha256_hex(&key.public_key().to_spki_der());
        assert_eq!(a.kind, "key");
        assert_eq!(a.fingerprint.as_deref(), Some(expected.as_str()));
        let public = der::pem::encode_string(
            "PUBLIC KEY",
            der::pem::LineEnding::LF,
            &key.public_key().to_spki_der(),
        )?;
        let p = Artefact::of_bytes("p.pem", public.as_bytes());
        assert_eq!(p.kind, "public-key");
        assert_eq!(p.fingerprint, a.fingerprint);
        let encrypted = key.to_encrypted_pem(b"pw")?;
        let e = Artefact::of_bytes("e.pem", encrypted.as_bytes());
        assert_eq!((e.kind.as_str(), e.fingerprint.as_deref()), ("key", None));
        Ok(())
    }
}
