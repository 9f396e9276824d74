//! Certificate lints: a decoded view of a `TBSCertificate` (RFC 5280 §4.1) and one check
//! function per lint. A check that needs an extension which fails to decode passes:
//! `e_cert_ext_invalid_der` reports the undecodable extension once.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oid;
use der::asn1::Any;
use der::{Decode, Encode, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::constraints::BasicConstraints;
use x509_cert::ext::pkix::crl::CrlDistributionPoints;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, ExtendedKeyUsage, KeyUsage, NameConstraints,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::time::Time;

use crate::LintError;
use crate::Severity;
use crate::der_util::{
    bit_len, encoded_integer_content, is_absolute_uri, is_http_or_ldap, is_negative, is_zero,
};
use crate::registry::Verdict::{self, At, Fail, Pass};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const DSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.3");
const DSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.2");
const ECDSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

/// 825 days (BRs 6.3.2), in seconds.
const DAYS_825: u64 = 825 * 86_400;

/// A to-be-signed certificate, decoded once for every lint.
pub(crate) struct Cert {
    tbs: TbsCertificate,
    /// The serial number INTEGER's content octets (two's complement).
    serial: Vec<u8>,
    issuer_der: Vec<u8>,
    subject_der: Vec<u8>,
}

/// What a signed certificate adds to its TBS: the outer signature algorithm.
pub(crate) struct Outer {
    signature_algorithm: AlgorithmIdentifierOwned,
}

fn decode_error(what: &'static str, e: impl std::fmt::Display) -> LintError {
    LintError::Decode {
        what,
        reason: e.to_string(),
    }
}

impl Cert {
    pub(crate) fn from_tbs_der(der: &[u8]) -> Result<Cert, LintError> {
        let tbs = TbsCertificate::from_der(der).map_err(|e| decode_error("TBSCertificate", e))?;
        Cert::new(tbs, "TBSCertificate")
    }

    pub(crate) fn from_certificate_der(der: &[u8]) -> Result<(Cert, Outer), LintError> {
        let cert = Certificate::from_der(der).map_err(|e| decode_error("certificate", e))?;
        let outer = Outer {
            signature_algorithm: cert.signature_algorithm().clone(),
        };
        Ok((
            Cert::new(cert.tbs_certificate().clone(), "certificate")?,
            outer,
        ))
    }

    fn new(tbs: TbsCertificate, what: &'static str) -> Result<Cert, LintError> {
        let serial = encoded_integer_content(tbs.serial_number())
            .ok_or_else(|| decode_error(what, "serial number does not re-encode"))?;
        let issuer_der = tbs.issuer().to_der().map_err(|e| decode_error(what, e))?;
        let subject_der = tbs.subject().to_der().map_err(|e| decode_error(what, e))?;
        Ok(Cert {
            tbs,
            serial,
            issuer_der,
            subject_der,
        })
    }

    fn extensions(&self) -> &[Extension] {
        self.tbs.extensions().map(Vec::as_slice).unwrap_or_default()
    }

    fn ext(&self, id: ObjectIdentifier) -> Option<&Extension> {
        self.extensions().iter().find(|e| e.extn_id == id)
    }

    /// The extension's value decoded as `T`; `None` when absent or undecodable.
    fn decoded<T: for<'a> Decode<'a>>(&self, id: ObjectIdentifier) -> Option<(bool, T)> {
        let ext = self.ext(id)?;
        let value = T::from_der(ext.extn_value.as_bytes()).ok()?;
        Some((ext.critical, value))
    }

    fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.decoded(oid::ID_CE_BASIC_CONSTRAINTS).map(|(_, v)| v)
    }

    /// zlint's `IsCA`: basicConstraints with cA asserted.
    fn is_ca(&self) -> bool {
        self.basic_constraints().is_some_and(|bc| bc.ca)
    }

    fn key_usage(&self) -> Option<KeyUsage> {
        self.decoded(oid::ID_CE_KEY_USAGE).map(|(_, v)| v)
    }

    fn subject_empty(&self) -> bool {
        self.tbs.subject().is_empty()
    }

    /// Issued by itself (issuer DN = subject DN, RFC 5280 §3.3 "self-issued"). A TBS has no
    /// signature to verify, so this stands for zlint's "self-signed".
    fn self_issued(&self) -> bool {
        self.issuer_der == self.subject_der
    }

    /// zlint's `IsSubscriberCert`: neither a CA nor self-signed.
    fn is_subscriber(&self) -> bool {
        !self.is_ca() && !self.self_issued()
    }

    fn sans(&self) -> Option<(bool, Vec<GeneralName>)> {
        self.decoded::<SubjectAltName>(oid::ID_CE_SUBJECT_ALT_NAME)
            .map(|(c, v)| (c, v.0))
    }

    fn dns_names(&self) -> Vec<String> {
        let Some((_, names)) = self.sans() else {
            return Vec::new();
        };
        names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DnsName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect()
    }

    fn spki_algorithm(&self) -> ObjectIdentifier {
        self.tbs.subject_public_key_info().algorithm.oid
    }

    /// (modulus, exponent) content octets of an RSA key (RFC 8017 A.1.1), if it is one and
    /// decodes.
    fn rsa_key(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let spki = self.tbs.subject_public_key_info();
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return None;
        }
        let key = spki.subject_public_key.as_bytes()?;
        let parts = Vec::<Any>::from_der(key).ok()?;
        let [modulus, exponent] = parts.as_slice() else {
            return None;
        };
        if modulus.tag() != der::Tag::Integer || exponent.tag() != der::Tag::Integer {
            return None;
        }
        Some((modulus.value().to_vec(), exponent.value().to_vec()))
    }
}

