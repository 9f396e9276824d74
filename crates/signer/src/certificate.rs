//! X.509 certificates: reading the ones we are given (a CA for `-ca`, anything for
//! `certinfo`) and assembling the ones we issue, byte for byte as Go's
//! `x509.CreateCertificate` lays them out (docs/cfssl-compat.md §5.3, §5.4).

use cfssl_csr::SubjectName;
use cfssl_csr::hosts::SubjectAltNames;
use cfssl_csr::pkcs10::{parse_basic_constraints, pem_encode};
use cfssl_keys::{PublicKey, SigningKey};
use const_oid::db::rfc5280 as oids;
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, ExtendedKeyUsage, KeyUsage};

use crate::SignError;
use crate::der_writer as w;
use crate::extensions::CertExtension;

/// A certificate we read, with the fields cfssl-rs needs, decoded once.
#[derive(Clone, Debug)]
pub struct ParsedCertificate {
    /// The whole certificate, DER.
    pub der: Vec<u8>,
    /// Serial number magnitude, big-endian (sign dropped; see `serial_negative`).
    pub serial: Vec<u8>,
    /// True when the serial INTEGER is negative (only in non-conforming certificates).
    pub serial_negative: bool,
    /// Issuer Name, DER as in the certificate.
    pub issuer_der: Vec<u8>,
    /// Subject Name, DER as in the certificate.
    pub subject_der: Vec<u8>,
    /// Issuer as Go's `pkix.Name`.
    pub issuer: SubjectName,
    /// Subject as Go's `pkix.Name`.
    pub subject: SubjectName,
    /// notBefore
    pub not_before: OffsetDateTime,
    /// notAfter
    pub not_after: OffsetDateTime,
    /// The certified public key.
    pub public_key: PublicKey,
    /// The certificate's signature algorithm.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// subjectKeyIdentifier, if present.
    pub subject_key_id: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier, if present.
    pub authority_key_id: Option<Vec<u8>>,
    /// basicConstraints: (cA, pathLen or -1), if present.
    pub basic_constraints: Option<(bool, i64)>,
    /// keyUsage bits (bit i = RFC 5280 bit i), if present.
    pub key_usage: Option<u16>,
    /// extKeyUsage purposes, if present.
    pub ext_key_usage: Option<Vec<const_oid::ObjectIdentifier>>,
    /// subjectAltName entries.
    pub sans: SubjectAltNames,
    /// The nameConstraints extension value, unparsed: only signing under this certificate
    /// reads it ([`crate::name_constraints::IssuerConstraints::from_der`]).
    pub name_constraints: Option<Vec<u8>>,
    /// X.509 version number as stored (0 = v1, 2 = v3).
    pub version: u8,
}

impl ParsedCertificate {
    /// Parses every certificate of a PEM file in order (a chain file: `-ca-chain`). No
    /// block → 1002; a block that is not a certificate → 1003.
    pub fn all_from_pem(input: &[u8]) -> Result<Vec<ParsedCertificate>, SignError> {
        let captures =
            pem::parse_many(input.trim_ascii()).map_err(|_| SignError::CertificateParse)?;
        if captures.is_empty() {
            return Err(SignError::CertificateDecode);
        }
        captures
            .iter()
            .map(|block| Self::from_der(block.contents()))
            .collect()
    }

    /// Whether `issuer` issued this certificate: its subject is this one's issuer name and
    /// its key verifies this one's signature.
    pub fn is_issued_by(&self, issuer: &ParsedCertificate) -> bool {
        if self.issuer_der != issuer.subject_der {
            return false;
        }
        let Ok(cert) = Certificate::from_der(&self.der) else {
            return false;
        };
        let Ok(tbs) = cert.tbs_certificate().to_der() else {
            return false;
        };
        let Some(signature) = cert.signature().as_bytes() else {
            return false;
        };
        issuer
            .public_key
            .verify(
                &der::referenced::OwnedToRef::owned_to_ref(cert.signature_algorithm()),
                &tbs,
                signature,
            )
            .is_ok()
    }

