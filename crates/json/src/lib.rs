//! Go `encoding/json`-compatible reading of cfssl's JSON inputs.
//!
//! cfssl reads every JSON input (CSR requests, SUBJECT files, signing configurations) with
//! Go's `encoding/json` (docs/cfssl-compat.md §3.0). A drop-in replacement must accept the same
//! documents and fail with the same texts, which a serde-based reader cannot promise
//! (different error wording, first-key-wins or duplicate rejection, case-sensitive keys,
//! floats for numbers). This crate has three layers:
//!
//! * [`parse`]: bytes → [`Value`], an RFC 8259 parser that keeps object members in document
//!   order with duplicates and numbers as literal text, and whose [`SyntaxError`] reads
//!   exactly like Go's (`invalid character 'b' looking for beginning of object key string`,
//!   `unexpected end of JSON input`, …).
//! * [`Object`]: struct-style typed access with Go's key matching (exact, then
//!   case-insensitive, last key wins, unknown keys ignored) and Go's
//!   [`DecodeError`] texts (`json: cannot unmarshal number into Go struct field
//!   CertificateRequest.CN of type string`).
//! * [`de`]: the same rules and texts behind a serde `Deserializer`, so a Go struct can be
//!   written once as a `#[derive(Deserialize)]` type and decoded with [`from_value`] or
//!   [`from_slice`] (Go type names come from serde names: `#[serde(rename =
//!   "csr.KeyRequest")]`; see the module for the mapping and the limits).
//!
//! ```
//! use cfssl_json::{parse, Object};
//!
//! let doc = parse(br#"{"CN": "example.com", "hosts": ["a.example.com"], "names": [{"C": "US"}]}"#)?;
//! let req = Object::new(&doc, "csr.CertificateRequest", &["CN", "names", "hosts"])?;
//! assert_eq!(req.string("CN")?.as_deref(), Some("example.com"));
//! assert_eq!(req.string_array("hosts")?, Some(vec!["a.example.com".to_string()]));
//! let names = req.object_array("names", "[]csr.Name", "csr.Name", &["C", "ST"])?.unwrap_or_default();
//! assert_eq!(names[0].string("C")?.as_deref(), Some("US"));
//!
//! let err = parse(b"").unwrap_err();
//! assert_eq!(err.to_string(), "unexpected end of JSON input");
//! # Ok::<(), cfssl_json::Error>(())
//! ```
//!
//! # Rules (Go `encoding/json`, as used by cfssl 1.6.5; docs/cfssl-compat.md §3.0, §7.3 rows 8–10, 44)
//!
//! * Syntax is checked for the whole document before any decoding, so a syntax error
//!   anywhere wins over a type error.
//! * Nesting deeper than 10 000 arrays/objects is an error (Go's `maxNestingDepth`); the
//!   parser never recurses, so hostile input cannot overflow the stack.
//! * Invalid UTF-8 inside strings is replaced by U+FFFD one byte at a time; unpaired
//!   surrogate escapes become U+FFFD.
//! * `null` decodes into anything: a no-op for strings, numbers and bools, nil for slices,
//!   maps and pointers.
//! * Numbers into Go integers must be integral and in range; the error then quotes the
//!   literal (`json: cannot unmarshal number 1.5 into …`).
//! * Type-error paths are Go ≥ 1.20's: the root struct's short name, then the dotted JSON
//!   path including array indices (`CertificateRequest.names.0.C`).
//!
//! Where Go passes raw bytes to a custom `UnmarshalJSON` method, [`Value::to_json`]
//! re-encodes the value (escapes inside strings are not preserved).
//!
//! Output goes the other way: [`Value::to_compact`] and [`Value::to_indented`] write what
//! Go's `json.Marshal` / `json.MarshalIndent` write, and [`marshal_string`] one string
//! (docs/cfssl-compat.md §10: HTML-safe escapes, members in the order given).

#![deny(missing_docs)]

pub mod de;
mod decode;
mod encode;
mod error;
mod parse;
mod quote;
pub mod strconv;
mod value;

pub use de::{from_slice, from_value};
pub use decode::Object;
pub use encode::marshal_string;
pub use error::{DecodeError, Error, SyntaxError};
pub use parse::{MAX_DEPTH, parse};
pub use quote::{go_quote, quote_char};
pub use value::Value;
