//! # cfssl-certinfo: what a certificate or CSR holds, as cfssl's `certinfo` prints it
//!
//! `cfssl certinfo` is how many scripts look inside a certificate, so its JSON is part of
//! the interface (docs/cfssl-compat.md §1.7.6):
//!
//! * [`certificate_json`] (`-cert`): cfssl's own `certinfo.Certificate` object — subject and
//!   issuer as `certinfo.Name`, decimal serial, DNS then IP SANs, RFC 3339 validity, the
//!   `helpers.SignatureString` name, `%02X:`-joined key identifiers, the re-encoded PEM;
//! * [`csr_json`] (`-csr`): Go's whole `x509.CertificateRequest` struct as `encoding/json`
//!   marshals it — raw DER slices as base64, Go's enum numbers, big integers as bare JSON
//!   numbers, `null` for empty slices. The signature is not checked, as in cfssl.
//!
//! ```
//! let csr = include_str!("../../../testdata/certinfo/server.csr");
//! let json = cfssl_certinfo::csr_json(csr.as_bytes())?.to_indented("  ");
//! assert!(json.contains("\"SignatureAlgorithm\": 10"));
//! # Ok::<(), cfssl_csr::CsrError>(())
//! ```

#![deny(missing_docs)]

mod certificate;
mod request;
mod signature;

pub use certificate::certificate_json;
pub use request::csr_json;
pub use signature::{go_signature_algorithm, signature_name};
