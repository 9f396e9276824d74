//! # cfssl-signer: issuing certificates the way cfssl does, minus its traps
//!
//! * [`LocalSigner`]: a CA certificate + key + signing policy turn a CSR into a certificate
//!   (cfssl's `sign` and `gencert`, docs/cfssl-compat.md §5.1–§5.3).
//! * [`initca`]: self-signed roots, re-keyed roots and renewals (docs/cfssl-compat.md §5.9–§5.13).
//! * [`ParsedCertificate`]: the certificates we are handed (`-ca`, `certinfo -cert`).
//!
//! Certificates are assembled by hand ([`certificate::TbsCertificate`]) so that every byte
//! — extension order and criticality, string types, time encodings — is the one Go's
//! `x509.CreateCertificate` would write for cfssl. Where cfssl is unsafe we differ on
//! purpose, each difference cited from `docs/differences.md` where it is implemented and
//! reported back as a warning in [`Issued::warnings`].
//!
//! ```no_run
//! use cfssl_config::Config;
//! use cfssl_keys::PrivateKey;
//! use cfssl_signer::{CsrInput, LocalSigner, ParsedCertificate, SignRequest};
//!
//! let ca = ParsedCertificate::from_pem(&std::fs::read("ca.pem")?)?;
//! let key = PrivateKey::from_pem(&std::fs::read("ca-key.pem")?)?;
//! let signer = LocalSigner::new(ca, key, Config::default_policy())?;
//! let issued = signer.sign(
//!     &SignRequest { csr: CsrInput::Pem(std::fs::read("server.csr")?), ..Default::default() },
//!     time::OffsetDateTime::now_utc(),
//! )?;
//! print!("{}", issued.pem);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod certificate;
pub mod crl;
pub mod der_writer;
pub mod extensions;
pub mod initca;
pub mod local;
pub mod name_constraints;
pub mod selfsign;
pub mod subject_override;
pub mod template;
pub mod validity;

pub use certificate::ParsedCertificate;
pub use local::{CsrInput, LocalSigner, SignRequest};
pub use subject_override::SubjectOverride;

/// A certificate we issued.
#[derive(Clone, Debug)]
pub struct Issued {
    /// DER.
    pub der: Vec<u8>,
    /// PEM, newline-terminated.
    pub pem: String,
    /// The serial number in decimal (for cfssl's log line).
    pub serial_decimal: String,
    /// Where we deliberately differed from cfssl for this certificate (log as WARNING).
    pub warnings: Vec<String>,
}

