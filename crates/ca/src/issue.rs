//! Certificates from a CA: `sign` (an existing CSR), `gencert` (a new key and its
//! certificate) and `sign -batch` (many CSRs, one CA load) — cfssl's `signer/local` path
//! (docs/cfssl-compat.md §1.7.1, §1.7.2, §5.1–§5.3).

use std::sync::Mutex;

use cfssl_csr::{CertificateRequest, GeneratedCsr};
use cfssl_signer::{CsrInput, Issued, LocalSigner, SignRequest};
use time::OffsetDateTime;

use crate::keygen::{KeyAndCsr, genkey};
use crate::note::{self, Log, Note};
use crate::{CaError, Generated};

/// cfssl's `CSRNoHostMessage`, logged as a warning after `gencert` issues a certificate
/// without SANs.
pub const NO_HOSTS_WARNING: &str =
    "This certificate lacks a \"hosts\" field. This makes it unsuitable for
websites. For more information see the Baseline Requirements for the Issuance and Management
of Publicly-Trusted Certificates, v.1.1.6, from the CA/Browser Forum (https://cabforum.org);
specifically, section 10.2.3 (\"Information Requirements\").";

/// `cfssl sign`: a certificate for `request.csr` under `request.profile`.
///
/// Notes: the certificate's warnings, then `signed certificate with serial number …`.
///
/// # Errors
/// [`CaError::Sign`]: the CSR (as [`cfssl_signer::SignError::Csr`]), the profile, the
/// policy, a CA key that is not the certificate's.
pub fn sign(
    signer: &LocalSigner,
    request: &SignRequest,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Issued, CaError> {
    let certificate = signer.sign(request, now)?;
    note::issued(log, &certificate);
    Ok(certificate)
}

/// `cfssl gencert -ca … -ca-key …`: a new key, its CSR and a certificate for it.
#[derive(Clone, Debug, Default)]
pub struct GenCert {
    /// The certificate request (`CSRJSON`). Its `ca` block is refused.
    pub request: CertificateRequest,
    /// `-hostname`: replaces the request's `hosts` in the CSR and in the certificate.
    pub hosts: Option<Vec<String>>,
    /// The signing profile (`""` = default).
    pub profile: String,
    /// `-crl`: the CRL distribution point instead of the profile's.
    pub crl_override: Option<String>,
}

impl GenCert {
    /// The request with `hosts` applied: what the CSR is made from.
    pub fn request_with_hosts(&self) -> CertificateRequest {
        let mut request = self.request.clone();
        if let Some(hosts) = &self.hosts {
            request.hosts = hosts.clone();
        }
        request
    }
}

/// `gencert`: [`genkey`] on [`GenCert::request_with_hosts`], then [`sign_new_csr`].
///
/// # Errors
/// Those of [`genkey`] and [`sign_new_csr`].
pub fn gencert(
    signer: &LocalSigner,
    input: &GenCert,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Generated, CaError> {
    let KeyAndCsr { key, csr } = genkey(&input.request_with_hosts(), log)?;
    let certificate = sign_new_csr(signer, input, &csr, now, log)?;
    Ok(Generated {
        certificate,
        csr_pem: csr.pem,
        key,
    })
}

/// The second half of [`gencert`]: signs the CSR [`genkey`] just made. The `gencert`
/// command calls the halves itself because cfssl loads the CA only after making the key
/// (a missing `-ca` is reported after the key lines, a CA-key password is asked for after
/// them).
///
/// Notes: the certificate's warnings, its serial number, then [`NO_HOSTS_WARNING`] when it
/// has no hosts.
///
/// # Errors
/// [`CaError::Sign`].
pub fn sign_new_csr(
    signer: &LocalSigner,
    input: &GenCert,
    csr: &GeneratedCsr,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Issued, CaError> {
    let certificate = sign(
        signer,
        &SignRequest {
            csr: CsrInput::Verified(Box::new(csr.verified()?)),
            hosts: input.hosts.clone(),
            subject: None,
            profile: input.profile.clone(),
            crl_override: input.crl_override.clone(),
            max_lifetime: None,
            usages: None,
        },
        now,
        log,
    )?;
    if input.request_with_hosts().hosts.is_empty() {
        log.note(Note::Warning(NO_HOSTS_WARNING.into()));
    }
    Ok(certificate)
}

/// `sign -batch DIR` (our extension): many CSRs signed with one CA, on every core.
#[derive(Clone, Debug, Default)]
pub struct SignBatch {
    /// Everything but the CSR, shared by every certificate (`-hostname`, `-profile`).
    pub template: SignRequest,
    /// The CSRs, PEM.
    pub csrs: Vec<Vec<u8>>,
}

/// Signs every CSR of `input` with as many threads as there are cores, all at `now`;
/// results in input order, one per CSR (a bad CSR does not stop the others). Each CSR's
/// proof of possession is still checked. Check the CA key once first with
/// [`LocalSigner::check_key`]: otherwise every CSR fails with the same mismatch.
pub fn sign_batch(
    signer: &LocalSigner,
    input: &SignBatch,
    now: OffsetDateTime,
) -> Vec<Result<Issued, CaError>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(input.csrs.len())
        .max(1);
    let next = Mutex::new(0usize);
    let slots: Vec<Mutex<Option<Result<Issued, CaError>>>> =
        input.csrs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = {
                        let Ok(mut next) = next.lock() else { return };
                        let index = *next;
                        *next += 1;
                        index
                    };
                    let (Some(csr), Some(slot)) = (input.csrs.get(index), slots.get(index)) else {
                        return;
                    };
                    let request = SignRequest {
                        csr: CsrInput::Pem(csr.clone()),
                        ..input.template.clone()
                    };
                    let result = signer.sign(&request, now).map_err(CaError::from);
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(CaError::Sign(cfssl_signer::SignError::Internal(
                    "a signing worker stopped".into(),
                )))
            })
        })
        .collect()
}
