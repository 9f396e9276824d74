//! `cfssl-rs lint` and the profile lint settings (`lint_error_level`, `ignored_lints`,
//! `ignored_lint_sources`; docs/cfssl-compat.md §5.17), black-box.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;

use common::Dir;

/// A root CA, and a leaf it issued, both from cfssl-rs (P-256).
fn ca_and_leaf(d: &Dir) -> (String, String) {
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "leaf.json",
        r#"{"CN":"leaf","hosts":["leaf.example.com","10.0.0.1"]}"#,
    );
    let r = d.cfssl(&["gencert", "-ca", &ca, "-ca-key", &key, "leaf.json"]);
    r.ok();
    d.save(&r, "cert", "leaf.pem");
    (ca, key)
}

/// A self-signed 1024-bit RSA leaf made by openssl: below the Baseline Requirements' 2048.
fn weak_cert(d: &Dir) -> &'static str {
    d.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:1024",
        "-nodes",
        "-keyout",
        "weak-key.pem",
        "-out",
        "weak.pem",
        "-subj",
        "/CN=weak",
        "-days",
        "30",
        "-addext",
        "keyUsage=digitalSignature",
        "-addext",
        "basicConstraints=CA:FALSE",
    ])
    .ok();
    "weak.pem"
}

#[test]
fn clean_certificates_and_crls_print_nothing() {
    let d = Dir::new();
    let (ca, key) = ca_and_leaf(&d);
    for file in [ca.as_str(), "leaf.pem"] {
        let r = d.cfssl(&["lint", file]);
        r.ok();
        assert_eq!(r.stdout, "", "{file}");
        let r = d.cfssl(&["lint", "-json", file]);
        r.ok();
        assert_eq!(r.json(), serde_json::json!([]));
    }
    // gencrl's CRL (DER, detected as a CRL).
    d.write("serials.txt", "1234\n");
    let r = d.cfssl(&["gencrl", "serials.txt", &ca, &key]);
    r.ok();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(r.stdout.trim())
        .unwrap();
    d.write("crl.der", der);
    let r = d.cfssl(&["lint", "crl.der"]);
    r.ok();
    assert_eq!(r.stdout, "");
}

