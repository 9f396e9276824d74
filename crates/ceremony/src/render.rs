//! The plan page: every field of the certificate to be signed, decoded from the very
//! to-be-signed bytes (not from the file), so that what the witnesses read is what the key
//! signs. Extensions are listed in the order they are encoded.

use std::fmt::Write as _;

use cfssl_signer::certificate::TbsCertificate;
use cfssl_signer::extensions::{ID_AD_CA_ISSUERS, ID_AD_OCSP, ID_QT_CPS, ID_QT_UNOTICE};
use const_oid::db::rfc5280 as oids;
use der::{Decode, Encode};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, NameConstraints, SubjectKeyIdentifier,
};
use x509_cert::name::Name;

use crate::CeremonyError;
use crate::plan::{Action, StepPlan, oid_name, signature_algorithm_name, spec_algorithm};

/// `2026-12-01 00:00:00 UTC`.
pub fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Bytes as colon-separated hex (`7a:1b:…`).
pub fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Plain lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of the DER to-be-signed certificate, hex.
pub fn tbs_sha256(tbs: &TbsCertificate) -> Result<String, CeremonyError> {
    Ok(hex(&Sha256::digest(tbs.to_der()?)))
}

/// The plan page of a step.
pub fn plan_page(plan: &StepPlan) -> Result<String, CeremonyError> {
    let mut out = String::new();
    let _ = writeln!(out, "Ceremony step: {} ({})", plan.file.name, plan.kind);
    let _ = writeln!(out, "Ceremony file SHA-256: {}", hex(&plan.file.sha256));
    match &plan.action {
        Action::Root { key, certificate } => {
            let _ = writeln!(
                out,
                "New key: {} at {}, made by `ceremony run`",
                key.spec.describe(),
                key.location.describe()
            );
            let _ = writeln!(out);
            out.push_str(&certificate_page(&certificate.preview()?, false)?);
            let _ = writeln!(
                out,
                "TBS SHA-256: follows key generation (the public key and its identifiers are \
                 part of the signed bytes); `ceremony run` shows it before signing"
            );
        }
        Action::Signed {
            issuer,
            issuer_key,
            tbs,
        } => {
            let _ = writeln!(
                out,
                "Issuer key: {} (opened by `ceremony run` only)",
                issuer_key.describe()
            );
            let _ = writeln!(
                out,
                "Issuer certificate: SHA-256 fingerprint {}",
                colon_hex(&Sha256::digest(&issuer.der))
            );
            let _ = writeln!(out);
            out.push_str(&certificate_page(tbs, true)?);
            // The lints `run` will apply: a step they would stop fails here already.
            for line in crate::lint::check(&tbs.to_der()?, &plan.ignored_lints)? {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(out, "TBS SHA-256: {}", tbs_sha256(tbs)?);
        }
        Action::OcspResponse {
            issuer,
            issuer_key,
            tbs,
        } => {
            let _ = writeln!(
                out,
                "Issuer key: {} (opened by `ceremony run` only)",
                issuer_key.describe()
            );
            let _ = writeln!(
                out,
                "Issuer certificate: SHA-256 fingerprint {}",
                colon_hex(&Sha256::digest(&issuer.der))
            );
            let _ = writeln!(out);
            out.push_str(&ocsp_page(tbs.der())?);
            let _ = writeln!(out, "TBS SHA-256: {}", hex(&Sha256::digest(tbs.der())));
        }
        Action::Crl {
            issuer,
            issuer_key,
            tbs,
        } => {
            let _ = writeln!(
                out,
                "Issuer key: {} (opened by `ceremony run` only)",
                issuer_key.describe()
            );
            let _ = writeln!(
                out,
                "Issuer certificate: SHA-256 fingerprint {}",
                colon_hex(&Sha256::digest(&issuer.der))
            );
            let _ = writeln!(out);
            out.push_str(&crl_page(tbs.der())?);
            for line in crate::lint::check_crl(tbs.der(), &plan.ignored_lints)? {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(out, "TBS SHA-256: {}", hex(&Sha256::digest(tbs.der())));
        }
        Action::Key { key } => {
            let _ = writeln!(
                out,
                "New key: {} at {}, made by `ceremony run`; only its public key is written",
                key.spec.describe(),
                key.location.describe()
            );
            let _ = writeln!(
                out,
                "It will sign with {}",
                signature_algorithm_name(spec_algorithm(key.spec))
            );
        }
    }
    for note in &plan.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    for lint in &plan.ignored_lints {
        let _ = writeln!(
            out,
            "Accepted lint: {} (reason: {})",
            lint.name, lint.reason
        );
    }
    let _ = writeln!(out, "Writes:");
    for path in &plan.outputs {
        let _ = writeln!(out, "  {}", path.display());
    }
    Ok(out)
}

/// Every field of a to-be-signed OCSP response (RFC 6960 §4.2.1 `ResponseData` DER), decoded
/// from the bytes the key signs.
pub fn ocsp_page(tbs_der: &[u8]) -> Result<String, CeremonyError> {
    use cfssl_ocsp::asn1::{CertStatus, ResponderId, ResponseData};
    let data = ResponseData::from_der(tbs_der)
        .map_err(|e| CeremonyError::Internal(format!("the ResponseData does not decode: {e}")))?;
    let gt = |t: &der::asn1::GeneralizedTime| utc(OffsetDateTime::from(t.to_system_time()));
    let mut out = String::new();
    let _ = writeln!(out, "OCSP response to be signed:");
    let responder = match &data.responder_id {
        ResponderId::ByName(any) => any
            .to_der()
            .ok()
            .and_then(|der| Name::from_der(&der).ok())
            .map(|n| n.to_string())
            .unwrap_or_else(|| "(undecodable name)".into()),
        ResponderId::ByKey(key) => format!("key hash {}", colon_hex(key.as_bytes())),
    };
    let _ = writeln!(out, "  Responder:           {responder}");
    let _ = writeln!(out, "  Produced at:         {}", gt(&data.produced_at));
    for single in &data.responses {
        let _ = writeln!(
            out,
            "  Certificate serial:  {}",
            colon_hex(single.cert_id.serial_number.as_bytes())
        );
        let status = match &single.cert_status {
            CertStatus::Good(_) => "good".to_owned(),
            CertStatus::Unknown(_) => "unknown".to_owned(),
            CertStatus::Revoked(info) => format!(
                "revoked {}, reason {}",
                gt(&info.revocation_time),
                info.revocation_reason
                    .and_then(|r| cfssl_ocsp::RevocationReason::from_code(r.0))
                    .map(|r| r.name())
                    .unwrap_or("unspecified (none written)")
            ),
        };
        let _ = writeln!(out, "  Status:              {status}");
        let _ = writeln!(out, "  This update:         {}", gt(&single.this_update));
        if let Some(next) = &single.next_update {
            let _ = writeln!(out, "  Next update:         {}", gt(next));
        }
    }
    Ok(out)
}

/// Every field of a to-be-signed CRL (RFC 5280 §5.1.2 `TBSCertList` DER), decoded from the
/// bytes the key signs: issuer, dates, each revoked certificate with its date and reason,
/// and the CRL extensions (the CRL Number among them).
pub fn crl_page(tbs_der: &[u8]) -> Result<String, CeremonyError> {
    let tbs: x509_cert::crl::TbsCertList = x509_cert::crl::TbsCertList::from_der(tbs_der)
        .map_err(|e| CeremonyError::Internal(format!("the TBSCertList does not decode: {e}")))?;
    let mut out = String::new();
    let _ = writeln!(out, "CRL to be signed:");
    let _ = writeln!(out, "  Version:             2");
    let _ = writeln!(
        out,
        "  Signature algorithm: {} ({})",
        oid_name(&tbs.signature.oid),
        tbs.signature.oid
    );
    let _ = writeln!(out, "  Issuer:              {}", tbs.issuer);
    // X.509 times lie in years 0..=9999, inside OffsetDateTime's range.
    let time = |t: &x509_cert::time::Time| utc(OffsetDateTime::from(t.to_system_time()));
    let _ = writeln!(out, "  This update:         {}", time(&tbs.this_update));
    match &tbs.next_update {
        Some(t) => {
            let _ = writeln!(out, "  Next update:         {}", time(t));
        }
        None => {
            let _ = writeln!(out, "  Next update:         none");
        }
    }
    let revoked = tbs.revoked_certificates.as_deref().unwrap_or(&[]);
    let _ = writeln!(out, "  Revoked certificates: {}", revoked.len());
    for entry in revoked {
        let reason = entry
            .crl_entry_extensions
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .find(|e| e.extn_id == oids::ID_CE_CRL_REASONS)
            .and_then(|e| e.extn_value.as_bytes().get(2).copied())
            .and_then(|code| cfssl_ocsp::RevocationReason::from_code(i32::from(code)))
            .map(|r| r.name())
            .unwrap_or("unspecified (no reasonCode)");
        let _ = writeln!(
            out,
            "    Serial {}: revoked {}, reason {reason}",
            colon_hex(entry.serial_number.as_bytes()),
            time(&entry.revocation_date)
        );
    }
    let _ = writeln!(out, "  Extensions, in encoded order:");
    for ext in tbs.crl_extensions.as_deref().unwrap_or(&[]) {
        let critical = if ext.critical { ", critical" } else { "" };
        let value = match ext.extn_id {
            oids::ID_CE_CRL_NUMBER => der::asn1::Uint::from_der(ext.extn_value.as_bytes())
                .map(|n| {
                    format!(
                        "{} (hex {})",
                        cfssl_signer::certificate::decimal(n.as_bytes()),
                        colon_hex(n.as_bytes())
                    )
                })
                .unwrap_or_else(|_| format!("DER {}", hex(ext.extn_value.as_bytes()))),
            _ => describe_extension(&ext.extn_id, ext.extn_value.as_bytes(), true),
        };
        let _ = writeln!(
            out,
            "    {} ({}{critical}): {value}",
            oid_name(&ext.extn_id),
            ext.extn_id
        );
    }
    Ok(out)
}

/// Every field of a to-be-signed certificate. `key_known` is false on a root's plan page,
/// where the key (and so the SPKI and key identifiers) does not exist yet.
pub fn certificate_page(tbs: &TbsCertificate, key_known: bool) -> Result<String, CeremonyError> {
    let mut out = String::new();
    let name = |der: &[u8]| -> String {
        Name::from_der(der)
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("(undecodable name {})", hex(der)))
    };
    let _ = writeln!(out, "Certificate to be signed:");
    let _ = writeln!(out, "  Version:             3");
    let _ = writeln!(out, "  Serial number:       {}", colon_hex(&tbs.serial));
    let _ = writeln!(
        out,
        "  Signature algorithm: {} ({})",
        oid_name(&tbs.signature.oid),
        tbs.signature.oid
    );
    let _ = writeln!(out, "  Issuer:              {}", name(&tbs.issuer_der));
    let _ = writeln!(out, "  Not before:          {}", utc(tbs.not_before));
    let _ = writeln!(out, "  Not after:           {}", utc(tbs.not_after));
    let _ = writeln!(out, "  Subject:             {}", name(&tbs.subject_der));
    if key_known {
        let key = cfssl_keys::PublicKey::from_spki_der(&tbs.spki_der)
            .map(|k| k.describe())
            .unwrap_or_else(|_| "(unknown key type)".into());
        let _ = writeln!(out, "  Public key:          {key}");
        let _ = writeln!(
            out,
            "  Public key SHA-256:  {}",
            colon_hex(&Sha256::digest(&tbs.spki_der))
        );
    } else {
        let _ = writeln!(out, "  Public key:          made by `ceremony run`");
    }
    let _ = writeln!(out, "  Extensions, in encoded order:");
    for ext in &tbs.extensions {
        let critical = if ext.critical { ", critical" } else { "" };
        let value = describe_extension(&ext.oid, &ext.value, key_known);
        let _ = writeln!(
            out,
            "    {} ({}{critical}): {value}",
            oid_name(&ext.oid),
            ext.oid
        );
    }
    Ok(out)
}

fn describe_extension(oid: &const_oid::ObjectIdentifier, value: &[u8], key_known: bool) -> String {
    decode_extension(oid, value, key_known).unwrap_or_else(|| format!("DER {}", hex(value)))
}

fn decode_extension(
    oid: &const_oid::ObjectIdentifier,
    value: &[u8],
    key_known: bool,
) -> Option<String> {
    Some(match *oid {
        oids::ID_CE_KEY_USAGE => key_usage_names(value)?,
        oids::ID_CE_EXT_KEY_USAGE => ExtendedKeyUsage::from_der(value)
            .ok()?
            .0
            .iter()
            .map(oid_name)
            .collect::<Vec<_>>()
            .join(", "),
        oids::ID_CE_BASIC_CONSTRAINTS => {
            let bc = BasicConstraints::from_der(value).ok()?;
            match (bc.ca, bc.path_len_constraint) {
                (true, Some(n)) => format!("CA, path length {n}"),
                (true, None) => "CA, no path length limit".into(),
                (false, _) => "not a CA".into(),
            }
        }
        oids::ID_CE_SUBJECT_KEY_IDENTIFIER if !key_known => {
            "SHA-1 of the new public key (made by `ceremony run`)".into()
        }
        oids::ID_CE_SUBJECT_KEY_IDENTIFIER => {
            colon_hex(SubjectKeyIdentifier::from_der(value).ok()?.0.as_bytes())
        }
        oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
            let aki = AuthorityKeyIdentifier::from_der(value).ok()?;
            format!("keyid {}", colon_hex(aki.key_identifier?.as_bytes()))
        }
        oids::ID_PE_AUTHORITY_INFO_ACCESS => AuthorityInfoAccessSyntax::from_der(value)
            .ok()?
            .0
            .iter()
            .map(|a| {
                let method = match a.access_method {
                    ID_AD_OCSP => "OCSP".to_owned(),
                    ID_AD_CA_ISSUERS => "CA issuers".to_owned(),
                    other => other.to_string(),
                };
                format!("{method} {}", general_name(&a.access_location))
            })
            .collect::<Vec<_>>()
            .join("; "),
        oids::ID_CE_CRL_DISTRIBUTION_POINTS => CrlDistributionPoints::from_der(value)
            .ok()?
            .0
            .iter()
            .map(|dp| match &dp.distribution_point {
                Some(DistributionPointName::FullName(names)) => names
                    .iter()
                    .map(general_name)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "(a distribution point without a full name)".into(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        oids::ID_CE_CERTIFICATE_POLICIES => CertificatePolicies::from_der(value)
            .ok()?
            .0
            .iter()
            .map(|p| {
                let mut text = p.policy_identifier.to_string();
                for q in p.policy_qualifiers.iter().flatten() {
                    let shown = q.qualifier.as_ref().and_then(|any| {
                        let der = any.to_der().ok()?;
                        match q.policy_qualifier_id {
                            ID_QT_CPS => der::asn1::Ia5String::from_der(&der)
                                .ok()
                                .map(|s| format!(" CPS {s}")),
                            ID_QT_UNOTICE => user_notice(&der).map(|t| format!(" notice {t:?}")),
                            _ => None,
                        }
                    });
                    text.push_str(&shown.unwrap_or_else(|| " (other qualifier)".into()));
                }
                text
            })
            .collect::<Vec<_>>()
            .join("; "),
        oids::ID_CE_NAME_CONSTRAINTS => {
            let nc = NameConstraints::from_der(value).ok()?;
            let list = |s: &Option<x509_cert::ext::pkix::constraints::name::GeneralSubtrees>| {
                s.iter()
                    .flatten()
                    .map(|t| general_name(&t.base))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "permitted [{}], excluded [{}]",
                list(&nc.permitted_subtrees),
                list(&nc.excluded_subtrees)
            )
        }
        _ => return None,
    })
}

/// `UserNotice ::= SEQUENCE { noticeRef OPTIONAL, explicitText DisplayText OPTIONAL }`
/// (RFC 5280 §4.2.1.4): we write only a UTF8String explicitText.
fn user_notice(der: &[u8]) -> Option<String> {
    let notice = x509_cert::ext::pkix::certpolicy::UserNotice::from_der(der).ok()?;
    let text = notice.explicit_text?;
    let der = text.to_der().ok()?;
    der::asn1::Utf8StringRef::from_der(&der)
        .ok()
        .map(|s| s.as_str().to_owned())
        .or_else(|| Some(format!("(DisplayText {})", hex(&der))))
}

fn key_usage_names(value: &[u8]) -> Option<String> {
    // KeyUsage ::= BIT STRING (RFC 5280 §4.2.1.3); bit i is bit (7 - i % 8) of octet i / 8.
    let bits = der::asn1::BitString::from_der(value).ok()?;
    let octets = bits.raw_bytes();
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "contentCommitment",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    let set: Vec<&str> = NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            octets
                .get(i / 8)
                .is_some_and(|o| o & (0x80 >> (i % 8)) != 0)
        })
        .map(|(_, n)| *n)
        .collect();
    Some(set.join(", "))
}

fn general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(s) => format!("DNS:{s}"),
        GeneralName::Rfc822Name(s) => format!("email:{s}"),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{s}"),
        GeneralName::IpAddress(o) => format!("IP:{}", ip_text(o.as_bytes())),
        GeneralName::DirectoryName(n) => format!("DirName:{n}"),
        _ => "(other name)".into(),
    }
}

/// An iPAddress: an address (4 or 16 octets), or in name constraints an address and a mask
/// (8 or 32 octets, RFC 5280 §4.2.1.10), shown as `10.0.0.0/8`.
fn ip_text(bytes: &[u8]) -> String {
    let address = |b: &[u8]| -> Option<std::net::IpAddr> {
        match b.len() {
            4 => <[u8; 4]>::try_from(b).ok().map(std::net::IpAddr::from),
            16 => <[u8; 16]>::try_from(b).ok().map(std::net::IpAddr::from),
            _ => None,
        }
    };
    if let Some(ip) = address(bytes) {
        return ip.to_string();
    }
    let half = bytes.len() / 2;
    match (bytes.get(..half).and_then(address), bytes.get(half..)) {
        (Some(ip), Some(mask)) if bytes.len() == 8 || bytes.len() == 32 => {
            let ones: u32 = mask.iter().map(|b| b.count_ones()).sum();
            format!("{ip}/{ones}")
        }
        _ => colon_hex(bytes),
    }
}
