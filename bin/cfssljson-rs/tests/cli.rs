//! Black-box tests of `cfssljson-rs` (docs/cfssl-compat.md §2; docs/differences.md #9, #11, #12, #13), on the
//! cfssl 1.6.5 reference outputs in `testdata/cfssl-1.6.5/`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_cfssljson-rs");

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/cfssl-1.6.5")
        .join(name)
}

fn fixture(name: &str) -> String {
    fs::read_to_string(fixture_path(name)).expect("fixture")
}

/// `cfssljson-rs ARGS` in `dir` under `umask` (through `sh`, so the mode tests are exact).
fn cfssljson_umask(dir: &Path, umask: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args);
    cmd
}

fn cfssljson(dir: &Path, args: &[&str]) -> Command {
    cfssljson_umask(dir, "022", args)
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o7777
}

/// Every entry of `dir` (hidden ones included) with its contents and mode.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let contents = if path.is_file() {
                fs::read(&path).expect("read")
            } else {
                b"<dir>".to_vec()
            };
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, contents, mode(&path))
        })
        .collect();
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _, _)| n).collect()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

// ---------------------------------------------------------------- files from cfssl output

#[test]
fn gencert_initca_output_bare() {
    let d = tmp();
    cfssljson(d.path(), &["-bare", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(names(d.path()), ["ca-key.pem", "ca.csr", "ca.pem"]);
    for (file, expected, m) in [
        ("ca.pem", "ca.pem", 0o644),
        ("ca-key.pem", "ca-key.pem", 0o600),
        ("ca.csr", "ca.csr", 0o644),
    ] {
        let path = d.path().join(file);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            fixture(expected),
            "{file}"
        );
        assert_eq!(mode(&path), m, "{file}");
    }
}

#[test]
fn sign_genkey_and_selfsign_outputs() {
    let d = tmp();
    cfssljson(d.path(), &["-bare", "server", "-f"])
        .arg(fixture_path("server-sign.json"))
        .assert()
        .success();
    assert_eq!(names(d.path()), ["server.csr", "server.pem"]);
    assert_eq!(
        fs::read_to_string(d.path().join("server.pem")).unwrap(),
        fixture("server.pem")
    );
    assert_eq!(
        fs::read_to_string(d.path().join("server.csr")).unwrap(),
        fixture("server.csr")
    );

    let d = tmp();
    cfssljson(d.path(), &["-bare", "server"])
        .write_stdin(fixture("server-genkey.json"))
        .assert()
        .success();
    assert_eq!(names(d.path()), ["server-key.pem", "server.csr"]);
    assert_eq!(
        fs::read_to_string(d.path().join("server-key.pem")).unwrap(),
        fixture("server-key.pem")
    );

    let d = tmp();
    cfssljson(d.path(), &["-bare", "selfsign"])
        .write_stdin(fixture("selfsign.json"))
        .assert()
        .success();
    for f in ["selfsign.pem", "selfsign-key.pem", "selfsign.csr"] {
        assert_eq!(
            fs::read_to_string(d.path().join(f)).unwrap(),
            fixture(f),
            "{f}"
        );
    }
}

#[test]
fn default_basename_is_cert() {
    let d = tmp();
    cfssljson(d.path(), &["-bare"])
        .write_stdin(fixture("admin.json"))
        .assert()
        .success();
    assert_eq!(names(d.path()), ["cert-key.pem", "cert.csr", "cert.pem"]);
}

#[test]
fn api_field_names_and_encrypted_key() {
    let d = tmp();
    let input = r#"{"certificate":"C\n","private_key":"K\n","certificate_request":"R\n","encrypted_key":"\u0001\u0002E"}"#;
    cfssljson(d.path(), &["-bare", "x"])
        .write_stdin(input)
        .assert()
        .success();
    let snap = snapshot(d.path());
    assert_eq!(
        snap,
        [
            ("x-key.enc".to_owned(), b"\x01\x02E".to_vec(), 0o600),
            ("x-key.pem".to_owned(), b"K\n".to_vec(), 0o600),
            ("x.csr".to_owned(), b"R\n".to_vec(), 0o644),
            ("x.pem".to_owned(), b"C\n".to_vec(), 0o644),
        ]
    );
}

#[test]
fn bundle_and_ocsp_response() {
    let d = tmp();
    let input =
        r#"{"result":{"bundle":{"bundle":"CHAIN\n","root":"ROOT\n"}},"ocspResponse":"MAMKAQE="}"#;
    cfssljson(d.path(), &["-bare", "b"])
        .write_stdin(input)
        .assert()
        .success();
    assert_eq!(
        snapshot(d.path()),
        [
            (
                "b-bundle.pem".to_owned(),
                b"CHAIN\n\nROOT\n".to_vec(),
                0o644
            ),
            (
                "b-response.der".to_owned(),
                vec![0x30, 0x03, 0x0a, 0x01, 0x01],
                0o644
            ),
            ("b-root.pem".to_owned(), b"ROOT\n".to_vec(), 0o644),
        ]
    );
    let d = tmp();
    cfssljson(d.path(), &["-bare", "b"])
        .write_stdin(r#"{"cert":"C","ocspResponse":"MAM!"}"#)
        .assert()
        .code(1)
        .stderr("Failed to parse ocspResponse: illegal base64 data at input byte 3\n");
    assert!(names(d.path()).is_empty());
    cfssljson(d.path(), &["-bare", "b"])
        .write_stdin(r#"{"result":{"bundle":{"bundle":"B"}}}"#)
        .assert()
        .code(1)
        .stderr("root parsing failed!\n");
}

#[test]
fn unknown_fields_write_nothing() {
    let d = tmp();
    cfssljson(d.path(), &["-bare", "y"])
        .write_stdin(r#"{"foo":1}"#)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(names(d.path()).is_empty());
}

// ---------------------------------------------------------------- -stdout

#[test]
fn stdout_mode_exact() {
    let d = tmp();
    let expected = format!(
        "{}\n{}\n{}\n",
        fixture("ca.pem"),
        fixture("ca-key.pem"),
        fixture("ca.csr")
    );
    cfssljson(d.path(), &["-bare", "-stdout"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
    assert!(names(d.path()).is_empty());

    cfssljson(d.path(), &["-stdout", "-bare", "x"])
        .write_stdin(r#"{"cert":"C\n","encrypted_key":"\u0001\u0002E","ocspResponse":"MAMKAQE="}"#)
        .assert()
        .success()
        .stdout("C\n\nAQJF\nMAMKAQE=\n");
    assert!(names(d.path()).is_empty());
}

// ---------------------------------------------------------------- API envelope

#[test]
fn envelope_success() {
    let d = tmp();
    cfssljson(d.path(), &["-f"])
        .arg(fixture_path("api-sign-response.json"))
        .arg("signed")
        .assert()
        .success()
        .stderr("");
    assert_eq!(names(d.path()), ["signed.pem"]);
    let json: serde_json::Value = serde_json::from_str(&fixture("api-sign-response.json")).unwrap();
    assert_eq!(
        fs::read_to_string(d.path().join("signed.pem")).unwrap(),
        json["result"]["certificate"].as_str().unwrap()
    );

    // {"success":true,"result":<cli output>} as the transcript's "wrapped" step.
    let d = tmp();
    let wrapped = format!(
        r#"{{"success":true,"result":{},"errors":[],"messages":[]}}"#,
        fixture("admin.json").trim_end()
    );
    cfssljson(d.path(), &["wrapped"])
        .write_stdin(wrapped)
        .assert()
        .success();
    assert_eq!(
        names(d.path()),
        ["wrapped-key.pem", "wrapped.csr", "wrapped.pem"]
    );

    let d = tmp();
    cfssljson(d.path(), &["h"])
        .write_stdin(fixture("api-health.json"))
        .assert()
        .success();
    assert!(names(d.path()).is_empty());
}

#[test]
fn envelope_failure() {
    let d = tmp();
    cfssljson(d.path(), &["failed"])
        .write_stdin(fixture("api-sign-error-no-profile.json"))
        .assert()
        .code(1)
        .stdout("")
        .stderr("Request failed:\n\tInvalid policy: no key usage available\n");
    assert!(names(d.path()).is_empty());
    cfssljson(d.path(), &["failed"])
        .write_stdin(r#"{"foo":1}"#)
        .assert()
        .code(1)
        .stderr("Request failed:\n");
}

#[test]
fn cli_output_without_bare_suggests_bare() {
    let d = tmp();
    cfssljson(d.path(), &["ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::starts_with("Request failed:\n")
                .and(predicate::str::contains("did you mean -bare?")),
        );
    assert!(names(d.path()).is_empty());
}

// ---------------------------------------------------------------- bad input

#[test]
fn empty_input_explained() {
    let d = tmp();
    for input in ["", " \n"] {
        cfssljson(d.path(), &["-bare", "broken"])
            .write_stdin(input)
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                "cfssljson-rs: no input: the command before the pipe printed nothing on stdout; read its error message above\n",
            );
    }
    assert!(names(d.path()).is_empty());
}

#[test]
fn not_json() {
    let d = tmp();
    cfssljson(d.path(), &["-bare"])
        .write_stdin("{bad")
        .assert()
        .code(1)
        .stderr(
            predicate::str::starts_with("Failed to parse input: ")
                .and(predicate::str::contains("cfssl-rs prints")),
        );
    cfssljson(d.path(), &["-bare"])
        .write_stdin("[1]")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "Failed to parse input: json: cannot unmarshal array into Go value of type map[string]interface {}\n",
        ));
    assert!(names(d.path()).is_empty());
}

#[test]
fn cfssl_error_json_input() {
    let d = tmp();
    for args in [&["-bare", "x"][..], &["x"][..]] {
        cfssljson(d.path(), args)
            .write_stdin("{\"code\":2400,\"message\":\"RSA key is too weak\"}\n")
            .assert()
            .code(1)
            .stderr("cfssljson-rs: the command before the pipe failed with cfssl error 2400: RSA key is too weak\n");
    }
    assert!(names(d.path()).is_empty());
}

#[test]
fn non_string_value_is_an_error_not_a_panic() {
    let d = tmp();
    for (input, field) in [
        (r#"{"cert":123,"key":"K"}"#, "cert"),
        (r#"{"cert":"C","key":null}"#, "key"),
        (r#"{"cert":"C","csr":["x"]}"#, "csr"),
    ] {
        cfssljson(d.path(), &["-bare", "x"])
            .write_stdin(input)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "\"{field}\" must be a JSON string"
            )));
    }
    assert!(names(d.path()).is_empty());
}

#[test]
fn missing_input_file() {
    let d = tmp();
    cfssljson(d.path(), &["-f", "nope.json"])
        .assert()
        .code(1)
        .stderr("Failed to read input: open nope.json: no such file or directory\n");
}

// ---------------------------------------------------------------- keys are never lost

#[test]
fn existing_key_refused_and_untouched() {
    let d = tmp();
    let key = d.path().join("ca-key.pem");
    fs::write(&key, "OLD KEY").unwrap();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o400)).unwrap();
    let before = snapshot(d.path());
    cfssljson(d.path(), &["-bare", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("ca-key.pem").and(predicate::str::contains("-overwrite")));
    assert_eq!(
        snapshot(d.path()),
        before,
        "nothing of the set may be written"
    );

    cfssljson(d.path(), &["-bare", "-overwrite", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&key).unwrap(), fixture("ca-key.pem"));
    assert_eq!(mode(&key), 0o600);
    assert_eq!(names(d.path()), ["ca-key.pem", "ca.csr", "ca.pem"]);
}

#[test]
fn key_symlink_refused() {
    let d = tmp();
    let target = d.path().join("target.txt");
    fs::write(&target, "keep").unwrap();
    std::os::unix::fs::symlink("target.txt", d.path().join("ca-key.pem")).unwrap();
    cfssljson(d.path(), &["-bare", "-overwrite", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("symbolic link"));
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
    assert_eq!(names(d.path()), ["ca-key.pem", "target.txt"]);
}

#[test]
fn replaced_files_get_the_new_mode() {
    // docs/differences.md #11: unlike cfssl, a replaced file does not keep its old mode.
    let d = tmp();
    let cert = d.path().join("ca.pem");
    fs::write(&cert, "old").unwrap();
    fs::set_permissions(&cert, fs::Permissions::from_mode(0o600)).unwrap();
    cfssljson(d.path(), &["-bare", "ca"])
        .write_stdin(fixture("server-sign.json"))
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&cert).unwrap(), fixture("server.pem"));
    assert_eq!(mode(&cert), 0o644);
}

#[test]
fn all_or_nothing_when_a_later_file_cannot_be_written() {
    let d = tmp();
    fs::write(d.path().join("ca.pem"), "OLD CERT").unwrap();
    // ca.csr is the last file of the set; make it impossible to write.
    fs::create_dir(d.path().join("ca.csr")).unwrap();
    let before = snapshot(d.path());
    cfssljson(d.path(), &["-bare", "-overwrite", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ca.csr"));
    assert_eq!(snapshot(d.path()), before);
}

#[test]
fn all_or_nothing_in_a_read_only_directory() {
    let d = tmp();
    fs::write(d.path().join("ca.pem"), "OLD CERT").unwrap();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; the check is meaningless then.
    let probe = d.path().join("probe");
    if fs::write(&probe, "").is_ok() {
        let _ = fs::remove_file(&probe);
        fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: directory permissions are not enforced for this user");
        return;
    }
    let before = snapshot(d.path());
    cfssljson(d.path(), &["-bare", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("permission denied"));
    assert_eq!(snapshot(d.path()), before);
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn missing_output_directory() {
    let d = tmp();
    cfssljson(d.path(), &["-bare", "nodir/ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("nodir/ca.pem")
                .and(predicate::str::contains("no such file or directory")),
        );
    assert!(names(d.path()).is_empty());
}

#[test]
fn basename_with_directory() {
    let d = tmp();
    fs::create_dir(d.path().join("certs")).unwrap();
    cfssljson(d.path(), &["-bare", "certs/ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success();
    assert_eq!(
        names(&d.path().join("certs")),
        ["ca-key.pem", "ca.csr", "ca.pem"]
    );
}

#[test]
fn longest_basenames_the_file_system_accepts() {
    // NAME-key.pem is 248 bytes, within NAME_MAX (255): the hidden temporary and backup names
    // must not be longer than that (they once were `.NAME-key.pem.PID.N.tmp`).
    let d = tmp();
    let base = "n".repeat(240);
    let set = || {
        let mut v = vec![
            format!("{base}-key.pem"),
            format!("{base}.csr"),
            format!("{base}.pem"),
        ];
        v.sort();
        v
    };
    cfssljson(d.path(), &["-bare", &base])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success()
        .stderr("");
    assert_eq!(names(d.path()), set());
    // Replacing the set makes backups as well.
    cfssljson(d.path(), &["-bare", "-overwrite", &base])
        .write_stdin(fixture("selfsign.json"))
        .assert()
        .success()
        .stderr("");
    assert_eq!(names(d.path()), set());
    assert_eq!(
        fs::read_to_string(d.path().join(format!("{base}-key.pem"))).unwrap(),
        fixture("selfsign-key.pem")
    );
}

#[test]
fn leftovers_of_dead_runs_are_removed() {
    // A run killed mid-write (SIGKILL, power loss) leaves its hidden temporary file, maybe with
    // key material, and its backups. The next run in that directory removes those of processes
    // that no longer exist, and nothing else.
    let d = tmp();
    let dead = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let live = std::process::id();
    let dead_tmp = format!(".cfssljson-{dead}-0.tmp");
    let dead_bak = format!(".cfssljson-{dead}-3.bak");
    let live_tmp = format!(".cfssljson-{live}-0.tmp");
    let not_ours = [
        // A file renamed away where there are no hard links: maybe the only copy, kept.
        format!(".cfssljson-{dead}-2.old"),
        format!(".cfssljson-{dead}-0.tmp.keep"),
        format!("cfssljson-{dead}-0.tmp"),
        format!(".cfssljson-{dead}-x.tmp"),
        format!(".cfssljson-+{dead}-0.tmp"),
    ];
    for name in [&dead_tmp, &dead_bak, &live_tmp]
        .into_iter()
        .chain(&not_ours)
    {
        fs::write(d.path().join(name), "KEY MATERIAL").unwrap();
        fs::set_permissions(d.path().join(name), fs::Permissions::from_mode(0o600)).unwrap();
    }
    // A symlink with a leftover's name is not a leftover; its target is never touched.
    let link = format!(".cfssljson-{dead}-1.tmp");
    std::os::unix::fs::symlink("ca.json", d.path().join(&link)).unwrap();
    fs::write(d.path().join("ca.json"), "target").unwrap();

    cfssljson(d.path(), &["-bare", "ca"])
        .write_stdin(fixture("ca.json"))
        .assert()
        .success()
        .stderr("");
    let mut expected: Vec<String> = [
        "ca-key.pem",
        "ca.csr",
        "ca.json",
        "ca.pem",
        live_tmp.as_str(),
        link.as_str(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(not_ours.iter().cloned())
    .collect();
    expected.sort();
    assert_eq!(names(d.path()), expected);
    assert_eq!(
        fs::read_to_string(d.path().join("ca.json")).unwrap(),
        "target"
    );
}

// ---------------------------------------------------------------- umask

#[test]
fn umask_applies_like_go_write_file() {
    for (umask, cert, key, csr) in [
        ("000", 0o664, 0o600, 0o644),
        ("022", 0o644, 0o600, 0o644),
        ("077", 0o600, 0o600, 0o600),
        ("027", 0o640, 0o600, 0o640),
    ] {
        let d = tmp();
        cfssljson_umask(d.path(), umask, &["-bare", "ca"])
            .write_stdin(fixture("ca.json"))
            .assert()
            .success();
        assert_eq!(mode(&d.path().join("ca.pem")), cert, "umask {umask}");
        assert_eq!(mode(&d.path().join("ca-key.pem")), key, "umask {umask}");
        assert_eq!(mode(&d.path().join("ca.csr")), csr, "umask {umask}");
    }
}

// ---------------------------------------------------------------- command line

#[test]
fn flags_after_the_basename() {
    // docs/differences.md #13: cfssl would ignore "-f ca.json" here and read stdin.
    let d = tmp();
    fs::copy(fixture_path("ca.json"), d.path().join("ca.json")).unwrap();
    cfssljson(d.path(), &["ca", "-bare", "-f", "ca.json", "ignored-extra"])
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(
        names(d.path()),
        ["ca-key.pem", "ca.csr", "ca.json", "ca.pem"]
    );

    let d = tmp();
    cfssljson(d.path(), &["--bare", "--stdout=true", "--f=-"])
        .write_stdin(fixture("server-genkey.json"))
        .assert()
        .success()
        .stdout(format!(
            "{}\n{}\n",
            fixture("server-key.pem"),
            fixture("server.csr")
        ));
}

#[test]
fn help_version_and_flag_errors() {
    let d = tmp();
    for h in ["-h", "-help", "--help"] {
        cfssljson(d.path(), &[h])
            .assert()
            .code(0)
            .stdout("")
            .stderr(
                predicate::str::starts_with("Usage of ")
                    .and(predicate::str::contains("  -bare\n    \tthe response from CFSSL is not wrapped in the API standard response\n"))
                    .and(predicate::str::contains("  -f string\n    \tJSON input (default \"-\")\n")),
            );
    }
    cfssljson(d.path(), &["-x"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "flag provided but not defined: -x\nUsage of ",
        ));
    cfssljson(d.path(), &["-bare=maybe"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "invalid boolean value \"maybe\" for -bare: parse error\n",
        ));
    cfssljson(d.path(), &["-f"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("flag needs an argument: -f\n"));
    cfssljson(d.path(), &["-version"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(format!(
                "^Version: {}\nRuntime: .+\n$",
                env!("CARGO_PKG_VERSION")
            ))
            .unwrap(),
        );
    assert!(names(d.path()).is_empty());
}

/// Tests that need an outside tool fail clearly when it is missing (scripts/test installs
/// them), like cfssl-rs's `require_tool`.
fn require_tool(tool: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is required for this test (install it; scripts/test does)"
    );
}

fn generated(args: &[&str]) -> String {
    let d = tmp();
    let out = cfssljson(d.path(), args)
        .output()
        .unwrap_or_else(|e| unreachable!("spawn: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(names(d.path()).is_empty());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bash_completion_offers_single_dash_flags() {
    require_tool("bash");
    let d = tmp();
    let script = d.path().join("cfssljson-rs.bash");
    fs::write(&script, generated(&["completion", "bash"])).unwrap();
    let complete = |words: &str| {
        let program = format!(
            r#"source '{}'
fn=$(complete -p cfssljson-rs | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
"$fn" cfssljson-rs "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    assert_eq!(complete("cfssljson-rs -ba"), "-bare\n");
    assert_eq!(complete("cfssljson-rs -ov"), "-overwrite\n");
    assert_eq!(complete("cfssljson-rs completion f"), "fish\n");
    assert!(generated(&["completion", "fish"]).contains("-o bare"));
    assert!(generated(&["completion", "zsh"]).contains("'-bare["));
}

#[test]
fn man_page_renders() {
    require_tool("man");
    let d = tmp();
    let page = d.path().join("cfssljson-rs.1");
    fs::write(&page, generated(&["man"])).unwrap();
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
    assert!(
        text.contains("-overwrite") && !text.contains("--overwrite"),
        "{text}"
    );
}

/// Only the exact words generate: with a flag, `man` is a BASENAME as in cfssljson.
#[test]
fn man_with_a_flag_is_a_basename() {
    let d = tmp();
    cfssljson(d.path(), &["-bare", "-stdout", "man"])
        .write_stdin(fixture("server-genkey.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("BEGIN"));
    cfssljson(d.path(), &["completion", "tcsh"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bash, zsh, fish"));
}
