//! Roots: a new one (`gencert -initca`, `genkey -initca`), one re-made for an existing key
//! (`gencert -initca -ca-key`), and one renewed from an existing certificate
//! (`gencert -renewca`). All three self-sign under cfssl's fixed CA policy, adjusted by the
//! request's `ca` block (docs/cfssl-compat.md §5.9–§5.13).

use cfssl_csr::CertificateRequest;
use cfssl_keys::{KeyError, KeySpec, SigningKey};
use cfssl_signer::{Issued, ParsedCertificate, initca};
use time::OffsetDateTime;

use crate::keygen::{KeyAndCsr, csr_for_key, new_key_and_csr, new_key_and_csr_with};
use crate::note::{self, Log, Note};
use crate::{CaError, Generated};

/// `gencert -initca CSRJSON`: a new key and a self-signed root for it.
#[derive(Clone, Debug)]
pub struct InitCa {
    /// The root's subject, key settings and `ca` block.
    pub request: CertificateRequest,
}

/// `gencert -initca -ca-key KEY CSRJSON`: a new root certificate for an existing key
/// (docs/cfssl-compat.md §5.12: `ca.backdate` and `crl_url` are ignored, as in cfssl).
#[derive(Debug)]
pub struct Rekey {
    /// The root's subject and `ca` block (its `key` settings are unused).
    pub request: CertificateRequest,
    /// The root's key: a key file's, or a token's.
    pub key: Box<dyn SigningKey>,
}

/// A re-made root: the certificate and the CSR made with the existing key.
#[derive(Clone, Debug)]
pub struct Rekeyed {
    /// The certificate.
    pub certificate: Issued,
    /// The CSR, PEM.
    pub csr_pem: String,
}

/// `gencert -renewca -ca CERT -ca-key KEY`: the same root, newly dated
/// (docs/cfssl-compat.md §5.13).
#[derive(Debug)]
pub struct Renew {
    /// The root to renew.
    pub certificate: ParsedCertificate,
    /// Its key: a key file's, or a token's.
    pub key: Box<dyn SigningKey>,
}

/// cfssl's `initca.New`: key, CSR and self-signed root.
///
/// Notes: the CA policy's notes, `generate received request`, those of
/// [`new_key_and_csr`], then the certificate's warnings and serial number.
///
/// # Errors
/// [`CaError::InvalidCaRequest`] for a request without a subject, [`CaError::Request`] when
/// the key or CSR cannot be made, [`CaError::Sign`] for a bad `ca` block or a refused
/// certificate.
pub fn init_ca(
    input: &InitCa,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Generated, CaError> {
    let request = &input.request;
    let policy = new_root_policy(request, log)?;
    let KeyAndCsr { key, csr } = new_key_and_csr(request, log)?;
    let certificate = initca::self_sign(&csr.verified()?, &key, &policy, now)?;
    note::issued(log, &certificate);
    Ok(Generated {
        certificate,
        csr_pem: csr.pem,
        key,
    })
}

/// `gencert -initca -key-uri pkcs11:…` (and `genkey -initca -key-uri`): a root for a key
/// made elsewhere, by `make_key`, e.g. inside a PKCS#11 token. Everything [`init_ca`] does, in
/// the same order: the CA policy (with `ca.backdate` and `crl_url`) and the request are
/// checked before `make_key` runs, so a bad request makes no key; then the CSR and the root
/// are signed by the new key. Returns the key with the root.
///
/// # Errors
/// As [`init_ca`]; `make_key`'s error as [`CaError::Request`].
pub fn init_ca_with_new_key<K: SigningKey>(
    request: &CertificateRequest,
    make_key: impl FnOnce(KeySpec) -> Result<K, KeyError>,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<(K, Rekeyed), CaError> {
    let policy = new_root_policy(request, log)?;
    let (key, csr) = new_key_and_csr_with(request, make_key, log)?;
    let certificate = initca::self_sign(&csr.verified()?, &key, &policy, now)?;
    note::issued(log, &certificate);
    Ok((
        key,
        Rekeyed {
            certificate,
            csr_pem: csr.pem,
        },
    ))
}

/// What [`init_ca`] and [`init_ca_with_new_key`] do before any key is made: the CA policy
/// with its notes, then the request's check.
fn new_root_policy(
    request: &CertificateRequest,
    log: &mut dyn Log,
) -> Result<initca::CaPolicy, CaError> {
    let policy = initca::ca_policy(request, true)?;
    for n in &policy.notes {
        log.note(Note::Info(n.clone()));
    }
    log.note(Note::Info("generate received request".into()));
    request
        .validate_for_ca()
        .map_err(|reason| CaError::InvalidCaRequest { reason })?;
    Ok(policy)
}

/// A new root certificate for an existing key (cfssl's `initca.NewFromSigner`).
///
/// Notes: the CA policy's notes, those of [`csr_for_key`], then the certificate's warnings
/// and serial number.
///
/// # Errors
/// A bad `ca` block, a CSR that cannot be made, a refused certificate.
pub fn rekey(input: &Rekey, now: OffsetDateTime, log: &mut dyn Log) -> Result<Rekeyed, CaError> {
    let policy = initca::ca_policy(&input.request, false)?;
    for n in &policy.notes {
        log.note(Note::Info(n.clone()));
    }
    let csr = csr_for_key(input.key.as_ref(), &input.request, log)?;
    let certificate = initca::self_sign(&csr.verified()?, input.key.as_ref(), &policy, now)?;
    note::issued(log, &certificate);
    Ok(Rekeyed {
        certificate,
        csr_pem: csr.pem,
    })
}

/// cfssl's `initca.RenewFromPEM`: the root's subject, hosts and CA settings in a new
/// self-signed certificate.
///
/// Notes: those of [`csr_for_key`], then the certificate's warnings and serial number.
///
/// # Errors
/// A certificate that is not a CA, a key that is not its key (2300), a CSR that cannot be
/// made, a refused certificate.
pub fn renew(input: &Renew, now: OffsetDateTime, log: &mut dyn Log) -> Result<Issued, CaError> {
    let request = initca::renewal_request(&input.certificate, input.key.as_ref())?;
    let policy = initca::ca_policy(&request, false)?;
    let csr = csr_for_key(input.key.as_ref(), &request, log)?;
    let certificate = initca::self_sign(&csr.verified()?, input.key.as_ref(), &policy, now)?;
    note::issued(log, &certificate);
    Ok(certificate)
}
