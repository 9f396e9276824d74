//! A server is stopped when its value is dropped, also when the test holding it panics.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::path::Path;
use std::time::{Duration, Instant};

use cfssl_testsupport_servers::{Mariadb, Postgres};

/// Waits up to 20 s for the process to be gone (a zombie counts as gone: it no longer runs).
fn gone(pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if !Path::new(&format!("/proc/{pid}")).exists() || status.contains("State:\tZ") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_failing_test_still_stops_its_servers() {
    let mut pids = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let pg = Postgres::start("the server guard test");
        let maria = Mariadb::start("the server guard test");
        pids.extend(pg.as_ref().map(Postgres::pid));
        pids.extend(maria.as_ref().map(Mariadb::pid));
        if let Some(pg) = &pg {
            pg.execute("postgres", "SELECT 1");
        }
        if let Some(maria) = &maria {
            maria.execute("SELECT 1");
        }
        panic!("an assertion failed");
    }));
    assert!(result.is_err());
    for pid in pids {
        assert!(
            gone(pid),
            "server {pid} still running after its test failed"
        );
    }
}
