//! What cfssl-rs does not do is refused by name (issue 12 item 4): cfssl commands it does
//! not implement, flags that would change the result but do nothing here, and signing-config
//! settings it does not implement. A real typo keeps cfssl's "Command X is not defined."
//! and gets a suggestion.

use crate::common;
use common::Dir;

/// Every cfssl 1.6.5 command cfssl-rs does not implement (docs/cfssl-compat.md §1.1, §1.8), plus
/// cfssl's separate server program, with a word its message must contain.
const UNIMPLEMENTED: &[(&str, &str)] = &[("scan", "openssl s_client")];

#[test]
fn unimplemented_commands_are_refused_by_name() {
    let d = Dir::new();
    for (name, hint) in UNIMPLEMENTED {
        for args in [
            vec![*name],
            vec![*name, "-h"],
            vec![*name, "-ca", "ca.pem", "x"],
        ] {
            let r = d.cfssl(&args);
            r.fails_with(&format!("cfssl-rs does not implement `{name}`: "));
            r.fails_with(hint);
            assert!(!r.stderr.contains("is not defined"), "{name}: {}", r.stderr);
            assert!(!r.stderr.contains("Usage:"), "{name}: {}", r.stderr);
        }
    }
    assert!(d.files().is_empty());
}

/// The unimplemented commands are not offered as available (help goes to stdout).
#[test]
fn unimplemented_commands_are_not_listed() {
    let r = Dir::new().cfssl(&["-h"]);
    let commands = r.stdout.split("\nCommands:\n").nth(1).unwrap_or_default();
    let commands = commands.split("\n\n").next().unwrap_or_default();
    assert!(commands.contains("  gencert "), "{}", r.stdout);
    for (name, _) in UNIMPLEMENTED {
        assert!(!commands.contains(&format!("  {name} ")), "{name} listed");
    }
}

#[test]
fn a_typo_is_not_defined_and_gets_a_suggestion() {
    let d = Dir::new();
    for (typo, meant) in [
        ("gencrt", "gencert"),
        ("singn", "sign"),
        ("certnfo", "certinfo"),
        ("print-default", "print-defaults"),
        ("Version", "version"),
        ("bundel", "bundle"),
        ("selfsing", "selfsign"),
    ] {
        let r = d.cfssl(&[typo, "csr.json"]);
        r.fails_with(&format!(
            "Command {typo} is not defined.\nDid you mean {meant}?\n"
        ));
        assert!(r.stderr.contains("\nCommands:\n"), "{}", r.stderr);
    }
    // Nothing close: cfssl's message alone.
    for far in ["foo", "-", "frobnicate"] {
        let r = d.cfssl(&[far]);
        r.fails_with(&format!("Command {far} is not defined.\ncfssl-rs -- "));
        assert!(!r.stderr.contains("Did you mean"), "{}", r.stderr);
    }
}

/// Flags cfssl-rs does not honour (`-authkey`, which cfssl never reads either):
/// an error naming the flag, on every command, nothing on stdout, no file written. The
/// remote client's flags are refused where they would change nothing
/// (`remote_flags_are_refused_where_nothing_is_remote`).
#[test]
fn unsupported_flags_are_errors_naming_them() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let before = d.files();
    for (flag, why) in [("-authkey", "auth_remote")] {
        let leaf = [
            "gencert",
            "-ca",
            &ca,
            "-ca-key",
            &key,
            flag,
            "x",
            "leaf.json",
        ];
        let root = ["gencert", "-initca", flag, "x", "leaf.json"];
        let version = ["version", flag, "x"];
        let equals = format!("{flag}=x");
        let sign = ["sign", "-ca", &ca, "-ca-key", &key, &equals, "leaf.csr"];
        for args in [&leaf[..], &root, &version, &sign] {
            let r = d.cfssl(args);
            r.fails_with(&format!("{flag}: cfssl-rs"));
            r.fails_with(why);
        }
    }
    assert_eq!(d.files(), before, "a refused command wrote a file");
}

