//! # cfssl-transcript: a ceremony's record as a hash chain
//!
//! A key ceremony is watched by witnesses who later have to say what was signed. This crate
//! keeps the record they sign: a *transcript*, one JSON line per signing step, each line
//! carrying the SHA-256 of the line before it, so that a line edited, removed, inserted or
//! moved after the fact breaks the chain at that point ([`verify`] names the line).
//!
//! ```text
//! {"seq":1,"time":"2026-12-07T03:00:00Z","prev":"000…000","command":["cfssl-rs","gencert","-initca","ca-csr.json"],"ceremony_sha256":null,"inputs":[…],"outputs":[…],"tbs_sha256":["…"],"note":null}
//! {"seq":2,"time":"2026-12-07T03:04:10Z","prev":"<SHA-256 of line 1's bytes>",…}
//! ```
//!
//! **Line format** (fixed key order, one line, `\n`-terminated, UTF-8): `seq` (1-based line
//! number), `time` (RFC 3339, UTC, whole seconds), `prev` (lower-case hex SHA-256 of the
//! previous line's exact bytes without its newline; 64 zeros on line 1), then the [`Step`]:
//! `command` (argv), `ceremony_sha256` (the ceremony file of `ceremony run`, else `null`),
//! `inputs` and `outputs` ([`Artefact`]s: path, SHA-256 of the bytes, kind, fingerprint),
//! `tbs_sha256` (SHA-256 of each to-be-signed structure the CA key signed: the bytes a
//! ceremony plan showed before signing) and `note`.
//!
//! **What the chain proves, and what it does not**: the chain makes the lines depend on
//! each other, not on anything outside the file. Whoever can write the file can rewrite
//! it whole and recompute every hash. The transcript is evidence only together with an
//! *anchor* kept elsewhere: the head hash (SHA-256 of the last line) written down by hand
//! on the witnesses' page ([`witness_page`]) or published. A later `ceremony verify`
//! prints the head hash to compare with that copy; lines added after the anchor are
//! visible, lines before it cannot change without changing it.
//!
//! **Writing** ([`append`]): the file is created with `O_EXCL` (mode 0644: it holds hashes
//! and public fingerprints, nothing secret) or opened for appending, never through a
//! symlink; the new line is written under an exclusive `flock(2)` (two signing commands
//! sharing a transcript are serialised), after the existing chain has been checked, and
//! synced to disk before `append` returns. A chain that does not check — an edited line, or
//! a torn last line left by a crash mid-write — is never extended: the error tells the
//! operator to look at the file. Commands call [`check_appendable`] *before* they sign, so a
//! transcript that cannot be written stops the ceremony before a key is used.
//!
//! **Keys**: no key material is ever written; see [`artefact`] for why a key file's
//! SHA-256 and its public key's fingerprint are recorded.
//!
//! ```
//! use cfssl_transcript::{Artefact, Step, append, verify};
//!
//! let dir = tempfile::tempdir()?;
//! let log = dir.path().join("ceremony.log");
//! let step = Step {
//!     command: vec!["cfssl-rs".into(), "gencrl".into()],
//!     outputs: vec![Artefact::of_bytes("-", b"MIIB...")],
//!     ..Step::default()
//! };
//! let now = time::OffsetDateTime::now_utc();
//! append(&log, &step, now)?;
//! let second = append(&log, &step, now)?;
//! assert_eq!(second.seq, 2);
//! let report = verify(&log, &[])?;
//! assert!(report.is_ok());
//! assert_eq!(report.head.as_deref(), Some(second.hash.as_str()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod artefact;
mod chain;
mod file;
mod page;
mod report;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use artefact::{
    Artefact, certificate_public_key_fingerprint, public_key_fingerprint, sha256_hex, tbs_sha256,
    tbs_sha256_of_text,
};
pub use chain::Entry;
pub use report::{FileCheck, FileStatus, Problem, VerifyReport};

/// One signing step, as the command that made it describes it; [`append`] adds the line
/// number, the time and the previous line's hash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The command line (argv, program name first).
    pub command: Vec<String>,
    /// Lower-case hex SHA-256 of the ceremony file `ceremony run` followed, if any.
    pub ceremony_sha256: Option<String>,
    /// What the step read: requests, CA certificate and key, configuration.
    pub inputs: Vec<Artefact>,
    /// What the step made: files by path, printed PEM fields as `-:field`.
    pub outputs: Vec<Artefact>,
    /// Lower-case hex SHA-256 of each to-be-signed structure signed, in output order.
    pub tbs_sha256: Vec<String>,
    /// Free text (a ceremony step's name).
    pub note: Option<String>,
}

/// What went wrong with a transcript.
#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    /// The file (or its directory) could not be read, created, locked or written.
    #[error("transcript {path}: cannot {op}: {source}")]
    Io {
        /// What was being done (`read`, `create`, `write`, `lock`, `sync`).
        op: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The existing chain does not check: nothing is appended to it.
    #[error(
        "transcript {path} does not verify, so nothing was signed or appended; a person has to \
         look at it (`cfssl-rs ceremony verify {path}`): keep it as evidence and start a new \
         transcript, or restore the intact copy. {}",
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    Broken {
        /// The file.
        path: String,
        /// Every problem found, by line.
        problems: Vec<Problem>,
    },
    /// The path is not a regular file (a directory, a FIFO, a symlink).
    #[error("transcript {path}: not a regular file")]
    NotAFile {
        /// The path.
        path: String,
    },
    /// A witness page was asked for a transcript with no lines.
    #[error("transcript {path} is empty: no step has been recorded")]
    Empty {
        /// The file.
        path: String,
    },
}

/// Checks that a step could be appended to `path` now: the file is absent and its directory
/// writable, or it is a regular writable file whose chain verifies (no torn last line).
/// Call it before signing; [`append`] checks again under its lock.
///
/// # Errors
/// [`TranscriptError::Broken`] listing the problems, or an I/O error naming the file.
pub fn check_appendable(path: &Path) -> Result<(), TranscriptError> {
    file::check_appendable(path)
}

/// Appends `step` as the next line of the transcript at `path` (created if absent), at
/// time `now`, and returns the line as written.
///
/// # Errors
/// As [`check_appendable`], plus write and sync errors; nothing is written on error.
pub fn append(
    path: &Path,
    step: &Step,
    now: time::OffsetDateTime,
) -> Result<Entry, TranscriptError> {
    file::append(path, step, now)
}

/// Checks the chain of the transcript at `path` and that each of `files` is an artefact it
/// records (by path, else by SHA-256 or fingerprint). With no `files`, every output it
/// records under a file path is checked if present. Problems are in the report, not errors.
///
/// # Errors
/// Only when the transcript itself cannot be read.
pub fn verify(path: &Path, files: &[PathBuf]) -> Result<VerifyReport, TranscriptError> {
    report::verify(path, files)
}

/// The chain check of [`verify`] over a transcript's bytes (no files are checked).
pub fn check_bytes(bytes: &[u8]) -> VerifyReport {
    report::from_chain(chain::check(bytes), Vec::new())
}

/// A plain-text page (80 columns) for the witnesses to sign: every step with its
/// fingerprints in groups of four hex digits, the head hash to copy by hand, and lines for
/// signatures.
///
/// # Errors
/// The transcript cannot be read, is empty, or does not verify
/// ([`TranscriptError::Broken`]): a page is never printed for a broken chain.
pub fn witness_page(path: &Path) -> Result<String, TranscriptError> {
    page::witness_page(path)
}
