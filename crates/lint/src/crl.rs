//! CRL lints: a decoded view of a `TBSCertList` (RFC 5280 §5.1) and one check function per
//! lint.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oid;
use der::Decode;
use x509_cert::certificate::Version;
use x509_cert::crl::{CertificateList, TbsCertList};
use x509_cert::ext::Extension;

use crate::LintError;
use crate::Severity;
use crate::der_util::{encoded_integer_content, enumerated, integer_content, is_negative, is_zero};
use crate::registry::Verdict::{self, At, Fail, Pass};

/// A to-be-signed CRL, decoded once for every lint.
pub(crate) struct Crl {
    tbs: TbsCertList,
    /// Each revoked entry's serial number INTEGER content octets (two's complement).
    revoked_serials: Vec<Vec<u8>>,
}

impl Crl {
    pub(crate) fn from_tbs_der(der: &[u8]) -> Result<Crl, LintError> {
        let tbs = TbsCertList::from_der(der).map_err(|e| LintError::Decode {
            what: "TBSCertList",
            reason: e.to_string(),
        })?;
        Ok(Crl::new(tbs))
    }

    pub(crate) fn from_crl_der(der: &[u8]) -> Result<Crl, LintError> {
        let crl = CertificateList::from_der(der).map_err(|e| LintError::Decode {
            what: "CRL",
            reason: e.to_string(),
        })?;
        Ok(Crl::new(crl.tbs_cert_list))
    }

    fn new(tbs: TbsCertList) -> Crl {
        let revoked_serials = tbs
            .revoked_certificates
            .iter()
            .flatten()
            .map(|r| encoded_integer_content(&r.serial_number).unwrap_or_default())
            .collect();
        Crl {
            tbs,
            revoked_serials,
        }
    }

    fn extensions(&self) -> &[Extension] {
        self.tbs.crl_extensions.as_deref().unwrap_or_default()
    }

    fn ext(&self, id: ObjectIdentifier) -> Option<&Extension> {
        self.extensions().iter().find(|e| e.extn_id == id)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn version_not_2(c: &Crl) -> Verdict {
    if c.tbs.version != Version::V2 {
        return Fail(format!("the CRL is {:?}, not v2", c.tbs.version));
    }
    Pass
}

pub(crate) fn issuer_empty(c: &Crl) -> Verdict {
    if c.tbs.issuer.is_empty() {
        return Fail("the CRL issuer name is empty".into());
    }
    Pass
}

pub(crate) fn has_next_update(c: &Crl) -> Verdict {
    if c.tbs.next_update.is_none() {
        return Fail("the CRL has no nextUpdate".into());
    }
    Pass
}

pub(crate) fn next_update_before_this_update(c: &Crl) -> Verdict {
    match c.tbs.next_update {
        Some(next) if next.to_unix_duration() <= c.tbs.this_update.to_unix_duration() => {
            Fail(format!(
                "nextUpdate {next} is not after thisUpdate {}",
                c.tbs.this_update
            ))
        }
        _ => Pass,
    }
}

pub(crate) fn missing_crl_number(c: &Crl) -> Verdict {
    if c.ext(oid::ID_CE_CRL_NUMBER).is_none() {
        return Fail("the CRL has no CRL number".into());
    }
    Pass
}

pub(crate) fn crl_number_out_of_range(c: &Crl) -> Verdict {
    let Some(ext) = c.ext(oid::ID_CE_CRL_NUMBER) else {
        return Pass;
    };
    match integer_content(ext.extn_value.as_bytes()) {
        None => At(Severity::Fatal, "the CRL number is not an INTEGER".into()),
        Some(n) if is_negative(&n) => Fail("the CRL number is negative".into()),
        Some(n) if n.len() > 20 => Fail(format!("the CRL number is {} octets long", n.len())),
        Some(_) => Pass,
    }
}

pub(crate) fn extensions_criticality(c: &Crl) -> Verdict {
    let mut bad = Vec::new();
    for e in c.extensions() {
        let must_be_critical = match e.extn_id {
            oid::ID_CE_CRL_NUMBER | oid::ID_CE_AUTHORITY_KEY_IDENTIFIER => false,
            oid::ID_CE_ISSUING_DISTRIBUTION_POINT => true,
            _ => continue,
        };
        if e.critical != must_be_critical {
            bad.push(format!(
                "{} critical={} (must be {must_be_critical})",
                e.extn_id, e.critical
            ));
        }
    }
    if bad.is_empty() {
        Pass
    } else {
        Fail(bad.join("; "))
    }
}

pub(crate) fn duplicate_extensions(c: &Crl) -> Verdict {
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    for e in c.extensions() {
        if seen.contains(&e.extn_id) {
            return Fail(format!("the CRL carries extension {} twice", e.extn_id));
        }
        seen.push(e.extn_id);
    }
    Pass
}

pub(crate) fn has_authority_key_identifier(c: &Crl) -> Verdict {
    if c.ext(oid::ID_CE_AUTHORITY_KEY_IDENTIFIER).is_none() {
        return Fail("the CRL has no authorityKeyIdentifier".into());
    }
    Pass
}

pub(crate) fn unique_revoked_certificate(c: &Crl) -> Verdict {
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut dup = Vec::new();
    for s in &c.revoked_serials {
        if seen.contains(&s.as_slice()) {
            dup.push(hex(s));
        } else {
            seen.push(s);
        }
    }
    if dup.is_empty() {
        Pass
    } else {
        Fail(format!(
            "serial number(s) listed more than once: {}",
            dup.join(", ")
        ))
    }
}

pub(crate) fn revoked_serial_not_positive(c: &Crl) -> Verdict {
    let bad: Vec<String> = c
        .revoked_serials
        .iter()
        .filter(|s| is_negative(s) || is_zero(s))
        .map(|s| hex(s))
        .collect();
    if bad.is_empty() {
        Pass
    } else {
        Fail(format!(
            "revoked serial number(s) zero or negative: {}",
            bad.join(", ")
        ))
    }
}

pub(crate) fn valid_reason_code(c: &Crl) -> Verdict {
    let mut unspecified = false;
    for entry in c.tbs.revoked_certificates.iter().flatten() {
        for e in entry.crl_entry_extensions.iter().flatten() {
            if e.extn_id != oid::ID_CE_CRL_REASONS {
                continue;
            }
            match enumerated(e.extn_value.as_bytes()) {
                None => return At(Severity::Fatal, "a reasonCode is not an ENUMERATED".into()),
                Some(code) if code == 7 || code > 10 => {
                    return Fail(format!(
                        "reason code {code} is not defined by RFC 5280 §5.3.1"
                    ));
                }
                Some(0) => unspecified = true,
                Some(_) => {}
            }
        }
    }
    if unspecified {
        return At(
            Severity::Warn,
            "an entry's reasonCode is unspecified (0); the extension SHOULD be absent instead"
                .into(),
        );
    }
    Pass
}

pub(crate) fn revocation_time_after_this_update(c: &Crl) -> Verdict {
    let this_update = c.tbs.this_update.to_unix_duration();
    let late = c
        .tbs
        .revoked_certificates
        .iter()
        .flatten()
        .filter(|r| r.revocation_date.to_unix_duration() > this_update)
        .count();
    if late > 0 {
        return Fail(format!("{late} revocation date(s) after thisUpdate"));
    }
    Pass
}
