//! # cfssl-remote: the client side of cfssl's signing API
//!
//! `cfssl sign -remote`, `gencert -remote` and `info -remote` do not sign: they send the
//! request to a cfssl server (`cfssl serve`, `multirootca`, or `cfssl-rs serve`) and print
//! what it answers. This crate is that client, as cfssl's `api/client` behaves
//! (docs/cfssl-lifecycle.md §9), so scripts that switch from cfssl see the same results and
//! the same errors:
//!
//! * A remote is a comma-separated list of servers, tried in order; the first answer that
//!   is a success wins, and if none succeeds the last failure is reported (cfssl's
//!   "ordered list" group, docs/cfssl-lifecycle.md §9.2).
//! * Each request is `POST <base>/api/v1/cfssl/<endpoint>` with `Content-Type:
//!   application/json` on a connection of its own. The bodies and the answer's envelope are
//!   `cfssl-api`'s: this crate never writes its own copy of the wire format.
//! * A profile with `auth_remote` sends the exact sign request bytes wrapped with an
//!   HMAC-SHA-256 token to `authsign` ([`Remote::sign`] with a key).
//! * Failures carry cfssl's codes ([`RemoteError::code`]): 7400 for no answer or a non-200
//!   answer (whose body becomes the message), 7200 for an answer that is not JSON, 7500 for
//!   an envelope with `success: false`.
//!
//! ## Where this client differs from cfssl's, and why
//!
//! * Bounded waits ([`Timeouts`]: 10 s to connect per address, 60 s per request). cfssl's
//!   command line waits for ever on a server that accepts and never answers
//!   (docs/differences.md #40).
//! * `-remote 127.0.0.1:8888` works (with a warning): cfssl's URL parser rejects an IP
//!   address with a port unless `http://` is written (docs/differences.md #39).
//! * An `https` remote without `-tls-remote-ca` on a machine without a system trust store is
//!   refused before connecting, naming the fix ([`TlsOptions`], docs/differences.md #41).
//!
//! The library never prints: what cfssl logs (`[ERROR] http error with <url>`) is handed
//! to the caller's log as a [`Note`].
//!
//! ## Why blocking, over tokio and hyper
//!
//! The commands are one request each, so the API is blocking; underneath, a small
//! single-threaded tokio runtime drives hyper's HTTP/1.1 client and tokio-rustls, the same
//! stack as `cfssl-server`, so the workspace carries one HTTP and one TLS implementation.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod answer;
mod error;
mod tls;
mod transport;

use std::sync::Arc;

use cfssl_api::Envelope;
use cfssl_api::auth::AuthenticatedRequest;
use cfssl_api::info::{InfoRequest, InfoResponse};
use cfssl_api::sign::WireSignRequest;
use cfssl_api::url::{RemoteUrl, UrlError, normalize_remote};
use cfssl_json::Value;

pub use error::RemoteError;
pub use tls::TlsOptions;
pub use transport::{MAX_RESPONSE_BYTES, Timeouts};

/// A log line for the caller to show; the library never prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// cfssl's `[ERROR]` lines (`http error with <url>`, `bad url: …`).
    Error(String),
    /// A `[WARNING]`: something cfssl would have done differently.
    Warning(String),
    /// A `[DEBUG]` line.
    Debug(String),
}

/// A remote cfssl signer: its servers, in the order they are tried, and how to reach them.
pub struct Remote {
    servers: Vec<RemoteUrl>,
    tls: Option<Arc<rustls::ClientConfig>>,
    timeouts: Timeouts,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("servers", &self.servers)
            .field("tls", &self.tls.is_some())
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// cfssl `revoke` endpoint's request: `{"serial","authority_key_id","reason"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevokeRequest {
    /// The serial number, decimal, as the certificate database stores it.
    pub serial: String,
    /// The authority key identifier, lower-case hex without colons.
    pub authority_key_id: String,
    /// The reason, as cfssl's `revoke -reason` takes it (a name or a number).
    pub reason: String,
}

impl RevokeRequest {
    /// The body, members in cfssl's `JsonRevokeRequest` order.
    pub fn to_json(&self) -> String {
        Value::Object(vec![
            ("serial".into(), Value::String(self.serial.clone())),
            (
                "authority_key_id".into(),
                Value::String(self.authority_key_id.clone()),
            ),
            ("reason".into(), Value::String(self.reason.clone())),
        ])
        .to_compact()
    }
}

