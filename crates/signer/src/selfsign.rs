//! Self-signed leaf certificates (cfssl's `selfsign.Sign`, cfssl.md §5.14).
//!
//! Different from the local signer in cfssl's own ways: the serial is a random 63-bit
//! number; notBefore is *unrounded* now − 5 min and notAfter is now + expiry; every CSR
//! extension is copied verbatim after the generated ones (so the SAN, and a `ca` block's
//! BasicConstraints, come from the CSR); AIA carries only the profile's `issuer_urls`; there
//! is no authorityKeyIdentifier. Our differences #2 (short life never born expired) and #3
//! (no keyEncipherment for EC/Ed25519) apply here too.

use cfssl_config::SigningProfile;
use cfssl_csr::VerifiedCsr;
use cfssl_keys::PrivateKey;
use time::{Duration, OffsetDateTime};

use crate::extensions as x;
use crate::template::{Issuer, Template};
use crate::validity::DEFAULT_BACKDATE;
use crate::{Issued, SignError};

/// Self-signs `csr` with `key` under `profile` at `now`.
pub fn sign(
    csr: &VerifiedCsr,
    key: &PrivateKey,
    profile: &SigningProfile,
    default_expiry: cfssl_config::GoDuration,
    now: OffsetDateTime,
) -> Result<Issued, SignError> {
    if !csr.public_key.matches(key) {
        return Err(SignError::KeyMismatch);
    }
    let usages = profile.usages();
    if usages.key_usage.is_empty() && usages.ext_key_usages.is_empty() {
        return Err(SignError::NoKeyUsage);
    }
    let expiry = if profile.expiry.0 == 0 {
        default_expiry
    } else {
        profile.expiry
    };
    let life = expiry.as_time_duration();
    let mut warnings = Vec::new();
    let backdate = if life > Duration::ZERO && life / 4 < DEFAULT_BACKDATE {
        warnings.push(format!(
            "backdating by {} instead of cfssl's 5m0s so that a certificate living {expiry} is not born expired",
            cfssl_config::GoDuration::from(life / 4)
        ));
        life / 4
    } else {
        DEFAULT_BACKDATE
    };
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let not_before = now - backdate;
    let not_after = now
        .checked_add(life)
        .filter(|t| t.year() <= 9999 && *t > not_before)
        .ok_or_else(|| SignError::InvalidValidity(format!("invalid expiry {expiry}")))?;
    let mut serial = [0u8; 8];
    getrandom::fill(&mut serial).map_err(|e| SignError::Internal(format!("random: {e}")))?;
    serial[0] &= 0x7f;
    let mut subject = csr.subject.clone();
    subject.names.clear();
    let mut template = Template {
        serial: serial.to_vec(),
        subject,
        public_key: csr.public_key.clone(),
        sans: Default::default(),
        not_before,
        not_after,
        key_usage: usages.key_usage,
        ext_key_usages: usages.ext_key_usages,
        is_ca: profile.ca_constraint.is_ca,
        max_path_len: -1,
        max_path_len_zero: false,
        ocsp_urls: Vec::new(),
        issuer_urls: profile.issuer_urls.clone().unwrap_or_default(),
        crl_url: None,
        extra: csr
            .extensions
            .iter()
            .map(|e| x::ext(e.extn_id, e.critical, e.extn_value.as_bytes().to_vec()))
            .collect(),
        subject_key_id: true,
    };
    if let Some(note) = template.drop_key_encipherment_for_non_rsa() {
        warnings.push(note);
    }
    let issuer = Issuer {
        subject_der: Vec::new(),
        subject_key_id: None,
        key,
        public_key: &csr.public_key,
    };
    template.issue(&issuer, warnings)
}
