//! `cfssl serve`: cfssl's signing API under `/api/v1/cfssl/` (docs/cfssl-lifecycle.md §7–§8).
//!
//! The pieces, one concern each:
//! * this module: what the server is given ([`ApiConfig`]), which endpoints are enabled and
//!   why (cfssl's start-up log lines), the refusal to expose the CA unauthenticated, and the
//!   request path: routing, the method check, the body limit, the mutual-TLS CN check, the
//!   access-log line;
//! * `handlers`: one function per endpoint, each calling the `cfssl_ca` workflows the
//!   command line uses (nothing is signed here);
//! * `auth`: `authsign`'s HMAC token check (cfssl-api's token);
//! * `reply`: statuses, error codes and the envelope;
//! * `service`: the request path after the body is read, as a function without a socket
//!   ([`ApiService`]): the server calls it for every request, and tests and the fuzzer call
//!   it directly;
//! * `tls`: rustls.
//!
//! Every handler runs on tokio's blocking pool: signing is CPU work and the certdb calls
//! block. The certdb is one connection behind a mutex, held only for the statement(s) of
//! one request (never while signing), so requests sign in parallel and only their inserts
//! queue.

mod auth;
mod bundle;
mod handlers;
mod reply;
mod service;
pub mod tls;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cfssl_ca::{Db, LocalSigner};
use cfssl_ocsp::OcspSigner;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response};
use tokio::net::TcpListener;

use crate::error::ServerError;
use crate::routing::refused;
pub use crate::transport::Peer;
use crate::transport::{Limits, bind, join_host_port, serve};
use crate::{LogSink, Note, NoteLevel};
pub use reply::Answer;
use reply::{Failure, Success};
pub use service::ApiService;
pub use tls::{MinTlsVersion, TlsSettings};

/// cfssl's API prefix.
const PREFIX: &str = "/api/v1/cfssl/";

/// The endpoints we serve, in the order we log them (cfssl's order is a Go map's: random).
const ENDPOINTS: [Endpoint; 16] = [
    Endpoint::AuthSign,
    Endpoint::Bundle,
    Endpoint::CertAdd,
    Endpoint::CertInfo,
    Endpoint::Crl,
    Endpoint::GenCrl,
    Endpoint::Health,
    Endpoint::Info,
    Endpoint::InitCa,
    Endpoint::NewCert,
    Endpoint::NewKey,
    Endpoint::OcspSign,
    Endpoint::Revoke,
    Endpoint::Scan,
    Endpoint::ScanInfo,
    Endpoint::Sign,
];

/// One endpoint of cfssl's API.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd)]
pub(crate) enum Endpoint {
    AuthSign,
    Bundle,
    CertAdd,
    CertInfo,
    Crl,
    GenCrl,
    Health,
    Info,
    InitCa,
    NewCert,
    NewKey,
    OcspSign,
    Revoke,
    Scan,
    ScanInfo,
    Sign,
}

impl Endpoint {
    /// Its name, as `-disable` and the URL spell it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Endpoint::AuthSign => "authsign",
            Endpoint::Bundle => "bundle",
            Endpoint::CertAdd => "certadd",
            Endpoint::CertInfo => "certinfo",
            Endpoint::Crl => "crl",
            Endpoint::GenCrl => "gencrl",
            Endpoint::Health => "health",
            Endpoint::Info => "info",
            Endpoint::InitCa => "init_ca",
            Endpoint::NewCert => "newcert",
            Endpoint::NewKey => "newkey",
            Endpoint::OcspSign => "ocspsign",
            Endpoint::Revoke => "revoke",
            Endpoint::Scan => "scan",
            Endpoint::ScanInfo => "scaninfo",
            Endpoint::Sign => "sign",
        }
    }

    /// The one method cfssl's handler accepts.
    fn method(self) -> Method {
        match self {
            Endpoint::Crl | Endpoint::Health | Endpoint::Scan | Endpoint::ScanInfo => Method::GET,
            _ => Method::POST,
        }
    }

    fn from_name(name: &str) -> Option<Endpoint> {
        ENDPOINTS.into_iter().find(|e| e.name() == name)
    }
}

