//! Every lint against one input that trips it and one that does not.
//!
//! The inputs are DER built here field by field (a tiny encoder below), so that each test
//! breaks exactly one rule of a clean baseline: a leaf and a CA that trip no lint at all
//! (`baselines_are_clean`), and for each lint a variant that trips it. A test over the
//! registry checks that no lint is left without a tripping case.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::collections::BTreeSet;

use cfssl_lint::{
    Finding, LintPolicy, Severity, Target, lint_certificate, lint_crl, lint_names,
    lint_tbs_certificate, lint_tbs_crl, lints,
};

// ------------------------------------------------------------------------------------------
// A tiny DER encoder: enough to write TBSCertificate and TBSCertList variants.

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn int(content: &[u8]) -> Vec<u8> {
    tlv(0x02, content)
}

fn oid(dotted: &str) -> Vec<u8> {
    use der::Encode;
    const_oid::ObjectIdentifier::new_unwrap(dotted)
        .to_der()
        .unwrap()
}

fn boolean(v: bool) -> Vec<u8> {
    tlv(0x01, &[if v { 0xff } else { 0 }])
}

fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let atv = seq(&[oid("2.5.4.3"), tlv(0x0c, cn.as_bytes())]);
    seq(&[tlv(0x31, &atv)])
}

fn utc(t: &str) -> Vec<u8> {
    tlv(0x17, t.as_bytes())
}

fn generalized(t: &str) -> Vec<u8> {
    tlv(0x18, t.as_bytes())
}

fn bits(unused: u8, bytes: &[u8]) -> Vec<u8> {
    let mut content = vec![unused];
    content.extend_from_slice(bytes);
    tlv(0x03, &content)
}

fn ext(id: &str, critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(boolean(true));
    }
    parts.push(tlv(0x04, &value));
    seq(&parts)
}

const SHA256_RSA: &str = "1.2.840.113549.1.1.11";
const BC: &str = "2.5.29.19";
const KU: &str = "2.5.29.15";
const EKU: &str = "2.5.29.37";
const SKI: &str = "2.5.29.14";
const AKI: &str = "2.5.29.35";
const SAN: &str = "2.5.29.17";
const NC: &str = "2.5.29.30";
const CDP: &str = "2.5.29.31";
const AIA: &str = "1.3.6.1.5.5.7.1.1";
const CRL_NUMBER: &str = "2.5.29.20";
const REASON: &str = "2.5.29.21";
const IDP: &str = "2.5.29.28";

fn rsa_spki(modulus_bits: usize, exponent: &[u8]) -> Vec<u8> {
    let mut modulus = vec![0u8];
    modulus.push(0xc5);
    modulus.extend(std::iter::repeat_n(0x35, modulus_bits / 8 - 1));
    let key = seq(&[int(&modulus), int(exponent)]);
    seq(&[
        seq(&[oid("1.2.840.113549.1.1.1"), tlv(0x05, &[])]),
        bits(0, &key),
    ])
}

fn ec_spki(curve: &str) -> Vec<u8> {
    let mut point = vec![4u8];
    point.extend([7u8; 64]);
    seq(&[
        seq(&[oid("1.2.840.10045.2.1"), oid(curve)]),
        bits(0, &point),
    ])
}

fn ku(digital_signature: bool, key_encipherment: bool, cert_sign: bool) -> Vec<u8> {
    let mut b = 0u8;
    if digital_signature {
        b |= 0x80;
    }
    if key_encipherment {
        b |= 0x20;
    }
    if cert_sign {
        b |= 0x04 | 0x02;
    }
    if b == 0 {
        return bits(0, &[]);
    }
    bits(b.trailing_zeros() as u8, &[b])
}

fn san_dns(names: &[&str]) -> Vec<u8> {
    seq(&names
        .iter()
        .map(|n| tlv(0x82, n.as_bytes()))
        .collect::<Vec<_>>())
}

fn cdp(uri: &str) -> Vec<u8> {
    seq(&[seq(&[tlv(0xa0, &tlv(0xa0, &tlv(0x86, uri.as_bytes())))])])
}

