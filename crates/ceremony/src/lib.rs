//! # cfssl-ceremony: one reviewed file per key ceremony step
//!
//! A root or intermediate ceremony happens on an offline machine, watched by witnesses who
//! must be able to say what was signed. Following boulder's `ceremony` tool, each step is
//! one file (YAML with comments, or JSON) that everyone reviews beforehand
//! (docs/ceremony.md has the format and a commented example per step):
//!
//! * [`file::read`] reads it strictly: unknown fields, misspelt usages and bad dates are
//!   errors naming the field's path;
//! * [`plan::plan`] turns it into the exact to-be-signed certificate without touching a
//!   private key, refusing unsafe choices with the reason (RSA under 2048 bits, SHA-1, a
//!   CA certificate without keyCertSign, validity outside the issuer's, a path length or
//!   name constraints the issuer does not allow, an existing output file);
//! * [`render::plan_page`] prints every field of it, decoded from the bytes to be signed,
//!   with their SHA-256;
//! * [`run::run`] computes the same bytes again, lints them ([`lint`]), asks the
//!   [`run::Witness`], and signs with a key from the caller's [`run::KeyStore`].
//!
//! The crate never reads the terminal, argv or a password: the binary implements
//! [`run::KeyStore`] and [`run::Witness`].
//!
//! ```
//! let yaml = b"type: key\nkey: {algo: ecdsa, curve: P-256, file: k.pem}\noutputs: {public_key: k.pub}\n";
//! let file = cfssl_ceremony::file::read("02-key.yaml", yaml)?;
//! let dir = std::env::temp_dir().join("cfssl-ceremony-doc-example-that-does-not-exist");
//! let plan = cfssl_ceremony::plan::plan(file, &dir)?;
//! assert!(cfssl_ceremony::render::plan_page(&plan)?.contains("ecdsa-256"));
//! # Ok::<(), cfssl_ceremony::CeremonyError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod file;
pub mod lint;
pub mod plan;
pub mod render;
pub mod run;

/// Why a ceremony step stopped. Nothing has been signed or written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum CeremonyError {
    /// The file is malformed or incomplete (the message starts with the field's path).
    #[error("{file}: {message}")]
    File {
        /// The ceremony file.
        file: String,
        /// Field path and problem.
        message: String,
    },
    /// The file asks for something unsafe; the message gives the reason.
    #[error("{file}: refused: {message}")]
    Refused {
        /// The ceremony file.
        file: String,
        /// Field path, what is refused and why.
        message: String,
    },
    /// The linter found problems the file does not accept.
    #[error("lint: {0}")]
    Lint(String),
    /// The witnesses did not confirm.
    #[error("not confirmed: {0}; nothing was signed")]
    NotConfirmed(String),
    /// A key could not be made or opened (the binary's message).
    #[error("{0}")]
    Key(String),
    /// Building or signing the certificate failed.
    #[error(transparent)]
    Sign(#[from] cfssl_signer::SignError),
    /// Something that should not happen.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<cfssl_csr::CsrError> for CeremonyError {
    fn from(e: cfssl_csr::CsrError) -> Self {
        CeremonyError::Sign(e.into())
    }
}
