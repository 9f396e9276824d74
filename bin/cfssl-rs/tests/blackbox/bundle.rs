//! `cfssl-rs bundle` black-box (docs/cfssl-lifecycle.md §11): a PKI made by openssl (root →
//! intermediate → leaves), bundled by cfssl-rs and by Debian's cfssl 1.2 on the same inputs
//! and compared field by field, the chain checked by `openssl verify -x509_strict`, and the
//! `cfssljson-rs -bare` round trip (docs/differences.md #38).
//!
//! cfssl 1.2 differs from 1.6.5 in one field here: it has no `leaf_expires`. Its
//! `hostnames` order is random (Go map), so they are compared as sets.

use crate::common;
use common::{Dir, Run, require_tool, run};

/// openssl extension sections for the PKI.
const EXTENSIONS: &str = "\
[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://ca.example.test/int.crt, OCSP;URI:http://ocsp.example.test
crlDistributionPoints = URI:http://crl.example.test/int.crl

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// root.pem, int.pem (+ keys), www.pem (RSA, server, AIA/OCSP/CRL URLs), client.pem
/// (P-256, client auth only), all made by openssl.
fn openssl_pki() -> Dir {
    let d = Dir::new();
    d.write("ext.cnf", EXTENSIONS);
    let ok = |r: Run| assert_eq!(r.code, 0, "openssl: {}", r.stderr);
    ok(d.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "root-key.pem",
        "-out",
        "root.pem",
        "-days",
        "3650",
        "-subj",
        "/C=US/O=Bundle Test/CN=Bundle Test Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]));
    let issue = |name: &str, issuer: &str, section: &str, subject: &str, key: &[&str]| {
        let mut args = vec!["req", "-new", "-nodes", "-keyout"];
        let key_file = format!("{name}-key.pem");
        let csr_file = format!("{name}.csr");
        args.extend([
            key_file.as_str(),
            "-out",
            csr_file.as_str(),
            "-subj",
            subject,
        ]);
        args.extend(key);
        ok(d.openssl(&args));
        let issuer_cert = format!("{issuer}.pem");
        let issuer_key = format!("{issuer}-key.pem");
        let out = format!("{name}.pem");
        ok(d.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr_file,
            "-CA",
            &issuer_cert,
            "-CAkey",
            &issuer_key,
            "-CAcreateserial",
            "-days",
            "365",
            "-sha256",
            "-extfile",
            "ext.cnf",
            "-extensions",
            section,
            "-out",
            &out,
        ]));
    };
    issue(
        "int",
        "root",
        "int",
        "/C=US/O=Bundle Test/CN=Bundle Test Intermediate",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
    );
    issue(
        "www",
        "int",
        "server",
        "/C=US/O=Bundle Test/OU=Web/CN=www.example.test",
        &["-newkey", "rsa:2048"],
    );
    issue(
        "client",
        "int",
        "client",
        "/C=US/O=Bundle Test/CN=client.example.test",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    d
}

fn cfssl12(d: &Dir, args: &[&str]) -> Run {
    require_tool("cfssl");
    run("cfssl", d.tmp.path(), args, b"")
}

/// The fields cfssl 1.2 and cfssl-rs must agree on, `hostnames` as a sorted list.
fn comparable(run: &Run) -> serde_json::Value {
    let mut v = run.json();
    if let Some(names) = v["hostnames"].as_array_mut() {
        names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    if let Some(map) = v.as_object_mut() {
        map.shift_remove("leaf_expires");
    }
    v
}

fn assert_same_fields(ours: &Run, theirs: &Run) {
    assert_eq!(ours.code, 0, "cfssl-rs: {}", ours.stderr);
    assert_eq!(theirs.code, 0, "cfssl 1.2: {}", theirs.stderr);
    let (a, b) = (comparable(ours), comparable(theirs));
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        unreachable!(
            "Run::json checked both are JSON: {} / {}",
            ours.stdout, theirs.stdout
        );
    };
    let mut keys: Vec<&String> = a.keys().collect();
    let mut their_keys: Vec<&String> = b.keys().collect();
    keys.sort();
    their_keys.sort();
    assert_eq!(keys, their_keys);
    for key in keys {
        assert_eq!(a[key], b[key], "field {key}");
    }
}