fn aia(uri: &str) -> Vec<u8> {
    seq(&[seq(&[oid("1.3.6.1.5.5.7.48.2"), tlv(0x86, uri.as_bytes())])])
}

// ------------------------------------------------------------------------------------------
// Certificates.

#[derive(Clone)]
struct Tbs {
    version: Option<u8>,
    serial: Vec<u8>,
    signature: Vec<u8>,
    issuer: Vec<u8>,
    not_before: Vec<u8>,
    not_after: Vec<u8>,
    subject: Vec<u8>,
    spki: Vec<u8>,
    extensions: Vec<Vec<u8>>,
}

impl Tbs {
    /// A leaf that trips nothing.
    fn leaf() -> Tbs {
        Tbs {
            version: Some(2),
            serial: vec![0x3a, 0x41, 0x9c, 0x07],
            signature: seq(&[oid(SHA256_RSA), tlv(0x05, &[])]),
            issuer: name("Test CA"),
            not_before: utc("250101000000Z"),
            not_after: utc("260101000000Z"),
            subject: name("leaf.example.com"),
            spki: rsa_spki(2048, &[1, 0, 1]),
            extensions: vec![
                ext(KU, true, ku(true, true, false)),
                ext(EKU, false, seq(&[oid("1.3.6.1.5.5.7.3.1")])),
                ext(BC, true, seq(&[])),
                ext(SKI, false, tlv(0x04, &[1; 20])),
                ext(AKI, false, seq(&[tlv(0x80, &[2; 20])])),
                ext(AIA, false, aia("http://ca.example.com/ca.crt")),
                ext(
                    SAN,
                    false,
                    san_dns(&["leaf.example.com", "*.leaf.example.com"]),
                ),
                ext(CDP, false, cdp("http://ca.example.com/ca.crl")),
            ],
        }
    }

    /// A self-signed root that trips nothing.
    fn ca() -> Tbs {
        Tbs {
            issuer: name("Test CA"),
            subject: name("Test CA"),
            spki: ec_spki("1.3.132.0.34"),
            signature: seq(&[oid("1.2.840.10045.4.3.3")]),
            not_after: utc("350101000000Z"),
            extensions: vec![
                ext(KU, true, ku(false, false, true)),
                ext(BC, true, seq(&[boolean(true), int(&[1])])),
                ext(SKI, false, tlv(0x04, &[2; 20])),
                ext(
                    NC,
                    true,
                    seq(&[tlv(0xa0, &seq(&[tlv(0x82, b"example.com")]))]),
                ),
            ],
            ..Tbs::leaf()
        }
    }

    fn der(&self) -> Vec<u8> {
        let mut parts = Vec::new();
        if let Some(v) = self.version {
            parts.push(tlv(0xa0, &int(&[v])));
        }
        parts.extend([
            int(&self.serial),
            self.signature.clone(),
            self.issuer.clone(),
            seq(&[self.not_before.clone(), self.not_after.clone()]),
            self.subject.clone(),
            self.spki.clone(),
        ]);
        if !self.extensions.is_empty() {
            parts.push(tlv(0xa3, &seq(&self.extensions)));
        }
        seq(&parts)
    }

    /// Replaces the extension with OID `id` (or appends it).
    fn with_ext(mut self, id: &str, critical: bool, value: Vec<u8>) -> Tbs {
        let new = ext(id, critical, value);
        let prefix = seq(&[oid(id)]);
        let oid_der = &prefix[2..];
        match self
            .extensions
            .iter()
            .position(|e| e.get(2..2 + oid_der.len()) == Some(oid_der))
        {
            Some(i) => self.extensions[i] = new,
            None => self.extensions.push(new),
        }
        self
    }

    fn without_ext(mut self, id: &str) -> Tbs {
        let prefix = seq(&[oid(id)]);
        let oid_der = prefix[2..].to_vec();
        self.extensions
            .retain(|e| e.get(2..2 + oid_der.len()) != Some(&oid_der[..]));
        self
    }

