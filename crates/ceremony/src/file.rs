//! The ceremony file: one YAML (or JSON) document describing one step (docs/ceremony.md).
//!
//! The file is what the witnesses review, so reading it is strict: every section is a
//! struct with `deny_unknown_fields`, and every error names the field's path
//! (`certificate.key_usage[2]: unknown key usage "cert sgin"`). A misspelt optional field
//! must never be silently dropped, since the certificate would then differ from what was
//! read aloud. Values that have a fixed vocabulary (usages, algorithms, dates) are checked
//! while the file is read, so the path comes with the error.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::CeremonyError;

/// What one ceremony file makes: its `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A new key and its self-signed CA certificate.
    Root,
    /// A CA certificate for a given public key, signed by an existing CA.
    Intermediate,
    /// A CA certificate for an existing CA's subject and key, signed by another CA.
    CrossSign,
    /// A new key only; its public key (and nothing else) is written.
    Key,
    /// A CRL signed by an existing CA.
    Crl,
    /// An OCSP response signed by an existing CA.
    OcspResponse,
}

impl Kind {
    /// The name as written after `type:`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Root => "root",
            Kind::Intermediate => "intermediate",
            Kind::CrossSign => "cross-sign",
            Kind::Key => "key",
            Kind::Crl => "crl",
            Kind::OcspResponse => "ocsp-response",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        [
            Kind::Root,
            Kind::Intermediate,
            Kind::CrossSign,
            Kind::Key,
            Kind::Crl,
            Kind::OcspResponse,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// A ceremony file, read and checked for shape.
#[derive(Clone, Debug)]
pub struct CeremonyFile {
    /// The name it was read from, for messages.
    pub name: String,
    /// SHA-256 of its bytes (the transcript records it; the serial is derived from it).
    pub sha256: [u8; 32],
    /// What it makes.
    pub step: Step,
}

/// The step, by `type`.
#[derive(Clone, Debug)]
pub enum Step {
    /// `type: root`.
    Root(RootStep),
    /// `type: intermediate` or `type: cross-sign` (they differ in where the subject key
    /// comes from, which [`SubjectKey`] says).
    Signed(Kind, SignedStep),
    /// `type: key`.
    Key(KeyStep),
    /// `type: crl`.
    Crl(CrlStep),
    /// `type: ocsp-response`.
    OcspResponse(OcspStep),
}

/// `type: root`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootStep {
    /// The new key: its type and where it is kept.
    pub key: NewKey,
    /// The certificate.
    pub certificate: CertificateFields,
    /// Where the certificate is written.
    pub outputs: CertificateOutputs,
    /// Lints the witnesses accepted, each with the reason.
    #[serde(default)]
    pub ignored_lints: Vec<IgnoredLint>,
}

/// `type: intermediate` / `type: cross-sign`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedStep {
    /// The signing CA.
    pub issuer: IssuerSection,
    /// Where the certified public key comes from.
    pub subject_key: SubjectKey,
    /// The certificate.
    pub certificate: CertificateFields,
    /// Where the certificate is written.
    pub outputs: CertificateOutputs,
    /// Lints the witnesses accepted, each with the reason.
    #[serde(default)]
    pub ignored_lints: Vec<IgnoredLint>,
}

/// `type: key`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyStep {
    /// The new key.
    pub key: NewKey,
    /// Where its public key is written.
    pub outputs: KeyOutputs,
}

/// `type: crl`: a CRL signed by an existing CA (docs/ceremony.md "type: crl"), such as a
/// root's first, empty CRL, made at the ceremony because the root key is offline otherwise.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrlStep {
    /// The CA that signs the CRL.
    pub issuer: IssuerSection,
    /// The CRL's content.
    pub crl: CrlFields,
    /// Where the CRL is written.
    pub outputs: CrlOutputs,
    /// Lints the witnesses accepted, each with the reason.
    #[serde(default)]
    pub ignored_lints: Vec<IgnoredLint>,
}

/// The content of a CRL (RFC 5280 §5.1.2). Every field is required and absolute where it
/// can be, so that `plan` and `run` compute the same bytes (docs/ceremony.md "Determinism").
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrlFields {
    /// thisUpdate, absolute (UTC).
    pub this_update: Timestamp,
    /// nextUpdate: absolute, or a Go duration after `this_update`.
    pub next_update: EndTime,
    /// The CRL Number (RFC 5280 §5.2.3): decimal, positive, at most 20 octets. A ceremony
    /// names it, since only the people in the room know which numbers were used before.
    pub number: CrlNumber,
    /// The revoked certificates; `[]` for a CA's first CRL.
    pub revoked: Vec<RevokedEntry>,
}

