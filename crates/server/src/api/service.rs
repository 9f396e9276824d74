//! `serve`'s API without a socket: what the server does with a request once its head is in
//! and its body read.
//!
//! Why this exists: the request path (routing, the endpoint-enabled check, the mutual-TLS
//! CN check, the method check, `authsign`'s token, the refusal to send a private key over
//! plain HTTP, the handler, the envelope, the access-log line) is where a client's bytes
//! meet the CA, so it is what a fuzzer or a test must reach. Behind a bound socket it can
//! only be reached through TCP and hyper, a runtime and a port. [`ApiService`] is that path
//! as a plain function of (method, target, client, body); the socket path
//! (`super::answer`) is built from the same pieces, so the two cannot drift:
//!
//! * [`ApiService::route`]: everything decided from the request's head, before the body is
//!   read (so a request for an unknown path or with the wrong method is refused without
//!   reading its body, as before);
//! * the handler, on the blocking pool for the socket path ([`ApiService::handle`]);
//! * [`ApiService::finish`]: the access-log line and the envelope.
//!
//! What stays with the socket path: TLS, reading the body under the size and time limits,
//! and turning a handler's panic into a 500 (the socket path runs the handler in
//! `spawn_blocking`; [`ApiService::answer`] calls it directly, so a panic reaches the
//! caller, which is what a fuzzer wants to see). No request header is consulted: `serve`'s
//! authentication is in the body (`authsign`'s token) and in the connection (TLS, the client
//! certificate's CN), which [`Peer`] carries.

use std::sync::Arc;

use super::reply::{self, Answer, Failure, Success};
use super::{Endpoint, Input, PREFIX, State, handlers, info};
use crate::routing::path_unescape;
use crate::transport::Peer;
use crate::{LogSink, Note, NoteLevel};

/// `serve`'s request handling, without a socket: built from an [`super::ApiConfig`] by the
/// same code as [`super::ApiServer::bind`] (same checks, same start-up log lines), and
/// used by the server for every request.
#[derive(Clone)]
pub struct ApiService {
    pub(crate) state: Arc<State>,
}

impl std::fmt::Debug for ApiService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiService")
            .field("enabled", &self.state.enabled)
            .finish_non_exhaustive()
    }
}

/// A request whose head has been accepted: which endpoint, and what the access-log line and
/// the handler need from the head.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) endpoint: Endpoint,
    method: String,
    target: String,
    query: Option<String>,
    peer: Peer,
}

impl Route {
    /// Whether the endpoint reads a body (a POST endpoint); a GET endpoint's body is never
    /// read, as Go's handlers never read it.
    pub(crate) fn takes_body(&self) -> bool {
        self.endpoint.method() == hyper::Method::POST
    }

    /// What the handler gets.
    pub(crate) fn input(&self, body: Vec<u8>) -> Input {
        Input {
            body,
            query: self.query.clone(),
            peer: self.peer.clone(),
        }
    }
}

impl ApiService {
    /// Checks `config` and decides which endpoints are enabled, logging cfssl's start-up
    /// lines to `log`, exactly as [`super::ApiServer::bind`] does before it opens its socket
    /// (TLS files included, so a service is made from any configuration the server would
    /// accept). The non-loopback refusal needs the bound address and stays with `bind`.
    ///
    /// # Errors
    /// As [`super::ApiServer::bind`], less the socket and the non-loopback refusal.
    pub fn new(config: super::ApiConfig, log: LogSink) -> Result<ApiService, crate::ServerError> {
        super::prepare(config, log).map(|prepared| prepared.service)
    }

    /// Answers one request as the server would once its body is read: `method` and `target`
    /// (the request target: path, and query after `?`) as they arrived, `peer` the client,
    /// `body` the whole body (the server has already refused one over its limit; here it
    /// is taken as given). Logs the lines the server logs.
    ///
    /// The body of a GET endpoint, or of a request refused before its handler, is ignored,
    /// as the server never reads it.
    pub fn answer(&self, method: &str, target: &str, peer: &Peer, body: Vec<u8>) -> Answer {
        let route = match self.route(method, target, peer) {
            Ok(route) => route,
            Err(answer) => return answer,
        };
        let body = if route.takes_body() { body } else { Vec::new() };
        let outcome = self.handle(route.endpoint, &route.input(body));
        self.finish(&route, outcome)
    }

    /// What the head decides: Go's `400 Bad Request` for a path that does not unescape, the
    /// mutual-TLS CN check, `404 page not found` for a path that names no enabled endpoint,
    /// `405` for another method than the endpoint's (with its access-log line).
    pub(crate) fn route(&self, method: &str, target: &str, peer: &Peer) -> Result<Route, Answer> {
        let state = &self.state;
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        let Some(path) = path_unescape(path) else {
            return Err(Answer::go_bad_request());
        };
        if let Some(regex) = &state.cn_regex {
            let cn = peer.client_cn.clone().unwrap_or_default();
            if !regex.is_match(&cn) {
                (state.log)(Note {
                    level: NoteLevel::Warning,
                    message: format!("Rejected client cert CN {cn:?} does not match regex {regex}"),
                });
                return Err(reply::go_http_error(
                    hyper::StatusCode::FORBIDDEN,
                    "Invalid CN\n".into(),
                ));
            }
        }
        let endpoint = path
            .strip_prefix(PREFIX)
            .and_then(Endpoint::from_name)
            .filter(|e| state.enabled.contains(e));
        let Some(endpoint) = endpoint else {
            return Err(Answer::go_not_found());
        };
        let route = Route {
            endpoint,
            method: method.to_owned(),
            target: target.to_owned(),
            query: target.split_once('?').map(|(_, q)| q.to_owned()),
            peer: peer.clone(),
        };
        if method != endpoint.method().as_str() {
            let failure = Failure::method(method);
            self.access(&route, failure.log_code());
            return Err(reply::respond(&Err(failure)));
        }
        Ok(route)
    }

    /// Runs the endpoint's handler (blocking: signing, key generation, the certdb).
    pub(crate) fn handle(&self, endpoint: Endpoint, input: &Input) -> Result<Success, Failure> {
        handlers::handle(endpoint, &self.state, input)
    }

    /// The access-log line and the envelope of a handler's outcome.
    pub(crate) fn finish(&self, route: &Route, outcome: Result<Success, Failure>) -> Answer {
        self.access(
            route,
            match &outcome {
                Ok(_) => 200,
                Err(failure) => failure.log_code(),
            },
        );
        reply::respond(&outcome)
    }

    /// cfssl's access-log line: `ADDRESS - "METHOD TARGET" CODE`.
    pub(crate) fn access(&self, route: &Route, code: i64) {
        info(
            &self.state.log,
            &format!(
                "{} - \"{} {}\" {}",
                route.peer.address, route.method, route.target, code
            ),
        );
    }
}
