//! Error types whose `Display` is Go's `encoding/json` text.

/// A JSON syntax error, displayed exactly as Go's `*json.SyntaxError`
/// (`invalid character 'b' looking for beginning of object key string`,
/// `unexpected end of JSON input`, …; docs/cfssl-compat.md §3.0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    message: String,
    offset: usize,
}

impl SyntaxError {
    pub(crate) fn new(message: String, offset: usize) -> Self {
        SyntaxError { message, offset }
    }

    /// Number of input bytes read before the error (Go's `SyntaxError.Offset`).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// A typed-decoding error, displayed exactly as Go's `*json.UnmarshalTypeError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The document's root has the wrong JSON type:
    /// `json: cannot unmarshal array into Go value of type csr.CertificateRequest`.
    #[error("json: cannot unmarshal {value} into Go value of type {go_type}")]
    Root {
        /// Go's description of the value: a type word (`array`), or `number <literal>`.
        value: String,
        /// The Go type, e.g. `csr.CertificateRequest`.
        go_type: String,
    },
    /// A field has the wrong JSON type or an unrepresentable number:
    /// `json: cannot unmarshal number into Go struct field CertificateRequest.CN of type string`.
    #[error(
        "json: cannot unmarshal {value} into Go struct field {struct_name}.{path} of type {go_type}"
    )]
    Field {
        /// Go's description of the value: a type word (`number`), or `number 1.5`.
        value: String,
        /// Short name of the root struct type (`CertificateRequest`; empty when the root
        /// was decoded through a pointer, as for cfssl's configuration).
        struct_name: String,
        /// Dotted JSON path of the field from the root, array indices included
        /// (`names.0.C`).
        path: String,
        /// The Go type of the field, e.g. `string`, `int`, `time.Duration`.
        go_type: String,
    },
}

/// Any error from [`crate::parse`] followed by typed decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input is not valid JSON.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The JSON does not fit the Go types.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
