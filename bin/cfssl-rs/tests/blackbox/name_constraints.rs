//! Issue 15 item 3, `name_constraints` (README "Name constraints (extension)"): a constrained
//! intermediate issued from a profile, leaves inside it issued and verified by `openssl
//! verify`, leaves outside it refused by cfssl-rs naming the name, and the same outside
//! leaves, built by openssl itself, rejected by `openssl verify`.

use crate::common;
use common::{Dir, Run};

const CONFIG: &str = r#"{"signing":{"default":{"expiry":"24h","usages":["signing","server auth"]},"profiles":{
    "nc":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true},
          "name_constraints":{"critical":true,
             "permitted":{"dns_domains":["example.test"],"ip_ranges":["10.0.0.0/8"]},
             "excluded":{"dns_domains":["bad.example.test"]}}},
    "server":{"expiry":"1h","usages":["digital signature","server auth"]}}}}"#;

/// root → constrained intermediate (`int.pem`, `int-key.pem`).
fn fixture() -> Dir {
    let d = Dir::new();
    d.root_ca("root", r#"{"algo":"ecdsa","size":256}"#);
    d.write("config.json", CONFIG);
    d.write(
        "int.json",
        r#"{"CN":"NC Intermediate","key":{"algo":"ecdsa","size":256}}"#,
    );
    let g = d.cfssl(&["genkey", "int.json"]);
    g.ok();
    d.save(&g, "csr", "int.csr");
    d.save(&g, "key", "int-key.pem");
    let r = d.cfssl(&[
        "sign",
        "-ca",
        "root.pem",
        "-ca-key",
        "root-key.pem",
        "-config",
        "config.json",
        "-profile",
        "nc",
        "int.csr",
    ]);
    r.ok();
    d.save(&r, "cert", "int.pem");
    d.write(
        "leaf.json",
        r#"{"CN":"leaf","key":{"algo":"ecdsa","size":256}}"#,
    );
    d
}

fn gencert_leaf(d: &Dir, hosts: &str) -> Run {
    d.cfssl(&[
        "gencert",
        "-ca",
        "int.pem",
        "-ca-key",
        "int-key.pem",
        "-config",
        "config.json",
        "-profile",
        "server",
        "-hostname",
        hosts,
        "leaf.json",
    ])
}

/// `openssl verify -x509_strict` of `leaf` up to root.pem through int.pem.
fn verify(d: &Dir, leaf: &str) -> Run {
    verify_through(d, "int.pem", leaf)
}

/// `openssl verify -x509_strict` of `leaf` up to root.pem through the CAs in `untrusted`.
fn verify_through(d: &Dir, untrusted: &str, leaf: &str) -> Run {
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "root.pem",
        "-untrusted",
        untrusted,
        leaf,
    ])
}

#[test]
fn the_intermediate_carries_critical_name_constraints() {
    let d = fixture();
    let text = d.openssl(&["x509", "-in", "int.pem", "-noout", "-text"]);
    text.ok();
    let expected = "            X509v3 Name Constraints: critical\n\
                    \x20               Permitted:\n\
                    \x20                 DNS:example.test\n\
                    \x20                 IP:10.0.0.0/255.0.0.0\n\
                    \x20               Excluded:\n\
                    \x20                 DNS:bad.example.test\n";
    assert!(
        text.stdout.contains(expected),
        "openssl x509 -text lacks\n{expected}in\n{}",
        text.stdout
    );
    let v = d.openssl(&["verify", "-x509_strict", "-CAfile", "root.pem", "int.pem"]);
    v.ok();
    assert_eq!(v.stdout.trim(), "int.pem: OK");
}

#[test]
fn leaves_inside_are_issued_and_verify() {
    let d = fixture();
    for (i, hosts) in ["www.example.test,10.1.2.3", "example.test", "10.255.0.1"]
        .iter()
        .enumerate()
    {
        let r = gencert_leaf(&d, hosts);
        r.ok();
        let name = format!("leaf{i}.pem");
        d.save(&r, "cert", &name);
        let v = verify(&d, &name);
        assert_eq!(v.code, 0, "{hosts}: {}{}", v.stdout, v.stderr);
        assert_eq!(v.stdout.trim(), format!("{name}: OK"));
    }
}

