//! # cfssl-api: the wire format of cfssl's HTTP API
//!
//! cfssl's signing service (`cfssl serve`, `multirootca`) and its clients (`cfssl sign
//! -remote`, `gencert -remote`, `info -remote`) talk JSON over HTTP under
//! [`API_PREFIX`]. cfssl-rs has both halves: `cfssl-server` answers, `cfssl-remote`
//! asks. Each half must interoperate with cfssl's other half byte for byte (cfssl's
//! client checks HMAC tokens over the exact request bytes, and parses the envelope), so
//! the format lives here, once, below both — neither half may grow its own copy.
//!
//! What is here, each as cfssl 1.6.5 writes and reads it (docs/cfssl-lifecycle.md §7–§9):
//!
//! * [`envelope`]: `{"success","result","errors","messages"}`, the answer to every request.
//! * [`auth`]: the `standard` HMAC-SHA-256 token and the authenticated request that carries
//!   it (`authsign`).
//! * [`sign`]: the sign request as cfssl's client sends it ([`sign::WireSignRequest`]) and
//!   as cfssl's server reads it ([`sign::ApiSignRequest`]): the two differ (`hostname`,
//!   `bundle`, `NotBefore`, …).
//! * [`info`]: `info`'s request and result.
//! * [`url`]: how a `-remote` address becomes a base URL (cfssl's `normalizeURL`).
//!
//! JSON goes out as Go's `encoding/json` writes it (member order of the Go structs,
//! HTML-safe escapes) and comes in under Go's rules (case-insensitive member names, last
//! duplicate wins), both through `cfssl-json`.
//!
//! ```
//! use cfssl_api::auth::{AuthenticatedRequest, token, verify};
//!
//! let key = [0x00, 0x11, 0x22, 0x33]; // hex-decoded `auth_keys` key
//! let request = br#"{"certificate_request":"...","profile":"authed"}"#;
//! let signed = AuthenticatedRequest::new(&key, request.to_vec());
//! let body = signed.to_json();
//!
//! let received = AuthenticatedRequest::from_json(body.as_bytes())?;
//! assert!(verify(&key, &received.request, &received.token));
//! assert_eq!(received.token, token(&key, request));
//! # Ok::<(), cfssl_api::ApiError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod auth;
pub mod envelope;
mod error;
pub mod info;
pub mod sign;
pub mod url;

pub use envelope::{Envelope, ResponseMessage};
pub use error::ApiError;

/// The path every endpoint of cfssl's API sits under: `/api/v1/cfssl/sign`, …
pub const API_PREFIX: &str = "/api/v1/cfssl/";

/// The full path of `endpoint` (`"sign"` → `/api/v1/cfssl/sign`).
pub fn endpoint_path(endpoint: &str) -> String {
    format!("{API_PREFIX}{endpoint}")
}