    fn lint(&self) -> Vec<Finding> {
        lint_tbs_certificate(&self.der()).expect("the test TBS decodes")
    }
}

fn names_of(findings: &[Finding]) -> BTreeSet<&'static str> {
    findings.iter().map(|f| f.lint).collect()
}

/// `tbs` trips `lint` (and the finding carries the lint's own metadata).
#[track_caller]
fn trips(tbs: &Tbs, lint: &str) {
    let findings = tbs.lint();
    assert!(
        findings.iter().any(|f| f.lint == lint),
        "{lint} not found in {:?}",
        names_of(&findings)
    );
    TRIPPED.with(|t| t.borrow_mut().insert(lint.to_string()));
}

thread_local! {
    static TRIPPED: std::cell::RefCell<BTreeSet<String>> = const { std::cell::RefCell::new(BTreeSet::new()) };
}

#[test]
fn baselines_are_clean() {
    assert_eq!(Tbs::leaf().lint(), vec![]);
    assert_eq!(Tbs::ca().lint(), vec![]);
}

/// Every certificate lint, tripped by a variant of a clean baseline (each also passes on the
/// baselines above).
fn trip_every_certificate_lint() {
    let leaf = Tbs::leaf;
    let ca = Tbs::ca;

    trips(
        &Tbs {
            version: Some(1),
            ..leaf()
        },
        "e_invalid_certificate_version",
    );
    trips(
        &Tbs {
            version: Some(1),
            ..leaf()
        },
        "e_cert_extensions_version_not_3",
    );
    trips(
        &Tbs {
            serial: vec![0],
            ..leaf()
        },
        "e_serial_number_not_positive",
    );
    trips(
        &Tbs {
            serial: vec![0xff, 0x01],
            ..leaf()
        },
        "e_serial_number_not_positive",
    );
    trips(
        &Tbs {
            serial: vec![0x01; 21],
            ..leaf()
        },
        "e_serial_number_longer_than_20_octets",
    );
    trips(
        &Tbs {
            issuer: name(""),
            ..leaf()
        },
        "e_issuer_field_empty",
    );
    trips(
        &Tbs {
            not_before: utc("270101000000Z"),
            ..leaf()
        },
        "e_validity_time_not_positive",
    );
    trips(
        &Tbs {
            not_after: generalized("20490101000000Z"),
            ..leaf()
        },
        "e_wrong_time_format_pre2050",
    );
    trips(
        &Tbs {
            subject: name(""),
            ..ca()
        },
        "e_ca_subject_field_empty",
    );
    trips(
        &Tbs {
            subject: name(""),
            ..leaf()
        }
        .without_ext(SAN),
        "e_subject_empty_without_san",
    );

    trips(
        &Tbs {
            spki: rsa_spki(1024, &[1, 0, 1]),
            ..leaf()
        },
        "e_rsa_mod_less_than_2048_bits",
    );
    trips(
        &Tbs {
            spki: rsa_spki(2048, &[1, 0, 0]),
            ..leaf()
        },
        "e_rsa_public_exponent_not_odd",
    );
    trips(
        &Tbs {
            spki: rsa_spki(2048, &[1]),
            ..leaf()
        },
        "e_rsa_public_exponent_too_small",
    );
    trips(
        &Tbs {
            spki: ec_spki("1.3.132.0.10"),
            ..ca()
        },
        "e_ec_improper_curves",
    );

    trips(
        &Tbs {
            signature: seq(&[oid("1.3.101.112")]),
            ..leaf()
        },
        "e_signature_algorithm_not_supported",
    );
    trips(
        &Tbs {
            signature: seq(&[oid("1.2.840.113549.1.1.5"), tlv(0x05, &[])]),
            ..leaf()
        },
        "e_sub_cert_or_sub_ca_using_sha1",
    );

    let mut dup = leaf();
    dup.extensions.push(ext(SKI, false, tlv(0x04, &[3; 20])));
    trips(&dup, "e_ext_duplicate_extension");
    trips(
        &leaf().with_ext(SAN, false, vec![0x30, 0x01]),
        "e_cert_ext_invalid_der",
    );

    trips(
        &ca().with_ext(BC, false, seq(&[boolean(true)])),
        "e_basic_constraints_not_critical",
    );
    trips(
        &leaf().with_ext(KU, true, ku(true, false, true)),
        "e_ext_key_usage_cert_sign_without_ca",
    );
    trips(
        &leaf().with_ext(BC, true, seq(&[int(&[0])])),
        "e_path_len_constraint_improperly_included",
    );
    trips(&ca().without_ext(KU), "e_ca_key_usage_missing");
    trips(
        &ca().with_ext(KU, true, ku(true, false, false)),
        "e_ca_key_cert_sign_not_set",
    );
    trips(
        &ca().with_ext(KU, false, ku(false, false, true)),
        "e_ca_key_usage_not_critical",
    );
    trips(
        &leaf().with_ext(KU, false, ku(true, false, false)),
        "w_ext_key_usage_not_critical",
    );
    trips(
        &leaf().with_ext(KU, true, ku(false, false, false)),
        "e_ext_key_usage_without_bits",
    );
    trips(
        &Tbs {
            spki: ec_spki("1.2.840.10045.3.1.7"),
            ..leaf()
        },
        "e_ecdsa_allowed_ku",
    );

    trips(
        &leaf().without_ext(AKI),
        "e_ext_authority_key_identifier_no_key_identifier",
    );
    trips(
        &leaf().with_ext(AKI, false, seq(&[tlv(0xa1, &tlv(0xa4, &name("Test CA")))])),
        "e_ext_authority_key_identifier_no_key_identifier",
    );
    trips(
        &leaf().with_ext(AKI, true, seq(&[tlv(0x80, &[2; 20])])),
        "e_ext_authority_key_identifier_critical",
    );
    trips(
        &ca().without_ext(SKI),
        "e_ext_subject_key_identifier_missing_ca",
    );
    trips(
        &leaf().without_ext(SKI),
        "w_ext_subject_key_identifier_missing_sub_cert",
    );
    trips(
        &leaf().with_ext(SKI, true, tlv(0x04, &[1; 20])),
        "e_ext_subject_key_identifier_critical",
    );

    trips(
        &Tbs {
            subject: name(""),
            ..leaf()
        }
        .with_ext(SAN, false, san_dns(&["a.example.com"])),
        "e_ext_san_not_critical_without_subject",
    );
    trips(
        &leaf().with_ext(SAN, true, san_dns(&["a.example.com"])),
        "w_ext_san_critical_with_subject_dn",
    );
    trips(
        &leaf().with_ext(SAN, false, seq(&[])),
        "e_ext_san_no_entries",
    );
    trips(
        &leaf().with_ext(SAN, false, san_dns(&[""])),
        "e_ext_san_empty_name",
    );
    trips(
        &leaf().with_ext(SAN, false, san_dns(&["a..example.com"])),
        "e_rfc_dnsname_empty_label",
    );
    let long = format!("{}.example.com", "a".repeat(64));
    trips(
        &leaf().with_ext(SAN, false, san_dns(&[&long])),
        "e_rfc_dnsname_label_too_long",
    );
    trips(
        &leaf().with_ext(SAN, false, san_dns(&["a b.example.com"])),
        "e_dnsname_bad_character_in_label",
    );
    trips(
        &leaf().with_ext(SAN, false, seq(&[tlv(0x87, &[10, 0, 0])])),
        "e_ext_san_ip_address_invalid_length",
    );
    trips(
        &leaf().with_ext(SAN, false, seq(&[tlv(0x86, b"/relative")])),
        "e_ext_san_uri_format_invalid",
    );

    trips(
        &ca().with_ext(
            NC,
            false,
            seq(&[tlv(0xa0, &seq(&[tlv(0x82, b"example.com")]))]),
        ),
        "e_ext_name_constraints_not_critical",
    );
    trips(
        &leaf().with_ext(
            NC,
            true,
            seq(&[tlv(0xa0, &seq(&[tlv(0x82, b"example.com")]))]),
        ),
        "e_ext_name_constraints_not_in_ca",
    );

    trips(
        &leaf().with_ext(CDP, true, cdp("http://ca.example.com/ca.crl")),
        "w_ext_crl_distribution_marked_critical",
    );
    trips(
        &leaf().with_ext(CDP, false, seq(&[seq(&[tlv(0x81, &[0x07, 0x80])])])),
        "e_distribution_point_incomplete",
    );
    trips(
        &leaf().with_ext(CDP, false, cdp("ftp://ca.example.com/ca.crl")),
        "w_distribution_point_missing_ldap_or_uri",
    );
    trips(
        &leaf().with_ext(CDP, false, cdp("ca.example.com/ca.crl")),
        "e_ext_cdp_uri_format_invalid",
    );
    trips(
        &leaf().with_ext(AIA, true, aia("http://ca.example.com/ca.crt")),
        "e_ext_aia_marked_critical",
    );
    trips(
        &leaf().with_ext(AIA, false, aia("ftp://ca.example.com/ca.crt")),
        "w_ext_aia_access_location_missing",
    );
    trips(
        &leaf().with_ext(AIA, false, aia("http//ca.example.com")),
        "e_ext_aia_uri_format_invalid",
    );

    trips(
        &Tbs {
            not_after: utc("280101000000Z"),
            ..leaf()
        },
        "e_sub_cert_valid_time_longer_than_825_days",
    );
}

