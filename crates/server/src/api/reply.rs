//! How a handler's outcome becomes an HTTP answer: cfssl's response envelope, its HTTP
//! statuses and error codes, its headers (docs/cfssl-lifecycle.md §7.2).
//!
//! * success: 200, `Content-Type: application/json`, the envelope with `success: true`;
//! * failure: sent like Go's `http.Error`, so `Content-Type: text/plain; charset=utf-8` and
//!   `X-Content-Type-Options: nosniff`, with the envelope as the body. A cfssl coded error
//!   is 400 with its code; a bad request is 400 with code 400; a wrong method 405/405; any
//!   other error 500 with code 0 (cfssl's `HandleError`).
//!
//! The envelope itself (key order, Go's marshalling, the trailing newline) is cfssl-api's.

use cfssl_api::envelope::{Envelope, ResponseMessage};
use cfssl_ca::CaError;
use cfssl_json::Value;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

/// A handler's successful result, with cfssl's informational messages.
#[derive(Debug)]
pub(crate) struct Success {
    pub(crate) result: Value,
    pub(crate) messages: Vec<(i64, String)>,
}

impl Success {
    pub(crate) fn new(result: Value) -> Self {
        Success {
            result,
            messages: Vec::new(),
        }
    }
}

/// A handler's failure: the HTTP status and the envelope's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl Failure {
    /// cfssl's `errors.NewBadRequestString`: 400, code 400.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Failure {
            status: 400,
            code: 400,
            message: message.into(),
        }
    }

    /// Wrong method: 405, code 405, ``Method is not allowed:"GET"`` (Go's `%q`).
    pub(crate) fn method(method: &str) -> Self {
        Failure {
            status: 405,
            code: 405,
            message: format!(
                "Method is not allowed:{}",
                cfssl_json::marshal_string(method)
            ),
        }
    }

    /// A Go error that is not a cfssl error: 500, code 0.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Failure {
            status: 500,
            code: 0,
            message: message.into(),
        }
    }

    /// A refusal of ours that cfssl does not make (docs/differences.md): 403, code 403.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Failure {
            status: 403,
            code: 403,
            message: message.into(),
        }
    }

    /// A workflow error: its cfssl code with 400, or 500 code 0 when cfssl has no code.
    pub(crate) fn from_ca(error: &CaError) -> Self {
        match error.code() {
            Some(code) => Failure {
                status: 400,
                code: i64::from(code),
                message: error.to_string(),
            },
            None => Failure::internal(error.to_string()),
        }
    }

    /// What cfssl's access log prints for this failure: the cfssl code for a coded error,
    /// else the HTTP status.
    pub(crate) fn log_code(&self) -> i64 {
        if self.status == 400 && self.code != 400 && self.code != 0 {
            self.code
        } else {
            i64::from(self.status)
        }
    }
}

impl From<CaError> for Failure {
    fn from(error: CaError) -> Self {
        Failure::from_ca(&error)
    }
}

/// The HTTP answer for an outcome.
pub(crate) fn respond(outcome: &Result<Success, Failure>) -> Response<Full<Bytes>> {
    match outcome {
        Ok(success) => {
            let mut envelope = Envelope::ok(success.result.clone());
            for (code, message) in &success.messages {
                envelope = envelope.with_message(ResponseMessage {
                    code: *code,
                    message: message.clone(),
                });
            }
            let mut response = Response::new(Full::new(Bytes::from(envelope.to_body())));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(failure) => {
            let body = Envelope::error(failure.code, failure.message.clone()).to_body();
            go_http_error(
                StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body,
            )
        }
    }
}

/// Go's `http.Error`: the status, `text/plain; charset=utf-8`, `nosniff`, the body as is.
pub(crate) fn go_http_error(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_like_cfssl() {
        assert_eq!(
            Failure::method("GET").message,
            "Method is not allowed:\"GET\""
        );
        assert_eq!(Failure::bad_request("x").log_code(), 400);
        let coded = Failure {
            status: 400,
            code: 9002,
            message: "CSR Decode failed".into(),
        };
        assert_eq!(coded.log_code(), 9002);
        assert_eq!(Failure::internal("no certificate found").log_code(), 500);
    }
}
