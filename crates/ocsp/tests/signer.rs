//! The OCSP signer against cfssl 1.6.5's own responses (same inputs, same clock), checked by
//! our parser, openssl and Python `cryptography`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_ocsp::asn1::{BasicOcspResponse, OcspResponse};
use cfssl_ocsp::{
    CertIdHash, CertificateStatus, OcspError, OcspSignRequest, OcspSigner, parse_response,
};
use common::*;
use der::{Decode, Encode};
use time::OffsetDateTime;
use time::macros::datetime;

/// When cfssl signed the fixtures (transcript T§8).
const CFSSL_NOW: OffsetDateTime = datetime!(2026-12-06 04:54:34 UTC);

fn fixture_signer() -> OcspSigner {
    OcspSigner::new(
        cert("ca.pem"),
        cert("ocsp.pem"),
        key("ocsp-key.pem"),
        time::Duration::hours(96),
    )
    .unwrap()
}

fn basic(der: &[u8]) -> BasicOcspResponse {
    let response = OcspResponse::from_der(der).unwrap();
    BasicOcspResponse::from_der(response.response_bytes.unwrap().response.as_bytes()).unwrap()
}

/// Everything but the (randomised ECDSA) signature value is cfssl's, byte for byte.
fn assert_same_as_cfssl(ours: &[u8], cfssl: &[u8]) {
    let (ours_basic, cfssl_basic) = (basic(ours), basic(cfssl));
    assert_eq!(
        ours_basic.tbs_response_data.to_der().unwrap(),
        cfssl_basic.tbs_response_data.to_der().unwrap(),
        "tbsResponseData differs"
    );
    assert_eq!(
        ours_basic.signature_algorithm,
        cfssl_basic.signature_algorithm
    );
    assert_eq!(ours_basic.certs, cfssl_basic.certs);
    // The outer layers differ only by the signature's length (DER of r and s).
    let outer = |der: &[u8]| OcspResponse::from_der(der).unwrap().response_status;
    assert_eq!(outer(ours), outer(cfssl));
}

#[test]
fn good_response_is_cfssls() {
    let signer = fixture_signer();
    let leaf = cert("leaf1.pem");
    let ours = signer
        .sign(
            &OcspSignRequest::new(&leaf, CertificateStatus::Good),
            CFSSL_NOW,
        )
        .unwrap();
    let cfssl = data("ocsp-good.der");
    assert_same_as_cfssl(&ours, &cfssl);

    let parsed = parse_response(&cfssl).unwrap();
    assert_eq!(parsed.status, CertificateStatus::Good);
    assert_eq!(
        parsed.cert_id.serial_hex(),
        "22f430a82a2f7886e7f9b4dfbda0808797fbc614"
    );
    assert_eq!(
        parsed.cert_id.issuer_key_hash_hex(),
        "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3"
    );
    assert_eq!(parsed.cert_id.hash(), Some(CertIdHash::Sha1));
    assert_eq!(parsed.produced_at, datetime!(2026-12-06 04:54:00 UTC));
    assert_eq!(parsed.this_update, datetime!(2026-12-06 04:00:00 UTC));
    assert_eq!(parsed.next_update, Some(datetime!(2026-12-10 04:00:00 UTC)));
    assert_eq!(
        parsed.responder_name.as_deref(),
        Some(cert("ocsp.pem").subject_der.as_slice())
    );
    assert_eq!(parsed.certificate.unwrap().der, cert("ocsp.pem").der);
    assert_eq!(
        signer.cert_id(&leaf, CertIdHash::Sha1).unwrap(),
        parsed.cert_id
    );

    if have_openssl() {
        let dir = tempfile::tempdir().unwrap();
        let structure = openssl_structure(dir.path(), &ours);
        assert!(structure.contains("Cert Status: good"), "{structure}");
        assert_eq!(structure, openssl_structure(dir.path(), &cfssl));
    }
}

#[test]
fn revoked_response_is_cfssls() {
    let signer = fixture_signer();
    let leaf = cert("leaf2.pem");
    let status = CertificateStatus::Revoked {
        at: datetime!(2026-01-02 00:00:00 UTC),
        reason: 1,
    };
    let ours = signer
        .sign(&OcspSignRequest::new(&leaf, status), CFSSL_NOW)
        .unwrap();
    let cfssl = data("ocsp-revoked-response.der");
    assert_same_as_cfssl(&ours, &cfssl);
    assert_eq!(parse_response(&ours).unwrap().status, status);
    if have_openssl() {
        let dir = tempfile::tempdir().unwrap();
        let structure = openssl_structure(dir.path(), &ours);
        assert!(
            structure.contains("Revocation Reason: keyCompromise (0x1)"),
            "{structure}"
        );
        assert_eq!(structure, openssl_structure(dir.path(), &cfssl));
    }
}