#[test]
fn every_certificate_lint_has_a_tripping_case() {
    trip_every_certificate_lint();
    // The one lint over the outer structure.
    let tbs = Tbs::leaf().der();
    let cert = |alg: Vec<u8>| seq(&[tbs.clone(), alg, bits(0, &[1, 2, 3])]);
    let good = lint_certificate(&cert(seq(&[oid(SHA256_RSA), tlv(0x05, &[])]))).unwrap();
    assert_eq!(good, vec![]);
    let bad =
        lint_certificate(&cert(seq(&[oid("1.2.840.113549.1.1.12"), tlv(0x05, &[])]))).unwrap();
    assert_eq!(
        names_of(&bad),
        BTreeSet::from(["e_cert_sig_alg_not_match_tbs_sig_alg"])
    );
    TRIPPED.with(|t| {
        t.borrow_mut()
            .insert("e_cert_sig_alg_not_match_tbs_sig_alg".into())
    });

    let tripped = TRIPPED.with(|t| t.borrow().clone());
    let untested: Vec<_> = lints()
        .iter()
        .filter(|l| l.target() != Target::Crl && !tripped.contains(l.name))
        .map(|l| l.name)
        .collect();
    assert!(
        untested.is_empty(),
        "certificate lints without a tripping case: {untested:?}"
    );
}

