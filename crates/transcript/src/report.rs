//! `verify`: the chain's problems and each file's match against what the lines record.
//!
//! A file is looked up first by the path it was recorded under: the last line naming that
//! path says what it must hold now, so a file swapped or edited since is reported against
//! that line. A file recorded under no path it still has — `ca.pem` written by
//! `cfssljson-rs` from the `-:cert` a command printed — is looked up by its bytes' SHA-256,
//! then by its fingerprint (the same certificate re-encoded, the key whose public half a
//! CSR or certificate carries), outputs before inputs.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::TranscriptError;
use crate::artefact::Artefact;
use crate::chain::{self, Entry};

/// One thing wrong with a transcript's chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line (1-based) where the chain breaks.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    pub(crate) fn line(line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// How one file compares with the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCheck {
    /// The file as given (or as recorded, for files checked without being named).
    pub path: String,
    /// The outcome.
    pub status: FileStatus,
}

/// The outcome of [`FileCheck`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// The file is the artefact recorded on `line`.
    Matches {
        /// The line recording it.
        line: usize,
        /// `input` or `output`.
        role: &'static str,
        /// The path it was recorded under.
        recorded: String,
        /// How it was matched: `path`, `sha256` or `fingerprint`.
        by: &'static str,
        /// Where it was made, when that is another record: the first output with the same
        /// SHA-256 (line, recorded path), e.g. line 1's `-:cert` for a `ca.pem` that line 3
        /// read.
        made_by: Option<(usize, String)>,
    },
    /// The file's path is recorded on `line`, with other contents.
    Differs {
        /// The last line recording the path.
        line: usize,
        /// `input` or `output`.
        role: &'static str,
        /// SHA-256 recorded.
        recorded_sha256: String,
        /// SHA-256 of the file now.
        actual_sha256: String,
    },
    /// Neither its path, its SHA-256 nor its fingerprint is in the transcript.
    NotRecorded {
        /// SHA-256 of the file.
        sha256: String,
    },
    /// The file could not be read.
    Unreadable {
        /// Why.
        error: String,
    },
    /// A recorded output that is not on disk (checked only when no files were named): not
    /// a failure, the files of a ceremony are often moved away.
    Absent {
        /// The line recording it.
        line: usize,
    },
}

impl FileStatus {
    /// Whether this outcome fails the verification.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            FileStatus::Differs { .. }
                | FileStatus::NotRecorded { .. }
                | FileStatus::Unreadable { .. }
        )
    }
}

impl FileCheck {
    /// What the check found, without the `file PATH: ` that [`Display`](fmt::Display)
    /// puts before it: `ok, line 3's input`, `sha256 differs from line 1's output (…)`.
    pub fn message(&self) -> String {
        let path = &self.path;
        match &self.status {
            FileStatus::Matches {
                line,
                role,
                recorded,
                by,
                made_by,
            } => {
                let mut text = if recorded == path {
                    format!("ok, line {line}'s {role}")
                } else {
                    format!("ok, line {line}'s {role} {recorded} (same {by})")
                };
                if let Some((made, as_path)) = made_by {
                    text.push_str(&format!("; made by line {made} as {as_path}"));
                }
                text
            }
            FileStatus::Differs {
                line,
                role,
                recorded_sha256,
                actual_sha256,
            } => format!(
                "sha256 differs from line {line}'s {role} (recorded {recorded_sha256}, \
                 on disk {actual_sha256}): the file was replaced or changed"
            ),
            FileStatus::NotRecorded { sha256 } => format!(
                "not in the transcript (no line records its path, its sha256 {sha256} or its \
                 fingerprint)"
            ),
            FileStatus::Unreadable { error } => error.clone(),
            FileStatus::Absent { line } => {
                format!("line {line}'s output is not here (not checked)")
            }
        }
    }
}

impl fmt::Display for FileCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "file {}: {}", self.path, self.message())
    }
}

