//! TokenKey against a real token: SoftHSM2 (Debian `softhsm2`), with `pkcs11-tool` (Debian
//! `opensc`) as the outside view of the token and `openssl` as the outside verifier.
//!
//! SoftHSM reads `SOFTHSM2_CONF` when the module is initialised, once per process, and our
//! crates may not call the (unsafe) `std::env::set_var`. So each test re-runs this test
//! binary for itself alone, with `SOFTHSM2_CONF` naming a fresh temporary folder holding a
//! freshly initialised token: tests stay parallel and share nothing.
//!
//! Missing SoftHSM2 or pkcs11-tool: a failure when `CI=true`, a skip line otherwise.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use cfssl_keys::KeySpec;
use cfssl_pkcs11::{Access, NewKey, Pkcs11Error, Pkcs11Uri, TokenKey};
use zeroize::Zeroizing;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";
const SO_PIN: &str = "5678";
const CHILD: &str = "CFSSL_PKCS11_TEST_DIR";

/// One test's token: its folder, label, and a file holding the PIN.
struct Token {
    dir: PathBuf,
    label: String,
}

impl Token {
    fn pin_file(&self) -> PathBuf {
        self.dir.join("pin")
    }

    /// `pkcs11:token=<label>;<path>?module-path=…&pin-source=file:…`
    fn uri(&self, path: &str) -> Pkcs11Uri {
        let sep = if path.is_empty() { "" } else { ";" };
        Pkcs11Uri::parse(&format!(
            "pkcs11:token={}{sep}{path}?module-path={MODULE}&pin-source=file:{}",
            self.label.replace(' ', "%20"),
            self.pin_file().display()
        ))
        .unwrap()
    }

    fn generate(&self, label: &str, id: &[u8], spec: KeySpec) -> Result<TokenKey, Pkcs11Error> {
        TokenKey::generate(
            &self.uri(""),
            &NewKey { label, id, spec },
            Access {
                module_env: None,
                pin: &mut |_| None,
            },
        )
    }

    fn open(&self, uri: &Pkcs11Uri) -> Result<TokenKey, Pkcs11Error> {
        TokenKey::open(
            uri,
            Access {
                module_env: None,
                pin: &mut |_| None,
            },
        )
    }

    fn pkcs11_tool(&self, args: &[&str]) -> String {
        let out = Command::new("pkcs11-tool")
            .args(["--module", MODULE, "--token-label", &self.label])
            .args(["--login", "--pin", PIN])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pkcs11-tool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn tools_available() -> bool {
    let module = Path::new(MODULE).exists();
    let util = Command::new("softhsm2-util")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let tool = Command::new("pkcs11-tool").arg("--help").output().is_ok();
    let openssl = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if module && util && tool && openssl {
        return true;
    }
    let what = "SoftHSM2 (softhsm2-util and /usr/lib/softhsm/libsofthsm2.so), pkcs11-tool (opensc) and openssl";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} are required on CI (CI=true): apt-get install softhsm2 opensc openssl");
    }
    eprintln!("skipping: {what} not all installed");
    false
}

/// Runs `body` in a child process of this test binary with a fresh token; `name` must be the
/// calling test's function name (the child runs just that test) and labels the token;
/// `mechanisms` is SoftHSM's `slots.mechanisms` setting (`ALL`, or `-CKM_X,CKM_Y` to remove;
/// SoftHSM 2.6.1 ignores the first name after the `-`, so the lists start with CKM_MD5, which
/// no test needs). Token labels are at most 32 bytes: the label is the name cut to that.
fn with_token(name: &str, mechanisms: &str, body: fn(&Token)) {
    let label = &name[..name.len().min(32)];
    if let Some(dir) = std::env::var_os(CHILD) {
        body(&Token {
            dir: PathBuf::from(dir),
            label: label.to_owned(),
        });
        return;
    }
    if !tools_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("softhsm2.conf");
    std::fs::create_dir(dir.path().join("tokens")).unwrap();
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.mechanisms = {mechanisms}\n",
            dir.path().join("tokens").display()
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("pin"), format!("{PIN}\n")).unwrap();
    let init = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", &conf)
        .args([
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "softhsm2-util --init-token: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let child = Command::new(std::env::current_exe().unwrap())
        .env("SOFTHSM2_CONF", &conf)
        .env(CHILD, dir.path())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&child.stdout);
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        child.status.success() && stdout.contains("1 passed"),
        "{name} in its own process:\n{stdout}\n{stderr}"
    );
}

