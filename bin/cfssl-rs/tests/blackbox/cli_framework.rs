//! Black-box tests of the `cfssl-rs` framework: dispatcher, shared flag set, help,
//! completions and the man page, config loading, `version` and `print-defaults`
//! (docs/cfssl-compat.md §1.1, §1.6, §1.7.7, §1.7.10; transcript steps 1–7; issue 12 items 5
//! and 6). cfssl's usage texts are not a contract (issue 12): help is checked for what it
//! does, not compared with cfssl's wording.

use assert_cmd::cargo::cargo_bin_cmd;

use crate::common;

/// What the binary prints for `args` on stdout (help texts are taken from the binary: their
/// wording is not a contract, their behaviour is).
fn stdout_of(args: &[&str]) -> String {
    let out = cargo_bin_cmd!("cfssl-rs")
        .args(args)
        .output()
        .unwrap_or_else(|e| unreachable!("spawn: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The top-level usage (`cfssl-rs -h`).
fn top_usage() -> String {
    stdout_of(&["-h"])
}

/// A command's usage (`cfssl-rs CMD -h`).
fn usage_of(command: &str) -> String {
    stdout_of(&[command, "-h"])
}

/// The command names the top-level usage lists.
fn registered_commands() -> Vec<String> {
    let text = top_usage();
    let section = text.split("\nCommands:\n").nth(1).unwrap_or_default();
    section
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

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
    for name in [
        "version",
        "print-defaults",
        "gencert",
        "sign",
        "help",
        "completion",
        "man",
    ] {
        assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
    }
    let text = top_usage();
    assert!(text.starts_with("cfssl-rs -- "), "{text}");
    assert!(!text.contains("Top-level flags:"), "{text}");
    assert!(
        text.contains("k8s-csr") && text.contains("(cfssl-rs extension)"),
        "{text}"
    );
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
            .stdout(top_usage())
            .stderr("");
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
    assert!(!top_usage().is_empty());
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
fn command_help_is_on_stdout_and_exits_0() {
    let version = usage_of("version");
    assert!(version.starts_with("cfssl-rs version -- "), "{version}");
    for args in [
        &["version", "-h"][..],
        &["version", "-help"],
        &["version", "--help"],
        &["version", "x", "-h"],
        &["help", "version"],
    ] {
        cfssl(args).code(0).stdout(version.clone()).stderr("");
    }
    cfssl(&["help"]).code(0).stdout(top_usage()).stderr("");
}

/// Every command's help, however asked for, is the same text on stdout (exit 0) and names
/// the program `cfssl-rs`; it lists `-loglevel`, never a refused flag as if it were
/// supported, and marks our extensions.
#[test]
fn every_command_has_help() {
    // (-db-config and -label are built: listed by the commands that record or read.)
    let refused = ["authkey"];
    for name in registered_commands() {
        let text = usage_of(&name);
        assert!(text.starts_with(&format!("cfssl-rs {name} -- ")), "{text}");
        for args in [vec![name.as_str(), "--help"], vec!["help", name.as_str()]] {
            cfssl(&args).code(0).stdout(text.clone()).stderr("");
        }
        assert!(text.contains("\nUsage:\n  cfssl-rs "), "{text}");
        assert!(
            !text.contains("  cfssl ") && !text.contains("\tcfssl "),
            "{text}"
        );
        let flags = text.split("\nFlags:\n").nth(1).unwrap_or_default();
        let flags = flags.split("\n\n").next().unwrap_or_default();
        assert!(flags.contains("  -loglevel int\n"), "{name}: {text}");
        for r in refused {
            // The servers have TLS settings of their own (serve all four, multirootca
            // -tls-cert and -tls-key).
            let serves_tls = ["tls-cert", "tls-key", "mutual-tls-ca", "mutual-tls-cn"];
            if ["serve", "multirootca"].contains(&name.as_str()) && serves_tls.contains(&r) {
                if name == "serve" {
                    assert!(flags.contains(&format!("  -{r} ")), "serve lacks -{r}");
                }
                continue;
            }
            assert!(!flags.contains(&format!("  -{r} ")), "{name} offers -{r}");
        }
    }
}

/// Each command lists the flags it reads, with a description; extension flags are marked.
#[test]
fn commands_list_their_flags() {
    let expect: &[(&str, &[&str])] = &[
        (
            "gencert",
            &[
                "-initca\n        initialise new CA\n",
                "-renewca\n",
                "-ca string\n",
                "-ca-key string\n",
                "-config string\n",
                "-profile string\n",
                "-hostname string\n",
                "-cn string\n",
                "-crl string\n",
            ],
        ),
        (
            "sign",
            &[
                "-ca string\n",
                "-ca-key string\n",
                "-csr string\n",
                "-hostname string\n",
            ],
        ),
        ("gencsr", &["-key string\n", "-cert string\n"]),
        ("certinfo", &["-cert string\n", "-csr string\n"]),
    ];
    for (command, entries) in expect {
        let text = usage_of(command);
        for entry in *entries {
            assert!(
                text.contains(&format!("\n  {entry}")),
                "{command}: {entry:?}\n{text}"
            );
        }
    }
    let extensions: &[(&str, &[&str])] = &[
        ("gencert", &["encrypt-key", "password-file"]),
        ("genkey", &["encrypt-key", "password-file"]),
        ("sign", &["batch", "password-file"]),
        ("gencrl", &["password-file"]),
        (
            "k8s-csr",
            &["name", "signer", "usages", "expiration", "json"],
        ),
    ];
    for (command, names) in extensions {
        let text = usage_of(command);
        for name in *names {
            let entry = text
                .split(&format!("\n  -{name}"))
                .nth(1)
                .and_then(|rest| rest.split("\n  -").next())
                .unwrap_or_default();
            assert!(
                entry.contains("(cfssl-rs extension)"),
                "{command} -{name}: {text}"
            );
        }
    }
    // cfssl's flags are not marked.
    let gencert = usage_of("gencert");
    let initca = gencert
        .split("\n  -initca")
        .nth(1)
        .and_then(|r| r.split("\n  -").next());
    assert!(
        initca.is_some_and(|e| !e.contains("extension")),
        "{gencert}"
    );
}

#[test]
fn help_for_unknown_and_unimplemented_commands() {
    cfssl(&["help", "gencrt"])
        .code(1)
        .stdout("")
        .stderr(predicates::str::contains(
            "Command gencrt is not defined.\nDid you mean gencert?",
        ));
    cfssl(&["help", "scan"])
        .code(1)
        .stdout("")
        .stderr(predicates::str::starts_with(
            "cfssl-rs does not implement `scan`: ",
        ));
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
            .stderr(format!("{message}\n{}", usage_of("version")));
    }
    cfssl(&["print-defaults", "csr", "-bogus"])
        .code(2)
        .stdout("")
        .stderr(format!(
            "flag provided but not defined: -bogus\n{}",
            usage_of("print-defaults")
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
            .stdout(include_str!("../../src/print-defaults-csr.json"))
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
        .stdout(include_str!("../../src/print-defaults-csr.json"));
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
    assert_eq!(include_str!("../../src/print-defaults-csr.json"), csr);
    cfssl(&["print-defaults", "config"])
        .code(0)
        .stdout(include_str!("../../src/print-defaults-config.json"))
        .stderr("");
    assert!(include_str!("../../src/print-defaults-config.json").ends_with("}\n}\n\n"));
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
            "flag provided but not defined: -bogus\n{}",
            usage_of("version")
        ));
    // `-h` wins over a bad config too.
    cfssl(&["version", "-config", &config, "-h"])
        .code(0)
        .stdout(usage_of("version"))
        .stderr("");
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

/// Runs a bash completion of `words` (the last one is being completed) with the script
/// `cfssl-rs completion bash` prints, the way bash calls the function it registers;
/// returns COMPREPLY.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    common::require_tool("bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        r#"source '{}'
fn=$(complete -p cfssl-rs | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || exit 3
COMP_WORDS=({})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$fn" cfssl-rs "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script.display(),
        quoted.join(" ")
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap_or_else(|e| unreachable!("bash: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_completes_commands_and_single_dash_flags()
-> Result<(), Box<dyn std::error::Error>> {
    common::require_tool("bash");
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("cfssl-rs.bash");
    std::fs::write(&script, stdout_of(&["completion", "bash"]))?;
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()?;
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    let mut generators = bash_complete(&script, &["cfssl-rs", "gen"]);
    generators.sort();
    assert_eq!(generators, ["gencert", "gencrl", "gencsr", "genkey"]);
    assert_eq!(
        bash_complete(&script, &["cfssl-rs", "sign", "-ca-"]),
        ["-ca-key", "-ca-chain"]
    );
    let ca = bash_complete(&script, &["cfssl-rs", "sign", "-c"]);
    for flag in ["-ca", "-ca-key", "-config", "-csr"] {
        assert!(ca.iter().any(|c| c == flag), "{flag}: {ca:?}");
    }
    assert!(!ca.iter().any(|c| c.starts_with("--")), "{ca:?}");
    // A refused flag is not offered; the remote client's are.
    assert!(bash_complete(&script, &["cfssl-rs", "sign", "-auth"]).is_empty());
    assert_eq!(
        bash_complete(&script, &["cfssl-rs", "sign", "-rem"]),
        ["-remote"]
    );
    assert_eq!(
        bash_complete(&script, &["cfssl-rs", "gencert", "-encrypt"]),
        ["-encrypt-key"]
    );
    let shells = bash_complete(&script, &["cfssl-rs", "completion", "z"]);
    assert_eq!(shells, ["zsh"]);
    Ok(())
}

#[test]
fn zsh_and_fish_completions_offer_single_dash_flags() {
    let zsh = stdout_of(&["completion", "zsh"]);
    assert!(zsh.starts_with("#compdef cfssl-rs"), "{zsh}");
    assert!(zsh.contains("'-ca-key=["), "{zsh}");
    assert!(!zsh.contains("'--ca-key"), "{zsh}");
    let fish = stdout_of(&["completion", "fish"]);
    assert!(fish.contains("-o ca-key"), "{fish}");
    assert!(!fish.contains("-l ca-key"), "{fish}");
    cfssl(&["completion", "tcsh"])
        .code(1)
        .stdout("")
        .stderr(predicates::str::contains("bash, zsh, fish"));
}

#[test]
fn man_page_renders() -> Result<(), Box<dyn std::error::Error>> {
    common::require_tool("man");
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("cfssl-rs.1");
    std::fs::write(&page, stdout_of(&["man"]))?;
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let head: String = text.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(head.contains("NAME") && head.contains("SYNOPSIS"), "{head}");
    // Every command has its section, with its flags as cfssl spells them.
    for name in registered_commands() {
        assert!(text.contains(&format!("cfssl-rs {name}")), "{name}");
    }
    assert!(
        text.contains("-ca-key") && !text.contains("--ca-key"),
        "{text}"
    );
    assert!(text.contains("-encrypt-key") && text.contains("(cfssl-rs extension)"));
    Ok(())
}

#[test]
fn missing_and_surplus_arguments_of_the_small_commands() {
    let not_enough = "not enough arguments are supplied --- please refer to the usage\n";
    cfssl(&["help", "sign", "gencert"])
        .code(1)
        .stdout("")
        .stderr("too many arguments are provided, please check with usage\n");
    cfssl(&["print-defaults"])
        .code(1)
        .stdout("")
        .stderr(not_enough);
    cfssl(&["completion"])
        .code(1)
        .stdout("")
        .stderr(predicates::str::starts_with("completion needs a shell"));
    cfssl(&["k8s-csr", "-signer", "example.com/x", "-"])
        .code(1)
        .stdout("")
        .stderr("k8s-csr needs the object's name (-name NAME)\n");
    cfssl(&["k8s-csr", "-name", "x", "-"])
        .code(1)
        .stderr(predicates::str::contains("-signer"));
    cfssl(&["k8s-csr", "-name", "x", "-signer", "a.b/c"])
        .code(1)
        .stderr(not_enough);
    cfssl(&[
        "k8s-csr",
        "-name",
        "x",
        "-signer",
        "a.b/c",
        "-expiration",
        "5m",
        "-",
    ])
    .code(1)
    .stderr(predicates::str::contains("less than 600 seconds"));
    cargo_bin_cmd!("cfssl-rs")
        .args(["k8s-csr", "-name", "x", "-signer", "a.b/c", "-"])
        .write_stdin("junk")
        .assert()
        .code(1)
        .stdout("")
        .stderr("{\"code\":9002,\"message\":\"CSR Decode failed\"}\n");
}