/// `id-Ed25519 (1.3.101.112)`: an OID with its registered name, when const-oid knows it.
fn oid_label(oid: ObjectIdentifier) -> String {
    match const_oid::db::DB.by_oid(&oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

fn names(list: &[String]) -> String {
    list.join(", ")
}

// --- TBSCertificate fields ---

pub(crate) fn version_not_3(c: &Cert) -> Verdict {
    match c.tbs.version() {
        Version::V3 => Pass,
        v => Fail(format!("the certificate is {v:?}, not v3")),
    }
}

pub(crate) fn extensions_version_not_3(c: &Cert) -> Verdict {
    if c.tbs.extensions().is_some() && c.tbs.version() != Version::V3 {
        return Fail(format!(
            "a {:?} certificate carries extensions",
            c.tbs.version()
        ));
    }
    Pass
}

pub(crate) fn serial_not_positive(c: &Cert) -> Verdict {
    if is_negative(&c.serial) {
        Fail("the serial number is negative".into())
    } else if is_zero(&c.serial) {
        Fail("the serial number is zero".into())
    } else {
        Pass
    }
}

pub(crate) fn serial_too_long(c: &Cert) -> Verdict {
    if c.serial.len() > 20 {
        return Fail(format!(
            "the serial number is {} octets long",
            c.serial.len()
        ));
    }
    Pass
}

pub(crate) fn issuer_empty(c: &Cert) -> Verdict {
    if c.tbs.issuer().is_empty() {
        return Fail("the issuer name is empty".into());
    }
    Pass
}

pub(crate) fn validity_not_positive(c: &Cert) -> Verdict {
    let v = c.tbs.validity();
    if v.not_before.to_unix_duration() > v.not_after.to_unix_duration() {
        return Fail(format!(
            "notBefore {} is after notAfter {}",
            v.not_before, v.not_after
        ));
    }
    Pass
}

pub(crate) fn generalized_time_pre2050(c: &Cert) -> Verdict {
    let v = c.tbs.validity();
    let bad: Vec<String> = [("notBefore", v.not_before), ("notAfter", v.not_after)]
        .into_iter()
        .filter_map(|(field, t)| match t {
            Time::GeneralTime(g) if g.to_date_time().year() < 2050 => {
                Some(format!("{field} {t} is a GeneralizedTime before 2050"))
            }
            _ => None,
        })
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(bad.join("; "))
    }
}

pub(crate) fn ca_subject_empty(c: &Cert) -> Verdict {
    if c.is_ca() && c.subject_empty() {
        return Fail("the CA certificate's subject is empty".into());
    }
    Pass
}

pub(crate) fn subject_empty_without_san(c: &Cert) -> Verdict {
    if c.subject_empty() && c.ext(oid::ID_CE_SUBJECT_ALT_NAME).is_none() {
        return Fail("the subject is empty and there is no subjectAltName".into());
    }
    Pass
}

// --- subject public key ---

pub(crate) fn rsa_mod_less_than_2048(c: &Cert) -> Verdict {
    match c.rsa_key() {
        Some((n, _)) if bit_len(&n) < 2048 => {
            Fail(format!("the RSA modulus is {} bits", bit_len(&n)))
        }
        _ => Pass,
    }
}

pub(crate) fn rsa_exponent_not_odd(c: &Cert) -> Verdict {
    match c.rsa_key() {
        Some((_, e)) if e.last().is_none_or(|b| b & 1 == 0) => {
            Fail("the RSA public exponent is even".into())
        }
        _ => Pass,
    }
}

pub(crate) fn rsa_exponent_too_small(c: &Cert) -> Verdict {
    match c.rsa_key() {
        Some((_, e)) if is_negative(&e) || bit_len(&e) < 2 => {
            Fail("the RSA public exponent is less than 3".into())
        }
        _ => Pass,
    }
}

pub(crate) fn ec_improper_curve(c: &Cert) -> Verdict {
    let spki = c.tbs.subject_public_key_info();
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
        return Pass;
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    match curve {
        Some(curve) if [SECP256R1, SECP384R1, SECP521R1].contains(&curve) => Pass,
        Some(curve) => Fail(format!("the EC key is on curve {}", oid_label(curve))),
        None => Fail("the EC key does not name a curve".into()),
    }
}

// --- signature algorithm ---

pub(crate) fn signature_algorithm_not_supported(c: &Cert) -> Verdict {
    let alg = c.tbs.signature().oid;
    let allowed = [
        SHA256_WITH_RSA,
        SHA384_WITH_RSA,
        SHA512_WITH_RSA,
        DSA_WITH_SHA256,
        ECDSA_WITH_SHA256,
        ECDSA_WITH_SHA384,
        ECDSA_WITH_SHA512,
        // zlint lets SHA-1 pass here; e_sub_cert_or_sub_ca_using_sha1 reports it.
        SHA1_WITH_RSA,
        DSA_WITH_SHA1,
        ECDSA_WITH_SHA1,
    ];
    if allowed.contains(&alg) {
        Pass
    } else if alg == RSASSA_PSS {
        At(
            Severity::Warn,
            "RSASSA-PSS signatures are not broadly supported".into(),
        )
    } else {
        Fail(format!(
            "signature algorithm {} is not one the Baseline Requirements allow",
            oid_label(alg)
        ))
    }
}

pub(crate) fn using_sha1(c: &Cert) -> Verdict {
    let alg = c.tbs.signature().oid;
    if [SHA1_WITH_RSA, DSA_WITH_SHA1, ECDSA_WITH_SHA1].contains(&alg) {
        return Fail(format!("signature algorithm {} uses SHA-1", oid_label(alg)));
    }
    Pass
}

// --- extensions in general ---

pub(crate) fn duplicate_extension(c: &Cert) -> Verdict {
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    let mut dup: Vec<String> = Vec::new();
    for e in c.extensions() {
        if seen.contains(&e.extn_id) {
            dup.push(oid_label(e.extn_id));
        } else {
            seen.push(e.extn_id);
        }
    }
    if dup.is_empty() {
        Pass
    } else {
        Fail(format!("duplicated extension(s): {}", names(&dup)))
    }
}

pub(crate) fn ext_invalid_der(c: &Cert) -> Verdict {
    fn decodes<T: for<'a> Decode<'a>>(bytes: &[u8]) -> bool {
        T::from_der(bytes).is_ok()
    }
    let bad: Vec<String> = c
        .extensions()
        .iter()
        .filter(|e| {
            let v = e.extn_value.as_bytes();
            match e.extn_id {
                oid::ID_CE_BASIC_CONSTRAINTS => !decodes::<BasicConstraints>(v),
                oid::ID_CE_KEY_USAGE => !decodes::<KeyUsage>(v),
                oid::ID_CE_EXT_KEY_USAGE => !decodes::<ExtendedKeyUsage>(v),
                oid::ID_CE_SUBJECT_ALT_NAME => !decodes::<SubjectAltName>(v),
                oid::ID_CE_SUBJECT_KEY_IDENTIFIER => !decodes::<SubjectKeyIdentifier>(v),
                oid::ID_CE_AUTHORITY_KEY_IDENTIFIER => !decodes::<AuthorityKeyIdentifier>(v),
                oid::ID_CE_NAME_CONSTRAINTS => !decodes::<NameConstraints>(v),
                oid::ID_CE_CRL_DISTRIBUTION_POINTS => !decodes::<CrlDistributionPoints>(v),
                oid::ID_PE_AUTHORITY_INFO_ACCESS => !decodes::<AuthorityInfoAccessSyntax>(v),
                _ => false,
            }
        })
        .map(|e| oid_label(e.extn_id))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("extension(s) that do not decode: {}", names(&bad)))
    }
}