/// What `cfssl serve` is given.
pub struct ApiConfig {
    /// `-address` (cfssl's default `127.0.0.1`).
    pub address: String,
    /// `-port` (cfssl's default 8888; 0 picks a free one).
    pub port: u16,
    /// The local signer of `-ca`/`-ca-key`/`-config`, or why there is none (cfssl's
    /// `couldn't initialize signer` warning; the endpoints that need it are disabled).
    pub signer: Result<LocalSigner, String>,
    /// The OCSP signer of `-ca`/`-responder`/`-responder-key`, or why there is none.
    pub ocsp_signer: Result<OcspSigner, String>,
    /// The bundler of `-ca-bundle`/`-int-bundle`/`-metadata`, or why there is none.
    pub bundler: Result<cfssl_ca::bundle::Bundler, String>,
    /// The certdb of `-db-config`.
    pub db: Option<Db>,
    /// `-disable`: endpoint names, without the prefix.
    pub disabled: Vec<String>,
    /// `-tls-cert`/`-tls-key` and friends; `None` serves plain HTTP.
    pub tls: Option<TlsSettings>,
    /// `-mutual-tls-cn`: an unanchored regex the client certificate's CN must match.
    pub mutual_tls_cn: Option<String>,
    /// `-allow-unauthenticated`: serve endpoints that act with the CA without
    /// authentication on a non-loopback address anyway (docs/differences.md #29).
    pub allow_unauthenticated: bool,
    /// What a client may cost.
    pub limits: Limits,
}

impl ApiConfig {
    /// cfssl's defaults with our API limits: 1 MiB bodies (a CSR or a certificate is a few
    /// KiB), a minute for slow bodies, the rest as [`Limits::default`].
    pub fn default_limits() -> Limits {
        Limits {
            max_body_bytes: 1024 * 1024,
            body_read_timeout: Duration::from_secs(60),
            ..Limits::default()
        }
    }
}

impl std::fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiConfig")
            .field("address", &self.address)
            .field("port", &self.port)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// What every request needs.
pub(crate) struct State {
    pub(crate) signer: Option<LocalSigner>,
    pub(crate) ocsp_signer: Option<OcspSigner>,
    pub(crate) bundler: Option<cfssl_ca::bundle::Bundler>,
    pub(crate) db: Option<Mutex<Db>>,
    /// New certificates' rows waiting for the database: one transaction for many requests
    /// (group_commit.rs).
    pub(crate) commits: crate::group_commit::CommitQueue,
    /// `auth_keys`, decoded: name → HMAC key.
    pub(crate) auth_keys: BTreeMap<String, Vec<u8>>,
    enabled: Vec<Endpoint>,
    cn_regex: Option<regex::Regex>,
    limits: Limits,
    pub(crate) log: LogSink,
}

/// A bound, not yet serving, API server.
pub struct ApiServer {
    listener: TcpListener,
    local_addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    service: ApiService,
}

