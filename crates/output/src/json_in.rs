//! Temporary JSON input model for cfssljson, shaped like `cfssl_json::Value` so the Go-compatible
//! parser can replace it with a one-line change. Until then syntax errors carry serde_json's
//! wording except for the empty-input case, which uses Go's.

use std::fmt;

/// A parsed JSON document; objects keep every key in input order, duplicates included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written in the input.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: key/value pairs in input order.
    Object(Vec<(String, Value)>),
}

/// The input is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses one JSON document.
pub fn parse(bytes: &[u8]) -> Result<Value, SyntaxError> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => Ok(convert(v)),
        Err(e) => Err(SyntaxError {
            message: if e.is_eof() {
                "unexpected end of JSON input".to_owned()
            } else {
                e.to_string()
            },
        }),
    }
}

fn convert(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.to_string()),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, convert(v))).collect())
        }
    }
}
