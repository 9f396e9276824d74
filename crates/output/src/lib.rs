//! The JSON-out contract of cfssl-rs, and the core of `cfssljson-rs`.
//!
//! Everything cfssl prints as JSON, and everything `cfssljson` does with it, byte for byte
//! as cfssl 1.6.5 (`docs/cfssl-compat.md`) except where `docs/differences.md` says otherwise:
//!
//! * [`CertOutput`]: the `{"cert","csr","key"}` line of `gencert`, `sign`, `genkey`, `gencsr`,
//!   `selfsign` — docs/cfssl-compat.md §1.5 `PrintCert`, §4.
//! * [`CfsslError`], [`category`], [`reason`]: cfssl's numeric errors and their JSON form —
//!   docs/cfssl-compat.md §7.1.
//! * [`parse_input`], [`select_payload`], [`plan_files`], [`render_stdout`],
//!   [`write_files_atomically`]: cfssljson — docs/cfssl-compat.md §2, §11 items 44–48, with
//!   docs/differences.md #9 (no panics), #11 (atomic writes, keys 0600 from the first byte, no
//!   silent key replacement) and #12 (empty input explained).
//!
//! JSON itself, in and out (Go's `encoding/json` rules, `json.Marshal` output), is
//! `cfssl-json`'s. The crate never prints, reads argv or exits.
//!
//! # Example: cfssljson -bare ca
//!
//! ```
//! use cfssl_output::{CertOutput, parse_input, plan_files, select_payload, write_files_atomically};
//!
//! // What `cfssl gencert -initca` prints…
//! let line = CertOutput {
//!     cert: Some("-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n".into()),
//!     csr: Some("-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----\n".into()),
//!     key: Some("-----BEGIN EC PRIVATE KEY-----\n…\n-----END EC PRIVATE KEY-----\n".into()),
//! }
//! .to_json_line();
//! assert!(line.starts_with(r#"{"cert":"-----BEGIN CERTIFICATE-----\n"#));
//!
//! // …and what `cfssljson -bare ca` makes of it.
//! let doc = parse_input(line.as_bytes())?;
//! let files = plan_files(select_payload(&doc, true)?, "ca")?;
//! let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
//! assert_eq!(names, ["ca.pem", "ca-key.pem", "ca.csr"]);
//!
//! let dir = tempfile::tempdir()?;
//! write_files_atomically(dir.path(), &files, false)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Secrets
//!
//! Private keys pass through [`CertOutput`] and [`OutputFile`]; both wipe their buffers on
//! drop, and the strings built from them are [`zeroize::Zeroizing`]. A parsed input document
//! can be wiped with [`wipe_value`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cert;
mod cfssljson;
mod error;

pub use cert::CertOutput;
pub use cfssl_json::{SyntaxError, Value};
pub use cfssljson::{
    CfssljsonError, OutputFile, Written, go_os_error, is_bundle_output, parse_input, plan_files,
    render_stdout, select_payload, wipe_value, write_files_atomically,
};
pub use error::{CfsslError, category, reason};
pub use zeroize;
