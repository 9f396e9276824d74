//! Root CA creation (cfssl's `initca`, docs/cfssl-compat.md §5.9, §5.10, §5.12, §5.13).
//!
//! cfssl's CA policy is fixed: usages `cert sign` + `crl sign`, expiry 43800h (5 years)
//! unless the request's `ca.expiry` says otherwise, `is_ca`, and the path length from
//! `ca.pathlen`/`ca.pathlenzero`. `-config` and `-profile` never apply to a root. The
//! certificate is issued by its own subject, so it has no authorityKeyIdentifier, and like
//! every CA certificate it keeps only IP SANs.
//!
//! The caller (the CLI) generates the key and the CSR itself so it can log each step as
//! cfssl does; this module turns them into the self-signed certificate.

use cfssl_config::{CaConstraint, Config, GoDuration, SigningProfile};
use cfssl_csr::{CaConfig, CertificateRequest, Name, VerifiedCsr};
use cfssl_keys::SigningKey;
use time::OffsetDateTime;

use crate::certificate::ParsedCertificate;
use crate::local::{fill_from_profile, template_from_csr, validity_policy};
use crate::template::{Issuer, random_serial};
use crate::{Issued, SignError, validity};

/// The policy a root is made under, plus informational notes for the log.
#[derive(Clone, Debug)]
pub struct CaPolicy {
    /// A policy whose default profile is cfssl's `CAPolicy()` adjusted by the `ca` block.
    pub config: Config,
    /// INFO-level notes (`ignore invalid 'pathlenzero' value`).
    pub notes: Vec<String>,
}

/// cfssl's `CAPolicy()` adjusted by the request's `ca` block. `honour_backdate_and_crl` is
/// false for `-initca -ca-key`, which ignores `ca.backdate` and `crl_url` (docs/cfssl-compat.md §5.12).
pub fn ca_policy(
    request: &CertificateRequest,
    honour_backdate_and_crl: bool,
) -> Result<CaPolicy, SignError> {
    let mut profile = SigningProfile {
        usages: vec!["cert sign".into(), "crl sign".into()],
        expiry: GoDuration(43800 * 3600 * 1_000_000_000),
        expiry_text: "43800h".into(),
        ca_constraint: CaConstraint {
            is_ca: true,
            max_path_len: 0,
            max_path_len_zero: false,
        },
        ..SigningProfile::default()
    };
    let mut notes = Vec::new();
    if let Some(ca) = &request.ca {
        if !ca.expiry.is_empty() {
            profile.expiry = ca
                .expiry
                .parse::<GoDuration>()
                .map_err(|e| SignError::Input(e.to_string()))?;
            profile.expiry_text = ca.expiry.clone();
        }
        if honour_backdate_and_crl && !ca.backdate.is_empty() {
            profile.backdate = Some(
                ca.backdate
                    .parse::<GoDuration>()
                    .map_err(|e| SignError::Input(e.to_string()))?,
            );
        }
        profile.ca_constraint.max_path_len = ca.path_length;
        if ca.path_length != 0 && ca.path_len_zero {
            notes.push("ignore invalid 'pathlenzero' value".into());
        } else {
            profile.ca_constraint.max_path_len_zero = ca.path_len_zero;
        }
    }
    if honour_backdate_and_crl && !request.crl_url.is_empty() {
        profile.crl_url = request.crl_url.clone();
    }
    let mut config = Config::default_policy();
    config.signing.default = profile;
    config.signing.profiles.clear();
    Ok(CaPolicy { config, notes })
}

/// Self-signs the root's CSR (cfssl's `local.Signer.Sign` with no CA certificate).
pub fn self_sign(
    csr: &VerifiedCsr,
    key: &dyn SigningKey,
    policy: &CaPolicy,
    now: OffsetDateTime,
) -> Result<Issued, SignError> {
    if !csr.public_key.matches(key) {
        return Err(SignError::KeyMismatch);
    }
    let profile = &policy.config.signing.default;
    let mut template = template_from_csr(csr, profile);
    let mut warnings = Vec::new();
    template.serial = random_serial()?;
    fill_from_profile(
        &mut template,
        profile,
        "",
        None,
        &policy.config,
        &mut warnings,
    )?;
    let validity = validity::compute(&validity_policy(profile, &policy.config, true), now, None)?;
    warnings.extend(validity.warnings);
    template.not_before = validity.not_before;
    template.not_after = validity.not_after;
    let subject_der = template.subject.to_der()?;
    let issuer = Issuer {
        subject_der,
        subject_key_id: Some(template.public_key.subject_key_id().to_vec()),
        key,
        public_key: &csr.public_key,
    };
    template.issue(&issuer, warnings)
}

/// cfssl's `csr.ExtractCertificateRequest` (docs/cfssl-compat.md §5.13): the request that re-creates a
/// certificate's subject, hosts and CA settings.
pub fn request_from_certificate(cert: &ParsedCertificate) -> CertificateRequest {
    let s = &cert.subject;
    let n = [
        s.country.len(),
        s.organization.len(),
        s.organizational_unit.len(),
        s.locality.len(),
        s.province.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let pick = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
    let names = (0..n)
        .map(|i| Name {
            c: pick(&s.country, i),
            st: pick(&s.province, i),
            l: pick(&s.locality, i),
            o: pick(&s.organization, i),
            ou: pick(&s.organizational_unit, i),
            ..Name::default()
        })
        .collect();
    let sans = &cert.sans;
    let hosts = sans
        .ip_addresses
        .iter()
        .map(cfssl_csr::hosts::go_ip_string)
        .chain(sans.dns_names.iter().cloned())
        .chain(sans.email_addresses.iter().cloned())
        .chain(sans.uris.iter().cloned())
        .collect();
    let ca = cert.is_ca().then(|| {
        let (max, zero) = cert.max_path_len();
        let life = cert.not_after - cert.not_before;
        CaConfig {
            path_length: max,
            path_len_zero: zero,
            expiry: GoDuration::from(life).to_string(),
            backdate: String::new(),
        }
    });
    CertificateRequest {
        cn: s.common_name.clone(),
        names,
        hosts,
        serial_number: s.serial_number.clone(),
        ca,
        ..CertificateRequest::default()
    }
}

/// `gencert -renewca`: a new self-signed certificate for an existing CA certificate and
/// key (cfssl's `initca.RenewFromPEM`). Returns the request used, so the caller can build
/// the CSR with its own logging.
pub fn renewal_request(
    cert: &ParsedCertificate,
    key: &dyn SigningKey,
) -> Result<CertificateRequest, SignError> {
    if !cert.is_ca() {
        return Err(SignError::Input(
            "input certificate is not a CA cert".into(),
        ));
    }
    if !cert.public_key.matches(key) {
        return Err(SignError::RenewKeyMismatch);
    }
    Ok(request_from_certificate(cert))
}
