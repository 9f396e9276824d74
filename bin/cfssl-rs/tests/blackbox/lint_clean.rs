//! Issue item 6, "certificates pkilint rejects are issued without a word": inputs for which
//! cfssl issues a certificate that breaks RFC 5280 are refused with a message naming the bad
//! value (or, where the result only loses an unsafe bit, issued with a `[WARNING]`).
//! tests/interop/run checks the same inputs with pkilint itself.

use crate::common;
use common::{Dir, Run};

/// A CA, a leaf request and its CSR, and a config with a leaf profile that lists CA powers.
fn fixture() -> Dir {
    let d = Dir::new();
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let g = d.cfssl(&["genkey", "leaf.json"]);
    g.ok();
    d.save(&g, "csr", "leaf.csr");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"expiry":"1h","usages":["signing","server auth"]},"profiles":{
            "leafsign":{"expiry":"1h","usages":["signing","key encipherment","cert sign","crl sign","server auth"]},
            "casign":{"expiry":"1h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true}}}}}"#,
    );
    d
}

const GENCERT: &[&str] = &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem"];
const SIGN: &[&str] = &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem"];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

/// Refused with code 1300 and every needle on stderr, nothing on stdout.
fn refused_1300(r: &Run, needles: &[&str]) {
    r.fails_with("\"code\":1300");
    for n in needles {
        assert!(r.stderr.contains(n), "stderr lacks {n:?}: {}", r.stderr);
    }
}

/// The issued certificate's certinfo view, after checking that `cfssl-rs lint` finds no
/// error in it (the lints a profile's `lint_error_level` applies; docs/cfssl-compat.md §5.17).
fn cert_of(d: &Dir, r: &Run, name: &str) -> serde_json::Value {
    r.ok();
    d.save(r, "cert", name);
    let lint = d.cfssl(&["lint", name]);
    assert_eq!(lint.code, 0, "{name}: {}{}", lint.stdout, lint.stderr);
    d.cfssl(&["certinfo", "-cert", name]).ok().json()
}

#[test]
fn empty_hostname_items_are_refused() {
    let d = fixture();
    for (list, item) in [
        (",", "item 1 is empty"),
        ("a.example.com,", "item 2 is empty"),
        ("a.example.com,,b.example.com", "item 2 is empty"),
    ] {
        let r = d.cfssl(&with(GENCERT, &["-hostname", list, "leaf.json"]));
        refused_1300(&r, &["-hostname", item]);
        let r = d.cfssl(&with(SIGN, &["-hostname", list, "leaf.csr"]));
        refused_1300(&r, &["-hostname", item]);
    }
}

