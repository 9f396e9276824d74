//! `ocspserve`'s HTTP side: the OCSP responder of `cfssl_ocsp` behind a socket
//! (docs/cfssl-lifecycle.md §5.5).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use cfssl_db::DbError;
use cfssl_ocsp::{CertId, FileSource, HttpAnswer, HttpRequest, ResponseSource, respond};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue, IF_NONE_MATCH};
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use crate::db_source::DbSource;
use crate::error::ServerError;
use crate::routing::{
    after_mount, go_bad_request, go_not_found, mount_base, path_unescape, refused,
};
use crate::transport::{Limits, bind, join_host_port, serve};
use crate::{LogSink, Note, NoteLevel};

/// Where `ocspserve` finds its responses: `-responses` (a file, wins when both are given)
/// or `-db-config` (docs/cfssl-lifecycle.md §5.5).
#[derive(Debug)]
pub enum OcspSource {
    /// The responses file, read into memory (lookups by serial alone).
    File(FileSource),
    /// The certdb's `ocsp_responses` table.
    Db(DbSource),
}

impl OcspSource {
    /// Whether a lookup may block on I/O (then it runs on tokio's blocking pool).
    fn blocks(&self) -> bool {
        matches!(self, OcspSource::Db(_))
    }
}

impl ResponseSource for OcspSource {
    type Error = DbError;

    fn lookup(&self, id: &CertId) -> Result<Option<Vec<u8>>, DbError> {
        match self {
            OcspSource::File(file) => file.lookup(id).map_err(|never| match never {}),
            OcspSource::Db(db) => db.lookup(id),
        }
    }
}

/// What `cfssl ocspserve` is told: `-address`, `-port`, `-path` and the source, plus our
/// limits.
#[derive(Debug)]
pub struct OcspServeConfig {
    /// `-address`: an IP address, a host name, or empty for every interface (cfssl's
    /// default is `127.0.0.1`).
    pub address: String,
    /// `-port` (cfssl's default 8888); 0 picks a free port, see [`OcspServer::local_addr`].
    pub port: u16,
    /// `-path`, the mount path (default `/`); a trailing `/` is optional.
    pub path: String,
    /// Where responses come from.
    pub source: OcspSource,
    /// What a client may cost.
    pub limits: Limits,
}

impl OcspServeConfig {
    /// `address`, `port` and `source` with cfssl's default path `/` and our default limits.
    pub fn new(address: impl Into<String>, port: u16, source: OcspSource) -> Self {
        OcspServeConfig {
            address: address.into(),
            port,
            path: "/".into(),
            source,
            limits: Limits::default(),
        }
    }
}

/// What every request needs.
struct Responder {
    mount_base: String,
    source: OcspSource,
    limits: Limits,
    log: LogSink,
}

/// A bound, not yet serving, OCSP responder.
///
/// ```no_run
/// use std::sync::Arc;
/// use cfssl_ocsp::FileSource;
/// use cfssl_server::{OcspServeConfig, OcspServer, OcspSource};
///
/// # async fn example() -> Result<(), cfssl_server::ServerError> {
/// let source = OcspSource::File(FileSource::from_text("…"));
/// let log = Arc::new(|note: cfssl_ocsp::Note| eprintln!("[{:?}] {}", note.level, note.message));
/// let server = OcspServer::bind(OcspServeConfig::new("127.0.0.1", 0, source), log).await?;
/// println!("port {}", server.local_addr().port());
/// server.run(async { let _ = tokio::signal::ctrl_c().await; }).await
/// # }
/// ```
pub struct OcspServer {
    listener: TcpListener,
    local_addr: SocketAddr,
    responder: Arc<Responder>,
}

impl std::fmt::Debug for OcspServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcspServer")
            .field("local_addr", &self.local_addr)
            .field("mount", &self.responder.mount_base)
            .finish_non_exhaustive()
    }
}

impl OcspServer {
    /// Logs `Registering OCSP responder handler`, opens the socket, and logs `Now listening
    /// on <address>:<port>` with the address as given and the port bound (cfssl logs the
    /// second line just before it binds; we log it once it is true).
    pub async fn bind(config: OcspServeConfig, log: LogSink) -> Result<OcspServer, ServerError> {
        info(&log, "Registering OCSP responder handler");
        let listener = bind(&config.address, config.port).await?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            address: join_host_port(&config.address, config.port),
            source,
        })?;
        info(
            &log,
            &format!(
                "Now listening on {}",
                join_host_port(&config.address, local_addr.port())
            ),
        );
        Ok(OcspServer {
            listener,
            local_addr,
            responder: Arc::new(Responder {
                mount_base: mount_base(&config.path),
                source: config.source,
                limits: config.limits,
                log,
            }),
        })
    }

    /// The address the socket is bound to (the real port when the config asked for 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then stops accepting, lets requests in flight
    /// finish (for up to [`Limits::shutdown_grace`]) and returns.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ServerError> {
        let responder = self.responder;
        let limits = responder.limits;
        let log = responder.log.clone();
        let handler = move |request: Request<Incoming>, _peer| answer(request, responder.clone());
        serve(self.listener, None, handler, limits, log, shutdown).await;
        Ok(())
    }
}