#[test]
fn severities_follow_zlint() {
    let pss = Tbs {
        signature: seq(&[oid("1.2.840.113549.1.1.10")]),
        ..Tbs::leaf()
    }
    .lint();
    let f = pss
        .iter()
        .find(|f| f.lint == "e_signature_algorithm_not_supported")
        .unwrap();
    assert_eq!(f.severity, Severity::Warn);
    let skid = Tbs::leaf().without_ext(SKI).lint();
    assert_eq!(skid[0].severity, Severity::Warn);
    assert_eq!(skid[0].citation, "RFC 5280 §4.2, §4.2.1.2");
    assert_eq!(skid[0].source.name(), "RFC5280");
}

#[test]
fn a_self_issued_leaf_without_aki_trips_but_a_root_does_not() {
    let self_signed_leaf = Tbs {
        issuer: name("leaf.example.com"),
        ..Tbs::leaf()
    }
    .without_ext(AKI);
    trips(
        &self_signed_leaf,
        "e_ext_authority_key_identifier_no_key_identifier",
    );
    assert!(
        !names_of(&Tbs::ca().lint()).contains("e_ext_authority_key_identifier_no_key_identifier")
    );
}

#[test]
fn policy_over_real_findings() {
    let findings = Tbs {
        not_after: utc("280101000000Z"),
        ..Tbs::leaf()
    }
    .without_ext(SKI)
    .lint();
    let warn = LintPolicy {
        error_level: 5,
        ..LintPolicy::default()
    };
    let blocking: Vec<_> = warn.blocking(&findings).iter().map(|f| f.lint).collect();
    assert_eq!(blocking, ["e_sub_cert_valid_time_longer_than_825_days"]);
    let ignoring = LintPolicy {
        ignored_sources: vec!["CABF_BR".into()],
        ..warn
    };
    assert!(ignoring.blocking(&findings).is_empty());
}