/// Signing errors; [`SignError::code`] gives cfssl's code where cfssl has one.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// Policy loading or selection.
    #[error(transparent)]
    Config(#[from] cfssl_config::ConfigError),
    /// CSR decoding, parsing or signature check.
    #[error(transparent)]
    Csr(#[from] cfssl_csr::CsrError),
    /// Key loading or signing.
    #[error(transparent)]
    Key(#[from] cfssl_keys::KeyError),
    /// No PEM block where a certificate was expected (1002).
    #[error("Failed to decode certificate")]
    CertificateDecode,
    /// A certificate that does not parse (1003).
    #[error("Failed to parse certificate")]
    CertificateParse,
    /// A certificate file with more than one object, e.g. a chain given as `-ca` (1003).
    #[error("the PEM file should contain only one object")]
    CertificateMultiple,
    /// The CA key does not belong to the CA certificate (1000, cfssl's text).
    #[error("x509: provided PrivateKey doesn't match parent's PublicKey")]
    KeyMismatch,
    /// `-renewca` with a key that is not the certificate's (2300).
    #[error("Private key does not match public key")]
    RenewKeyMismatch,
    /// The profile yields no key usage (5100).
    #[error("Invalid policy: no key usage available")]
    NoKeyUsage,
    /// The request breaks the policy (5300); the detail is cfssl's ERROR log line.
    #[error("Policy violation request")]
    PolicyViolation(String),
    /// A name outside the issuing CA's NameConstraints, or constraints the signer cannot
    /// check (5300, like cfssl's other policy refusals; the message names the name).
    #[error("{0}")]
    NameConstraint(String),
    /// The name whitelist rejects a name (5500).
    #[error("Request does not match policy whitelist")]
    Whitelist,
    /// `ClientProvidesSerialNumbers` with no serial (1400).
    #[error("Missing serial number in request")]
    MissingSerial,
    /// A profile served by a remote cfssl.
    #[error("this profile uses a remote signer; cfssl-rs signs offline only")]
    RemoteUnsupported,
    /// The issuer is expired or not yet valid (docs/differences.md #8; code 1211 as Go's
    /// `x509.Expired`).
    #[error("{0}")]
    IssuerExpired(String),
    /// The issuer is not a CA or may not sign certificates (docs/differences.md #8; code 1210 as
    /// Go's `x509.NotAuthorizedToSign`).
    #[error("{0}")]
    IssuerNotCa(String),
    /// A validity we refuse to issue.
    #[error("{0}")]
    InvalidValidity(String),
    /// The profile's `lint_error_level` refuses the to-be-signed certificate: every finding
    /// above the level, not ignored (docs/cfssl-compat.md §5.17). The first words are cfssl's
    /// `LintError` text; cfssl-rs then names each lint. No numeric code: cfssl returns its
    /// `LintError` without one.
    #[error("pre-issuance linting found {} error results: {}", .0.len(), lint_list(.0))]
    Lint(Vec<cfssl_lint::Finding>),
    /// What Go's `x509.CreateCertificate` would refuse (1000).
    #[error("{0}")]
    Certificate(String),
    /// A line of `gencrl`'s serial list that is not a serial number (docs/differences.md #16).
    #[error("line {line} ({content:?}): {reason}")]
    SerialList {
        /// 1-based line number.
        line: usize,
        /// The line, trimmed.
        content: String,
        /// What is wrong with it.
        reason: crate::crl::BadSerial,
    },
    /// Bad user input with a plain-text message (durations, JSON).
    #[error("{0}")]
    Input(String),
    /// Something that should not happen (randomness failure, self-check failure).
    #[error("internal error: {0}")]
    Internal(String),
    /// DER encoding failure.
    #[error("DER encoding failed: {0}")]
    Der(#[from] der::Error),
}

impl SignError {
    /// A signing error, where a key that is not the issuer's becomes [`SignError::KeyMismatch`].
    pub(crate) fn from_signing(e: cfssl_keys::KeyError) -> SignError {
        match e {
            cfssl_keys::KeyError::KeyMismatch => SignError::KeyMismatch,
            e => SignError::Key(e),
        }
    }

    /// cfssl's numeric error code, when cfssl prints this error as `{"code":…}`.
    pub fn code(&self) -> Option<u32> {
        match self {
            SignError::Config(e) => e.code(),
            SignError::Csr(e) => e.code(),
            SignError::Key(e) => e.code(),
            SignError::CertificateDecode => Some(1002),
            SignError::CertificateParse | SignError::CertificateMultiple => Some(1003),
            SignError::KeyMismatch | SignError::Certificate(_) | SignError::InvalidValidity(_) => {
                Some(1000)
            }
            SignError::RenewKeyMismatch => Some(2300),
            SignError::NoKeyUsage => Some(5100),
            SignError::PolicyViolation(_) | SignError::NameConstraint(_) => Some(5300),
            SignError::Whitelist => Some(5500),
            SignError::MissingSerial => Some(1400),
            SignError::RemoteUnsupported => Some(5200),
            SignError::IssuerExpired(_) => Some(1211),
            SignError::IssuerNotCa(_) => Some(1210),
            SignError::SerialList { .. }
            | SignError::Lint(_)
            | SignError::Input(_)
            | SignError::Internal(_)
            | SignError::Der(_) => None,
        }
    }
}

/// `e_a (RFC 5280 §x): message; w_b (…): …` for [`SignError::Lint`].
fn lint_list(findings: &[cfssl_lint::Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {f}", f.severity))
        .collect::<Vec<_>>()
        .join("; ")
}