// --- basicConstraints, keyUsage ---

pub(crate) fn basic_constraints_not_critical(c: &Cert) -> Verdict {
    match c.decoded::<BasicConstraints>(oid::ID_CE_BASIC_CONSTRAINTS) {
        Some((false, bc)) if bc.ca => Fail("basicConstraints is not critical".into()),
        _ => Pass,
    }
}

pub(crate) fn cert_sign_without_ca(c: &Cert) -> Verdict {
    if c.key_usage().is_some_and(|ku| ku.key_cert_sign()) && !c.is_ca() {
        return Fail("keyCertSign is set but basicConstraints does not assert cA".into());
    }
    Pass
}

pub(crate) fn path_len_improperly_included(c: &Cert) -> Verdict {
    let Some(bc) = c.basic_constraints() else {
        return Pass;
    };
    let cert_sign = c.key_usage().is_some_and(|ku| ku.key_cert_sign());
    if bc.path_len_constraint.is_some() && !(bc.ca && cert_sign) {
        return Fail("pathLenConstraint is present without cA and keyCertSign".into());
    }
    Pass
}

pub(crate) fn ca_key_usage_missing(c: &Cert) -> Verdict {
    if c.is_ca() && c.ext(oid::ID_CE_KEY_USAGE).is_none() {
        return Fail("the CA certificate has no keyUsage".into());
    }
    Pass
}

