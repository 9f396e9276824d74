//! `multirootca`'s HTTP side: three routes on the shared transport (TLS, limits, graceful
//! shutdown), answered as cfssl's `cmd/multirootca` answers them (docs/cfssl-lifecycle.md §10):
//!
//! | route | answer |
//! |---|---|
//! | `POST /api/v1/cfssl/authsign` | [`MultiRoots::authsign`]; errors are the envelope with code 1 and the refusal's status; every body is `text/plain; charset=utf-8` (cfssl sets no JSON type) |
//! | `POST /api/v1/cfssl/info` | [`MultiRoots::info`] through cfssl's generic API handler: `application/json` on success, `http.Error` with code 400 on failure |
//! | `GET /metrics` | the Prometheus counters |
//!
//! Anything else is Go's `404 page not found`; `authsign` with another method is
//! `405 only POST is permitted` (code 1), `info` with another method cfssl's
//! `Method is not allowed:"GET"` (code 405).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use cfssl_api::Envelope;
use cfssl_json::Value;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::{MultiRoots, Refusal};
use crate::api::TlsSettings;
use crate::error::ServerError;
use crate::routing::{go_bad_request, go_not_found, path_unescape, refused};
use crate::transport::{Limits, Peer, bind, join_host_port, serve};
use crate::{LogSink, Note, NoteLevel};

/// What `multirootca` is told.
#[derive(Debug)]
pub struct MultirootConfig {
    /// The host part of `-a` (empty: every interface, cfssl's default `:8888`).
    pub address: String,
    /// The port part of `-a`.
    pub port: u16,
    /// The roots, with the default label.
    pub roots: MultiRoots,
    /// `-tls-cert`/`-tls-key` (HTTPS when given).
    pub tls: Option<TlsSettings>,
    /// What a client may cost (the API server's limits).
    pub limits: Limits,
}

struct State {
    roots: MultiRoots,
    limits: Limits,
    log: LogSink,
}

/// A bound, not yet serving, multirootca.
pub struct MultirootServer {
    listener: TcpListener,
    local_addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<State>,
}

impl std::fmt::Debug for MultirootServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultirootServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

fn note(log: &LogSink, level: NoteLevel, message: String) {
    log(Note { level, message });
}

impl MultirootServer {
    /// Opens the socket and logs cfssl's start-up lines (`loaded signer LABEL`, `Now
    /// listening on …`).
    ///
    /// # Errors
    /// [`ServerError`]: the socket, or the TLS files.
    pub async fn bind(config: MultirootConfig, log: LogSink) -> Result<Self, ServerError> {
        let tls = config
            .tls
            .as_ref()
            .map(crate::api::tls::acceptor)
            .transpose()?;
        for label in config.roots.labels() {
            note(&log, NoteLevel::Info, format!("loaded signer {label}"));
        }
        let listener = bind(&config.address, config.port).await?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            address: join_host_port(&config.address, config.port),
            source,
        })?;
        if tls.is_none() && !local_addr.ip().is_loopback() {
            note(
                &log,
                NoteLevel::Warning,
                "serving without TLS on a non-loopback address: authsign tokens cover only \
                 the request and can be replayed by anyone who sees one; give -tls-cert and \
                 -tls-key"
                    .into(),
            );
        }
        let scheme = if tls.is_some() { "https://" } else { "" };
        note(
            &log,
            NoteLevel::Info,
            format!(
                "Now listening on {scheme}{}",
                join_host_port(&config.address, local_addr.port())
            ),
        );
        Ok(MultirootServer {
            listener,
            local_addr,
            tls,
            state: Arc::new(State {
                roots: config.roots,
                limits: config.limits,
                log,
            }),
        })
    }

    /// The bound address (with the real port when `-a` asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then drains requests in flight.
    ///
    /// # Errors
    /// None today; the signature leaves room for runtime failures.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ServerError> {
        let state = self.state;
        let limits = state.limits;
        let log = state.log.clone();
        let handler =
            move |request: Request<Incoming>, peer: Peer| answer(request, peer, state.clone());
        serve(self.listener, self.tls, handler, limits, log, shutdown).await;
        Ok(())
    }
}

