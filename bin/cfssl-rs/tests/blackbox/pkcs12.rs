//! `cfssl-rs pkcs12` (issue 15 item 5): a key, its certificate and chain as one PKCS#12 file.
//! Black-box, each file opened by tools we did not write: `openssl pkcs12 -info` (the
//! algorithms and iteration counts, the bags in order, the friendlyName and localKeyID
//! attributes, the key matching the certificate), Java's `keytool` (the alias, the entry
//! type, the chain length, and the key decrypted by `-importkeystore`) and Python
//! `cryptography` (`load_key_and_certificates`, `load_pkcs12`). ECDSA, RSA and Ed25519
//! keys; AES and `-legacy`; every refusal (empty password, wrong key, token key, existing
//! output, a terminal as output, a password on the command line, a bad chain).
//!
//! openssl, keytool (Debian `default-jre-headless`), Python `cryptography` and `script`
//! (util-linux, for the terminal cases): missing, each is a failure naming it when
//! `CI=true`, and its checks are skipped with a line saying so otherwise (scripts/test
//! installs them).

#![allow(clippy::unwrap_used, clippy::panic)]

use crate::common;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Stdio};

use common::{Dir, Run};

const PASSWORD: &str = "correct horse battery staple";
const CONFIG: &str = r#"{"signing":{"default":{"expiry":"8760h"},"profiles":{"intermediate":{"usages":["cert sign","crl sign"],"expiry":"43800h","ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},"www":{"usages":["signing","key encipherment","server auth"],"expiry":"8760h"}}}}"#;

/// Whether `tool` runs (`probe` succeeds); without it: a failure under `CI=true`, else a
/// skip line and `false`.
fn have(tool: &str, probe: &[&str], package: &str) -> bool {
    let ok = Command::new(probe[0])
        .args(&probe[1..])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{tool} is required for the pkcs12 tests on CI (CI=true): install {package}");
    }
    eprintln!("skipping the {tool} checks: {tool} is not installed ({package})");
    false
}

fn have_openssl() -> bool {
    have("openssl", &["openssl", "version"], "openssl")
}

fn have_keytool() -> bool {
    have("keytool", &["keytool", "-help"], "default-jre-headless")
}

fn have_python_cryptography() -> bool {
    have(
        "python3 cryptography",
        &["python3", "-c", "import cryptography"],
        "python3-cryptography or pip install cryptography",
    )
}

