//! `cfssl-rs ceremony plan|run` (issue 15 item 1, docs/ceremony.md): the example ceremony of
//! testdata/ceremony run from a copy of that folder, in name order, with the commands its
//! README gives; every certificate checked by openssl (`verify -x509_strict`) and pkilint;
//! and the refusals, each with its reason.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests report failures by panicking"
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::{Dir, Run, require_tool};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/ceremony")
}

/// A copy of testdata/ceremony (the YAML files and the README) in a fresh folder.
fn copy_of_testdata() -> Dir {
    let d = Dir::new();
    for entry in std::fs::read_dir(testdata()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), d.path(&entry.file_name().to_string_lossy())).unwrap();
    }
    d
}

/// The ceremony files in name order.
fn steps() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// The `cfssl-rs …` lines of the README's "Commands" block, without the program name.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(testdata().join("README.md")).unwrap();
    let block = readme
        .split("<!-- commands -->")
        .nth(1)
        .expect("README.md has a <!-- commands --> block");
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cfssl-rs "))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// What the issue's "Done when" asks for, in this order.
fn expected_commands() -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for step in steps() {
        out.push(vec!["ceremony".into(), "plan".into(), step.clone()]);
        out.push(
            [
                "ceremony",
                "run",
                "-yes",
                "-transcript",
                "ceremony.log",
                &step,
            ]
            .map(str::to_owned)
            .to_vec(),
        );
    }
    for action in ["verify", "print"] {
        out.push(vec![
            "ceremony".into(),
            action.into(),
            "ceremony.log".into(),
        ]);
    }
    out
}

fn tbs_hash(run: &Run) -> Option<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("TBS SHA-256: "))
        .find(|h| h.len() == 64)
        .map(str::to_owned)
}

/// pkilint's ERROR and FATAL findings on a PEM certificate.
fn pkilint_errors(d: &Dir, file: &str) -> Vec<String> {
    require_tool("python3");
    let r = common::run(
        "python3",
        d.tmp.path(),
        &[
            "-m",
            "pkilint.bin.lint_pkix_cert",
            "lint",
            "-s",
            "ERROR",
            "-f",
            "JSON",
            file,
        ],
        b"",
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "pkilint did not lint {file} ({e}); is it installed (scripts/test)? {}",
            r.stderr
        )
    });
    let mut out = Vec::new();
    for result in json["results"].as_array().unwrap() {
        for finding in result["finding_descriptions"].as_array().unwrap() {
            out.push(format!("{} {}", finding["severity"], finding["code"]));
        }
    }
    out
}

