//! `ocspserve` over a real socket: openssl's OCSP client, raw HTTP/1.1 on the wire, the
//! limits and graceful shutdown (docs/cfssl-lifecycle.md §5.5; cfssl's answers from its
//! transcript T§10–T§11).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cfssl_server::Limits;
use common::*;

fn path(name: &str) -> String {
    data_path(name).to_str().unwrap().to_owned()
}

/// `openssl ocsp` (POST, with a nonce) against the server, the file source and the DB
/// source, under `/` and under `/ocsp/`: leaf1 is good, leaf2 revoked, the responses
/// verify against the CA, and an unknown serial gets `unauthorized`.
#[test]
fn openssl_client_gets_good_revoked_and_unauthorized() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (kind, mount) in [
        ("file", "/"),
        ("db", "/"),
        ("file", "/ocsp/"),
        ("db", "/ocsp/"),
    ] {
        let source = match kind {
            "file" => file_source(),
            _ => db_source(&dir.path().join(mount.trim_matches('/'))),
        };
        let server = start(source, mount, Limits::default());
        let url = server.url(mount);
        let ask = |cert: &str| {
            let (ok, text) = openssl(&[
                "ocsp",
                "-issuer",
                &path("ca.pem"),
                "-cert",
                &path(cert),
                "-url",
                &url,
                "-CAfile",
                &path("ca.pem"),
            ]);
            assert!(ok, "{kind} {mount} {cert}: {text}");
            assert!(
                text.contains("Response verify OK"),
                "{kind} {mount} {cert}: {text}"
            );
            text
        };
        let leaf1 = ask("leaf1.pem");
        assert!(leaf1.contains("leaf1.pem: good"), "{kind} {mount}: {leaf1}");
        let leaf2 = ask("leaf2.pem");
        assert!(
            leaf2.contains("leaf2.pem: revoked"),
            "{kind} {mount}: {leaf2}"
        );
        assert!(leaf2.contains("Reason: keyCompromise"), "{leaf2}");

        let (_, unknown) = openssl(&[
            "ocsp",
            "-issuer",
            &path("ca.pem"),
            "-serial",
            "0x1234",
            "-url",
            &url,
            "-noverify",
        ]);
        assert!(
            unknown.contains("Responder Error: unauthorized (6)"),
            "{kind} {mount}: {unknown}"
        );
        assert!(
            server
                .log_text()
                .iter()
                .any(|l| l.starts_with("No response found for request: serial 1234, request body ")),
            "{:?}",
            server.log_text()
        );
        server.stop().unwrap();
    }
}

/// GET under `/` with cfssl's exact headers, in Go's order, then `Date` and
/// `Content-Length`; the same from the DB source.
#[test]
fn get_answers_with_cfssls_headers() {
    let dir = tempfile::tempdir().unwrap();
    let stored = stored_responses().remove(0);
    for source in [file_source(), db_source(dir.path())] {
        let server = start(source, "/", Limits::default());
        let answer = exchange(server.addr, &format!("GET /{LEAF1_REQUEST} HTTP/1.1"), b"");
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(
            answer.names(),
            [
                "Cache-Control",
                "Content-Type",
                "Etag",
                "Expires",
                "Last-Modified",
                "Date",
                "Content-Length",
                "Connection"
            ]
        );
        assert_eq!(
            answer.header("Content-Type"),
            Some("application/ocsp-response")
        );
        assert_eq!(answer.header("Etag"), Some(LEAF1_ETAG));
        assert_eq!(
            answer.header("Expires"),
            Some("Wed, 09 Dec 2026 04:00:00 UTC")
        );
        assert_eq!(
            answer.header("Last-Modified"),
            Some("Sun, 06 Dec 2026 04:00:00 UTC")
        );
        let cache = answer.header("Cache-Control").unwrap();
        assert!(
            cache.starts_with("max-age=")
                && cache.ends_with(", public, no-transform, must-revalidate"),
            "{cache}"
        );
        assert!(answer.header("Date").unwrap().ends_with(" GMT"));
        assert_eq!(
            answer.header("Content-Length"),
            Some(stored.len().to_string().as_str())
        );
        assert_eq!(answer.body, stored);

        // `+` escaped as %2B, as a careful client sends it.
        let escaped = LEAF1_REQUEST.replace('+', "%2B");
        let answer = exchange(server.addr, &format!("GET /{escaped} HTTP/1.1"), b"");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, stored);

        // POST of the same request.
        let answer = exchange(server.addr, "POST / HTTP/1.1", &b64(LEAF1_REQUEST));
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, stored);
        server.stop().unwrap();
    }
}