impl FileStatus {
    /// The outcome's name in [`VerifyReport::to_json`]: `matches`, `differs`,
    /// `not_recorded`, `unreadable` or `absent`.
    pub fn name(&self) -> &'static str {
        match self {
            FileStatus::Matches { .. } => "matches",
            FileStatus::Differs { .. } => "differs",
            FileStatus::NotRecorded { .. } => "not_recorded",
            FileStatus::Unreadable { .. } => "unreadable",
            FileStatus::Absent { .. } => "absent",
        }
    }
}

/// What [`crate::verify`] found.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    /// Complete lines in the file.
    pub lines: usize,
    /// SHA-256 of the last complete line: compare it with the copy kept outside the file.
    pub head: Option<String>,
    /// The lines that could be read.
    pub entries: Vec<Entry>,
    /// Everything wrong with the chain, in line order.
    pub problems: Vec<Problem>,
    /// Each file checked, in the order given.
    pub files: Vec<FileCheck>,
}

impl VerifyReport {
    /// No problem in the chain and every file checked is recorded.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && !self.files.iter().any(|f| f.status.is_problem())
    }

    /// The report as one JSON object (`ceremony verify -json`), members in this order:
    ///
    /// * `transcript`: the path as given; `ok`: [`is_ok`](Self::is_ok); `lines`: complete
    ///   lines; `head`: SHA-256 of the last complete line, or `null` when there is none;
    /// * `problems`: one object per [`Problem`], in line order: `line`, `message`;
    /// * `files`: one object per [`FileCheck`], in the report's order, every member always
    ///   present (`null` where the status has no such value): `path`, `status`
    ///   ([`FileStatus::name`]), `ok` (false when the status fails the verification),
    ///   `line` (the line recording it), `role` (`input`/`output`), `recorded` (the path it
    ///   was recorded under), `by` (`path`/`sha256`/`fingerprint`), `made_by` (`{"line",
    ///   "path"}` of the output that made the same bytes, when another record),
    ///   `recorded_sha256`, `sha256` (of the file now, when it differs or is not
    ///   recorded), `error` (why it could not be read), `message`.
    ///
    /// Each `message` is the human text of the plain report without its prefix (the text
    /// prints `TRANSCRIPT: line N: MESSAGE` and `file PATH: MESSAGE`).
    pub fn to_json(&self, transcript: &str) -> serde_json::Value {
        let problems: Vec<serde_json::Value> = self
            .problems
            .iter()
            .map(|p| serde_json::json!({"line": p.line, "message": p.message}))
            .collect();
        let files: Vec<serde_json::Value> = self.files.iter().map(FileCheck::to_json).collect();
        serde_json::json!({
            "transcript": transcript,
            "ok": self.is_ok(),
            "lines": self.lines,
            "head": self.head,
            "problems": problems,
            "files": files,
        })
    }
}

impl FileCheck {
    /// One member of `files` in [`VerifyReport::to_json`].
    fn to_json(&self) -> serde_json::Value {
        let mut line = None;
        let mut role = None;
        let mut recorded = None;
        let mut by = None;
        let mut made_by = None;
        let mut recorded_sha256 = None;
        let mut sha256 = None;
        let mut error = None;
        match &self.status {
            FileStatus::Matches {
                line: l,
                role: r,
                recorded: p,
                by: b,
                made_by: m,
            } => {
                (line, role, recorded, by) = (Some(*l), Some(*r), Some(p.as_str()), Some(*b));
                made_by = m
                    .as_ref()
                    .map(|(made, path)| serde_json::json!({"line": made, "path": path}));
            }
            FileStatus::Differs {
                line: l,
                role: r,
                recorded_sha256: was,
                actual_sha256: now,
            } => {
                (line, role) = (Some(*l), Some(*r));
                (recorded_sha256, sha256) = (Some(was.as_str()), Some(now.as_str()));
            }
            FileStatus::NotRecorded { sha256: now } => sha256 = Some(now.as_str()),
            FileStatus::Unreadable { error: e } => error = Some(e.as_str()),
            FileStatus::Absent { line: l } => line = Some(*l),
        }
        serde_json::json!({
            "path": self.path,
            "status": self.status.name(),
            "ok": !self.status.is_problem(),
            "line": line,
            "role": role,
            "recorded": recorded,
            "by": by,
            "made_by": made_by,
            "recorded_sha256": recorded_sha256,
            "sha256": sha256,
            "error": error,
            "message": self.message(),
        })
    }
}