#[test]
fn the_example_ceremony_runs_from_plan_to_run() {
    let commands = readme_commands();
    assert_eq!(
        commands,
        expected_commands(),
        "testdata/ceremony/README.md's commands are the test's"
    );
    let d = copy_of_testdata();
    let mut planned: Option<String> = None;
    for command in &commands {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        let r = d.cfssl(&args);
        r.ok();
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        match args.get(1) {
            Some(&"plan") => planned = tbs_hash(&r),
            Some(&"verify") => {
                assert!(
                    r.stdout
                        .contains("ceremony.log: 4 lines; head of the chain"),
                    "{}",
                    r.stdout
                );
                assert!(
                    r.stdout
                        .contains("file ./intermediate.pem: ok, line 3's output"),
                    "{}",
                    r.stdout
                );
                assert!(
                    r.stdout.contains("file ./root.crl: ok, line 4's output"),
                    "{}",
                    r.stdout
                );
            }
            Some(&"print") => {
                assert!(
                    r.stdout
                        .contains("4 steps; the hash chain verifies from line 1 to line 4."),
                    "{}",
                    r.stdout
                );
                assert!(
                    r.stdout
                        .contains("note: ceremony intermediate step 03-intermediate.yaml"),
                    "{}",
                    r.stdout
                );
            }
            _ => {
                // A step whose key existed before it ran shows the plan's hash again.
                if let Some(hash) = planned.take() {
                    assert!(
                        r.stdout.contains(&format!("TBS SHA-256: {hash}")),
                        "run signed other bytes than plan showed:\n{}",
                        r.stdout
                    );
                }
            }
        }
    }
    // The files the ceremony made, keys private.
    for (file, mode) in [
        ("root-key.pem", 0o600),
        ("intermediate-key.pem", 0o600),
        ("root.pem", 0o644),
        ("intermediate.pem", 0o644),
        ("intermediate-pub.pem", 0o644),
        ("root.crl", 0o644),
    ] {
        let meta = std::fs::metadata(d.path(file)).unwrap_or_else(|_| panic!("{file} missing"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(meta.permissions().mode() & 0o077, mode & 0o077, "{file}");
        }
        let _ = (meta, mode);
    }
    // openssl: the chain verifies strictly; the fields are those of the files.
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "root.pem",
        "root.pem",
    ])
    .ok();
    let v = d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "root.pem",
        "intermediate.pem",
    ]);
    v.ok();
    assert_eq!(v.stdout.trim(), "intermediate.pem: OK");
    let text = d
        .openssl(&["x509", "-in", "intermediate.pem", "-noout", "-text"])
        .ok()
        .stdout
        .clone();
    for expected in [
        "Not Before: Dec  1 00:00:00 2026 GMT",
        "Not After : Nov 28 00:00:00 2036 GMT",
        "Subject: C = US, O = Example Test PKI, CN = Example Test Issuing CA 2026",
        "CA:TRUE, pathlen:0",
        "Digital Signature, Certificate Sign, CRL Sign",
        "DNS:example.test",
        "IP:10.0.0.0/255.0.0.0",
        "CPS: http://pki.example.test/cps",
        "Explicit Text: Test PKI, not for production use",
        "OCSP - URI:http://ocsp.example.test",
        "URI:http://pki.example.test/root.crl",
    ] {
        assert!(
            text.contains(expected),
            "intermediate lacks {expected:?}:\n{text}"
        );
    }
    // The intermediate certifies the key of step 2.
    let pub_from_cert = d
        .openssl(&["x509", "-in", "intermediate.pem", "-noout", "-pubkey"])
        .ok()
        .stdout
        .clone();
    assert_eq!(pub_from_cert, d.read("intermediate-pub.pem"));
    let root_text = d
        .openssl(&["x509", "-in", "root.pem", "-noout", "-text"])
        .ok()
        .stdout
        .clone();
    assert!(root_text.contains("CA:TRUE, pathlen:1"), "{root_text}");
    assert!(
        !root_text.contains("Authority Key Identifier"),
        "{root_text}"
    );
    for cert in ["root.pem", "intermediate.pem"] {
        assert_eq!(pkilint_errors(&d, cert), Vec::<String>::new(), "{cert}");
        // Our linter on the signed certificate: not a single finding.
        let lint = d.cfssl(&["lint", cert]);
        lint.ok();
        assert_eq!(lint.stdout, "", "{cert}");
    }
    // Step 4, the root's first CRL: openssl verifies it with the root; its fields are the
    // file's; our linter finds nothing.
    let v = d.openssl(&[
        "crl", "-in", "root.crl", "-verify", "-CAfile", "root.pem", "-noout",
    ]);
    v.ok();
    assert!(v.stderr.contains("verify OK"), "{}", v.stderr);
    let crl = d
        .openssl(&["crl", "-in", "root.crl", "-noout", "-text"])
        .ok()
        .stdout
        .clone();
    for expected in [
        "Issuer: C = US, O = Example Test PKI, CN = Example Test Root CA 2026",
        "Last Update: Dec  1 00:00:00 2026 GMT",
        "Next Update: Dec  1 00:00:00 2027 GMT",
        "X509v3 CRL Number: \n                1\n",
        "X509v3 Authority Key Identifier",
        "No Revoked Certificates.",
        "Signature Algorithm: ecdsa-with-SHA384",
    ] {
        assert!(
            crl.contains(expected),
            "root.crl lacks {expected:?}:\n{crl}"
        );
    }
    let lint = d.cfssl(&["lint", "root.crl"]);
    lint.ok();
    assert_eq!(lint.stdout, "", "root.crl");
    // pkilint: the RFC 5280 profile, and the CA/Browser Forum's for a root's CRL (an ARL: it
    // lists CA certificates), nothing at warning level or above.
    for (kind, profile) in [("CRL", "PKIX"), ("ARL", "BR")] {
        let r = common::run(
            "python3",
            d.tmp.path(),
            &[
                "-m",
                "pkilint.bin.lint_crl",
                "lint",
                "-t",
                kind,
                "-p",
                profile,
                "-s",
                "WARNING",
                "root.crl",
            ],
            b"",
        );
        assert_eq!(
            r.stdout.trim(),
            "",
            "pkilint {kind} {profile}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("No module named"),
            "pkilint missing: {}",
            r.stderr
        );
    }
    // Run again: the outputs exist, so nothing is made twice (no duplicate serial).
    let again = d.cfssl(&["ceremony", "run", "-yes", "03-intermediate.yaml"]);
    again.fails_with("intermediate.pem already exists");
}

/// A root ceremony file with `replace` applied, in `d`.
fn root_variant(d: &Dir, name: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(testdata().join("01-root.yaml")).unwrap();
    assert!(text.contains(from), "01-root.yaml lacks {from:?}");
    d.write(name, text.replacen(from, to, 1));
    name.to_owned()
}