#[test]
fn bundle_matches_cfssl_12_and_verifies_with_openssl() {
    let d = openssl_pki();
    let args = [
        "bundle",
        "-ca-bundle",
        "root.pem",
        "-int-bundle",
        "int.pem",
        "-cert",
        "www.pem",
        "-key",
        "www-key.pem",
    ];
    let ours = d.cfssl(&args);
    let theirs = cfssl12(&d, &args);
    assert_same_fields(&ours, &theirs);
    assert!(!ours.stdout.ends_with('\n'), "cfssl prints no newline");
    let json = ours.json();
    // expires: the earliest notAfter of the chain (the intermediate's, made first).
    let (leaf_expires, expires) = (json["leaf_expires"].as_str(), json["expires"].as_str());
    assert!(
        leaf_expires >= expires && expires.is_some(),
        "{leaf_expires:?} {expires:?}"
    );
    assert_eq!(
        json["subject"],
        "/Country=US/Organization=Bundle Test/OrganizationalUnit=Web/CommonName=www.example.test"
    );
    assert_eq!(
        json["issuer"],
        "/Country=US/Organization=Bundle Test/CommonName=Bundle Test Intermediate"
    );
    assert_eq!(
        (json["key_type"].as_str(), json["key_size"].as_i64()),
        (Some("2048-bit RSA"), Some(2048))
    );
    assert_eq!(json["signature"], "ECDSAWithSHA256"); // openssl x509 -sha256 with the P-384 key
    assert_eq!(
        json["ocsp"],
        serde_json::json!(["http://ocsp.example.test"])
    );
    assert_eq!(
        (
            json["ocsp_support"].as_bool(),
            json["crl_support"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert_eq!(
        json["root"].as_str().map(str::trim),
        Some(d.read("root.pem").trim())
    );
    assert_eq!(json["status"]["code"], 2);
    assert_eq!(json["status"]["rebundled"], true);

    // openssl checks the chain cfssl-rs chose, strictly.
    d.write("chain.pem", json["bundle"].as_str().unwrap_or_default());
    let verify = d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "chain.pem",
        "www.pem",
    ]);
    assert_eq!(
        (verify.code, verify.stdout.trim()),
        (0, "www.pem: OK"),
        "{}",
        verify.stderr
    );
}

#[test]
fn client_only_and_root_first_inputs_match_cfssl_12() {
    let d = openssl_pki();
    // A client-auth-only leaf: cfssl 1.6.5 verifies with any extended key usage
    // (`bundler.WithKeyUsages`, default ExtKeyUsageAny); cfssl 1.2 still asked for server
    // auth and refuses it.
    let args = [
        "bundle",
        "-ca-bundle",
        "root.pem",
        "-int-bundle",
        "int.pem",
        "-cert",
        "client.pem",
        "-flavor",
        "optimal",
    ];
    let ours = d.cfssl(&args);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    assert_eq!(
        ours.json()["subject"],
        "/Country=US/Organization=Bundle Test/CommonName=client.example.test"
    );
    let theirs = cfssl12(&d, &args);
    assert!(
        theirs.stderr.contains(
            r#"{"code":1214,"message":"x509: certificate specifies an incompatible key usage"}"#
        ),
        "{}",
        theirs.stderr
    );
    // The intermediate only in the input, root first: reversed, and used.
    let input = format!("{}{}", d.read("int.pem"), d.read("www.pem"));
    d.write("root-first.pem", input);
    let args = [
        "bundle",
        "-ca-bundle",
        "root.pem",
        "-cert",
        "root-first.pem",
    ];
    let ours = d.cfssl(&args);
    assert_same_fields(&ours, &cfssl12(&d, &args));
    assert_eq!(ours.json()["status"]["rebundled"], false);
    // The system roots stand in for -ca-bundle (SSL_CERT_FILE, as Go reads it).
    let with_env = |program: &str| {
        let out = std::process::Command::new(program)
            .args(["bundle", "-int-bundle", "int.pem", "-cert", "www.pem"])
            .current_dir(d.tmp.path())
            .env("SSL_CERT_FILE", d.path("root.pem"))
            .output()
            .unwrap_or_else(|e| unreachable!("cannot run {program}: {e}"));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    assert_same_fields(
        &with_env(env!("CARGO_BIN_EXE_cfssl-rs")),
        &with_env("cfssl"),
    );
}

#[test]
fn errors_match_cfssl_12() {
    let d = openssl_pki();
    let last_line = |r: &Run| r.stderr.lines().last().unwrap_or_default().to_owned();
    for args in [
        &["bundle", "-ca-bundle", "root.pem", "-cert", "root.pem"][..],
        &[
            "bundle",
            "-ca-bundle",
            "root.pem",
            "-int-bundle",
            "int.pem",
            "-cert",
            "www.pem",
            "-key",
            "client-key.pem",
        ],
        &["bundle"],
    ] {
        let ours = d.cfssl(args);
        let theirs = cfssl12(&d, args);
        assert_eq!(ours.code, 1, "{args:?}: {}", ours.stderr);
        assert_ne!(theirs.code, 0, "{args:?}");
        assert_eq!(last_line(&ours), last_line(&theirs), "{args:?}");
        assert!(ours.stdout.is_empty());
    }
    // The certificate itself is a root: cfssl 1.6.5 crashes (empty chain), 1.2 prints an
    // empty bundle; cfssl-rs keeps the certificate as the bundle (docs/differences.md #37).
    let r = d.cfssl(&["bundle", "-ca-bundle", "int.pem", "-cert", "int.pem"]);
    assert_eq!(r.field("bundle"), r.field("crt"));
    assert_eq!(r.field("root"), r.field("crt"));
    // cfssl would download the intermediate; we name the URL (docs/differences.md #36).
    let ours = d.cfssl(&["bundle", "-ca-bundle", "root.pem", "-cert", "www.pem"]);
    ours.fails_with(r#"{"code":1220,"message":"x509: certificate signed by unknown authority (cfssl would fetch the issuer from http://ca.example.test/int.crt"#);
    ours.fails_with("[WARNING] cfssl would fetch the issuer from http://ca.example.test/int.crt");
}

#[test]
fn refused_and_forced() {
    let d = openssl_pki();
    d.cfssl(&["bundle", "-domain", "example.test"])
        .fails_with("cfssl-rs works offline");
    d.cfssl(&["bundle", "-cert", "www.pem", "-int-dir", "ints"])
        .fails_with("-int-bundle");
    d.cfssl(&["bundle", "-cert", "www.pem", "-flavor", "best"])
        .fails_with(r#"invalid bundle flavor "best""#);
    assert!(!d.path("ints").exists());
    // force: the input chain as is, no root, not read: -ca-bundle may even be missing.
    let chain = format!("{}{}", d.read("www.pem"), d.read("int.pem"));
    let r = d.cfssl_stdin(
        &[
            "bundle",
            "-flavor",
            "force",
            "-ca-bundle",
            "missing.pem",
            "-cert",
            "-",
        ],
        chain.as_bytes(),
    );
    let json = r.json();
    assert_eq!(
        (
            json["root"].as_str(),
            json["status"]["untrusted_root_stores"].is_null()
        ),
        (Some(""), true)
    );
    assert_eq!(json["bundle"].as_str().map(str::trim), Some(chain.trim()));
}

#[test]
fn pkcs12_from_openssl() {
    let d = openssl_pki();
    let r = d.openssl(&[
        "pkcs12",
        "-export",
        "-in",
        "client.pem",
        "-inkey",
        "client-key.pem",
        "-certfile",
        "int.pem",
        "-passout",
        "pass:0",
        "-out",
        "client.p12",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // -password defaults to 0, as cfssl's.
    let r = d.cfssl(&["bundle", "-ca-bundle", "root.pem", "-cert", "client.p12"]);
    let key = r.field("key");
    d.write("p12-key.pem", &key);
    let from_key = d.openssl(&["pkey", "-in", "p12-key.pem", "-pubout"]);
    let from_cert = d.openssl(&["x509", "-in", "client.pem", "-noout", "-pubkey"]);
    assert_eq!(from_key.stdout, from_cert.stdout);
    assert!(key.starts_with("-----BEGIN EC PRIVATE KEY-----"), "{key}");
    d.cfssl(&[
        "bundle",
        "-ca-bundle",
        "root.pem",
        "-cert",
        "client.p12",
        "-password",
        "wrong",
    ])
    .fails_with(r#"{"code":1002,"#);
}

#[test]
fn cfssljson_writes_the_bundle_files() {
    let d = openssl_pki();
    let bundle = d.cfssl(&[
        "bundle",
        "-ca-bundle",
        "root.pem",
        "-int-bundle",
        "int.pem",
        "-cert",
        "www.pem",
        "-key",
        "www-key.pem",
    ]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    // Built beside cfssl-rs (`cargo build` / `cargo test --workspace`).
    let cfssljson_rs =
        std::path::Path::new(env!("CARGO_BIN_EXE_cfssl-rs")).with_file_name("cfssljson-rs");
    assert!(
        cfssljson_rs.exists(),
        "build cfssljson-rs first (cargo build -p cfssljson-rs)"
    );
    let json = run(
        &cfssljson_rs.to_string_lossy(),
        d.tmp.path(),
        &["-bare", "wwwb"],
        bundle.stdout.as_bytes(),
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(
        json.stderr.contains("[WARNING] writing wwwb-bundle.pem"),
        "{}",
        json.stderr
    );
    let parsed = bundle.json();
    assert_eq!(
        d.read("wwwb-bundle.pem"),
        format!(
            "{}\n{}",
            parsed["bundle"].as_str().unwrap_or_default(),
            parsed["root"].as_str().unwrap_or_default()
        )
    );
    assert_eq!(d.read("wwwb-root.pem").trim(), d.read("root.pem").trim());
    assert_eq!(
        d.read("wwwb-key.pem").trim(),
        parsed["key"].as_str().unwrap_or_default()
    );
    let verify = d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "wwwb-root.pem",
        "-untrusted",
        "wwwb-bundle.pem",
        "wwwb-bundle.pem",
    ]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    // cfssl 1.6.5's cfssljson writes only the key from this output (T§17); Debian's 1.2
    // writes NAME-bundle.pem with the chain alone, without the root.
    require_tool("cfssljson");
    let other = Dir::new();
    let theirs = run(
        "cfssljson",
        other.tmp.path(),
        &["-bare", "www"],
        bundle.stdout.as_bytes(),
    );
    assert_eq!(theirs.code, 0, "{}", theirs.stderr);
    assert_eq!(other.files(), ["www-bundle.pem", "www-key.pem"]);
    assert_eq!(
        other.read("www-bundle.pem"),
        parsed["bundle"].as_str().unwrap_or_default()
    );
    assert_eq!(other.read("www-key.pem"), d.read("wwwb-key.pem"));
}

#[test]
fn path_length_is_enforced_like_go_and_openssl() {
    let d = openssl_pki();
    let ok = |r: Run| assert_eq!(r.code, 0, "openssl: {}", r.stderr);
    // A root that allows no intermediate, an intermediate under it anyway, a leaf below.
    ok(d.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "tight-key.pem",
        "-out",
        "tight.pem",
        "-days",
        "3650",
        "-subj",
        "/CN=Tight Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE,pathlen:0",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]));
    ok(d.openssl(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-keyout",
        "sub-key.pem",
        "-out",
        "sub.csr",
        "-subj",
        "/CN=Sub CA",
    ]));
    ok(d.openssl(&[
        "x509",
        "-req",
        "-in",
        "sub.csr",
        "-CA",
        "tight.pem",
        "-CAkey",
        "tight-key.pem",
        "-CAcreateserial",
        "-days",
        "365",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "int",
        "-out",
        "sub.pem",
    ]));
    ok(d.openssl(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-keyout",
        "deep-key.pem",
        "-out",
        "deep.csr",
        "-subj",
        "/CN=deep.example.test",
    ]));
    ok(d.openssl(&[
        "x509",
        "-req",
        "-in",
        "deep.csr",
        "-CA",
        "sub.pem",
        "-CAkey",
        "sub-key.pem",
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "client",
        "-out",
        "deep.pem",
    ]));

    let verify = d.openssl(&[
        "verify",
        "-CAfile",
        "tight.pem",
        "-untrusted",
        "sub.pem",
        "deep.pem",
    ]);
    assert_ne!(verify.code, 0, "openssl accepted: {}", verify.stdout);
    assert!(
        verify.stderr.contains("path length constraint exceeded"),
        "{}",
        verify.stderr
    );

    let args = [
        "bundle",
        "-ca-bundle",
        "tight.pem",
        "-int-bundle",
        "sub.pem",
        "-cert",
        "deep.pem",
    ];
    let ours = d.cfssl(&args);
    let expected =
        r#"{"code":1213,"message":"x509: too many intermediates for path length constraint"}"#;
    ours.fails_with(expected);
    let theirs = cfssl12(&d, &args);
    assert!(theirs.stderr.contains(expected), "{}", theirs.stderr);
}
