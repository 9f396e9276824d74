//! Issue 15 item 3, `name_constraints` (README "Name constraints (extension)"): a constrained
//! intermediate issued from a profile, leaves inside it issued and verified by `openssl
//! verify`, leaves outside it refused by cfssl-rs naming the name, and the same outside
//! leaves, built by openssl itself, rejected by `openssl verify`.

mod common;
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

fn verify(d: &Dir, leaf: &str) -> Run {
    d.openssl(&[
        "verify",
        "-x509_strict",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "int.pem",
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
