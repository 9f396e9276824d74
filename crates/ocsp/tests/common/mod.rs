//! Helpers shared by the integration tests: fixtures and the outside tools (openssl,
//! Python `cryptography`) that check our artefacts.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cfssl_keys::PrivateKey;
use cfssl_signer::ParsedCertificate;

/// The bytes of `tests/data/<name>` (cfssl 1.6.5's lifecycle run; see tests/data/README.md).
pub fn data(name: &str) -> Vec<u8> {
    std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The path of `tests/data/<name>`.
pub fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fixture certificate.
pub fn cert(name: &str) -> ParsedCertificate {
    ParsedCertificate::from_pem(&data(name)).unwrap()
}

/// A fixture key.
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::from_pem(&data(name)).unwrap()
}

/// Whether `tool --version`-like `probe` runs. Without the tool the check is skipped, except
/// on CI (`CI=true`), where a missing tool is a failure.
fn have(tool: &str, probe: &mut Command, install: &str) -> bool {
    let ok = probe.output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} is required on CI (CI=true) but could not be run: {install}");
        }
        eprintln!("{tool} not found: skipping the {tool} cross-checks");
    }
    ok
}

/// Whether openssl can be run.
pub fn have_openssl() -> bool {
    have(
        "openssl",
        Command::new("openssl").arg("version"),
        "install openssl",
    )
}

/// Whether python3 with `cryptography` can be run.
pub fn have_cryptography() -> bool {
    have(
        "python3 cryptography",
        Command::new("python3").args(["-c", "import cryptography.x509.ocsp"]),
        "install python3-cryptography",
    )
}

/// Runs `program` with `args`, feeding `stdin`, and returns whatever happened.
pub fn run(program: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs openssl; panics with its stderr when it fails. Returns stdout + stderr.
pub fn openssl(args: &[&str]) -> String {
    let out = run("openssl", args, b"");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openssl {args:?} failed: {text}");
    text
}

/// Runs a Python script (with `cryptography` available); panics when it fails. Returns stdout.
pub fn python(script: &str, args: &[&str]) -> String {
    let mut all = vec!["-c", script];
    all.extend_from_slice(args);
    let out = run("python3", &all, b"");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes `contents` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `openssl ocsp -resp_text -noverify` of a response without the signature bytes and the
/// embedded certificate's PEM/signature (which differ between two signings): the structure.
pub fn openssl_structure(dir: &Path, der: &[u8]) -> String {
    let path = write(dir, "structure.der", der);
    let text = openssl(&["ocsp", "-respin", &path, "-resp_text", "-noverify"]);
    text.lines()
        .filter(|l| {
            let t = l.trim();
            // signature value lines are hex pairs separated by colons
            !(t.len() > 2
                && t.split(':')
                    .all(|p| p.len() <= 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
                && t.contains(':'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
