//! Black-box tests of the `cfssl-rs` framework: dispatcher, shared flag set, usage texts,
//! config loading, `version` and `print-defaults` (docs/cfssl-compat.md §1.1, §1.6, §1.7.7, §1.7.10,
//! Appendix A; transcript steps 1–7).

use assert_cmd::cargo::cargo_bin_cmd;

/// The top-level usage with today's command set (sorted; cfssl's order is random).
fn top_usage() -> String {
    let mut names = registered_commands();
    names.sort_unstable();
    let mut s = String::from("Usage:\nAvailable commands:\n");
    for n in names {
        s.push_str(&format!("\t{n}\n"));
    }
    s.push_str("Top-level flags:\n");
    s
}

/// The command names the binary lists in its top-level usage.
fn registered_commands() -> Vec<String> {
    let out = cargo_bin_cmd!("cfssl-rs")
        .arg("-h")
        .output()
        .unwrap_or_else(|e| unreachable!("spawn: {e}"));
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix('\t').map(str::to_owned))
        .collect()
}

const VERSION_USAGE: &str = include_str!("fixtures/usage-version.txt");
const PRINT_DEFAULTS_USAGE: &str = include_str!("fixtures/usage-print-defaults.txt");
const NOT_ENOUGH: &str = "not enough arguments are supplied --- please refer to the usage\n";
const LIST: &str = "Default configurations are available for:\n\tconfig\n\tcsr\n";

fn cfssl(args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("cfssl-rs").args(args).assert()
}

#[test]
fn no_command() {
    cfssl(&[])
        .code(1)
        .stdout("")
        .stderr(format!("No command is given.\n{}", top_usage()));
    // `--` ends the (empty) top-level flag set; still no command.
    cfssl(&["--"])
        .code(1)
        .stderr(format!("No command is given.\n{}", top_usage()));
}

#[test]
fn top_level_usage_lists_commands_sorted() {
    let names = registered_commands();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(names.iter().any(|n| n == "version"));
    assert!(names.iter().any(|n| n == "print-defaults"));
}

#[test]
fn unknown_command() {
    for name in ["foo", "-"] {
        cfssl(&[name, "-h"])
            .code(1)
            .stdout("")
            .stderr(format!("Command {name} is not defined.\n{}", top_usage()));
    }
    // A likely typo also gets the closest command name (docs/cfssl-compat.md §1.1 step 3, plus a hint).
    cfssl(&["Version", "-h"]).code(1).stdout("").stderr(format!(
        "Command Version is not defined.\nDid you mean version?\n{}",
        top_usage()
    ));
}

#[test]
fn top_level_help_exits_0() {
    for flag in ["-h", "-help", "--help", "--h", "-h=1"] {
        cfssl(&[flag, "version"])
            .code(0)
            .stdout("")
            .stderr(top_usage());
    }
}

#[test]
fn top_level_unknown_flag_exits_2() {
    cfssl(&["-bogus", "version"])
        .code(2)
        .stdout("")
        .stderr(format!(
            "flag provided but not defined: -bogus\n{}",
            top_usage()
        ));
    // The top-level set is empty: even a command flag is undefined there.
    cfssl(&["--config=x", "version"]).code(2).stderr(format!(
        "flag provided but not defined: -config\n{}",
        top_usage()
    ));
    cfssl(&["---x"])
        .code(2)
        .stderr(format!("bad flag syntax: ---x\n{}", top_usage()));
}

#[test]
fn double_dash_before_the_command() {
    cfssl(&["--", "version"]).code(0).stdout(version_text());
}

fn version_text() -> String {
    format!("Version: {}\nRuntime: rust\n", env!("CARGO_PKG_VERSION"))
}

#[test]
fn version_ignores_arguments_and_accepts_every_flag() {
    cfssl(&["version"])
        .code(0)
        .stdout(version_text())
        .stderr("");
    cfssl(&["version", "a", "b", "-ca", "x", "-initca", "--port=0x10"])
        .code(0)
        .stdout(version_text())
        .stderr("");
}

#[test]
fn command_help_exits_0_with_verbatim_usage() {
    for args in [
        &["version", "-h"][..],
        &["version", "-help"],
        &["version", "--help"],
        &["version", "x", "-h"],
    ] {
        cfssl(args).code(0).stdout("").stderr(VERSION_USAGE);
    }
    cfssl(&["print-defaults", "-h"])
        .code(0)
        .stdout("")
        .stderr(PRINT_DEFAULTS_USAGE);
}

