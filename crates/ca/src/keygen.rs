//! New keys and their CSRs: cfssl's `genkey` and the first half of `gencert` and
//! `-initca` (cfssl's `csr.ParseRequest`, docs/cfssl-compat.md §1.7.3).

use std::sync::mpsc;
use std::time::Duration;

use cfssl_csr::{CertificateRequest, CsrError, GeneratedCsr};
use cfssl_keys::{KeyError, KeySpec, PrivateKey, SigningKey};

use crate::note::{Log, Note};
use crate::{CaError, RequestError};

/// A new private key and the CSR made with it.
#[derive(Debug)]
pub struct KeyAndCsr {
    /// The new key.
    pub key: PrivateKey,
    /// Its certificate signing request.
    pub csr: GeneratedCsr,
}

/// How long a key may take before the log says it is still being made.
const SLOW_KEY_NOTE_AFTER: Duration = Duration::from_secs(1);

/// `cfssl genkey CSRJSON`: a key and its CSR. A request with a `ca` block is refused: only
/// `-initca` honours it ([`crate::init_ca`]).
///
/// Notes: `generate received request`, then those of [`new_key_and_csr`].
///
/// # Errors
/// [`CsrError::CaNotPermitted`]; [`CaError::Request`] when the key or the CSR cannot be made.
pub fn genkey(request: &CertificateRequest, log: &mut dyn Log) -> Result<KeyAndCsr, CaError> {
    if request.ca.is_some() {
        return Err(CsrError::CaNotPermitted.into());
    }
    log.note(Note::Info("generate received request".into()));
    Ok(new_key_and_csr(request, log)?)
}

/// cfssl's `ParseRequest`: the key the request asks for, then the CSR.
///
/// Notes: `received CSR`, `generating key: …`, a progress note when an RSA key takes more
/// than a second, then those of [`csr_for_key`].
///
/// # Errors
/// The request's key settings, the key generation, or the CSR.
pub fn new_key_and_csr(
    request: &CertificateRequest,
    log: &mut dyn Log,
) -> Result<KeyAndCsr, RequestError> {
    log.note(Note::Info("received CSR".into()));
    log.note(Note::Info(format!(
        "generating key: {}",
        request.key.describe()
    )));
    let key = generate_key(request.key.spec()?, SLOW_KEY_NOTE_AFTER, log)?;
    let csr = csr_for_key(&key, request, log)?;
    Ok(KeyAndCsr { key, csr })
}

/// [`new_key_and_csr`] with the key made by `make_key` instead (e.g. inside a PKCS#11 token,
/// where it stays): the same notes, the CSR signed by the new key.
///
/// # Errors
/// The request's key settings, `make_key`'s error, or the CSR.
pub fn new_key_and_csr_with<K: SigningKey>(
    request: &CertificateRequest,
    make_key: impl FnOnce(KeySpec) -> Result<K, KeyError>,
    log: &mut dyn Log,
) -> Result<(K, GeneratedCsr), RequestError> {
    log.note(Note::Info("received CSR".into()));
    log.note(Note::Info(format!(
        "generating key: {}",
        request.key.describe()
    )));
    let key = make_key(request.key.spec()?)?;
    let csr = csr_for_key(&key, request, log)?;
    Ok((key, csr))
}

/// The CSR for `request` signed by `key` (`gencsr`, re-keying, renewing).
///
/// Notes: the CSR's warnings (changed hosts), then `encoded CSR`, or cfssl's
/// `failed to generate a CSR: …` before the error.
///
/// # Errors
/// What [`cfssl_csr::generate`] refuses.
pub fn csr_for_key(
    key: &dyn SigningKey,
    request: &CertificateRequest,
    log: &mut dyn Log,
) -> Result<GeneratedCsr, CsrError> {
    match cfssl_csr::generate(key, request) {
        Ok(csr) => {
            for w in &csr.warnings {
                log.note(Note::Warning(w.clone()));
            }
            log.note(Note::Info("encoded CSR".into()));
            Ok(csr)
        }
        Err(e) => {
            log.note(Note::Error(format!("failed to generate a CSR: {e}")));
            Err(e)
        }
    }
}

/// Generates a key, with a progress note when it takes longer than `after` (an RSA-4096
/// prime search can take several seconds).
///
/// RSA primes are searched on a worker thread while the calling thread waits and, if the
/// search takes longer than `after`, hands the note to `log` itself. Noting from the
/// caller's thread matters: the caller's log may hold a lock (stderr), and a note written
/// from another thread would wait for it forever (the hang a benchmark found in RSA-4096
/// `gencert -initca`). EC and Ed25519 keys take microseconds and are made inline.
pub(crate) fn generate_key(
    spec: KeySpec,
    after: Duration,
    log: &mut dyn Log,
) -> Result<PrivateKey, KeyError> {
    if !matches!(spec, KeySpec::Rsa { .. }) {
        return PrivateKey::generate(spec);
    }
    let (done, result) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        // The receiver only goes away if the caller is gone; nothing is left to tell.
        let _ = done.send(PrivateKey::generate(spec));
    });
    let key = match result.recv_timeout(after) {
        Ok(key) => key,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            log.note(Note::Info(
                "still generating the key (RSA prime search can take a few seconds)…".into(),
            ));
            result.recv().map_err(|_| KeyError::GenerationFailed)?
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(KeyError::GenerationFailed),
    };
    let _ = worker.join();
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The progress note comes from the calling thread, so a log that holds a lock (here
    /// stderr's, as the binary's may) still gets it.
    #[test]
    fn progress_note_from_the_calling_thread() {
        let _held = std::io::stderr().lock();
        let mut notes = Vec::new();
        let key = generate_key(KeySpec::Rsa { bits: 2048 }, Duration::ZERO, &mut notes);
        assert!(key.is_ok());
        assert!(matches!(notes.as_slice(), [Note::Info(n)] if n.starts_with("still generating")));
        let mut notes = Vec::new();
        let key = generate_key(KeySpec::EcdsaP256, Duration::ZERO, &mut notes);
        assert!(key.is_ok());
        assert!(notes.is_empty());
    }
}
