//! `multirootca`'s request handlers without a socket (`cfssl_server::multiroot::MultiRoots`,
//! docs/cfssl-lifecycle.md §10): `authsign` and `info` of an in-memory server with two test
//! CAs, one recording into a SQLite certdb in a temporary directory. These take the body of
//! a network request as it arrived; multirootca's HTTP layer only routes and wraps the
//! outcome in an envelope. (`serve`'s request path is fuzzed the same way by
//! `serve_handler`, through `cfssl_server::api::ApiService`.)
//!
//! The first input byte picks what the rest is: an `authsign` body as sent; a sign request
//! wrapped with a valid token under the roots' key (so the fuzzer reaches the request
//! parser and the signer); a sign request wrapped with a wrong key; or an `info` body. It
//! also picks the client's address (inside or outside the `nets` of root `alpha`).
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * every refusal is 400, 401 or 403 (500 is only for a failing database), and its
//!   envelope (`Envelope::error(1, message)`, as the HTTP layer sends it) parses back as a
//!   failure; every success's envelope parses back as a success;
//! * a request under a wrong key is never signed; a client outside `alpha`'s `nets` never
//!   gets a certificate from `alpha`;
//! * a refused request records no row, a signed one exactly one.
#![no_main]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Mutex, OnceLock};

use cfssl_api::Envelope;
use cfssl_api::auth::AuthenticatedRequest;
use cfssl_ca::{
    CertificateRequest, Config, Db, InitCa, ListFilter, LocalSigner, ParsedCertificate,
};
use cfssl_config::multiroot::IpNet;
use cfssl_json::Value;
use cfssl_server::multiroot::{MultiRoot, MultiRoots};
use libfuzzer_sys::fuzz_target;

mod common;
use time::OffsetDateTime;

/// The `auth_keys` key of both roots (`deadbeef`).
const KEY: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];
const NOW: OffsetDateTime = time::macros::datetime!(2026-12-07 12:00 UTC);

struct Fixture {
    server: MultiRoots,
    /// A second connection to `beta`'s certdb, to count its rows.
    rows: Mutex<Db>,
    /// The certdb's directory (in `/dev/shm` when there is one), kept for the process's
    /// lifetime and removed by a later run.
    _dir: std::path::PathBuf,
}

fn root(cn: &str, nets: Vec<IpNet>, db: Option<Db>) -> MultiRoot {
    let request = CertificateRequest::from_json(
        format!(r#"{{"CN": "{cn}", "key": {{"algo": "ecdsa", "size": 256}}}}"#).as_bytes(),
    )
    .expect("CA request");
    let made = cfssl_ca::init_ca(
        &InitCa { request },
        NOW - time::Duration::hours(1),
        &mut Vec::new(),
    )
    .expect("init_ca");
    let ca = ParsedCertificate::from_pem(made.certificate.pem.as_bytes()).expect("CA certificate");
    let policy = Config::from_json(
        br#"{"signing": {
            "default": {"expiry": "1h", "usages": ["signing"], "auth_key": "k"},
            "profiles": {
                "server": {"expiry": "24h", "usages": ["digital signature", "server auth"], "auth_key": "k"},
                "rotated": {"expiry": "24h", "usages": ["server auth"], "auth_key": "gone", "prev_auth_key": "k"},
                "open": {"expiry": "24h", "usages": ["server auth"]}
            }},
          "auth_keys": {"k": {"type": "standard", "key": "deadbeef"},
                        "gone": {"type": "standard", "key": "00"}}}"#,
    )
    .expect("policy");
    let signer = LocalSigner::new(ca, made.key, policy).expect("signer");
    MultiRoot::new(signer, nets, db).expect("root")
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (db, rows, dir) = common::scratch_certdb("cfssl-fuzz-server-handler-");
        let mut roots = BTreeMap::new();
        roots.insert(
            "alpha".to_owned(),
            root(
                "Alpha Root",
                vec![IpNet::parse("10.0.0.0/8").expect("cidr")],
                None,
            ),
        );
        roots.insert("beta".to_owned(), root("Beta Root", Vec::new(), Some(db)));
        Fixture {
            server: MultiRoots::new(roots, "beta"),
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    let peer = if selector & 4 == 0 {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))
    };
    let (body, wrong_key) = match selector % 4 {
        0 => (rest.to_vec(), false),
        1 => (
            AuthenticatedRequest::new(&KEY, rest.to_vec())
                .to_json()
                .into_bytes(),
            false,
        ),
        2 => (
            AuthenticatedRequest::new(b"not the key", rest.to_vec())
                .to_json()
                .into_bytes(),
            true,
        ),
        _ => {
            match fixture.server.info(rest) {
                Ok(info) => {
                    assert!(info.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
                    well_formed(&Envelope::ok(info.to_value()), true);
                }
                Err(refusal) => {
                    assert_eq!(refusal.status, 400, "{refusal}");
                    well_formed(&Envelope::error(400, refusal.message), false);
                }
            }
            return;
        }
    };
    let before = row_count(fixture);
    let outcome = fixture.server.authsign(&body, peer, NOW);
    let after = row_count(fixture);
    match outcome {
        Ok(signed) => {
            assert!(!wrong_key, "signed under a wrong key");
            let cert = ParsedCertificate::from_pem(signed.issued.pem.as_bytes())
                .expect("issued certificate parses");
            if signed.label == "alpha" {
                assert_eq!(cert.issuer.common_name, "Alpha Root");
                assert!(IpNet::parse("10.0.0.0/8").is_some_and(|n| n.contains(peer)));
                assert_eq!(after, before, "alpha has no certdb");
            } else {
                assert_eq!(signed.label, "beta");
                assert_eq!(cert.issuer.common_name, "Beta Root");
                assert_eq!(after, before + 1, "a signed request records one row");
            }
            let result = Value::Object(vec![(
                "certificate".into(),
                Value::String(signed.issued.pem),
            )]);
            well_formed(&Envelope::ok(result), true);
        }
        Err(refusal) => {
            assert!(
                matches!(refusal.status, 400 | 401 | 403),
                "status {}: {refusal}",
                refusal.status
            );
            assert_eq!(after, before, "a refused request recorded a row: {refusal}");
            well_formed(&Envelope::error(1, refusal.message), false);
        }
    }
});

fn well_formed(envelope: &Envelope, success: bool) {
    let body = envelope.to_body();
    let back = Envelope::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    assert_eq!(back.success, success);
    assert_eq!(&back, envelope);
}
