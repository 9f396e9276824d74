//! Public keys from cfssl's certificates and CSRs: SKI, signature checks, Go's error texts.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_keys::{Curve, KeyAlgorithm, KeyError, KeySpec, PrivateKey, PublicKey};
use common::{children, data, pem_der};
use der::Decode;
use der::referenced::OwnedToRef;
use spki::{AlgorithmIdentifierOwned, AlgorithmIdentifierRef};

/// `SEQUENCE { signed, AlgorithmIdentifier, BIT STRING }`, the shape of certificates,
/// CSRs and CRLs: returns the signed bytes, the algorithm and the signature.
fn signed_parts(der: &[u8]) -> (&[u8], AlgorithmIdentifierRef<'_>, &[u8]) {
    let parts = children(der);
    let alg = AlgorithmIdentifierRef::from_der(parts[1]).unwrap();
    let bits = der::asn1::BitStringRef::from_der(parts[2]).unwrap();
    (parts[0], alg, bits.as_bytes().unwrap())
}

/// The SubjectPublicKeyInfo TLV of a certificate (7th field of the TBS, after [0] version).
fn cert_spki(cert_der: &[u8]) -> &[u8] {
    let tbs = children(cert_der)[0];
    children(tbs)[6]
}

/// The SubjectPublicKeyInfo TLV of a CSR (`CertificationRequestInfo` field 3).
fn csr_spki(csr_der: &[u8]) -> &[u8] {
    let info = children(csr_der)[0];
    children(info)[2]
}

#[test]
fn ski_of_the_cfssl_ca_matches_its_certificate() {
    let cert = pem_der(&data("cfssl-ca.pem"));
    let public = PublicKey::from_spki_der(cert_spki(&cert)).unwrap();
    let expected = [
        0x3E, 0x60, 0x42, 0x64, 0xFB, 0x9A, 0x63, 0xA8, 0x6E, 0x9F, 0x30, 0x4B, 0xCA, 0x9C, 0xA0,
        0x19, 0x0D, 0x98, 0x94, 0xA8,
    ];
    assert_eq!(public.subject_key_id(), expected);
    assert_eq!(public.algorithm(), KeyAlgorithm::Ecdsa(Curve::P256));
    // cfssl's SPKI is the canonical one, so re-encoding gives the same bytes.
    assert_eq!(public.to_spki_der(), cert_spki(&cert));

    let key = PrivateKey::from_pem(&data("cfssl-ca-key.pem")).unwrap();
    assert!(public.matches(&key));
    assert_eq!(key.public_key().subject_key_id(), expected);

    // Cross-check with x509-cert's view of the SKI extension.
    use x509_cert::der::DecodePem;
    let parsed = x509_cert::Certificate::from_pem(data("cfssl-ca.pem")).unwrap();
    let (_, ski) = parsed
        .tbs_certificate()
        .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
        .unwrap()
        .unwrap();
    assert_eq!(ski.0.as_bytes(), expected);
}

#[test]
fn cfssl_csr_and_certificate_signatures_verify() {
    for (file, is_csr, describe) in [
        ("cfssl-server.csr", true, "ecdsa-256"),
        ("cfssl-ca-rsa.csr", true, "rsa-2048"),
        ("cfssl-ca.pem", false, "ecdsa-256"),
        ("cfssl-ca-rsa.pem", false, "rsa-2048"),
    ] {
        let der = pem_der(&data(file));
        let spki = if is_csr {
            csr_spki(&der)
        } else {
            cert_spki(&der)
        };
        let public = PublicKey::from_spki_der(spki).unwrap();
        assert_eq!(public.describe(), describe);
        let (signed, alg, signature) = signed_parts(&der);
        public
            .verify(&alg, signed, signature)
            .unwrap_or_else(|e| panic!("{file}: {e}"));

        // One flipped bit in the signed data: Go's texts.
        let mut tampered = signed.to_vec();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let err = public.verify(&alg, &tampered, signature).unwrap_err();
        let expected = if describe.starts_with("rsa") {
            "crypto/rsa: verification error"
        } else {
            "x509: ECDSA verification failure"
        };
        assert_eq!(err.to_string(), expected, "{file}");
        assert_eq!(err.code(), None);
    }
}