/// The remote client's flags where nothing goes remote: cfssl ignores them there, which
/// would hide a request the user meant to send to a server.
#[test]
fn remote_flags_are_refused_where_nothing_is_remote() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let before = d.files();
    let cases: &[(&[&str], &str)] = &[
        (
            &["version", "-remote", "h:1"],
            "-remote: `version` has no remote mode",
        ),
        (
            &["selfsign", "-tls-remote-ca", "x", "h", "leaf.json"],
            "-tls-remote-ca: `selfsign` has no remote mode",
        ),
        (
            &["gencert", "-initca", "-remote", "h:1", "leaf.json"],
            "-remote: gencert -initca",
        ),
        (
            &[
                "gencert",
                "-ca",
                &ca,
                "-ca-key",
                &key,
                "-remote",
                "h:1",
                "leaf.json",
            ],
            "-ca: this request is signed by a remote server",
        ),
        (
            &[
                "gencert",
                "-ca",
                &ca,
                "-ca-key",
                &key,
                "-label",
                "L",
                "leaf.json",
            ],
            "-label picks the CA on a remote",
        ),
        (
            &[
                "gencert",
                "-ca",
                &ca,
                "-ca-key",
                &key,
                "-tls-remote-ca",
                "x",
                "leaf.json",
            ],
            "-tls-remote-ca: applies to a remote server",
        ),
        (
            &[
                "gencert",
                "-ca",
                &ca,
                "-ca-key",
                &key,
                "-mutual-tls-client-key",
                "x",
                "leaf.json",
            ],
            "-mutual-tls-client-key: applies to a remote server",
        ),
        (
            &[
                "gencert",
                "-remote",
                "h:1",
                "-db-config",
                "db.json",
                "leaf.json",
            ],
            "-db-config: this request is signed by a remote server",
        ),
        (
            &["sign", "-remote", "h:1", "-batch", "dir"],
            "-batch signs with a local CA",
        ),
        (
            &[
                "revoke",
                "-remote",
                "h:1",
                "-serial",
                "1",
                "-aki",
                "ab",
                "-db-config",
                "db.json",
            ],
            "-db-config: this request is signed by a remote server",
        ),
    ];
    for (args, message) in cases {
        d.cfssl(args).fails_with(message);
    }
    assert_eq!(d.files(), before, "a refused command wrote a file");
}

/// Our own flags where the command does not read them: no cfssl command line has them, and
/// the command would run as if they were not there (an unencrypted key written despite
/// `-encrypt-key`, a PKCS#12 option on a signature). Refused before anything runs, naming
/// the commands that read the flag; nothing printed or written.
#[test]
fn extension_flags_are_refused_where_not_read() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    let genkey = d.cfssl(&["genkey", "leaf.json"]);
    genkey.ok();
    d.save(&genkey, "csr", "leaf.csr");
    let before = d.files();
    let cases: &[(&[&str], &str)] = &[
        (
            &["gencsr", "-encrypt-key", "-key", &key, "leaf.json"],
            "-encrypt-key: `gencsr` does not read it (it is a cfssl-rs flag of gencert, genkey, selfsign); drop -encrypt-key",
        ),
        (
            &["sign", "-ca", &ca, "-ca-key", &key, "-legacy", "leaf.csr"],
            "-legacy: `sign` does not read it (it is a cfssl-rs flag of pkcs12); drop -legacy",
        ),
        (
            &["certinfo", "-cert", &ca, "-out", "ca.txt"],
            "-out: `certinfo` does not read it (it is a cfssl-rs flag of key, pkcs12); drop -out",
        ),
        (
            &["crl", "-ca", &ca, "-ca-key", &key, "-yes"],
            "-yes: `crl` does not read it (it is a cfssl-rs flag of ceremony); drop -yes",
        ),
        (
            &["multirootca", "-ca-chain", &ca, "-roots", "roots.conf"],
            "-ca-chain: `multirootca` does not read it (it is a cfssl-rs flag of gencert, k8s-sign, serve, sign); drop -ca-chain",
        ),
        (
            &["genkey", "-key-password-file", "pw.txt", "leaf.json"],
            "-key-password-file: `genkey` does not read it (it is a cfssl-rs flag of pkcs12); drop -key-password-file",
        ),
    ];
    for (args, message) in cases {
        d.cfssl(args).fails_with(message);
    }
    // Read by gencert, but meaningless where gencert prints no new key.
    let reused = "reuse the existing CA key and print no private key, so there is nothing to \
                  encrypt; drop -encrypt-key";
    d.cfssl(&[
        "gencert",
        "-renewca",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-encrypt-key",
    ])
    .fails_with(reused);
    d.cfssl(&[
        "gencert",
        "-initca",
        "-ca-key",
        &key,
        "-encrypt-key",
        "leaf.json",
    ])
    .fails_with(reused);
    assert_eq!(d.files(), before, "a refused command wrote a file");
    // Where it is read, the same flag works.
    let signed = d.cfssl(&[
        "sign",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-ca-chain",
        &ca,
        "leaf.csr",
    ]);
    assert!(signed.ok().field("cert").contains("BEGIN CERTIFICATE"));
}

