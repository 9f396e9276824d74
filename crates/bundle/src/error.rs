//! [`BundleError`]: why a bundle could not be made, with cfssl's numeric codes
//! (docs/cfssl-lifecycle.md §11; `errors/error.go`: code = category + reason).

use cfssl_keys::KeyError;

/// Why a bundle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The chain input held no certificate, or text around its PEM blocks that is not PEM
    /// (cfssl 1002 `Failed to decode certificate`).
    #[error("Failed to decode certificate")]
    CertificateDecode,
    /// A PEM block of the chain input is not a certificate (1003 `Failed to parse
    /// certificate`).
    #[error("Failed to parse certificate")]
    CertificateParse,
    /// A PKCS#12 chain input that could not be opened (cfssl reports 1002 for any PKCS#12
    /// failure; we say why).
    #[error("Failed to decode certificate: the PKCS #12 file could not be read: {reason}")]
    Pkcs12 {
        /// What went wrong (wrong password, unsupported scheme, …).
        reason: String,
    },
    /// PKCS#7 (`.p7b`) input, which cfssl reads and cfssl-rs does not (1003;
    /// docs/differences.md #37).
    #[error(
        "Failed to parse certificate: PKCS #7 (.p7b) input is not read by cfssl-rs; convert it \
         with `openssl pkcs7 -print_certs -in FILE`"
    )]
    Pkcs7,
    /// `-ca-bundle` does not parse (4003).
    #[error("Failed to parse root certificate")]
    RootParse,
    /// `-int-bundle` does not parse (3003).
    #[error("Failed to parse intermediate certificate")]
    IntermediateParse,
    /// The private key given with the chain does not parse (2002, 2003, …).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The private key is not the leaf's (2300).
    #[error("Private key does not match public key")]
    KeyMismatch,
    /// The leaf verifies its own signature (1100): cfssl does not bundle a root.
    #[error("Certificate is self signed")]
    SelfSigned,
    /// `force`: the input chain does not verify certificate by certificate (1200).
    #[error("Unable to verify the certificate chain")]
    ForcedChainUnverified,
    /// Path building failed: Go's `x509.Verify` error text, with its refined code (1210 +
    /// Go's `InvalidReason`, 1220 unknown authority, 1200 anything else).
    #[error("{message}")]
    Verify {
        /// cfssl's code.
        code: u32,
        /// Go's error text (and, for an unknown authority whose chain names an issuer URL,
        /// the URL cfssl would have fetched: docs/differences.md #36).
        message: String,
    },
    /// The ubiquity metadata (`-metadata`) could not be read (cfssl ignores a bad file;
    /// docs/differences.md #36).
    #[error("platform metadata failed to load: {reason}")]
    Metadata {
        /// What went wrong.
        reason: String,
    },
}

impl BundleError {
    /// cfssl's numeric error code (docs/cfssl-compat.md §7.1); `None` for our own
    /// plain-text errors.
    pub fn code(&self) -> Option<u32> {
        match self {
            BundleError::CertificateDecode | BundleError::Pkcs12 { .. } => Some(1002),
            BundleError::CertificateParse | BundleError::Pkcs7 => Some(1003),
            BundleError::RootParse => Some(4003),
            BundleError::IntermediateParse => Some(3003),
            BundleError::Key(e) => e.code(),
            BundleError::KeyMismatch => Some(2300),
            BundleError::SelfSigned => Some(1100),
            BundleError::ForcedChainUnverified => Some(1200),
            BundleError::Verify { code, .. } => Some(*code),
            BundleError::Metadata { .. } => None,
        }
    }
}