pub(crate) fn verify(path: &Path, files: &[PathBuf]) -> Result<VerifyReport, TranscriptError> {
    let bytes = std::fs::read(path).map_err(|source| TranscriptError::Io {
        op: "read",
        path: path.display().to_string(),
        source,
    })?;
    let chain = chain::check(&bytes);
    let records = Records::new(&chain.entries);
    let checks = if files.is_empty() {
        records.recorded_outputs()
    } else {
        files.iter().map(|file| records.check_file(file)).collect()
    };
    Ok(from_chain(chain, checks))
}

pub(crate) fn from_chain(chain: chain::Chain, files: Vec<FileCheck>) -> VerifyReport {
    VerifyReport {
        lines: chain.lines,
        head: chain.head,
        entries: chain.entries.into_iter().map(|(_, entry)| entry).collect(),
        problems: chain.problems,
        files,
    }
}

/// Every artefact of the transcript with its line and role, in file order.
struct Records<'a> {
    all: Vec<(usize, &'static str, &'a Artefact)>,
}

impl<'a> Records<'a> {
    fn new(entries: &'a [(usize, Entry)]) -> Records<'a> {
        let mut all = Vec::new();
        for (line, entry) in entries {
            for artefact in &entry.step.inputs {
                all.push((*line, "input", artefact));
            }
            for artefact in &entry.step.outputs {
                all.push((*line, "output", artefact));
            }
        }
        Records { all }
    }

    /// The last record of `path` (the same file by name, or by where it resolves to now).
    fn by_path(&self, path: &Path) -> Option<(usize, &'static str, &'a Artefact)> {
        let wanted = path.to_string_lossy();
        let canonical = path.canonicalize().ok();
        self.all
            .iter()
            .rev()
            .find(|(_, _, a)| {
                !a.path.starts_with('-')
                    && (a.path == wanted
                        || canonical.is_some()
                            && Path::new(&a.path).canonicalize().ok() == canonical)
            })
            .copied()
    }

    /// The first record satisfying `matches`, outputs (where an artefact was made) first.
    fn first(
        &self,
        matches: impl Fn(&Artefact) -> bool,
    ) -> Option<(usize, &'static str, &'a Artefact)> {
        let find = |role: &str| {
            self.all
                .iter()
                .find(|(_, r, a)| *r == role && matches(a))
                .copied()
        };
        find("output").or_else(|| find("input"))
    }

    fn check_file(&self, file: &Path) -> FileCheck {
        let path = file.display().to_string();
        let actual = match Artefact::of_file(file) {
            Ok(actual) => actual,
            Err(e) => {
                let error = match e {
                    TranscriptError::Io { op, source, .. } => format!("cannot {op}: {source}"),
                    other => other.to_string(),
                };
                return FileCheck {
                    path,
                    status: FileStatus::Unreadable { error },
                };
            }
        };
        let status = if let Some((line, role, recorded)) = self.by_path(file) {
            if recorded.sha256 == actual.sha256 {
                FileStatus::Matches {
                    line,
                    role,
                    recorded: recorded.path.clone(),
                    by: "path",
                    made_by: None,
                }
            } else {
                FileStatus::Differs {
                    line,
                    role,
                    recorded_sha256: recorded.sha256.clone(),
                    actual_sha256: actual.sha256.clone(),
                }
            }
        } else if let Some((line, role, recorded)) = self.first(|a| a.sha256 == actual.sha256) {
            FileStatus::Matches {
                line,
                role,
                recorded: recorded.path.clone(),
                by: "sha256",
                made_by: None,
            }
        } else if let Some((line, role, recorded)) = actual.fingerprint.as_ref().and_then(|f| {
            self.first(|a| a.kind == actual.kind && a.fingerprint.as_ref() == Some(f))
                .or_else(|| self.first(|a| a.fingerprint.as_ref() == Some(f)))
        }) {
            FileStatus::Matches {
                line,
                role,
                recorded: recorded.path.clone(),
                by: "fingerprint",
                made_by: None,
            }
        } else {
            FileStatus::NotRecorded {
                sha256: actual.sha256.clone(),
            }
        };
        FileCheck {
            path,
            status: with_origin(status, self.origin(&actual.sha256)),
        }
    }

    /// The first output with this SHA-256: where the bytes were made.
    fn origin(&self, sha256: &str) -> Option<(usize, &'a Artefact)> {
        self.all
            .iter()
            .find(|(_, role, a)| *role == "output" && a.sha256 == sha256)
            .map(|(line, _, a)| (*line, *a))
    }

    /// Without named files: the last record of every output written under a file path.
    fn recorded_outputs(&self) -> Vec<FileCheck> {
        let mut seen: Vec<&str> = Vec::new();
        let mut checks = Vec::new();
        for (line, role, artefact) in self.all.iter().rev() {
            if *role != "output"
                || artefact.path.starts_with('-')
                || seen.contains(&artefact.path.as_str())
            {
                continue;
            }
            seen.push(&artefact.path);
            let path = Path::new(&artefact.path);
            let check = if path.symlink_metadata().is_err() {
                FileCheck {
                    path: artefact.path.clone(),
                    status: FileStatus::Absent { line: *line },
                }
            } else {
                self.check_file(path)
            };
            checks.push(check);
        }
        checks.reverse();
        checks
    }
}

/// Adds where a matched file was made, when that is not the record it matched.
fn with_origin(status: FileStatus, origin: Option<(usize, &Artefact)>) -> FileStatus {
    match (status, origin) {
        (
            FileStatus::Matches {
                line,
                role,
                recorded,
                by,
                made_by: None,
            },
            Some((made, artefact)),
        ) if made != line || artefact.path != recorded => FileStatus::Matches {
            line,
            role,
            recorded,
            by,
            made_by: Some((made, artefact.path.clone())),
        },
        (status, _) => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Step, append};

    const CA_PEM: &[u8] = include_bytes!("../../../testdata/cfssl-1.6.5/ca.pem");
    const ADMIN_PEM: &[u8] = include_bytes!("../../../testdata/cfssl-1.6.5/admin.pem");

    /// A transcript `t.log` of one step whose outputs are cfssl 1.6.5's CA certificate (on
    /// stdout, `-:cert`) and the file `written.pem`.
    struct OneStep {
        dir: tempfile::TempDir,
        log: std::path::PathBuf,
        written: std::path::PathBuf,
        entry: crate::Entry,
    }

    fn one_step() -> Result<OneStep, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = dir.path().join("t.log");
        let written = dir.path().join("written.pem");
        std::fs::write(&written, b"made by the step")?;
        let step = Step {
            command: vec!["cfssl-rs".into()],
            outputs: vec![
                Artefact::of_bytes("-:cert", CA_PEM),
                Artefact::of_file(&written)?,
            ],
            ..Step::default()
        };
        let entry = append(&log, &step, time::OffsetDateTime::UNIX_EPOCH)?;
        Ok(OneStep {
            dir,
            log,
            written,
            entry,
        })
    }

