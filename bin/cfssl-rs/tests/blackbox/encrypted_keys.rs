//! Encrypted private keys (issue 5): `-encrypt-key` writes PKCS#8 PBES2 that openssl reads,
//! every key-reading flag takes openssl's encrypted keys, and passwords come from a file, the
//! environment or a terminal, never from argv.

use crate::common;
use common::{Dir, Run};

const PASSWORD: &str = "correct horse battery staple";

fn with_password_file(d: &Dir) -> String {
    d.write("pw.txt", format!("{PASSWORD}\n"));
    "pw.txt".into()
}

fn assert_encrypted_pem(pem: &str) {
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
        "not an encrypted PKCS#8 key: {pem}"
    );
}

/// openssl must read our encrypted key with the password, and agree it is a valid key.
fn openssl_checks_key(d: &Dir, file: &str) {
    d.openssl(&[
        "pkey",
        "-in",
        file,
        "-passin",
        &format!("pass:{PASSWORD}"),
        "-noout",
        "-check",
    ])
    .ok();
    let wrong = d.openssl(&["pkey", "-in", file, "-passin", "pass:nope", "-noout"]);
    assert_ne!(wrong.code, 0, "openssl accepted a wrong password");
}

#[test]
fn genkey_writes_encrypted_keys_openssl_reads() {
    let d = Dir::new();
    let pw = with_password_file(&d);
    for key in [
        r#"{"algo":"ecdsa","size":256}"#,
        r#"{"algo":"ecdsa","size":384}"#,
        r#"{"algo":"ecdsa","size":521}"#,
        r#"{"algo":"rsa","size":2048}"#,
        r#"{"algo":"ed25519"}"#,
    ] {
        d.write("req.json", format!(r#"{{"CN":"enc","key":{key}}}"#));
        let r = d.cfssl_env(
            &["genkey", "-encrypt-key", "-password-file", &pw, "req.json"],
            &[],
        );
        r.ok();
        let pem = r.field("key");
        assert_encrypted_pem(&pem);
        assert!(!r.stderr.contains(PASSWORD), "password leaked to stderr");
        d.write("k.pem", &pem);
        d.save(&r, "csr", "k.csr");
        openssl_checks_key(&d, "k.pem");
        // the CSR was signed by that key
        d.openssl(&["req", "-in", "k.csr", "-noout", "-verify"])
            .ok();
        let ours = d.openssl(&["req", "-in", "k.csr", "-noout", "-pubkey"]);
        let theirs = d.openssl(&[
            "pkey",
            "-in",
            "k.pem",
            "-passin",
            &format!("pass:{PASSWORD}"),
            "-pubout",
        ]);
        assert_eq!(ours.stdout, theirs.stdout, "{key}: key and CSR differ");
    }
}

#[test]
fn encrypted_root_signs_with_password_from_environment() {
    let d = Dir::new();
    d.write(
        "ca.json",
        r#"{"CN":"Encrypted Root","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl_env(
        &["gencert", "-initca", "-encrypt-key", "ca.json"],
        &[("CFSSL_KEY_PASSWORD", PASSWORD)],
    );
    r.ok();
    assert_encrypted_pem(&r.field("key"));
    d.save(&r, "cert", "ca.pem");
    d.save(&r, "key", "ca-key.pem");
    openssl_checks_key(&d, "ca-key.pem");

    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    // cfssl's own variable for the CA key
    let leaf = d.cfssl_env(
        &[
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "leaf.json",
        ],
        &[("CFSSL_CA_PK_PASSWORD", PASSWORD)],
    );
    leaf.ok();
    d.save(&leaf, "cert", "leaf.pem");
    d.save(&leaf, "csr", "leaf.csr");
    d.openssl(&["verify", "-CAfile", "ca.pem", "leaf.pem"]).ok();
    // the new leaf key is not encrypted unless asked
    assert!(
        leaf.field("key")
            .starts_with("-----BEGIN EC PRIVATE KEY-----")
    );

    // sign and gencrl read it too, from a password file
    let pw = with_password_file(&d);
    let s = d.cfssl_env(
        &[
            "sign",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-password-file",
            &pw,
            "leaf.csr",
        ],
        &[],
    );
    s.ok();
    d.write("serials.txt", "1\n");
    d.cfssl_env(
        &[
            "gencrl",
            "-password-file",
            &pw,
            "serials.txt",
            "ca.pem",
            "ca-key.pem",
        ],
        &[],
    )
    .ok();
}

/// Keys encrypted by openssl (PBKDF2 and scrypt, every key type) work as `-ca-key` and `-key`.
#[test]
fn reads_openssl_encrypted_keys() {
    let d = Dir::new();
    let pw = with_password_file(&d);
    d.write(
        "csr.json",
        r#"{"CN":"from openssl key","hosts":["x.example.com"]}"#,
    );
    let algorithms: [&[&str]; 3] = [
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        &["-algorithm", "ED25519"],
    ];
    for (i, algorithm) in algorithms.iter().enumerate() {
        let plain = format!("plain{i}.pem");
        let mut args = vec!["genpkey"];
        args.extend_from_slice(algorithm);
        args.extend_from_slice(&["-out", &plain]);
        d.openssl(&args).ok();
        for (kdf, extra) in [("pbkdf2", &[][..]), ("scrypt", &["-scrypt"][..])] {
            let enc = format!("enc{i}-{kdf}.pem");
            let mut args = vec![
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                &plain,
                "-out",
                &enc,
            ];
            args.extend_from_slice(extra);
            let pass = format!("pass:{PASSWORD}");
            args.extend_from_slice(&["-passout", &pass]);
            d.openssl(&args).ok();
            // a CA certificate for that key, by openssl
            let ca = format!("ca{i}-{kdf}.pem");
            d.openssl(&[
                "req",
                "-new",
                "-x509",
                "-key",
                &enc,
                "-passin",
                &pass,
                "-subj",
                "/CN=openssl CA",
                "-days",
                "30",
                "-out",
                &ca,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ])
            .ok();
            let r = d.cfssl_env(
                &[
                    "gencert",
                    "-ca",
                    &ca,
                    "-ca-key",
                    &enc,
                    "-password-file",
                    &pw,
                    "csr.json",
                ],
                &[],
            );
            r.ok();
            let leaf = format!("leaf{i}-{kdf}.pem");
            d.save(&r, "cert", &leaf);
            d.openssl(&["verify", "-CAfile", &ca, &leaf]).ok();
            // gencsr -key with the same encrypted key
            let g = d.cfssl_env(
                &["gencsr", "-key", &enc, "csr.json"],
                &[("CFSSL_KEY_PASSWORD", PASSWORD)],
            );
            g.ok();
            d.save(&g, "csr", "g.csr");
            d.openssl(&["req", "-in", "g.csr", "-noout", "-verify"])
                .ok();
        }
    }
}

fn encrypted_ca(d: &Dir) {
    d.write("ca.json", r#"{"CN":"Encrypted Root"}"#);
    let r = d.cfssl_env(
        &["gencert", "-initca", "-encrypt-key", "ca.json"],
        &[("CFSSL_KEY_PASSWORD", PASSWORD)],
    );
    r.ok();
    d.save(&r, "cert", "ca.pem");
    d.save(&r, "key", "ca-key.pem");
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
}

/// A plain P-256 key written by `openssl genpkey`.
fn openssl_p256_key(d: &Dir, out: &str) {
    d.openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        out,
    ])
    .ok();
}

fn assert_refused(r: &Run, needle: &str) {
    r.fails_with(needle);
    assert!(
        !r.stderr.contains(PASSWORD),
        "password leaked: {}",
        r.stderr
    );
}

#[test]
fn password_errors_are_clear() {
    let d = Dir::new();
    encrypted_ca(&d);
    let sign = [
        "gencert",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "leaf.json",
    ];
    // no password and no terminal
    assert_refused(
        &d.cfssl_env(&sign, &[]),
        "the private key in ca-key.pem is encrypted and no password was given: use -password-file FILE or set CFSSL_CA_PK_PASSWORD or CFSSL_KEY_PASSWORD",
    );
    // a wrong password
    assert_refused(
        &d.cfssl_env(&sign, &[("CFSSL_CA_PK_PASSWORD", "wrong")]),
        "wrong password for the encrypted private key in ca-key.pem",
    );
    // a password file that does not exist
    let mut with_file = sign.to_vec();
    with_file.extend_from_slice(&["-password-file", "nope.txt"]);
    assert_refused(
        &d.cfssl_env(&with_file, &[]),
        "cannot read the password file: open nope.txt: no such file or directory",
    );
    // -encrypt-key without any password source, and with an empty one
    assert_refused(
        &d.cfssl_env(&["genkey", "-encrypt-key", "leaf.json"], &[]),
        "-encrypt-key needs a password: use -password-file FILE or set CFSSL_KEY_PASSWORD",
    );
    d.write("empty.txt", "\n");
    assert_refused(
        &d.cfssl_env(
            &[
                "genkey",
                "-encrypt-key",
                "-password-file",
                "empty.txt",
                "leaf.json",
            ],
            &[],
        ),
        "refusing to encrypt the private key with an empty password",
    );
    // OpenSSL's legacy PEM encryption gets a conversion hint
    openssl_p256_key(&d, "p.pem");
    d.openssl(&[
        "ec",
        "-in",
        "p.pem",
        "-aes256",
        "-passout",
        "pass:x",
        "-out",
        "legacy.pem",
    ])
    .ok();
    assert_refused(
        &d.cfssl_env(
            &["gencsr", "-key", "legacy.pem", "leaf.json"],
            &[("CFSSL_KEY_PASSWORD", "x")],
        ),
        "legacy PEM encryption",
    );
}

#[test]
fn warns_when_the_ca_key_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = Dir::new();
    let (ca, key) = d.root_ca("perm", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    std::fs::set_permissions(d.path(&key), std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &key, "leaf.json"]);
    r.ok();
    assert!(
        r.stderr.contains(&format!(
            "[WARNING] the CA private key {key} is readable by group or others (mode 0644)"
        )),
        "{}",
        r.stderr
    );
    std::fs::set_permissions(d.path(&key), std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &key, "leaf.json"]);
    r.ok();
    assert!(!r.stderr.contains("readable by group"), "{}", r.stderr);
}