/// The intermediate step with `from` replaced, after the root and key steps have run in `d`.
fn intermediate_variant(d: &Dir, name: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(testdata().join("03-intermediate.yaml")).unwrap();
    assert!(text.contains(from), "03-intermediate.yaml lacks {from:?}");
    d.write(name, text.replacen(from, to, 1));
    name.to_owned()
}

fn root_and_key(d: &Dir) {
    for step in ["01-root.yaml", "02-intermediate-key.yaml"] {
        d.cfssl(&["ceremony", "run", "-yes", step]).ok();
    }
}

#[test]
fn a_misspelt_field_is_an_error_with_its_path() {
    let d = copy_of_testdata();
    let f = root_variant(&d, "typo.yaml", "crl sign", "crl sgin");
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("typo.yaml: certificate.key_usage[1]: unknown key usage \"crl sgin\"");
    let f = root_variant(&d, "unknown.yaml", "  path_length: 1", "  path_lenght: 1");
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("unknown.yaml: certificate.path_lenght: unknown field `path_lenght`");
    assert!(!d.path("root-key.pem").exists());
}

#[test]
fn rsa_under_2048_bits_is_refused() {
    let d = copy_of_testdata();
    let f = root_variant(
        &d,
        "rsa.yaml",
        "algo: ecdsa\n  curve: P-384",
        "algo: rsa\n  size: 1024",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("refused: key.size: RSA 1024 is refused: RSA keys under 2048 bits");
    d.cfssl(&["ceremony", "run", "-yes", &f])
        .fails_with("RSA keys under 2048 bits");
    assert!(!d.path("root-key.pem").exists());
}

#[test]
fn sha1_is_refused() {
    let d = copy_of_testdata();
    let f = root_variant(
        &d,
        "sha1.yaml",
        "  path_length: 1",
        "  path_length: 1\n  signature_algorithm: SHA1WithRSA",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("certificate.signature_algorithm: SHA1WithRSA is refused: SHA-1 and MD5");
}

#[test]
fn a_leaf_shaped_root_is_refused() {
    let d = copy_of_testdata();
    let f = root_variant(
        &d,
        "leaf.yaml",
        "key_usage: [cert sign, crl sign]",
        "key_usage: [signing, key encipherment]",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("lacks \"cert sign\" (keyCertSign): it would be a leaf-shaped CA");
}

#[test]
fn an_intermediate_may_not_outlive_or_predate_its_issuer() {
    let d = copy_of_testdata();
    root_and_key(&d);
    let f = intermediate_variant(
        &d,
        "long.yaml",
        "not_after: 87600h",
        "not_after: 2047-01-01 00:00:00",
    );
    d.cfssl(&["ceremony", "plan", &f]).fails_with(
        "certificate.not_after: 2047-01-01 00:00:00 UTC is after the issuer's notAfter 2046-12-01 00:00:00 UTC",
    );
    let f = intermediate_variant(
        &d,
        "early.yaml",
        "not_before: 2026-12-01 00:00:00",
        "not_before: 2026-11-30 00:00:00",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("is before the issuer's notBefore 2026-12-01 00:00:00 UTC");
    let f = intermediate_variant(&d, "deep.yaml", "path_length: 0 ", "path_length: 1 ");
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("certificate.path_length: 1 must be less than the issuer's 1");
    assert!(!d.path("intermediate.pem").exists());
}

#[test]
fn an_existing_output_is_never_replaced() {
    let d = copy_of_testdata();
    d.write("root.pem", "precious\n");
    d.cfssl(&["ceremony", "run", "-yes", "01-root.yaml"])
        .fails_with(
            "outputs.certificate: ./root.pem already exists; a ceremony never replaces a file",
        );
    assert_eq!(d.read("root.pem"), "precious\n");
    assert!(!d.path("root-key.pem").exists());
}

#[test]
fn run_without_a_terminal_needs_yes() {
    let d = copy_of_testdata();
    d.cfssl(&["ceremony", "plan", "-yes", "01-root.yaml"])
        .fails_with("-yes and -transcript belong to `ceremony run`");
    d.cfssl(&["ceremony", "run", "01-root.yaml"])
        .fails_with("no terminal to confirm on");
    assert!(!d.path("root-key.pem").exists());
    assert!(!d.path("root.pem").exists());
}

#[test]
fn plan_touches_no_key() {
    let d = copy_of_testdata();
    root_and_key(&d);
    // The issuer key is named but absent (it stays in the safe until run): plan works.
    let f = intermediate_variant(
        &d,
        "elsewhere.yaml",
        "file: root-key.pem",
        "file: safe/root-key.pem",
    );
    let plan = d.cfssl(&["ceremony", "plan", &f]);
    plan.ok();
    assert!(
        plan.stdout
            .contains("Issuer key: file ./safe/root-key.pem (opened by `ceremony run` only)")
    );
    assert!(tbs_hash(&plan).is_some(), "{}", plan.stdout);
    d.cfssl(&["ceremony", "run", "-yes", &f])
        .fails_with("issuer.key.file: cannot read ./safe/root-key.pem");
    assert!(!d.path("intermediate.pem").exists());
    // A key that is not the issuer's is refused before signing.
    let f = intermediate_variant(
        &d,
        "wrong-key.yaml",
        "file: root-key.pem",
        "file: intermediate-key.pem",
    );
    d.cfssl(&["ceremony", "run", "-yes", &f]).fails_with(
        "issuer.key: file ./intermediate-key.pem is not the key of the issuer certificate",
    );
    assert!(!d.path("intermediate.pem").exists());
}

#[test]
fn an_intermediate_from_a_csr_and_a_cross_sign_verify_with_openssl() {
    let d = copy_of_testdata();
    d.cfssl(&["ceremony", "run", "-yes", "01-root.yaml"]).ok();
    // A CSR made elsewhere (here by genkey): only its key is certified.
    d.write(
        "sub-csr.json",
        r#"{"CN":"ignored","key":{"algo":"rsa","size":2048}}"#,
    );
    let g = d.cfssl(&["genkey", "sub-csr.json"]);
    g.ok();
    d.save(&g, "csr", "sub.csr");
    let f = intermediate_variant(
        &d,
        "from-csr.yaml",
        "public_key: intermediate-pub.pem",
        "csr: sub.csr",
    );
    let plan = d.cfssl(&["ceremony", "plan", &f]);
    plan.ok();
    assert!(
        plan.stdout.contains("Public key:          rsa-2048"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("IP:10.0.0.0/8"), "{}", plan.stdout);
    let run = d.cfssl(&["ceremony", "run", "-yes", &f]);
    run.ok();
    assert_eq!(tbs_hash(&plan), tbs_hash(&run));
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "root.pem",
        "intermediate.pem",
    ])
    .ok();

    // A second root cross-signs the first: same subject and key, new issuer.
    let other = root_variant(
        &d,
        "other-root.yaml",
        "file: root-key.pem",
        "file: other-key.pem",
    );
    let text = d
        .read(&other)
        .replace("certificate: root.pem", "certificate: other.pem")
        .replace("Example Test Root CA 2026", "Example Test Other Root");
    d.write(&other, text);
    d.cfssl(&["ceremony", "run", "-yes", &other]).ok();
    d.write(
        "cross.yaml",
        "type: cross-sign\n\
         issuer: {certificate: other.pem, key: {file: other-key.pem}}\n\
         subject_key: {certificate: root.pem}\n\
         certificate:\n  not_before: 2026-12-01 00:00:00\n  not_after: 2040-12-01 00:00:00\n  \
         path_length: 0\n  key_usage: [cert sign, crl sign]\n\
         outputs: {certificate: root-cross.pem}\n",
    );
    d.cfssl(&["ceremony", "run", "-yes", "cross.yaml"]).ok();
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "other.pem",
        "root-cross.pem",
    ])
    .ok();
    let subject = |f: &str| {
        d.openssl(&["x509", "-in", f, "-noout", "-subject", "-pubkey"])
            .ok()
            .stdout
            .clone()
    };
    assert_eq!(subject("root.pem"), subject("root-cross.pem"));
    assert_eq!(pkilint_errors(&d, "root-cross.pem"), Vec::<String>::new());
}

#[test]
fn name_constraints_wider_than_the_issuers_are_refused() {
    let d = copy_of_testdata();
    let root = root_variant(
        &d,
        "constrained-root.yaml",
        "  path_length: 1",
        "  path_length: 1\n  name_constraints:\n    critical: true\n    permitted:\n      dns_domains: [example.test]\n      ip_ranges: [10.0.0.0/8]",
    );
    d.cfssl(&["ceremony", "run", "-yes", &root]).ok();
    d.cfssl(&["ceremony", "run", "-yes", "02-intermediate-key.yaml"])
        .ok();
    d.cfssl(&["ceremony", "plan", "03-intermediate.yaml"]).ok();
    let f = intermediate_variant(
        &d,
        "wider.yaml",
        "dns_domains: [example.test]",
        "dns_domains: [example.org]",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("certificate.name_constraints.permitted: x509: the subordinate CA asks for permitted DNS domain example.org, wider than the issuer's name constraints allow (permitted: example.test)");
}

#[test]
fn encrypted_key_files_with_password_files() {
    let d = copy_of_testdata();
    d.write("root.pass", "correct horse battery staple\n");
    let root = root_variant(
        &d,
        "enc-root.yaml",
        "file: root-key.pem",
        "file: root-key.pem\n  password_file: root.pass",
    );
    d.cfssl(&["ceremony", "run", "-yes", &root]).ok();
    let key = d.read("root-key.pem");
    assert!(
        key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{key}"
    );
    d.openssl(&[
        "pkey",
        "-in",
        "root-key.pem",
        "-passin",
        "file:root.pass",
        "-noout",
    ])
    .ok();
    d.cfssl(&["ceremony", "run", "-yes", "02-intermediate-key.yaml"])
        .ok();
    // Without the password (and no terminal to ask on) the issuer key cannot be opened.
    d.cfssl_env(&["ceremony", "run", "-yes", "03-intermediate.yaml"], &[])
        .fails_with("root-key.pem is encrypted: give password_file:");
    assert!(!d.path("intermediate.pem").exists());
    let f = intermediate_variant(
        &d,
        "enc-intermediate.yaml",
        "file: root-key.pem",
        "file: root-key.pem\n    password_file: root.pass",
    );
    d.cfssl(&["ceremony", "run", "-yes", &f]).ok();
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "root.pem",
        "intermediate.pem",
    ])
    .ok();
}