    #[test]
    fn files_are_matched_by_path_hash_and_fingerprint() -> Result<(), Box<dyn std::error::Error>> {
        let OneStep {
            dir, log, written, ..
        } = one_step()?;
        let (ca, other) = (CA_PEM, ADMIN_PEM);

        // The same certificate as DER: found by fingerprint.
        let (_, der) = der::pem::decode_vec(ca)?;
        let ca_der = dir.path().join("ca.der");
        std::fs::write(&ca_der, &der)?;
        let ca_pem = dir.path().join("ca.pem");
        std::fs::write(&ca_pem, ca)?;
        let swapped = dir.path().join("swapped.pem");
        std::fs::write(&swapped, other)?;

        let report = verify(&log, &[ca_pem, ca_der, written.clone()])?;
        assert!(report.is_ok(), "{:?}", report.files);
        let by: Vec<_> = report
            .files
            .iter()
            .map(|f| match &f.status {
                FileStatus::Matches { by, line, .. } => (*by, *line),
                _ => ("?", 0),
            })
            .collect();
        assert_eq!(by, [("sha256", 1), ("fingerprint", 1), ("path", 1)]);

        let report = verify(&log, std::slice::from_ref(&swapped))?;
        assert!(!report.is_ok());
        assert!(
            report.files[0]
                .to_string()
                .contains("not in the transcript")
        );

        std::fs::write(&written, b"changed")?;
        let report = verify(&log, &[])?;
        assert!(!report.is_ok());
        assert!(
            report.files[0]
                .to_string()
                .contains("sha256 differs from line 1's output"),
            "{}",
            report.files[0]
        );
        std::fs::remove_file(&written)?;
        let report = verify(&log, &[])?;
        assert!(report.is_ok());
        assert!(matches!(
            report.files[0].status,
            FileStatus::Absent { line: 1 }
        ));
        let report = verify(&log, &[written])?;
        assert!(!report.is_ok());
        Ok(())
    }