pub(crate) fn ca_key_cert_sign_not_set(c: &Cert) -> Verdict {
    match c.key_usage() {
        Some(ku) if c.is_ca() && !ku.key_cert_sign() => {
            Fail("the CA certificate's keyUsage lacks keyCertSign".into())
        }
        _ => Pass,
    }
}

pub(crate) fn ca_key_usage_not_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_KEY_USAGE) {
        Some(e) if c.is_ca() && !e.critical => {
            Fail("the CA certificate's keyUsage is not critical".into())
        }
        _ => Pass,
    }
}

pub(crate) fn key_usage_not_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_KEY_USAGE) {
        Some(e) if !e.critical => Fail("keyUsage is not critical".into()),
        _ => Pass,
    }
}

pub(crate) fn key_usage_without_bits(c: &Cert) -> Verdict {
    match c.key_usage() {
        Some(ku) if ku.0.is_empty() => Fail("keyUsage has no bit set".into()),
        _ => Pass,
    }
}

pub(crate) fn ecdsa_encipherment(c: &Cert) -> Verdict {
    if c.spki_algorithm() != ID_EC_PUBLIC_KEY {
        return Pass;
    }
    let Some(ku) = c.key_usage() else {
        return Pass;
    };
    let mut bad = Vec::new();
    if ku.data_encipherment() {
        bad.push("dataEncipherment".to_string());
    }
    if ku.key_encipherment() {
        bad.push("keyEncipherment".to_string());
    }
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("an ECDSA key with {}", names(&bad)))
    }
}