/// One revoked certificate of a `type: crl` step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokedEntry {
    /// The certificate's serial number in hex, colons allowed, as `openssl x509 -serial` or
    /// `-text` prints it (quote it in YAML: `"3a:9f"`).
    pub serial: HexSerial,
    /// revocationDate, absolute (UTC).
    pub revoked_at: Timestamp,
    /// The reason as `cfssl revoke` names it (`keyCompromise`, `superseded`…; any case);
    /// `unspecified` writes no reasonCode (RFC 5280 §5.3.1).
    pub reason: ReasonName,
}

/// `type: ocsp-response`: an OCSP response signed by the CA itself (docs/ceremony.md
/// "type: ocsp-response"), e.g. a pre-signed response about an intermediate, served while the
/// root key stays offline.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcspStep {
    /// The CA that signs the response (it is also the responder).
    pub issuer: IssuerSection,
    /// The certificate the response is about (PEM); the issuer must have issued it.
    pub certificate: String,
    /// What the response says, and when.
    pub response: OcspFields,
    /// Where the response is written.
    pub outputs: OcspOutputs,
}

/// The content of an OCSP response (RFC 6960 §4.2.1).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcspFields {
    /// `good` or `revoked`.
    pub status: OcspStatusName,
    /// With `revoked`: revocationTime, absolute.
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    /// With `revoked`: the reason, named as for a CRL entry.
    #[serde(default)]
    pub reason: Option<ReasonName>,
    /// thisUpdate (and producedAt), absolute.
    pub this_update: Timestamp,
    /// nextUpdate: absolute, or a Go duration after `this_update`.
    pub next_update: EndTime,
}

/// The statuses a ceremony states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcspStatusName {
    /// Not revoked.
    Good,
    /// Revoked.
    Revoked,
}

/// Output paths of an OCSP step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcspOutputs {
    /// The response, DER (as `openssl ocsp -respin` reads it).
    pub response: String,
}

/// Output paths of a CRL step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrlOutputs {
    /// The CRL (PEM `X509 CRL`).
    pub crl: String,
}

/// A CRL Number: a YAML integer or a string of decimal digits; positive and at most 20
/// octets (RFC 5280 §5.2.3). Holds the big-endian magnitude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlNumber(pub Vec<u8>);

impl<'de> Deserialize<'de> for CrlNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s,
            _ => return Err(de::Error::custom("expected a decimal number")),
        };
        cfssl_signer::crl::RevokedSerial::from_decimal(&text)
            .map(|n| CrlNumber(n.magnitude().to_vec()))
            // BadSerial's own texts speak of certificate serials: say what a CRL number is.
            .map_err(|_| {
                de::Error::custom(format!(
                    "{text:?}: a CRL number is a positive decimal integer of at most 20 \
                     octets (RFC 5280 §5.2.3)"
                ))
            })
    }
}

/// A revocation reason named as `cfssl revoke` names it (docs/cfssl-lifecycle.md §3), by
/// name only: a number would be easy to misread on paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonName(pub cfssl_ocsp::RevocationReason);

impl<'de> Deserialize<'de> for ReasonName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        (0..=10)
            .filter_map(cfssl_ocsp::RevocationReason::from_code)
            .find(|r| r.name().eq_ignore_ascii_case(&text))
            .map(ReasonName)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "unknown revocation reason {text:?} (unspecified, keyCompromise, \
                     cACompromise, affiliationChanged, superseded, cessationOfOperation, \
                     certificateHold, removeFromCRL, privilegeWithdrawn, aACompromise)"
                ))
            })
    }
}

/// A key to generate.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// `ecdsa`, `rsa` or `ed25519`.
    pub algo: Algo,
    /// RSA modulus bits (2048..=8192).
    #[serde(default)]
    pub size: Option<u32>,
    /// ECDSA curve: `P-256`, `P-384` or `P-521`.
    #[serde(default)]
    pub curve: Option<CurveName>,
    /// A key file to write (PKCS#8/SEC1 as cfssl writes, or encrypted PKCS#8 with
    /// `password_file`).
    #[serde(default)]
    pub file: Option<String>,
    /// The file whose first line is the password that encrypts `file`.
    #[serde(default)]
    pub password_file: Option<String>,
    /// An RFC 7512 URI naming the new key in a PKCS#11 token (`object=` is its label).
    #[serde(default)]
    pub pkcs11: Option<String>,
}

/// An existing key (the issuer's).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingKey {
    /// A key file.
    #[serde(default)]
    pub file: Option<String>,
    /// The password file of an encrypted key file.
    #[serde(default)]
    pub password_file: Option<String>,
    /// A `pkcs11:` URI.
    #[serde(default)]
    pub pkcs11: Option<String>,
}