/// [`OcspServer::bind`] then [`OcspServer::run`], for a caller that needs not learn the port.
pub async fn serve_ocsp(
    config: OcspServeConfig,
    log: LogSink,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServerError> {
    OcspServer::bind(config, log).await?.run(shutdown).await
}

/// `ocspserve` for a synchronous `main`: builds a tokio runtime, binds, calls `on_bound`
/// with the bound address, and serves until SIGINT or SIGTERM (Ctrl-C elsewhere), then
/// shuts down gracefully and returns `Ok(())`.
pub fn run_ocsp_server_blocking(
    config: OcspServeConfig,
    log: impl Fn(Note) + Send + Sync + 'static,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    crate::signals::run_until_terminated("cfssl-ocspserve", |stop| async move {
        let server = OcspServer::bind(config, Arc::new(log)).await?;
        on_bound(server.local_addr());
        server.run(stop).await
    })
}

fn info(log: &LogSink, message: &str) {
    log(Note {
        level: NoteLevel::Info,
        message: message.to_owned(),
    });
}

/// One request through cfssl's responder.
async fn answer(request: Request<Incoming>, responder: Arc<Responder>) -> Response<Full<Bytes>> {
    let Some(path) = path_unescape(request.uri().path()) else {
        return go_bad_request();
    };
    let Some(rest) = after_mount(&path, &responder.mount_base) else {
        return go_not_found();
    };
    let rest = rest.to_owned();
    let method = request.method().as_str().to_owned();
    let if_none_match = request
        .headers()
        .get(IF_NONE_MATCH)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    // Only POST reads a body, as cfssl's handler does.
    let body = if method == "POST" {
        match read_body(request.into_body(), &responder.limits).await {
            Ok(body) => body,
            Err(status) => return refused(status),
        }
    } else {
        Vec::new()
    };
    let work = {
        let responder = responder.clone();
        move || {
            let request = HttpRequest {
                method: &method,
                path: &rest,
                body: &body,
                if_none_match: if_none_match.as_deref(),
            };
            respond(&request, &responder.source, time::OffsetDateTime::now_utc())
        }
    };
    let answer = if responder.source.blocks() {
        match tokio::task::spawn_blocking(work).await {
            Ok(answer) => answer,
            Err(e) => {
                (responder.log)(Note {
                    level: NoteLevel::Error,
                    message: format!("OCSP lookup failed: {e}"),
                });
                return internal_error();
            }
        }
    } else {
        work()
    };
    let HttpAnswer {
        status,
        headers,
        body,
        notes,
    } = answer;
    for note in notes {
        (responder.log)(note);
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The body, or the status that refuses it: 413 past [`Limits::max_body_bytes`] (known
/// from `Content-Length` before reading, or found while reading a chunked body), 408 when
/// it does not arrive within [`Limits::body_read_timeout`], 400 when the client breaks off.
pub(crate) async fn read_body(body: Incoming, limits: &Limits) -> Result<Vec<u8>, StatusCode> {
    let max = limits.max_body_bytes;
    if body
        .size_hint()
        .exact()
        .is_some_and(|len| len > u64::try_from(max).unwrap_or(u64::MAX))
    {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let collected =
        tokio::time::timeout(limits.body_read_timeout, Limited::new(body, max).collect())
            .await
            .map_err(|_| StatusCode::REQUEST_TIMEOUT)?;
    match collected {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => Err(StatusCode::BAD_REQUEST),
    }
}

/// 500 with an `internalError` OCSP body, as the responder answers a failed lookup.
fn internal_error() -> Response<Full<Bytes>> {
    const INTERNAL_ERROR: &[u8] = &[0x30, 0x03, 0x0a, 0x01, 0x02];
    let mut response = Response::new(Full::new(Bytes::from_static(INTERNAL_ERROR)));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let headers = response.headers_mut();
    headers.insert(
        "cache-control",
        HeaderValue::from_static("max-age=0, no-cache"),
    );
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/ocsp-response"),
    );
    response
}
