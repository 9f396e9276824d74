//! [`CaError`]: the one error type of the workflows. The lower crates' errors are kept
//! whole (a caller can still match on a [`SignError`]), and [`CaError::code`] gives cfssl's
//! numeric code the way theirs do (docs/cfssl-compat.md §7.1).

use cfssl_config::ConfigError;
use cfssl_csr::CsrError;
use cfssl_keys::KeyError;
use cfssl_signer::SignError;

/// Why a workflow failed.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// A certificate request that does not parse or verify, or bad hosts.
    #[error(transparent)]
    Csr(#[from] CsrError),
    /// A key that cannot be generated, decoded or used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The signer refused or failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The signing policy: an unknown profile, a bad setting.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Making the new key or its CSR from a certificate request failed: the stage cfssl
    /// reports as `failed to process request` (`gencert`, `genkey`, `-initca`).
    #[error(transparent)]
    Request(RequestError),
    /// `gencert -initca` with a request that has no subject at all (cfssl's
    /// `initca.New` validation). Prints as cfssl's 1200 "missing subject" error; `reason`
    /// is what the validator found, for cfssl's `invalid request:` warning.
    #[error("{}", CsrError::MissingSubject)]
    InvalidCaRequest {
        /// The validator's finding.
        reason: CsrError,
    },
    /// `gencrl` with a key that is not the CA certificate's: cfssl signs anyway and makes
    /// a CRL that verifies against nothing.
    #[error("the CA private key does not belong to the CA certificate")]
    CrlKeyMismatch,
    /// A line of `gencrl`'s serial list that is not a serial number (docs/differences.md #16).
    #[error(transparent)]
    SerialList(SignError),
    /// The certificate database (cfssl's 5200, 11000, 11100, 11200).
    #[error(transparent)]
    Db(#[from] cfssl_db::DbError),
    /// OCSP signing (8100 not issued by this issuer, 8200 invalid status, key errors).
    #[error(transparent)]
    Ocsp(#[from] cfssl_ocsp::OcspError),
    /// A lookup in the database found no row, or several (cfssl's plain texts).
    #[error("{0}")]
    Lookup(&'static str),
    /// `bundle`: a chain that does not verify, a key that is not the leaf's, unreadable
    /// stores (docs/cfssl-lifecycle.md §11).
    #[error(transparent)]
    Bundle(#[from] cfssl_bundle::BundleError),
    /// A stored value the workflow cannot use (a serial that is not a number, a PEM that
    /// does not parse).
    #[error("{0}")]
    Stored(String),
}

/// Why the key or the CSR of a new certificate request could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The request's `key` or the key generation.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The request's fields or the CSR encoding.
    #[error(transparent)]
    Csr(#[from] CsrError),
}

impl RequestError {
    /// cfssl's numeric error code, if cfssl prints this error as `{"code":…}`.
    pub fn code(&self) -> Option<u32> {
        match self {
            RequestError::Key(e) => e.code(),
            RequestError::Csr(e) => e.code(),
        }
    }
}

impl CaError {
    /// cfssl's numeric error code, if cfssl prints this error as `{"code":…}`
    /// (docs/cfssl-compat.md §7.1); `None` for our own plain-text errors.
    pub fn code(&self) -> Option<u32> {
        match self {
            CaError::Csr(e) => e.code(),
            CaError::Key(e) => e.code(),
            CaError::Sign(e) | CaError::SerialList(e) => e.code(),
            CaError::Config(e) => e.code(),
            CaError::Request(e) => e.code(),
            CaError::InvalidCaRequest { .. } => CsrError::MissingSubject.code(),
            CaError::CrlKeyMismatch => None,
            CaError::Db(e) => e.code(),
            CaError::Ocsp(e) => e.code(),
            CaError::Bundle(e) => e.code(),
            CaError::Lookup(_) | CaError::Stored(_) => None,
        }
    }
}

impl From<RequestError> for CaError {
    fn from(e: RequestError) -> Self {
        CaError::Request(e)
    }
}