#[test]
fn findings_are_printed_and_errors_fail() {
    let d = Dir::new();
    let weak = weak_cert(&d);
    let r = d.cfssl(&["lint", weak]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "error  e_rsa_mod_less_than_2048_bits  BRs: 6.1.5  the RSA modulus is 1024 bits\n\
         warn   w_ext_key_usage_not_critical  RFC 5280 §4.2.1.3  keyUsage is not critical\n"
    );
    assert!(
        r.stderr.contains("weak.pem: 1 error or fatal finding"),
        "{}",
        r.stderr
    );

    let r = d.cfssl(&["lint", "-json", weak]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.json(),
        serde_json::json!([
            {"block": 1, "lint": "e_rsa_mod_less_than_2048_bits", "severity": "error",
             "source": "CABF_BR", "citation": "BRs: 6.1.5", "message": "the RSA modulus is 1024 bits"},
            {"block": 1, "lint": "w_ext_key_usage_not_critical", "severity": "warn",
             "source": "RFC5280", "citation": "RFC 5280 §4.2.1.3", "message": "keyUsage is not critical"}
        ])
    );

    // A warning alone does not fail.
    d.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "w-key.pem",
        "-out",
        "warn.pem",
        "-subj",
        "/CN=warn",
        "-days",
        "30",
        "-addext",
        "keyUsage=digitalSignature",
        "-addext",
        "basicConstraints=CA:FALSE",
        "-addext",
        "subjectAltName=DNS:warn.example.com",
    ])
    .ok();
    let r = d.cfssl(&["lint", "warn.pem"]);
    r.ok();
    assert!(
        r.stdout.starts_with("warn   w_ext_key_usage_not_critical"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_pem_block_is_linted() {
    let d = Dir::new();
    let (ca, _) = ca_and_leaf(&d);
    let weak = weak_cert(&d);
    let both = format!("{}{}", d.read(&ca), d.read(weak));
    d.write("both.pem", both);
    let r = d.cfssl(&["lint", "both.pem"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .starts_with("# block 2 (certificate)\nerror  e_rsa_mod"),
        "{}",
        r.stdout
    );
    let r = d.cfssl(&["lint", "-json", "both.pem"]);
    assert!(r.json().as_array().unwrap().iter().all(|f| f["block"] == 2));
}

#[test]
fn unreadable_input_names_the_file() {
    let d = Dir::new();
    d.write("garbage.pem", "not a certificate\n");
    d.cfssl(&["lint", "garbage.pem"])
        .fails_with("garbage.pem: neither PEM nor a DER certificate or CRL");
    d.cfssl(&["lint", "missing.pem"])
        .fails_with("open missing.pem: no such file or directory");
    d.write(
        "key.pem",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    d.cfssl(&["lint", "key.pem"])
        .fails_with("key.pem: PEM block 1 is a PRIVATE KEY, not a CERTIFICATE or X509 CRL");
    d.write(
        "cut.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    );
    d.cfssl(&["lint", "cut.pem"])
        .fails_with("cut.pem: block 1: cannot decode the certificate");
    d.cfssl(&["lint"]).fails_with("lint needs one FILE");
}

fn config(profile: &str) -> String {
    format!(
        r#"{{"signing":{{"default":{{"expiry":"8760h"}},"profiles":{{"www":{{"usages":["digital signature","server auth"],{profile}}}}}}}}}"#
    )
}

fn gencert_www(d: &Dir, ca: &str, key: &str) -> common::Run {
    d.cfssl(&[
        "gencert",
        "-ca",
        ca,
        "-ca-key",
        key,
        "-config",
        "cfg.json",
        "-profile",
        "www",
        "leaf.json",
    ])
}

/// A ten-year server certificate breaks the Baseline Requirements' 825 days: at "warn" the
/// profile refuses it, naming the lint; ignoring the lint or its source lets it through.
#[test]
fn lint_error_level_refuses_before_signing() {
    let d = Dir::new();
    let (ca, key) = ca_and_leaf(&d);
    d.write(
        "cfg.json",
        config(r#""expiry":"87600h","lint_error_level":"warn""#),
    );
    gencert_www(&d, &ca, &key).fails_with(
        "pre-issuance linting found 1 error results: error \
         e_sub_cert_valid_time_longer_than_825_days (BRs: 6.3.2): valid for ",
    );

    for ignore in [
        r#""ignored_lints":["e_sub_cert_valid_time_longer_than_825_days"]"#,
        r#""ignored_lint_sources":["CABF_BR"]"#,
    ] {
        d.write(
            "cfg.json",
            config(&format!(
                r#""expiry":"87600h","lint_error_level":"warn",{ignore}"#
            )),
        );
        let r = gencert_www(&d, &ca, &key);
        r.ok();
        d.save(&r, "cert", "long.pem");
        // The certificate really has the finding; the profile chose to ignore it.
        let lint = d.cfssl(&["lint", "long.pem"]);
        assert_eq!(lint.code, 1);
        assert!(
            lint.stdout
                .contains("e_sub_cert_valid_time_longer_than_825_days")
        );
    }

    // "fatal" blocks nothing; "reserved" lints nothing.
    for level in ["fatal", "reserved"] {
        d.write(
            "cfg.json",
            config(&format!(
                r#""expiry":"87600h","lint_error_level":"{level}""#
            )),
        );
        gencert_www(&d, &ca, &key).ok();
    }
    // A clean certificate passes even at "info".
    d.write(
        "cfg.json",
        config(r#""expiry":"8760h","lint_error_level":"info""#),
    );
    gencert_www(&d, &ca, &key).ok();
}

/// `selfsign` with a profile lints too (cfssl's selfsign ignores the setting): a relative
/// URI in the SAN is refused at "warn" before the key signs, and issued when the profile
/// ignores that lint, with the finding still in the certificate.
#[test]
fn lint_error_level_applies_to_selfsign() {
    let d = Dir::new();
    d.write(
        "self.json",
        r#"{"CN":"self.example.com","hosts":["self.example.com","ldap:"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let selfsign = |d: &Dir| {
        d.cfssl(&[
            "selfsign",
            "-config",
            "cfg.json",
            "-profile",
            "www",
            "self.example.com",
            "self.json",
        ])
    };
    d.write(
        "cfg.json",
        config(r#""expiry":"8760h","lint_error_level":"warn""#),
    );
    selfsign(&d).fails_with(
        "pre-issuance linting found 1 error results: error e_ext_san_uri_format_invalid \
         (RFC 5280 §4.2.1.6): URI(s) that are not absolute: ldap:",
    );
    d.write(
        "cfg.json",
        config(
            r#""expiry":"8760h","lint_error_level":"warn","ignored_lints":["e_ext_san_uri_format_invalid"]"#,
        ),
    );
    let r = selfsign(&d);
    r.ok();
    d.save(&r, "cert", "self.pem");
    let text = d.openssl(&[
        "x509",
        "-in",
        "self.pem",
        "-noout",
        "-ext",
        "subjectAltName",
    ]);
    text.ok();
    assert!(
        text.stdout.contains("DNS:self.example.com, URI:ldap:"),
        "{}",
        text.stdout
    );
    let lint = d.cfssl(&["lint", "self.pem"]);
    assert_eq!(lint.code, 1);
    assert!(
        lint.stdout.contains("e_ext_san_uri_format_invalid"),
        "{}",
        lint.stdout
    );
}

#[test]
fn an_unknown_ignored_lint_is_a_config_error() {
    let d = Dir::new();
    let (ca, key) = ca_and_leaf(&d);
    d.write(
        "cfg.json",
        config(r#""expiry":"1h","lint_error_level":"warn","ignored_lints":["e_no_such_lint"]"#),
    );
    gencert_www(&d, &ca, &key).fails_with(
        r#"Failed to load config file: {"code":5200,"message":"failed to build filtered lint registry: unknown lint name \"e_no_such_lint\""}"#,
    );
}

/// `-list` is the registry, and the README's lint table lists exactly those lints.
#[test]
fn list_matches_the_readme_table() {
    let d = Dir::new();
    let r = d.cfssl(&["lint", "-list"]);
    r.ok();
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert!(listed.len() > 60, "{}", listed.len());
    assert!(listed.contains(&"e_crl_has_next_update"));
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let table: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|name| name.starts_with("e_") || name.starts_with("w_"))
        .collect();
    assert_eq!(
        table, listed,
        "README's lint table differs from `cfssl-rs lint -list`"
    );
    for line in r.stdout.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 5, "{line}");
        let row = format!(
            "| `{}` | {} | {} | {} | {} |",
            fields[0], fields[1], fields[2], fields[3], fields[4]
        );
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
    let r = d.cfssl(&["lint", "-list", "-json"]);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), listed.len());
}

/// `gencert -initca` never signs under a profile, so a profile that asks for linting is
/// refused instead of being silently ignored; without lint settings -config stays harmless.
#[test]
fn initca_refuses_a_lint_level_it_cannot_apply() {
    let d = Dir::new();
    d.write(
        "ca.json",
        r#"{"CN":"Lint Root","key":{"algo":"ecdsa","size":256}}"#,
    );
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"8760h","lint_error_level":"warn"},"profiles":{"plain":{"expiry":"1h","usages":["signing"]}}}}"#,
    );
    let r = d.cfssl(&["gencert", "-initca", "-config", "cfg.json", "ca.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "-initca: the default profile of -config sets lint_error_level, but a root \
             made by -initca is not signed under a profile"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("ceremony"), "{}", r.stderr);
    let r = d.cfssl(&["genkey", "-initca", "-config", "cfg.json", "ca.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("sets lint_error_level"), "{}", r.stderr);
    // A profile without lint settings: the root is made as cfssl makes it.
    let r = d.cfssl(&[
        "gencert", "-initca", "-config", "cfg.json", "-profile", "plain", "ca.json",
    ]);
    r.ok();
    assert!(r.stdout.contains("BEGIN CERTIFICATE"), "{}", r.stdout);
}
