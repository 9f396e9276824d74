//! `multirootca`'s signing core: several CAs behind one server, chosen per request by label,
//! every request authenticated (cfssl `cmd/multirootca`, docs/cfssl-lifecycle.md §10).
//!
//! This module decides what to answer; the HTTP side (routing, TLS, limits, logging) is the
//! server's. Its rules are cfssl's, which differ from `serve`'s `authsign` on purpose:
//!
//! * The request's `label` picks the root (empty: the server's default label); a root's
//!   `nets` restrict which client addresses may use it (`403 not authorised`).
//! * The profile lookup is strict: an unknown profile is `400 invalid profile`, never the
//!   default profile.
//! * Every profile must name an `auth_key`: one without is `401 authorisation required`.
//! * The token is checked against `auth_key`, then `prev_auth_key`.
//! * Every error is the envelope with code **1** and a short message; what went wrong in
//!   detail goes to the log ([`Refusal::detail`]).
//!
//! Where cfssl-rs differs (docs/differences.md, "multirootca"): cfssl prints every failed
//! request, token included, to standard output; we log one line without the body. Members
//! of cfssl's sign request that our signer cannot honour (`extensions`, `serial`,
//! `NotBefore`/`NotAfter`, `ReturnPrecert`, `metadata`) are refused by name instead of
//! being applied (cfssl) or dropped.

mod server;

pub use server::{MultirootConfig, MultirootServer, run_multiroot_server_blocking};

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use cfssl_api::auth::{AuthenticatedRequest, verify};
use cfssl_api::info::{InfoRequest, InfoResponse};
use cfssl_api::sign::GO_ZERO_TIME;
use cfssl_ca::{CsrInput, Db, Issued, LocalSigner, SignRequest};
use cfssl_config::multiroot::IpNet;
use cfssl_json::{Object, Value};
use time::OffsetDateTime;

/// One CA of the server.
pub struct MultiRoot {
    /// The CA's signer (certificate, key, and the `signing` policy of its config).
    pub signer: LocalSigner,
    /// The HMAC keys of the config's `auth_keys`, hex-decoded, by name.
    pub auth_keys: BTreeMap<String, Vec<u8>>,
    /// Client networks allowed to use this root (empty: everyone).
    pub nets: Vec<IpNet>,
    /// The root's certificate database (`dbconfig`): rows carry the root's label.
    pub db: Option<Mutex<Db>>,
    /// Concurrent requests' rows share one transaction (group commit, as in `serve`).
    commits: crate::group_commit::CommitQueue,
}

impl std::fmt::Debug for MultiRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiRoot")
            .field("ca", &self.signer.ca().subject.common_name)
            .field("auth_keys", &self.auth_keys.keys().collect::<Vec<_>>())
            .field("nets", &self.nets)
            .field("db", &self.db.is_some())
            .finish()
    }
}

impl MultiRoot {
    /// A root signing with `signer`, its HMAC keys taken from the signer's configuration
    /// (`auth_keys`, `env:`/`file:` resolved once, now).
    ///
    /// # Errors
    /// An `auth_keys` key that does not resolve.
    pub fn new(
        signer: LocalSigner,
        nets: Vec<IpNet>,
        db: Option<Db>,
    ) -> Result<MultiRoot, cfssl_config::AuthKeyError> {
        let auth_keys = signer
            .policy()
            .auth_keys
            .iter()
            .map(|(name, key)| Ok((name.clone(), key.resolve()?)))
            .collect::<Result<_, cfssl_config::AuthKeyError>>()?;
        Ok(MultiRoot {
            signer,
            auth_keys,
            nets,
            db: db.map(Mutex::new),
            commits: crate::group_commit::CommitQueue::default(),
        })
    }
}

/// A request multirootca refuses: the HTTP status, cfssl's short message (the envelope's
/// `message`, code 1), and what the log line adds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({detail})")]
pub struct Refusal {
    /// HTTP status (400, 401, 403, 500).
    pub status: u16,
    /// The envelope's message.
    pub message: String,
    /// The log's detail (cfssl's text after the message, in parentheses).
    pub detail: String,
}

impl Refusal {
    fn new(status: u16, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
            detail: detail.into(),
        }
    }
}

