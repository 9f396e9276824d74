//! The connection layer every server of this crate shares: binding as Go's `net.Listen`
//! does, the accept loop with its limits, per-connection timeouts and graceful shutdown.
//! Handlers only see whole requests; nothing here knows about OCSP.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::error::ServerError;
use crate::{LogSink, Note, NoteLevel};

/// What one client may cost the server. cfssl (Go's `http.ListenAndServe`) has no limits at
/// all: a client that connects and sends nothing holds a goroutine and a socket forever, and
/// any number of them may. These bound every resource a client can hold, with values far
/// above what an honest OCSP client needs (a request is about 100 bytes and one round trip).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Limits {
    /// Largest request body read, in bytes (default 64 KiB). A larger one is answered
    /// `413 Payload Too Large` with no body and the connection is closed; that is the
    /// status RFC 9110 §15.5.14 names for it, and a client can tell it from a malformed
    /// OCSP request (400 with a `malformedRequest` body).
    pub max_body_bytes: usize,
    /// Time a client has to send a request's head, counted from when the server is ready
    /// for it: on a new connection, and again after each answer, so it is also the
    /// keep-alive idle timeout (default 10 s). The connection is then closed silently.
    pub header_read_timeout: Duration,
    /// Time a client has to send the whole body once the head is in (default 10 s);
    /// afterwards `408 Request Timeout` and the connection is closed.
    pub body_read_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed (default
    /// 60 s): this catches what the two timeouts above do not, such as a client that stops
    /// reading its answers.
    pub idle_timeout: Duration,
    /// Connections served at once (default 256); further clients wait in the kernel's
    /// accept queue until one closes. Each connection is its own task, so one slow client
    /// never delays another.
    pub max_connections: usize,
    /// On shutdown, how long requests in flight may take to finish before their
    /// connections are dropped (default 10 s).
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 256,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Go's `net.JoinHostPort`: IPv6 hosts (anything with a `:`) in brackets.
pub(crate) fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Opens the listening socket for `host` (an IP address, a name, or empty for every
/// interface, as Go's `net.Listen("tcp", host:port)` reads it) and `port` (0: any free port).
/// A name listens on its first address, IPv4 first, as Go does.
pub(crate) async fn bind(host: &str, port: u16) -> Result<TcpListener, ServerError> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let candidates: Vec<SocketAddr> = if host.is_empty() {
        // Dual-stack `[::]` like Go; IPv4 alone where IPv6 is off.
        vec![
            SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
        ]
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        vec![SocketAddr::new(ip, port)]
    } else {
        let mut resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| ServerError::Resolve {
                host: host.to_owned(),
                source: Some(e),
            })?
            .collect();
        resolved.sort_by_key(|a| !a.is_ipv4());
        resolved.truncate(1);
        if resolved.is_empty() {
            return Err(ServerError::Resolve {
                host: host.to_owned(),
                source: None,
            });
        }
        resolved
    };
    let mut last_error = io::Error::from(io::ErrorKind::AddrNotAvailable);
    for address in candidates {
        match TcpListener::bind(address).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = e,
        }
    }
    Err(ServerError::Bind {
        address: join_host_port(host, port),
        source: last_error,
    })
}