/// The signing CA of an intermediate or cross-sign step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSection {
    /// The issuer's certificate (PEM).
    pub certificate: String,
    /// The issuer's key.
    pub key: ExistingKey,
}

/// Where the certified public key of an intermediate or cross-sign comes from: exactly one.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectKey {
    /// A PKCS#10 CSR (its signature is verified; only its key is used).
    #[serde(default)]
    pub csr: Option<String>,
    /// A PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as a `type: key` step writes.
    #[serde(default)]
    pub public_key: Option<String>,
    /// A certificate whose key is certified again (for `cross-sign`: also its subject).
    #[serde(default)]
    pub certificate: Option<String>,
}

/// Output paths of a certificate step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateOutputs {
    /// The certificate (PEM).
    pub certificate: String,
}

/// Output paths of a key step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyOutputs {
    /// The public key (PEM `PUBLIC KEY`).
    pub public_key: String,
}

/// A lint the witnesses decided to accept.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoredLint {
    /// The lint's name (`w_…`, `e_…`).
    pub name: String,
    /// Why it is accepted: required, so the record says.
    pub reason: String,
}

/// The certificate's content.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFields {
    /// The subject (for `cross-sign`, omit it to keep the existing certificate's).
    #[serde(default)]
    pub subject: Option<Subject>,
    /// The serial number in hex (colons allowed); else derived from the file.
    #[serde(default)]
    pub serial: Option<HexSerial>,
    /// notBefore, absolute (UTC).
    pub not_before: Timestamp,
    /// notAfter: absolute, or a Go duration after `not_before`.
    pub not_after: EndTime,
    /// basicConstraints pathLenConstraint; omitted = no limit.
    #[serde(default)]
    pub path_length: Option<u32>,
    /// cfssl usage names that are key usages (`cert sign`, `crl sign`, `signing`…).
    pub key_usage: Vec<KeyUsageName>,
    /// cfssl usage names that are extended key usages (`server auth`, `ocsp signing`…).
    #[serde(default)]
    pub ext_key_usage: Vec<ExtKeyUsageName>,
    /// certificatePolicies.
    #[serde(default)]
    pub policies: Vec<Policy>,
    /// AIA OCSP URLs.
    #[serde(default)]
    pub ocsp_urls: Vec<String>,
    /// AIA caIssuers URLs.
    #[serde(default)]
    pub issuer_urls: Vec<String>,
    /// cRLDistributionPoints URL.
    #[serde(default)]
    pub crl_url: Option<String>,
    /// nameConstraints, in the signing profile's JSON shape.
    #[serde(default)]
    pub name_constraints: Option<serde_json::Value>,
    /// The signature algorithm, when the file wants to state it: it must be the one the
    /// issuer's key uses; SHA-1 and MD5 are refused.
    #[serde(default)]
    pub signature_algorithm: Option<String>,
}

/// A subject, as cfssl's CSR JSON writes it: `CN` and a list of `names`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// commonName.
    #[serde(rename = "CN")]
    pub cn: String,
    /// The other attributes, in order.
    #[serde(default)]
    pub names: Vec<SubjectNames>,
}

/// One entry of `subject.names`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectNames {
    /// countryName.
    #[serde(rename = "C", default)]
    pub c: String,
    /// stateOrProvinceName.
    #[serde(rename = "ST", default)]
    pub st: String,
    /// localityName.
    #[serde(rename = "L", default)]
    pub l: String,
    /// organizationName.
    #[serde(rename = "O", default)]
    pub o: String,
    /// organizationalUnitName.
    #[serde(rename = "OU", default)]
    pub ou: String,
}

/// One certificate policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The policy OID, dotted.
    pub id: PolicyOid,
    /// CPS URIs.
    #[serde(default)]
    pub cps: Vec<String>,
    /// User notice texts.
    #[serde(default)]
    pub user_notice: Vec<String>,
}

/// `ecdsa`, `rsa`, `ed25519`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// ECDSA.
    Ecdsa,
    /// RSA.
    Rsa,
    /// Ed25519.
    Ed25519,
}

/// `P-256`, `P-384`, `P-521`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum CurveName {
    /// NIST P-256.
    #[serde(rename = "P-256")]
    P256,
    /// NIST P-384.
    #[serde(rename = "P-384")]
    P384,
    /// NIST P-521.
    #[serde(rename = "P-521")]
    P521,
}

/// A key usage named as cfssl names it (crates/config usage.rs), checked while reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUsageName(pub String, pub cfssl_config::KeyUsageBits);

