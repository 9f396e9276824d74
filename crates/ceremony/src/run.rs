//! `ceremony run`: the planned certificate, signed.
//!
//! The crate never touches a terminal or a key store itself: the binary supplies a
//! [`KeyStore`] (key files, tokens) and a [`Witness`] (the typed confirmation). The order is
//! fixed so that nothing is signed that was not shown and confirmed:
//! 1. the key is made (root, key) or nothing is opened yet (intermediate, cross-sign);
//! 2. the to-be-signed bytes are computed again from the file, linted, and shown with their
//!    SHA-256;
//! 3. the witness confirms;
//! 4. only then is an existing CA key opened (it must be the issuer certificate's) and the
//!    certificate signed; the signature is verified before it is returned.

use std::path::PathBuf;

use cfssl_keys::{KeySpec, PublicKey, SigningKey};
use cfssl_signer::ParsedCertificate;
use cfssl_signer::certificate::TbsCertificate;

use crate::CeremonyError;
use crate::plan::{Action, KeyLocation, StepPlan, public_key_pem};
use crate::render::{certificate_page, crl_page, tbs_sha256};
use sha2::{Digest as _, Sha256};

/// Where keys come from; implemented by the binary with its key files and tokens.
pub trait KeyStore {
    /// Makes a new key of `spec` to be kept at `at`. A key file is written only when the
    /// whole step succeeds (the binary keeps it until then); a token key made for a step
    /// that then fails is removed again.
    fn make(
        &mut self,
        spec: KeySpec,
        at: &KeyLocation,
    ) -> Result<Box<dyn SigningKey>, CeremonyError>;

    /// Opens an existing key.
    fn open(&mut self, at: &KeyLocation) -> Result<Box<dyn SigningKey>, CeremonyError>;
}

/// What the witnesses are asked to confirm.
#[derive(Debug)]
pub struct Confirmation<'a> {
    /// The certificate page (every field of the to-be-signed certificate), or a key
    /// step's description.
    pub page: &'a str,
    /// The SHA-256 of the to-be-signed bytes; `None` for a key step, which signs nothing.
    pub tbs_sha256: Option<&'a str>,
    /// Lint results that did not stop the step (accepted or informational).
    pub lint_notes: &'a [String],
}