/// A signature made: what the success log line names.
#[derive(Debug)]
pub struct Signed {
    /// The certificate.
    pub issued: Issued,
    /// The root that signed.
    pub label: String,
    /// The profile asked for.
    pub profile: String,
}

/// The counters `/metrics` shows, named as cfssl's Prometheus metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, String), u64>>,
    errored: Mutex<BTreeMap<(&'static str, String), u64>>,
    bad_inputs: AtomicU64,
}

impl Metrics {
    fn count(map: &Mutex<BTreeMap<(&'static str, String), u64>>, op: &'static str, label: &str) {
        let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry((op, label.to_owned())).or_default() += 1;
    }

    /// The Prometheus text exposition (version 0.0.4) of the counters.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut family =
            |name: &str, help: &str, map: &Mutex<BTreeMap<(&'static str, String), u64>>| {
                out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n"));
                let map = map.lock().unwrap_or_else(|p| p.into_inner());
                for ((op, label), n) in map.iter() {
                    out.push_str(&format!(
                        "{name}{{operation=\"{op}\",signer=\"{}\"}} {n}\n",
                        label.replace('\\', "\\\\").replace('"', "\\\"")
                    ));
                }
            };
        family(
            "requests_total",
            "How many requests for each operation type and signer were succesfully processed.",
            &self.requests,
        );
        family(
            "requests_errored_total",
            "How many requests for each operation type resulted in an error.",
            &self.errored,
        );
        out.push_str(&format!(
            "# HELP bad_inputs_total How many times the input was malformed or not allowed.\n\
             # TYPE bad_inputs_total counter\nbad_inputs_total{{operation=\"sign\"}} {}\n",
            self.bad_inputs.load(Ordering::Relaxed)
        ));
        out
    }
}

/// The roots of one server.
#[derive(Debug)]
pub struct MultiRoots {
    roots: BTreeMap<String, MultiRoot>,
    default_label: String,
    metrics: Metrics,
}

/// Members of cfssl's `signer.SignRequest`, in Go's declaration order.
const SIGN_REQUEST_FIELDS: [&str; 12] = [
    "hosts",
    "certificate_request",
    "subject",
    "profile",
    "crl_override",
    "label",
    "serial",
    "extensions",
    "NotBefore",
    "NotAfter",
    "ReturnPrecert",
    "metadata",
];

impl MultiRoots {
    /// The server's roots and its default label (`-l`).
    pub fn new(roots: BTreeMap<String, MultiRoot>, default_label: impl Into<String>) -> Self {
        MultiRoots {
            roots,
            default_label: default_label.into(),
            metrics: Metrics::default(),
        }
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The labels served.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.roots.keys().map(String::as_str)
    }