// --- key identifiers ---

pub(crate) fn aki_no_key_identifier(c: &Cert) -> Verdict {
    if c.is_ca() && c.self_issued() {
        return Pass;
    }
    match c.decoded::<AuthorityKeyIdentifier>(oid::ID_CE_AUTHORITY_KEY_IDENTIFIER) {
        Some((_, aki)) if aki.key_identifier.is_some() => Pass,
        Some(_) => Fail("authorityKeyIdentifier has no keyIdentifier".into()),
        None if c.ext(oid::ID_CE_AUTHORITY_KEY_IDENTIFIER).is_some() => Pass,
        None => Fail("there is no authorityKeyIdentifier".into()),
    }
}

pub(crate) fn aki_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_AUTHORITY_KEY_IDENTIFIER) {
        Some(e) if e.critical => Fail("authorityKeyIdentifier is critical".into()),
        _ => Pass,
    }
}

pub(crate) fn ski_missing_ca(c: &Cert) -> Verdict {
    if c.is_ca() && c.ext(oid::ID_CE_SUBJECT_KEY_IDENTIFIER).is_none() {
        return Fail("the CA certificate has no subjectKeyIdentifier".into());
    }
    Pass
}

pub(crate) fn ski_missing_sub_cert(c: &Cert) -> Verdict {
    if !c.is_ca() && c.ext(oid::ID_CE_SUBJECT_KEY_IDENTIFIER).is_none() {
        return Fail("there is no subjectKeyIdentifier".into());
    }
    Pass
}

pub(crate) fn ski_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_SUBJECT_KEY_IDENTIFIER) {
        Some(e) if e.critical => Fail("subjectKeyIdentifier is critical".into()),
        _ => Pass,
    }
}

// --- subjectAltName ---

pub(crate) fn san_not_critical_without_subject(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_SUBJECT_ALT_NAME) {
        Some(e) if c.subject_empty() && !e.critical => {
            Fail("the subject is empty and subjectAltName is not critical".into())
        }
        _ => Pass,
    }
}

pub(crate) fn san_critical_with_subject(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_SUBJECT_ALT_NAME) {
        Some(e) if !c.subject_empty() && e.critical => {
            Fail("subjectAltName is critical although the subject is not empty".into())
        }
        _ => Pass,
    }
}

pub(crate) fn san_no_entries(c: &Cert) -> Verdict {
    match c.sans() {
        Some((_, names)) if names.is_empty() => Fail("subjectAltName has no names".into()),
        _ => Pass,
    }
}

fn general_name_is_empty(n: &GeneralName) -> bool {
    match n {
        GeneralName::Rfc822Name(s) | GeneralName::DnsName(s) => s.is_empty(),
        GeneralName::UniformResourceIdentifier(s) => s.is_empty(),
        GeneralName::IpAddress(ip) => ip.as_bytes().is_empty(),
        GeneralName::DirectoryName(name) => name.is_empty(),
        _ => false,
    }
}