/// Binds and serves until SIGINT or SIGTERM, on a runtime of its own (for a synchronous
/// `main`).
///
/// # Errors
/// [`ServerError`].
pub fn run_multiroot_server_blocking(
    config: MultirootConfig,
    log: impl Fn(Note) + Send + Sync + 'static,
) -> Result<(), ServerError> {
    crate::signals::run_until_terminated("cfssl-multirootca", |stop| async move {
        let server = MultirootServer::bind(config, Arc::new(log)).await?;
        server.run(stop).await
    })
}

/// A body with a status and content type.
fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

const TEXT: &str = "text/plain; charset=utf-8";

/// cfssl's `fail`: the envelope with code 1 under `status`, and an `[ERROR]` line
/// (`[HTTP 400] 1 - invalid token (received authenticated request with invalid token)`).
/// cfssl also prints the whole request, token included, to standard output; we do not.
fn fail(state: &State, refusal: &Refusal) -> Response<Full<Bytes>> {
    let detail = if refusal.detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", refusal.detail)
    };
    note(
        &state.log,
        NoteLevel::Error,
        format!("[HTTP {}] 1 - {}{detail}", refusal.status, refusal.message),
    );
    reply(
        StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        TEXT,
        Envelope::error(1, refusal.message.clone()).to_body(),
    )
}

async fn answer(
    request: Request<Incoming>,
    peer: Peer,
    state: Arc<State>,
) -> Response<Full<Bytes>> {
    let Some(path) = path_unescape(request.uri().path()) else {
        return go_bad_request();
    };
    let method = request.method().clone();
    match path.as_str() {
        "/api/v1/cfssl/authsign" => {
            if method != Method::POST {
                return fail(
                    &state,
                    &Refusal::new(405, "only POST is permitted", String::new()),
                );
            }
            let body = match crate::ocsp::read_body(request.into_body(), &state.limits).await {
                Ok(body) => body,
                Err(status) => return refused(status),
            };
            let worker = state.clone();
            let peer_ip = peer.address.ip();
            let outcome = tokio::task::spawn_blocking(move || {
                worker
                    .roots
                    .authsign(&body, peer_ip, time::OffsetDateTime::now_utc())
            })
            .await
            .unwrap_or_else(|e| {
                Err(Refusal::new(
                    500,
                    "internal error",
                    format!("signing task failed: {e}"),
                ))
            });
            match outcome {
                Ok(signed) => {
                    note(
                        &state.log,
                        NoteLevel::Info,
                        format!(
                            "signature: requester={}, label={}, profile={}, serialno={}",
                            peer.address,
                            signed.label,
                            signed.profile,
                            signed.issued.serial_decimal
                        ),
                    );
                    let result = Value::Object(vec![(
                        "certificate".into(),
                        Value::String(signed.issued.pem),
                    )]);
                    reply(StatusCode::OK, TEXT, Envelope::ok(result).to_body())
                }
                Err(refusal) => fail(&state, &refusal),
            }
        }
        "/api/v1/cfssl/info" => {
            if method != Method::POST {
                return go_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    405,
                    format!("Method is not allowed:{:?}", method.as_str()),
                );
            }
            let body = match crate::ocsp::read_body(request.into_body(), &state.limits).await {
                Ok(body) => body,
                Err(status) => return refused(status),
            };
            match state.roots.info(&body) {
                Ok(info) => reply(
                    StatusCode::OK,
                    "application/json",
                    Envelope::ok(info.to_value()).to_body(),
                ),
                Err(refusal) => {
                    note(
                        &state.log,
                        NoteLevel::Warning,
                        format!("info: {} ({})", refusal.message, refusal.detail),
                    );
                    go_error(StatusCode::BAD_REQUEST, 400, refusal.message)
                }
            }
        }
        "/metrics" => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            state.roots.metrics().render(),
        ),
        _ => go_not_found(),
    }
}

/// cfssl's generic API handler's error: `http.Error` with the envelope.
fn go_error(status: StatusCode, code: i64, message: String) -> Response<Full<Bytes>> {
    let mut response = reply(status, TEXT, Envelope::error(code, message).to_body());
    response.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}
