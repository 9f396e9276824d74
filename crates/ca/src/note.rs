//! What a workflow has to say while it runs: cfssl's INFO, WARNING and ERROR log lines as
//! data.
//!
//! Libraries never print (docs/architecture.md). A workflow hands each line to a [`Log`] the moment
//! cfssl would have logged it, so that the binary can print them in cfssl's order,
//! interleaved with what it logs itself (a password prompt, a file it could not read), and
//! a server can collect them. Streaming rather than a list in the result matters in two
//! places: lines logged before a failure are not lost with the result, and the "still
//! generating the key" note of a slow RSA key arrives while the key is still being made.
//!
//! Warnings that belong to a certificate also travel in its result
//! ([`cfssl_signer::Issued::warnings`]) for callers that ignore the log.

/// One line a workflow would log, by cfssl's level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Progress (`generate received request`, `signed certificate with serial number …`).
    Info(String),
    /// Something the caller should know about the result (a difference from cfssl, an
    /// adjusted usage, a certificate without hosts).
    Warning(String),
    /// cfssl's ERROR line that precedes an error (`failed to generate a CSR: …`); the error
    /// itself is returned.
    Error(String),
}

/// Where a workflow's [`Note`]s go.
pub trait Log {
    /// Receives one note, in the order the workflow produces them.
    fn note(&mut self, note: Note);
}

/// Collects the notes (a server answering a request, a test).
impl Log for Vec<Note> {
    fn note(&mut self, note: Note) {
        self.push(note);
    }
}

/// Drops every note.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl Log for Discard {
    fn note(&mut self, _note: Note) {}
}

/// Logs a new certificate's warnings and cfssl's serial-number line.
pub(crate) fn issued(log: &mut dyn Log, issued: &cfssl_signer::Issued) {
    for w in &issued.warnings {
        log.note(Note::Warning(w.clone()));
    }
    log.note(Note::Info(format!(
        "signed certificate with serial number {}",
        issued.serial_decimal
    )));
}