// ------------------------------------------------------------------------------------------
// CRLs.

#[derive(Clone)]
struct TbsCrl {
    version: Option<u8>,
    issuer: Vec<u8>,
    this_update: Vec<u8>,
    next_update: Option<Vec<u8>>,
    revoked: Vec<Vec<u8>>,
    extensions: Vec<Vec<u8>>,
}

fn revoked(serial: &[u8], date: &str, reason: Option<u8>) -> Vec<u8> {
    let mut parts = vec![int(serial), utc(date)];
    if let Some(r) = reason {
        parts.push(seq(&[ext(REASON, false, tlv(0x0a, &[r]))]));
    }
    seq(&parts)
}

impl TbsCrl {
    fn good() -> TbsCrl {
        TbsCrl {
            version: Some(1),
            issuer: name("Test CA"),
            this_update: utc("250601000000Z"),
            next_update: Some(utc("250608000000Z")),
            revoked: vec![
                revoked(&[0x3a, 0x41], "250501000000Z", Some(1)),
                revoked(&[0x3a, 0x42], "250502000000Z", None),
            ],
            extensions: vec![
                ext(AKI, false, seq(&[tlv(0x80, &[2; 20])])),
                ext(CRL_NUMBER, false, int(&[0x10])),
            ],
        }
    }

    fn der(&self) -> Vec<u8> {
        let mut parts = Vec::new();
        if let Some(v) = self.version {
            parts.push(int(&[v]));
        }
        parts.extend([
            seq(&[oid(SHA256_RSA), tlv(0x05, &[])]),
            self.issuer.clone(),
            self.this_update.clone(),
        ]);
        parts.extend(self.next_update.clone());
        if !self.revoked.is_empty() {
            parts.push(seq(&self.revoked));
        }
        if !self.extensions.is_empty() {
            parts.push(tlv(0xa0, &seq(&self.extensions)));
        }
        seq(&parts)
    }

    fn lint(&self) -> Vec<Finding> {
        lint_tbs_crl(&self.der()).expect("the test TBSCertList decodes")
    }
}

#[track_caller]
fn crl_trips(crl: &TbsCrl, lint: &str) -> Severity {
    let findings = crl.lint();
    let Some(f) = findings.iter().find(|f| f.lint == lint) else {
        panic!("{lint} not found in {:?}", names_of(&findings));
    };
    f.severity
}