/// Every Appendix A usage, byte for byte, for each command that is registered (the rest
/// are checked by `usage.rs`'s unit tests until their command lands).
#[test]
fn appendix_a_usages_of_registered_commands() {
    let registered = registered_commands();
    let fixtures = [
        ("gencert", include_str!("fixtures/usage-gencert.txt")),
        ("sign", include_str!("fixtures/usage-sign.txt")),
        ("genkey", include_str!("fixtures/usage-genkey.txt")),
        ("gencsr", include_str!("fixtures/usage-gencsr.txt")),
        ("selfsign", include_str!("fixtures/usage-selfsign.txt")),
        ("certinfo", include_str!("fixtures/usage-certinfo.txt")),
        ("print-defaults", PRINT_DEFAULTS_USAGE),
        ("gencrl", include_str!("fixtures/usage-gencrl.txt")),
        ("crl", include_str!("fixtures/usage-crl.txt")),
        ("version", VERSION_USAGE),
    ];
    for (name, text) in fixtures {
        if registered.iter().any(|r| r == name) {
            cfssl(&[name, "-h"]).code(0).stdout("").stderr(text);
        }
    }
}

#[test]
fn command_flag_errors_exit_2_with_usage() {
    let cases = [
        (
            &["version", "-bogus"][..],
            "flag provided but not defined: -bogus",
        ),
        (
            &["version", "x", "--bogus=1"],
            "flag provided but not defined: -bogus",
        ),
        (&["version", "-ca"], "flag needs an argument: -ca"),
        (
            &["version", "-port", "abc"],
            r#"invalid value "abc" for flag -port: parse error"#,
        ),
        (
            &["version", "-port=99999999999999999999"],
            r#"invalid value "99999999999999999999" for flag -port: value out of range"#,
        ),
        (
            &["version", "-port", "0x"],
            r#"invalid value "0x" for flag -port: parse error"#,
        ),
        (
            &["version", "-port", "1__0"],
            r#"invalid value "1__0" for flag -port: parse error"#,
        ),
        (
            &["version", "-loglevel", "1.5"],
            r#"invalid value "1.5" for flag -loglevel: parse error"#,
        ),
        (
            &["version", "-expiry", "1y"],
            r#"invalid value "1y" for flag -expiry: parse error"#,
        ),
        (
            &["version", "-initca=maybe"],
            r#"invalid boolean value "maybe" for -initca: parse error"#,
        ),
        (
            &["version", "-initca="],
            r#"invalid boolean value "" for -initca: parse error"#,
        ),
        (&["version", "-=x"], "bad flag syntax: -=x"),
    ];
    for (args, message) in cases {
        cfssl(args)
            .code(2)
            .stdout("")
            .stderr(format!("{message}\n{VERSION_USAGE}"));
    }
    cfssl(&["print-defaults", "csr", "-bogus"])
        .code(2)
        .stdout("")
        .stderr(format!(
            "flag provided but not defined: -bogus\n{PRINT_DEFAULTS_USAGE}"
        ));
}

#[test]
fn go_value_syntax_is_accepted() {
    for args in [
        &["version", "-initca=true"][..],
        &["version", "-initca=F"],
        &["version", "-initca=1"],
        &["version", "--initca=TRUE"],
        &["version", "-port", "0x1F"],
        &["version", "-port=0o17"],
        &["version", "-port=017"],
        &["version", "-port=0b101"],
        &["version", "-port=1_000"],
        &["version", "-port=-0x_10"],
        &["version", "-expiry", "1h30m"],
        &["version", "-interval=1.5h"],
        &["version", "-timeout=-300ms"],
        &["version", "-loglevel", "0x5"],
    ] {
        cfssl(args).code(0).stdout(version_text()).stderr("");
    }
}

