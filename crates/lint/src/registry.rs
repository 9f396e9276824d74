//! The registry: every lint as one row (name, source, severity, citation, what it applies to,
//! its check), like zlint's `lint.Lint` registrations. The order of the table is the order of
//! the findings.

use crate::cert::{self as c, Cert, Outer};
use crate::crl::{self as r, Crl};
use crate::{Finding, Severity, Source};

/// What a lint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The to-be-signed certificate (runs before signing and on signed certificates).
    Certificate,
    /// The signed certificate's outer structure (runs on signed certificates only).
    SignedCertificate,
    /// A CRL (to-be-signed or signed).
    Crl,
}

impl Target {
    /// A short word for listings.
    pub fn label(self) -> &'static str {
        match self {
            Target::Certificate => "certificate",
            Target::SignedCertificate => "signed certificate",
            Target::Crl => "crl",
        }
    }
}

/// The outcome of one check.
pub(crate) enum Verdict {
    /// Nothing wrong (or nothing to look at).
    Pass,
    /// The rule is broken; the finding gets the lint's own severity.
    Fail(String),
    /// The rule is broken at another severity than the lint's usual one (zlint's lints
    /// that return Warn for a lesser variant, or Fatal when they cannot decode).
    At(Severity, String),
}

/// How a lint checks.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    Tbs(fn(&Cert) -> Verdict),
    Signed(fn(&Cert, &Outer) -> Verdict),
    Crl(fn(&Crl) -> Verdict),
}

/// One lint.
#[derive(Clone, Copy)]
pub struct Lint {
    /// Its name (zlint's where zlint has the check).
    pub name: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// The document it enforces.
    pub source: Source,
    /// Where the rule is written.
    pub citation: &'static str,
    /// What it checks, in one line.
    pub description: &'static str,
    pub(crate) check: Check,
}

impl Lint {
    /// What the lint reads.
    pub fn target(&self) -> Target {
        match self.check {
            Check::Tbs(_) => Target::Certificate,
            Check::Signed(_) => Target::SignedCertificate,
            Check::Crl(_) => Target::Crl,
        }
    }

    fn finding(&self, verdict: Verdict) -> Option<Finding> {
        let (severity, message) = match verdict {
            Verdict::Pass => return None,
            Verdict::Fail(m) => (self.severity, m),
            Verdict::At(s, m) => (s, m),
        };
        Some(Finding {
            lint: self.name,
            severity,
            source: self.source,
            citation: self.citation,
            message,
        })
    }
}

impl std::fmt::Debug for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lint")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every lint, in report order.
pub fn lints() -> &'static [Lint] {
    LINTS
}

pub(crate) fn run_certificate(cert: &Cert, outer: Option<&Outer>) -> Vec<Finding> {
    LINTS
        .iter()
        .filter_map(|l| match (l.check, outer) {
            (Check::Tbs(f), _) => l.finding(f(cert)),
            (Check::Signed(f), Some(o)) => l.finding(f(cert, o)),
            _ => None,
        })
        .collect()
}

pub(crate) fn run_crl(crl: &Crl) -> Vec<Finding> {
    LINTS
        .iter()
        .filter_map(|l| match l.check {
            Check::Crl(f) => l.finding(f(crl)),
            _ => None,
        })
        .collect()
}

use Severity::{Error, Warn};
use Source::{CabfBr, Community, Rfc5280, Rfc8813};

const fn lint(
    name: &'static str,
    severity: Severity,
    source: Source,
    citation: &'static str,
    description: &'static str,
    check: Check,
) -> Lint {
    Lint {
        name,
        severity,
        source,
        citation,
        description,
        check,
    }
}

const fn tbs(f: fn(&Cert) -> Verdict) -> Check {
    Check::Tbs(f)
}

const fn crl(f: fn(&Crl) -> Verdict) -> Check {
    Check::Crl(f)
}

