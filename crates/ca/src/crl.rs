//! `cfssl gencrl`: a CRL revoking the listed serials (docs/cfssl-compat.md §1.7.8), RFC
//! 5280 conformant where cfssl's is not (CRL Number, AKI = issuer SKI;
//! docs/differences.md #14), with a serial list read strictly (docs/differences.md #16) and
//! an issuer that must be a CA with cRLSign.

use cfssl_keys::SigningKey;
use cfssl_signer::{ParsedCertificate, crl};
use time::{Duration, OffsetDateTime};

use crate::CaError;

/// cfssl's CRL lifetime when none is given: one week.
pub const DEFAULT_LIFETIME: Duration = Duration::weeks(1);

/// What `gencrl` needs.
#[derive(Debug)]
pub struct GenCrl {
    /// The serial list: one serial per line, decimal (cfssl's format).
    pub serials: String,
    /// The CA certificate.
    pub ca: ParsedCertificate,
    /// Its key: a key file's, or a token's.
    pub key: Box<dyn SigningKey>,
    /// Time to nextUpdate; `None` for [`DEFAULT_LIFETIME`].
    pub lifetime: Option<Duration>,
}

/// The CRL, DER.
///
/// # Errors
/// [`CaError::CrlKeyMismatch`] (checked first: cfssl would sign a CRL that verifies
/// against nothing), [`CaError::SerialList`] for a bad line, [`CaError::Sign`] for an
/// issuer without cRLSign or a non-positive lifetime.
pub fn gencrl(input: &GenCrl, now: OffsetDateTime) -> Result<Vec<u8>, CaError> {
    if !input.ca.public_key.matches(input.key.as_ref()) {
        return Err(CaError::CrlKeyMismatch);
    }
    let serials = crl::parse_serial_list(&input.serials).map_err(CaError::SerialList)?;
    Ok(crl::build(
        &serials,
        &input.ca,
        input.key.as_ref(),
        now,
        input.lifetime.unwrap_or(DEFAULT_LIFETIME),
    )?)
}