#[test]
fn flags_anywhere_and_positionals() {
    // Difference #13: flags after the first positional are still flags.
    for args in [
        &["print-defaults", "csr", "-loglevel", "0"][..],
        &["print-defaults", "-loglevel=0", "csr"],
        &["print-defaults", "csr", "-initca", "--port", "1"],
    ] {
        cfssl(args)
            .code(0)
            .stdout(include_str!("../src/print-defaults-csr.json"))
            .stderr("");
    }
    // `-` alone is a positional (an unknown TYPE: the list).
    cfssl(&["print-defaults", "-"]).code(0).stdout(LIST);
    // `--` ends the flags: `-h` becomes the TYPE.
    cfssl(&["print-defaults", "--", "-h"]).code(0).stdout(LIST);
    // `-initca false`: `false` is a positional, the TYPE.
    cfssl(&["print-defaults", "-initca", "false"])
        .code(0)
        .stdout(LIST);
    // A bool flag does not take the next argument.
    cfssl(&["print-defaults", "-initca", "csr"])
        .code(0)
        .stdout(include_str!("../src/print-defaults-csr.json"));
    // A string flag does, even if it looks like a flag.
    cfssl(&["print-defaults", "-ca", "-h", "list"])
        .code(0)
        .stdout(LIST);
}

#[test]
fn repeated_flag_last_wins() {
    cfssl(&["version", "-config", "/nonexistent/cfg.json", "-config", ""])
        .code(0)
        .stdout(version_text());
    cfssl(&["version", "-config=", "--config", "/nonexistent/cfg.json"])
        .code(1)
        .stdout("");
}

#[test]
fn print_defaults_byte_exact() {
    // Transcript steps 6 and 7: cfssl's exact stdout, ending in an empty line.
    let csr = "{\n    \"CN\": \"example.net\",\n    \"hosts\": [\n        \"example.net\",\n        \"www.example.net\"\n    ],\n    \"key\": {\n        \"algo\": \"ecdsa\",\n        \"size\": 256\n    },\n    \"names\": [\n        {\n            \"C\": \"US\",\n            \"ST\": \"CA\",\n            \"L\": \"San Francisco\"\n        }\n    ]\n}\n\n";
    cfssl(&["print-defaults", "csr"])
        .code(0)
        .stdout(csr)
        .stderr("");
    assert_eq!(include_str!("../src/print-defaults-csr.json"), csr);
    cfssl(&["print-defaults", "config"])
        .code(0)
        .stdout(include_str!("../src/print-defaults-config.json"))
        .stderr("");
    assert!(include_str!("../src/print-defaults-config.json").ends_with("}\n}\n\n"));
}

#[test]
fn print_defaults_list_unknown_and_missing() {
    // Transcript steps 4 and 5.
    cfssl(&["print-defaults", "list"])
        .code(0)
        .stdout(LIST)
        .stderr("");
    cfssl(&["print-defaults", "bogus", "extra"])
        .code(0)
        .stdout(LIST);
    cfssl(&["print-defaults"])
        .code(1)
        .stdout("")
        .stderr(NOT_ENOUGH);
}

#[test]
fn config_load_failure_has_no_trailing_newline() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let missing = dir.path().join("missing.json");
    let expected = r#"Failed to load config file: {"code":5200,"message":"could not read configuration file"}"#;
    // Loaded before the command runs, for every command, even `version`.
    for config in [missing.as_path(), dir.path()] {
        let config = config.to_string_lossy();
        for command in ["version", "print-defaults"] {
            cfssl(&[command, "-config", &config, "list"])
                .code(1)
                .stdout("")
                .stderr(expected);
        }
    }
    // A flag error is reported before the config is loaded.
    let config = missing.to_string_lossy();
    cfssl(&["version", "-config", &config, "-bogus"])
        .code(2)
        .stderr(format!(
            "flag provided but not defined: -bogus\n{VERSION_USAGE}"
        ));
    // `-h` wins over a bad config too.
    cfssl(&["version", "-config", &config, "-h"])
        .code(0)
        .stderr(VERSION_USAGE);
    Ok(())
}

/// docs/cfssl-compat.md §7.3 #44/#45: the config is parsed and validated, not only read.
#[test]
fn config_syntax_and_validation_errors() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{bad")?;
    cfssl(&["version", "-config", &bad_json.to_string_lossy()])
        .code(1)
        .stdout("")
        .stderr(
            r#"Failed to load config file: {"code":5200,"message":"failed to unmarshal configuration: invalid character 'b' looking for beginning of object key string"}"#,
        );
    let no_signing = dir.path().join("nosigning.json");
    std::fs::write(&no_signing, "{}")?;
    cfssl(&["version", "-config", &no_signing.to_string_lossy()])
        .code(1)
        .stdout("")
        .stderr(r#"Failed to load config file: No "signing" field present"#);
    Ok(())
}
