//! Helpers shared by cfssl-db's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use cfssl_db::{Db, DbConfig};

/// The crate's test data folder.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The CI rule for missing tools, shared with the server tests.
#[allow(unused_imports)] // not every test file checks for a tool
pub use cfssl_testsupport_servers::{on_ci, tool_available};

/// Whether the sqlite3 CLI can be run.
pub fn have_sqlite3() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the sqlite3 CLI on `db` with `args`; returns stdout.
pub fn sqlite3(db: &Path, args: &[&str]) -> String {
    let out = Command::new("sqlite3").arg(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "sqlite3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A copy of the cfssl-written fixture in a fresh temporary folder, opened.
pub fn fixture_copy() -> (tempfile::TempDir, PathBuf, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("certs.db");
    std::fs::copy(data("cfssl-1.6.5-certs.db"), &path).unwrap();
    // The copy keeps the read-only mode of the shared fixture.
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    let db = sqlite_db(&path);
    (dir, path, db)
}

/// A sqlite `Db` on `path`.
pub fn sqlite_db(path: &Path) -> Db {
    let config = DbConfig {
        driver: "sqlite3".into(),
        data_source: path.to_string_lossy().into_owned(),
    };
    Db::open(&config).unwrap()
}