pub(crate) fn san_empty_name(c: &Cert) -> Verdict {
    match c.sans() {
        Some((_, names)) if names.iter().any(general_name_is_empty) => {
            Fail("subjectAltName contains an empty name".into())
        }
        _ => Pass,
    }
}

/// dNSName labels, a wildcard's `*` label included (zlint checks it the same way).
fn labels(name: &str) -> impl Iterator<Item = &str> {
    name.split('.')
}

pub(crate) fn dnsname_empty_label(c: &Cert) -> Verdict {
    if !c.is_subscriber() {
        return Pass;
    }
    let bad: Vec<String> = c
        .dns_names()
        .into_iter()
        .filter(|n| !n.is_empty() && labels(n).any(str::is_empty))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("dNSName(s) with an empty label: {}", names(&bad)))
    }
}

pub(crate) fn dnsname_label_too_long(c: &Cert) -> Verdict {
    if !c.is_subscriber() {
        return Pass;
    }
    let bad: Vec<String> = c
        .dns_names()
        .into_iter()
        .filter(|n| labels(n).any(|l| l.len() > 63))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!(
            "dNSName(s) with a label over 63 characters: {}",
            names(&bad)
        ))
    }
}

pub(crate) fn dnsname_bad_character(c: &Cert) -> Verdict {
    if !c.is_subscriber() {
        return Pass;
    }
    let allowed =
        |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '*' | '.' | '?');
    let bad: Vec<String> = c
        .dns_names()
        .into_iter()
        .filter(|n| !n.chars().all(allowed))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!(
            "dNSName(s) with characters outside [A-Za-z0-9-_*]: {}",
            names(&bad)
        ))
    }
}

pub(crate) fn san_ip_invalid_length(c: &Cert) -> Verdict {
    let Some((_, sans)) = c.sans() else {
        return Pass;
    };
    let bad: Vec<String> = sans
        .iter()
        .filter_map(|n| match n {
            GeneralName::IpAddress(ip) if ![4, 16].contains(&ip.as_bytes().len()) => {
                Some(ip.as_bytes().len().to_string())
            }
            _ => None,
        })
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("iPAddress entries of {} octets", names(&bad)))
    }
}

fn uris(names: &[GeneralName]) -> impl Iterator<Item = String> + '_ {
    names.iter().filter_map(|n| match n {
        GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
        _ => None,
    })
}

pub(crate) fn san_uri_format_invalid(c: &Cert) -> Verdict {
    let Some((_, sans)) = c.sans() else {
        return Pass;
    };
    let bad: Vec<String> = uris(&sans).filter(|u| !is_absolute_uri(u)).collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("URI(s) that are not absolute: {}", names(&bad)))
    }
}

// --- nameConstraints ---

pub(crate) fn name_constraints_not_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_NAME_CONSTRAINTS) {
        Some(e) if !e.critical => Fail("nameConstraints is not critical".into()),
        _ => Pass,
    }
}

pub(crate) fn name_constraints_not_in_ca(c: &Cert) -> Verdict {
    if c.ext(oid::ID_CE_NAME_CONSTRAINTS).is_some() && !c.is_ca() {
        return Fail("nameConstraints in a certificate that is not a CA".into());
    }
    Pass
}

// --- CRL distribution points, AIA ---

fn distribution_points(c: &Cert) -> Option<CrlDistributionPoints> {
    c.decoded(oid::ID_CE_CRL_DISTRIBUTION_POINTS)
        .map(|(_, v)| v)
}

pub(crate) fn cdp_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_CE_CRL_DISTRIBUTION_POINTS) {
        Some(e) if e.critical => Fail("cRLDistributionPoints is critical".into()),
        _ => Pass,
    }
}

pub(crate) fn distribution_point_incomplete(c: &Cert) -> Verdict {
    let Some(points) = distribution_points(c) else {
        return Pass;
    };
    if points
        .0
        .iter()
        .any(|p| p.distribution_point.is_none() && p.crl_issuer.is_none())
    {
        return Fail("a distribution point has neither distributionPoint nor cRLIssuer".into());
    }
    Pass
}

