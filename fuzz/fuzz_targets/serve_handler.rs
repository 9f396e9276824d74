//! `serve`'s request path without a socket (`cfssl_server::api::ApiService::answer`,
//! docs/cfssl-lifecycle.md §7–§8): the code the server runs for every request once its body
//! is read (routing, the enabled check, the method check, `authsign`'s token, the refusal
//! to send a private key over plain HTTP, the handler, the envelope), on an in-memory
//! server with a test CA (ECDSA), a default profile without `auth_key` and a profile
//! `authed` with one, a bundler trusting the CA, and a SQLite certdb in a temporary
//! directory.
//!
//! The first input byte picks what the rest is. Its low four bits pick the endpoint: the
//! body of `sign`; a sign request wrapped with a valid `authsign` token; one wrapped with a
//! wrong key; a raw `authsign` body; the body of `info`, `certinfo`, `bundle`, `revoke`,
//! `newcert`, `newkey`, `init_ca`, `gencrl`; the query of `crl`; `health`; `scaninfo`; or a
//! request target of the fuzzer's (up to the first newline, the body after it). Bits 4–5
//! pick the client: loopback, a non-loopback address over plain HTTP, the same over TLS,
//! or loopback as an IPv4-mapped IPv6 address. Bit 6 sends the other method.
//! Key-generating requests naming RSA (or holding a JSON escape that could spell it) are
//! skipped: an 8192-bit key takes seconds, and the key generator is not what this fuzzes.
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * every answer but Go's canned `404 page not found` / `400 Bad Request` (only for a
//!   target of the fuzzer's) is a cfssl envelope that parses back and re-serialises to the
//!   same bytes, with `success` iff the status is 200, `application/json` iff 200;
//! * a refusal is 400, 403 or 405; a 500 carries code 0 (cfssl's `HandleError`) and comes
//!   only from the endpoints whose cfssl handler answers a bad request that way
//!   (`certinfo`'s member types, `crl`'s `expiry`, workflow errors cfssl has no code for:
//!   see `MAY_FAIL_INTERNALLY`);
//! * a request under a wrong key is never signed, `sign` never signs for `authed`;
//! * a refused request records no row; a signed one (`sign`, `authsign`, `newcert`)
//!   exactly one; every issued certificate parses and is issued by the test CA;
//! * no private key goes to a non-loopback client over plain HTTP.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};

use cfssl_api::Envelope;
use cfssl_api::auth::AuthenticatedRequest;
use cfssl_api::sign::ApiSignRequest;
use cfssl_ca::{
    CertificateRequest, Config, Db, InitCa, ListFilter, LocalSigner, ParsedCertificate,
};
use cfssl_json::Value;
use cfssl_server::api::{ApiConfig, ApiService, Peer};
use libfuzzer_sys::fuzz_target;

mod common;

/// The `auth_keys` key of profile `authed` (`deadbeef`).
const KEY: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];
const PREFIX: &str = "/api/v1/cfssl/";
const CA_CN: &str = "Fuzz Serve Root";

struct Fixture {
    service: ApiService,
    /// A second connection to the certdb, to count its rows.
    rows: Mutex<Db>,
    /// The certdb's directory (in `/dev/shm` when there is one), kept for the process's
    /// lifetime and removed by a later run.
    _dir: std::path::PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (db, rows, dir) = common::scratch_certdb("cfssl-fuzz-serve-handler-");

        let request = CertificateRequest::from_json(
            format!(r#"{{"CN": "{CA_CN}", "key": {{"algo": "ecdsa", "size": 256}}}}"#).as_bytes(),
        )
        .expect("CA request");
        let made = cfssl_ca::init_ca(
            &InitCa { request },
            time::OffsetDateTime::now_utc() - time::Duration::hours(1),
            &mut Vec::new(),
        )
        .expect("init_ca");
        let ca =
            ParsedCertificate::from_pem(made.certificate.pem.as_bytes()).expect("CA certificate");
        let policy = Config::from_json(
            br#"{"signing": {
                "default": {"expiry": "1h", "usages": ["signing", "server auth"]},
                "profiles": {
                    "authed": {"expiry": "24h", "usages": ["digital signature", "server auth"], "auth_key": "k"},
                    "server": {"expiry": "24h", "usages": ["server auth"]}
                }},
              "auth_keys": {"k": {"type": "standard", "key": "deadbeef"}}}"#,
        )
        .expect("policy");
        let bundler = cfssl_ca::bundle::Bundler::from_pem(
            Some(made.certificate.pem.as_bytes()),
            None,
        )
        .map_err(|e| e.to_string());
        let signer = LocalSigner::new(ca, made.key, policy).expect("signer");
        let service = ApiService::new(
            ApiConfig {
                address: "127.0.0.1".into(),
                port: 0,
                signer: Ok(signer),
                ocsp_signer: Err("no -responder in this target".into()),
                bundler,
                db: Some(db),
                disabled: Vec::new(),
                tls: None,
                mutual_tls_cn: None,
                allow_unauthenticated: false,
                limits: ApiConfig::default_limits(),
            },
            Arc::new(|_| {}),
        )
        .expect("service");
        Fixture {
            service,
            rows: Mutex::new(rows),
            _dir: dir,
        }
    })
}

