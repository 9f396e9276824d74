//! # cfssl-ocsp: OCSP as `cfssl ocspsign`, `ocsprefresh` and `ocspserve` do it
//!
//! cfssl answers "is this certificate revoked?" with OCSP (RFC 6960) responses that it
//! signs ahead of time and serves from a file or its certificate database. Clients
//! (OpenSSL, browsers, Go) check those responses byte by byte, and operators compare them
//! with what cfssl made, so this crate reproduces cfssl 1.6.5 exactly as
//! `docs/cfssl-lifecycle.md §5` records it:
//!
//! * [`asn1`]: the RFC 6960 messages as Rust types (§4.1.1 requests, §4.2.1 responses).
//! * [`OcspSigner`]: cfssl's signer (§5.1): issuer and signature checks (8100, 1200),
//!   responderID by name, producedAt to the minute, thisUpdate to the hour, SHA-1 CertID,
//!   reason 0 left out, the responder certificate included unless it is the issuer.
//! * [`reason_from_cfssl`] and [`RevocationReason`]: revocation reasons as cfssl reads them
//!   from text (§3).
//! * [`respond`], [`ResponseSource`], [`FileSource`]: the responder of `ocspserve` without
//!   the socket (§5.5): the caller's HTTP server hands over method, path, body and
//!   `If-None-Match`, and sends back the status, headers and body it gets.
//! * [`parse_request`], [`parse_response`]: what Go's `x/crypto/ocsp` accepts, the way
//!   cfssl's responder reads requests and stored responses.
//!
//! Like every library crate here (docs/architecture.md) it never prints, reads the
//! environment or touches a socket: log lines come back as data ([`HttpAnswer::notes`],
//! [`FileSource::skipped`]); errors are one type, [`OcspError`], with cfssl's codes.
//!
//! ```no_run
//! use cfssl_keys::PrivateKey;
//! use cfssl_ocsp::{CertificateStatus, OcspSignRequest, OcspSigner};
//! use cfssl_signer::ParsedCertificate;
//!
//! let read = |p: &str| std::fs::read(p);
//! let signer = OcspSigner::new(
//!     ParsedCertificate::from_pem(&read("ca.pem")?)?,
//!     ParsedCertificate::from_pem(&read("ocsp.pem")?)?,
//!     PrivateKey::from_pem(&read("ocsp-key.pem")?)?,
//!     time::Duration::hours(96),
//! )?;
//! let leaf = ParsedCertificate::from_pem(&read("leaf.pem")?)?;
//! let der = signer.sign(
//!     &OcspSignRequest::new(&leaf, CertificateStatus::Good),
//!     time::OffsetDateTime::now_utc(),
//! )?;
//! # let _ = der;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod asn1;
mod der_util;
mod error;
mod reason;
mod responder;
mod response;
mod signer;

pub use asn1::{CertId, CertIdHash};
pub use error::OcspError;
pub use reason::{ReasonError, RevocationReason, reason_from_cfssl};
pub use responder::{
    FileSource, HttpAnswer, HttpRequest, Note, NoteLevel, ResponseSource, SkippedToken,
    decode_get_path, respond,
};
pub use response::{ParsedResponse, RequestError, parse_request, parse_response};
pub use signer::{
    CertificateStatus, OcspSignRequest, OcspSigner, TbsResponse, response_signature_algorithm_for,
};