/// cfssl's own answers (T§8): a certificate of another issuer is 8100; the responder
/// certificate is left out when the responder is the issuer; reason 0 is left out.
#[test]
fn issuer_mismatch_self_responder_and_reason_zero() {
    let signer = fixture_signer();
    // T§8: `-ca int.pem -cert int.pem`: the intermediate is the root's, not its own.
    let intermediate = OcspSigner::new(
        cert("int.pem"),
        cert("ocsp.pem"),
        key("ocsp-key.pem"),
        time::Duration::hours(1),
    )
    .unwrap();
    for name in ["int.pem", "leaf1.pem"] {
        let err = intermediate
            .sign(
                &OcspSignRequest::new(&cert(name), CertificateStatus::Good),
                CFSSL_NOW,
            )
            .unwrap_err();
        assert!(matches!(err, OcspError::IssuerMismatch), "{err:?}");
        assert_eq!(err.code(), Some(8100));
        assert_eq!(err.to_string(), "Certificate not issued by this issuer");
    }

    // Responder = issuer (T§8 `-responder ca.pem -responder-key ca-key.pem`): no certs,
    // 356 bytes as cfssl's.
    let self_signer = OcspSigner::new(
        cert("ca.pem"),
        cert("ca.pem"),
        key("ca-key.pem"),
        time::Duration::hours(1),
    )
    .unwrap();
    let status = CertificateStatus::Revoked {
        at: CFSSL_NOW,
        reason: 0,
    };
    let der = self_signer
        .sign(&OcspSignRequest::new(&cert("leaf1.pem"), status), CFSSL_NOW)
        .unwrap();
    assert_eq!(basic(&der).certs, None);
    // 356 with cfssl's 71-byte signature; an ECDSA signature's DER is usually 70 to 72
    // bytes, rarely shorter (r or s with leading zero bytes).
    assert!((350..=357).contains(&der.len()), "{}", der.len());
    let parsed = parse_response(&der).unwrap();
    assert_eq!(parsed.next_update, Some(datetime!(2026-12-06 05:00:00 UTC)));
    assert_eq!(
        parsed.responder_name.as_deref(),
        Some(cert("ca.pem").subject_der.as_slice())
    );

    let ca_key = cfssl_keys::PrivateKey::generate(cfssl_keys::KeySpec::EcdsaP256).unwrap();
    let err = OcspSigner::new(
        cert("ca.pem"),
        cert("ca.pem"),
        ca_key,
        time::Duration::hours(1),
    )
    .unwrap_err();
    assert!(matches!(err, OcspError::ResponderKeyMismatch), "{err:?}");
    let err = OcspSigner::new(
        cert("ca.pem"),
        cert("ocsp.pem"),
        key("ocsp-key.pem"),
        time::Duration::ZERO,
    )
    .unwrap_err();
    assert!(matches!(err, OcspError::InvalidInterval(_)), "{err:?}");

    let status = CertificateStatus::Revoked {
        at: CFSSL_NOW,
        reason: 0,
    };
    let der = signer
        .sign(&OcspSignRequest::new(&cert("leaf1.pem"), status), CFSSL_NOW)
        .unwrap();
    let tbs = basic(&der).tbs_response_data;
    match tbs.responses[0].cert_status {
        cfssl_ocsp::asn1::CertStatus::Revoked(info) => assert_eq!(info.revocation_reason, None),
        other => panic!("{other:?}"),
    }
}

/// The API can ask for another CertID hash (docs/cfssl-lifecycle.md §7.3).
#[test]
fn other_cert_id_hashes() {
    let signer = fixture_signer();
    let leaf = cert("leaf1.pem");
    for hash in [CertIdHash::Sha256, CertIdHash::Sha384, CertIdHash::Sha512] {
        let mut request = OcspSignRequest::new(&leaf, CertificateStatus::Unknown);
        request.issuer_hash = hash;
        let der = signer.sign(&request, CFSSL_NOW).unwrap();
        let parsed = parse_response(&der).unwrap();
        assert_eq!(parsed.cert_id.hash(), Some(hash));
        assert_eq!(parsed.status, CertificateStatus::Unknown);
        assert_eq!(signer.cert_id(&leaf, hash).unwrap(), parsed.cert_id);
    }
}
