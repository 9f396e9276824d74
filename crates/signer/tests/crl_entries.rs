//! CRLs with per-entry dates and reasons (`build_with_entries`, for `cfssl crl` from the
//! certdb), checked by `openssl crl -text` and Python `cryptography`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::process::Command;

use cfssl_keys::{KeySpec, PrivateKey};
use cfssl_signer::ParsedCertificate;
use cfssl_signer::crl::{CrlEntry, RevokedSerial, build, build_with_entries};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Whether `program args` runs; on CI (`CI=true`) a missing tool is a failure.
fn have(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{program} {args:?} is required on CI (CI=true) but could not be run");
        }
        eprintln!("{program} {args:?} not available: skipping that cross-check");
    }
    ok
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn root() -> (ParsedCertificate, PrivateKey) {
    let request = cfssl_csr::CertificateRequest::from_json(
        br#"{"CN":"CRL Entries CA","key":{"algo":"ecdsa","size":256}}"#,
    )
    .unwrap();
    let key = PrivateKey::generate(KeySpec::EcdsaP256).unwrap();
    let csr = cfssl_csr::generate(&key, &request)
        .unwrap()
        .verified()
        .unwrap();
    let policy = cfssl_signer::initca::ca_policy(&request, true).unwrap();
    let issued =
        cfssl_signer::initca::self_sign(&csr, &key, &policy, OffsetDateTime::now_utc()).unwrap();
    (
        ParsedCertificate::from_pem(issued.pem.as_bytes()).unwrap(),
        key,
    )
}

fn entries() -> Vec<CrlEntry> {
    vec![
        CrlEntry {
            serial: RevokedSerial::from_decimal("549023573166186813666491296623088966842254873730")
                .unwrap(),
            revoked_at: datetime!(2026-12-06 04:54:23 UTC),
            reason: 1,
        },
        CrlEntry {
            serial: RevokedSerial::from_decimal("1234").unwrap(),
            revoked_at: datetime!(2026-01-02 00:00:00.75 UTC),
            reason: 0,
        },
        CrlEntry {
            serial: RevokedSerial::from_decimal("5678").unwrap(),
            revoked_at: datetime!(2025-06-30 12:00:00 UTC),
            reason: 6,
        },
    ]
}

#[test]
fn entries_keep_their_dates_and_reasons() {
    let (ca, key) = root();
    let now = OffsetDateTime::now_utc();
    let der = build_with_entries(&entries(), &ca, &key, now, Duration::hours(48)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let crl = dir.path().join("crl.der");
    std::fs::write(&crl, &der).unwrap();
    let ca_pem = dir.path().join("ca.pem");
    std::fs::write(&ca_pem, ca.to_pem()).unwrap();
    let crl = crl.to_str().unwrap();

    if have("openssl", &["version"]) {
        let text = run(
            "openssl",
            &["crl", "-inform", "DER", "-in", crl, "-noout", "-text"],
        );
        let expected = [
            "    Serial Number: 602B1187D01391858D9B41E872DE5C2585BFD482\n        Revocation Date: Dec  6 04:54:23 2026 GMT\n        CRL entry extensions:\n            X509v3 CRL Reason Code: \n                Key Compromise\n",
            "    Serial Number: 04D2\n        Revocation Date: Jan  2 00:00:00 2026 GMT\n    Serial Number: 162E\n",
            "    Serial Number: 162E\n        Revocation Date: Jun 30 12:00:00 2025 GMT\n        CRL entry extensions:\n            X509v3 CRL Reason Code: \n                Certificate Hold\n",
        ];
        for part in expected {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
        let verify = Command::new("openssl")
            .args(["crl", "-inform", "DER", "-in", crl, "-noout", "-CAfile"])
            .arg(&ca_pem)
            .arg("-verify")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&verify.stderr).to_string()
            + &String::from_utf8_lossy(&verify.stdout);
        assert!(said.contains("verify OK"), "{said}");
    }

    if have("python3", &["-c", "import cryptography"]) {
        let script = r#"
import sys
from cryptography import x509
crl = x509.load_der_x509_crl(open(sys.argv[1], "rb").read())
for r in crl:
    try:
        reason = r.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
    except x509.ExtensionNotFound:
        reason = None
    print(r.serial_number, r.revocation_date_utc.isoformat(), reason)
"#;
        let out = run("python3", &["-c", script, crl]);
        assert_eq!(
            out,
            "549023573166186813666491296623088966842254873730 2026-12-06T04:54:23+00:00 key_compromise\n\
             1234 2026-01-02T00:00:00+00:00 None\n\
             5678 2025-06-30T12:00:00+00:00 certificate_hold\n"
        );
    }
}

#[test]
fn reasons_rfc5280_does_not_define_are_refused() {
    let (ca, key) = root();
    let now = OffsetDateTime::now_utc();
    for reason in [7, 11, -1] {
        let mut list = entries();
        list[1].reason = reason;
        let err = build_with_entries(&list, &ca, &key, now, Duration::hours(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "revocation reason {reason} of serial 1234 is not an RFC 5280 CRLReason (0-6, 8-10)"
            )
        );
    }
}

/// `gencrl`'s `build` is `build_with_entries` with every date at thisUpdate and no reason.
#[test]
fn build_is_entries_at_this_update() {
    let (ca, key) = root();
    let now = datetime!(2026-12-06 10:00:00.5 UTC);
    let serials = cfssl_signer::crl::parse_serial_list("1234\n5678\n").unwrap();
    let plain = build(&serials, &ca, &key, now, Duration::hours(1)).unwrap();
    let entries: Vec<CrlEntry> = serials
        .iter()
        .map(|serial| CrlEntry {
            serial: serial.clone(),
            revoked_at: datetime!(2026-12-06 10:00:00 UTC),
            reason: 0,
        })
        .collect();
    let with = build_with_entries(&entries, &ca, &key, now, Duration::hours(1)).unwrap();
    // ECDSA signatures differ; the TBSCertLists are the same bytes.
    assert_eq!(tbs_cert_list(&plain), tbs_cert_list(&with));
}

#[test]
fn serials_from_the_certdb() {
    assert_eq!(
        RevokedSerial::from_decimal("1234").unwrap().magnitude(),
        [0x04, 0xd2]
    );
    assert!(RevokedSerial::from_decimal("0").is_err());
    assert!(RevokedSerial::from_decimal("-1").is_err());
    assert!(RevokedSerial::from_decimal("0x10").is_err());
    assert!(RevokedSerial::from_magnitude(&[0, 0, 1]).is_ok());
    assert!(RevokedSerial::from_magnitude(&[0xff; 20]).is_err());
}

/// The first element (tbsCertList) of a CertificateList.
fn tbs_cert_list(der: &[u8]) -> Vec<u8> {
    use der::{Decode, Reader};
    let outer = der::asn1::AnyRef::from_der(der).unwrap();
    let mut reader = der::SliceReader::new(outer.value()).unwrap();
    reader.tlv_bytes().unwrap().to_vec()
}