/// cfssl treats an empty string flag as unset: so does the refusal.
#[test]
fn an_empty_unsupported_flag_counts_as_not_given() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    d.cfssl(&[
        "gencert",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-remote",
        "",
        "-db-config=",
        "-label",
        "",
        "-mutual-tls-ca=",
        "leaf.json",
    ])
    .ok();
}

/// Parameters of the commands refused as a whole change nothing in the commands cfssl-rs
/// runs (cfssl ignores them there too): still accepted, as cfssl's shared flag set does.
#[test]
fn parameters_of_refused_commands_stay_accepted() {
    Dir::new()
        .cfssl(&[
            "version",
            "-port",
            "9000",
            "-flavor",
            "optimal",
            "-interval",
            "1h",
        ])
        .ok();
}

fn config_with(profile_setting: &str) -> String {
    format!(
        r#"{{"signing":{{"default":{{"expiry":"1h"}},"profiles":{{"www":{{"usages":["server auth"],"expiry":"1h",{profile_setting}}}}}}}}}"#
    )
}

/// Signing-config settings cfssl-rs does not implement fail the config load (cfssl's code
/// 5200), naming the setting and the profile; nothing is signed.
#[test]
fn unsupported_config_settings_are_refused() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    for (setting, named) in [
        (
            r#""ct_log_servers":["https://ct.example.com/log"]"#,
            "ct_log_servers",
        ),
        (r#""RemoteServer":"ca.example.com:8888""#, "RemoteServer"),
        (
            r#""policies":[{"ID":"1.2.3.4","Qualifiers":[{"Value":"x"}]}]"#,
            "Qualifiers",
        ),
    ] {
        d.write("cfg.json", config_with(setting));
        let r = d.cfssl(&[
            "gencert",
            "-ca",
            &ca,
            "-ca-key",
            &key,
            "-config",
            "cfg.json",
            "-profile",
            "www",
            "leaf.json",
        ]);
        r.fails_with(
            r#"Failed to load config file: {"code":5200,"message":"signing profile \"www\": "#,
        );
        r.fails_with(named);
    }
    // In the default profile too.
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"1h","ct_log_servers":["https://ct.example.com/log"]}}}"#,
    );
    d.cfssl(&[
        "gencert",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-config",
        "cfg.json",
        "leaf.json",
    ])
    .fails_with("signing profile default: ct_log_servers");
}

/// The inert values of those settings (what cfssl does nothing with either) still load.
#[test]
fn inert_config_settings_still_load() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write("leaf.json", r#"{"CN":"leaf","hosts":["leaf.example.com"]}"#);
    d.write(
        "cfg.json",
        config_with(
            r#""lint_error_level":"reserved","ignored_lints":[],"ignored_lint_sources":[],"ct_log_servers":[],"RemoteServer":"","cert_store":"db","allowed_extensions":["1.2.3.4"]"#,
        ),
    );
    d.cfssl(&[
        "gencert",
        "-ca",
        &ca,
        "-ca-key",
        &key,
        "-config",
        "cfg.json",
        "-profile",
        "www",
        "leaf.json",
    ])
    .ok();
}
