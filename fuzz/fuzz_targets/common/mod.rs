//! What the fuzz targets that need a certificate database share.

use std::path::{Path, PathBuf};

use cfssl_ca::{Db, DbConfig};

/// A fresh SQLite certdb (schema made) in a directory of its own, `PREFIX<pid>` under
/// `/dev/shm` when there is one (no disk syncs) or the temporary directory: the connection
/// the server under test writes with, a second one for the target to count rows with, and
/// the directory.
///
/// libFuzzer ends the process without running destructors, so each run leaves its directory
/// behind: the directories of runs whose process has ended are removed first.
pub fn scratch_certdb(prefix: &str) -> (Db, Db, PathBuf) {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let procfs = Path::new("/proc/self").exists();
    for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(prefix)
            && procfs
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let config = DbConfig::from_json(
        format!(
            r#"{{"driver":"sqlite3","data_source":"{}"}}"#,
            dir.join("certs.db").display()
        )
        .as_bytes(),
    )
    .expect("db config");
    let mut db = Db::open(&config).expect("db");
    db.init().expect("db init");
    let rows = Db::open(&config).expect("second db connection");
    (db, rows, dir)
}
