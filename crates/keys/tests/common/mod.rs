//! Helpers shared by the integration tests: fixtures, a tiny DER walker, and openssl.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use der::{Decode, Reader};

/// The bytes of `tests/data/<name>`.
pub fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The raw TLVs inside the constructed DER element `tlv`.
pub fn children(tlv: &[u8]) -> Vec<&[u8]> {
    let any = der::asn1::AnyRef::from_der(tlv).unwrap();
    let mut reader = der::SliceReader::new(any.value()).unwrap();
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.tlv_bytes().unwrap());
    }
    out
}

/// The DER inside the first PEM block of a well-formed fixture.
pub fn pem_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    pem_rfc7468::decode_vec(text.as_bytes()).unwrap().1
}

/// Whether openssl can be run. Without it the openssl checks are skipped, except on CI
/// (`CI=true`), where a missing openssl is a failure.
pub fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("openssl is required on CI (CI=true) but could not be run: install openssl");
        }
        eprintln!("openssl not found: skipping the openssl cross-checks");
    }
    ok
}

/// Runs openssl with `args`, feeding `stdin`; panics with its stderr if it fails.
pub fn openssl(args: &[&str], stdin: &[u8]) -> Output {
    let out = openssl_status(args, stdin);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs openssl with `args`, feeding `stdin`, and returns whatever happened.
pub fn openssl_status(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Writes `contents` to a file in `dir` and returns its path.
pub fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}
