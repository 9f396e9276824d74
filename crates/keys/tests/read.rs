//! Reading keys written by cfssl and OpenSSL, leniency, every error code, encryption.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use cfssl_keys::{KeyError, KeySpec, PrivateKey};
use common::{data, have_openssl, openssl, openssl_status, pem_der, write};
use pkcs8::EncodePrivateKey;

fn read(name: &str) -> Result<PrivateKey, KeyError> {
    PrivateKey::from_pem(&data(name))
}

/// The same key according to OpenSSL: its SubjectPublicKeyInfo.
fn openssl_spki(pem: &[u8], password: Option<&str>) -> Vec<u8> {
    let pass = password.map(|p| format!("pass:{p}"));
    let mut args = vec!["pkey", "-pubout", "-outform", "DER"];
    if let Some(pass) = &pass {
        args.extend(["-passin", pass]);
    }
    openssl(&args, pem).stdout
}

#[test]
fn cfssl_keys() {
    let key = read("cfssl-ca-key.pem").unwrap();
    assert_eq!(key.spec(), KeySpec::EcdsaP256);
    // cfssl's own file is exactly what we write.
    assert_eq!(key.to_pem().as_bytes(), data("cfssl-ca-key.pem"));

    let key = read("cfssl-ca-rsa-key.pem").unwrap();
    assert_eq!(key.describe(), "rsa-2048");
    assert_eq!(key.to_pem().as_bytes(), data("cfssl-ca-rsa-key.pem"));
}

#[test]
fn openssl_keys_of_every_kind() {
    let cases = [
        ("openssl-rsa-pkcs8.pem", "rsa-2048", "1.2.840.113549.1.1.11"),
        (
            "openssl-rsa-traditional.pem",
            "rsa-2048",
            "1.2.840.113549.1.1.11",
        ),
        (
            "openssl-rsa1024-pkcs8.pem",
            "rsa-1024",
            "1.2.840.113549.1.1.5",
        ),
        (
            "openssl-rsa3072-pkcs8.pem",
            "rsa-3072",
            "1.2.840.113549.1.1.12",
        ),
        (
            "openssl-rsa4096-pkcs8.pem",
            "rsa-4096",
            "1.2.840.113549.1.1.13",
        ),
        ("openssl-p256-pkcs8.pem", "ecdsa-256", "1.2.840.10045.4.3.2"),
        ("openssl-p384-pkcs8.pem", "ecdsa-384", "1.2.840.10045.4.3.3"),
        ("openssl-p521-pkcs8.pem", "ecdsa-521", "1.2.840.10045.4.3.4"),
        (
            "openssl-ecparam-p256.pem",
            "ecdsa-256",
            "1.2.840.10045.4.3.2",
        ),
        ("openssl-ed25519-pkcs8.pem", "ed25519", "1.3.101.112"),
    ];
    let openssl_present = have_openssl();
    for (file, describe, sig_oid) in cases {
        let key = read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(key.describe(), describe, "{file}");
        assert_eq!(key.signature_algorithm().oid.to_string(), sig_oid, "{file}");
        if cfg!(feature = "fips") && describe == "rsa-1024" {
            // The FIPS build signs neither with SHA-1 nor with an RSA key under 2048 bits.
            assert_eq!(
                key.sign(b"hello").unwrap_err().to_string(),
                "SHA1-RSA signing with key type rsa-1024 is not offered by the FIPS build of \
                 cfssl-rs"
            );
        } else {
            let sig = key.sign(b"hello").unwrap();
            let alg = key.signature_algorithm();
            key.public_key()
                .verify(
                    &der::referenced::OwnedToRef::owned_to_ref(&alg),
                    b"hello",
                    &sig,
                )
                .unwrap();
        }
        if openssl_present {
            assert_eq!(
                key.public_key().to_spki_der(),
                openssl_spki(&data(file), None),
                "{file}"
            );
        }
    }
}