/// A root ceremony whose key is made in a PKCS#11 token (SoftHSM2), then an intermediate
/// signed with that token key; a failed step removes the token key it made.
#[test]
fn a_root_key_in_a_token() {
    const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
    let installed = Path::new(MODULE).exists()
        && std::process::Command::new("softhsm2-util")
            .arg("--version")
            .output()
            .is_ok();
    if !installed {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "SoftHSM2 is required on CI (apt-get install softhsm2)"
        );
        eprintln!("skipping: SoftHSM2 is not installed");
        return;
    }
    let d = copy_of_testdata();
    std::fs::create_dir_all(d.path("hsm/tokens")).unwrap();
    let conf = d.write(
        "hsm/softhsm2.conf",
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            d.path("hsm/tokens").display()
        ),
    );
    d.write("hsm/pin", "7391-secret\n");
    let conf = conf.display().to_string();
    let env = [("SOFTHSM2_CONF", conf.as_str())];
    let init = common::run(
        "env",
        d.tmp.path(),
        &[
            &format!("SOFTHSM2_CONF={conf}"),
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "Ceremony Root",
            "--pin",
            "7391-secret",
            "--so-pin",
            "5678",
        ],
        b"",
    );
    assert_eq!(init.code, 0, "{}", init.stderr);
    let uri = format!(
        "pkcs11:token=Ceremony%20Root;object=root-2026?module-path={MODULE}&pin-source=file:{}",
        d.path("hsm/pin").display()
    );
    let root = root_variant(
        &d,
        "token-root.yaml",
        "file: root-key.pem",
        &format!("pkcs11: \"{uri}\""),
    );
    // A failing step (its output exists) makes no key at all.
    d.write("root.pem", "in the way\n");
    d.cfssl_env(&["ceremony", "run", "-yes", &root], &env)
        .fails_with("root.pem already exists");
    std::fs::remove_file(d.path("root.pem")).unwrap();
    let plan = d.cfssl_env(&["ceremony", "plan", &root], &env);
    plan.ok();
    assert!(
        plan.stdout
            .contains("PKCS#11 token key pkcs11:token=Ceremony%20Root"),
        "{}",
        plan.stdout
    );
    d.cfssl_env(&["ceremony", "run", "-yes", &root], &env).ok();
    assert!(!d.path("root-key.pem").exists());
    d.cfssl_env(
        &["ceremony", "run", "-yes", "02-intermediate-key.yaml"],
        &env,
    )
    .ok();
    let f = intermediate_variant(
        &d,
        "token-intermediate.yaml",
        "file: root-key.pem",
        &format!("pkcs11: \"{uri}\""),
    );
    d.cfssl_env(&["ceremony", "run", "-yes", &f], &env).ok();
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-attime",
        "1800000000",
        "-CAfile",
        "root.pem",
        "intermediate.pem",
    ])
    .ok();
}

