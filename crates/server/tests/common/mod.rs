//! Helpers for the server tests: fixtures from `crates/ocsp/tests/data` (cfssl 1.6.5's
//! lifecycle run), a server on its own thread and runtime, a raw HTTP/1.1 client over
//! `std::net::TcpStream` (so the bytes on the wire are what is checked), and openssl.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use cfssl_db::{CertificateRecord, Db, DbConfig, OcspRecord};
use cfssl_ocsp::{FileSource, Note, parse_response};
use cfssl_server::{DbSource, Limits, OcspServeConfig, OcspServer, OcspSource, ServerError};

/// `openssl ocsp -issuer ca.pem -cert leaf1.pem -no_nonce -reqout req1.der`, base64
/// (cfssl's transcript T§10).
pub const LEAF1_REQUEST: &str = "MFUwUzBRME8wTTAJBgUrDgMCGgUABBSOVdbL2nwTt9qPv4BwRA+W0+0XugQUw5EsW3ygwnFIo4MurKuf3yRuvPMCFCL0MKgqL3iG5/m0372ggIeX+8YU";
/// A request with OpenSSL's nonce for a serial nothing is stored for (T§10).
pub const UNKNOWN_WITH_NONCE: &str = "MHoweDBRME8wTTAJBgUrDgMCGgUABBSOVdbL2nwTt9qPv4BwRA+W0+0XugQUw5EsW3ygwnFIo4MurKuf3yRuvPMCFHMlRXL0R5gjhqQ1leR7KKcFISUeoiMwITAfBgkrBgEFBQcwAQIEEgQQIQL6PUSb5A0XHTbRYUG3/Q==";
/// The ETag cfssl sent for leaf1's response (T§10).
pub const LEAF1_ETAG: &str = "\"0D562EFB4EF85C386DB3063346B5006709ECB023BF7D2F873B56B0C2B7656CD0\"";

/// The path of an OCSP fixture.
pub fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ocsp/tests/data")
        .join(name)
}

/// The bytes of an OCSP fixture.
pub fn data(name: &str) -> Vec<u8> {
    std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Standard base64.
pub fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

/// The responses cfssl's `ocspdump` wrote (four).
pub fn stored_responses() -> Vec<Vec<u8>> {
    String::from_utf8(data("responses.b64"))
        .unwrap()
        .split_whitespace()
        .map(b64)
        .collect()
}

/// `-responses responses.b64`.
pub fn file_source() -> OcspSource {
    let source = FileSource::from_text(std::str::from_utf8(&data("responses.b64")).unwrap());
    assert_eq!(source.len(), 4);
    OcspSource::File(source)
}

/// `-db-config` over a new sqlite certdb in `dir` holding the fixture responses, keyed as
/// cfssl's `ocsprefresh` stores them.
pub fn db_source(dir: &Path) -> OcspSource {
    std::fs::create_dir_all(dir).unwrap();
    let config = DbConfig {
        driver: "sqlite3".into(),
        data_source: dir.join("certs.db").to_str().unwrap().into(),
    };
    let mut db = Db::open(&config).unwrap();
    db.init().unwrap();
    for body in stored_responses() {
        let parsed = parse_response(&body).unwrap();
        // ocsp_responses rows reference their certificate's row (cfssl's schema).
        db.insert_certificate(&CertificateRecord::issued(
            parsed.cert_id.serial_decimal(),
            parsed.cert_id.issuer_key_hash_hex(),
            "",
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
            parsed.this_update,
            parsed.next_update.unwrap(),
            None,
            "",
        ))
        .unwrap();
        db.insert_ocsp(&OcspRecord {
            serial_number: parsed.cert_id.serial_decimal(),
            authority_key_identifier: parsed.cert_id.issuer_key_hash_hex(),
            expiry: parsed.next_update.unwrap(),
            body,
        })
        .unwrap();
    }
    OcspSource::Db(DbSource::new(db))
}

/// Short limits for the timeout tests.
pub fn quick_limits() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(500),
        body_read_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        shutdown_grace: Duration::from_secs(5),
        ..Limits::default()
    }
}

/// A server on its own thread and runtime.
pub struct Running {
    pub addr: SocketAddr,
    pub logs: Arc<Mutex<Vec<Note>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), ServerError>>>,
}

/// Starts `ocspserve` on 127.0.0.1, port 0.
pub fn start(source: OcspSource, path: &str, limits: Limits) -> Running {
    let mut config = OcspServeConfig::new("127.0.0.1", 0, source);
    config.path = path.into();
    config.limits = limits;
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = logs.clone();
    let (bound_tx, bound_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let log = Arc::new(move |note: Note| sink.lock().unwrap().push(note));
            let server = OcspServer::bind(config, log).await?;
            bound_tx.send(server.local_addr()).unwrap();
            server
                .run(async move {
                    let _ = stop_rx.await;
                })
                .await
        })
    });
    let addr = bound_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the server did not bind");
    Running {
        addr,
        logs,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}

impl Running {
    /// Signals shutdown without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Signals shutdown and waits for `run` to return.
    pub fn stop(mut self) -> Result<(), ServerError> {
        self.signal_stop();
        self.thread.take().unwrap().join().unwrap()
    }

    /// Whether `run` has returned.
    pub fn finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// The log lines so far, as text.
    pub fn log_text(&self) -> Vec<String> {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .map(|n| n.message.clone())
            .collect()
    }

    /// `http://127.0.0.1:PORT<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// An HTTP response as it came off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Names as sent (case kept), in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first value of `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The header names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.headers.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// Sends `head` (request line and headers, without the blank line; `Connection: close` is
/// added) and `body`, and reads the whole answer.
pub fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("{head}\r\nHost: test\r\nConnection: close\r\n");
    if !body.is_empty() {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_answer(&mut stream)
}

/// Reads an answer until the server closes the connection.
pub fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_answer(&raw)
}

/// Parses a whole HTTP/1.1 response (with `Content-Length` or none).
pub fn parse_answer(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.to_owned(), v.trim().to_owned())
        })
        .collect();
    Answer {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// Whether openssl can be run. Without it the check is skipped, except on CI (`CI=true`),
/// where a missing openssl is a failure.
pub fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("openssl is required on CI (CI=true) but could not be run: install openssl");
        }
        eprintln!("openssl not found: skipping the openssl ocsp client checks");
    }
    ok
}

/// Runs openssl; returns stdout + stderr and whether it succeeded.
pub fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl").args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}