// Names marked "cfssl-rs" are checks zlint does not have (docs/cfssl-compat.md §5.17).
// One row per lint, kept in columns by hand.
#[rustfmt::skip]
static LINTS: &[Lint] = &[
    // --- TBSCertificate fields (RFC 5280 §4.1.2) ---
    lint("e_invalid_certificate_version", Error, CabfBr, "BRs: 7.1.1",
        "Certificates MUST be of type X.509 v3", tbs(c::version_not_3)),
    lint("e_cert_extensions_version_not_3", Error, Rfc5280, "RFC 5280 §4.1.2.9",
        "The extensions field MUST only appear in version 3 certificates", tbs(c::extensions_version_not_3)),
    lint("e_serial_number_not_positive", Error, Rfc5280, "RFC 5280 §4.1.2.2",
        "Certificates must have a positive serial number", tbs(c::serial_not_positive)),
    lint("e_serial_number_longer_than_20_octets", Error, Rfc5280, "RFC 5280 §4.1.2.2",
        "Certificates must not have a DER encoded serial number longer than 20 octets", tbs(c::serial_too_long)),
    lint("e_issuer_field_empty", Error, Rfc5280, "RFC 5280 §4.1.2.4",
        "The issuer field MUST contain a non-empty distinguished name", tbs(c::issuer_empty)),
    lint("e_validity_time_not_positive", Error, Community, "AWSLabs certlint",
        "notBefore MUST NOT be after notAfter", tbs(c::validity_not_positive)),
    lint("e_wrong_time_format_pre2050", Error, Rfc5280, "RFC 5280 §4.1.2.5",
        "Validity dates through the year 2049 MUST be encoded as UTCTime", tbs(c::generalized_time_pre2050)),
    lint("e_ca_subject_field_empty", Error, Rfc5280, "RFC 5280 §4.1.2.6",
        "The subject of a CA certificate MUST be a non-empty distinguished name", tbs(c::ca_subject_empty)),
    lint("e_subject_empty_without_san", Error, Rfc5280, "RFC 5280 §4.2, §4.2.1.6",
        "A certificate with an empty subject MUST carry a subjectAltName", tbs(c::subject_empty_without_san)),
    // --- subject public key (RFC 5280 §4.1.2.7) ---
    lint("e_rsa_mod_less_than_2048_bits", Error, CabfBr, "BRs: 6.1.5",
        "RSA moduli MUST be at least 2048 bits", tbs(c::rsa_mod_less_than_2048)),
    lint("e_rsa_public_exponent_not_odd", Error, CabfBr, "BRs: 6.1.6",
        "The RSA public exponent MUST be odd", tbs(c::rsa_exponent_not_odd)),
    lint("e_rsa_public_exponent_too_small", Error, CabfBr, "BRs: 6.1.6",
        "The RSA public exponent MUST be 3 or more", tbs(c::rsa_exponent_too_small)),
    lint("e_ec_improper_curves", Error, CabfBr, "BRs: 6.1.5",
        "EC keys MUST be on NIST P-256, P-384 or P-521", tbs(c::ec_improper_curve)),
    // --- signature algorithm (RFC 5280 §4.1.2.3) ---
    lint("e_signature_algorithm_not_supported", Error, CabfBr, "BRs: 6.1.5",
        "Signatures MUST use RSA PKCS#1 v1.5, DSA or ECDSA with SHA-1/SHA-256/384/512 (RSASSA-PSS warns)",
        tbs(c::signature_algorithm_not_supported)),
    lint("e_sub_cert_or_sub_ca_using_sha1", Error, CabfBr, "BRs: 7.1.3",
        "Certificates MUST NOT be signed with SHA-1", tbs(c::using_sha1)),
    // --- extensions in general (RFC 5280 §4.2) ---
    lint("e_ext_duplicate_extension", Error, Rfc5280, "RFC 5280 §4.2",
        "A certificate MUST NOT include more than one instance of an extension", tbs(c::duplicate_extension)),
    lint("e_cert_ext_invalid_der", Severity::Fatal, Rfc5280, "RFC 5280 §4.2",
        "Every extension this linter knows MUST decode as its ASN.1 type", tbs(c::ext_invalid_der)),
    // --- basicConstraints, keyUsage (RFC 5280 §4.2.1.9, §4.2.1.3) ---
    lint("e_basic_constraints_not_critical", Error, Rfc5280, "RFC 5280 §4.2.1.9",
        "basicConstraints MUST be critical in a CA certificate", tbs(c::basic_constraints_not_critical)),
    lint("e_ext_key_usage_cert_sign_without_ca", Error, Rfc5280, "RFC 5280 §4.2.1.3, §4.2.1.9",
        "keyCertSign requires basicConstraints with cA asserted", tbs(c::cert_sign_without_ca)),
    lint("e_path_len_constraint_improperly_included", Error, Rfc5280, "RFC 5280 §4.2.1.9",
        "pathLenConstraint only with cA asserted and keyCertSign set", tbs(c::path_len_improperly_included)),
    lint("e_ca_key_usage_missing", Error, CabfBr, "BRs: 7.1.2.1, RFC 5280 §4.2.1.3",
        "A CA certificate MUST carry keyUsage", tbs(c::ca_key_usage_missing)),
    lint("e_ca_key_cert_sign_not_set", Error, CabfBr, "BRs: 7.1.2.10.7",
        "A CA certificate's keyUsage MUST include keyCertSign", tbs(c::ca_key_cert_sign_not_set)),
    lint("e_ca_key_usage_not_critical", Error, CabfBr, "BRs: 7.1.2.1",
        "A CA certificate's keyUsage MUST be critical", tbs(c::ca_key_usage_not_critical)),
    lint("w_ext_key_usage_not_critical", Warn, Rfc5280, "RFC 5280 §4.2.1.3",
        "keyUsage SHOULD be critical", tbs(c::key_usage_not_critical)),
    lint("e_ext_key_usage_without_bits", Error, Rfc5280, "RFC 5280 §4.2.1.3",
        "keyUsage MUST have at least one bit set", tbs(c::key_usage_without_bits)),
    lint("e_ecdsa_allowed_ku", Error, Rfc8813, "RFC 8813 §3",
        "An ECDSA key MUST NOT have keyEncipherment or dataEncipherment", tbs(c::ecdsa_encipherment)),
    // --- key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2) ---
    lint("e_ext_authority_key_identifier_no_key_identifier", Error, Rfc5280, "RFC 5280 §4.2.1.1",
        "authorityKeyIdentifier with keyIdentifier MUST be present except in a self-signed CA certificate",
        tbs(c::aki_no_key_identifier)),
    lint("e_ext_authority_key_identifier_critical", Error, Rfc5280, "RFC 5280 §4.2.1.1",
        "authorityKeyIdentifier MUST be non-critical", tbs(c::aki_critical)),
    lint("e_ext_subject_key_identifier_missing_ca", Error, Rfc5280, "RFC 5280 §4.2, §4.2.1.2",
        "A CA certificate MUST carry subjectKeyIdentifier", tbs(c::ski_missing_ca)),
    lint("w_ext_subject_key_identifier_missing_sub_cert", Warn, Rfc5280, "RFC 5280 §4.2, §4.2.1.2",
        "An end-entity certificate SHOULD carry subjectKeyIdentifier", tbs(c::ski_missing_sub_cert)),
    lint("e_ext_subject_key_identifier_critical", Error, Rfc5280, "RFC 5280 §4.2.1.2",
        "subjectKeyIdentifier MUST be non-critical", tbs(c::ski_critical)),
    // --- subjectAltName (RFC 5280 §4.2.1.6) ---
    lint("e_ext_san_not_critical_without_subject", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "subjectAltName MUST be critical when the subject is empty", tbs(c::san_not_critical_without_subject)),
    lint("w_ext_san_critical_with_subject_dn", Warn, CabfBr, "RFC 5280 §4.2.1.6",
        "subjectAltName SHOULD be non-critical when the subject is not empty", tbs(c::san_critical_with_subject)),
    lint("e_ext_san_no_entries", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "subjectAltName MUST contain at least one name", tbs(c::san_no_entries)),
    lint("e_ext_san_empty_name", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "subjectAltName names MUST NOT be empty", tbs(c::san_empty_name)),
    lint("e_rfc_dnsname_empty_label", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "dNSNames MUST NOT have empty labels", tbs(c::dnsname_empty_label)),
    lint("e_rfc_dnsname_label_too_long", Error, Rfc5280, "RFC 5280 §4.2.1.6, citing RFC 1035",
        "dNSName labels MUST be at most 63 characters", tbs(c::dnsname_label_too_long)),
    lint("e_dnsname_bad_character_in_label", Error, CabfBr, "BRs: 7.1.4.2",
        "dNSName labels MUST hold only letters, digits, '-', '_' and '*'", tbs(c::dnsname_bad_character)),
    lint("e_ext_san_ip_address_invalid_length", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "(cfssl-rs) an iPAddress MUST be 4 (IPv4) or 16 (IPv6) octets", tbs(c::san_ip_invalid_length)),
    lint("e_ext_san_uri_format_invalid", Error, Rfc5280, "RFC 5280 §4.2.1.6",
        "uniformResourceIdentifiers MUST have a scheme and a scheme-specific part", tbs(c::san_uri_format_invalid)),
    // --- nameConstraints (RFC 5280 §4.2.1.10) ---
    lint("e_ext_name_constraints_not_critical", Error, Rfc5280, "RFC 5280 §4.2.1.10",
        "nameConstraints MUST be critical", tbs(c::name_constraints_not_critical)),
    lint("e_ext_name_constraints_not_in_ca", Error, Rfc5280, "RFC 5280 §4.2.1.10",
        "nameConstraints MUST only appear in CA certificates", tbs(c::name_constraints_not_in_ca)),
    // --- CRL distribution points, AIA (RFC 5280 §4.2.1.13, §4.2.2.1) ---
    lint("w_ext_crl_distribution_marked_critical", Warn, Rfc5280, "RFC 5280 §4.2.1.13",
        "cRLDistributionPoints SHOULD be non-critical", tbs(c::cdp_critical)),
    lint("e_distribution_point_incomplete", Error, Rfc5280, "RFC 5280 §4.2.1.13",
        "A distribution point MUST have distributionPoint or cRLIssuer", tbs(c::distribution_point_incomplete)),
    lint("w_distribution_point_missing_ldap_or_uri", Warn, Rfc5280, "RFC 5280 §4.2.1.13",
        "A distributionPoint SHOULD name an HTTP or LDAP URI", tbs(c::distribution_point_missing_uri)),
    lint("e_ext_cdp_uri_format_invalid", Error, Rfc5280, "RFC 5280 §4.2.1.13",
        "(cfssl-rs) distribution point URIs MUST be absolute URIs", tbs(c::cdp_uri_format_invalid)),
    lint("e_ext_aia_marked_critical", Error, Rfc5280, "RFC 5280 §4.2.2.1",
        "authorityInfoAccess MUST be non-critical", tbs(c::aia_critical)),
    lint("w_ext_aia_access_location_missing", Warn, Rfc5280, "RFC 5280 §4.2.2.1",
        "caIssuers SHOULD name an HTTP or LDAP URI", tbs(c::aia_access_location_missing)),
    lint("e_ext_aia_uri_format_invalid", Error, Rfc5280, "RFC 5280 §4.2.2.1",
        "(cfssl-rs) authorityInfoAccess URIs MUST be absolute URIs", tbs(c::aia_uri_format_invalid)),
    // --- CA/Browser Forum subscriber rules ---
    lint("e_sub_cert_valid_time_longer_than_825_days", Error, CabfBr, "BRs: 6.3.2",
        "Subscriber certificates MUST NOT be valid for more than 825 days", tbs(c::sub_cert_longer_than_825_days)),
    // --- the signed certificate ---
    lint("e_cert_sig_alg_not_match_tbs_sig_alg", Error, Rfc5280, "RFC 5280 §4.1.1.2",
        "signatureAlgorithm MUST match the TBSCertificate's signature field",
        Check::Signed(c::sig_alg_not_match_tbs)),
    // --- CRLs (RFC 5280 §5) ---
    lint("e_crl_version_not_2", Error, Rfc5280, "RFC 5280 §5.1.2.1",
        "(cfssl-rs) a CRL with extensions MUST be version 2", crl(r::version_not_2)),
    lint("e_crl_issuer_field_empty", Error, Rfc5280, "RFC 5280 §5.1.2.3",
        "(cfssl-rs) the CRL issuer MUST be a non-empty distinguished name", crl(r::issuer_empty)),
    lint("e_crl_has_next_update", Error, Rfc5280, "RFC 5280 §5.1.2.5",
        "Conforming CRL issuers MUST include nextUpdate", crl(r::has_next_update)),
    lint("e_crl_next_update_before_this_update", Error, Rfc5280, "RFC 5280 §5.1.2.4, §5.1.2.5",
        "(cfssl-rs) nextUpdate MUST be after thisUpdate", crl(r::next_update_before_this_update)),
    lint("e_crl_missing_crl_number", Error, Rfc5280, "RFC 5280 §5.2.3",
        "CRLs MUST carry a CRL number", crl(r::missing_crl_number)),
    lint("e_crl_number_out_of_range", Error, CabfBr, "BRs: 7.2.2, RFC 5280 §5.2.3",
        "The CRL number MUST be non-negative and at most 20 octets", crl(r::crl_number_out_of_range)),
    lint("e_crl_extensions_validity", Error, CabfBr, "BRs: 7.2.2",
        "CRL number and authorityKeyIdentifier MUST be non-critical, issuingDistributionPoint critical",
        crl(r::extensions_criticality)),
    lint("e_crl_no_duplicate_extensions", Error, Community, "RFC 5280 §5.2",
        "A CRL MUST NOT include an extension twice", crl(r::duplicate_extensions)),
    lint("e_crl_has_authority_key_identifier", Error, Rfc5280, "RFC 5280 §5.2.1",
        "CRLs MUST carry authorityKeyIdentifier", crl(r::has_authority_key_identifier)),
    lint("e_crl_unique_revoked_certificate", Warn, Community, "RFC 5280 §5.1.2.6",
        "A CRL MUST NOT list a serial number twice", crl(r::unique_revoked_certificate)),
    lint("e_crl_revoked_serial_not_positive", Error, Rfc5280, "RFC 5280 §5.1.2.6, §4.1.2.2",
        "(cfssl-rs) revoked serial numbers MUST be positive", crl(r::revoked_serial_not_positive)),
    lint("e_crl_has_valid_reason_code", Error, Rfc5280, "RFC 5280 §5.3.1",
        "Reason codes MUST be ones RFC 5280 defines; unspecified (0) SHOULD be absent instead",
        crl(r::valid_reason_code)),
    lint("e_crl_revocation_time_after_this_update", Error, Rfc5280, "RFC 5280 §5.1.2.4, §5.1.2.6",
        "Revocation dates MUST NOT be after thisUpdate", crl(r::revocation_time_after_this_update)),
];
