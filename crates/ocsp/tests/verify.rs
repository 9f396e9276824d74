//! Our responses verified by outside tools: `openssl ocsp` (status, reason, `Response verify
//! OK`) and Python `cryptography` (every field), for ECDSA (cfssl's fixture PKI), RSA and
//! Ed25519 responders (PKIs made here with cfssl-keys and cfssl-signer).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_keys::{KeySpec, PrivateKey};
use cfssl_ocsp::{CertificateStatus, OcspSignRequest, OcspSigner};
use cfssl_signer::{CsrInput, LocalSigner, ParsedCertificate, SignRequest};
use common::*;
use time::OffsetDateTime;
use time::macros::datetime;

/// A PKI: root, delegated OCSP responder (EKU OCSPSigning) and two leaves.
struct Pki {
    ca: ParsedCertificate,
    responder: ParsedCertificate,
    responder_key: PrivateKey,
    leaves: [ParsedCertificate; 2],
}

fn request(cn: &str, spec: KeySpec) -> (cfssl_csr::CertificateRequest, PrivateKey) {
    let (algo, size) = match spec {
        KeySpec::Rsa { bits } => ("rsa", bits),
        KeySpec::EcdsaP256 => ("ecdsa", 256),
        KeySpec::Ed25519 => ("ed25519", 0),
        other => panic!("{other:?}"),
    };
    let json =
        format!(r#"{{"CN":"{cn}","hosts":["{cn}"],"key":{{"algo":"{algo}","size":{size}}}}}"#);
    let request = cfssl_csr::CertificateRequest::from_json(json.as_bytes()).unwrap();
    (request, PrivateKey::generate(spec).unwrap())
}

fn issue(
    ca: &ParsedCertificate,
    ca_key: &PrivateKey,
    profile: &str,
    cn: &str,
    spec: KeySpec,
) -> (ParsedCertificate, PrivateKey) {
    let config = cfssl_config::Config::from_json(
        br#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h"},
             "profiles":{"ocsp":{"usages":["digital signature","ocsp signing"],"expiry":"8760h"}}}}"#,
    )
    .unwrap();
    let (request, key) = request(cn, spec);
    let csr = cfssl_csr::generate(&key, &request).unwrap();
    let signer = LocalSigner::new(ca.clone(), clone_key(ca_key), config).unwrap();
    let issued = signer
        .sign(
            &SignRequest {
                csr: CsrInput::Pem(csr.pem.into_bytes()),
                profile: profile.into(),
                ..Default::default()
            },
            OffsetDateTime::now_utc(),
        )
        .unwrap();
    (
        ParsedCertificate::from_pem(issued.pem.as_bytes()).unwrap(),
        key,
    )
}

fn clone_key(key: &PrivateKey) -> PrivateKey {
    PrivateKey::from_pem(key.to_pem().as_bytes()).unwrap()
}

fn generated_pki(spec: KeySpec) -> Pki {
    let (request, ca_key) = request("ocsp-test-root", spec);
    let csr = cfssl_csr::generate(&ca_key, &request)
        .unwrap()
        .verified()
        .unwrap();
    let policy = cfssl_signer::initca::ca_policy(&request, true).unwrap();
    let root =
        cfssl_signer::initca::self_sign(&csr, &ca_key, &policy, OffsetDateTime::now_utc()).unwrap();
    let ca = ParsedCertificate::from_pem(root.pem.as_bytes()).unwrap();
    let (responder, responder_key) = issue(&ca, &ca_key, "ocsp", "ocsp.example.com", spec);
    let (leaf1, _) = issue(&ca, &ca_key, "", "one.example.com", spec);
    let (leaf2, _) = issue(&ca, &ca_key, "", "two.example.com", spec);
    Pki {
        ca,
        responder,
        responder_key,
        leaves: [leaf1, leaf2],
    }
}

fn fixture_pki() -> Pki {
    Pki {
        ca: cert("ca.pem"),
        responder: cert("ocsp.pem"),
        responder_key: key("ocsp-key.pem"),
        leaves: [cert("leaf1.pem"), cert("leaf2.pem")],
    }
}

const REVOKED_AT: OffsetDateTime = datetime!(2026-01-02 00:00:00 UTC);