#[test]
fn leaves_outside_are_refused_and_openssl_agrees() {
    let d = fixture();
    for (host, san, message, openssl_error) in [
        (
            "www.other.test",
            "DNS:www.other.test",
            r#"x509: the DNS name \"www.other.test\" is not permitted by the CA's name constraints (permitted: example.test)"#,
            "permitted subtree violation",
        ),
        (
            "bad.example.test",
            "DNS:bad.example.test",
            r#"x509: the DNS name \"bad.example.test\" is excluded by the CA's name constraints (excluded: bad.example.test)"#,
            "excluded subtree violation",
        ),
        (
            "192.168.0.1",
            "IP:192.168.0.1",
            r#"x509: the IP address \"192.168.0.1\" is not permitted by the CA's name constraints (permitted: 10.0.0.0/8)"#,
            "permitted subtree violation",
        ),
    ] {
        let r = gencert_leaf(&d, &format!("www.example.test,{host}"));
        r.fails_with(r#""code":5300"#);
        assert!(r.stderr.contains(message), "{host}: {}", r.stderr);

        // The same leaf, made by openssl under the same intermediate.
        d.write("ext.cnf", format!("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName={san}\n"));
        d.openssl(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "out-key.pem",
            "-subj",
            "/CN=outside",
            "-out",
            "out.csr",
        ])
        .ok();
        d.openssl(&[
            "x509",
            "-req",
            "-in",
            "out.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int-key.pem",
            "-set_serial",
            "7",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
            "-out",
            "out.pem",
        ])
        .ok();
        let v = verify(&d, "out.pem");
        assert_ne!(v.code, 0, "{host}: openssl verify accepted it");
        let all = format!("{}{}", v.stdout, v.stderr);
        assert!(all.contains(openssl_error), "{host}: {all}");
    }
}

#[test]
fn config_errors_name_the_field() {
    let d = Dir::new();
    d.root_ca("root", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "leaf.json",
        r#"{"CN":"leaf","key":{"algo":"ecdsa","size":256}}"#,
    );
    for (nc_profile, message) in [
        (
            r#""ca_constraint":{"is_ca":true},"name_constraints":{"critical":true,"permitted":{"ip_ranges":["10.0.0.0/8","10.0.0.1/8"]}}"#,
            r#"signing profile \"p\": name_constraints.permitted.ip_ranges[1]: \"10.0.0.1/8\": has host bits set"#,
        ),
        (
            r#""ca_constraint":{"is_ca":true},"name_constraints":{"critical":true,"permited":{}}"#,
            r#"signing profile \"p\": name_constraints.permited: unknown key (known keys: critical, permitted, excluded)"#,
        ),
        (
            r#""name_constraints":{"critical":true,"permitted":{"dns_domains":["example.test"]}}"#,
            r#"signing profile \"p\": name_constraints needs ca_constraint.is_ca: true"#,
        ),
    ] {
        d.write(
            "config.json",
            format!(
                r#"{{"signing":{{"default":{{"expiry":"1h"}},"profiles":{{"p":{{"expiry":"1h","usages":["cert sign"],{nc_profile}}}}}}}}}"#
            ),
        );
        let r = d.cfssl(&[
            "gencert",
            "-ca",
            "root.pem",
            "-ca-key",
            "root-key.pem",
            "-config",
            "config.json",
            "-profile",
            "p",
            "leaf.json",
        ]);
        r.fails_with(r#""code":5200"#);
        assert!(r.stderr.contains(message), "{}", r.stderr);
    }
}

/// Signs `NAME.csr` (a new ECDSA key) under `ca` with `profile`, plus `extra` flags.
fn sign_ca(d: &Dir, name: &str, ca: &str, profile: &str, extra: &[&str]) -> Run {
    d.write(
        &format!("{name}.json"),
        format!(r#"{{"CN":"{name}","key":{{"algo":"ecdsa","size":256}}}}"#),
    );
    let g = d.cfssl(&["genkey", &format!("{name}.json")]);
    g.ok();
    d.save(&g, "csr", &format!("{name}.csr"));
    d.save(&g, "key", &format!("{name}-key.pem"));
    let ca_key = format!("{ca}-key.pem");
    let ca_cert = format!("{ca}.pem");
    let csr = format!("{name}.csr");
    let mut args = vec![
        "sign",
        "-ca",
        &ca_cert,
        "-ca-key",
        &ca_key,
        "-config",
        "config.json",
        "-profile",
        profile,
    ];
    args.extend_from_slice(extra);
    args.push(&csr);
    d.cfssl(&args)
}

const SUB_PROFILES: &str = r#"{"signing":{"default":{"expiry":"24h","usages":["signing","server auth"]},"profiles":{
    "nc":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true},
          "name_constraints":{"critical":true,
             "permitted":{"dns_domains":["example.test"],"ip_ranges":["10.0.0.0/8"]},
             "excluded":{"dns_domains":["bad.example.test"]}}},
    "plainca":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true}},
    "narrower":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true},
          "name_constraints":{"critical":true,"permitted":{"dns_domains":["a.example.test"],"ip_ranges":["10.1.0.0/16"]}}},
    "wider":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true},
          "name_constraints":{"critical":true,"permitted":{"dns_domains":["example.test","example.com"],"ip_ranges":["10.0.0.0/8"]}}},
    "noip":{"expiry":"24h","usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true},
          "name_constraints":{"critical":true,"permitted":{"dns_domains":["a.example.test"]}}},
    "server":{"expiry":"1h","usages":["digital signature","server auth"]}}}}"#;