/// Asks the humans in the room.
pub trait Witness {
    /// Returns `Ok(())` to go on; an error stops the step before any signature.
    fn confirm(&mut self, confirmation: &Confirmation<'_>) -> Result<(), CeremonyError>;
}

/// A file the step makes.
#[derive(Clone, Debug)]
pub struct MadeFile {
    /// Where it goes.
    pub path: PathBuf,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// What a run made.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Files to write (besides a new key file, which the key store holds).
    pub files: Vec<MadeFile>,
    /// SHA-256 of each to-be-signed structure that was signed, hex.
    pub tbs_sha256: Vec<String>,
    /// Lint results that did not stop the step.
    pub lint_notes: Vec<String>,
}

/// Runs a planned step.
pub fn run(
    plan: &StepPlan,
    keys: &mut dyn KeyStore,
    witness: &mut dyn Witness,
) -> Result<Outcome, CeremonyError> {
    match &plan.action {
        Action::Root { key, certificate } => {
            let new_key = keys.make(key.spec, &key.location)?;
            let public_key = new_key.public_key();
            let tbs = certificate.to_be_signed(public_key.clone())?;
            let der = sign_confirmed(plan, &tbs, witness, &*new_key, &public_key)?;
            Ok(certificate_outcome(plan, der, &tbs))
        }
        Action::Signed {
            issuer,
            issuer_key,
            tbs,
        } => {
            let lint_notes = crate::lint::check(&tbs.to_der()?, &plan.ignored_lints)?;
            let page = certificate_page(tbs, true)?;
            let hash = tbs_sha256(tbs)?;
            witness.confirm(&Confirmation {
                page: &page,
                tbs_sha256: Some(&hash),
                lint_notes: &lint_notes,
            })?;
            let key = open_issuer_key(plan, keys, issuer, issuer_key)?;
            let der = tbs.sign(&*key, &issuer.public_key)?;
            let mut outcome = certificate_outcome(plan, der, tbs);
            outcome.lint_notes = lint_notes;
            Ok(outcome)
        }
        Action::Crl {
            issuer,
            issuer_key,
            tbs,
        } => {
            let lint_notes = crate::lint::check_crl(tbs.der(), &plan.ignored_lints)?;
            let page = crl_page(tbs.der())?;
            let hash = crate::render::hex(&Sha256::digest(tbs.der()));
            witness.confirm(&Confirmation {
                page: &page,
                tbs_sha256: Some(&hash),
                lint_notes: &lint_notes,
            })?;
            let key = open_issuer_key(plan, keys, issuer, issuer_key)?;
            let der = tbs.sign(&*key, issuer)?;
            let pem = cfssl_csr::pkcs10::pem_encode("X509 CRL", &der);
            let path =
                plan.outputs.last().cloned().ok_or_else(|| {
                    CeremonyError::Internal("a CRL step without its output".into())
                })?;
            Ok(Outcome {
                files: vec![MadeFile {
                    path,
                    contents: pem.into_bytes(),
                }],
                tbs_sha256: vec![hash],
                lint_notes,
            })
        }
        Action::OcspResponse {
            issuer,
            issuer_key,
            tbs,
        } => {
            let page = crate::render::ocsp_page(tbs.der())?;
            let hash = crate::render::hex(&Sha256::digest(tbs.der()));
            witness.confirm(&Confirmation {
                page: &page,
                tbs_sha256: Some(&hash),
                lint_notes: &[],
            })?;
            let key = open_issuer_key(plan, keys, issuer, issuer_key)?;
            let der = tbs
                .sign(&*key)
                .map_err(|e| CeremonyError::Key(format!("signing the OCSP response: {e}")))?;
            let path =
                plan.outputs.last().cloned().ok_or_else(|| {
                    CeremonyError::Internal("an OCSP step without its output".into())
                })?;
            Ok(Outcome {
                files: vec![MadeFile {
                    path,
                    contents: der,
                }],
                tbs_sha256: vec![hash],
                lint_notes: Vec::new(),
            })
        }
        Action::Key { key } => {
            let page = crate::render::plan_page(plan)?;
            witness.confirm(&Confirmation {
                page: &page,
                tbs_sha256: None,
                lint_notes: &[],
            })?;
            let new_key = keys.make(key.spec, &key.location)?;
            let pem = public_key_pem(&new_key.public_key());
            let path = plan.outputs.last().cloned().ok_or_else(|| {
                CeremonyError::Internal("a key step without its public key output".into())
            })?;
            Ok(Outcome {
                files: vec![MadeFile {
                    path,
                    contents: pem.into_bytes(),
                }],
                tbs_sha256: Vec::new(),
                lint_notes: Vec::new(),
            })
        }
    }
}

fn sign_confirmed(
    plan: &StepPlan,
    tbs: &TbsCertificate,
    witness: &mut dyn Witness,
    key: &dyn SigningKey,
    issuer_public_key: &PublicKey,
) -> Result<Vec<u8>, CeremonyError> {
    let lint_notes = crate::lint::check(&tbs.to_der()?, &plan.ignored_lints)?;
    let page = certificate_page(tbs, true)?;
    let hash = tbs_sha256(tbs)?;
    witness.confirm(&Confirmation {
        page: &page,
        tbs_sha256: Some(&hash),
        lint_notes: &lint_notes,
    })?;
    Ok(tbs.sign(key, issuer_public_key)?)
}

fn certificate_outcome(plan: &StepPlan, der: Vec<u8>, tbs: &TbsCertificate) -> Outcome {
    let pem = cfssl_csr::pkcs10::pem_encode("CERTIFICATE", &der);
    // The certificate is the last output: a new key file, if any, comes first.
    let path = plan.outputs.last().cloned().unwrap_or_default();
    Outcome {
        files: vec![MadeFile {
            path,
            contents: pem.into_bytes(),
        }],
        tbs_sha256: tbs_sha256(tbs).into_iter().collect(),
        lint_notes: Vec::new(),
    }
}

/// Opens the issuing CA's key, after the witnesses confirmed, and refuses one that is not
/// the issuer certificate's (a swapped key file or token object must not sign).
fn open_issuer_key(
    plan: &StepPlan,
    keys: &mut dyn KeyStore,
    issuer: &ParsedCertificate,
    at: &KeyLocation,
) -> Result<Box<dyn SigningKey>, CeremonyError> {
    let key = keys.open(at)?;
    if !issuer.public_key.matches(&*key) {
        return Err(CeremonyError::Refused {
            file: plan.file.name.clone(),
            message: format!(
                "issuer.key: {} is not the key of the issuer certificate",
                at.describe()
            ),
        });
    }
    Ok(key)
}