/// 304 on a matching If-None-Match; 405, 400 and the 200 `unauthorized` as cfssl answers.
#[test]
fn not_modified_and_error_answers() {
    let server = start(file_source(), "/", Limits::default());
    let get = format!("GET /{LEAF1_REQUEST} HTTP/1.1\r\nIf-None-Match: {LEAF1_ETAG}");
    let answer = exchange(server.addr, &get, b"");
    assert_eq!(answer.status, 304, "{answer:?}");
    assert_eq!(answer.header("Etag"), Some(LEAF1_ETAG));
    // Go drops Content-Type and Content-Length from a 304.
    assert_eq!(answer.header("Content-Type"), None);
    assert_eq!(answer.header("Content-Length"), None);
    assert!(answer.body.is_empty());

    let answer = exchange(server.addr, "PUT / HTTP/1.1", b"x");
    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("Cache-Control"), Some("max-age=0, no-cache"));
    assert_eq!(answer.header("Content-Type"), None);
    assert_eq!(answer.header("Content-Length"), Some("0"));
    assert!(answer.body.is_empty());

    // Not base64: 400, empty, no Content-Type.
    let answer = exchange(server.addr, "GET /notbase64 HTTP/1.1", b"");
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("Content-Type"), None);
    assert!(answer.body.is_empty());

    // Base64 but not an OCSP request: malformedRequest.
    let answer = exchange(server.addr, "GET /aGVsbG8K HTTP/1.1", b"");
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("Content-Type"),
        Some("application/ocsp-response")
    );
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x01]);

    // A bad percent escape: Go's own 400.
    let answer = exchange(server.addr, "GET /%zz HTTP/1.1", b"");
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(answer.body, b"400 Bad Request");

    // Nothing stored: 200 unauthorized, and the responder's note reaches the log.
    let answer = exchange(server.addr, "POST / HTTP/1.1", &b64(UNKNOWN_WITH_NONCE));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x06]);
    let logs = server.log_text();
    assert_eq!(logs[0], "Registering OCSP responder handler");
    assert_eq!(
        logs[1],
        format!("Now listening on 127.0.0.1:{}", server.addr.port())
    );
    assert!(
        logs.iter().any(|l| l
            == &format!(
                "No response found for request: serial 73254572f447982386a43595e47b28a70521251e, request body {UNKNOWN_WITH_NONCE}"
            )),
        "{logs:?}"
    );
    server.stop().unwrap();
}

