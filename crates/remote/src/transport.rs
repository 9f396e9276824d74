//! One HTTP POST to one server: resolve, connect, TLS for `https`, send, read the answer.
//!
//! cfssl's client is Go's `http.Client` with the request marked `Close` (one connection per
//! request) and, on the command line, no overall timeout (docs/cfssl-lifecycle.md §9.2).
//! Here every step has a bound ([`Timeouts`]), so a server that accepts and then says
//! nothing cannot hang a script. hyper does the HTTP/1.1 (no hand-written parsing);
//! tokio-rustls the TLS.
//!
//! Failures are worded like Go's `net/http` client where cfssl users see them
//! (`dial tcp 127.0.0.1:1: connect: connection refused`), because the cfssl client quotes
//! them inside its 7400 error (docs/cfssl-lifecycle.md §9.3).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

/// How long each step may take.
///
/// cfssl's Go client dials for up to 30 s per address and then waits forever; these bounds
/// keep the command line responsive while leaving a slow signer (an RSA-4096 CA behind a
/// busy HSM) plenty of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Resolving the name plus opening the TCP connection, per address tried.
    pub connect: Duration,
    /// The whole request: connection, TLS handshake, sending, and the complete answer.
    pub request: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 60 s for the whole request.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
        }
    }
}

/// The largest answer read: a signed certificate is a few KiB and a bundle a few tens;
/// anything far larger is not a cfssl answer.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Where to send the request.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// `https` (true) or `http`.
    pub https: bool,
    /// Host name or IP address as written in the URL (IPv6 without brackets).
    pub host: &'a str,
    /// Port.
    pub port: u16,
    /// `host[:port]` as written in the URL (IPv6 in brackets): the `Host` header, as Go
    /// sends it.
    pub authority: &'a str,
    /// The request path (`/api/v1/cfssl/sign`).
    pub path: &'a str,
}

/// A complete HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The body, as received.
    pub body: Vec<u8>,
}

/// Why no answer came: the text Go's client would put after `Post "<url>": `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportFailure(pub String);

/// POSTs `body` as `application/json` to `target` and returns the whole answer.
pub async fn post(
    target: &Target<'_>,
    body: Vec<u8>,
    tls: Option<Arc<rustls::ClientConfig>>,
    timeouts: Timeouts,
) -> Result<Answer, TransportFailure> {
    match tokio::time::timeout(timeouts.request, exchange(target, body, tls, timeouts)).await {
        Ok(result) => result,
        Err(_) => Err(TransportFailure(format!(
            "no complete answer within {:?} (the request timeout)",
            timeouts.request
        ))),
    }
}

async fn exchange(
    target: &Target<'_>,
    body: Vec<u8>,
    tls: Option<Arc<rustls::ClientConfig>>,
    timeouts: Timeouts,
) -> Result<Answer, TransportFailure> {
    let tcp = connect(target.host, target.port, timeouts.connect).await?;
    if target.https {
        let Some(config) = tls else {
            return Err(TransportFailure(
                "https remote without a TLS configuration".to_string(),
            ));
        };
        let name = ServerName::try_from(target.host.to_string()).map_err(|_| {
            TransportFailure(format!(
                "tls: {:?} is not a DNS name or IP address",
                target.host
            ))
        })?;
        let stream = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| TransportFailure(format!("tls: {}", tls_reason(&e))))?;
        send(target, body, stream).await
    } else {
        send(target, body, tcp).await
    }
}

/// Go's `dial tcp`: every address the name resolves to, in order; the first failure is the
/// one reported, as Go's serial dialer does.
async fn connect(host: &str, port: u16, limit: Duration) -> Result<TcpStream, TransportFailure> {
    let addresses: Vec<SocketAddr> =
        match tokio::time::timeout(limit, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(found)) => found.collect(),
            Ok(Err(e)) => {
                return Err(TransportFailure(format!(
                    "dial tcp: lookup {host}: {}",
                    lookup_reason(&e)
                )));
            }
            Err(_) => {
                return Err(TransportFailure(format!(
                    "dial tcp: lookup {host}: i/o timeout"
                )));
            }
        };
    let mut first_failure = None;
    for address in &addresses {
        match tokio::time::timeout(limit, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => {
                first_failure.get_or_insert_with(|| {
                    format!("dial tcp {address}: connect: {}", connect_reason(&e))
                });
            }
            Err(_) => {
                first_failure.get_or_insert_with(|| format!("dial tcp {address}: i/o timeout"));
            }
        }
    }
    Err(TransportFailure(first_failure.unwrap_or_else(|| {
        format!("dial tcp: lookup {host}: no such host")
    })))
}

/// The reason as Go's syscall error prints it (`connection refused`), not Rust's
/// `Connection refused (os error 111)`.
fn connect_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused".to_string(),
        ErrorKind::HostUnreachable => "no route to host".to_string(),
        ErrorKind::NetworkUnreachable => "network is unreachable".to_string(),
        ErrorKind::AddrNotAvailable => "cannot assign requested address".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => strip_os_error(&e.to_string()),
    }
}

fn lookup_reason(e: &std::io::Error) -> String {
    let text = strip_os_error(&e.to_string());
    if text.contains("not known") || text.contains("No address associated") {
        "no such host".to_string()
    } else {
        text
    }
}

/// `Connection reset by peer (os error 104)` → `connection reset by peer`.
fn strip_os_error(text: &str) -> String {
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// rustls's reason, without the `io::Error` wrapping around it.
fn tls_reason(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

async fn send<S>(target: &Target<'_>, body: Vec<u8>, stream: S) -> Result<Answer, TransportFailure>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let failed = |e: hyper::Error| TransportFailure(http_reason(&e));
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(failed)?;
    // The connection task ends when the answer is complete (the request says `close`).
    let driver = tokio::spawn(connection);
    let request = hyper::Request::post(target.path)
        .header(hyper::header::HOST, target.authority)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::CONNECTION, "close")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| TransportFailure(format!("bad request: {e}")))?;
    let response = sender.send_request(request).await.map_err(failed)?;
    let status = response.status().as_u16();
    let collected = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                TransportFailure(format!(
                    "answer larger than {MAX_RESPONSE_BYTES} bytes: not a cfssl answer"
                ))
            } else {
                TransportFailure(format!("reading the answer: {e}"))
            }
        })?;
    driver.abort();
    Ok(Answer {
        status,
        body: collected.to_bytes().to_vec(),
    })
}

/// Go's texts for the common ways an HTTP exchange breaks.
fn http_reason(e: &hyper::Error) -> String {
    if e.is_incomplete_message() {
        "EOF".to_string()
    } else if e.is_parse() {
        format!("malformed HTTP response: {e}")
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_suffix_removed_and_lower_cased() {
        assert_eq!(
            strip_os_error("Connection reset by peer (os error 104)"),
            "connection reset by peer"
        );
        assert_eq!(strip_os_error(""), "");
    }

    #[test]
    fn refused_reads_like_go() {
        let e = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(connect_reason(&e), "connection refused");
    }
}