/// Adds `Date` and `Content-Length` after the handler's headers, as Go's server writes
/// them (hyper would add them too, but before headers of its own such as `Connection`,
/// where Go writes them after). A 304 gets no `Content-Length`, as in Go (RFC 9110 §15.4.5).
fn add_date_and_length(response: &mut Response<Full<Bytes>>) {
    use hyper::body::Body;
    use hyper::header::{CONTENT_LENGTH, DATE, HeaderValue};
    let length = response.body().size_hint().exact();
    let status = response.status();
    let headers = response.headers_mut();
    if !headers.contains_key(DATE)
        && let Ok(value) = HeaderValue::from_str(&http_date(time::OffsetDateTime::now_utc()))
    {
        headers.insert(DATE, value);
    }
    let body_allowed = !(status.is_informational()
        || status == hyper::StatusCode::NO_CONTENT
        || status == hyper::StatusCode::NOT_MODIFIED);
    if body_allowed
        && !headers.contains_key(CONTENT_LENGTH)
        && let Some(length) = length
    {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
}

/// Go's `http.TimeFormat` (RFC 9110 §5.6.7 IMF-fixdate): `Sun, 06 Dec 2026 04:55:01 GMT`.
fn http_date(now: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    now.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// When a byte last moved on a connection, in milliseconds since `start`.
#[derive(Clone, Debug)]
struct Activity {
    start: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// A stream that records when bytes move, for the idle timeout.
struct ActivityIo {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for ActivityIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl AsyncWrite for ActivityIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Who sent a request: the socket's peer, and what TLS learned about it.
#[derive(Clone, Debug)]
pub struct Peer {
    /// The client's address (`ip:port`), as Go's `Request.RemoteAddr`.
    pub address: SocketAddr,
    /// Whether the connection is TLS.
    pub tls: bool,
    /// The subject CN of the first certificate the client presented (mutual TLS).
    pub client_cn: Option<String>,
}

/// Serves HTTP/1.1 on `listener` with `handler` until `shutdown` completes, then stops
/// accepting, lets requests in flight finish for up to `limits.shutdown_grace`, and drops
/// whatever is left. With `tls`, each connection does its handshake first, within
/// `limits.header_read_timeout`, on its own task (a slow handshake never holds the accept
/// loop).
pub(crate) async fn serve<H, F>(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    handler: H,
    limits: Limits,
    log: LogSink,
    shutdown: impl Future<Output = ()>,
) where
    H: Fn(Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut accept_backoff = Duration::ZERO;
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, address) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    accept_backoff = Duration::ZERO;
                    accepted
                }
                Err(e) => {
                    // Go's server retries too (out of file descriptors, a connection
                    // reset before it was accepted), backing off from 5 ms to 1 s.
                    accept_backoff = (accept_backoff * 2)
                        .clamp(Duration::from_millis(5), Duration::from_secs(1));
                    log(Note {
                        level: NoteLevel::Error,
                        message: format!(
                            "http: Accept error: {e}; retrying in {}ms",
                            accept_backoff.as_millis()
                        ),
                    });
                    tokio::time::sleep(accept_backoff).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let io = ActivityIo {
            inner: stream,
            activity: activity.clone(),
        };
        let handler = handler.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        let log = log.clone();
        connections.spawn(async move {
            let _permit = permit;
            let mut peer = Peer {
                address,
                tls: tls.is_some(),
                client_cn: None,
            };
            match tls {
                None => {
                    serve_connection(TokioIo::new(io), peer, handler, limits, watcher, activity)
                        .await
                }
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(limits.header_read_timeout, acceptor.accept(io)).await;
                    let stream = match handshake {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(e)) => {
                            // Go's server logs failed handshakes the same way.
                            log(Note {
                                level: NoteLevel::Info,
                                message: format!("http: TLS handshake error from {address}: {e}"),
                            });
                            return;
                        }
                        Err(_) => return,
                    };
                    peer.client_cn = stream
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|chain| chain.first())
                        .and_then(|der| {
                            cfssl_signer::ParsedCertificate::from_der(der.as_ref()).ok()
                        })
                        .map(|cert| cert.subject.common_name.clone());
                    serve_connection(
                        TokioIo::new(stream),
                        peer,
                        handler,
                        limits,
                        watcher,
                        activity,
                    )
                    .await
                }
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
    connections.shutdown().await;
}

/// One HTTP/1.1 connection over `io` until it closes, goes idle for
/// [`Limits::idle_timeout`], or the server shuts down.
async fn serve_connection<I, H, F>(
    io: TokioIo<I>,
    peer: Peer,
    handler: H,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
    activity: Activity,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: Fn(Request<Incoming>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let service = service_fn(move |request| {
        let answer = handler(request, peer.clone());
        async move {
            let mut response = answer.await;
            add_date_and_length(&mut response);
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        // Go writes canonical header names (`Cache-Control`, `Etag`); hyper's
        // title case gives the same for every header we send.
        .title_case_headers(true)
        .serve_connection(io, service);
    let connection = watcher.watch(connection);
    let idle = limits.idle_timeout;
    tokio::pin!(connection);
    loop {
        tokio::select! {
            _ = &mut connection => break,
            () = tokio::time::sleep_until(activity.last() + idle) => {
                if activity.last() + idle <= Instant::now() {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_imf_fixdate() {
        let t = time::macros::datetime!(2026-12-06 04:55:01.7 UTC);
        assert_eq!(http_date(t), "Sun, 06 Dec 2026 04:55:01 GMT");
    }

    #[test]
    fn hosts_join_like_go() {
        assert_eq!(join_host_port("127.0.0.1", 8888), "127.0.0.1:8888");
        assert_eq!(join_host_port("::1", 80), "[::1]:80");
        assert_eq!(join_host_port("", 8888), ":8888");
    }
}