impl<'de> Deserialize<'de> for KeyUsageName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match cfssl_config::Usage::from_name(&name) {
            Some(cfssl_config::Usage::Key(bits)) => Ok(KeyUsageName(name, bits)),
            Some(cfssl_config::Usage::Extended(_)) => Err(de::Error::custom(format!(
                "{name:?} is an extended key usage: list it under ext_key_usage"
            ))),
            None => Err(de::Error::custom(format!("unknown key usage {name:?}"))),
        }
    }
}

/// An extended key usage named as cfssl names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtKeyUsageName(pub String, pub const_oid::ObjectIdentifier);

impl<'de> Deserialize<'de> for ExtKeyUsageName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match cfssl_config::Usage::from_name(&name) {
            Some(cfssl_config::Usage::Extended(oid)) => Ok(ExtKeyUsageName(name, oid)),
            Some(cfssl_config::Usage::Key(_)) => Err(de::Error::custom(format!(
                "{name:?} is a key usage: list it under key_usage"
            ))),
            None => Err(de::Error::custom(format!(
                "unknown extended key usage {name:?}"
            ))),
        }
    }
}

/// A dotted policy OID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyOid(pub const_oid::ObjectIdentifier);

impl<'de> Deserialize<'de> for PolicyOid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map(PolicyOid)
            .map_err(|_| de::Error::custom(format!("{text:?} is not a dotted OID")))
    }
}

/// A serial number given in hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexSerial(pub Vec<u8>);

impl<'de> Deserialize<'de> for HexSerial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_hex_serial(&text)
            .map(HexSerial)
            .map_err(de::Error::custom)
    }
}

/// RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets.
fn parse_hex_serial(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.chars().filter(|c| *c != ':').collect();
    let digits = digits.strip_prefix("0x").unwrap_or(&digits);
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return Err(format!(
            "serial {text:?}: give an even number of hex digits (e.g. 01:ab or 01ab)"
        ));
    }
    let mut bytes = Vec::with_capacity(digits.len() / 2);
    let raw = digits.as_bytes();
    for pair in raw.chunks(2) {
        let pair = std::str::from_utf8(pair).map_err(|_| format!("serial {text:?}: not hex"))?;
        bytes.push(u8::from_str_radix(pair, 16).map_err(|_| format!("serial {text:?}: not hex"))?);
    }
    let magnitude: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if magnitude.is_empty() {
        return Err("serial 0: RFC 5280 §4.1.2.2 requires a positive serial number".into());
    }
    // A DER INTEGER with the top bit set needs a leading zero octet: 20 octets at most in all.
    let encoded = magnitude.len() + usize::from(magnitude.first().is_some_and(|b| b & 0x80 != 0));
    if encoded > 20 {
        return Err(format!(
            "serial {text:?}: RFC 5280 §4.1.2.2 allows at most 20 octets"
        ));
    }
    Ok(magnitude)
}

/// An absolute UTC time: `2026-12-01 00:00:00` (UTC) or RFC 3339 (`2026-12-01T00:00:00Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(pub OffsetDateTime);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_time(&text).map(Timestamp).map_err(de::Error::custom)
    }
}

/// `not_after` (and a CRL's or OCSP response's `next_update`): a time, or a duration after
/// `not_before` (`this_update`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndTime {
    /// An absolute time.
    At(OffsetDateTime),
    /// A Go duration after notBefore.
    After(cfssl_config::GoDuration),
}

impl<'de> Deserialize<'de> for EndTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.contains('-') && !text.starts_with('-') {
            return parse_time(&text)
                .map(EndTime::At)
                .map_err(de::Error::custom);
        }
        match text.parse::<cfssl_config::GoDuration>() {
            Ok(d) if d.nanos() > 0 => Ok(EndTime::After(d)),
            Ok(_) => Err(de::Error::custom(format!(
                "{text:?}: the duration after not_before (this_update for a CRL or OCSP \
                 response) must be positive"
            ))),
            Err(e) => Err(de::Error::custom(format!(
                "{text:?} is neither a time (2036-12-01 00:00:00) nor a Go duration (87600h): {e}"
            ))),
        }
    }
}