impl Remote {
    /// The servers of a `-remote` value or `remotes` entry (comma-separated, tried in
    /// order), with the TLS inputs for `https` ones.
    ///
    /// An IP address with a port but no scheme (`127.0.0.1:8888`), which cfssl rejects, is
    /// read as `http://127.0.0.1:8888` with a warning (docs/differences.md #39).
    ///
    /// # Errors
    /// [`RemoteError::BadUrl`] (after an `Error` note `bad url: …`, as cfssl logs it);
    /// [`RemoteError::Tls`] for unusable TLS inputs, or an `https` server with no roots to
    /// trust.
    pub fn new(
        list: &str,
        tls: &TlsOptions,
        timeouts: Timeouts,
        log: &mut dyn FnMut(Note),
    ) -> Result<Remote, RemoteError> {
        let mut servers = Vec::new();
        for address in list.split(',') {
            servers.push(parse_address(address, log)?);
        }
        let any_https = servers.iter().any(|s| s.https);
        let tls_given = tls.remote_ca_pem.is_some() || tls.client_identity_pem.is_some();
        let tls_config = if any_https {
            Some(tls::client_config(tls)?)
        } else {
            if tls_given {
                // Still checked, as cfssl loads them, but they change nothing over http.
                tls::client_config_with_roots_only(tls)?;
                log(Note::Warning(format!(
                    "the TLS settings (-tls-remote-ca, -mutual-tls-client-cert/-key) have no \
                     effect: {list} is plain http; write https://… to use TLS"
                )));
            }
            None
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| RemoteError::Runtime(e.to_string()))?;
        Ok(Remote {
            servers,
            tls: tls_config,
            timeouts,
            runtime,
        })
    }

    /// The servers, in the order they are tried.
    pub fn servers(&self) -> &[RemoteUrl] {
        &self.servers
    }

    /// Sends a sign request and returns the certificate PEM. With `auth_key` (the
    /// hex-decoded `auth_keys` key of the profile's `auth_remote`), the request's exact
    /// bytes are wrapped with their token and a timestamp and sent to `authsign`; without,
    /// to `sign`.
    ///
    /// # Errors
    /// [`RemoteError`] from the last server tried.
    pub fn sign(
        &self,
        request: &WireSignRequest,
        auth_key: Option<&[u8]>,
        now_unix: i64,
        log: &mut dyn FnMut(Note),
    ) -> Result<String, RemoteError> {
        let body = request.to_json().into_bytes();
        match auth_key {
            None => self.each_server("sign", &body, log, |envelope| {
                answer::certificate(&envelope.result)
            }),
            Some(key) => {
                let wrapped = AuthenticatedRequest {
                    timestamp: now_unix,
                    ..AuthenticatedRequest::new(key, body)
                };
                let body = wrapped.to_json().into_bytes();
                self.each_server("authsign", &body, log, |envelope| {
                    answer::authsign_certificate(&envelope.result)
                })
            }
        }
    }

    /// Asks for the CA certificate and a profile's usages and expiry. `usages` comes back
    /// as a list even when the server sent `null`, as cfssl's client makes it.
    ///
    /// # Errors
    /// [`RemoteError`] from the last server tried.
    pub fn info(
        &self,
        request: &InfoRequest,
        log: &mut dyn FnMut(Note),
    ) -> Result<InfoResponse, RemoteError> {
        let body = request.to_json().into_bytes();
        self.each_server("info", &body, log, |envelope| {
            answer::info(&envelope.result)
        })
    }

    /// Asks the server to mark a recorded certificate revoked (cfssl serve's `revoke`
    /// endpoint; cfssl's own `revoke` command has no remote mode).
    ///
    /// # Errors
    /// [`RemoteError`] from the last server tried.
    pub fn revoke(
        &self,
        request: &RevokeRequest,
        log: &mut dyn FnMut(Note),
    ) -> Result<(), RemoteError> {
        let body = request.to_json().into_bytes();
        self.each_server("revoke", &body, log, |envelope| {
            answer::revoked(&envelope.result)
        })
    }

    /// cfssl's ordered list: each server in turn until one succeeds.
    fn each_server<T>(
        &self,
        endpoint: &str,
        body: &[u8],
        log: &mut dyn FnMut(Note),
        read: impl Fn(Envelope) -> Result<T, RemoteError>,
    ) -> Result<T, RemoteError> {
        let mut last = None;
        for server in &self.servers {
            let attempt = self.post(server, endpoint, body, log).and_then(&read);
            match attempt {
                Ok(value) => return Ok(value),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| RemoteError::BadUrl {
            address: String::new(),
            reason: UrlError::NoHost {
                address: String::new(),
            },
        }))
    }

    /// cfssl's `server.post`: one request, and the envelope of a successful answer.
    fn post(
        &self,
        server: &RemoteUrl,
        endpoint: &str,
        body: &[u8],
        log: &mut dyn FnMut(Note),
    ) -> Result<Envelope, RemoteError> {
        let url = server.endpoint(endpoint);
        let path = format!("{}{}", server.path, cfssl_api::endpoint_path(endpoint));
        let target = transport::Target {
            https: server.https,
            host: server.hostname(),
            port: server.port(),
            authority: &server.host,
            path: &path,
        };
        let reply = self
            .runtime
            .block_on(transport::post(
                &target,
                body.to_vec(),
                self.tls.clone(),
                self.timeouts,
            ))
            .map_err(|failure| RemoteError::Transport {
                url: url.clone(),
                reason: failure.0,
            })?;
        answer::envelope(&url, reply.status, &reply.body, log)
    }
}