/// kubectl cannot use an encrypted client key: k8s-kubeconfig says so instead of embedding it.
#[test]
fn kubeconfig_refuses_an_encrypted_client_key() {
    let d = Dir::new();
    encrypted_ca(&d);
    let r = d.cfssl_env(
        &[
            "k8s-kubeconfig",
            "-cluster",
            "c",
            "-server",
            "https://127.0.0.1:6443",
            "-ca",
            "ca.pem",
            "-cert",
            "ca.pem",
            "-key",
            "ca-key.pem",
            "-user",
            "u",
        ],
        &[],
    );
    assert_refused(
        &r,
        "the client key (-key) is encrypted, and kubectl cannot use an encrypted client-key-data",
    );
}

/// Out-of-range PBES2 parameters (issue 11 #1: scrypt N = 0 made `pkcs5` panic, exit 134):
/// every command that reads a key refuses them before any key derivation, naming the file.
#[test]
fn invalid_kdf_parameters_are_refused_by_every_command() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let d = Dir::new();
    let (ca, _) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    d.write("leaf.csr", d.cfssl(&["genkey", "leaf.json"]).field("csr"));
    d.write("serials.txt", "12\n");
    for (file, reason) in [
        (
            "pbes2-scrypt-n0-key.pem",
            "scrypt N must be a power of two greater than 1",
        ),
        (
            "pbes2-pbkdf2-iter0-key.pem",
            "PBKDF2 iteration count must be at least 1",
        ),
    ] {
        let key = fixtures.join(file).to_string_lossy().into_owned();
        let commands: [&[&str]; 4] = [
            &["sign", "-ca", &ca, "-ca-key", &key, "leaf.csr"],
            &["gencert", "-ca", &ca, "-ca-key", &key, "leaf.json"],
            &["gencsr", "-key", &key, "leaf.json"],
            &["gencrl", "serials.txt", &ca, &key],
        ];
        for args in commands {
            let r = d.cfssl_env(
                args,
                &[("CFSSL_CA_PK_PASSWORD", "x"), ("CFSSL_KEY_PASSWORD", "x")],
            );
            r.fails_with(&format!(
                "the private key in {key} uses key encryption that cfssl-rs cannot read: \
                 invalid key encryption parameters: {reason}; re-encrypt it with \
                 `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`"
            ));
        }
    }
}

/// Issue 11 #9: a PBES1 key (`openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES`) gets the conversion
/// hint the README promises.
#[test]
fn pbes1_keys_get_the_conversion_hint() {
    let d = Dir::new();
    openssl_p256_key(&d, "p.pem");
    d.openssl(&[
        "pkcs8",
        "-topk8",
        "-v1",
        "PBE-SHA1-3DES",
        "-in",
        "p.pem",
        "-passout",
        "pass:x",
        "-out",
        "pbes1.pem",
    ])
    .ok();
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    assert_refused(
        &d.cfssl_env(
            &["gencsr", "-key", "pbes1.pem", "leaf.json"],
            &[("CFSSL_KEY_PASSWORD", "x")],
        ),
        "the private key in pbes1.pem uses key encryption that cfssl-rs cannot read: \
         unsupported private key encryption: PBES1 (PKCS#5 v1.5 / PKCS#12 PBE) is not \
         supported; re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`",
    );
}
