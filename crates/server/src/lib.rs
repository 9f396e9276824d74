//! # cfssl-server: cfssl-rs's HTTP transport
//!
//! The only crate of cfssl-rs that touches sockets (docs/architecture.md). It serves
//! `serve`, cfssl's signing API ([`api`]: every endpoint calls the `cfssl_ca` workflow the
//! command line uses, over HTTP or rustls TLS with optional client certificates,
//! docs/cfssl-lifecycle.md §7–§8), multirootca's signing core ([`multiroot`]), and
//! `ocspserve`: the transport-free responder of `cfssl_ocsp` ([`cfssl_ocsp::respond`])
//! behind an HTTP/1.1 listener, reading responses from a `-responses` file
//! ([`cfssl_ocsp::FileSource`]) or the certdb ([`DbSource`]), as
//! docs/cfssl-lifecycle.md §5.5 records cfssl 1.6.5's.
//!
//! ## Why tokio and hyper
//!
//! cfssl's whole `serve` API (issue 16: sign, newcert, revoke, ocspsign, bundle, …) will be
//! built on this crate, so the stack is chosen for that rather than for one endpoint:
//! hyper 1.x is the HTTP/1.1 implementation most of the Rust ecosystem's servers stand on
//! (request parsing, keep-alive, chunked bodies, `Expect: 100-continue`, `Date` and
//! `Content-Length` are its job, not hand-written here), and tokio gives it sockets,
//! timers, signals and a blocking pool for database calls. hyper-util supplies the glue
//! (tokio I/O, graceful shutdown). All of it is pure Rust and links no TLS library, so
//! the static build is unchanged. TLS (for `serve` only; cfssl's ocspserve has none) is
//! rustls with the ring provider, installed explicitly ([`api::tls`]).
//!
//! ## Shape
//!
//! * [`OcspServer::bind`] opens the socket (so `-port 0` gives a free port and
//!   [`OcspServer::local_addr`] tells which); [`OcspServer::run`] serves until a shutdown
//!   future completes. [`serve_ocsp`] does both; [`run_ocsp_server_blocking`] does both for
//!   a synchronous `main`, building its own runtime and stopping on SIGINT/SIGTERM.
//! * Routing follows Go's `ServeMux` as cfssl uses it: paths under the mount go to the
//!   responder with what follows the mount, percent-decoded once as Go's `URL.Path`;
//!   other paths get Go's `404 page not found`; a bad `%` escape gets Go's `400 Bad
//!   Request`. Under a mount other than `/`, GET works (docs/differences.md #23).
//! * Header names go out in Go's canonical spelling (`Cache-Control`, `Etag`) and in the
//!   responder's order; `Date` and `Content-Length` follow, as Go's server writes them.
//! * Log lines (`Registering OCSP responder handler`, `Now listening on …`, the responder's
//!   `No response found …`) are handed to the caller's [`LogSink`] as
//!   [`Note`]s; the library never prints.
//!
//! ## Limits, and why
//!
//! cfssl (Go's bare `http.ListenAndServe`) has none: a client that connects and sends
//! nothing holds a socket and a goroutine forever, and so may any number of clients. An
//! OCSP responder is usually reachable from anywhere, so [`Limits`] bounds what each
//! client can hold, with defaults far above an honest client's needs (an OCSP request is
//! ~100 bytes in one round trip):
//!
//! | limit | default | when exceeded |
//! |---|---|---|
//! | request body | 64 KiB | `413`, no body, connection closed |
//! | request head, counted from when the server is ready for it (also the keep-alive idle time) | 10 s | connection closed |
//! | request body, once the head is in | 10 s | `408`, connection closed |
//! | no byte moving either way | 60 s | connection closed |
//! | connections at once | 256 | later clients wait in the kernel's accept queue |
//! | in-flight requests on shutdown | 10 s | connections dropped |
//!
//! Every connection is its own task and database lookups run on the blocking pool, so a
//! slow client or a slow database never delays another client's answer.
//!
//! ## Differences in what Go would write
//!
//! Go's `ServeMux` redirects `/ocsp` to `/ocsp/` and paths holding `//` to their cleaned
//! form; we route them as they are (cleaning breaks base64 that contains `//`). Go's
//! canned `400 Bad Request` has no `Date` or `Content-Length`; ours has both. cfssl logs
//! `Now listening on` before binding; we log it after, with the bound port.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
mod db_source;
mod error;
mod group_commit;
pub mod multiroot;
mod ocsp;
mod routing;
mod signals;
mod transport;

use std::sync::Arc;

pub use cfssl_ocsp::{Note, NoteLevel};
pub use db_source::DbSource;
pub use error::ServerError;
pub use ocsp::{OcspServeConfig, OcspServer, OcspSource, run_ocsp_server_blocking, serve_ocsp};
pub use transport::Limits;

/// Where a server's log lines go: called once per line, from any thread.
pub type LogSink = Arc<dyn Fn(Note) + Send + Sync>;
