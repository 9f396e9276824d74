//! Steps 1 and 2 of cfssljson (docs/cfssl-compat.md §2): parse the input and find the payload.

use zeroize::Zeroize;

use super::CfssljsonError;
use crate::CfsslError;
use cfssl_json::Value;

/// The payload of a `null` document or envelope `result`: Go leaves the map nil, which
/// reads as empty.
static NULL: Value = Value::Null;

/// Keys cfssljson turns into files (docs/cfssl-compat.md §2 step 3).
pub(super) const RECOGNISED_KEYS: &[&str] = &[
    "cert",
    "certificate",
    "key",
    "private_key",
    "encrypted_key",
    "csr",
    "certificate_request",
    "result",
    "ocspResponse",
];

/// Parses cfssljson's input.
///
/// Empty or whitespace-only input is [`CfssljsonError::NoInput`] (docs/differences.md #12: it
/// means the command before the pipe failed); anything that is not JSON is
/// [`CfssljsonError::Parse`].
///
/// ```
/// use cfssl_output::{CfssljsonError, parse_input};
/// assert!(matches!(parse_input(b" \n"), Err(CfssljsonError::NoInput)));
/// assert!(matches!(parse_input(b"{bad"), Err(CfssljsonError::Parse { .. })));
/// assert!(parse_input(br#"{"cert":"x"}"#).is_ok());
/// ```
pub fn parse_input(bytes: &[u8]) -> Result<Value, CfssljsonError> {
    // Go's JSON whitespace set.
    if bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Err(CfssljsonError::NoInput);
    }
    cfssl_json::parse(bytes).map_err(|e| CfssljsonError::Parse {
        message: e.to_string(),
    })
}

/// Finds the object whose fields become files (docs/cfssl-compat.md §2 step 2).
///
/// * `bare`: the document itself, which must be an object (or `null`, read as empty);
///   otherwise Go's `json: cannot unmarshal array into Go value of type map[string]interface {}`.
/// * not `bare`: the document is cfssl's API envelope; it is decoded as Go decodes it into
///   `{Success bool; Result map; Errors, Messages []{Code int "int"; Message string}}` (field
///   names case-insensitive, last duplicate wins, wrong types are [`CfssljsonError::Parse`]).
///   `success` not `true` is [`CfssljsonError::RequestFailed`] with the errors' messages, or
///   [`CfssljsonError::NotApiResponse`] when the input is plainly `-bare` material.
/// * either way, a cfssl error object `{"code":N,"message":"…"}` is
///   [`CfssljsonError::Upstream`] (cfssl would write nothing and exit 0 with `-bare`).
///
/// The returned value is an [`Value::Object`] or [`Value::Null`].
///
/// ```
/// use cfssl_output::{CfssljsonError, parse_input, select_payload};
/// let doc = parse_input(br#"{"success":true,"result":{"cert":"C"},"errors":[],"messages":[]}"#)?;
/// let payload = select_payload(&doc, false)?;
/// assert_eq!(cfssl_output::plan_files(payload, "x")?[0].name, "x.pem");
///
/// let failed = parse_input(br#"{"success":false,"errors":[{"code":5100,"message":"m"}]}"#)?;
/// assert_eq!(select_payload(&failed, false).unwrap_err().to_string(), "Request failed:\n\tm");
/// # Ok::<(), CfssljsonError>(())
/// ```
pub fn select_payload(doc: &Value, bare: bool) -> Result<&Value, CfssljsonError> {
    if let Some(error) = as_cfssl_error(doc) {
        return Err(CfssljsonError::Upstream(error));
    }
    if bare {
        return match doc {
            Value::Object(_) | Value::Null => Ok(doc),
            other => Err(type_error(other, None, "map[string]interface {}")),
        };
    }
    let fields = match doc {
        Value::Object(fields) => fields.as_slice(),
        Value::Null => &[],
        other => return Err(type_error(other, None, "main.Response")),
    };
    let envelope = decode_envelope(fields)?;
    if envelope.success {
        return Ok(envelope.result);
    }
    if !envelope.has_success
        && let Some((key, _)) = fields
            .iter()
            .find(|(k, _)| RECOGNISED_KEYS.contains(&k.as_str()) && k != "result")
    {
        return Err(CfssljsonError::NotApiResponse { field: key.clone() });
    }
    Err(CfssljsonError::RequestFailed {
        messages: envelope.messages,
    })
}