#[test]
fn cfssl_ed25519_label_is_accepted() {
    let standard = data("openssl-ed25519-pkcs8.pem");
    let text = String::from_utf8(standard.clone()).unwrap();
    let cfssl = text.replace("PRIVATE KEY", "Ed25519 PRIVATE KEY");
    let a = PrivateKey::from_pem(&standard).unwrap();
    let b = PrivateKey::from_pem(cfssl.as_bytes()).unwrap();
    assert_eq!(a.public_key(), b.public_key());
    // We write the standard label (docs/differences.md #10) with the same DER.
    assert_eq!(b.to_pem().as_str(), text);
}

#[test]
fn ed25519_pkcs8_v2_with_public_key_is_accepted() {
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let der = pem_der(key.to_pem().as_bytes());
    let seed: [u8; 32] = der[16..].try_into().unwrap();
    let dalek = ed25519_dalek::SigningKey::from_bytes(&seed);
    // ed25519-dalek writes v2 OneAsymmetricKey with the public key.
    let v2 = dalek
        .to_pkcs8_pem(pkcs8::LineEnding::LF)
        .unwrap()
        .to_string();
    let back = PrivateKey::from_pem(v2.as_bytes()).unwrap();
    assert_eq!(back.public_key(), key.public_key());
}

#[test]
fn lenient_pem() {
    let pem = String::from_utf8(data("cfssl-ca-key.pem")).unwrap();
    let expected = PrivateKey::from_pem(pem.as_bytes()).unwrap().public_key();

    // Text around the block, CRLF line ends, trailing blanks.
    let noisy = format!(
        "Key for the CA\r\n\r\n{}\r\nbye\n",
        pem.replace('\n', "  \r\n")
    );
    assert_eq!(
        PrivateKey::from_pem(noisy.as_bytes()).unwrap().public_key(),
        expected
    );

    // 76-column base64 and a missing final newline.
    let der = pem_der(pem.as_bytes());
    let b64 = <base64ct::Base64 as base64ct::Encoding>::encode_string(&der);
    let wide: Vec<String> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let wide = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----",
        wide.join("\n")
    );
    assert_eq!(
        PrivateKey::from_pem(wide.as_bytes()).unwrap().public_key(),
        expected
    );

    // A key after another, non-key block is not found: the first block counts (as in cfssl).
    let cert_first = [data("cfssl-ca.pem"), data("cfssl-ca-key.pem")].concat();
    assert_eq!(
        PrivateKey::from_pem(&cert_first).unwrap_err(),
        KeyError::Parse
    );
}

#[test]
fn every_error_code() {
    // 2002: no PEM block at all.
    for input in [&b""[..], b"hello", &pem_der(&data("cfssl-ca-key.pem"))] {
        let err = PrivateKey::from_pem(input).unwrap_err();
        assert_eq!(err, KeyError::Decode);
        assert_eq!(err.code(), Some(2002));
        assert_eq!(err.to_string(), "Failed to decode private key");
    }

    // 2003: a PEM block that is not a key, or damaged DER.
    let garbage = "-----BEGIN EC PRIVATE KEY-----\nAAECAwQF\n-----END EC PRIVATE KEY-----\n";
    for input in [data("cfssl-ca.pem"), garbage.as_bytes().to_vec()] {
        let err = PrivateKey::from_pem(&input).unwrap_err();
        assert_eq!(err, KeyError::Parse);
        assert_eq!(err.code(), Some(2003));
        assert_eq!(err.to_string(), "Failed to parse private key");
    }

    // 2100: encrypted, no password.
    for file in [
        "openssl-p256-enc-pbkdf2.pem",
        "openssl-p256-legacy-enc.pem",
        "openssl-rsa-enc-scrypt.pem",
    ] {
        let err = read(file).unwrap_err();
        assert_eq!(err, KeyError::Encrypted, "{file}");
        assert_eq!(err.code(), Some(2100));
        assert_eq!(err.to_string(), "Private key is encrypted.");
    }

    // 2200: well-formed keys of types cfssl cannot use.
    for file in [
        "openssl-secp256k1.pem",
        "openssl-x25519.pem",
        "openssl-dsa-pkcs8.pem",
    ] {
        let err = read(file).unwrap_err();
        assert_eq!(err, KeyError::UnsupportedKeyType, "{file}");
        assert_eq!(err.code(), Some(2200));
        assert_eq!(
            err.to_string(),
            "Private key algorithm is not RSA or ECC or Ed25519"
        );
    }

    // 2300: the code of a mismatch (the check itself is PublicKey::matches).
    assert_eq!(KeyError::KeyMismatch.code(), Some(2300));
    let ca = read("cfssl-ca-key.pem").unwrap();
    let other = read("openssl-p256-pkcs8.pem").unwrap();
    assert!(!ca.public_key().matches(&other));

    // 2400: key requests.
    for (algo, size, text) in [
        ("dsa", 2048, "invalid algorithm"),
        ("ecdsa", 512, "invalid curve"),
        ("rsa", 1024, "RSA key is too weak"),
        ("rsa", 16384, "RSA key size too large"),
    ] {
        let err = KeySpec::from_request(algo, size).unwrap_err();
        assert_eq!(err.code(), Some(2400));
        assert_eq!(err.to_string(), text);
    }
}