/// A subordinate CA whose own constraints ask for more than its issuer's is refused, naming
/// the subtree; a narrower one is issued, and openssl verifies a leaf under it.
/// `sub`: a CA without constraints of its own under the constrained `int` (profile
/// `plainca`), with `chain.pem` = sub + int for openssl. Returns the signing run.
fn plain_sub_ca(d: &Dir) -> Run {
    d.write("config.json", SUB_PROFILES);
    let r = sign_ca(d, "sub", "int", "plainca", &[]);
    r.ok();
    d.save(&r, "cert", "sub.pem");
    d.write("chain.pem", d.read("sub.pem") + &d.read("int.pem"));
    r
}

#[test]
fn subordinate_ca_may_not_widen_the_constraints() {
    let d = fixture();
    d.write("config.json", SUB_PROFILES);
    let r = sign_ca(&d, "wide", "int", "wider", &[]);
    r.fails_with(r#""code":5300"#);
    assert!(
        r.stderr.contains(
            "x509: the subordinate CA asks for permitted DNS domain example.com, wider than the \
             issuer's name constraints allow (permitted: example.test)"
        ),
        "{}",
        r.stderr
    );
    let r = sign_ca(&d, "noip", "int", "noip", &[]);
    r.fails_with(r#""code":5300"#);
    assert!(
        r.stderr
            .contains("permit every IP range, wider than the issuer's (permitted: 10.0.0.0/8)"),
        "{}",
        r.stderr
    );

    let r = sign_ca(&d, "narrow", "int", "narrower", &[]);
    r.ok();
    d.save(&r, "cert", "narrow.pem");
    d.write("chain.pem", d.read("narrow.pem") + &d.read("int.pem"));
    let leaf = d.cfssl(&[
        "gencert",
        "-ca",
        "narrow.pem",
        "-ca-key",
        "narrow-key.pem",
        "-ca-chain",
        "int.pem",
        "-config",
        "config.json",
        "-profile",
        "server",
        "-hostname",
        "www.a.example.test",
        "leaf.json",
    ]);
    leaf.ok();
    d.save(&leaf, "cert", "leaf.pem");
    let v = verify_through(&d, "chain.pem", "leaf.pem");
    assert_eq!(v.stdout.trim(), "leaf.pem: OK", "{}", v.stderr);
}

/// A CA without constraints under a constrained one: with `-ca-chain` the signer applies
/// the constraints of every certificate above it, as RFC 5280 path validation (and openssl)
/// does; the warning when that CA is made says its certificate does not state them.
#[test]
fn constraints_apply_along_the_whole_chain() {
    let d = fixture();
    let r = plain_sub_ca(&d);
    assert!(
        r.stderr
            .contains("without name_constraints under a name-constrained CA"),
        "{}",
        r.stderr
    );
    let gencert = |hosts: &str, chain: bool| {
        let mut args = vec!["gencert", "-ca", "sub.pem", "-ca-key", "sub-key.pem"];
        if chain {
            args.extend_from_slice(&["-ca-chain", "int.pem"]);
        }
        args.extend_from_slice(&[
            "-config",
            "config.json",
            "-profile",
            "server",
            "-hostname",
            hosts,
            "leaf.json",
        ]);
        d.cfssl(&args)
    };
    let r = gencert("www.other.test", true);
    r.fails_with(r#""code":5300"#);
    assert!(
        r.stderr.contains(
            r#"x509: the DNS name \"www.other.test\" is not permitted by the CA's name constraints (permitted: example.test)"#
        ),
        "{}",
        r.stderr
    );
    // Without the chain the signer sees only sub.pem, which has no constraints: the leaf is
    // issued, and openssl rejects it for the intermediate's constraints.
    let r = gencert("www.other.test", false);
    r.ok();
    d.save(&r, "cert", "outside.pem");
    let v = verify_through(&d, "chain.pem", "outside.pem");
    assert_ne!(v.code, 0);
    assert!(format!("{}{}", v.stdout, v.stderr).contains("permitted subtree violation"));

    let r = gencert("www.example.test", true);
    r.ok();
    d.save(&r, "cert", "inside.pem");
    let v = verify_through(&d, "chain.pem", "inside.pem");
    assert_eq!(v.stdout.trim(), "inside.pem: OK", "{}", v.stderr);
}

#[test]
fn a_chain_that_did_not_issue_the_ca_is_refused() {
    let d = fixture();
    d.write("config.json", SUB_PROFILES);
    d.root_ca("other", r#"{"algo":"ecdsa","size":256}"#);
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        "int.pem",
        "-ca-key",
        "int-key.pem",
        "-ca-chain",
        "other.pem",
        "-config",
        "config.json",
        "-profile",
        "server",
        "-hostname",
        "www.example.test",
        "leaf.json",
    ]);
    r.fails_with("certificate 1 of the CA chain did not issue the CA certificate");
    assert!(
        r.stderr.contains("in the CA chain other.pem"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = d.cfssl(&["gencert", "-initca", "-ca-chain", "root.pem", "leaf.json"]);
    r.fails_with("-ca-chain lists the certificates above the signing CA");
}

/// `serve -ca-chain`: the API server's signer applies the constraints of the certificates
/// above its CA too, so an online sub-CA under a constrained intermediate cannot be asked
/// for a name outside them over HTTP either: the refusal is cfssl's 400 with no result.
#[test]
fn serve_applies_the_chain_constraints() {
    let d = fixture();
    plain_sub_ca(&d);
    let g = d.cfssl(&["genkey", "leaf.json"]);
    g.ok();
    let csr = g.field("csr");
    let request = |host: &str| {
        serde_json::json!({"certificate_request": csr, "hosts": [host], "profile": "server"})
            .to_string()
    };
    let server = common::server::Server::start(
        d.tmp.path(),
        &[
            "serve",
            "-address",
            "127.0.0.1",
            "-port",
            "0",
            "-ca",
            "sub.pem",
            "-ca-key",
            "sub-key.pem",
            "-ca-chain",
            "int.pem",
            "-config",
            "config.json",
        ],
    );
    let url = format!("http://127.0.0.1:{}/api/v1/cfssl/sign", server.port);

    let refused = common::server::curl("POST", &url, Some(request("www.other.test").as_bytes()));
    let body = refused.json();
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        (&body["success"], &body["result"]),
        (&false.into(), &serde_json::Value::Null)
    );
    assert_eq!(body["errors"][0]["code"], 5300, "{}", refused.body);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(r#"the DNS name "www.other.test" is not permitted"#)),
        "{}",
        refused.body
    );

    let issued = common::server::curl("POST", &url, Some(request("www.example.test").as_bytes()));
    let body = issued.json();
    assert_eq!(body["success"], true, "{}", issued.body);
    d.write(
        "inside.pem",
        body["result"]["certificate"].as_str().unwrap_or_default(),
    );
    let v = verify_through(&d, "chain.pem", "inside.pem");
    assert_eq!(v.stdout.trim(), "inside.pem: OK", "{}", v.stderr);
}
