//! [`ServerError`]: why a server could not start or keep running.

use std::io;

/// A server that could not start (or whose runtime failed).
///
/// `Display` follows the text Go's `net` package gives for the same failure, because that is
/// what cfssl prints when `ocspserve` cannot listen (`listen tcp 127.0.0.1:80: bind:
/// permission denied`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The listening socket could not be opened.
    #[error("listen tcp {address}: bind: {}", go_errno_text(source))]
    Bind {
        /// `host:port` as Go's `net.JoinHostPort` writes it (IPv6 in brackets).
        address: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The host name of `-address` did not resolve.
    #[error("listen tcp: lookup {host}: {}", resolve_text(source))]
    Resolve {
        /// The host name.
        host: String,
        /// The resolver's error (`None` when it resolved to no address).
        #[source]
        source: Option<io::Error>,
    },
    /// The async runtime could not be built (threads could not be spawned).
    #[error("cannot start the server runtime: {source}")]
    Runtime {
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The TLS settings cannot be used (a file, a key, a version).
    #[error("{0}")]
    Tls(String),
    /// The API server's settings refuse to start (an unsafe exposure, a bad regex).
    #[error("{0}")]
    Refused(String),
    /// SIGINT/SIGTERM handlers could not be installed.
    #[error("cannot watch for SIGINT/SIGTERM: {source}")]
    Signal {
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

impl ServerError {
    /// cfssl's numeric error code. cfssl reports every failure here as Go's plain error text
    /// with no code (its `ListenAndServe` error goes straight to the log), so this is always
    /// `None`; the method exists so every crate's error maps the same way.
    pub fn code(&self) -> Option<u32> {
        None
    }
}

/// Go's `syscall.Errno` strings for the errors `bind(2)` gives; other errors keep the
/// operating system's text without Rust's ` (os error N)` suffix, lower-cased like Go's.
pub(crate) fn go_errno_text(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::AddrInUse => "address already in use".into(),
        io::ErrorKind::AddrNotAvailable => "cannot assign requested address".into(),
        _ => {
            let text = error.to_string();
            let text = match text.find(" (os error") {
                Some(end) => text[..end].to_owned(),
                None => text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

fn resolve_text(error: &Option<io::Error>) -> String {
    match error {
        // Go's resolver says `no such host` for a name that does not exist; getaddrinfo's
        // text differs from system to system, so the kind alone decides.
        Some(e) if e.kind() != io::ErrorKind::Other => go_errno_text(e),
        _ => "no such host".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_errors_read_like_go() {
        let denied = ServerError::Bind {
            address: "127.0.0.1:80".into(),
            source: io::Error::from_raw_os_error(13),
        };
        assert_eq!(
            denied.to_string(),
            "listen tcp 127.0.0.1:80: bind: permission denied"
        );
        let in_use = ServerError::Bind {
            address: "[::1]:8888".into(),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        };
        assert_eq!(
            in_use.to_string(),
            "listen tcp [::1]:8888: bind: address already in use"
        );
        let unknown = ServerError::Resolve {
            host: "nosuchhost.invalid".into(),
            source: None,
        };
        assert_eq!(
            unknown.to_string(),
            "listen tcp: lookup nosuchhost.invalid: no such host"
        );
        assert_eq!(unknown.code(), None);
    }

    #[test]
    fn other_os_errors_lose_rusts_suffix() {
        // EINVAL
        let text = go_errno_text(&io::Error::from_raw_os_error(22));
        assert_eq!(text, "invalid argument");
    }
}
