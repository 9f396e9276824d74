//! The one error type of the crate (docs/architecture.md). Messages never hold the password
//! or key bytes; the caller adds the file names.

use std::fmt;

use cfssl_keys::KeyError;

/// Which certificate of the input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The private key's own certificate.
    Certificate,
    /// The chain's certificate at this position, from 1.
    Chain(usize),
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Which::Certificate => f.write_str("the certificate"),
            Which::Chain(n) => write!(f, "certificate {n} of the chain"),
        }
    }
}

/// Why a PKCS#12 file could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Pkcs12Error {
    /// The private key is not the one the certificate certifies.
    #[error("the private key does not belong to the certificate (their public keys differ)")]
    KeyMismatch,
    /// An input certificate that does not parse as X.509.
    #[error("{which} is not a DER X.509 certificate: {reason}")]
    NotACertificate {
        /// Which one.
        which: Which,
        /// The parser's words.
        reason: String,
    },
    /// The certificate's public key is of a type cfssl-rs does not read.
    #[error("the certificate's public key: {0}")]
    CertificateKey(KeyError),
    /// The private key could not be written as PKCS#8.
    #[error("the private key: {0}")]
    Key(KeyError),
    /// A friendly name a BMPString cannot hold.
    #[error(
        "the name {name:?} has characters a PKCS#12 friendly name (a BMPString) cannot hold: \
         only Unicode's Basic Multilingual Plane (no emoji)"
    )]
    FriendlyName {
        /// The name as given.
        name: String,
    },
    /// The operating system's random number generator failed (salts and IVs).
    #[error("the operating system's random number generator failed")]
    Random,
    /// A cipher or MAC could not be set up or run (not expected with valid parameters).
    #[error("encryption failed: {0}")]
    Encryption(String),
    /// DER encoding or decoding failed.
    #[error("ASN.1: {0}")]
    Der(der::Error),
    /// The input is not a PKCS#12 file of the shape this crate reads.
    #[error("not a PKCS#12 file this reader understands: {0}")]
    Malformed(String),
    /// An algorithm other than the ones this crate writes.
    #[error(
        "{what} uses {algorithm}, which cfssl-rs does not read (it reads what it writes: PBES2 \
         with PBKDF2-HMAC-SHA256 and AES-256-CBC, or pbeWithSHAAnd3-KeyTripleDES-CBC; an \
         HMAC-SHA256 or HMAC-SHA1 MAC)"
    )]
    Unsupported {
        /// What is protected by it.
        what: &'static str,
        /// The algorithm, by name or OID.
        algorithm: String,
    },
    /// An iteration count of 0, or one high enough to burn minutes of CPU.
    #[error("{what}: iteration count {iterations} is outside 1..=10000000")]
    Iterations {
        /// What the count is for.
        what: &'static str,
        /// The count found.
        iterations: u32,
    },
    /// A file without a MAC: its integrity cannot be checked, so it is not read.
    #[error("the file has no MAC (password integrity mode is required)")]
    NoMac,
    /// The MAC does not match: the password is wrong (or the file was altered).
    #[error("wrong password, or the file was altered: the MAC does not match")]
    WrongPassword,
    /// Decryption failed although the MAC matched.
    #[error("cannot decrypt {what}: wrong password or damaged data")]
    Decryption {
        /// What could not be decrypted.
        what: &'static str,
    },
    /// The file just built did not read back as built (a bug; nothing is returned).
    #[error("the PKCS#12 file did not read back as written ({0}); nothing was output")]
    SelfCheck(&'static str),
}

impl From<der::Error> for Pkcs12Error {
    fn from(e: der::Error) -> Self {
        Pkcs12Error::Der(e)
    }
}