#[test]
fn lints_stop_a_step_unless_the_file_accepts_them_with_a_reason() {
    let d = copy_of_testdata();
    root_and_key(&d);
    // keyEncipherment on an ECDSA key: RFC 8813 §3 (e_ecdsa_allowed_ku, an error).
    let f = intermediate_variant(
        &d,
        "ku.yaml",
        "key_usage: [signing, cert sign, crl sign]",
        "key_usage: [signing, key encipherment, cert sign, crl sign]",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("lint: nothing was signed: error e_ecdsa_allowed_ku (RFC 8813 §3)");
    d.cfssl(&["ceremony", "run", "-yes", &f])
        .fails_with("e_ecdsa_allowed_ku");
    assert!(!d.path("intermediate.pem").exists());
    let text = d.read(&f);
    d.write(
        "ku-typo.yaml",
        format!("{text}ignored_lints:\n  - name: e_ecdsa_alowed_ku\n    reason: agreed\n"),
    );
    d.cfssl(&["ceremony", "plan", "ku-typo.yaml"])
        .fails_with("ignored_lints[0].name: unknown lint \"e_ecdsa_alowed_ku\"");
    d.write(
        "ku-accepted.yaml",
        format!("{text}ignored_lints:\n  - name: e_ecdsa_allowed_ku\n    reason: the witnesses agreed (minutes item 3)\n"),
    );
    let plan = d.cfssl(&["ceremony", "plan", "ku-accepted.yaml"]);
    plan.ok();
    assert!(
        plan.stdout
            .contains("(accepted: the witnesses agreed (minutes item 3))"),
        "{}",
        plan.stdout
    );
    d.cfssl(&["ceremony", "run", "-yes", "ku-accepted.yaml"])
        .ok();
    assert!(d.path("intermediate.pem").exists());
}

/// A `type: crl` file signed by the example's root, with `revoked` as its entries.
fn crl_file(d: &Dir, name: &str, crl: &str, revoked: &str) -> String {
    d.write(
        name,
        format!(
            "type: crl\nissuer:\n  certificate: root.pem\n  key:\n    file: root-key.pem\n\
             crl:\n{crl}  revoked:{revoked}\noutputs:\n  crl: {name}.crl\n"
        ),
    );
    name.to_owned()
}

const CRL_DATES: &str =
    "  this_update: 2027-01-15 00:00:00\n  next_update: 2027-02-15 00:00:00\n  number: \"4660\"\n";

#[test]
fn a_crl_with_two_entries_verifies_with_openssl() {
    require_tool("openssl");
    let d = copy_of_testdata();
    d.cfssl(&["ceremony", "run", "-yes", "01-root.yaml"]).ok();
    let f = crl_file(
        &d,
        "two.yaml",
        CRL_DATES,
        "\n    - {serial: \"3a:9f:01\", revoked_at: 2027-01-10 12:00:00, reason: keyCompromise}\
         \n    - {serial: \"0102\", revoked_at: 2027-01-11 00:00:00, reason: unspecified}\n",
    );
    let plan = d.cfssl(&["ceremony", "plan", &f]);
    plan.ok();
    for expected in [
        "  This update:         2027-01-15 00:00:00 UTC",
        "  Next update:         2027-02-15 00:00:00 UTC",
        "  Revoked certificates: 2",
        "    Serial 3a:9f:01: revoked 2027-01-10 12:00:00 UTC, reason keyCompromise",
        "    Serial 01:02: revoked 2027-01-11 00:00:00 UTC, reason unspecified (no reasonCode)",
        "id-ce-cRLNumber (2.5.29.20): 4660 (hex 12:34)",
    ] {
        assert!(
            plan.stdout.contains(expected),
            "plan lacks {expected:?}:\n{}",
            plan.stdout
        );
    }
    let planned = tbs_hash(&plan).unwrap();
    let run = d.cfssl(&["ceremony", "run", "-yes", &f]);
    run.ok();
    assert_eq!(tbs_hash(&run).as_deref(), Some(planned.as_str()));
    let v = d.openssl(&[
        "crl",
        "-in",
        "two.yaml.crl",
        "-verify",
        "-CAfile",
        "root.pem",
        "-noout",
    ]);
    v.ok();
    assert!(v.stderr.contains("verify OK"), "{}", v.stderr);
    let text = d
        .openssl(&["crl", "-in", "two.yaml.crl", "-noout", "-text"])
        .ok()
        .stdout
        .clone();
    for expected in [
        "Last Update: Jan 15 00:00:00 2027 GMT",
        "Next Update: Feb 15 00:00:00 2027 GMT",
        "X509v3 CRL Number: \n                4660\n",
        "Serial Number: 3A9F01\n        Revocation Date: Jan 10 12:00:00 2027 GMT\n        CRL entry extensions:\n            X509v3 CRL Reason Code: \n                Key Compromise\n",
        "Serial Number: 0102\n        Revocation Date: Jan 11 00:00:00 2027 GMT\n",
    ] {
        assert!(text.contains(expected), "CRL lacks {expected:?}:\n{text}");
    }
    assert_eq!(text.matches("CRL Reason Code").count(), 1, "{text}");
    let lint = d.cfssl(&["lint", "two.yaml.crl"]);
    lint.ok();
    assert_eq!(lint.stdout, "");
}

#[test]
fn crl_refusals() {
    let d = copy_of_testdata();
    d.cfssl(&["ceremony", "run", "-yes", "01-root.yaml"]).ok();
    let entry = |serial: &str| {
        format!(
            "\n    - {{serial: \"{serial}\", revoked_at: 2027-01-10 00:00:00, reason: superseded}}"
        )
    };
    let f = crl_file(
        &d,
        "backwards.yaml",
        "  this_update: 2027-01-15 00:00:00\n  next_update: 2027-01-14 00:00:00\n  number: 2\n",
        " []\n",
    );
    d.cfssl(&["ceremony", "plan", &f]).fails_with(
        "backwards.yaml: refused: crl.next_update: 2027-01-14 00:00:00 UTC is not after \
         this_update 2027-01-15 00:00:00 UTC",
    );
    let f = crl_file(
        &d,
        "early.yaml",
        "  this_update: 2026-11-30 00:00:00\n  next_update: 720h\n  number: 2\n",
        " []\n",
    );
    d.cfssl(&["ceremony", "plan", &f]).fails_with(
        "early.yaml: refused: crl.this_update: 2026-11-30 00:00:00 UTC is outside the issuer's \
         validity (2026-12-01 00:00:00 UTC to 2046-12-01 00:00:00 UTC)",
    );
    let f = crl_file(
        &d,
        "twice.yaml",
        CRL_DATES,
        &format!("{}{}\n", entry("3a:9f:01"), entry("3A9F01")),
    );
    d.cfssl(&["ceremony", "run", "-yes", &f]).fails_with(
        "twice.yaml: refused: crl.revoked[1].serial: 3a:9f:01 is already crl.revoked[0]",
    );
    let f = crl_file(
        &d,
        "zero.yaml",
        &CRL_DATES.replace("\"4660\"", "0"),
        " []\n",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("zero.yaml: crl.number: \"0\": a CRL number is a positive decimal integer");
    let f = crl_file(
        &d,
        "reason.yaml",
        CRL_DATES,
        &entry("01").replace("superseded", "compromised"),
    );
    d.cfssl(&["ceremony", "plan", &f]).fails_with(
        "reason.yaml: crl.revoked[0].reason: unknown revocation reason \"compromised\"",
    );
    let f = crl_file(
        &d,
        "future.yaml",
        CRL_DATES,
        &entry("01").replace("2027-01-10", "2027-01-16"),
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("crl.revoked[0].revoked_at: 2027-01-16 00:00:00 UTC is after this_update");
    for f in ["backwards", "early", "twice", "zero", "reason", "future"] {
        assert!(!d.path(&format!("{f}.yaml.crl")).exists(), "{f}");
    }
    // An issuer whose key usage lacks cRLSign.
    let e = Dir::new();
    root_variant(
        &e,
        "no-crl-sign.yaml",
        "[cert sign, crl sign]",
        "[cert sign]",
    );
    e.cfssl(&["ceremony", "run", "-yes", "no-crl-sign.yaml"])
        .ok();
    let f = crl_file(&e, "crl.yaml", CRL_DATES, " []\n");
    e.cfssl(&["ceremony", "plan", &f])
        .fails_with("crl.yaml: refused: issuer.certificate: its key usage lacks cRLSign");
}

/// A `type: ocsp-response` file: the example's root answers for its intermediate.
fn ocsp_file(d: &Dir, name: &str, response: &str) -> String {
    d.write(
        name,
        format!(
            "type: ocsp-response\nissuer:\n  certificate: root.pem\n  key:\n    file: root-key.pem\n\
             certificate: intermediate.pem\nresponse:\n{response}outputs:\n  response: {name}.der\n"
        ),
    );
    name.to_owned()
}

/// `openssl ocsp -respin` on a response about intermediate.pem, verified with the root.
/// `-validity_period` tolerates the scheduled thisUpdate being ahead of this machine's clock.
fn openssl_ocsp(d: &Dir, der: &str) -> Run {
    let r = d.openssl(&[
        "ocsp",
        "-respin",
        der,
        "-issuer",
        "root.pem",
        "-cert",
        "intermediate.pem",
        "-CAfile",
        "root.pem",
        "-validity_period",
        "3000000000",
        "-resp_text",
    ]);
    r.ok();
    assert!(r.stderr.contains("Response verify OK"), "{}", r.stderr);
    r
}

#[test]
fn ocsp_responses_verify_with_openssl() {
    require_tool("openssl");
    let d = copy_of_testdata();
    for step in [
        "01-root.yaml",
        "02-intermediate-key.yaml",
        "03-intermediate.yaml",
    ] {
        d.cfssl(&["ceremony", "run", "-yes", step]).ok();
    }
    let f = ocsp_file(
        &d,
        "good.yaml",
        "  status: good\n  this_update: 2026-12-01 00:00:00\n  next_update: 8760h\n",
    );
    let plan = d.cfssl(&["ceremony", "plan", &f]);
    plan.ok();
    assert!(
        plan.stdout.contains("  Status:              good"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("  Produced at:         2026-12-01 00:00:00 UTC"),
        "{}",
        plan.stdout
    );
    let planned = tbs_hash(&plan).unwrap();
    let run = d.cfssl(&["ceremony", "run", "-yes", &f]);
    run.ok();
    assert_eq!(tbs_hash(&run).as_deref(), Some(planned.as_str()));
    let r = openssl_ocsp(&d, "good.yaml.der");
    assert!(r.stdout.contains("intermediate.pem: good"), "{}", r.stdout);
    for expected in [
        "Produced At: Dec  1 00:00:00 2026 GMT",
        "This Update: Dec  1 00:00:00 2026 GMT",
        "Next Update: Dec  1 00:00:00 2027 GMT",
    ] {
        assert!(r.stdout.contains(expected), "{expected:?}:\n{}", r.stdout);
    }

    let f = ocsp_file(
        &d,
        "revoked.yaml",
        "  status: revoked\n  revoked_at: 2027-01-02 03:04:05\n  reason: keyCompromise\n  \
         this_update: 2027-01-03 00:00:00\n  next_update: 2027-01-10 00:00:00\n",
    );
    let plan = d.cfssl(&["ceremony", "plan", &f]);
    plan.ok();
    let planned = tbs_hash(&plan).unwrap();
    let run = d.cfssl(&["ceremony", "run", "-yes", &f]);
    run.ok();
    assert_eq!(tbs_hash(&run).as_deref(), Some(planned.as_str()));
    let r = openssl_ocsp(&d, "revoked.yaml.der");
    for expected in [
        "intermediate.pem: revoked",
        "Reason: keyCompromise",
        "Revocation Time: Jan  2 03:04:05 2027 GMT",
    ] {
        assert!(r.stdout.contains(expected), "{expected:?}:\n{}", r.stdout);
    }

    // Refusals: nextUpdate first, status fields that do not go together, a certificate
    // the issuer did not sign.
    let f = ocsp_file(
        &d,
        "back.yaml",
        "  status: good\n  this_update: 2027-01-03 00:00:00\n  next_update: 2027-01-02 00:00:00\n",
    );
    d.cfssl(&["ceremony", "plan", &f]).fails_with(
        "back.yaml: refused: response.next_update: 2027-01-02 00:00:00 UTC is not after",
    );
    let f = ocsp_file(
        &d,
        "half.yaml",
        "  status: revoked\n  this_update: 2027-01-03 00:00:00\n  next_update: 24h\n",
    );
    d.cfssl(&["ceremony", "plan", &f])
        .fails_with("response: status: revoked needs revoked_at and reason");
    let text = std::fs::read_to_string(d.path("good.yaml")).unwrap();
    // A certificate of another CA (same name, other key) is not the issuer's.
    let e = copy_of_testdata();
    e.cfssl(&["ceremony", "run", "-yes", "01-root.yaml"]).ok();
    std::fs::copy(e.path("root.pem"), d.path("other-root.pem")).unwrap();
    d.write(
        "other.yaml",
        text.replace(
            "certificate: intermediate.pem",
            "certificate: other-root.pem",
        )
        .replace("good.yaml.der", "other.der"),
    );
    d.cfssl(&["ceremony", "plan", "other.yaml"]).fails_with(
        "other.yaml: refused: certificate: other-root.pem is not a certificate the issuer signed",
    );
}

/// An issuer whose own certificate is signed with SHA-1 is refused by every step that signs
/// under it: a chain through a SHA-1 signature can be forged, whatever the new signature is.
#[test]
fn an_issuer_signed_with_sha1_is_refused() {
    let d = copy_of_testdata();
    d.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "weak-key.pem",
        "-out",
        "weak.pem",
        "-sha1",
        "-days",
        "3650",
        "-subj",
        "/CN=Weak Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ])
    .ok();
    root_and_key(&d);
    for (template, name) in [
        ("03-intermediate.yaml", "weak-int.yaml"),
        ("04-root-crl.yaml", "weak-crl.yaml"),
    ] {
        let text = std::fs::read_to_string(testdata().join(template)).unwrap();
        d.write(
            name,
            text.replacen("certificate: root.pem", "certificate: weak.pem", 1)
                .replacen("file: root-key.pem", "file: weak-key.pem", 1),
        );
        d.cfssl(&["ceremony", "plan", name]).fails_with(
            "issuer.certificate: weak.pem is signed with ecdsa-with-SHA1; a chain through a SHA-1",
        );
    }
}
