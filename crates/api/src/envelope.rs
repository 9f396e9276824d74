//! The envelope every answer of cfssl's API comes in (cfssl `api.Response`,
//! docs/cfssl-lifecycle.md §7.2):
//!
//! ```text
//! {"success":true,"result":{…},"errors":[],"messages":[]}
//! {"success":false,"result":null,"errors":[{"code":9002,"message":"CSR Decode failed"}],"messages":[]}
//! ```
//!
//! Members in that order, written by Go's `json.Encoder`, so a body ends in `\n`. The HTTP
//! status and content type that go with it are the server's business; this is only the body.

use cfssl_json::{Object, Value};

use crate::ApiError;

/// One entry of `errors` or `messages` (cfssl `api.ResponseMessage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMessage {
    /// cfssl's numeric code (an error code such as 9002, an HTTP status for plain request
    /// errors, 0 for errors cfssl did not classify, 5300 for `newcert`'s hosts warning).
    pub code: i64,
    /// The text.
    pub message: String,
}

impl ResponseMessage {
    /// A message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ResponseMessage {
            code,
            message: message.into(),
        }
    }

    fn to_value(&self) -> Value {
        Value::Object(vec![
            ("code".into(), Value::Number(self.code.to_string())),
            ("message".into(), Value::String(self.message.clone())),
        ])
    }
}

/// An answer: success with a result, or failure with errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Whether the request succeeded.
    pub success: bool,
    /// The result (`null` on failure).
    pub result: Value,
    /// Why it failed (empty on success).
    pub errors: Vec<ResponseMessage>,
    /// Remarks that do not fail the request (`newcert` without hosts).
    pub messages: Vec<ResponseMessage>,
}

impl Envelope {
    /// A success carrying `result`.
    pub fn ok(result: Value) -> Self {
        Envelope {
            success: true,
            result,
            errors: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// A failure with one error.
    pub fn error(code: i64, message: impl Into<String>) -> Self {
        Envelope {
            success: false,
            result: Value::Null,
            errors: vec![ResponseMessage::new(code, message)],
            messages: Vec::new(),
        }
    }

    /// The same envelope with `message` appended to `messages`.
    #[must_use]
    pub fn with_message(mut self, message: ResponseMessage) -> Self {
        self.messages.push(message);
        self
    }

    /// The HTTP body, as cfssl's `json.NewEncoder(w).Encode(response)` writes it: compact,
    /// HTML-safe escapes, and a final `\n`.
    pub fn to_body(&self) -> String {
        let list = |messages: &[ResponseMessage]| {
            Value::Array(messages.iter().map(ResponseMessage::to_value).collect())
        };
        let mut body = Value::Object(vec![
            ("success".into(), Value::Bool(self.success)),
            ("result".into(), self.result.clone()),
            ("errors".into(), list(&self.errors)),
            ("messages".into(), list(&self.messages)),
        ])
        .to_compact();
        body.push('\n');
        body
    }

    /// Reads a body as cfssl's client does (`json.Unmarshal` into `api.Response`): Go's
    /// member-name rules, unknown members ignored, `errors`/`messages` entries with their
    /// `code` and `message`.
    ///
    /// # Errors
    /// Go's text for a body that is not JSON or whose members have the wrong types.
    pub fn parse(body: &[u8]) -> Result<Envelope, ApiError> {
        let doc = cfssl_json::parse(body)?;
        let object = Object::new(
            &doc,
            "api.Response",
            &["success", "result", "errors", "messages"],
        )?;
        let read_messages = |field: &str| -> Result<Vec<ResponseMessage>, ApiError> {
            let entries = object
                .object_array(
                    field,
                    "[]api.ResponseMessage",
                    "api.ResponseMessage",
                    &["code", "message"],
                )?
                .unwrap_or_default();
            entries
                .iter()
                .map(|entry| {
                    Ok(ResponseMessage {
                        code: entry.int("code")?.unwrap_or(0),
                        message: entry.string("message")?.unwrap_or_default(),
                    })
                })
                .collect()
        };
        Ok(Envelope {
            success: object.bool("success")?.unwrap_or(false),
            result: object.raw("result").cloned().unwrap_or(Value::Null),
            errors: read_messages("errors")?,
            messages: read_messages("messages")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cfssls() {
        let ok = Envelope::ok(Value::Object(vec![("healthy".into(), Value::Bool(true))]));
        assert_eq!(
            ok.to_body(),
            "{\"success\":true,\"result\":{\"healthy\":true},\"errors\":[],\"messages\":[]}\n"
        );
        let failed = Envelope::error(9002, "CSR Decode failed");
        assert_eq!(
            failed.to_body(),
            "{\"success\":false,\"result\":null,\"errors\":[{\"code\":9002,\"message\":\"CSR Decode failed\"}],\"messages\":[]}\n"
        );
        // Go's encoder escapes HTML characters.
        let escaped = Envelope::error(400, "Method is not allowed:\"GET\" <x> & y");
        assert!(
            escaped
                .to_body()
                .contains(r#""Method is not allowed:\"GET\" \u003cx\u003e \u0026 y""#)
        );
    }

    #[test]
    fn parse_round_trips_and_follows_go() -> Result<(), ApiError> {
        let sent = Envelope::ok(Value::String("x".into()))
            .with_message(ResponseMessage::new(5300, "no hosts"));
        assert_eq!(Envelope::parse(sent.to_body().as_bytes())?, sent);
        // Case-insensitive names, unknown members ignored, as Go's decoder.
        let loose = Envelope::parse(
            br#"{"Success":true,"RESULT":{"certificate":"c"},"extra":1,"errors":null}"#,
        )?;
        assert!(loose.success);
        assert!(loose.errors.is_empty());
        let bad = Envelope::parse(b"not json").map_err(|e| e.to_string());
        assert_eq!(
            bad,
            Err("invalid character 'o' in literal null (expecting 'u')".into())
        );
        let wrong = Envelope::parse(br#"{"success":"yes"}"#).map_err(|e| e.to_string());
        assert_eq!(
            wrong,
            Err(
                "json: cannot unmarshal string into Go struct field Response.success of type bool"
                    .into()
            )
        );
        Ok(())
    }
}