/// Overwrites every string in `value` (keys included) with zeros, then clears it: the
/// document may hold a private key.
pub fn wipe_value(value: &mut Value) {
    match value {
        Value::String(s) | Value::Number(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe_value),
        Value::Object(fields) => {
            for (k, v) in fields.iter_mut() {
                k.zeroize();
                wipe_value(v);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

/// `{"code":N,"message":"…"}` with nothing else: the JSON form of a cfssl error (§7.1).
fn as_cfssl_error(doc: &Value) -> Option<CfsslError> {
    let Value::Object(fields) = doc else {
        return None;
    };
    if fields.iter().any(|(k, _)| k != "code" && k != "message") {
        return None;
    }
    let code = match lookup(fields, "code")? {
        Value::Number(n) => n.parse::<u32>().ok()?,
        _ => return None,
    };
    let message = match lookup(fields, "message")? {
        Value::String(s) => s.clone(),
        _ => return None,
    };
    Some(CfsslError { code, message })
}

/// The last value of `key` (Go: a repeated key overwrites).
pub(super) fn lookup<'a>(fields: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Go's `UnmarshalTypeError` text; `path` is the struct field path below `Response`.
fn type_error(v: &Value, path: Option<&str>, go_type: &str) -> CfssljsonError {
    let kind = v.type_word();
    let message = match path {
        None => format!("json: cannot unmarshal {kind} into Go value of type {go_type}"),
        Some(path) => format!(
            "json: cannot unmarshal {kind} into Go struct field Response.{path} of type {go_type}"
        ),
    };
    CfssljsonError::Parse { message }
}

/// The envelope as cfssljson's `Response` struct holds it after `json.Unmarshal`.
struct Envelope<'a> {
    has_success: bool,
    success: bool,
    result: &'a Value,
    messages: Vec<String>,
}

/// Matches a JSON key to a struct field as Go does: exact first, then case-insensitively.
fn field_index(key: &str, names: &[&str]) -> Option<usize> {
    names
        .iter()
        .position(|n| *n == key)
        .or_else(|| names.iter().position(|n| eq_fold(n, key)))
}

fn eq_fold(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Decodes the API envelope; Go keeps decoding after a type mismatch and reports the first.
fn decode_envelope(fields: &[(String, Value)]) -> Result<Envelope<'_>, CfssljsonError> {
    let mut envelope = Envelope {
        has_success: false,
        success: false,
        result: &NULL,
        messages: Vec::new(),
    };
    let mut first_error = None;
    for (key, value) in fields {
        match field_index(key, &["success", "result", "errors", "messages"]) {
            Some(0) => {
                envelope.has_success = true;
                match value {
                    Value::Bool(b) => envelope.success = *b,
                    Value::Null => {}
                    other => note(type_error(other, Some("success"), "bool"), &mut first_error),
                }
            }
            Some(1) => match value {
                Value::Object(_) | Value::Null => envelope.result = value,
                other => note(
                    type_error(other, Some("result"), "map[string]interface {}"),
                    &mut first_error,
                ),
            },
            Some(index @ (2 | 3)) => {
                let name = if index == 2 { "errors" } else { "messages" };
                match decode_messages(value, name) {
                    Ok(messages) if index == 2 => envelope.messages = messages,
                    Ok(_) => {}
                    Err(e) => note(e, &mut first_error),
                }
            }
            _ => {}
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(envelope),
    }
}

/// Keeps the first decoding error, as Go's `saveError` does.
fn note(error: CfssljsonError, first: &mut Option<CfssljsonError>) {
    if first.is_none() {
        *first = Some(error);
    }
}

/// Decodes `[]ResponseMessage` (`{"int": code, "message": text}`; the code is not printed).
fn decode_messages(value: &Value, name: &str) -> Result<Vec<String>, CfssljsonError> {
    let items = match value {
        Value::Array(items) => items,
        Value::Null => return Ok(Vec::new()),
        other => return Err(type_error(other, Some(name), "[]main.ResponseMessage")),
    };
    let mut messages = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut message = String::new();
        match item {
            Value::Null => {}
            Value::Object(fields) => {
                for (key, value) in fields {
                    match (field_index(key, &["int", "message"]), value) {
                        (Some(0), Value::Number(_) | Value::Null) => {}
                        (Some(0), other) => {
                            return Err(type_error(other, Some(&format!("{name}.{i}.int")), "int"));
                        }
                        (Some(1), Value::String(s)) => message = s.clone(),
                        (Some(1), Value::Null) => {}
                        (Some(1), other) => {
                            return Err(type_error(
                                other,
                                Some(&format!("{name}.{i}.message")),
                                "string",
                            ));
                        }
                        _ => {}
                    }
                }
            }
            other => {
                return Err(type_error(
                    other,
                    Some(&format!("{name}.{i}")),
                    "main.ResponseMessage",
                ));
            }
        }
        messages.push(message);
    }
    Ok(messages)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn payload_err(json: &str, bare: bool) -> String {
        let doc = parse_input(json.as_bytes()).expect("valid JSON");
        select_payload(&doc, bare)
            .expect_err("must fail")
            .to_string()
    }

    fn payload_ok(json: &str, bare: bool) -> Value {
        let doc = parse_input(json.as_bytes()).expect("valid JSON");
        select_payload(&doc, bare).expect("must succeed").clone()
    }

    #[test]
    fn empty_input() {
        for input in [&b""[..], b"  ", b"\n\r\t "] {
            assert!(matches!(parse_input(input), Err(CfssljsonError::NoInput)));
        }
        assert!(matches!(
            parse_input(b"\x0c"),
            Err(CfssljsonError::Parse { .. })
        ));
    }

    #[test]
    fn bare_shapes() {
        assert_eq!(payload_ok("null", true), Value::Null);
        assert_eq!(
            payload_ok(r#"{"foo":1}"#, true),
            parse_input(br#"{"foo":1}"#).unwrap()
        );
        assert_eq!(
            payload_err("[1]", true),
            "Failed to parse input: json: cannot unmarshal array into Go value of type map[string]interface {}\n(cfssljson-rs expects the JSON object that cfssl-rs prints on stdout)"
        );
        assert!(payload_err("\"s\"", true).starts_with(
            "Failed to parse input: json: cannot unmarshal string into Go value of type map[string]interface {}\n"
        ));
    }

    #[test]
    fn upstream_error_json() {
        let e = r#"{"code":2400,"message":"RSA key is too weak"}"#;
        for bare in [true, false] {
            assert_eq!(
                payload_err(e, bare),
                "the command before the pipe failed with cfssl error 2400: RSA key is too weak"
            );
        }
        // Not an error object: other keys, or a non-integer code.
        assert_eq!(
            payload_ok(r#"{"code":1,"message":"m","cert":"c"}"#, true).clone(),
            parse_input(br#"{"code":1,"message":"m","cert":"c"}"#).unwrap()
        );
        assert_eq!(
            payload_ok(r#"{"code":1.5,"message":"m"}"#, true),
            parse_input(br#"{"code":1.5,"message":"m"}"#).unwrap()
        );
    }

    #[test]
    fn envelope() {
        assert_eq!(
            payload_ok(
                r#"{"success":true,"result":{"cert":"c"},"errors":[],"messages":[]}"#,
                false
            ),
            parse_input(br#"{"cert":"c"}"#).unwrap()
        );
        // Go matches struct fields case-insensitively.
        assert_eq!(
            payload_ok(r#"{"Success":true,"RESULT":{"cert":"c"}}"#, false),
            parse_input(br#"{"cert":"c"}"#).unwrap()
        );
        assert_eq!(
            payload_ok(r#"{"success":true,"result":null}"#, false),
            Value::Null
        );
        assert_eq!(payload_ok(r#"{"success":true}"#, false), Value::Null);
        // Last duplicate wins.
        assert_eq!(
            payload_err(r#"{"success":true,"success":false}"#, false),
            "Request failed:"
        );
        assert_eq!(
            payload_err(
                r#"{"success":false,"result":null,"errors":[{"code":5100,"message":"Invalid policy"},{"int":1,"message":"x"},null],"messages":[]}"#,
                false
            ),
            "Request failed:\n\tInvalid policy\n\tx\n\t"
        );
        assert_eq!(payload_err("null", false), "Request failed:");
        assert_eq!(payload_err(r#"{"foo":1}"#, false), "Request failed:");
    }

    #[test]
    fn envelope_type_errors() {
        assert!(payload_err(r#"{"success":"yes"}"#, false).starts_with(
            "Failed to parse input: json: cannot unmarshal string into Go struct field Response.success of type bool\n"
        ));
        assert!(payload_err(r#"{"success":true,"result":[]}"#, false).starts_with(
            "Failed to parse input: json: cannot unmarshal array into Go struct field Response.result of type map[string]interface {}\n"
        ));
        assert!(payload_err(r#"{"success":false,"errors":[{"message":5}]}"#, false).starts_with(
            "Failed to parse input: json: cannot unmarshal number into Go struct field Response.errors.0.message of type string\n"
        ));
        assert!(payload_err("[]", false).starts_with(
            "Failed to parse input: json: cannot unmarshal array into Go value of type main.Response\n"
        ));
    }

    #[test]
    fn bare_output_without_bare_flag() {
        assert_eq!(
            payload_err(r#"{"cert":"c","csr":"r","key":"k"}"#, false),
            "Request failed:\n\tinput is not an API response (no \"success\" field, but it has \"cert\"); did you mean -bare?"
        );
        // With a success field, it is an envelope that failed.
        assert_eq!(
            payload_err(r#"{"success":false,"cert":"c"}"#, false),
            "Request failed:"
        );
    }

    #[test]
    fn wipe() {
        let mut v = parse_input(br#"{"key":"secret","a":["x",{"b":"y"}]}"#).unwrap();
        wipe_value(&mut v);
        let Value::Object(fields) = &v else { panic!() };
        assert!(fields.iter().all(|(k, _)| k.is_empty()));
        assert_eq!(fields[0].1, Value::String(String::new()));
    }
}