#[test]
fn verify_errors_use_go_texts() {
    let ec = PrivateKey::from_pem(&data("cfssl-ca-key.pem")).unwrap();
    let rsa = PrivateKey::from_pem(&data("cfssl-ca-rsa-key.pem")).unwrap();
    let ed = PrivateKey::from_pem(&data("openssl-ed25519-pkcs8.pem")).unwrap();

    // RSA algorithm, ECDSA key.
    let rsa_alg = rsa.signature_algorithm();
    let sig = rsa.sign(b"m").unwrap();
    let err = ec
        .public_key()
        .verify(&rsa_alg.owned_to_ref(), b"m", &sig)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "x509: signature algorithm specifies an RSA public key, but have public key of type *ecdsa.PublicKey"
    );
    let err = rsa
        .public_key()
        .verify(&ec.signature_algorithm().owned_to_ref(), b"m", &sig)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "x509: signature algorithm specifies an ECDSA public key, but have public key of type *rsa.PublicKey"
    );
    let err = ec
        .public_key()
        .verify(&ed.signature_algorithm().owned_to_ref(), b"m", &sig)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "x509: signature algorithm specifies an Ed25519 public key, but have public key of type *ecdsa.PublicKey"
    );

    // Ed25519 failure.
    let ed_sig = ed.sign(b"m").unwrap();
    let err = ed
        .public_key()
        .verify(&ed.signature_algorithm().owned_to_ref(), b"n", &ed_sig)
        .unwrap_err();
    assert_eq!(err.to_string(), "x509: Ed25519 verification failure");

    // RSA-PSS and unknown algorithms.
    for oid in ["1.2.840.113549.1.1.10", "1.2.3.4"] {
        let alg = AlgorithmIdentifierOwned {
            oid: oid.parse().unwrap(),
            parameters: None,
        };
        let err = rsa
            .public_key()
            .verify(&alg.owned_to_ref(), b"m", &sig)
            .unwrap_err();
        assert_eq!(err, KeyError::AlgorithmUnimplemented);
        assert_eq!(
            err.to_string(),
            "x509: cannot verify signature: algorithm unimplemented"
        );
    }

    // RSA keys under 1024 bits are refused (Go ≥ 1.24).
    let small = PublicKey::from_spki_der(&data("rsa512-spki.der")).unwrap();
    assert_eq!(small.algorithm(), KeyAlgorithm::Rsa { bits: 512 });
    let err = small
        .verify(&rsa_alg.owned_to_ref(), b"m", &[0u8; 64])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
    );

    // Malformed ECDSA signatures are verification failures, not panics.
    let ec_alg = ec.signature_algorithm();
    for junk in [&[][..], &[0x30, 0x00], &[0xff; 80]] {
        assert_eq!(
            ec.public_key()
                .verify(&ec_alg.owned_to_ref(), b"m", junk)
                .unwrap_err(),
            KeyError::EcdsaVerification
        );
    }
}

#[test]
fn sign_with_a_chosen_digest() {
    let rsa = PrivateKey::from_pem(&data("openssl-rsa4096-pkcs8.pem")).unwrap();
    // cfssl's CRLs: SHA-256 whatever the RSA size (docs/cfssl-compat.md §5.15).
    let sha256 = AlgorithmIdentifierOwned {
        oid: "1.2.840.113549.1.1.11".parse().unwrap(),
        parameters: Some(der::asn1::Any::null()),
    };
    let sig = rsa.sign_with(&sha256, b"crl").unwrap();
    rsa.public_key()
        .verify(&sha256.owned_to_ref(), b"crl", &sig)
        .unwrap();
    assert_eq!(
        rsa.signature_algorithm().oid.to_string(),
        "1.2.840.113549.1.1.13"
    );

    // Every ECDSA digest on every curve, including ones longer or shorter than the curve.
    // The FIPS build signs only with the curve's own hash (the module's ECDSA key pairs).
    for (file, own) in [
        ("openssl-p256-pkcs8.pem", "1.2.840.10045.4.3.2"),
        ("openssl-p384-pkcs8.pem", "1.2.840.10045.4.3.3"),
        ("openssl-p521-pkcs8.pem", "1.2.840.10045.4.3.4"),
    ] {
        let key = PrivateKey::from_pem(&data(file)).unwrap();
        for oid in [
            "1.2.840.10045.4.1",
            "1.2.840.10045.4.3.2",
            "1.2.840.10045.4.3.3",
            "1.2.840.10045.4.3.4",
        ] {
            let alg = AlgorithmIdentifierOwned {
                oid: oid.parse().unwrap(),
                parameters: None,
            };
            if cfg!(feature = "fips") && oid != own {
                let err = key.sign_with(&alg, b"data").unwrap_err();
                assert!(
                    matches!(err, KeyError::NotInFipsBuild(_)),
                    "{file} {oid}: {err}"
                );
                continue;
            }
            let sig = key.sign_with(&alg, b"data").unwrap();
            key.public_key()
                .verify(&alg.owned_to_ref(), b"data", &sig)
                .unwrap_or_else(|e| panic!("{file} {oid}: {e}"));
        }
    }

    // An algorithm the key cannot produce.
    let ec = PrivateKey::from_pem(&data("cfssl-ca-key.pem")).unwrap();
    let err = ec.sign_with(&sha256, b"x").unwrap_err();
    assert_eq!(err, KeyError::UnsupportedAlgorithm);
    let unknown = AlgorithmIdentifierOwned {
        oid: "1.2.3.4".parse().unwrap(),
        parameters: None,
    };
    assert_eq!(
        rsa.sign_with(&unknown, b"x").unwrap_err(),
        KeyError::UnsupportedAlgorithm
    );
}