/// Verifies `signature` over `message` with the key's public key using openssl.
fn openssl_verify(key: &TokenKey, digest: Option<&str>, message: &[u8], signature: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let (public, msg, sig) = (
        dir.path().join("pub.der"),
        dir.path().join("msg"),
        dir.path().join("sig"),
    );
    std::fs::write(&public, key.public_key().to_spki_der()).unwrap();
    std::fs::write(&msg, message).unwrap();
    std::fs::write(&sig, signature).unwrap();
    let mut cmd = Command::new("openssl");
    match digest {
        Some(digest) => cmd
            .args(["dgst", &format!("-{digest}"), "-verify"])
            .arg(&public)
            .args(["-keyform", "DER", "-signature"])
            .arg(&sig)
            .arg(&msg),
        None => cmd
            .args([
                "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-rawin", "-inkey",
            ])
            .arg(&public)
            .arg("-in")
            .arg(&msg)
            .arg("-sigfile")
            .arg(&sig),
    };
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("Verified"),
        "openssl does not verify the {} signature: {text}{}",
        key.describe(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Generate in the token, check the protection attributes, sign with cfssl's algorithm,
/// verify with openssl; then open the key again by URI and do it again.
fn generate_sign_verify(token: &Token, spec: KeySpec, digest: Option<&str>, describe: &str) {
    let key = token.generate("ca-key", &[0xca, 0xfe], spec).unwrap();
    assert_eq!(key.describe(), describe);
    assert_eq!(key.label(), "ca-key");
    assert_eq!(key.id(), [0xca, 0xfe]);
    assert_eq!(key.token_label(), token.label);
    let protection = key.protection().unwrap();
    assert!(
        protection.sensitive && protection.always_sensitive,
        "{protection:?}"
    );
    assert!(
        !protection.extractable && protection.never_extractable,
        "{protection:?}"
    );
    assert!(protection.token, "{protection:?}");

    let message = b"tbsCertificate stand-in";
    let signature = key.sign(message).unwrap();
    openssl_verify(&key, digest, message, &signature);
    let public = key.public_key().clone();
    drop(key);

    let again = token
        .open(&token.uri("object=ca-key;id=%ca%fe;type=private"))
        .unwrap();
    assert_eq!(*again.public_key(), public);
    let alg = again.signature_algorithm();
    let signature = again.sign_with(&alg, b"second message").unwrap();
    openssl_verify(&again, digest, b"second message", &signature);
    let signature = again
        .sign_as_issuer(&alg, b"third message", &public)
        .unwrap();
    openssl_verify(&again, digest, b"third message", &signature);

    // The outside view: pkcs11-tool shows the private key sensitive and never extractable.
    let listing = token.pkcs11_tool(&["--list-objects", "--type", "privkey"]);
    assert!(
        listing.contains("label:      ca-key")
            && listing.contains("sensitive, always sensitive, never extractable"),
        "{listing}"
    );
}

#[test]
fn rsa_2048() {
    with_token("rsa_2048", "ALL", |t| {
        generate_sign_verify(t, KeySpec::Rsa { bits: 2048 }, Some("sha256"), "rsa-2048")
    });
}

#[test]
fn rsa_3072() {
    with_token("rsa_3072", "ALL", |t| {
        generate_sign_verify(t, KeySpec::Rsa { bits: 3072 }, Some("sha384"), "rsa-3072")
    });
}

#[test]
fn rsa_4096() {
    with_token("rsa_4096", "ALL", |t| {
        generate_sign_verify(t, KeySpec::Rsa { bits: 4096 }, Some("sha512"), "rsa-4096")
    });
}

#[test]
fn ecdsa_p256() {
    with_token("ecdsa_p256", "ALL", |t| {
        generate_sign_verify(t, KeySpec::EcdsaP256, Some("sha256"), "ecdsa-256")
    });
}

#[test]
fn ecdsa_p384() {
    with_token("ecdsa_p384", "ALL", |t| {
        generate_sign_verify(t, KeySpec::EcdsaP384, Some("sha384"), "ecdsa-384")
    });
}

#[test]
fn ed25519() {
    with_token("ed25519", "ALL", |t| {
        generate_sign_verify(t, KeySpec::Ed25519, None, "ed25519")
    });
}

/// Without CKM_SHAxxx_RSA_PKCS the token signs a DigestInfo we build with CKM_RSA_PKCS.
#[test]
fn rsa_over_digest_info_when_the_token_does_not_hash() {
    with_token(
        "rsa_over_digest_info_when_the_token_does_not_hash",
        "-CKM_MD5,CKM_SHA1_RSA_PKCS,CKM_SHA256_RSA_PKCS,CKM_SHA384_RSA_PKCS,CKM_SHA512_RSA_PKCS",
        |t| {
            let key = t.generate("k", &[1], KeySpec::Rsa { bits: 2048 }).unwrap();
            let signature = key.sign(b"message").unwrap();
            openssl_verify(&key, Some("sha256"), b"message", &signature);
        },
    );
}

#[test]
fn a_key_from_pkcs11_tool_is_found_by_id_alone() {
    with_token("a_key_from_pkcs11_tool_is_found_by_id_alone", "ALL", |t| {
        t.pkcs11_tool(&[
            "--keypairgen",
            "--key-type",
            "EC:secp384r1",
            "--label",
            "made-outside",
            "--id",
            "42",
        ]);
        let key = t.open(&t.uri("id=%42")).unwrap();
        assert_eq!(key.label(), "made-outside");
        assert_eq!(key.describe(), "ecdsa-384");
        let signature = key.sign(b"m").unwrap();
        openssl_verify(&key, Some("sha384"), b"m", &signature);
    });
}

#[test]
fn errors_name_what_is_wrong() {
    with_token("errors_name_what_is_wrong", "ALL", |t| {
        t.generate("present", &[7], KeySpec::EcdsaP256).unwrap();

        // Wrong PIN, from the callback.
        let uri = Pkcs11Uri::parse(&format!(
            "pkcs11:token={};object=present?module-path={MODULE}",
            t.label
        ))
        .unwrap();
        let err = TokenKey::open(
            &uri,
            Access {
                module_env: None,
                pin: &mut |_| Some(Zeroizing::new("0000".to_owned())),
            },
        )
        .unwrap_err();
        assert_eq!(
            err,
            Pkcs11Error::WrongPin {
                token: t.label.clone()
            }
        );
        assert!(err.to_string().contains("CKR_PIN_INCORRECT"), "{err}");
        // No PIN at all.
        let err = TokenKey::open(
            &uri,
            Access {
                module_env: None,
                pin: &mut |_| None,
            },
        )
        .unwrap_err();
        assert!(matches!(err, Pkcs11Error::PinRequired { .. }), "{err}");
        // The right PIN from the callback, the module from CFSSL_PKCS11_MODULE's value.
        let no_module =
            Pkcs11Uri::parse(&format!("pkcs11:token={};object=present", t.label)).unwrap();
        let mut asked = Vec::new();
        let key = TokenKey::open(
            &no_module,
            Access {
                module_env: Some(Path::new(MODULE)),
                pin: &mut |token| {
                    asked.push(token.to_owned());
                    Some(Zeroizing::new(PIN.to_owned()))
                },
            },
        )
        .unwrap();
        drop(key);
        assert_eq!(asked, [t.label.as_str()]);

        // No module anywhere; a module that does not exist; one that is not a module.
        let err = t.open(&no_module).unwrap_err();
        assert!(matches!(err, Pkcs11Error::NoModule { .. }), "{err}");
        assert!(err.to_string().contains("CFSSL_PKCS11_MODULE"), "{err}");
        let missing =
            Pkcs11Uri::parse("pkcs11:object=present?module-path=/nonexistent/libp11.so").unwrap();
        let err = t.open(&missing).unwrap_err();
        assert_eq!(
            err,
            Pkcs11Error::ModuleMissing {
                path: PathBuf::from("/nonexistent/libp11.so")
            }
        );
        let junk = t.dir.join("junk.so");
        std::fs::write(&junk, b"not an ELF file").unwrap();
        let unloadable = Pkcs11Uri::parse(&format!(
            "pkcs11:object=present?module-path={}",
            junk.display()
        ))
        .unwrap();
        let err = t.open(&unloadable).unwrap_err();
        assert!(matches!(err, Pkcs11Error::ModuleUnloadable { .. }), "{err}");

        // No such token: the message lists the tokens seen.
        let err = t
            .open(
                &Pkcs11Uri::parse(&format!(
                    "pkcs11:token=Nope;object=present?module-path={MODULE}"
                ))
                .unwrap(),
            )
            .unwrap_err();
        assert!(matches!(err, Pkcs11Error::TokenNotFound { .. }), "{err}");
        assert!(
            err.to_string().contains(&format!("\"{}\"", t.label)),
            "{err}"
        );

        // No such object.
        let err = t.open(&t.uri("object=absent")).unwrap_err();
        assert_eq!(
            err,
            Pkcs11Error::ObjectNotFound {
                wanted: "object=\"absent\"".to_owned(),
                token: t.label.clone()
            }
        );
        // The URI names no object at all, or a public key.
        assert_eq!(t.open(&t.uri("")).unwrap_err(), Pkcs11Error::NoObjectInUri);
        assert!(matches!(
            t.open(&t.uri("object=present;type=public")).unwrap_err(),
            Pkcs11Error::WrongObjectType { found: "public" }
        ));

        // Two private keys with one label.
        for id in ["01", "02"] {
            t.pkcs11_tool(&[
                "--keypairgen",
                "--key-type",
                "EC:prime256v1",
                "--label",
                "dup",
                "--id",
                id,
            ]);
        }
        let err = t.open(&t.uri("object=dup")).unwrap_err();
        assert!(
            matches!(err, Pkcs11Error::AmbiguousObject { count: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("2 private keys match"), "{err}");
        t.open(&t.uri("object=dup;id=%02")).unwrap();

        // Only a public key in the token.
        let outside = cfssl_keys::PrivateKey::generate(KeySpec::EcdsaP256).unwrap();
        let pub_der = t.dir.join("outside.der");
        std::fs::write(&pub_der, outside.public_key().to_spki_der()).unwrap();
        t.pkcs11_tool(&[
            "--write-object",
            pub_der.to_str().unwrap(),
            "--type",
            "pubkey",
            "--label",
            "pubonly",
            "--id",
            "09",
        ]);
        let err = t.open(&t.uri("object=pubonly")).unwrap_err();
        assert!(
            matches!(
                err,
                Pkcs11Error::PublicKeyOnly {
                    kind: "public key",
                    ..
                }
            ),
            "{err}"
        );

        // Generating over an existing label or id.
        let err = t
            .generate("present", &[0x77], KeySpec::EcdsaP256)
            .unwrap_err();
        assert!(matches!(err, Pkcs11Error::ObjectExists { .. }), "{err}");
        let err = t.generate("fresh", &[7], KeySpec::EcdsaP256).unwrap_err();
        assert!(matches!(err, Pkcs11Error::ObjectExists { .. }), "{err}");
        assert_eq!(err.code(), 2400);

        // A signature checked against another key: key mismatch, code 2300.
        let key = t.open(&t.uri("object=present")).unwrap();
        let err = key
            .sign_as_issuer(&key.signature_algorithm(), b"m", &outside.public_key())
            .unwrap_err();
        assert!(
            matches!(err, Pkcs11Error::SignatureCheckFailed { .. }),
            "{err}"
        );
        assert_eq!(err.code(), 2300);
        // An algorithm that does not suit the key.
        let rsa_alg = cfssl_keys::PrivateKey::generate(KeySpec::Rsa { bits: 2048 })
            .unwrap()
            .signature_algorithm();
        let err = key.sign_with(&rsa_alg, b"m").unwrap_err();
        assert!(
            matches!(err, Pkcs11Error::UnsupportedAlgorithm { .. }),
            "{err}"
        );
    });
}

#[test]
fn a_wrong_pin_file_is_a_wrong_pin() {
    with_token("a_wrong_pin_file_is_a_wrong_pin", "ALL", |t| {
        std::fs::write(t.pin_file(), "9999\n").unwrap();
        let err = t.generate("k", &[1], KeySpec::EcdsaP256).unwrap_err();
        assert_eq!(
            err,
            Pkcs11Error::WrongPin {
                token: t.label.clone()
            }
        );
        std::fs::write(t.pin_file(), "").unwrap();
        let err = t.generate("k", &[1], KeySpec::EcdsaP256).unwrap_err();
        assert!(
            matches!(err, Pkcs11Error::PinSourceUnreadable { .. }),
            "{err}"
        );
    });
}

#[test]
fn unsupported_mechanisms_are_named() {
    with_token(
        "unsupported_mechanisms_are_named",
        "-CKM_MD5,CKM_EC_EDWARDS_KEY_PAIR_GEN,CKM_EDDSA,CKM_ECDSA",
        |t| {
            let err = t.generate("ed", &[1], KeySpec::Ed25519).unwrap_err();
            assert!(
                err.to_string().contains("CKM_EC_EDWARDS_KEY_PAIR_GEN"),
                "{err}"
            );
            let key = t.generate("ec", &[2], KeySpec::EcdsaP256).unwrap();
            let err = key.sign(b"m").unwrap_err();
            assert!(
                matches!(&err, Pkcs11Error::UnsupportedMechanism { mechanism, .. } if mechanism == "CKM_ECDSA"),
                "{err}"
            );
        },
    );
}

/// Two tokens whose URI attributes both match: named with their count.
#[test]
fn a_uri_matching_two_tokens_is_ambiguous() {
    with_token("a_uri_matching_two_tokens_is_ambiguous", "ALL", |t| {
        let out = Command::new("softhsm2-util")
            .args([
                "--init-token",
                "--free",
                "--label",
                "second",
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let uri = Pkcs11Uri::parse(&format!(
            "pkcs11:model=SoftHSM%20v2;object=k?module-path={MODULE}&pin-source=file:{}",
            t.pin_file().display()
        ))
        .unwrap();
        let err = t.open(&uri).unwrap_err();
        assert!(
            matches!(err, Pkcs11Error::AmbiguousToken { count: 2, .. }),
            "{err}"
        );
    });
}

/// Two keys of one token open at once (the second login finds the user logged in), used
/// from two threads; `library-*` and `slot-id` attributes select or refuse.
#[test]
fn two_keys_at_once_and_library_attributes() {
    with_token("two_keys_at_once_and_library_attributes", "ALL", |t| {
        let first = t.generate("first", &[1], KeySpec::EcdsaP256).unwrap();
        let second = t.generate("second", &[2], KeySpec::Ed25519).unwrap();
        std::thread::scope(|s| {
            for key in [&first, &second] {
                s.spawn(move || {
                    for _ in 0..20 {
                        key.sign(b"from a thread").unwrap();
                    }
                });
            }
        });

        let key = t
            .open(&t.uri("library-manufacturer=SoftHSM;object=first"))
            .unwrap();
        assert_eq!(key.label(), "first");
        let err = t
            .open(&t.uri("library-manufacturer=Snake%20Oil;object=first"))
            .unwrap_err();
        assert!(matches!(err, Pkcs11Error::LibraryMismatch { .. }), "{err}");
        assert!(err.to_string().contains("module says \"SoftHSM\""), "{err}");
        let err = t.open(&t.uri("slot-id=12345;object=first")).unwrap_err();
        assert!(matches!(err, Pkcs11Error::TokenNotFound { .. }), "{err}");
    });
}