    /// `POST /api/v1/cfssl/authsign` from a client at `peer`. Blocking: it signs and may
    /// write to a database, so a server calls it off its async threads.
    ///
    /// # Errors
    /// A [`Refusal`] to send as the envelope (code 1) with its status.
    pub fn authsign(
        &self,
        body: &[u8],
        peer: IpAddr,
        now: OffsetDateTime,
    ) -> Result<Signed, Refusal> {
        let result = self.authsign_inner(body, peer, now);
        if let Err(refusal) = &result
            && refusal.status != 500
        {
            self.metrics.bad_inputs.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    fn authsign_inner(
        &self,
        body: &[u8],
        peer: IpAddr,
        now: OffsetDateTime,
    ) -> Result<Signed, Refusal> {
        let wrapped = AuthenticatedRequest::from_json(body)
            .map_err(|e| Refusal::new(400, e.to_string(), "while unmarshaling request body"))?;
        let inner = ParsedSignRequest::parse(&wrapped.request)
            .map_err(|e| Refusal::new(400, e, "while unmarshalling authenticated request"))?;
        let label = if inner.label.is_empty() {
            self.default_label.clone()
        } else {
            inner.label.clone()
        };
        let root = self.roots.get(&label);
        if let Some(root) = root
            && !root.nets.is_empty()
            && !root.nets.iter().any(|net| net.contains(peer))
        {
            return Err(Refusal::new(
                403,
                "not authorised",
                "because IP is not whitelisted",
            ));
        }
        let Some(root) = root else {
            return Err(Refusal::new(
                400,
                "bad request",
                format!("request is for non-existent label {label}"),
            ));
        };
        Metrics::count(&self.metrics.requests, "sign", &label);
        let policy = root.signer.policy();
        let profile = if inner.profile.is_empty() {
            &policy.signing.default
        } else {
            policy.signing.profiles.get(&inner.profile).ok_or_else(|| {
                Refusal::new(
                    400,
                    "invalid profile",
                    format!("failed to look up profile with name: {}", inner.profile),
                )
            })?
        };
        let Some(key_name) = &profile.auth_key else {
            return Err(Refusal::new(
                401,
                "authorisation required",
                "received unauthenticated request",
            ));
        };
        let key_ok = |name: &String| {
            root.auth_keys
                .get(name)
                .is_some_and(|key| verify(key, &wrapped.request, &wrapped.token))
        };
        if !(key_ok(key_name) || profile.prev_auth_key.as_ref().is_some_and(key_ok)) {
            return Err(Refusal::new(
                400,
                "invalid token",
                "received authenticated request with invalid token",
            ));
        }
        if inner.certificate_request.is_empty() {
            return Err(Refusal::new(400, "invalid request", "empty request"));
        }
        if let Some(unsupported) = inner.unsupported {
            Metrics::count(&self.metrics.errored, "sign", &label);
            return Err(Refusal::new(400, "bad request", unsupported));
        }
        let subject = match &inner.subject {
            Some(value) => Some(
                cfssl_signer::SubjectOverride::from_json(value.to_compact().as_bytes()).map_err(
                    |e| Refusal::new(400, "bad request", format!("signature failed: {e}")),
                )?,
            ),
            None => None,
        };
        let request = SignRequest {
            csr: CsrInput::Pem(inner.certificate_request.into_bytes()),
            hosts: inner.hosts,
            subject,
            profile: inner.profile.clone(),
            crl_override: Some(inner.crl_override).filter(|c| !c.is_empty()),
            ..SignRequest::default()
        };
        let issued =
            cfssl_ca::sign(&root.signer, &request, now, &mut cfssl_ca::Discard).map_err(|e| {
                Metrics::count(&self.metrics.errored, "sign", &label);
                Refusal::new(400, "bad request", format!("signature failed: {e}"))
            })?;
        if let Some(db) = &root.db {
            let written = cfssl_ca::ledger::certificate_record(&issued, &label).and_then(|row| {
                root.commits
                    .insert(db, row)
                    .map_err(cfssl_ca::CaError::from)
            });
            written.map_err(|e| {
                Metrics::count(&self.metrics.errored, "sign", &label);
                Refusal::new(
                    500,
                    "bad request",
                    format!("signature failed: the certificate could not be recorded: {e}"),
                )
            })?;
        }
        Ok(Signed {
            issued,
            label,
            profile: inner.profile,
        })
    }

    /// `POST /api/v1/cfssl/info`: the root's certificate and the profile's usages and
    /// expiry (cfssl's `info.MultiHandler`: label default `-l`, unknown → `400 bad label`).
    ///
    /// # Errors
    /// A [`Refusal`].
    pub fn info(&self, body: &[u8]) -> Result<InfoResponse, Refusal> {
        let request = InfoRequest::from_json(body)
            .map_err(|e| Refusal::new(400, e.to_string(), "while unmarshaling info request"))?;
        let label = if request.label.is_empty() {
            &self.default_label
        } else {
            &request.label
        };
        let root = self
            .roots
            .get(label)
            .ok_or_else(|| Refusal::new(400, "bad label", format!("no root labelled {label:?}")))?;
        let info = cfssl_ca::info(root.signer.ca(), root.signer.policy(), &request.profile)
            .map_err(|e| Refusal::new(400, e.to_string(), "while looking up the profile"))?;
        Metrics::count(&self.metrics.requests, "info", label);
        Ok(InfoResponse {
            certificate: info.certificate,
            usages: info.usages,
            expiry: info.expiry,
        })
    }
}

/// cfssl's `signer.SignRequest` as multirootca reads it.
struct ParsedSignRequest {
    hosts: Option<Vec<String>>,
    certificate_request: String,
    subject: Option<Value>,
    profile: String,
    crl_override: String,
    label: String,
    /// Why the request cannot be signed as asked, if it asks for something we do not do.
    unsupported: Option<String>,
}

impl ParsedSignRequest {
    fn parse(bytes: &[u8]) -> Result<Self, String> {
        let doc = cfssl_json::parse(bytes).map_err(|e| e.to_string())?;
        let object = Object::new(&doc, "signer.SignRequest", &SIGN_REQUEST_FIELDS)
            .map_err(|e| e.to_string())?;
        let text = |field: &str| {
            object
                .string(field)
                .map(Option::unwrap_or_default)
                .map_err(|e| e.to_string())
        };
        let present = |field: &str| !matches!(object.raw(field), None | Some(Value::Null));
        let mut unsupported = Vec::new();
        if present("serial") {
            unsupported.push("serial (client-chosen serial numbers)");
        }
        if object
            .raw("extensions")
            .is_some_and(|v| !matches!(v, Value::Null) && v != &Value::Array(Vec::new()))
        {
            unsupported.push("extensions");
        }
        for field in ["NotBefore", "NotAfter"] {
            let value = text(field)?;
            if !value.is_empty() && value != GO_ZERO_TIME {
                unsupported.push(if field == "NotBefore" {
                    "NotBefore"
                } else {
                    "NotAfter"
                });
            }
        }
        if object.bool("ReturnPrecert").map_err(|e| e.to_string())? == Some(true) {
            unsupported.push("ReturnPrecert");
        }
        if present("metadata") {
            unsupported.push("metadata");
        }
        let subject = match object.raw("subject") {
            None | Some(Value::Null) => None,
            Some(value @ Value::Object(_)) => Some(value.clone()),
            Some(other) => {
                return Err(object
                    .type_error("subject", other, "signer.Subject")
                    .to_string());
            }
        };
        Ok(ParsedSignRequest {
            hosts: object.string_array("hosts").map_err(|e| e.to_string())?,
            certificate_request: text("certificate_request")?,
            subject,
            profile: text("profile")?,
            crl_override: text("crl_override")?,
            label: text("label")?,
            unsupported: (!unsupported.is_empty()).then(|| {
                format!(
                    "cfssl-rs does not honour {} in a sign request; send the request without it",
                    unsupported.join(", ")
                )
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfssl_api::sign::WireSignRequest;
    use cfssl_ca::{CertificateRequest, Config, InitCa, ParsedCertificate};

    const KEY: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];

    fn root(cn: &str) -> Result<MultiRoot, Box<dyn std::error::Error>> {
        let now = OffsetDateTime::now_utc();
        let request = CertificateRequest::from_json(
            format!(r#"{{"CN": "{cn}", "key": {{"algo": "ecdsa", "size": 256}}}}"#).as_bytes(),
        )?;
        let made = cfssl_ca::init_ca(&InitCa { request }, now, &mut Vec::new())?;
        let ca = ParsedCertificate::from_pem(made.certificate.pem.as_bytes())?;
        let policy = Config::from_json(
            br#"{"signing": {
                "default": {"expiry": "1h", "usages": ["signing"], "auth_key": "k"},
                "profiles": {
                    "server": {"expiry": "24h", "usages": ["digital signature", "server auth"], "auth_key": "k"},
                    "open": {"expiry": "24h", "usages": ["server auth"]}
                }},
              "auth_keys": {"k": {"type": "standard", "key": "deadbeef"}}}"#,
        )?;
        Ok(MultiRoot::new(
            LocalSigner::new(ca, made.key, policy)?,
            Vec::new(),
            None,
        )?)
    }

    fn csr() -> Result<String, Box<dyn std::error::Error>> {
        let request =
            CertificateRequest::from_json(br#"{"CN": "leaf.example", "hosts": ["leaf.example"]}"#)?;
        Ok(cfssl_ca::genkey(&request, &mut Vec::new())?.csr.pem)
    }

    fn body(request: &WireSignRequest, key: &[u8]) -> String {
        AuthenticatedRequest::new(key, request.to_json().into_bytes()).to_json()
    }

    const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn signs_with_the_labelled_root() -> Result<(), Box<dyn std::error::Error>> {
        let mut roots = BTreeMap::new();
        roots.insert("alpha".to_owned(), root("Alpha Root")?);
        roots.insert("beta".to_owned(), root("Beta Root")?);
        let server = MultiRoots::new(roots, "alpha");
        let now = OffsetDateTime::now_utc();
        let mut request = WireSignRequest {
            certificate_request: csr()?,
            profile: "server".into(),
            label: "beta".into(),
            ..WireSignRequest::default()
        };
        let signed = server.authsign(body(&request, &KEY).as_bytes(), LOCAL, now)?;
        let cert = ParsedCertificate::from_pem(signed.issued.pem.as_bytes())?;
        assert_eq!(cert.issuer.common_name, "Beta Root");
        assert_eq!(signed.label, "beta");
        // No label: the default root.
        request.label.clear();
        let signed = server.authsign(body(&request, &KEY).as_bytes(), LOCAL, now)?;
        let cert = ParsedCertificate::from_pem(signed.issued.pem.as_bytes())?;
        assert_eq!(cert.issuer.common_name, "Alpha Root");
        assert!(
            server
                .metrics()
                .render()
                .contains(r#"requests_total{operation="sign",signer="alpha"} 1"#)
        );

        let info = server.info(br#"{"label":"beta","profile":"server"}"#)?;
        assert!(info.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(info.expiry, "24h");
        Ok(())
    }

    #[test]
    fn refusals_are_cfssls() -> Result<(), Box<dyn std::error::Error>> {
        let mut only = root("Only Root")?;
        only.nets = vec![IpNet::parse("10.0.0.0/8").ok_or("cidr")?];
        let mut roots = BTreeMap::new();
        roots.insert("only".to_owned(), only);
        roots.insert("open".to_owned(), root("Open Root")?);
        let server = MultiRoots::new(roots, "open");
        let now = OffsetDateTime::now_utc();
        let good = WireSignRequest {
            certificate_request: csr()?,
            profile: "server".into(),
            ..WireSignRequest::default()
        };
        let refusal = |body: &str| {
            server
                .authsign(body.as_bytes(), LOCAL, now)
                .map(|_| (0, String::new()))
                .unwrap_or_else(|r| (r.status, r.message))
        };
        assert_eq!(
            refusal(&body(&good, b"wrong")),
            (400, "invalid token".into())
        );
        let unknown = WireSignRequest {
            profile: "nope".into(),
            ..good.clone()
        };
        assert_eq!(
            refusal(&body(&unknown, &KEY)),
            (400, "invalid profile".into())
        );
        let open = WireSignRequest {
            profile: "open".into(),
            ..good.clone()
        };
        assert_eq!(
            refusal(&body(&open, &KEY)),
            (401, "authorisation required".into())
        );
        let elsewhere = WireSignRequest {
            label: "only".into(),
            ..good.clone()
        };
        assert_eq!(
            refusal(&body(&elsewhere, &KEY)),
            (403, "not authorised".into())
        );
        let missing = WireSignRequest {
            label: "gone".into(),
            ..good.clone()
        };
        assert_eq!(refusal(&body(&missing, &KEY)), (400, "bad request".into()));
        let empty = WireSignRequest {
            certificate_request: String::new(),
            ..good.clone()
        };
        assert_eq!(
            refusal(&body(&empty, &KEY)),
            (400, "invalid request".into())
        );
        let serial = WireSignRequest {
            serial: Some("5".into()),
            ..good.clone()
        };
        let (status, message) = refusal(&body(&serial, &KEY));
        assert_eq!(status, 400);
        assert_eq!(message, "bad request");
        assert_eq!(refusal("{").0, 400);
        let garbage = AuthenticatedRequest::new(&KEY, b"[1]".to_vec()).to_json();
        assert_eq!(refusal(&garbage).0, 400);
        assert!(
            server
                .info(br#"{"label":"gone"}"#)
                .is_err_and(|r| r.message == "bad label")
        );
        assert!(
            server
                .metrics()
                .render()
                .contains("bad_inputs_total{operation=\"sign\"} 9")
        );
        Ok(())
    }
}