fn row_count(fixture: &Fixture) -> usize {
    let mut db = fixture.rows.lock().unwrap_or_else(|p| p.into_inner());
    db.list_certificates(&ListFilter::default())
        .expect("list rows")
        .len()
}

/// What the selector's low four bits ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    Sign,
    AuthSignValid,
    AuthSignWrongKey,
    AuthSignRaw,
    Info,
    CertInfo,
    Bundle,
    Revoke,
    Crl,
    NewCert,
    NewKey,
    Health,
    ScanInfo,
    InitCa,
    GenCrl,
    Target,
}

const ASKS: [Ask; 16] = [
    Ask::Sign,
    Ask::AuthSignValid,
    Ask::AuthSignWrongKey,
    Ask::AuthSignRaw,
    Ask::Info,
    Ask::CertInfo,
    Ask::Bundle,
    Ask::Revoke,
    Ask::Crl,
    Ask::NewCert,
    Ask::NewKey,
    Ask::Health,
    Ask::ScanInfo,
    Ask::InitCa,
    Ask::GenCrl,
    Ask::Target,
];

/// Endpoints whose handlers answer some bad requests with 500 and code 0, as cfssl's do
/// (its `HandleError` for an error without a cfssl code).
///
/// * `certinfo`: a member of the wrong type (cfssl returns `json.Unmarshal`'s error);
/// * `crl`: an `expiry` that is not a Go duration;
/// * `gencrl`: a key that does not belong to the certificate (cfssl returns
///   `x509.CreateRevocationList`'s error; ours is `CaError::CrlKeyMismatch`, uncoded).
const MAY_FAIL_INTERNALLY: &[Ask] = &[Ask::CertInfo, Ask::Crl, Ask::GenCrl, Ask::Target];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let ask = ASKS[usize::from(selector & 0x0f)];
    let lower = rest.to_ascii_lowercase();
    if matches!(ask, Ask::NewCert | Ask::NewKey | Ask::InitCa | Ask::Target)
        && (contains(&lower, b"rsa") || contains(&lower, b"\\u"))
    {
        return;
    }
    let fixture = fixture();
    let (ip, tls) = match (selector >> 4) & 3 {
        0 => (IpAddr::V4(Ipv4Addr::LOCALHOST), false),
        1 => (IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)), false),
        2 => (IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)), true),
        _ => (IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()), false),
    };
    let peer = Peer {
        address: SocketAddr::new(ip, 40000),
        tls,
        client_cn: None,
    };
    let key_may_go = tls || ip.to_canonical().is_loopback();
    let endpoint = |name: &str| format!("{PREFIX}{name}");
    let (target, body) = match ask {
        Ask::Sign => (endpoint("sign"), rest.to_vec()),
        Ask::AuthSignValid => (
            endpoint("authsign"),
            AuthenticatedRequest::new(&KEY, rest.to_vec())
                .to_json()
                .into_bytes(),
        ),
        Ask::AuthSignWrongKey => (
            endpoint("authsign"),
            AuthenticatedRequest::new(b"not the key", rest.to_vec())
                .to_json()
                .into_bytes(),
        ),
        Ask::AuthSignRaw => (endpoint("authsign"), rest.to_vec()),
        Ask::Info => (endpoint("info"), rest.to_vec()),
        Ask::CertInfo => (endpoint("certinfo"), rest.to_vec()),
        Ask::Bundle => (endpoint("bundle"), rest.to_vec()),
        Ask::Revoke => (endpoint("revoke"), rest.to_vec()),
        Ask::Crl => (
            format!("{}?{}", endpoint("crl"), String::from_utf8_lossy(rest)),
            Vec::new(),
        ),
        Ask::NewCert => (endpoint("newcert"), rest.to_vec()),
        Ask::NewKey => (endpoint("newkey"), rest.to_vec()),
        Ask::Health => (endpoint("health"), rest.to_vec()),
        Ask::ScanInfo => (endpoint("scaninfo"), rest.to_vec()),
        Ask::InitCa => (endpoint("init_ca"), rest.to_vec()),
        Ask::GenCrl => (endpoint("gencrl"), rest.to_vec()),
        Ask::Target => {
            let (target, body) = match rest.iter().position(|&b| b == b'\n') {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (rest, &[][..]),
            };
            (String::from_utf8_lossy(target).into_owned(), body.to_vec())
        }
    };
    let get = matches!(ask, Ask::Crl | Ask::Health | Ask::ScanInfo);
    let swap = selector & 0x40 != 0;
    let method = if get != swap { "GET" } else { "POST" };

    let before = row_count(fixture);
    let answer = fixture.service.answer(method, &target, &peer, body.clone());
    let after = row_count(fixture);
    let status = answer.status().as_u16();
    let text = String::from_utf8_lossy(answer.body());

    if status != 200 {
        assert_eq!(after, before, "a refused request recorded a row: {text}");
    }
    if !key_may_go
        && !contains(&body, b"PRIVATE KEY")
        && !contains(target.as_bytes(), b"PRIVATE KEY")
    {
        assert!(
            !contains(answer.body(), b"PRIVATE KEY"),
            "a private key to a non-loopback plain-HTTP client: {text}"
        );
    }

    // Go's canned answers: only for a target that names no enabled endpoint or does not
    // unescape, which only the fuzzer's own targets can be.
    if answer.body() == b"404 page not found\n" && status == 404 {
        assert_eq!(ask, Ask::Target, "{target}");
        assert_eq!(answer.content_type(), "text/plain; charset=utf-8");
        return;
    }
    if answer.body() == b"400 Bad Request" && status == 400 {
        assert_eq!(ask, Ask::Target, "{target}");
        assert_eq!(answer.content_type(), "text/plain; charset=utf-8");
        return;
    }

    let envelope = Envelope::parse(answer.body()).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    assert_eq!(
        envelope.to_body().as_bytes(),
        answer.body(),
        "the envelope does not re-serialise to its bytes"
    );
    assert_eq!(envelope.success, status == 200, "{status}: {text}");
    assert_eq!(
        answer.content_type(),
        if status == 200 {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        }
    );

    if status != 200 {
        let code = envelope.errors.first().map(|e| e.code);
        match status {
            400 | 403 | 405 => {}
            500 => {
                assert_eq!(code, Some(0), "a 500 with a cfssl code: {text}");
                assert!(
                    MAY_FAIL_INTERNALLY.contains(&ask),
                    "{ask:?} answered 500: {text}"
                );
            }
            other => panic!("{ask:?} answered {other}: {text}"),
        }
        if swap && ask != Ask::Target {
            assert_eq!(status, 405, "{text}");
        }
        assert!(!(ask == Ask::Health && !swap), "health refused: {text}");
        return;
    }

    // Successes.
    assert!(!(swap && ask != Ask::Target), "{method} accepted: {text}");
    assert_ne!(
        ask,
        Ask::AuthSignWrongKey,
        "signed under a wrong key: {text}"
    );
    let member = |name: &str| match &envelope.result {
        Value::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
        _ => None,
    };
    if !key_may_go {
        assert!(member("private_key").is_none(), "{text}");
    }
    let issues = matches!(
        ask,
        Ask::Sign | Ask::AuthSignValid | Ask::AuthSignRaw | Ask::NewCert
    );
    if issues {
        assert_eq!(
            after,
            before + 1,
            "a signed request records one row: {text}"
        );
        let Some(Value::String(pem)) = member("certificate") else {
            panic!("no certificate: {text}");
        };
        let cert = ParsedCertificate::from_pem(pem.as_bytes()).expect("issued certificate parses");
        assert_eq!(cert.issuer.common_name, CA_CN);
    } else if ask == Ask::Target {
        assert!(
            after == before || after == before + 1,
            "{before} -> {after}"
        );
    } else {
        assert_eq!(after, before, "{ask:?} recorded a row");
    }
    if ask == Ask::Sign
        && let Ok(request) = ApiSignRequest::from_json(rest)
    {
        assert_ne!(
            request.profile, "authed",
            "sign signed for an auth_key profile"
        );
    }
    if ask == Ask::NewKey {
        assert!(member("private_key").is_some(), "{text}");
    }
});