#[test]
fn every_crl_lint_trips_and_passes() {
    let good = TbsCrl::good;
    assert_eq!(good().lint(), vec![]);
    let signed = seq(&[
        good().der(),
        seq(&[oid(SHA256_RSA), tlv(0x05, &[])]),
        bits(0, &[1]),
    ]);
    assert_eq!(lint_crl(&signed).unwrap(), vec![]);

    let mut tested = BTreeSet::new();
    let mut t = |crl: TbsCrl, lint: &'static str| {
        crl_trips(&crl, lint);
        tested.insert(lint);
    };
    t(
        TbsCrl {
            version: Some(0),
            ..good()
        },
        "e_crl_version_not_2",
    );
    t(
        TbsCrl {
            issuer: name(""),
            ..good()
        },
        "e_crl_issuer_field_empty",
    );
    t(
        TbsCrl {
            next_update: None,
            ..good()
        },
        "e_crl_has_next_update",
    );
    t(
        TbsCrl {
            next_update: Some(utc("250501000000Z")),
            ..good()
        },
        "e_crl_next_update_before_this_update",
    );
    let no_number = TbsCrl {
        extensions: vec![ext(AKI, false, seq(&[tlv(0x80, &[2; 20])]))],
        ..good()
    };
    t(no_number, "e_crl_missing_crl_number");
    let mut long = good();
    long.extensions[1] = ext(CRL_NUMBER, false, int(&[0x01; 21]));
    t(long, "e_crl_number_out_of_range");
    let mut negative = good();
    negative.extensions[1] = ext(CRL_NUMBER, false, int(&[0xff]));
    t(negative, "e_crl_number_out_of_range");
    let mut critical = good();
    critical.extensions[1] = ext(CRL_NUMBER, true, int(&[0x10]));
    t(critical.clone(), "e_crl_extensions_validity");
    let mut idp = good();
    idp.extensions
        .push(ext(IDP, false, seq(&[tlv(0x81, &[0xff])])));
    t(idp, "e_crl_extensions_validity");
    let mut dup = good();
    dup.extensions.push(ext(CRL_NUMBER, false, int(&[0x11])));
    t(dup, "e_crl_no_duplicate_extensions");
    let no_aki = TbsCrl {
        extensions: vec![ext(CRL_NUMBER, false, int(&[0x10]))],
        ..good()
    };
    t(no_aki, "e_crl_has_authority_key_identifier");
    let mut twice = good();
    twice
        .revoked
        .push(revoked(&[0x3a, 0x41], "250503000000Z", None));
    t(twice, "e_crl_unique_revoked_certificate");
    let mut zero = good();
    zero.revoked.push(revoked(&[0], "250503000000Z", None));
    t(zero, "e_crl_revoked_serial_not_positive");
    let mut seven = good();
    seven
        .revoked
        .push(revoked(&[0x50], "250503000000Z", Some(7)));
    t(seven, "e_crl_has_valid_reason_code");
    let mut late = good();
    late.revoked.push(revoked(&[0x50], "250701000000Z", None));
    t(late, "e_crl_revocation_time_after_this_update");

    let crl_lints: BTreeSet<_> = lints()
        .iter()
        .filter(|l| l.target() == Target::Crl)
        .map(|l| l.name)
        .collect();
    assert_eq!(tested, crl_lints);

    let mut unspecified = good();
    unspecified
        .revoked
        .push(revoked(&[0x50], "250503000000Z", Some(0)));
    assert_eq!(
        crl_trips(&unspecified, "e_crl_has_valid_reason_code"),
        Severity::Warn
    );
    assert_eq!(
        crl_trips(&critical, "e_crl_extensions_validity"),
        Severity::Error
    );
}

#[test]
fn certificate_lints_do_not_run_on_crls_and_back() {
    assert!(lint_tbs_certificate(&TbsCrl::good().der()).is_err());
    assert!(lint_tbs_crl(&Tbs::leaf().der()).is_err());
    assert!(lint_names().count() == lints().len());
}

/// No input panics: every truncation and many single-byte corruptions of the baselines go
/// through all four entry points (the fuzz target `lint` does this at random).
#[test]
fn corrupted_inputs_never_panic() {
    let signed = |tbs: Vec<u8>| seq(&[tbs, seq(&[oid(SHA256_RSA), tlv(0x05, &[])]), bits(0, &[1])]);
    let inputs = [
        Tbs::leaf().der(),
        Tbs::ca().der(),
        TbsCrl::good().der(),
        signed(Tbs::leaf().der()),
    ];
    let all = |data: &[u8]| {
        let _ = lint_certificate(data);
        let _ = lint_tbs_certificate(data);
        let _ = lint_crl(data);
        let _ = lint_tbs_crl(data);
    };
    for input in &inputs {
        for i in 0..input.len() {
            all(&input[..i]);
            for x in [0x01u8, 0x80, 0xff] {
                let mut changed = input.clone();
                changed[i] ^= x;
                all(&changed);
            }
        }
    }
}