#[test]
fn errors_never_show_key_bytes() {
    let key = read("cfssl-ca-key.pem").unwrap();
    assert_eq!(format!("{key:?}"), "PrivateKey(ecdsa-256)");
    assert_eq!(format!("{:?}", key.public_key()), "PublicKey(ecdsa-256)");
    let body = pem_der(&data("cfssl-ca-key.pem"));
    let err = PrivateKey::from_pem_with_password(&data("openssl-p256-enc-pbkdf2.pem"), b"no")
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(&format!("{:?}", &body[7..15])));
}

#[test]
fn openssl_encrypted_keys() {
    let cases = [
        ("openssl-p256-enc-pbkdf2.pem", "openssl-p256-pkcs8.pem"),
        ("openssl-rsa-enc-scrypt.pem", "openssl-rsa-pkcs8.pem"),
        (
            "openssl-ed25519-enc-pbkdf2-sha512.pem",
            "openssl-ed25519-pkcs8.pem",
        ),
    ];
    for (encrypted, plain) in cases {
        let key = PrivateKey::from_pem_with_password(&data(encrypted), b"x")
            .unwrap_or_else(|e| panic!("{encrypted}: {e}"));
        assert_eq!(key.public_key(), read(plain).unwrap().public_key());

        let err = PrivateKey::from_pem_with_password(&data(encrypted), b"wrong").unwrap_err();
        assert_eq!(err, KeyError::WrongPassword, "{encrypted}");
        assert_eq!(err.to_string(), "wrong password or corrupt encrypted key");
    }

    // PBES1 (PKCS#5 v1.5 / PKCS#12 PBE) is not supported.
    let err =
        PrivateKey::from_pem_with_password(&data("openssl-p256-enc-pbes1.pem"), b"x").unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedEncryption(_)), "{err:?}");

    // The legacy OpenSSL encryption is reported as encrypted, password or not.
    let err =
        PrivateKey::from_pem_with_password(&data("openssl-p256-legacy-enc.pem"), b"x").unwrap_err();
    assert_eq!(err, KeyError::Encrypted);

    // An unencrypted key is read whatever the password.
    let key = PrivateKey::from_pem_with_password(&data("cfssl-ca-key.pem"), b"x").unwrap();
    assert_eq!(key.describe(), "ecdsa-256");
}

