//! # cfssl-csr: certificate requests the way cfssl makes and reads them
//!
//! This crate owns everything between cfssl's request JSON and a PKCS#10 CSR:
//!
//! * [`CertificateRequest`]: the `CSRJSON` document (`CN`, `names`, `hosts`, `key`, `ca`,
//!   `serialnumber`, …) decoded with Go's `encoding/json` rules (docs/cfssl-compat.md §3.1).
//! * [`SubjectName`]: a subject as Go's `pkix.Name`, re-encoded with Go's fixed RDN order,
//!   multi-valued RDNs and PrintableString/UTF8String choice (docs/cfssl-compat.md §5.6).
//! * [`SubjectAltNames`]: `hosts` classified into IP, e-mail, URI and DNS names in Go's
//!   order of attempts (docs/cfssl-compat.md §5.7).
//! * [`generate`]: the signed CSR (docs/cfssl-compat.md §6), and [`ParsedCsr`]: reading one back, with
//!   the signature check (proof of possession) the signer requires (docs/cfssl-compat.md §5.1 step 3).
//!
//! ```
//! use cfssl_csr::{CertificateRequest, ParsedCsr, generate};
//! use cfssl_keys::PrivateKey;
//!
//! let request = CertificateRequest::from_json(br#"{"CN":"example.net","hosts":["example.net","10.0.0.1"]}"#)?;
//! let key = PrivateKey::generate(request.key.spec()?)?;
//! let csr = generate(&key, &request)?;
//! let parsed = ParsedCsr::from_pem(csr.pem.as_bytes())?;
//! parsed.verify_signature()?;
//! assert_eq!(parsed.sans.dns_names, ["example.net"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod hosts;
pub mod pkcs10;
pub mod request;
pub mod subject;

pub use hosts::SubjectAltNames;
pub use pkcs10::{GeneratedCsr, ParsedCsr, VerifiedCsr, generate};
pub use request::{CaConfig, CertificateRequest, KeyRequest, Name};
pub use subject::SubjectName;

/// Errors of request decoding, CSR building and CSR parsing. [`CsrError::code`] gives the
/// cfssl error code where cfssl reports one (docs/cfssl-compat.md §7.1).
#[derive(Debug, thiserror::Error)]
pub enum CsrError {
    /// The JSON could not be decoded (Go's `encoding/json` message).
    #[error("{0}")]
    Json(String),
    /// A `names[].OID` key has a non-numeric part.
    #[error("invalid OID part {0}")]
    InvalidOidPart(String),
    /// An `extensions[].Id` is not a valid object identifier.
    #[error("{0}")]
    InvalidExtension(String),
    /// `-initca` with no CN and no usable `names`.
    #[error("missing subject information")]
    MissingSubject,
    /// A `ca` block outside CA creation.
    #[error("ca section only permitted in initca")]
    CaNotPermitted,
    /// A host that cannot be put in an IA5String SAN.
    #[error(
        "host {0:?} cannot be encoded: e-mail addresses and URIs in a certificate must be ASCII"
    )]
    NonAsciiHost(String),
    /// A host that looks like an IP address but is not one.
    #[error(
        "invalid IP address {0:?} in hosts: not a valid IPv4/IPv6 address (zones like %eth0 are not allowed in certificates)"
    )]
    InvalidIp(String),
    /// A host that would become a dNSName but is not a host name (hosts.rs module docs).
    #[error("invalid DNS name {host:?}: {reason}")]
    InvalidDnsName {
        /// The host as given.
        host: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An empty item in a comma-separated `-hostname` list (`a,,b`, a trailing comma).
    #[error(
        "-hostname item {position} is empty (a stray comma?); list host names separated by single commas"
    )]
    EmptyHostname {
        /// 1-based position of the empty item.
        position: usize,
    },
    /// A subject attribute value that breaks its X.520 upper bound or syntax (subject.rs
    /// module docs).
    #[error("subject {field} {value:?} {reason}")]
    SubjectAttribute {
        /// The request's name for the attribute (`CN`, `C`, `O`, …).
        field: String,
        /// The value as given.
        value: String,
        /// What is wrong with it, with the bound's source.
        reason: String,
    },
    /// No PEM block in the CSR input.
    #[error("CSR Decode failed")]
    Decode,
    /// A PEM block of another type (a certificate or key where a CSR was expected).
    #[error("not a csr")]
    NotACsr(String),
    /// The CSR DER does not parse.
    #[error("{0}")]
    Parse(String),
    /// The CSR is not signed by its own key.
    #[error("{0}")]
    BadSignature(String),
    /// Key generation, loading or signing failed.
    #[error(transparent)]
    Key(#[from] cfssl_keys::KeyError),
    /// DER encoding failed (lengths out of range).
    #[error("DER encoding failed: {0}")]
    Der(#[from] der::Error),
}

impl CsrError {
    /// cfssl's numeric error code, when cfssl prints this error as `{"code":…}`.
    pub fn code(&self) -> Option<u32> {
        match self {
            CsrError::InvalidOidPart(_) | CsrError::NotACsr(_) | CsrError::BadSignature(_) => {
                Some(9300)
            }
            CsrError::MissingSubject => Some(5300),
            // cfssl's CertificateError + BadRequest, as for a mistyped IP. A non-ASCII host
            // too: cfssl fails it at signing with a 1000 error, or panics making a CSR
            // (docs/cfssl-compat.md §5.7); uncoded, `serve` answered a client's host with
            // 500 (found by fuzz/fuzz_targets/serve_handler.rs).
            CsrError::InvalidIp(_)
            | CsrError::NonAsciiHost(_)
            | CsrError::InvalidDnsName { .. }
            | CsrError::EmptyHostname { .. }
            | CsrError::SubjectAttribute { .. } => Some(1300),
            CsrError::Decode => Some(9002),
            CsrError::Parse(_) => Some(9003),
            CsrError::Key(k) => k.code(),
            CsrError::Json(_)
            | CsrError::InvalidExtension(_)
            | CsrError::CaNotPermitted
            | CsrError::Der(_) => None,
        }
    }
}