fn distribution_point_uris(points: &CrlDistributionPoints) -> Vec<String> {
    points
        .0
        .iter()
        .filter_map(|p| match &p.distribution_point {
            Some(DistributionPointName::FullName(names)) => Some(uris(names).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

pub(crate) fn distribution_point_missing_uri(c: &Cert) -> Verdict {
    let Some(points) = distribution_points(c) else {
        return Pass;
    };
    for p in &points.0 {
        if let Some(DistributionPointName::FullName(names)) = &p.distribution_point
            && !uris(names).any(|u| is_http_or_ldap(&u))
        {
            return Fail("a distributionPoint names no HTTP or LDAP URI".into());
        }
    }
    Pass
}

pub(crate) fn cdp_uri_format_invalid(c: &Cert) -> Verdict {
    let Some(points) = distribution_points(c) else {
        return Pass;
    };
    let bad: Vec<String> = distribution_point_uris(&points)
        .into_iter()
        .filter(|u| !is_absolute_uri(u))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("URI(s) that are not absolute: {}", names(&bad)))
    }
}

fn aia(c: &Cert) -> Option<AuthorityInfoAccessSyntax> {
    c.decoded(oid::ID_PE_AUTHORITY_INFO_ACCESS).map(|(_, v)| v)
}

pub(crate) fn aia_critical(c: &Cert) -> Verdict {
    match c.ext(oid::ID_PE_AUTHORITY_INFO_ACCESS) {
        Some(e) if e.critical => Fail("authorityInfoAccess is critical".into()),
        _ => Pass,
    }
}

pub(crate) fn aia_access_location_missing(c: &Cert) -> Verdict {
    let Some(aia) = aia(c) else {
        return Pass;
    };
    let ca_issuers: Vec<&GeneralName> = aia
        .0
        .iter()
        .filter(|d| d.access_method == oid::ID_AD_CA_ISSUERS)
        .map(|d| &d.access_location)
        .collect();
    let has_uri = ca_issuers.iter().any(
        |n| matches!(n, GeneralName::UniformResourceIdentifier(u) if is_http_or_ldap(u.as_ref())),
    );
    if !ca_issuers.is_empty() && !has_uri {
        return Fail("caIssuers names no HTTP or LDAP URI".into());
    }
    Pass
}

pub(crate) fn aia_uri_format_invalid(c: &Cert) -> Verdict {
    let Some(aia) = aia(c) else {
        return Pass;
    };
    let locations: Vec<GeneralName> = aia.0.into_iter().map(|d| d.access_location).collect();
    let bad: Vec<String> = uris(&locations).filter(|u| !is_absolute_uri(u)).collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!("URI(s) that are not absolute: {}", names(&bad)))
    }
}

// --- CA/Browser Forum subscriber rules ---

pub(crate) fn sub_cert_longer_than_825_days(c: &Cert) -> Verdict {
    if !c.is_subscriber() {
        return Pass;
    }
    let v = c.tbs.validity();
    let (from, to) = (
        v.not_before.to_unix_duration(),
        v.not_after.to_unix_duration(),
    );
    if to.saturating_sub(from).as_secs() > DAYS_825 {
        return Fail(format!(
            "valid for {} days",
            to.saturating_sub(from).as_secs() / 86_400
        ));
    }
    Pass
}

// --- the signed certificate ---

pub(crate) fn sig_alg_not_match_tbs(c: &Cert, outer: &Outer) -> Verdict {
    if &outer.signature_algorithm != c.tbs.signature() {
        return Fail(format!(
            "signatureAlgorithm {} differs from the TBSCertificate's {}",
            outer.signature_algorithm.oid,
            c.tbs.signature().oid
        ));
    }
    Pass
}