#[test]
fn encrypted_round_trip_with_openssl() {
    let keys = [
        read("cfssl-ca-key.pem").unwrap(),
        read("cfssl-ca-rsa-key.pem").unwrap(),
        read("openssl-p521-pkcs8.pem").unwrap(),
        read("openssl-ed25519-pkcs8.pem").unwrap(),
    ];
    let openssl_present = have_openssl();
    let dir = tempfile::tempdir().unwrap();
    for key in &keys {
        let encrypted = key.to_encrypted_pem(b"x").unwrap();
        assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        assert_eq!(
            PrivateKey::from_pem(encrypted.as_bytes()).unwrap_err(),
            KeyError::Encrypted
        );
        let back = PrivateKey::from_pem_with_password(encrypted.as_bytes(), b"x").unwrap();
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(
            PrivateKey::from_pem_with_password(encrypted.as_bytes(), b"y").unwrap_err(),
            KeyError::WrongPassword
        );

        if !openssl_present {
            continue;
        }
        // OpenSSL reads ours...
        assert_eq!(
            openssl_spki(encrypted.as_bytes(), Some("x")),
            key.public_key().to_spki_der(),
            "{key:?}"
        );
        let wrong = openssl_status(
            &["pkey", "-noout", "-passin", "pass:y"],
            encrypted.as_bytes(),
        );
        assert!(!wrong.status.success());

        // ... and we read what OpenSSL encrypts from ours, with PBKDF2 and with scrypt.
        let plain = write(dir.path(), "plain.pem", key.to_pem().as_bytes());
        let plain = plain.to_str().unwrap();
        for extra in [&["-v2", "aes-256-cbc"][..], &["-scrypt"][..]] {
            let mut args = vec!["pkcs8", "-topk8", "-passout", "pass:x", "-in", plain];
            args.extend_from_slice(extra);
            let out = openssl(&args, b"");
            let back = PrivateKey::from_pem_with_password(&out.stdout, b"x")
                .unwrap_or_else(|e| panic!("{key:?} {extra:?}: {e}"));
            assert_eq!(back.public_key(), key.public_key());
        }
    }
}

/// An `ENCRYPTED PRIVATE KEY` (PBES2 with `kdf`, AES-256-CBC) over 32 zero bytes: the
/// parameters are what is tested, nothing decrypts.
fn encrypted_key_pem(kdf: pkcs8::pkcs5::pbes2::Kdf) -> String {
    use der::Encode;
    use pkcs8::pkcs5::pbes2;
    let info = pkcs8::EncryptedPrivateKeyInfoRef {
        encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(pbes2::Parameters {
            kdf,
            encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: [0; 16] },
        }),
        encrypted_data: der::asn1::OctetStringRef::new(&[0u8; 32]).unwrap(),
    };
    pem_rfc7468::encode_string(
        "ENCRYPTED PRIVATE KEY",
        pkcs8::LineEnding::LF,
        &info.to_der().unwrap(),
    )
    .unwrap()
}

