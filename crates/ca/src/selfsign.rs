//! `cfssl selfsign`: a new key and a certificate signed by itself (docs/cfssl-compat.md
//! §1.7.5).

use cfssl_config::{Config, GoDuration};
use cfssl_csr::CertificateRequest;
use cfssl_signer::selfsign;
use time::OffsetDateTime;

use crate::keygen::{KeyAndCsr, new_key_and_csr};
use crate::note::{self, Log, Note};
use crate::{CaError, Generated};

/// cfssl's `selfsign` validity without `-config`: 2190h (three months).
pub const DEFAULT_EXPIRY: GoDuration = GoDuration(2190 * 3600 * 1_000_000_000);

/// A self-signed certificate for a new key.
#[derive(Clone, Debug, Default)]
pub struct SelfSign {
    /// The certificate request (`CSRJSON`); its `hosts` become the SANs.
    pub request: CertificateRequest,
    /// The profile of the policy (`""` = default).
    pub profile: String,
}

/// Makes the key and the certificate under `policy`'s profile; without a policy, cfssl's
/// default one with a [`DEFAULT_EXPIRY`] validity.
///
/// Notes: `generate received request`, those of [`new_key_and_csr`], then the
/// certificate's warnings and serial number.
///
/// # Errors
/// [`CaError::Request`], an unknown profile ([`CaError::Config`]), a refused certificate.
pub fn selfsign(
    input: &SelfSign,
    policy: Option<&Config>,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Generated, CaError> {
    log.note(Note::Info("generate received request".into()));
    let KeyAndCsr { key, csr } = new_key_and_csr(&input.request, log)?;
    let builtin;
    let policy = match policy {
        Some(policy) => policy,
        None => {
            // A policy made here, not a caller's patched: cfssl's defaults with selfsign's
            // own validity.
            let mut default = Config::default_policy();
            default.signing.default.expiry = DEFAULT_EXPIRY;
            builtin = default;
            &builtin
        }
    };
    let profile = policy.profile(&input.profile)?;
    let certificate = selfsign::sign(
        &csr.verified()?,
        &key,
        profile,
        &input.profile,
        policy.signing.default.expiry,
        now,
    )?;
    note::issued(log, &certificate);
    Ok(Generated {
        certificate,
        csr_pem: csr.pem,
        key,
    })
}