#[test]
fn hosts_that_are_not_host_names_are_refused() {
    let d = fixture();
    for host in [
        "ex ample.com",
        "*.",
        "*",
        "a..b",
        "example.com.",
        "-a.example.com",
        "a.*.example.com",
        "10.0.0.1:443",
    ] {
        let quoted = serde_json::to_string(host).unwrap_or_default();
        let needle = format!("invalid DNS name {}", quoted.replace('"', "\\\""));
        d.write("bad.json", format!(r#"{{"CN":"x","hosts":[{quoted}]}}"#));
        refused_1300(&d.cfssl(&with(GENCERT, &["bad.json"])), &[&needle]);
        refused_1300(&d.cfssl(&["genkey", "bad.json"]), &[&needle]);
        let r = d.cfssl(&with(SIGN, &["-hostname", host, "leaf.csr"]));
        refused_1300(&r, &[&needle]);
    }
    // Over-long labels and names.
    let label = format!("{}.example.com", "a".repeat(64));
    let r = d.cfssl(&with(SIGN, &["-hostname", &label, "leaf.csr"]));
    refused_1300(&r, &["at most 63"]);
    let name = format!("{}.com", vec!["a".repeat(62); 4].join("."));
    let r = d.cfssl(&with(SIGN, &["-hostname", &name, "leaf.csr"]));
    refused_1300(&r, &["at most 253"]);
}

#[test]
fn a_csr_san_that_is_not_a_host_name_is_refused() {
    let d = fixture();
    d.openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=x",
        "-addext",
        "subjectAltName=DNS:a..b",
        "-keyout",
        "k.pem",
        "-out",
        "bad.csr",
    ])
    .ok();
    refused_1300(
        &d.cfssl(&with(SIGN, &["bad.csr"])),
        &[r#"invalid DNS name \"a..b\""#],
    );
    // -hostname replaces the CSR's names, so this one is fine.
    d.cfssl(&with(SIGN, &["-hostname", "good.example.com", "bad.csr"]))
        .ok();
}

#[test]
fn host_names_people_use_are_issued() {
    let d = fixture();
    let hosts = "kubernetes,worker-0,kube_dns.kube-system,*.example.com,bücher.example";
    let r = d.cfssl(&with(GENCERT, &["-hostname", hosts, "leaf.json"]));
    let info = cert_of(&d, &r, "ok.pem");
    assert_eq!(
        info["sans"],
        serde_json::json!([
            "kubernetes",
            "worker-0",
            "kube_dns.kube-system",
            "*.example.com",
            "xn--bcher-kva.example"
        ])
    );
}

/// `"hosts": [""]` is a common idiom for "no hosts": dropped with a warning instead of an
/// empty dNSName.
#[test]
fn an_empty_hosts_entry_is_dropped_with_a_warning() {
    let d = fixture();
    d.write("empty.json", r#"{"CN":"e","hosts":["", "a.example.com"]}"#);
    let r = d.cfssl(&with(GENCERT, &["empty.json"]));
    assert!(
        r.stderr
            .contains("[WARNING] ignoring an empty entry in hosts"),
        "{}",
        r.stderr
    );
    let info = cert_of(&d, &r, "e.pem");
    assert_eq!(info["sans"], serde_json::json!(["a.example.com"]));
}

#[test]
fn subject_values_over_their_upper_bounds_are_refused() {
    let d = fixture();
    let long_cn = "c".repeat(100);
    for (subject, needles) in [
        (
            format!(r#""CN":"{long_cn}""#),
            vec![
                "subject CN",
                "100 characters long",
                "at most 64",
                "ub-common-name",
            ],
        ),
        (
            r#""CN":"x","names":[{"C":"USA"}]"#.to_owned(),
            vec![
                r#"subject C \"USA\""#,
                "two-letter",
                "ub-country-name-alpha-length",
            ],
        ),
        (
            format!(r#""CN":"x","names":[{{"O":"{}"}}]"#, "o".repeat(65)),
            vec!["subject O", "at most 64", "ub-organization-name"],
        ),
        (
            format!(r#""CN":"x","names":[{{"L":"{}"}}]"#, "l".repeat(129)),
            vec!["subject L", "at most 128", "ub-locality-name"],
        ),
    ] {
        d.write("bad.json", format!("{{{subject}}}"));
        refused_1300(&d.cfssl(&["genkey", "bad.json"]), &needles);
        refused_1300(&d.cfssl(&with(GENCERT, &["bad.json"])), &needles);
        refused_1300(&d.cfssl(&["gencert", "-initca", "bad.json"]), &needles);
        refused_1300(&d.cfssl(&["selfsign", "x", "bad.json"]), &needles);
        // The SUBJECT file of `sign` replaces the CSR's subject: same bounds.
        refused_1300(&d.cfssl(&with(SIGN, &["leaf.csr", "bad.json"])), &needles);
    }
    // At the bound is fine.
    d.write(
        "ok.json",
        format!(r#"{{"CN":"{}","names":[{{"C":"US"}}]}}"#, "c".repeat(64)),
    );
    d.cfssl(&with(GENCERT, &["ok.json"])).ok();
}

#[test]
fn urls_that_cannot_be_in_a_certificate_are_refused() {
    let d = fixture();
    for (field, value) in [
        ("issuer_urls", r#"["http://é.example/ca.pem"]"#),
        ("ocsp_url", r#""http://é.example/ocsp""#),
        ("crl_url", r#""http://é.example/ca.crl""#),
    ] {
        d.write(
            "urls.json",
            format!(
                r#"{{"signing":{{"default":{{"expiry":"1h","usages":["server auth"],"{field}":{value}}}}}}}"#
            ),
        );
        let r = d.cfssl(&with(SIGN, &["-config", "urls.json", "leaf.csr"]));
        r.fails_with("\"code\":5200");
        assert!(
            r.stderr
                .contains(&format!("signing profile default: {field}"))
                && r.stderr.contains("not ASCII"),
            "{}",
            r.stderr
        );
    }
    let r = d.cfssl(&with(
        GENCERT,
        &["-crl", "http://é.example/ca.crl", "leaf.json"],
    ));
    r.fails_with("-crl");
    // ASCII (an IDN host as its A-label) is issued.
    d.write(
        "urls.json",
        r#"{"signing":{"default":{"expiry":"1h","usages":["server auth"],
            "issuer_urls":["http://xn--9ca.example/ca.pem"],"ocsp_url":"http://ocsp.example.com",
            "crl_url":"http://crl.example.com/ca.crl"}}}"#,
    );
    d.cfssl(&with(SIGN, &["-config", "urls.json", "leaf.csr"]))
        .ok();
}

#[test]
fn ca_powers_are_dropped_from_a_leaf_with_a_warning() {
    let d = fixture();
    let r = d.cfssl(&with(
        SIGN,
        &["-config", "config.json", "-profile", "leafsign", "leaf.csr"],
    ));
    r.ok();
    assert!(
        r.stderr.contains(
            r#"[WARNING] dropped usage "cert sign" and "crl sign" of signing profile "leafsign""#
        ),
        "{}",
        r.stderr
    );
    d.save(&r, "cert", "leaf.pem");
    let ku = d.openssl(&["x509", "-in", "leaf.pem", "-noout", "-ext", "keyUsage"]);
    assert!(ku.stdout.contains("Digital Signature"), "{}", ku.stdout);
    assert!(!ku.stdout.contains("Certificate Sign"), "{}", ku.stdout);
    assert!(!ku.stdout.contains("CRL Sign"), "{}", ku.stdout);
    // A CA profile keeps them, without a word.
    d.write("int.json", r#"{"CN":"Intermediate"}"#);
    let g = d.cfssl(&["genkey", "int.json"]);
    d.save(&g, "csr", "int.csr");
    let r = d.cfssl(&with(
        SIGN,
        &["-config", "config.json", "-profile", "casign", "int.csr"],
    ));
    r.ok();
    assert!(!r.stderr.contains("dropped usage"), "{}", r.stderr);
    d.save(&r, "cert", "int.pem");
    let ku = d.openssl(&["x509", "-in", "int.pem", "-noout", "-ext", "keyUsage"]);
    assert!(
        ku.stdout.contains("Certificate Sign, CRL Sign"),
        "{}",
        ku.stdout
    );
}

#[test]
fn selfsign_has_an_authority_key_id_equal_to_its_subject_key_id() {
    let d = fixture();
    let r = d.cfssl(&["selfsign", "leaf.example.com", "leaf.json"]);
    let info = cert_of(&d, &r, "self.pem");
    let ski = info["subject_key_id"].as_str().unwrap_or_default();
    assert!(!ski.is_empty());
    assert_eq!(info["authority_key_id"].as_str(), Some(ski));
}