#[test]
fn sign_as_issuer_checks_the_signature_with_the_issuer_key() {
    for file in [
        "openssl-rsa4096-pkcs8.pem",
        "openssl-p256-pkcs8.pem",
        "openssl-p384-pkcs8.pem",
        "openssl-p521-pkcs8.pem",
        "openssl-ed25519-pkcs8.pem",
    ] {
        let key = PrivateKey::from_pem(&data(file)).unwrap();
        let alg = key.signature_algorithm();
        // The right issuer key: a signature that verifies with it.
        let own = key.public_key();
        let sig = key.sign_as_issuer(&alg, b"tbs", &own).unwrap();
        own.verify(&alg.owned_to_ref(), b"tbs", &sig)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        // Another key of the same type: the key does not belong to that issuer.
        let other = match key.spec() {
            KeySpec::Rsa { .. } => PrivateKey::from_pem(&data("openssl-rsa-pkcs8.pem")).unwrap(),
            spec => PrivateKey::generate(spec).unwrap(),
        }
        .public_key();
        assert_eq!(
            key.sign_as_issuer(&alg, b"tbs", &other).unwrap_err(),
            KeyError::KeyMismatch,
            "{file}"
        );
    }
    // An RSA key under 1024 bits signs nothing, as Go ≥ 1.24 (and its signature could not be
    // checked: PublicKey::verify refuses it).
    let small = PrivateKey::from_pem(&data("openssl-rsa512-pkcs8.pem")).unwrap();
    assert_eq!(
        small.sign(b"tbs").unwrap_err(),
        if cfg!(feature = "fips") {
            // The FIPS build: the module signs with no RSA key under 2048 bits.
            KeyError::NotInFipsBuild("SHA1-RSA signing with key type rsa-512".to_owned())
        } else {
            KeyError::InsecureRsaKey { bits: 512 }
        }
    );
    // An issuer key of another type cannot verify this key's signature either.
    let ec = PrivateKey::from_pem(&data("openssl-p256-pkcs8.pem")).unwrap();
    let rsa = PrivateKey::from_pem(&data("openssl-rsa4096-pkcs8.pem")).unwrap();
    assert_eq!(
        ec.sign_as_issuer(&ec.signature_algorithm(), b"tbs", &rsa.public_key())
            .unwrap_err(),
        KeyError::KeyMismatch
    );
}

#[test]
fn spki_parsing_follows_go() {
    // RSA SPKI without the NULL parameters.
    let rsa = PrivateKey::from_pem(&data("cfssl-ca-rsa-key.pem")).unwrap();
    let spki = rsa.public_key().to_spki_der();
    // 30 82 01 22 30 0d 06 09 <oid> 05 00 03 82 ...: drop "05 00" and fix the lengths.
    assert_eq!(spki[4..6], [0x30, 0x0d]);
    let mut no_null = vec![0x30, 0x82, 0x01, 0x20, 0x30, 0x0b];
    no_null.extend_from_slice(&spki[6..17]);
    no_null.extend_from_slice(&spki[19..]);
    let err = PublicKey::from_spki_der(&no_null).unwrap_err();
    assert_eq!(err.to_string(), "x509: RSA key missing NULL parameters");

    for junk in [&b""[..], b"\x30\x00", &spki[..40]] {
        assert!(PublicKey::from_spki_der(junk).is_err());
    }

    // A compressed P-256 point is accepted and re-encoded uncompressed.
    let ec = PrivateKey::from_pem(&data("cfssl-ca-key.pem")).unwrap();
    let canonical = ec.public_key().to_spki_der();
    let point = &canonical[canonical.len() - 65..];
    let mut compressed = vec![0x30, 0x39, 0x30, 0x13];
    compressed.extend_from_slice(&canonical[4..23]);
    compressed.extend_from_slice(&[0x03, 0x22, 0x00, 0x02 | (point[64] & 1)]);
    compressed.extend_from_slice(&point[1..33]);
    let public = PublicKey::from_spki_der(&compressed).unwrap();
    assert_eq!(public.to_spki_der(), canonical);
}