impl std::fmt::Debug for ApiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// Why an endpoint cannot be served with this configuration, or `None` when it can.
fn unavailable(endpoint: Endpoint, config: &ApiConfig) -> Option<String> {
    let no_signer = || config.signer.as_ref().err().cloned();
    match endpoint {
        Endpoint::Sign => match &config.signer {
            Err(e) => Some(e.clone()),
            Ok(signer) => {
                let signing = &signer.policy().signing;
                let any_open = signing.default.auth_key.is_none()
                    || signing.profiles.values().any(|p| p.auth_key.is_none());
                (!any_open)
                    .then(|| r#"{"code":5200,"message":"Invalid or unknown policy"}"#.to_owned())
            }
        },
        Endpoint::AuthSign => match &config.signer {
            Err(e) => Some(e.clone()),
            Ok(signer) => {
                let signing = &signer.policy().signing;
                let any_keyed = signing.default.auth_key.is_some()
                    || signing.profiles.values().any(|p| p.auth_key.is_some());
                (!any_keyed)
                    .then(|| r#"{"code":5200,"message":"Invalid or unknown policy"}"#.to_owned())
            }
        },
        Endpoint::Info | Endpoint::NewCert | Endpoint::GenCrl => no_signer(),
        Endpoint::Crl => no_signer().or_else(|| {
            config
                .db
                .is_none()
                .then(|| "cert db not configured (missing -db-config)".to_owned())
        }),
        Endpoint::Revoke => config
            .db
            .is_none()
            .then(|| "cert db not configured (missing -db-config)".to_owned()),
        Endpoint::OcspSign => config.ocsp_signer.as_ref().err().cloned(),
        Endpoint::Bundle => config.bundler.as_ref().err().cloned(),
        Endpoint::Scan => {
            Some("scanning is not implemented by cfssl-rs (docs/differences.md #34)".into())
        }
        Endpoint::CertAdd => Some(
            "certadd is not implemented by cfssl-rs: certificates enter the certdb when they \
             are issued"
                .into(),
        ),
        Endpoint::Health
        | Endpoint::NewKey
        | Endpoint::InitCa
        | Endpoint::CertInfo
        | Endpoint::ScanInfo => None,
    }
}

/// Endpoints that act with the CA's key or records for anyone who can reach them: `sign`
/// (for a profile without `auth_key`), `newcert`, `revoke`, `ocspsign`.
fn acts_without_auth(endpoint: Endpoint) -> bool {
    matches!(
        endpoint,
        Endpoint::Sign | Endpoint::NewCert | Endpoint::Revoke | Endpoint::OcspSign
    )
}

impl ApiServer {
    /// Decides and logs which endpoints are enabled (cfssl's lines), checks the TLS and
    /// safety settings, opens the socket and logs `Now listening on …` with the bound port.
    ///
    /// # Errors
    /// An unknown `-disable` name, a bad `-mutual-tls-cn` regex, unusable TLS files, an
    /// `auth_keys` entry that cannot be decoded, a socket that cannot be bound, or the
    /// refusal to serve the CA without authentication on a non-loopback address.
    pub async fn bind(config: ApiConfig, log: LogSink) -> Result<ApiServer, ServerError> {
        let Prepared {
            service,
            tls,
            address,
            port,
            mutual,
            allow_unauthenticated,
        } = prepare(config, log)?;
        let log = &service.state.log;
        let listener = bind(&address, port).await?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            address: join_host_port(&address, port),
            source,
        })?;
        if !local_addr.ip().is_loopback() && !mutual && !allow_unauthenticated {
            let exposed: Vec<&str> = service
                .state
                .enabled
                .iter()
                .copied()
                .filter(|e| acts_without_auth(*e))
                .map(Endpoint::name)
                .collect();
            if !exposed.is_empty() {
                return Err(ServerError::Refused(format!(
                    "refusing to serve on {} (not a loopback address) without client \
                     authentication: these endpoints would act with the CA for anyone who can \
                     connect: {}. Either require client certificates (-mutual-tls-ca with \
                     -tls-cert and -tls-key), or turn them off with -disable {}, or accept the \
                     risk with -allow-unauthenticated (cfssl's behaviour; docs/differences.md #29)",
                    join_host_port(&address, local_addr.port()),
                    exposed.join(", "),
                    exposed.join(",")
                )));
            }
        }
        let scheme = if tls.is_some() { "https://" } else { "" };
        let with = if mutual { "with mutual TLS " } else { "" };
        info(
            log,
            &format!(
                "Now listening {with}on {scheme}{}",
                join_host_port(&address, local_addr.port())
            ),
        );
        Ok(ApiServer {
            listener,
            local_addr,
            tls,
            service,
        })
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish (for up to
    /// [`Limits::shutdown_grace`]).
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ServerError> {
        let service = self.service;
        let limits = service.state.limits;
        let log = service.state.log.clone();
        let handler =
            move |request: Request<Incoming>, peer: Peer| answer(request, peer, service.clone());
        serve(self.listener, self.tls, handler, limits, log, shutdown).await;
        Ok(())
    }
}

/// `serve` for a synchronous `main`: builds a runtime, binds, serves until SIGINT/SIGTERM,
/// then drains requests in flight.
///
/// # Errors
/// As [`ApiServer::bind`], or the runtime/signal set-up.
pub fn run_api_server_blocking(
    config: ApiConfig,
    log: impl Fn(Note) + Send + Sync + 'static,
) -> Result<(), ServerError> {
    crate::signals::run_until_terminated("cfssl-serve", |stop| async move {
        let server = ApiServer::bind(config, Arc::new(log)).await?;
        server.run(stop).await
    })
}

/// What [`ApiServer::bind`] has decided before it opens its socket.
struct Prepared {
    service: ApiService,
    tls: Option<tokio_rustls::TlsAcceptor>,
    address: String,
    port: u16,
    /// Client certificates are required (`-mutual-tls-ca`).
    mutual: bool,
    allow_unauthenticated: bool,
}

/// The checks of [`ApiServer::bind`] that need no socket, in its order, and the enabled
/// endpoints with cfssl's log lines: shared by `bind` and [`ApiService::new`].
fn prepare(config: ApiConfig, log: LogSink) -> Result<Prepared, ServerError> {
    for name in &config.disabled {
        if Endpoint::from_name(name).is_none() {
            return Err(ServerError::Refused(format!(
                "-disable {name}: no such endpoint (known: {})",
                ENDPOINTS.map(Endpoint::name).join(", ")
            )));
        }
    }
    let cn_regex = match &config.mutual_tls_cn {
        None => None,
        Some(_)
            if config
                .tls
                .as_ref()
                .and_then(|t| t.client_ca_file.as_ref())
                .is_none() =>
        {
            return Err(ServerError::Refused(
                "-mutual-tls-cn needs -mutual-tls-ca (and -tls-cert, -tls-key): without client \
                     certificates there is no CN to check"
                    .into(),
            ));
        }
        Some(text) => Some(
            regex::Regex::new(text)
                .map_err(|e| ServerError::Refused(format!("malformed CN regex: {e}")))?,
        ),
    };
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let auth_keys = match &config.signer {
        Ok(signer) => decode_auth_keys(signer.policy())?,
        Err(_) => BTreeMap::new(),
    };

    let mut enabled = Vec::new();
    for endpoint in ENDPOINTS {
        let name = endpoint.name();
        if config.disabled.iter().any(|d| d == name) {
            info(&log, &format!("endpoint '{name}' is explicitly disabled"));
            continue;
        }
        match unavailable(endpoint, &config) {
            Some(reason) => log(Note {
                level: NoteLevel::Warning,
                message: format!("endpoint '{name}' is disabled: {reason}"),
            }),
            None => {
                info(&log, &format!("endpoint '{PREFIX}{name}' is enabled"));
                enabled.push(endpoint);
            }
        }
    }
    info(&log, "Handler set up complete.");

    let mutual = config
        .tls
        .as_ref()
        .is_some_and(|t| t.client_ca_file.is_some());
    let ApiConfig {
        address,
        port,
        signer,
        ocsp_signer,
        bundler,
        db,
        limits,
        allow_unauthenticated,
        ..
    } = config;
    let service = ApiService {
        state: Arc::new(State {
            signer: signer.ok(),
            ocsp_signer: ocsp_signer.ok(),
            bundler: bundler.ok(),
            db: db.map(Mutex::new),
            commits: crate::group_commit::CommitQueue::default(),
            auth_keys,
            enabled,
            cn_regex,
            limits,
            log,
        }),
    };
    Ok(Prepared {
        service,
        tls,
        address,
        port,
        mutual,
        allow_unauthenticated,
    })
}

/// `auth_keys` decoded once at start-up: a key that cannot be decoded is an error now
/// rather than a refused request later.
fn decode_auth_keys(policy: &cfssl_ca::Config) -> Result<BTreeMap<String, Vec<u8>>, ServerError> {
    let mut keys = BTreeMap::new();
    for (name, key) in &policy.auth_keys {
        if key.key_type != "standard" {
            return Err(ServerError::Refused(format!(
                "auth_keys.{name}: unknown authentication type {:?} (only \"standard\")",
                key.key_type
            )));
        }
        let bytes = key.resolve().map_err(|e| {
            ServerError::Refused(format!(
                "auth_keys.{name}: failed to create new standard auth provider: {e}"
            ))
        })?;
        keys.insert(name.clone(), bytes);
    }
    let signing = &policy.signing;
    for profile in std::iter::once(&signing.default).chain(signing.profiles.values()) {
        for name in [&profile.auth_key, &profile.prev_auth_key]
            .into_iter()
            .flatten()
        {
            if !keys.contains_key(name) {
                return Err(ServerError::Refused(format!(
                    "auth_key {name:?}: failed to find auth_key in auth_keys section"
                )));
            }
        }
    }
    Ok(keys)
}

fn info(log: &LogSink, message: &str) {
    log(Note {
        level: NoteLevel::Info,
        message: message.to_owned(),
    });
}

/// What a handler gets from the request.
pub(crate) struct Input {
    pub(crate) body: Vec<u8>,
    pub(crate) query: Option<String>,
    pub(crate) peer: Peer,
}

/// One request on the socket: the head through [`ApiService::route`], the body read under
/// the limits, the handler on the blocking pool (a panic there is a 500, not a dropped
/// connection), then [`ApiService::finish`].
async fn answer(
    request: Request<Incoming>,
    peer: Peer,
    service: ApiService,
) -> Response<Full<Bytes>> {
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let route = match service.route(request.method().as_str(), &target, &peer) {
        Ok(route) => route,
        Err(answer) => return answer.into_response(),
    };
    let body = if route.takes_body() {
        match crate::ocsp::read_body(request.into_body(), &service.state.limits).await {
            Ok(body) => body,
            Err(status) => {
                service.access(&route, i64::from(status.as_u16()));
                return refused(status);
            }
        }
    } else {
        Vec::new()
    };
    let input = route.input(body);
    let endpoint = route.endpoint;
    let worker = service.clone();
    let outcome: Result<Success, Failure> =
        match tokio::task::spawn_blocking(move || worker.handle(endpoint, &input)).await {
            Ok(outcome) => outcome,
            Err(e) => Err(Failure::internal(format!("request handler failed: {e}"))),
        };
    service.finish(&route, outcome).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"signing": {
        "default": {"expiry": "1h", "usages": ["signing"]},
        "profiles": {"authed": {"expiry": "1h", "usages": ["signing"], "auth_key": "k"}}},
        "auth_keys": {"k": {"type": "standard", "key": "0011"}}}"#;

    fn config(policy: &str) -> Result<ApiConfig, Box<dyn std::error::Error>> {
        let request = cfssl_ca::CertificateRequest::from_json(br#"{"CN": "Test Root"}"#)?;
        let root = cfssl_ca::init_ca(
            &cfssl_ca::InitCa { request },
            time::OffsetDateTime::now_utc(),
            &mut Vec::new(),
        )?;
        let ca = cfssl_ca::ParsedCertificate::from_pem(root.certificate.pem.as_bytes())?;
        let signer = LocalSigner::new(
            ca,
            root.key,
            cfssl_ca::Config::from_json(policy.as_bytes())?,
        )?;
        Ok(ApiConfig {
            address: "127.0.0.1".into(),
            port: 0,
            signer: Ok(signer),
            ocsp_signer: Err("no -responder given".into()),
            bundler: Err("no bundler in this test".into()),
            db: None,
            disabled: Vec::new(),
            tls: None,
            mutual_tls_cn: None,
            allow_unauthenticated: false,
            limits: ApiConfig::default_limits(),
        })
    }

    /// A CSR whose SAN extension has a length one byte past its end (a fuzzer's mutation).
    const MALFORMED_SAN_CSR: &str = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBMjCB2gIBADBDMQswCQYDVQQGEwJVUzEYMBYGA1UEChMPY2Zzc2wtbGlmZWN5\nY2xlMRowGAYDVQQDExFsZWFmMy5leGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG\nSM49AwEHA0IABO+B2XG7Am7HUEfCsudWKP+HYml7mPpOn5FBl59f0tq9hL7ZwKxo\nqr2RudYFWLRf1Jm0HR2FXC55Cd24yOEFeQOgNTAzBgkqhkiG9w0BCQ4xJjAkMCIG\nA1UdEQQbMFmCEWxlYWYzLmV4YW1wbGUuY29thwQKAAADMAoGCCqGSM49BAMCA0cA\nMEQCIEZDforRn/O7Mvtp4bsdkt3AiEt6JCjMzAGpHtvS3revoket71ULdfpN1SaN\n2EzY55tqnIAGcsaqgphQ9qEy7KP9MA==\n-----END CERTIFICATE REQUEST-----\n";

    #[test]
    fn endpoints_follow_the_policy() -> Result<(), Box<dyn std::error::Error>> {
        let mixed = config(POLICY)?;
        assert_eq!(unavailable(Endpoint::Sign, &mixed), None);
        assert_eq!(unavailable(Endpoint::AuthSign, &mixed), None);
        assert!(unavailable(Endpoint::Revoke, &mixed).is_some_and(|r| r.contains("-db-config")));
        assert_eq!(
            unavailable(Endpoint::OcspSign, &mixed).as_deref(),
            Some("no -responder given")
        );
        let open = config(r#"{"signing": {"default": {"expiry": "1h", "usages": ["signing"]}}}"#)?;
        assert!(unavailable(Endpoint::AuthSign, &open).is_some_and(|r| r.contains("5200")));
        let keys = match &mixed.signer {
            Ok(signer) => decode_auth_keys(signer.policy())?,
            Err(e) => return Err(e.clone().into()),
        };
        assert_eq!(keys.get("k").map(Vec::as_slice), Some(&[0x00, 0x11][..]));
        Ok(())
    }

    #[test]
    fn auth_key_names_must_exist() -> Result<(), Box<dyn std::error::Error>> {
        let policy = cfssl_ca::Config::from_json(
            br#"{"signing": {"default": {"expiry": "1h", "usages": ["signing"], "auth_key": "k"}},
                "auth_keys": {"k": {"type": "standard", "key": "zz"}}}"#,
        );
        // A bad key is refused when the configuration loads or when the server starts.
        if let Ok(policy) = policy {
            let refused = decode_auth_keys(&policy).err().map(|e| e.to_string());
            assert!(refused.is_some_and(|t| t.contains("auth_keys.k")));
        }
        Ok(())
    }

    /// The socket-free path answers as the server does: routing, method, the private-key
    /// refusal, the envelope.
    #[test]
    fn service_answers_without_a_socket() -> Result<(), Box<dyn std::error::Error>> {
        let service = ApiService::new(config(POLICY)?, Arc::new(|_| {}))?;
        let peer = |ip: [u8; 4], tls: bool| Peer {
            address: SocketAddr::from((ip, 40000)),
            tls,
            client_cn: None,
        };
        let local = peer([127, 0, 0, 1], false);
        let health = service.answer("GET", "/api/v1/cfssl/health", &local, Vec::new());
        assert_eq!(health.status(), 200);
        assert_eq!(health.content_type(), "application/json");
        assert_eq!(
            health.body(),
            &b"{\"success\":true,\"result\":{\"healthy\":true},\"errors\":[],\"messages\":[]}\n"[..]
        );
        let post = service.answer("POST", "/api/v1/cfssl/health", &local, Vec::new());
        assert_eq!(post.status(), 405);
        let missing = service.answer("GET", "/api/v1/cfssl/nosuch?x", &local, Vec::new());
        assert_eq!(
            (missing.status().as_u16(), missing.body()),
            (404, &b"404 page not found\n"[..])
        );
        let bad = service.answer("GET", "/api/v1/cfssl/%zz", &local, Vec::new());
        assert_eq!(
            (bad.status().as_u16(), bad.body()),
            (400, &b"400 Bad Request"[..])
        );
        let newkey = br#"{"CN":"x","key":{"algo":"ecdsa","size":256}}"#.to_vec();
        let remote = service.answer(
            "POST",
            "/api/v1/cfssl/newkey",
            &peer([10, 1, 2, 3], false),
            newkey.clone(),
        );
        assert_eq!(remote.status(), 403);
        // A host that cannot be encoded is the client's error (400, cfssl's 1300), not a
        // 500 (fuzz/regressions/serve_handler/newcert-non-ascii-host.bin).
        let non_ascii = r#"{"request":{"CN":"x","hosts":["\u00fc@example.com"],"key":{"algo":"ecdsa","size":256}}}"#;
        let refused = service.answer(
            "POST",
            "/api/v1/cfssl/newcert",
            &local,
            non_ascii.as_bytes().to_vec(),
        );
        assert_eq!(refused.status(), 400);
        let text = String::from_utf8_lossy(refused.body());
        assert!(
            text.contains(r#""code":1300"#) && text.contains("must be ASCII"),
            "{text}"
        );
        // A CSR whose SAN extension does not decode is cfssl's 9003, not a 500
        // (fuzz/regressions/serve_handler/sign-malformed-san.bin).
        let malformed = cfssl_json::Value::Object(vec![(
            "certificate_request".to_owned(),
            cfssl_json::Value::String(MALFORMED_SAN_CSR.to_owned()),
        )]);
        let refused = service.answer(
            "POST",
            "/api/v1/cfssl/sign",
            &local,
            malformed.to_json().into_bytes(),
        );
        assert_eq!(refused.status(), 400);
        let text = String::from_utf8_lossy(refused.body());
        assert!(text.contains(r#""code":9003"#), "{text}");
        for client in [local, peer([10, 1, 2, 3], true)] {
            let made = service.answer("POST", "/api/v1/cfssl/newkey", &client, newkey.clone());
            assert_eq!(made.status(), 200);
            assert!(String::from_utf8_lossy(made.body()).contains("PRIVATE KEY"));
        }
        Ok(())
    }

    #[test]
    fn only_ca_acting_endpoints_need_authentication() {
        let acting: Vec<&str> = ENDPOINTS
            .into_iter()
            .filter(|e| acts_without_auth(*e))
            .map(Endpoint::name)
            .collect();
        assert_eq!(acting, ["newcert", "ocspsign", "revoke", "sign"]);
        assert_eq!(Endpoint::from_name("init_ca"), Some(Endpoint::InitCa));
        assert_eq!(Endpoint::Crl.method(), Method::GET);
        assert_eq!(Endpoint::Sign.method(), Method::POST);
    }
}
