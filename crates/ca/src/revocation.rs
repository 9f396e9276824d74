//! Revocation from the certificate database: `revoke`, `crl`, `ocsprefresh`, `ocspdump`
//! and `certinfo -serial -aki` (docs/cfssl-lifecycle.md §3–§6).
//!
//! Where cfssl mixes CAs, these do not: one database may hold the rows of several CAs (a
//! root and its intermediates, two signers), and cfssl's `crl` lists every CA's revoked
//! rows under whichever `-ca` it was given, while `ocsprefresh` stops at the first row of
//! another CA after writing some responses. Here the CRL lists, and `ocsprefresh` signs,
//! only the rows whose AKI is the CA's key identifier; the others are reported as notes
//! (docs/differences.md #26).

use cfssl_db::{CertificateRecord, Db};
use cfssl_keys::SigningKey;
use cfssl_ocsp::{CertificateStatus, OcspSignRequest, OcspSigner};
use cfssl_signer::ParsedCertificate;
use cfssl_signer::crl::{CrlEntry, RevokedSerial, build_with_entries};
use time::{Duration, OffsetDateTime};

use crate::CaError;
use crate::ledger::hex_key_id;
use crate::note::{Log, Note};

/// An AKI as cfssl stores it: lower-case hex without separators. cfssl's `revoke` matches
/// the text as given, so `C3:91:…` silently matches nothing; `certinfo` normalises the
/// same way we do (docs/cfssl-lifecycle.md §3, §6; docs/differences.md #27).
pub fn normalize_key_id(aki: &str) -> String {
    aki.chars()
        .filter(|c| *c != ':')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The key identifier certificates issued by `ca` carry as their AKI: its SKI, or the
/// SHA-1 key identifier our signer derives when it has none.
pub fn issuer_key_id(ca: &ParsedCertificate) -> String {
    match &ca.subject_key_id {
        Some(id) => hex_key_id(id),
        None => hex_key_id(&ca.public_key.subject_key_id()),
    }
}

/// `revoke`: marks the row `(serial, aki)` revoked with `reason` (an RFC 5280 CRLReason
/// code) at the database's current time, exactly cfssl's UPDATE (§1.4): revoking again
/// moves `revoked_at` and replaces the reason.
///
/// # Errors
/// [`CaError::Db`]: 11200 `certificate not found`, 11000 for a driver error.
pub fn revoke(db: &mut Db, serial: &str, aki: &str, reason: i32) -> Result<(), CaError> {
    db.revoke(serial, aki, reason)?;
    Ok(())
}

/// `certinfo -db-config -serial -aki`: the one certificate stored under `(serial, aki)`
/// (the AKI normalised as cfssl's certinfo does).
///
/// # Errors
/// `no certificate found`, `more than one certificate found` (cfssl's plain texts, as
/// [`CaError::Lookup`]), or the database's error.
pub fn stored_certificate(
    db: &mut Db,
    serial: &str,
    aki: &str,
) -> Result<CertificateRecord, CaError> {
    let mut rows = db.get_certificate(serial, &normalize_key_id(aki))?;
    match rows.len() {
        0 => Err(CaError::Lookup("no certificate found")),
        1 => Ok(rows.remove(0)),
        _ => Err(CaError::Lookup("more than one certificate found")),
    }
}

/// `crl` from the database: a CRL listing the revoked, unexpired rows of this CA (AKI =
/// its key identifier), each with its revocation date and reason (docs/differences.md
/// #24, #26), signed like `gencrl`'s (#14). Rows of other CAs are left out, with a note.
///
/// # Errors
/// The database's, a stored serial that is not a decimal number, or the CRL signer's.
pub fn crl_from_db(
    db: &mut Db,
    ca: &ParsedCertificate,
    key: &dyn SigningKey,
    now: OffsetDateTime,
    lifetime: Duration,
    log: &mut dyn Log,
) -> Result<Vec<u8>, CaError> {
    let ours = issuer_key_id(ca);
    let mut entries = Vec::new();
    let mut foreign = 0usize;
    for row in db.get_revoked_and_unexpired_certificates()? {
        if row.authority_key_identifier != ours {
            foreign += 1;
            continue;
        }
        let serial = RevokedSerial::from_decimal(&row.serial_number).map_err(|e| {
            CaError::Stored(format!(
                "the database row with serial number {:?} cannot be listed: {e}",
                row.serial_number
            ))
        })?;
        entries.push(CrlEntry {
            serial,
            revoked_at: row.revoked_at,
            reason: row.reason,
        });
    }
    if foreign > 0 {
        log.note(Note::Warning(format!(
            "left out {foreign} revoked certificate(s) of other CAs in the database (their AKI is not \
             this CA's key identifier {ours}); cfssl would list them in this CA's CRL"
        )));
    }
    Ok(build_with_entries(&entries, ca, key, now, lifetime)?)
}

/// `ocsprefresh`: signs a fresh response for every unexpired row of the signer's CA (its
/// status, and for a revoked row its reason and date) and stores it under the row's serial
/// and AKI with expiry = `now` + the interval, the same for every row (§5.3). Rows of other
/// CAs are skipped with a note instead of aborting the run half-way (docs/differences.md
/// #25). Returns how many responses were stored.
///
/// # Errors
/// The database's, a stored PEM that does not parse, or the OCSP signer's (8100, 8200).
pub fn ocsp_refresh(
    db: &mut Db,
    signer: &OcspSigner,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<usize, CaError> {
    let ours = issuer_key_id(signer.issuer());
    let expiry = now
        .checked_add(signer.interval())
        .ok_or_else(|| CaError::Stored("the OCSP interval is out of range".into()))?;
    let mut stored = 0usize;
    let mut foreign = 0usize;
    for row in db.get_unexpired_certificates()? {
        if row.authority_key_identifier != ours {
            foreign += 1;
            continue;
        }
        let certificate = ParsedCertificate::from_pem(row.pem.as_bytes()).map_err(|e| {
            CaError::Stored(format!(
                "the certificate stored with serial number {} does not parse: {e}",
                row.serial_number
            ))
        })?;
        let status = CertificateStatus::from_cfssl(&row.status, row.revoked_at, row.reason)?;
        let body = signer.sign(&OcspSignRequest::new(&certificate, status), now)?;
        db.upsert_ocsp(
            &row.serial_number,
            &row.authority_key_identifier,
            &body,
            expiry,
        )?;
        stored += 1;
    }
    if foreign > 0 {
        log.note(Note::Warning(format!(
            "skipped {foreign} certificate(s) of other CAs in the database (their AKI is not this \
             CA's key identifier {ours}); cfssl would stop at the first of them"
        )));
    }
    Ok(stored)
}

/// `ocspdump`: the unexpired stored responses, in database order (the `-responses` file of
/// `ocspserve` is these, base64, one per line).
///
/// # Errors
/// The database's.
pub fn ocsp_dump(db: &mut Db) -> Result<Vec<Vec<u8>>, CaError> {
    Ok(db
        .get_unexpired_ocsps()?
        .into_iter()
        .map(|row| row.body)
        .collect())
}
