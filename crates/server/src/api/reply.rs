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
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue};
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

    /// A refusal of ours that cfssl does not make (docs/differences.md #31): 403, code 403.
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

/// What `serve` answers a request with, before it becomes a hyper response: the status,
/// the `Content-Type`, the body, and the two headers Go adds to some of its answers.
///
/// It is a plain value (no hyper body) so that [`super::ApiService::answer`] can be called
/// and checked without a socket or a runtime; [`Answer::into_response`] is the one place
/// it becomes the HTTP response the socket path sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    /// `X-Content-Type-Options: nosniff` (Go's `http.Error` and `http.NotFound`).
    nosniff: bool,
    /// `Connection: close` (Go's canned answer to a request target it cannot parse).
    close: bool,
}

/// Go's `http.Error` and `http.NotFound` content type.
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

impl Answer {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type`: `application/json` for a success, Go's
    /// `text/plain; charset=utf-8` for everything else (cfssl sends its error envelopes
    /// with `http.Error`).
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body: a cfssl envelope, or Go's canned `404 page not found` / `400 Bad Request`
    /// text for a request that reaches no handler.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Go's `http.NotFound`: 404, body `404 page not found\n` (routing.rs's answer).
    pub(crate) fn go_not_found() -> Answer {
        Answer {
            status: StatusCode::NOT_FOUND,
            content_type: TEXT_PLAIN,
            body: Bytes::from_static(crate::routing::NOT_FOUND_BODY.as_bytes()),
            nosniff: true,
            close: false,
        }
    }

    /// Go's answer to a request target whose path does not unescape: 400, body
    /// `400 Bad Request`, `Connection: close` (routing.rs's answer).
    pub(crate) fn go_bad_request() -> Answer {
        Answer {
            status: StatusCode::BAD_REQUEST,
            content_type: TEXT_PLAIN,
            body: Bytes::from_static(crate::routing::BAD_REQUEST_BODY.as_bytes()),
            nosniff: false,
            close: true,
        }
    }

    /// The hyper response: `Content-Type`, then `X-Content-Type-Options`, then `Connection`,
    /// in the order Go's answers (and routing.rs's) insert them.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if self.nosniff {
            headers.insert(
                "x-content-type-options",
                HeaderValue::from_static("nosniff"),
            );
        }
        if self.close {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// The answer for an outcome.
pub(crate) fn respond(outcome: &Result<Success, Failure>) -> Answer {
    match outcome {
        Ok(success) => {
            let mut envelope = Envelope::ok(success.result.clone());
            for (code, message) in &success.messages {
                envelope = envelope.with_message(ResponseMessage {
                    code: *code,
                    message: message.clone(),
                });
            }
            Answer {
                status: StatusCode::OK,
                content_type: "application/json",
                body: Bytes::from(envelope.to_body()),
                nosniff: false,
                close: false,
            }
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
pub(crate) fn go_http_error(status: StatusCode, body: String) -> Answer {
    Answer {
        status,
        content_type: TEXT_PLAIN,
        body: Bytes::from(body),
        nosniff: true,
        close: false,
    }
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

    /// The canned answers as `Answer`s become the responses routing.rs writes for the other
    /// servers (same status, same headers in the same order; the bodies are shared constants).
    #[test]
    fn canned_answers_match_routing() {
        let pairs = [
            (
                Answer::go_not_found().into_response(),
                crate::routing::go_not_found(),
            ),
            (
                Answer::go_bad_request().into_response(),
                crate::routing::go_bad_request(),
            ),
        ];
        for (ours, routing) in pairs {
            assert_eq!(ours.status(), routing.status());
            let names = |r: &Response<Full<Bytes>>| {
                r.headers()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(&ours), names(&routing));
        }
        let error = go_http_error(StatusCode::FORBIDDEN, "Invalid CN\n".into());
        assert_eq!(error.content_type(), "text/plain; charset=utf-8");
        let response = error.into_response();
        assert_eq!(
            response
                .headers()
                .get("x-content-type-options")
                .map(HeaderValue::as_bytes),
            Some(&b"nosniff"[..])
        );
        let ok = respond(&Ok(Success::new(Value::Bool(true))));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.content_type(), "application/json");
        assert_eq!(ok.into_response().headers().len(), 1);
    }
}