    /// cfssl's `helpers.ParseCertificatePEM` (docs/cfssl-compat.md §1.2): the input is trimmed, the
    /// first PEM block is decoded whatever its label; no block → 1002; anything after it →
    /// 1003 `the PEM file should contain only one object`; unparsable → 1003.
    pub fn from_pem(input: &[u8]) -> Result<ParsedCertificate, SignError> {
        let text = input.trim_ascii();
        let captures = pem::parse_many(text).map_err(|_| SignError::CertificateParse)?;
        let Some(first) = captures.first() else {
            return Err(SignError::CertificateDecode);
        };
        if captures.len() > 1 || !ends_with_first_block(text) {
            return Err(SignError::CertificateMultiple);
        }
        Self::from_der(first.contents())
    }

    /// Parses DER (unparsable → 1003 `Failed to parse certificate`).
    pub fn from_der(der: &[u8]) -> Result<ParsedCertificate, SignError> {
        let cert = Certificate::from_der(der).map_err(|_| SignError::CertificateParse)?;
        let tbs = cert.tbs_certificate();
        let serial_bytes = tbs.serial_number().as_bytes();
        let serial_negative = serial_bytes.first().is_some_and(|b| b & 0x80 != 0);
        let serial = serial_bytes
            .iter()
            .skip_while(|&&b| b == 0)
            .copied()
            .collect();
        let issuer_der = tbs.issuer().to_der()?;
        let subject_der = tbs.subject().to_der()?;
        let public_key = PublicKey::from_spki_der(&tbs.subject_public_key_info().to_der()?)
            .map_err(|_| SignError::CertificateParse)?;
        let mut parsed = ParsedCertificate {
            der: der.to_vec(),
            serial,
            serial_negative,
            issuer: SubjectName::from_der(&issuer_der).map_err(|_| SignError::CertificateParse)?,
            subject: SubjectName::from_der(&subject_der)
                .map_err(|_| SignError::CertificateParse)?,
            issuer_der,
            subject_der,
            not_before: to_offset(tbs.validity().not_before.to_system_time()),
            not_after: to_offset(tbs.validity().not_after.to_system_time()),
            public_key,
            signature_algorithm: cert.signature_algorithm().clone(),
            subject_key_id: None,
            authority_key_id: None,
            basic_constraints: None,
            key_usage: None,
            ext_key_usage: None,
            sans: SubjectAltNames::default(),
            name_constraints: None,
            version: tbs.version() as u8,
        };
        for ext in tbs.extensions().into_iter().flatten() {
            let value = ext.extn_value.as_bytes();
            let bad = |_| SignError::CertificateParse;
            match ext.extn_id {
                oids::ID_CE_SUBJECT_KEY_IDENTIFIER => {
                    let ski = der::asn1::OctetString::from_der(value).map_err(bad)?;
                    parsed.subject_key_id = Some(ski.as_bytes().to_vec());
                }
                oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                    let aki = AuthorityKeyIdentifier::from_der(value).map_err(bad)?;
                    parsed.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                oids::ID_CE_BASIC_CONSTRAINTS => {
                    parsed.basic_constraints = Some(
                        parse_basic_constraints(value).map_err(|_| SignError::CertificateParse)?,
                    );
                }
                oids::ID_CE_KEY_USAGE => {
                    let ku = KeyUsage::from_der(value).map_err(bad)?;
                    parsed.key_usage = Some(ku.0.bits());
                }
                oids::ID_CE_EXT_KEY_USAGE => {
                    let eku = ExtendedKeyUsage::from_der(value).map_err(bad)?;
                    parsed.ext_key_usage = Some(eku.0);
                }
                oids::ID_CE_SUBJECT_ALT_NAME => {
                    parsed.sans = SubjectAltNames::from_extension_value(value)
                        .map_err(|_| SignError::CertificateParse)?;
                }
                oids::ID_CE_NAME_CONSTRAINTS => {
                    parsed.name_constraints = Some(value.to_vec());
                }
                _ => {}
            }
        }
        Ok(parsed)
    }

    /// The certificate as PEM (re-encoded from DER, as cfssl's certinfo prints it).
    pub fn to_pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.der)
    }

    /// Go's view: `IsCA` is true only with a basicConstraints cA TRUE.
    pub fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }

    /// Go's `MaxPathLen` (-1 when absent) and `MaxPathLenZero`.
    pub fn max_path_len(&self) -> (i64, bool) {
        match self.basic_constraints {
            Some((_, n)) => (n, n == 0),
            None => (-1, false),
        }
    }
}

