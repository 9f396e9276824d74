//! What a server's HTTP answer means to the client: cfssl's `server.post` and each
//! endpoint's result check (docs/cfssl-lifecycle.md §9.3), without a socket.
//!
//! [`Remote`](crate::Remote) feeds every answer through these; they are public so the
//! decoding of bytes a server (or anything posing as one) sent can be tested and fuzzed on
//! its own (`fuzz/fuzz_targets/remote_answer.rs`).

use cfssl_api::Envelope;
use cfssl_api::info::InfoResponse;
use cfssl_json::Value;

use crate::{Note, RemoteError};

/// cfssl's `server.post` after the exchange: a status other than 200 is an
/// [`RemoteError::HttpStatus`] carrying the body; a 200 body must be the envelope, and the
/// envelope a success with a non-null `result`.
///
/// # Errors
/// [`RemoteError::HttpStatus`], [`RemoteError::Json`] or [`RemoteError::ServerFailed`];
/// what cfssl logs goes to `log`.
pub fn envelope(
    url: &str,
    status: u16,
    body: &[u8],
    log: &mut dyn FnMut(Note),
) -> Result<Envelope, RemoteError> {
    if status != 200 {
        log(Note::Error(format!("http error with {url}")));
        return Err(RemoteError::HttpStatus {
            url: url.to_owned(),
            status,
            body: String::from_utf8_lossy(body).into_owned(),
        });
    }
    let envelope = Envelope::parse(body).map_err(|e| {
        log(Note::Debug(format!(
            "Unable to parse response body:{}",
            String::from_utf8_lossy(body)
        )));
        RemoteError::Json(e)
    })?;
    if !envelope.success || envelope.result == Value::Null {
        let message = envelope.errors.first().map_or_else(
            || "API client error: Server request failed".to_string(),
            |e| e.message.clone(),
        );
        return Err(RemoteError::ServerFailed { message });
    }
    Ok(envelope)
}

/// `sign`'s result: `{"certificate": PEM}`; cfssl's client wants a non-empty string.
///
/// # Errors
/// [`RemoteError::BadResult`].
pub fn certificate(result: &Value) -> Result<String, RemoteError> {
    let Value::Object(members) = result else {
        return Err(RemoteError::BadResult("response is formatted improperly"));
    };
    match member(members, "certificate") {
        Some(Value::String(pem)) if !pem.is_empty() => Ok(pem.clone()),
        _ => Err(RemoteError::BadResult(
            "response doesn't contain certificate.",
        )),
    }
}

/// `authsign`'s result: cfssl's client checks only that `certificate` is a string.
///
/// # Errors
/// [`RemoteError::AuthResult`].
pub fn authsign_certificate(result: &Value) -> Result<String, RemoteError> {
    let Value::Object(members) = result else {
        return Err(RemoteError::AuthResult);
    };
    match member(members, "certificate") {
        Some(Value::String(pem)) => Ok(pem.clone()),
        _ => Err(RemoteError::AuthResult),
    }
}

/// `info`'s result; `usages` comes back as a list even when the server sent `null`, as
/// cfssl's client makes it.
///
/// # Errors
/// [`RemoteError::BadResult`].
pub fn info(result: &Value) -> Result<InfoResponse, RemoteError> {
    let mut info = InfoResponse::from_result(result)
        .map_err(|_| RemoteError::BadResult("response is formatted improperly"))?;
    info.usages = Some(info.usages.unwrap_or_default());
    Ok(info)
}

/// `revoke`'s result: any object.
///
/// # Errors
/// [`RemoteError::BadResult`].
pub fn revoked(result: &Value) -> Result<(), RemoteError> {
    match result {
        Value::Object(_) => Ok(()),
        _ => Err(RemoteError::BadResult("response is formatted improperly")),
    }
}

/// A member of a decoded Go `map[string]interface{}`: exact name, last duplicate wins.
fn member<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    members
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}