/// One address of a remote list, as cfssl's `normalizeURL` reads it, except that an IP
/// address with a port and no scheme is taken as `http://` (docs/differences.md #39).
fn parse_address(address: &str, log: &mut dyn FnMut(Note)) -> Result<RemoteUrl, RemoteError> {
    let bad = |reason: UrlError, log: &mut dyn FnMut(Note)| {
        log(Note::Error(format!("bad url: {reason}")));
        RemoteError::BadUrl {
            address: address.trim().to_string(),
            reason,
        }
    };
    match normalize_remote(address) {
        Ok(url) => Ok(url),
        Err(reason) => match reason.suggestion() {
            Some(meant) => match normalize_remote(&meant) {
                Ok(url) => {
                    log(Note::Warning(format!(
                        "remote {:?} read as {} (cfssl rejects an address without a scheme \
                         that starts with a digit; write {meant} to be understood by both)",
                        address.trim(),
                        url.base()
                    )));
                    Ok(url)
                }
                Err(_) => Err(bad(reason, log)),
            },
            None => Err(bad(reason, log)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(address: &str) -> (Result<String, RemoteError>, Vec<Note>) {
        let mut notes = Vec::new();
        let result = parse_address(address, &mut |n| notes.push(n)).map(|u| u.base());
        (result, notes)
    }

    #[test]
    fn addresses_as_cfssl_reads_them_but_an_ip_with_a_port() {
        assert_eq!(
            parse("localhost:8888"),
            (Ok("http://localhost:8888".into()), vec![])
        );
        let (url, notes) = parse(" 127.0.0.1:9 ");
        assert_eq!(url, Ok("http://127.0.0.1:9".into()));
        assert!(
            matches!(&notes[..], [Note::Warning(w)] if w.starts_with("remote \"127.0.0.1:9\" read as http://127.0.0.1:9")),
            "{notes:?}"
        );
        let (url, notes) = parse("localhost:abc");
        assert!(matches!(url, Err(RemoteError::BadUrl { .. })));
        assert_eq!(
            notes,
            [Note::Error(
                "bad url: strconv.Atoi: parsing \"abc\": invalid syntax".into()
            )]
        );
        assert_eq!(
            url.map_err(|e| (e.code(), e.to_string())),
            Err((Some(5300), "failed to connect to remote".into()))
        );
    }

    #[test]
    fn results_are_checked_as_cfssls_client_does() {
        let object = |members: Vec<(&str, Value)>| {
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            )
        };
        let pem = Value::String("-----BEGIN CERTIFICATE-----".into());
        assert!(answer::certificate(&object(vec![("certificate", pem.clone())])).is_ok());
        let empty =
            answer::certificate(&object(vec![("certificate", Value::String(String::new()))]));
        assert_eq!(
            empty.map_err(|e| (e.code(), e.to_string())),
            Err((Some(7400), "response doesn't contain certificate.".into()))
        );
        assert_eq!(
            answer::certificate(&Value::Bool(true)).map_err(|e| e.to_string()),
            Err("response is formatted improperly".into())
        );
        // authsign accepts an empty string, and wants a string.
        assert!(
            answer::authsign_certificate(&object(vec![(
                "certificate",
                Value::String(String::new())
            )]))
            .is_ok()
        );
        assert_eq!(
            answer::authsign_certificate(&object(vec![])).map_err(|e| (e.code(), e.to_string())),
            Err((Some(7200), "API client JSON config error".into()))
        );
    }

    #[test]
    fn revoke_body_is_cfssls() {
        let request = RevokeRequest {
            serial: "123".into(),
            authority_key_id: "ab01".into(),
            reason: "keyCompromise".into(),
        };
        assert_eq!(
            request.to_json(),
            r#"{"serial":"123","authority_key_id":"ab01","reason":"keyCompromise"}"#
        );
    }

    #[test]
    fn error_texts_and_codes() {
        let e = RemoteError::Transport {
            url: "http://h:1/api/v1/cfssl/sign".into(),
            reason: "dial tcp 127.0.0.1:1: connect: connection refused".into(),
        };
        assert_eq!(e.code(), Some(7400));
        assert_eq!(
            e.to_string(),
            "failed POST to http://h:1/api/v1/cfssl/sign: Post \"http://h:1/api/v1/cfssl/sign\": dial tcp 127.0.0.1:1: connect: connection refused"
        );
        let e = RemoteError::ServerFailed {
            message: "boom".into(),
        };
        assert_eq!((e.code(), e.to_string()), (Some(7500), "boom".into()));
    }
}