fn ends_with_first_block(text: &[u8]) -> bool {
    // Go's pem.Decode returns the rest after the first block; cfssl rejects any rest.
    let end_marker = b"-----END ";
    let Some(pos) = text.windows(end_marker.len()).position(|w| w == end_marker) else {
        return false;
    };
    let after = &text[pos + end_marker.len()..];
    let Some(close) = after.windows(5).position(|w| w == b"-----") else {
        return false;
    };
    after[close + 5..].trim_ascii().is_empty()
}

fn to_offset(t: std::time::SystemTime) -> OffsetDateTime {
    OffsetDateTime::from(t)
}

/// ```text
/// TBSCertificate  ::=  SEQUENCE  {
///      version         [0]  EXPLICIT Version DEFAULT v1,
///      serialNumber         CertificateSerialNumber,
///      signature            AlgorithmIdentifier,
///      issuer               Name,
///      validity             Validity,
///      subject              Name,
///      subjectPublicKeyInfo SubjectPublicKeyInfo,
///      extensions      [3]  EXPLICIT Extensions OPTIONAL }
/// ```
/// (RFC 5280 §4.1; no unique identifiers, always v3 as Go writes.)
#[derive(Clone, Debug)]
pub struct TbsCertificate {
    /// Serial magnitude (positive).
    pub serial: Vec<u8>,
    /// signature AlgorithmIdentifier (the issuer key's algorithm).
    pub signature: AlgorithmIdentifierOwned,
    /// Issuer Name DER: the CA certificate's subject bytes verbatim.
    pub issuer_der: Vec<u8>,
    /// notBefore
    pub not_before: OffsetDateTime,
    /// notAfter
    pub not_after: OffsetDateTime,
    /// Subject Name DER.
    pub subject_der: Vec<u8>,
    /// SubjectPublicKeyInfo DER.
    pub spki_der: Vec<u8>,
    /// Extensions in the order they will appear.
    pub extensions: Vec<CertExtension>,
}

impl TbsCertificate {
    /// DER of the TBSCertificate.
    pub fn to_der(&self) -> Result<Vec<u8>, SignError> {
        let version = w::context_constructed(0, &w::signed_integer(2));
        let exts: Vec<Vec<u8>> = self.extensions.iter().map(CertExtension::to_der).collect();
        let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
        let extensions = if exts.is_empty() {
            Vec::new()
        } else {
            w::context_constructed(3, &w::sequence(&ext_refs))
        };
        Ok(w::sequence(&[
            &version,
            &w::unsigned_integer(&self.serial),
            &self.signature.to_der()?,
            &self.issuer_der,
            &w::sequence(&[&w::time(self.not_before), &w::time(self.not_after)]),
            &self.subject_der,
            &self.spki_der,
            &extensions,
        ]))
    }

    /// Signs with `key` (whose algorithm must be `self.signature`) and returns the
    /// `Certificate` DER. The signature is verified with `issuer_key` before it is returned
    /// (`SigningKey::sign_as_issuer`): a faulty RSA-CRT or ECDSA computation never leaves the
    /// process, and a `key` that is not the issuer's is [`SignError::KeyMismatch`] (cfssl's
    /// 1000, which cfssl too reports when signing).
    pub fn sign(&self, key: &dyn SigningKey, issuer_key: &PublicKey) -> Result<Vec<u8>, SignError> {
        let tbs = self.to_der()?;
        let signature = key
            .sign_as_issuer(&self.signature, &tbs, issuer_key)
            .map_err(SignError::from_signing)?;
        Ok(w::sequence(&[
            &tbs,
            &self.signature.to_der()?,
            &w::bit_string(&signature),
        ]))
    }
}

/// Decimal text of a big-endian magnitude (Go's `big.Int.String()` for serials).
pub fn decimal(magnitude: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new(); // little-endian base 10
    for &byte in magnitude {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_serials() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0x04, 0xd2]), "1234");
        assert_eq!(
            decimal(&[
                0x7c, 0x11, 0x7d, 0xcd, 0x03, 0xa5, 0x88, 0x1d, 0xf9, 0xfe, 0xf0, 0x7b, 0xdc, 0x83,
                0x43, 0xa1, 0x4d, 0xe1, 0x42, 0x4c
            ]),
            "708304927049004984173237560011571415975146373708"
        );
    }
}