const SPACE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// `YYYY-MM-DD HH:MM:SS` (UTC) or RFC 3339. Sub-second precision is refused: X.509
/// times have whole seconds, and a silently truncated time would not be what was reviewed.
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    let parsed = time::PrimitiveDateTime::parse(text, SPACE_FORMAT)
        .map(|t| t.assume_utc())
        .or_else(|_| OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339))
        .map_err(|_| {
            format!("{text:?} is not a time: write 2026-12-01 00:00:00 (UTC) or RFC 3339")
        })?;
    if parsed.nanosecond() != 0 {
        return Err(format!(
            "{text:?}: certificate times have whole seconds; remove the fraction"
        ));
    }
    Ok(parsed.to_offset(time::UtcOffset::UTC))
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads a ceremony file's bytes (YAML, or JSON, which is YAML too).
pub fn read(name: &str, bytes: &[u8]) -> Result<CeremonyFile, CeremonyError> {
    let bad = |message: String| CeremonyError::File {
        file: name.to_owned(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
    let mut value = cfssl_yaml::from_yaml(text).map_err(|e| bad(e.to_string()))?;
    let serde_json::Value::Object(map) = &mut value else {
        return Err(bad(
            "expected a mapping with `type:` and the step's sections".into(),
        ));
    };
    let kind = match map.remove("type") {
        Some(serde_json::Value::String(t)) => Kind::from_name(&t).ok_or_else(|| {
            bad(format!(
                "type: unknown step {t:?} (root, intermediate, cross-sign, key, crl, ocsp-response)"
            ))
        })?,
        Some(_) => return Err(bad("type: expected a string".into())),
        None => {
            return Err(bad(
                "type: missing (root, intermediate, cross-sign, key, crl, ocsp-response)".into(),
            ));
        }
    };
    let step = match kind {
        Kind::Root => Step::Root(typed(value, name)?),
        Kind::Intermediate | Kind::CrossSign => Step::Signed(kind, typed(value, name)?),
        Kind::Key => Step::Key(typed(value, name)?),
        Kind::Crl => Step::Crl(typed(value, name)?),
        Kind::OcspResponse => Step::OcspResponse(typed(value, name)?),
    };
    Ok(CeremonyFile {
        name: name.to_owned(),
        sha256: Sha256::digest(bytes).into(),
        step,
    })
}

fn typed<T: for<'de> Deserialize<'de>>(
    value: serde_json::Value,
    name: &str,
) -> Result<T, CeremonyError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        CeremonyError::File {
            file: name.to_owned(),
            message: if path == "." {
                inner
            } else {
                format!("{path}: {inner}")
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        read("c.yaml", text.as_bytes()).unwrap_err().to_string()
    }

    const ROOT: &str = "type: root\nkey: {algo: ecdsa, curve: P-384, file: k.pem}\n\
        certificate:\n  subject: {CN: Root}\n  not_before: 2026-12-01 00:00:00\n  not_after: 87600h\n  \
        key_usage: [cert sign, crl sign]\noutputs: {certificate: root.pem}\n";

    #[test]
    fn reads_a_root() {
        let file = read("c.yaml", ROOT.as_bytes()).unwrap();
        let Step::Root(root) = file.step else {
            panic!()
        };
        assert_eq!(root.key.curve, Some(CurveName::P384));
        assert_eq!(root.certificate.key_usage.len(), 2);
    }

    #[test]
    fn errors_name_the_path() {
        let bad = ROOT.replace("crl sign", "cert sgin");
        assert_eq!(
            err(&bad),
            "c.yaml: certificate.key_usage[1]: unknown key usage \"cert sgin\""
        );
        let bad = ROOT.replace("not_after:", "not_afterr:");
        assert!(
            err(&bad).starts_with("c.yaml: certificate.not_afterr: unknown field `not_afterr`"),
            "{}",
            err(&bad)
        );
        let bad = ROOT.replace("2026-12-01 00:00:00", "tomorrow");
        assert!(err(&bad).contains("certificate.not_before: \"tomorrow\" is not a time"));
        assert!(err("type: rooot\n").contains("unknown step"));
    }

    #[test]
    fn serials() {
        assert_eq!(parse_hex_serial("01:ab").unwrap(), vec![1, 0xab]);
        assert!(parse_hex_serial("00").is_err());
        assert!(parse_hex_serial(&"ff".repeat(20)).is_err());
        assert_eq!(parse_hex_serial(&"7f".repeat(20)).unwrap().len(), 20);
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("2026-12-01 00:00:00").unwrap(),
            parse_time("2026-12-01T01:00:00+01:00").unwrap()
        );
        assert!(parse_time("2026-12-01 00:00:00.5").is_err());
    }

    #[test]
    fn every_example_of_the_docs_reads() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/ceremony.md"
        ))
        .unwrap();
        let examples: Vec<&str> = doc
            .split("```yaml\n")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .collect();
        assert_eq!(examples.len(), 6);
        for example in examples {
            read("example.yaml", example.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{example}"));
        }
    }
}
