//! Shared helpers for the black-box tests of `cfssl-rs`: running the binaries and external
//! tools, failing loudly.
#![allow(dead_code)]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers report failures by panicking"
)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A scratch directory with helpers to run `cfssl-rs` in it.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

/// What a run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    pub fn field(&self, name: &str) -> String {
        self.json()[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.stdout))
            .to_owned()
    }

    /// Asserts a failure: exit 1, nothing on stdout, `needle` on stderr, no panic.
    pub fn fails_with(&self, needle: &str) {
        assert_eq!(self.code, 1, "expected exit 1; stderr: {}", self.stderr);
        assert!(
            self.stdout.is_empty(),
            "stdout not empty on error: {}",
            self.stdout
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked at"),
            "panic: {}",
            self.stderr
        );
    }

    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "failed: {}", self.stderr);
        self
    }
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).expect("write");
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.tmp.path())
            .expect("readdir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    pub fn cfssl(&self, args: &[&str]) -> Run {
        self.cfssl_stdin(args, b"")
    }

    pub fn cfssl_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        run(env!("CARGO_BIN_EXE_cfssl-rs"), self.tmp.path(), args, stdin)
    }

    /// Runs `cfssl-rs` with exactly these password variables set (the others removed) and
    /// without a controlling terminal (`setsid`), so that no password prompt can appear.
    pub fn cfssl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        use std::io::Write;
        require_tool("setsid");
        let mut cmd = Command::new("setsid");
        cmd.arg("-w")
            .arg(env!("CARGO_BIN_EXE_cfssl-rs"))
            .args(args)
            .current_dir(self.tmp.path())
            .env_remove("CFSSL_CA_PK_PASSWORD")
            .env_remove("CFSSL_KEY_PASSWORD")
            .env_remove("CFSSL_PKCS12_PASSWORD")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run setsid: {e}"));
        drop(child.stdin.take().map(|mut s| s.write_all(b"")));
        let out = child.wait_with_output().expect("wait");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs a command and writes the named JSON field to a file (like cfssljson -bare).
    pub fn save(&self, run: &Run, field: &str, name: &str) -> PathBuf {
        self.write(name, run.field(field))
    }

    /// Makes a root CA with `key` JSON; returns (ca.pem, ca-key.pem).
    pub fn root_ca(&self, prefix: &str, key: &str) -> (String, String) {
        self.write(
            &format!("{prefix}-csr.json"),
            format!(r#"{{"CN":"{prefix} Root","key":{key},"names":[{{"C":"US","O":"Test"}}]}}"#),
        );
        let r = self.cfssl(&["gencert", "-initca", &format!("{prefix}-csr.json")]);
        r.ok();
        self.save(&r, "cert", &format!("{prefix}.pem"));
        self.save(&r, "key", &format!("{prefix}-key.pem"));
        (format!("{prefix}.pem"), format!("{prefix}-key.pem"))
    }

    pub fn openssl(&self, args: &[&str]) -> Run {
        require_tool("openssl");
        run("openssl", self.tmp.path(), args, b"")
    }
}

pub fn run(program: &str, dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    child.stdin.take().expect("stdin").write_all(stdin).ok();
    let out: Output = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The expired-CA fixture, (certificate, key) paths: a P-256 root valid 2020-01-01 to
/// 2021-01-01, made once with Python `cryptography` (openssl 3.0 cannot write a certificate
/// valid only in the past).
pub fn expired_ca() -> (String, String) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = |name: &str| fixtures.join(name).to_string_lossy().into_owned();
    (path("expired-ca.pem"), path("expired-ca-key.pem"))
}

/// Tests that need an outside tool fail clearly under CI=true when it is missing.
pub fn require_tool(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        panic!("{tool} is required for this test (install it; scripts/test does)");
    }
}