    #[test]
    fn the_json_report_has_every_field_of_every_outcome() -> Result<(), Box<dyn std::error::Error>>
    {
        let OneStep {
            dir,
            log,
            written,
            entry,
        } = one_step()?;
        let (ca, other) = (CA_PEM, ADMIN_PEM);
        let ca_pem = dir.path().join("ca.pem");
        std::fs::write(&ca_pem, ca)?;
        let stranger = dir.path().join("stranger.pem");
        std::fs::write(&stranger, other)?;
        std::fs::write(&written, b"changed")?;
        let missing = dir.path().join("missing.pem");

        let report = verify(
            &log,
            &[ca_pem.clone(), written.clone(), stranger.clone(), missing],
        )?;
        let json = report.to_json("t.log");
        let (ca_pem, written, stranger) = (
            ca_pem.display().to_string(),
            written.display().to_string(),
            stranger.display().to_string(),
        );
        let error = json["files"][3]["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.starts_with("cannot read: "), "{error}");
        let expected = serde_json::json!({
            "transcript": "t.log",
            "ok": false,
            "lines": 1,
            "head": entry.hash,
            "problems": [],
            "files": [
                {"path": ca_pem, "status": "matches", "ok": true, "line": 1, "role": "output",
                 "recorded": "-:cert", "by": "sha256", "made_by": null, "recorded_sha256": null,
                 "sha256": null, "error": null,
                 "message": "ok, line 1's output -:cert (same sha256)"},
                {"path": written, "status": "differs", "ok": false, "line": 1, "role": "output",
                 "recorded": null, "by": null, "made_by": null,
                 "recorded_sha256": crate::sha256_hex(b"made by the step"),
                 "sha256": crate::sha256_hex(b"changed"), "error": null,
                 "message": report.files[1].message()},
                {"path": stranger, "status": "not_recorded", "ok": false, "line": null,
                 "role": null, "recorded": null, "by": null, "made_by": null,
                 "recorded_sha256": null, "sha256": crate::sha256_hex(other), "error": null,
                 "message": report.files[2].message()},
                {"path": json["files"][3]["path"], "status": "unreadable", "ok": false,
                 "line": null, "role": null, "recorded": null, "by": null, "made_by": null,
                 "recorded_sha256": null, "sha256": null, "error": error, "message": error},
            ],
        });
        assert_eq!(json, expected);
        // Member order is part of the format.
        let keys: Vec<&str> = json["files"][0]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "path",
                "status",
                "ok",
                "line",
                "role",
                "recorded",
                "by",
                "made_by",
                "recorded_sha256",
                "sha256",
                "error",
                "message"
            ]
        );
        // Each message is the plain report's line without its `file PATH: `.
        for (file, value) in report
            .files
            .iter()
            .zip(json["files"].as_array().into_iter().flatten())
        {
            assert_eq!(
                format!(
                    "file {}: {}",
                    value["path"].as_str().unwrap_or_default(),
                    value["message"].as_str().unwrap_or_default()
                ),
                file.to_string()
            );
        }

