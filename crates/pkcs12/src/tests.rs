//! Building and reading PFX files: every key type and scheme, the exact layout, the
//! attributes pairing key and certificate, the errors, and files made by OpenSSL.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use cfssl_keys::PrivateKey;
use der::asn1::{Any, OctetString};
use der::{Decode, Encode};
use proptest::prelude::*;
use sha1::Digest as _;

use crate::asn1::*;
use crate::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pem_der(name: &str) -> Vec<u8> {
    der::pem::decode_vec(&fixture(name)).unwrap().1
}

/// One leaf of the fixtures: its key, its certificate, and the chain (intermediate, root).
struct Leaf {
    key: PrivateKey,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

fn leaf(kind: &str) -> Leaf {
    Leaf {
        key: PrivateKey::from_pem(&fixture(&format!("leaf-{kind}-key.pem"))).unwrap(),
        cert: pem_der(&format!("leaf-{kind}.pem")),
        chain: vec![pem_der("intermediate.pem"), pem_der("root.pem")],
    }
}

impl Leaf {
    fn build(
        &self,
        name: Option<&str>,
        password: &str,
        scheme: Scheme,
    ) -> Result<Vec<u8>, Pkcs12Error> {
        self.build_with(name, password, scheme, &mut counter(0))
    }

    fn build_with(
        &self,
        name: Option<&str>,
        password: &str,
        scheme: Scheme,
        random: Random<'_>,
    ) -> Result<Vec<u8>, Pkcs12Error> {
        let chain: Vec<&[u8]> = self.chain.iter().map(Vec::as_slice).collect();
        build_checked(
            &Contents {
                key: &self.key,
                certificate: &self.cert,
                chain: &chain,
                friendly_name: name,
            },
            password,
            scheme,
            random,
        )
    }
}

/// A deterministic stand-in for the random generator: 0, 1, 2, … from `start`.
fn counter(start: u8) -> impl FnMut(&mut [u8]) -> bool {
    let mut next = start;
    move |buf: &mut [u8]| {
        for b in buf {
            *b = next;
            next = next.wrapping_add(1);
        }
        true
    }
}

#[test]
fn every_key_type_and_scheme_reads_back_exactly() {
    for kind in ["ecdsa", "rsa", "ed25519"] {
        let leaf = leaf(kind);
        for scheme in [Scheme::Aes256, Scheme::Legacy] {
            let pfx = leaf.build(Some("web server"), "pässword", scheme).unwrap();
            let opened = open(&pfx, "pässword").unwrap();
            let protection = Protection {
                scheme,
                iterations: 2048,
            };
            let paired = BagAttributes {
                friendly_name: Some("web server".into()),
                local_key_id: Some(sha1::Sha1::digest(&leaf.cert).to_vec()),
            };
            assert_eq!(opened.mac, protection, "{kind} {scheme:?}");
            assert_eq!(
                opened.keys,
                [KeyEntry {
                    pkcs8: leaf.key.to_pkcs8_der().unwrap(),
                    attributes: paired.clone(),
                    protection,
                }],
                "{kind} {scheme:?}"
            );
            let certificate = |der: &[u8], attributes| CertificateEntry {
                der: der.to_vec(),
                attributes,
                protection: Some(protection),
            };
            assert_eq!(
                opened.certificates,
                [
                    certificate(&leaf.cert, paired),
                    certificate(&leaf.chain[0], BagAttributes::default()),
                    certificate(&leaf.chain[1], BagAttributes::default()),
                ],
                "{kind} {scheme:?}"
            );
            // The key bag holds the very key given.
            let back = PrivateKey::from_pem(
                der::pem::encode_string(
                    "PRIVATE KEY",
                    der::pem::LineEnding::LF,
                    &opened.keys[0].pkcs8,
                )
                .unwrap()
                .as_bytes(),
            )
            .unwrap();
            assert_eq!(back.public_key(), leaf.key.public_key());
        }
    }
}

/// The layout `openssl pkcs12 -export` writes, structure by structure, and each structure
/// re-encodes to the same bytes.
#[test]
fn layout_and_asn1_round_trip() {
    let leaf = leaf("ecdsa");
    for (scheme, mac_oid, mac_len, salt_len) in [
        (Scheme::Aes256, SHA256, 32, 16),
        (Scheme::Legacy, SHA1, 20, 16),
    ] {
        let der = leaf.build(None, "secret", scheme).unwrap();
        let pfx = Pfx::from_der(&der).unwrap();
        assert_eq!(pfx.to_der().unwrap(), der);
        assert_eq!(pfx.version, 3);
        assert_eq!(pfx.auth_safe.content_type, ID_DATA);
        let mac = pfx.mac_data.as_ref().unwrap();
        assert_eq!(mac.iterations, 2048);
        assert_eq!(mac.mac_salt.as_bytes().len(), salt_len);
        assert_eq!(mac.mac.digest.as_bytes().len(), mac_len);
        assert_eq!(mac.mac.digest_algorithm.oid, mac_oid);
        assert_eq!(mac.mac.digest_algorithm.parameters, Some(Any::null()));

        let octets = pfx.auth_safe.content.decode_as::<OctetString>().unwrap();
        let safes = AuthenticatedSafe::from_der(octets.as_bytes()).unwrap();
        assert_eq!(safes.to_der().unwrap(), octets.as_bytes());
        let types: Vec<_> = safes.iter().map(|s| s.content_type).collect();
        assert_eq!(types, [ID_ENCRYPTED_DATA, ID_DATA]);

        let encrypted = safes[0].content.decode_as::<EncryptedData>().unwrap();
        assert_eq!(encrypted.version, 0);
        assert_eq!(encrypted.encrypted_content_info.content_type, ID_DATA);
        let cert_algorithm = &encrypted
            .encrypted_content_info
            .content_encryption_algorithm;

        let key_safe = safes[1].content.decode_as::<OctetString>().unwrap();
        let bags = SafeContents::from_der(key_safe.as_bytes()).unwrap();
        assert_eq!(bags.to_der().unwrap(), key_safe.as_bytes());
        let [bag] = bags.as_slice() else {
            panic!("one key bag: {bags:?}")
        };
        assert_eq!(bag.bag_id, PKCS8_SHROUDED_KEY_BAG);
        let info = bag
            .bag_value
            .decode_as::<EncryptedPrivateKeyInfo>()
            .unwrap();
        // No friendly name asked for: only the localKeyId.
        let attributes = bag.bag_attributes.as_ref().unwrap();
        let oids: Vec<_> = attributes.iter().map(|a| a.oid).collect();
        assert_eq!(oids, [LOCAL_KEY_ID]);

        match scheme {
            Scheme::Aes256 => {
                // PBES2 { PBKDF2 { salt (16), 2048, hmacWithSHA256 }, AES-256-CBC IV (16) }
                for algorithm in [cert_algorithm, &info.encryption_algorithm] {
                    assert_eq!(algorithm.oid, PBES2);
                    let scheme =
                        pkcs8::pkcs5::EncryptionScheme::from_der(&algorithm.to_der().unwrap())
                            .unwrap();
                    let params = scheme.pbes2().unwrap();
                    let pkcs8::pkcs5::pbes2::Kdf::Pbkdf2(kdf) = &params.kdf else {
                        panic!("PBKDF2")
                    };
                    assert_eq!(kdf.iteration_count, 2048);
                    assert_eq!(kdf.salt.as_ref().len(), 16);
                    assert_eq!(kdf.key_length, None);
                    assert_eq!(kdf.prf, pkcs8::pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256);
                    assert!(matches!(
                        params.encryption,
                        pkcs8::pkcs5::pbes2::EncryptionScheme::Aes256Cbc { .. }
                    ));
                }
            }
            Scheme::Legacy => {
                for algorithm in [cert_algorithm, &info.encryption_algorithm] {
                    assert_eq!(algorithm.oid, PBE_SHA1_3DES);
                    let params = algorithm
                        .parameters
                        .as_ref()
                        .unwrap()
                        .decode_as::<Pkcs12PbeParams>()
                        .unwrap();
                    assert_eq!(params.iterations, 2048);
                    assert_eq!(params.salt.as_bytes().len(), 8);
                }
            }
        }
    }
}

#[test]
fn same_randomness_same_file_and_fresh_randomness_differs() {
    let leaf = leaf("ed25519");
    let a = leaf.build(Some("a"), "pw", Scheme::Aes256).unwrap();
    let b = leaf.build(Some("a"), "pw", Scheme::Aes256).unwrap();
    assert_eq!(a, b);
    let c = leaf
        .build_with(Some("a"), "pw", Scheme::Aes256, &mut counter(7))
        .unwrap();
    assert_ne!(a, c);
    // The public entry point draws from the OS.
    let chain: Vec<&[u8]> = leaf.chain.iter().map(Vec::as_slice).collect();
    let contents = Contents {
        key: &leaf.key,
        certificate: &leaf.cert,
        chain: &chain,
        friendly_name: Some("a"),
    };
    let d = build(&contents, "pw", Scheme::Aes256).unwrap();
    let e = build(&contents, "pw", Scheme::Aes256).unwrap();
    assert_ne!(d, e);
    assert_eq!(open(&d, "pw").unwrap().keys, open(&e, "pw").unwrap().keys);
}

#[test]
fn passwords_empty_unicode_and_wrong() {
    let leaf = leaf("ecdsa");
    for password in ["", "ünïcødé", "\u{1F511} key"] {
        for scheme in [Scheme::Aes256, Scheme::Legacy] {
            let pfx = leaf.build(None, password, scheme).unwrap();
            assert_eq!(open(&pfx, password).unwrap().keys.len(), 1);
            assert_eq!(open(&pfx, "other"), Err(Pkcs12Error::WrongPassword));
        }
    }
}

#[test]
fn bad_inputs_are_named() {
    let ecdsa = leaf("ecdsa");
    let rsa = leaf("rsa");
    let mismatched = Leaf {
        key: rsa.key,
        cert: ecdsa.cert.clone(),
        chain: vec![],
    };
    assert_eq!(
        mismatched.build(None, "pw", Scheme::Aes256),
        Err(Pkcs12Error::KeyMismatch)
    );
    let not_a_cert = Leaf {
        key: ecdsa.key.clone(),
        cert: ecdsa.cert.clone(),
        chain: vec![ecdsa.chain[0].clone(), b"not DER".to_vec()],
    };
    let e = not_a_cert.build(None, "pw", Scheme::Aes256).unwrap_err();
    assert!(
        matches!(
            &e,
            Pkcs12Error::NotACertificate {
                which: Which::Chain(2),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("certificate 2 of the chain is not a DER X.509 certificate: "),
        "{e}"
    );
    let e = ecdsa
        .build(Some("smile \u{1F600}"), "pw", Scheme::Aes256)
        .unwrap_err();
    assert_eq!(
        e,
        Pkcs12Error::FriendlyName {
            name: "smile \u{1F600}".into()
        }
    );
    // A failing generator is an error, not a weak file.
    assert_eq!(
        ecdsa.build_with(None, "pw", Scheme::Legacy, &mut |_: &mut [u8]| false),
        Err(Pkcs12Error::Random)
    );
}

#[test]
fn friendly_names_in_the_bmp_are_kept() {
    let leaf = leaf("rsa");
    for name in ["Zoë's server", "サーバー", "a"] {
        let pfx = leaf.build(Some(name), "pw", Scheme::Legacy).unwrap();
        let opened = open(&pfx, "pw").unwrap();
        assert_eq!(
            opened.keys[0].attributes.friendly_name.as_deref(),
            Some(name)
        );
        assert_eq!(
            opened.certificates[0].attributes.friendly_name.as_deref(),
            Some(name)
        );
    }
}

/// Files OpenSSL wrote (tests/data/README.md): the same key, certificates and attributes
/// come out; RC2 is refused by name.
#[test]
fn reads_what_openssl_writes() {
    let leaf = leaf("ecdsa");
    for (file, scheme) in [
        ("openssl-aes.p12", Scheme::Aes256),
        ("openssl-3des.p12", Scheme::Legacy),
    ] {
        let opened = open(&fixture(file), "fixture").unwrap();
        let protection = Protection {
            scheme,
            iterations: 2048,
        };
        assert_eq!(opened.mac, protection, "{file}");
        let [key] = opened.keys.as_slice() else {
            panic!("{file}: one key")
        };
        assert_eq!(key.protection, protection);
        let back = PrivateKey::from_pem(
            der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, &key.pkcs8)
                .unwrap()
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(back.public_key(), leaf.key.public_key(), "{file}");
        let paired = BagAttributes {
            friendly_name: Some("openssl made".into()),
            local_key_id: Some(sha1::Sha1::digest(&leaf.cert).to_vec()),
        };
        assert_eq!(key.attributes, paired, "{file}");
        let ders: Vec<&[u8]> = opened
            .certificates
            .iter()
            .map(|c| c.der.as_slice())
            .collect();
        assert_eq!(
            ders,
            [&leaf.cert[..], &leaf.chain[0], &leaf.chain[1]],
            "{file}"
        );
        assert_eq!(opened.certificates[0].attributes, paired);
        assert_eq!(opened.certificates[0].protection, Some(protection));
        assert_eq!(
            open(&fixture(file), "wrong"),
            Err(Pkcs12Error::WrongPassword)
        );
    }
    let e = open(&fixture("openssl-rc2.p12"), "fixture").unwrap_err();
    assert_eq!(
        e,
        Pkcs12Error::Unsupported {
            what: "the certificates",
            algorithm: "1.2.840.113549.1.12.1.6".into()
        }
    );
}

#[test]
fn files_without_mac_or_with_costly_mac_are_refused() {
    let leaf = leaf("ecdsa");
    let der = leaf.build(None, "pw", Scheme::Aes256).unwrap();
    let mut pfx = Pfx::from_der(&der).unwrap();
    let mac = pfx.mac_data.take().unwrap();
    assert_eq!(open(&pfx.to_der().unwrap(), "pw"), Err(Pkcs12Error::NoMac));
    for iterations in [0, MAX_ITERATIONS + 1] {
        pfx.mac_data = Some(MacData {
            iterations,
            ..mac.clone()
        });
        assert_eq!(
            open(&pfx.to_der().unwrap(), "pw"),
            Err(Pkcs12Error::Iterations {
                what: "the MAC",
                iterations
            })
        );
    }
    pfx.version = 2;
    pfx.mac_data = Some(mac);
    assert!(
        matches!(open(&pfx.to_der().unwrap(), "pw"), Err(Pkcs12Error::Malformed(m)) if m.contains("version 2"))
    );
}

/// Every single-byte change of a file is caught (the MAC covers the safes; the rest is
/// structure), and no change makes the reader panic.
#[test]
fn altered_files_never_open() {
    let leaf = leaf("ecdsa");
    let der = leaf.build(None, "pw", Scheme::Legacy).unwrap();
    for i in (0..der.len()).step_by(7) {
        let mut altered = der.clone();
        altered[i] ^= 0x01;
        assert!(
            open(&altered, "pw").is_err(),
            "byte {i} altered and still opened"
        );
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = open(&bytes, "pw");
    }

    #[test]
    fn truncated_files_are_errors(cut in 0usize..1200) {
        let leaf = leaf("ecdsa");
        let der = leaf.build(None, "pw", Scheme::Aes256).unwrap();
        let cut = cut.min(der.len() - 1);
        prop_assert!(open(&der[..cut], "pw").is_err());
    }
}
