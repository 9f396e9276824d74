//! [`ApiError`]: why a message of the API could not be read.

/// A body that does not fit the API's format. `Display` is the text Go's decoder (or
/// cfssl) gives for the same input, because cfssl puts that text into its error
/// envelopes and its clients' error messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// Not JSON, or JSON of the wrong shape (Go's `encoding/json` text).
    #[error(transparent)]
    Json(#[from] cfssl_json::Error),
    /// A `[]byte` member (token, request) that is not standard base64; the text is Go's
    /// (`illegal base64 data at input byte 4`) after the field's decode context.
    #[error(
        "json: cannot unmarshal string into Go struct field {go_struct}.{field} of type []uint8: illegal base64 data at input byte {offset}"
    )]
    Base64 {
        /// The Go struct's short name (`AuthenticatedRequest`).
        go_struct: &'static str,
        /// The JSON member (`token`).
        field: &'static str,
        /// Where the bad input starts, as Go's `base64.CorruptInputError` counts.
        offset: usize,
    },
    /// A `*big.Int` member (`serial`) that is not an integer literal (Go's `math/big` text).
    #[error("math/big: cannot unmarshal {literal:?} into a *big.Int")]
    BigInt {
        /// The member's JSON text.
        literal: String,
    },
    /// An envelope whose `result` is missing a member the caller needs.
    #[error("{0}")]
    Shape(&'static str),
}

impl From<cfssl_json::DecodeError> for ApiError {
    fn from(e: cfssl_json::DecodeError) -> Self {
        ApiError::Json(cfssl_json::Error::Decode(e))
    }
}

impl From<cfssl_json::SyntaxError> for ApiError {
    fn from(e: cfssl_json::SyntaxError) -> Self {
        ApiError::Json(cfssl_json::Error::Syntax(e))
    }
}