/// A root, an intermediate and a leaf of key `key_json` made by cfssl-rs; the leaf's key
/// in cfssl's format. Files: leaf.pem, leaf-key.pem, int.pem, root.pem, chain.pem (the
/// intermediate, then the root).
fn pki(d: &Dir, key_json: &str) {
    let (root, root_key) = d.root_ca("root", r#"{"algo":"ecdsa","size":256}"#);
    d.write("cfg.json", CONFIG);
    d.write(
        "int.json",
        r#"{"CN":"Test Intermediate","key":{"algo":"ecdsa","size":256}}"#,
    );
    let g = d.cfssl(&[
        "gencert",
        "-ca",
        &root,
        "-ca-key",
        &root_key,
        "-config",
        "cfg.json",
        "-profile",
        "intermediate",
        "int.json",
    ]);
    g.ok();
    d.save(&g, "cert", "int.pem");
    d.save(&g, "key", "int-key.pem");
    d.write(
        "leaf.json",
        format!(r#"{{"CN":"www.example.com","hosts":["www.example.com"],"key":{key_json}}}"#),
    );
    let l = d.cfssl(&[
        "gencert",
        "-ca",
        "int.pem",
        "-ca-key",
        "int-key.pem",
        "-config",
        "cfg.json",
        "-profile",
        "www",
        "leaf.json",
    ]);
    l.ok();
    d.save(&l, "cert", "leaf.pem");
    d.save(&l, "key", "leaf-key.pem");
    d.write("chain.pem", d.read("int.pem") + &d.read(&root));
    d.write("pw.txt", format!("{PASSWORD}\n"));
}

/// Runs cfssl-rs without a terminal (setsid) with exactly these password variables;
/// stdout as bytes.
fn run_bytes(d: &Dir, args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>, String) {
    let child = Command::new("setsid")
        .arg("-w")
        .arg(env!("CARGO_BIN_EXE_cfssl-rs"))
        .args(args)
        .current_dir(d.tmp.path())
        .env_remove("CFSSL_CA_PK_PASSWORD")
        .env_remove("CFSSL_KEY_PASSWORD")
        .env_remove("CFSSL_PKCS12_PASSWORD")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run setsid: {e}"));
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `cfssl-rs pkcs12 ARGS` without a terminal, with these password variables only.
fn pkcs12(d: &Dir, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["pkcs12"];
    all.extend_from_slice(args);
    d.cfssl_env(&all, env)
}

fn mode(d: &Dir, name: &str) -> u32 {
    std::fs::metadata(d.path(name))
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// `openssl pkcs12 -info -nokeys -nocerts`: the MAC, safe and bag lines, in order.
fn openssl_info(d: &Dir, file: &str, pass: &str) -> Vec<String> {
    let r = d.openssl(&[
        "pkcs12", "-in", file, "-info", "-nokeys", "-nocerts", "-passin", pass,
    ]);
    r.ok();
    format!("{}{}", r.stderr, r.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The lines openssl prints for a file of ours with `bags` certificates.
fn expected_info(legacy: bool, bags: usize) -> Vec<String> {
    let (mac, length, pbe) = if legacy {
        (
            "sha1",
            20,
            "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
        )
    } else {
        (
            "sha256",
            32,
            "PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
        )
    };
    let mut lines = vec![
        format!("MAC: {mac}, Iteration 2048"),
        format!("MAC length: {length}, salt length: 16"),
        format!("PKCS7 Encrypted data: {pbe}"),
    ];
    lines.extend(std::iter::repeat_n("Certificate bag".to_owned(), bags));
    lines.push("PKCS7 Data".into());
    lines.push(format!("Shrouded Keybag: {pbe}"));
    lines
}

/// What openssl extracts: (subject, friendlyName, localKeyID) of each bag in order, then
/// the key's; and checks that the key is the leaf certificate's.
fn openssl_bags(d: &Dir, file: &str, pass: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let r = d.openssl(&[
        "pkcs12", "-in", file, "-passin", pass, "-nodes", "-out", "all.pem",
    ]);
    r.ok();
    let text = d.read("all.pem");
    let mut bags = Vec::new();
    let (mut name, mut id) = (None, None);
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("friendlyName: ") {
            name = Some(v.to_owned());
        } else if let Some(v) = line.strip_prefix("localKeyID: ") {
            id = Some(v.replace(' ', ""));
        } else if let Some(subject) = line.strip_prefix("subject=") {
            bags.push((subject.to_owned(), name.take(), id.take()));
        } else if line == "-----BEGIN PRIVATE KEY-----" {
            bags.push(("KEY".to_owned(), name.take(), id.take()));
        }
    }
    // The key openssl decrypted is the leaf certificate's.
    d.openssl(&["pkey", "-in", "all.pem", "-pubout", "-out", "key-pub.pem"])
        .ok();
    d.openssl(&[
        "x509",
        "-in",
        "leaf.pem",
        "-pubkey",
        "-noout",
        "-out",
        "cert-pub.pem",
    ])
    .ok();
    assert_eq!(
        d.read("key-pub.pem"),
        d.read("cert-pub.pem"),
        "{file}: key and certificate differ"
    );
    bags
}

/// The SHA-1 fingerprint of a certificate file, upper-case hex without colons.
fn sha1_fingerprint(d: &Dir, cert: &str) -> String {
    let r = d.openssl(&["x509", "-in", cert, "-noout", "-fingerprint", "-sha1"]);
    r.ok();
    r.stdout.trim().rsplit('=').next().unwrap().replace(':', "")
}

fn subject(d: &Dir, cert: &str) -> String {
    let r = d.openssl(&["x509", "-in", cert, "-noout", "-subject"]);
    r.ok();
    r.stdout.trim().trim_start_matches("subject=").to_owned()
}

/// keytool's view: `-list -v` (alias, entry type, chain length, the leaf's SHA-256), then
/// `-importkeystore`, which decrypts the key (Java reads the key bag, not only the list).
fn keytool_checks(d: &Dir, file: &str, storepass: &str, alias: &str) {
    let list = common::run(
        "keytool",
        d.tmp.path(),
        &[
            "-list",
            "-v",
            "-storetype",
            "PKCS12",
            "-keystore",
            file,
            "-storepass",
            storepass,
        ],
        b"",
    );
    assert_eq!(
        list.code, 0,
        "keytool -list {file}: {}{}",
        list.stdout, list.stderr
    );
    for line in [
        "Your keystore contains 1 entry".to_owned(),
        format!("Alias name: {alias}"),
        "Entry type: PrivateKeyEntry".to_owned(),
        "Certificate chain length: 3".to_owned(),
    ] {
        assert!(
            list.stdout.contains(&line),
            "{file}: no {line:?} in\n{}",
            list.stdout
        );
    }
    let sha256 = d.openssl(&[
        "x509",
        "-in",
        "leaf.pem",
        "-noout",
        "-fingerprint",
        "-sha256",
    ]);
    let sha256 = sha256.stdout.trim().rsplit('=').next().unwrap().to_owned();
    let first = list.stdout.find("Certificate[1]:").unwrap();
    let second = list.stdout.find("Certificate[2]:").unwrap();
    assert!(
        list.stdout[first..second].contains(&format!("SHA256: {sha256}")),
        "{file}: the first certificate is not the leaf"
    );
    let copy = format!("{file}.java.p12");
    let import = common::run(
        "keytool",
        d.tmp.path(),
        &[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            file,
            "-srcstoretype",
            "PKCS12",
            "-srcstorepass",
            storepass,
            "-destkeystore",
            &copy,
            "-deststoretype",
            "PKCS12",
            "-deststorepass",
            "java-copy",
        ],
        b"",
    );
    assert_eq!(
        import.code, 0,
        "keytool -importkeystore {file}: {}{}",
        import.stdout, import.stderr
    );
    let said = format!("{}{}", import.stdout, import.stderr);
    assert!(
        said.contains("1 entries successfully imported, 0 entries failed or cancelled"),
        "{said}"
    );
}

const PYTHON_CHECK: &str = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
data = open(sys.argv[1], "rb").read()
password = sys.argv[2].encode() if len(sys.argv) > 2 else None
key, cert, extra = pkcs12.load_key_and_certificates(data, password)
spki = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
assert spki(key.public_key()) == spki(cert.public_key()), "key and certificate differ"
pem = lambda name: x509.load_pem_x509_certificate(open(name, "rb").read())
assert cert == pem("leaf.pem"), "not the leaf"
assert extra == [pem("int.pem"), pem("root.pem")], "chain order"
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
kinds = [("ecdsa", ec.EllipticCurvePrivateKey), ("rsa", rsa.RSAPrivateKey), ("ed25519", ed25519.Ed25519PrivateKey)]
kind = next(name for name, t in kinds if isinstance(key, t))
p = pkcs12.load_pkcs12(data, password)
print(kind, p.cert.friendly_name, [c.friendly_name for c in p.additional_certs])
"#;

/// Python `cryptography`'s view: the key type, the leaf's friendly name, the chain's.
fn python_checks(d: &Dir, file: &str, password: Option<&str>) -> String {
    d.write("check.py", PYTHON_CHECK);
    let mut args = vec!["check.py", file];
    args.extend(password);
    let r = common::run("python3", d.tmp.path(), &args, b"");
    assert_eq!(r.code, 0, "python {file}: {}", r.stderr);
    r.stdout.trim().to_owned()
}

#[test]
fn every_key_type_opens_in_openssl_keytool_and_python() {
    let tools = (have_openssl(), have_keytool(), have_python_cryptography());
    for (kind, key_json) in [
        ("ecdsa", r#"{"algo":"ecdsa","size":256}"#),
        ("rsa", r#"{"algo":"rsa","size":2048}"#),
        ("ed25519", r#"{"algo":"ed25519"}"#),
    ] {
        let d = Dir::new();
        pki(&d, key_json);
        for legacy in [false, true] {
            let out = if legacy { "legacy.p12" } else { "www.p12" };
            let mut args = vec![
                "-cert",
                "leaf.pem",
                "-key",
                "leaf-key.pem",
                "-ca",
                "chain.pem",
                "-name",
                "www server",
                "-password-file",
                "pw.txt",
                "-out",
                out,
            ];
            if legacy {
                args.push("-legacy");
            }
            let r = pkcs12(&d, &args, &[]);
            r.ok();
            assert!(r.stdout.is_empty(), "{}", r.stdout);
            assert!(
                r.stderr.contains(&format!(
                    "[INFO] wrote the PKCS#12 file to {out}: the {} key, its certificate and 2 chain certificates",
                    match kind {
                        "ecdsa" => "ecdsa-256",
                        "rsa" => "rsa-2048",
                        _ => "ed25519",
                    }
                )),
                "{}",
                r.stderr
            );
            assert!(!r.stderr.contains(PASSWORD));
            assert_eq!(mode(&d, out), 0o600, "{kind} {out}");
            let pass = format!("pass:{PASSWORD}");
            if tools.0 {
                // OpenSSL 3 opens the -legacy file without its legacy provider: no RC2.
                assert_eq!(
                    openssl_info(&d, out, &pass),
                    expected_info(legacy, 3),
                    "{kind} {out}"
                );
                let id = Some(sha1_fingerprint(&d, "leaf.pem"));
                let name = Some("www server".to_owned());
                assert_eq!(
                    openssl_bags(&d, out, &pass),
                    [
                        (subject(&d, "leaf.pem"), name.clone(), id.clone()),
                        (subject(&d, "int.pem"), None, None),
                        (subject(&d, "root.pem"), None, None),
                        ("KEY".to_owned(), name, id),
                    ],
                    "{kind} {out}"
                );
                let wrong = d.openssl(&["pkcs12", "-in", out, "-passin", "pass:wrong", "-noout"]);
                assert_ne!(wrong.code, 0, "openssl accepted a wrong password");
            }
            if tools.1 {
                // Java 17 lists Ed25519 keys as private key entries too (EdDSA since Java 15).
                keytool_checks(&d, out, PASSWORD, "www server");
            }
            if tools.2 {
                assert_eq!(
                    python_checks(&d, out, Some(PASSWORD)),
                    format!("{kind} b'www server' [None, None]"),
                    "{kind} {out}"
                );
            }
        }
    }
}

#[test]
fn stdout_without_name_and_the_password_from_the_environment() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":384}"#);
    let (code, stdout, stderr) = run_bytes(
        &d,
        &[
            "pkcs12",
            "-cert",
            "leaf.pem",
            "-key",
            "leaf-key.pem",
            "-ca",
            "chain.pem",
        ],
        &[("CFSSL_PKCS12_PASSWORD", "from the environment")],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("wrote the PKCS#12 file to stdout"),
        "{stderr}"
    );
    d.write("out.p12", &stdout);
    let pass = "pass:from the environment";
    if have_openssl() {
        assert_eq!(openssl_info(&d, "out.p12", pass), expected_info(false, 3));
        let id = Some(sha1_fingerprint(&d, "leaf.pem"));
        assert_eq!(
            openssl_bags(&d, "out.p12", pass),
            [
                (subject(&d, "leaf.pem"), None, id.clone()),
                (subject(&d, "int.pem"), None, None),
                (subject(&d, "root.pem"), None, None),
                ("KEY".to_owned(), None, id),
            ]
        );
    }
    if have_keytool() {
        // Without a friendlyName, Java names the entry "1".
        keytool_checks(&d, "out.p12", "from the environment", "1");
    }
    if have_python_cryptography() {
        assert_eq!(
            python_checks(&d, "out.p12", Some("from the environment")),
            "ecdsa None [None, None]"
        );
    }
}

#[test]
fn empty_password_is_refused_unless_asked_for() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    d.write("empty.txt", "\n");
    let args = [
        "-cert",
        "leaf.pem",
        "-key",
        "leaf-key.pem",
        "-ca",
        "chain.pem",
        "-password-file",
        "empty.txt",
        "-out",
        "open.p12",
    ];
    pkcs12(&d, &args, &[]).fails_with(
        "refusing to write a PKCS#12 file with an empty password (anyone with the file would have the key)",
    );
    assert!(!d.path("open.p12").exists());
    let mut allowed = args.to_vec();
    allowed.push("-allow-empty-password");
    pkcs12(&d, &allowed, &[]).ok();
    assert_eq!(mode(&d, "open.p12"), 0o600);
    if have_openssl() {
        assert_eq!(
            openssl_info(&d, "open.p12", "pass:"),
            expected_info(false, 3)
        );
    }
    if have_keytool() {
        keytool_checks(&d, "open.p12", "", "1");
    }
    if have_python_cryptography() {
        assert_eq!(
            python_checks(&d, "open.p12", Some("")),
            "ecdsa None [None, None]"
        );
    }
}

#[test]
fn passwords_never_come_from_the_command_line_or_from_nowhere() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    let base = ["-cert", "leaf.pem", "-key", "leaf-key.pem", "-out", "x.p12"];
    let mut with_argv = base.to_vec();
    with_argv.extend(["-password", "hunter2"]);
    pkcs12(&d, &with_argv, &[]).fails_with(
        "-password: a password is never taken from the command line, where ps and shell history show it; use -password-file FILE or set CFSSL_PKCS12_PASSWORD",
    );
    pkcs12(&d, &base, &[]).fails_with(
        "pkcs12 needs a password for the PKCS#12 file: use -password-file FILE or set CFSSL_PKCS12_PASSWORD (there is no terminal to ask on)",
    );
    d.write("latin1.txt", b"caf\xe9\n");
    let mut latin1 = base.to_vec();
    latin1.extend(["-password-file", "latin1.txt"]);
    pkcs12(&d, &latin1, &[])
        .fails_with("the PKCS#12 password is not UTF-8 text (the file stores it as UTF-16)");
    let mut missing = base.to_vec();
    missing.extend(["-password-file", "nope.txt"]);
    pkcs12(&d, &missing, &[])
        .fails_with("cannot read the password file: open nope.txt: no such file or directory");
    assert!(!d.path("x.p12").exists());
}

#[test]
fn wrong_key_token_key_and_missing_inputs_are_refused() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    let r = pkcs12(
        &d,
        &[
            "-cert",
            "leaf.pem",
            "-key",
            "int-key.pem",
            "-password-file",
            "pw.txt",
            "-out",
            "x.p12",
        ],
        &[],
    );
    r.fails_with(r#"{"code":2300,"message":"Private key does not match public key"}"#);
    assert!(
        r.stderr.contains(
            "[ERROR] the private key int-key.pem does not belong to the certificate leaf.pem"
        ),
        "{}",
        r.stderr
    );
    pkcs12(
        &d,
        &["-cert", "leaf.pem", "-key", "pkcs11:token=CA;object=leaf", "-password-file", "pw.txt"],
        &[],
    )
    .fails_with(
        "-key pkcs11:token=CA;object=leaf: a key in a PKCS#11 token cannot be exported: it never leaves the token",
    );
    pkcs12(
        &d,
        &["-key", "leaf-key.pem", "-password-file", "pw.txt"],
        &[],
    )
    .fails_with("pkcs12 needs -cert (the certificate) and -key (its private key)");
    pkcs12(
        &d,
        &["-cert", "leaf.pem", "-key", "leaf-key.pem", "extra"],
        &[],
    )
    .fails_with("too many arguments are provided, please check with usage");
    let r = pkcs12(
        &d,
        &[
            "-cert",
            "chain.pem",
            "-key",
            "leaf-key.pem",
            "-password-file",
            "pw.txt",
            "-out",
            "x.p12",
        ],
        &[],
    );
    r.fails_with("the PEM file should contain only one object");
    assert!(
        r.stderr.contains("[ERROR] in the certificate chain.pem"),
        "{}",
        r.stderr
    );
    assert!(!d.path("x.p12").exists());
}

#[test]
fn chains_are_read_in_file_order_and_checked() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    let args = |ca: &'static str, out: &'static str| {
        vec![
            "-cert",
            "leaf.pem",
            "-key",
            "leaf-key.pem",
            "-ca",
            ca,
            "-password-file",
            "pw.txt",
            "-out",
            out,
        ]
    };
    // Reversed: stored as given, with a warning.
    d.write("reversed.pem", d.read("root.pem") + &d.read("int.pem"));
    let r = pkcs12(&d, &args("reversed.pem", "reversed.p12"), &[]);
    r.ok();
    assert!(
        r.stderr.contains(
            "[WARNING] -ca reversed.pem: certificate 1 is not the issuer of the certificate (-cert)"
        ),
        "{}",
        r.stderr
    );
    if have_openssl() {
        let subjects: Vec<String> = openssl_bags(&d, "reversed.p12", &format!("pass:{PASSWORD}"))
            .into_iter()
            .map(|b| b.0)
            .collect();
        assert_eq!(
            subjects,
            [
                subject(&d, "leaf.pem"),
                subject(&d, "root.pem"),
                subject(&d, "int.pem"),
                "KEY".into()
            ]
        );
    }
    // In order: no warning.
    let r = pkcs12(&d, &args("chain.pem", "ordered.p12"), &[]);
    r.ok();
    assert!(!r.stderr.contains("WARNING"), "{}", r.stderr);

    d.write("with-key.pem", d.read("int.pem") + &d.read("int-key.pem"));
    pkcs12(&d, &args("with-key.pem", "x.p12"), &[])
        .fails_with("-ca with-key.pem: PEM block 2 is a EC PRIVATE KEY, not a CERTIFICATE");
    d.write("text.pem", "no PEM here\n");
    pkcs12(&d, &args("text.pem", "x.p12"), &[])
        .fails_with("-ca text.pem: no PEM certificate in it");
    d.write(
        "broken.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    pkcs12(&d, &args("broken.pem", "x.p12"), &[])
        .fails_with("-ca broken.pem: certificate 1 does not parse: ");
    assert!(!d.path("x.p12").exists());
}

#[test]
fn encrypted_keys_take_their_own_password() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    if !have_openssl() {
        return;
    }
    d.openssl(&[
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-in",
        "leaf-key.pem",
        "-out",
        "enc-key.pem",
        "-passout",
        "pass:key secret",
    ])
    .ok();
    d.write("key-pw.txt", "key secret\n");
    let base = [
        "-cert",
        "leaf.pem",
        "-key",
        "enc-key.pem",
        "-password-file",
        "pw.txt",
        "-out",
        "enc.p12",
    ];
    pkcs12(&d, &base, &[]).fails_with(
        "the private key in enc-key.pem is encrypted and no password was given: use -key-password-file FILE or set CFSSL_KEY_PASSWORD (there is no terminal to ask on)",
    );
    let mut with_file = base.to_vec();
    with_file.extend(["-key-password-file", "key-pw.txt"]);
    pkcs12(&d, &with_file, &[]).ok();
    // The file opens with the PKCS#12 password, not the key's.
    assert_eq!(
        openssl_info(&d, "enc.p12", &format!("pass:{PASSWORD}")),
        expected_info(false, 1)
    );
    let other = d.openssl(&[
        "pkcs12",
        "-in",
        "enc.p12",
        "-passin",
        "pass:key secret",
        "-noout",
    ]);
    assert_ne!(other.code, 0);
    std::fs::remove_file(d.path("enc.p12")).unwrap();
    pkcs12(&d, &base, &[("CFSSL_KEY_PASSWORD", "key secret")]).ok();
    pkcs12(&d, &with_file, &[]).fails_with("enc.p12 already exists; nothing was written");
    d.write("bad-pw.txt", "not it\n");
    let mut bad = base.to_vec();
    bad[7] = "other.p12";
    bad.extend(["-key-password-file", "bad-pw.txt"]);
    pkcs12(&d, &bad, &[]).fails_with("wrong password for the encrypted private key in enc-key.pem");
}

#[test]
fn existing_output_is_never_replaced() {
    let d = Dir::new();
    pki(&d, r#"{"algo":"ed25519"}"#);
    d.write("taken.p12", "precious");
    let r = pkcs12(
        &d,
        &[
            "-cert",
            "leaf.pem",
            "-key",
            "leaf-key.pem",
            "-password-file",
            "pw.txt",
            "-out",
            "taken.p12",
        ],
        &[],
    );
    r.fails_with("taken.p12 already exists; nothing was written (a file holding a key is never replaced: move it away first)");
    assert_eq!(d.read("taken.p12"), "precious");
    // A symlink at the name is refused too (nothing written through it).
    std::os::unix::fs::symlink(d.path("elsewhere.p12"), d.path("link.p12")).unwrap();
    pkcs12(
        &d,
        &[
            "-cert",
            "leaf.pem",
            "-key",
            "leaf-key.pem",
            "-password-file",
            "pw.txt",
            "-out",
            "link.p12",
        ],
        &[],
    )
    .fails_with("link.p12 already exists");
    assert!(!d.path("elsewhere.p12").exists());
}

/// The terminal cases, through `script` (a pseudo-terminal as stdin, stdout and /dev/tty):
/// binary output to a terminal is refused; the password prompt asks twice.
#[test]
fn terminals_get_no_binary_and_are_asked_twice() {
    if !have("script", &["script", "--version"], "bsdutils (util-linux)") {
        return;
    }
    let d = Dir::new();
    pki(&d, r#"{"algo":"ecdsa","size":256}"#);
    let bin = env!("CARGO_BIN_EXE_cfssl-rs");
    let in_terminal = |command: &str, typed: &str| {
        let mut child = Command::new("script")
            .args(["-qec", command, "/dev/null"])
            .current_dir(d.tmp.path())
            .env_remove("CFSSL_PKCS12_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(typed.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = in_terminal(
        &format!("{bin} pkcs12 -cert leaf.pem -key leaf-key.pem -password-file pw.txt"),
        "",
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("pkcs12 writes a binary file: use -out FILE or redirect stdout to a file"),
        "{text}"
    );
    let (code, text) = in_terminal(
        &format!("{bin} pkcs12 -cert leaf.pem -key leaf-key.pem -out typed.p12"),
        "typed secret\ntyped secret\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Password for the PKCS#12 file: "), "{text}");
    assert!(text.contains("Repeat the password: "), "{text}");
    if have_openssl() {
        assert_eq!(
            openssl_info(&d, "typed.p12", "pass:typed secret"),
            expected_info(false, 1)
        );
    }
    let (code, text) = in_terminal(
        &format!("{bin} pkcs12 -cert leaf.pem -key leaf-key.pem -out differ.p12"),
        "one\ntwo\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the two passwords differ; nothing was written"),
        "{text}"
    );
    assert!(!d.path("differ.p12").exists());
}

#[test]
fn help_describes_the_command() {
    let d = Dir::new();
    let r = d.cfssl(&["pkcs12", "-h"]);
    r.ok();
    for needle in [
        "cfssl-rs pkcs12 -- write a key, its certificate and chain as a PKCS#12 file (cfssl-rs extension)",
        "  cfssl-rs pkcs12 -cert CERT -key KEY [-ca CHAIN] [-name NAME] [-password-file FILE] [-legacy] [-out FILE]",
        "  -legacy\n",
        "  -allow-empty-password\n",
        "  -key-password-file string\n",
        "CFSSL_PKCS12_PASSWORD",
    ] {
        assert!(r.stdout.contains(needle), "{needle:?} not in\n{}", r.stdout);
    }
    let top = d.cfssl(&["help"]);
    assert!(top.stdout.contains("\n  pkcs12 "), "{}", top.stdout);
}
