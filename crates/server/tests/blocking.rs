//! `run_ocsp_server_blocking`, as the CLI calls it from a synchronous `main`: it reports the
//! bound address, serves, and returns `Ok` on SIGTERM. Its own test binary, because the
//! signal goes to the whole process.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::mpsc;
use std::time::Duration;

use cfssl_server::{OcspServeConfig, run_ocsp_server_blocking};
use common::*;

#[cfg(unix)]
#[test]
fn serves_until_sigterm() {
    let (bound_tx, bound_rx) = mpsc::channel();
    let (log_tx, log_rx) = mpsc::channel();
    let log_tx = std::sync::Mutex::new(log_tx);
    let server = std::thread::spawn(move || {
        run_ocsp_server_blocking(
            OcspServeConfig::new("127.0.0.1", 0, file_source()),
            move |note| {
                let _ = log_tx.lock().unwrap().send(note.message);
            },
            |addr| bound_tx.send(addr).unwrap(),
        )
    });
    let addr = bound_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let answer = exchange(addr, &format!("GET /{LEAF1_REQUEST} HTTP/1.1"), b"");
    assert_eq!(answer.status, 200);
    assert_eq!(log_rx.recv().unwrap(), "Registering OCSP responder handler");
    assert_eq!(
        log_rx.recv().unwrap(),
        format!("Now listening on 127.0.0.1:{}", addr.port())
    );

    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for _ in 0..100 {
        if server.is_finished() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.is_finished(), "still serving 5 s after SIGTERM");
    server.join().unwrap().unwrap();
}