/// Under `-path /ocsp/`: GET and POST work there (docs/differences.md #23); other paths
/// get Go's 404.
#[test]
fn mount_path_routes_and_go_404() {
    let stored = stored_responses().remove(0);
    let server = start(file_source(), "/ocsp/", Limits::default());
    let answer = exchange(
        server.addr,
        &format!("GET /ocsp/{LEAF1_REQUEST} HTTP/1.1"),
        b"",
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, stored);
    for target in ["/ocsp/", "/ocsp"] {
        let answer = exchange(
            server.addr,
            &format!("POST {target} HTTP/1.1"),
            &b64(LEAF1_REQUEST),
        );
        assert_eq!(answer.status, 200, "{target}");
        assert_eq!(answer.body, stored);
    }
    let answer = exchange(server.addr, &format!("GET /{LEAF1_REQUEST} HTTP/1.1"), b"");
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.names(),
        [
            "Content-Type",
            "X-Content-Type-Options",
            "Date",
            "Content-Length",
            "Connection"
        ]
    );
    assert_eq!(
        answer.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(answer.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(answer.body, b"404 page not found\n");
    let answer = exchange(server.addr, "POST /ocspx HTTP/1.1", b"x");
    assert_eq!(answer.status, 404);
    server.stop().unwrap();
}

/// A body over the limit is refused with 413, by Content-Length or while reading chunks.
#[test]
fn oversized_bodies_get_413() {
    let limits = Limits {
        max_body_bytes: 1024,
        ..Limits::default()
    };
    let server = start(file_source(), "/", limits);
    let answer = exchange(server.addr, "POST / HTTP/1.1", &[0x30; 1025]);
    assert_eq!(answer.status, 413);
    assert_eq!(answer.header("Connection"), Some("close"));

    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let chunk = vec![b'a'; 800];
    let mut request = b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..2 {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(&chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 413);
    server.stop().unwrap();
}

/// A client that connects and sends nothing does not delay anyone, and is dropped after
/// the header read timeout.
#[test]
fn a_silent_client_blocks_nobody_and_is_dropped() {
    let stored = stored_responses().remove(0);
    let server = start(file_source(), "/", quick_limits());
    let mut silent = TcpStream::connect(server.addr).unwrap();
    let mut half = TcpStream::connect(server.addr).unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost").unwrap();
    let started = Instant::now();
    let answer = exchange(server.addr, &format!("GET /{LEAF1_REQUEST} HTTP/1.1"), b"");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, stored);
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );

    for stream in [&mut silent, &mut half] {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut rest = Vec::new();
        // Closed by the server (EOF, or a reset), not by our 5 s read timeout.
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    server.stop().unwrap();
}

/// On shutdown the server stops accepting, finishes the request in flight, and returns.
#[test]
fn shutdown_finishes_the_request_in_flight() {
    let stored = stored_responses().remove(0);
    let mut server = start(file_source(), "/", quick_limits());
    let body = b64(LEAF1_REQUEST);
    let (first, second) = body.split_at(10);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    server.signal_stop();
    std::thread::sleep(Duration::from_millis(200));
    assert!(!server.finished(), "returned with a request in flight");
    assert!(
        TcpStream::connect(server.addr).is_err(),
        "still accepting after shutdown"
    );

    stream.write_all(second).unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, stored);
    server.stop().unwrap();
}

/// A request that never completes holds shutdown up to the grace period only.
#[test]
fn shutdown_grace_is_capped() {
    let limits = Limits {
        shutdown_grace: Duration::from_millis(300),
        body_read_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let server = start(file_source(), "/", limits);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    server.stop().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// Binding a port in use fails with Go's text naming the address.
#[test]
fn bind_errors_name_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = cfssl_server::OcspServeConfig::new("127.0.0.1", port, file_source());
    let error = runtime
        .block_on(cfssl_server::OcspServer::bind(
            config,
            std::sync::Arc::new(|_| {}),
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("listen tcp 127.0.0.1:{port}: bind: address already in use")
    );
}

/// Past `max_connections`, a new client waits (in the accept queue) until a slot frees:
/// here the silent client holding the only slot is dropped by the header read timeout.
#[test]
fn connections_past_the_limit_wait_for_a_slot() {
    let limits = Limits {
        max_connections: 1,
        ..quick_limits()
    };
    let server = start(file_source(), "/", limits);
    let _silent = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let answer = exchange(server.addr, &format!("GET /{LEAF1_REQUEST} HTTP/1.1"), b"");
    assert_eq!(answer.status, 200);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    server.stop().unwrap();
}
