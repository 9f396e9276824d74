//! [`RemoteError`]: why a remote request gave no usable answer, with cfssl's codes.

use cfssl_api::ApiError;
use cfssl_api::url::UrlError;

/// A remote request that failed. `Display` is the message cfssl's client puts in its error
/// JSON, and [`RemoteError::code`] the code (docs/cfssl-lifecycle.md §9.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// A `-remote`/`remotes` address that is not a URL. cfssl logs
    /// `[ERROR] bad url: <reason>` and fails with 5300 `failed to connect to remote`.
    #[error("failed to connect to remote")]
    BadUrl {
        /// The address as given.
        address: String,
        /// Go's parse error.
        reason: UrlError,
    },
    /// No HTTP answer: the connection, TLS handshake or exchange failed, or took too long.
    #[error("failed POST to {url}: Post \"{url}\": {reason}")]
    Transport {
        /// The endpoint URL.
        url: String,
        /// Go's wording of the failure (`dial tcp 127.0.0.1:1: connect: connection refused`).
        reason: String,
    },
    /// An HTTP status other than 200: cfssl's message is the whole body, as received.
    #[error("{body}")]
    HttpStatus {
        /// The endpoint URL (cfssl logs `http error with <url>`).
        url: String,
        /// The status code.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// A 200 answer that is not cfssl's envelope (Go's JSON error text).
    #[error("{0}")]
    Json(ApiError),
    /// A 200 envelope with `success: false` (or no result): the server's first error
    /// message, or cfssl's generic text when it sent none.
    #[error("{message}")]
    ServerFailed {
        /// The server's message.
        message: String,
    },
    /// A successful envelope whose `result` is not what the endpoint returns.
    #[error("{0}")]
    BadResult(&'static str),
    /// `authsign` answered with a result that has no certificate string (cfssl's
    /// `API client JSON config error`, 7200).
    #[error("API client JSON config error")]
    AuthResult,
    /// A TLS input that cannot be used (`-tls-remote-ca`, the client certificate or key, or
    /// no trust store for an `https` remote).
    #[error("{what}: {reason}")]
    Tls {
        /// Which input.
        what: String,
        /// Why.
        reason: String,
    },
    /// The client's I/O runtime could not start.
    #[error("cannot start the network client: {0}")]
    Runtime(String),
}

impl RemoteError {
    /// cfssl's numeric code: 5300 for a bad URL, 7400 for HTTP failures (no answer, a
    /// non-200 status, an answer without a certificate), 7200 for an unreadable answer,
    /// 7500 for a server that reported failure. `None` for local setup errors cfssl has
    /// no code for.
    pub fn code(&self) -> Option<i64> {
        match self {
            RemoteError::BadUrl { .. } => Some(5300),
            RemoteError::Transport { .. }
            | RemoteError::HttpStatus { .. }
            | RemoteError::BadResult(_) => Some(7400),
            RemoteError::Json(_) | RemoteError::AuthResult => Some(7200),
            RemoteError::ServerFailed { .. } => Some(7500),
            RemoteError::Tls { .. } | RemoteError::Runtime(_) => None,
        }
    }
}