/// Signs good (leaf 1) and revoked/keyCompromise (leaf 2) responses now, and checks them
/// with openssl (unless `openssl_verifies` is false) and `cryptography`.
fn check(pki: &Pki, openssl_verifies: bool) {
    let signer = OcspSigner::new(
        pki.ca.clone(),
        pki.responder.clone(),
        clone_key(&pki.responder_key),
        time::Duration::hours(96),
    )
    .unwrap();
    let now = OffsetDateTime::now_utc();
    let good = signer
        .sign(
            &OcspSignRequest::new(&pki.leaves[0], CertificateStatus::Good),
            now,
        )
        .unwrap();
    let revoked = signer
        .sign(
            &OcspSignRequest::new(
                &pki.leaves[1],
                CertificateStatus::Revoked {
                    at: REVOKED_AT,
                    reason: 1,
                },
            ),
            now,
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = write(d, "ca.pem", pki.ca.to_pem().as_bytes());
    let responder = write(d, "ocsp.pem", pki.responder.to_pem().as_bytes());
    let leaf1 = write(d, "leaf1.pem", pki.leaves[0].to_pem().as_bytes());
    let leaf2 = write(d, "leaf2.pem", pki.leaves[1].to_pem().as_bytes());
    let good_path = write(d, "good.der", &good);
    let revoked_path = write(d, "revoked.der", &revoked);

    if openssl_verifies && have_openssl() {
        for (resp, leaf, expect) in [
            (&good_path, &leaf1, "leaf1.pem: good"),
            (&revoked_path, &leaf2, "leaf2.pem: revoked"),
        ] {
            let text = openssl(&[
                "ocsp",
                "-respin",
                resp,
                "-resp_text",
                "-issuer",
                &ca,
                "-VAfile",
                &responder,
                "-CAfile",
                &ca,
                "-cert",
                leaf,
            ]);
            assert!(text.contains("Response verify OK"), "{text}");
            let shown = text.replace(&format!("{}/", d.display()), "");
            assert!(shown.contains(expect), "{shown}");
            if expect.ends_with("revoked") {
                assert!(shown.contains("Reason: keyCompromise"), "{shown}");
                assert!(
                    shown.contains("Revocation Time: Jan  2 00:00:00 2026 GMT"),
                    "{shown}"
                );
            }
            // Also through the chain alone (the responder is delegated by the CA).
            let text = openssl(&[
                "ocsp", "-respin", resp, "-issuer", &ca, "-CAfile", &ca, "-cert", leaf,
            ]);
            assert!(text.contains("Response verify OK"), "{text}");
        }
    }

    if have_cryptography() {
        let script = r#"
import sys
from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa, ed25519, padding
resp = ocsp.load_der_ocsp_response(open(sys.argv[1], "rb").read())
responder = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
key = responder.public_key()
sig_hash = resp.signature_hash_algorithm
if isinstance(key, ec.EllipticCurvePublicKey):
    key.verify(resp.signature, resp.tbs_response_bytes, ec.ECDSA(sig_hash))
elif isinstance(key, rsa.RSAPublicKey):
    key.verify(resp.signature, resp.tbs_response_bytes, padding.PKCS1v15(), sig_hash)
else:
    key.verify(resp.signature, resp.tbs_response_bytes)
print("status", resp.response_status.name)
print("cert_status", resp.certificate_status.name)
print("serial", resp.serial_number)
print("hash", resp.hash_algorithm.name)
print("name_hash", resp.issuer_name_hash.hex())
print("key_hash", resp.issuer_key_hash.hex())
print("this", resp.this_update_utc.isoformat())
print("next", resp.next_update_utc.isoformat())
print("produced", resp.produced_at_utc.isoformat())
print("responder", resp.responder_name.rfc4514_string() if resp.responder_name else None)
print("key_id", resp.responder_key_hash)
print("certs", [c.serial_number for c in resp.certificates])
print("sigalg", resp.signature_algorithm_oid.dotted_string)
print("extensions", len(resp.extensions), len(resp.single_extensions))
if resp.certificate_status == ocsp.OCSPCertStatus.REVOKED:
    print("revoked", resp.revocation_time_utc.isoformat(), resp.revocation_reason)
"#;
        let this_update = now.replace_minute(0).unwrap().replace_second(0).unwrap();
        let this_update = this_update.replace_nanosecond(0).unwrap();
        let iso = |t: OffsetDateTime| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:00+00:00",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        };
        let sigalg = match pki.responder.public_key.algorithm() {
            cfssl_keys::KeyAlgorithm::Rsa { .. } => "1.2.840.113549.1.1.11",
            cfssl_keys::KeyAlgorithm::Ed25519 => "1.3.101.112",
            _ => "1.2.840.10045.4.3.2",
        };
        let responder_name = python(
            "import sys\nfrom cryptography import x509\nprint(x509.load_pem_x509_certificate(open(sys.argv[1],'rb').read()).subject.rfc4514_string())",
            &[&responder],
        );
        let serial = |c: &ParsedCertificate| cfssl_signer::certificate::decimal(&c.serial);
        for (resp, leaf, status) in [(&good_path, 0, "GOOD"), (&revoked_path, 1, "REVOKED")] {
            let out = python(script, &[resp, &responder]);
            let field = |name: &str| {
                out.lines()
                    .find_map(|l| l.strip_prefix(&format!("{name} ")))
                    .unwrap_or_else(|| panic!("{name} missing in {out}"))
                    .to_owned()
            };
            assert_eq!(field("status"), "SUCCESSFUL");
            assert_eq!(field("cert_status"), status);
            assert_eq!(field("serial"), serial(&pki.leaves[leaf]));
            assert_eq!(field("hash"), "sha1");
            assert_eq!(field("key_hash"), hex(&pki.ca.public_key.subject_key_id()));
            assert_eq!(field("this"), iso(this_update));
            assert_eq!(field("next"), iso(this_update + time::Duration::hours(96)));
            assert_eq!(field("produced"), iso(now));
            assert_eq!(field("responder"), responder_name.trim());
            assert_eq!(field("key_id"), "None");
            assert_eq!(field("certs"), format!("[{}]", serial(&pki.responder)));
            assert_eq!(field("sigalg"), sigalg);
            assert_eq!(field("extensions"), "0 0");
            if status == "REVOKED" {
                assert_eq!(
                    field("revoked"),
                    "2026-01-02T00:00:00+00:00 ReasonFlags.key_compromise"
                );
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn ecdsa_fixture_responder() {
    check(&fixture_pki(), true);
}

#[test]
fn rsa_responder() {
    check(&generated_pki(KeySpec::Rsa { bits: 2048 }), true);
}

/// OpenSSL 3.0 verifies Ed25519 OCSP responses too; `cryptography` checks every field.
#[test]
fn ed25519_responder() {
    check(&generated_pki(KeySpec::Ed25519), true);
}
