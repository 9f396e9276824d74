//! The one error type of this crate, with cfssl's numeric codes (docs/cfssl-compat.md §7.1).

/// What can go wrong while signing, reading or serving OCSP responses.
///
/// `Display` is the message cfssl prints (inside its `{"code":…}` JSON when [`OcspError::code`]
/// is `Some`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// The certificate's issuer Name is not the issuer certificate's subject (8100).
    #[error("Certificate not issued by this issuer")]
    IssuerMismatch,
    /// The certificate's signature does not verify under the issuer; Go's text (1200, as
    /// cfssl's `Wrap(CertificateError, VerifyFailed, …)`).
    #[error("{0}")]
    VerifyFailed(String),
    /// A status other than `good`, `revoked`, `unknown` (8200).
    #[error("Invalid revocation status")]
    InvalidStatus,
    /// The responder key is not the responder certificate's (2300). cfssl does not check this
    /// and signs responses nobody can verify (docs/differences.md #22).
    #[error("Private key does not match public key")]
    ResponderKeyMismatch,
    /// A non-positive `-interval`: every response would be stale when signed
    /// (docs/differences.md #22).
    #[error("the OCSP interval must be positive, not {0}")]
    InvalidInterval(time::Duration),
    /// A time that GeneralizedTime cannot hold here (before 1970 or after 9999).
    #[error("{what} out of range: {time}")]
    TimeOutOfRange {
        /// Which field.
        what: &'static str,
        /// The value.
        time: time::OffsetDateTime,
    },
    /// Key loading or signing.
    #[error(transparent)]
    Key(#[from] cfssl_keys::KeyError),
    /// A certificate that does not parse (from cfssl-signer's reader).
    #[error(transparent)]
    Certificate(#[from] cfssl_signer::SignError),
    /// An OCSP response that Go's `ocsp.ParseResponse` would refuse; the text says why.
    #[error("{0}")]
    BadResponse(String),
    /// DER encoding failure (not expected for values this crate builds).
    #[error("DER encoding failed: {0}")]
    Der(#[from] der::Error),
}

impl OcspError {
    /// cfssl's numeric code, when cfssl prints this error as `{"code":…}`.
    pub fn code(&self) -> Option<u32> {
        match self {
            OcspError::IssuerMismatch => Some(8100),
            OcspError::InvalidStatus => Some(8200),
            OcspError::VerifyFailed(_) => Some(1200),
            OcspError::ResponderKeyMismatch => Some(2300),
            OcspError::Key(e) => e.code(),
            OcspError::Certificate(e) => e.code(),
            OcspError::InvalidInterval(_)
            | OcspError::TimeOutOfRange { .. }
            | OcspError::BadResponse(_)
            | OcspError::Der(_) => None,
        }
    }
}