        // Without files: a recorded output no longer there is absent, and ok.
        std::fs::remove_file(&written)?;
        let json = verify(&log, &[])?.to_json("t.log");
        assert_eq!(json["ok"], true);
        assert_eq!(json["files"][0]["status"], "absent");
        assert_eq!(json["files"][0]["line"], 1);
        assert_eq!(json["files"][0]["ok"], true);

        // A chain problem: the line and the text; no complete line: head null.
        let text = std::fs::read_to_string(&log)?;
        let torn = text.get(..text.len() - 5).unwrap_or_default();
        let json = crate::check_bytes(torn.as_bytes()).to_json("torn.log");
        assert_eq!(json["ok"], false);
        assert_eq!(json["lines"], 0);
        assert_eq!(json["head"], serde_json::Value::Null);
        assert_eq!(json["problems"][0]["line"], 1);
        let message = json["problems"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("incomplete: "), "{message}");
        assert_eq!(json["files"], serde_json::json!([]));
        Ok(())
    }

    #[test]
    fn made_by_is_an_object_in_the_json_report() {
        let check = FileCheck {
            path: "ca.pem".into(),
            status: FileStatus::Matches {
                line: 3,
                role: "input",
                recorded: "ca.pem".into(),
                by: "path",
                made_by: Some((1, "-:cert".into())),
            },
        };
        let json = check.to_json();
        assert_eq!(
            json["made_by"],
            serde_json::json!({"line": 1, "path": "-:cert"})
        );
        assert_eq!(
            json["message"],
            "ok, line 3's input; made by line 1 as -:cert"
        );
        assert_eq!(
            check.to_string(),
            "file ca.pem: ok, line 3's input; made by line 1 as -:cert"
        );
    }

    #[test]
    fn signed_objects_have_kinds_fingerprints_and_tbs_hashes() {
        let ca = include_bytes!("../../../testdata/cfssl-1.6.5/ca.pem");
        let a = Artefact::of_bytes("ca.pem", ca);
        assert_eq!(a.kind, "certificate");
        assert!(crate::tbs_sha256_of_text(ca).is_some());
        let crl = include_bytes!("../../../testdata/cfssl-1.6.5/crl-rsa-ca.pem");
        let c = Artefact::of_bytes("crl.pem", crl);
        assert_eq!(c.kind, "crl");
        assert!(c.fingerprint.is_some());
        assert!(crate::tbs_sha256_of_text(crl).is_some());
        let responses = include_str!("../../../testdata/cfssl-1.6.5-certdb/responses.b64");
        let first = responses.lines().next().unwrap_or_default();
        let o = Artefact::of_bytes("-", first.as_bytes());
        assert_eq!(o.kind, "ocsp");
        assert!(crate::tbs_sha256_of_text(first.as_bytes()).is_some());
        let csr = include_bytes!("../../../testdata/cfssl-1.6.5/ca.csr");
        let r = Artefact::of_bytes("ca.csr", csr);
        assert_eq!(r.kind, "csr");
        let key = include_bytes!("../../../testdata/cfssl-1.6.5/ca-key.pem");
        let k = Artefact::of_bytes("ca-key.pem", key);
        assert_eq!(k.kind, "key");
        assert_eq!(
            k.fingerprint, r.fingerprint,
            "a key and its CSR share the public-key fingerprint"
        );
    }
}