#[test]
fn hostile_kdf_costs_are_refused() {
    use pkcs8::pkcs5::pbes2::{Kdf, Pbkdf2Params, Salt, ScryptParams};

    let salt = Salt::new([7u8; 16]).unwrap();
    let scrypt = |n: u64, r: u16, p: u16| {
        Kdf::Scrypt(ScryptParams {
            salt,
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        })
    };
    let pbkdf2 = |iterations: u32| {
        let mut params = Pbkdf2Params::hmac_sha256(1, &[7u8; 16]).unwrap();
        params.iteration_count = iterations;
        Kdf::Pbkdf2(params)
    };
    let hostile = [
        scrypt(1 << 20, 8, 1), // 1 GiB
        scrypt(1 << 14, 8, 64),
        pbkdf2(50_000_000),
    ];
    for kdf in hostile {
        let pem = encrypted_key_pem(kdf);
        let started = std::time::Instant::now();
        let err = PrivateKey::from_pem_with_password(pem.as_bytes(), b"x").unwrap_err();
        assert!(matches!(err, KeyError::UnsupportedEncryption(_)), "{err:?}");
        assert_eq!(err.code(), Some(2100));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}

/// Issue 11 #1: parameters outside RFC 8018 / RFC 7914 ranges are refused before any key
/// derivation (scrypt N = 0 made the pkcs5 crate panic).
#[test]
fn out_of_range_kdf_parameters_are_refused() {
    use pkcs8::pkcs5::pbes2::{Kdf, Pbkdf2Params, Salt, ScryptParams};

    let salt = Salt::new([7u8; 16]).unwrap();
    let scrypt = |n: u64, r: u16, p: u16, key_length: Option<u16>| {
        Kdf::Scrypt(ScryptParams {
            salt,
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length,
        })
    };
    let pbkdf2 = |iterations: u32, key_length: Option<u16>| {
        let mut params = Pbkdf2Params::hmac_sha256(1, &[7u8; 16]).unwrap();
        params.iteration_count = iterations;
        params.key_length = key_length;
        Kdf::Pbkdf2(params)
    };
    let n = "scrypt N must be a power of two greater than 1";
    let cases = [
        (scrypt(0, 8, 1, None), n),
        (scrypt(1, 8, 1, None), n),
        (scrypt(3, 8, 1, None), n),
        (scrypt((1 << 14) + 1, 8, 1, None), n),
        (scrypt(u64::MAX, 8, 1, None), n),
        (scrypt(1 << 10, 0, 1, None), "scrypt r must be at least 1"),
        (scrypt(1 << 10, 8, 0, None), "scrypt p must be at least 1"),
        (
            scrypt(1 << 10, 8, 1, Some(0)),
            "key length must be at least 1",
        ),
        (
            scrypt(1 << 10, 8, 1, Some(16)),
            "key length differs from the cipher's key size",
        ),
        (pbkdf2(0, None), "PBKDF2 iteration count must be at least 1"),
        (pbkdf2(1000, Some(0)), "key length must be at least 1"),
        (
            pbkdf2(1000, Some(31)),
            "key length differs from the cipher's key size",
        ),
    ];
    for (kdf, why) in cases {
        let pem = encrypted_key_pem(kdf.clone());
        let err = PrivateKey::from_pem_with_password(pem.as_bytes(), b"x").unwrap_err();
        assert_eq!(err, KeyError::InvalidEncryptionParameters(why), "{kdf:?}");
        assert_eq!(err.code(), Some(2100));
        assert_eq!(
            err.to_string(),
            format!("invalid key encryption parameters: {why}")
        );
    }

    // PBES1 says so (issue 11 #9; the fixture is PKCS#12's pbeWithSHA1And3-KeyTripleDES-CBC,
    // `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES`, a scheme the pkcs5 crate does not decode).
    let err =
        PrivateKey::from_pem_with_password(&data("openssl-p256-enc-pbes1.pem"), b"x").unwrap_err();
    assert_eq!(
        err,
        KeyError::UnsupportedEncryption("PBES1 (PKCS#5 v1.5 / PKCS#12 PBE) is not supported")
    );
}

/// `to_pkcs8_der` gives the bytes OpenSSL writes for the same key (`openssl pkcs8 -topk8
/// -nocrypt`, the fixtures' PKCS#8 files), for every key type.
#[test]
fn pkcs8_der_is_openssls() {
    for name in [
        "openssl-rsa-pkcs8.pem",
        "openssl-p256-pkcs8.pem",
        "openssl-p384-pkcs8.pem",
        "openssl-p521-pkcs8.pem",
        "openssl-ed25519-pkcs8.pem",
    ] {
        let key = read(name).unwrap();
        assert_eq!(
            &key.to_pkcs8_der().unwrap()[..],
            pem_der(&data(name)),
            "{name}"
        );
    }
    // A SEC1 key (cfssl's EC format) becomes the same PKCS#8 as its OpenSSL conversion.
    if have_openssl() {
        let key = read("cfssl-ca-key.pem").unwrap();
        let converted = openssl(
            &["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"],
            &data("cfssl-ca-key.pem"),
        );
        assert_eq!(&key.to_pkcs8_der().unwrap()[..], converted.stdout);
    }
}
