//! The line format and the chain check shared by appending, verifying and printing.
//!
//! Lines are checked one by one against the one before them, so every problem is reported
//! with the line number where the chain breaks: a `seq` that does not follow (a line was
//! removed, inserted or moved), a `prev` that is not the SHA-256 of the line before (that
//! line was edited, or the order changed), a line that is not a transcript line at all, or
//! a last line without its newline (a write cut short).

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use crate::artefact::{Artefact, is_sha256_hex, sha256_hex};
use crate::{Problem, Step};

/// `prev` of line 1.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of a transcript, as read back or as just written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Line number, 1-based.
    pub seq: u64,
    /// When it was appended (RFC 3339, UTC).
    pub time: String,
    /// SHA-256 of the previous line (64 zeros on line 1).
    pub prev: String,
    /// What the step did.
    pub step: Step,
    /// SHA-256 of this line's bytes: the next line's `prev`, and the head of the chain
    /// when it is the last.
    pub hash: String,
}

/// The line as written: this struct's field order is the key order of every line.
#[derive(Serialize)]
struct LineOut<'a> {
    seq: u64,
    time: &'a str,
    prev: &'a str,
    command: &'a [String],
    ceremony_sha256: &'a Option<String>,
    inputs: &'a [Artefact],
    outputs: &'a [Artefact],
    tbs_sha256: &'a [String],
    note: &'a Option<String>,
}

/// The line as read: every key required (`null` where empty), no other key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    seq: u64,
    time: String,
    prev: String,
    command: Vec<String>,
    ceremony_sha256: Option<String>,
    inputs: Vec<Artefact>,
    outputs: Vec<Artefact>,
    tbs_sha256: Vec<String>,
    note: Option<String>,
}

/// The text of the line (without newline) and its entry.
pub(crate) fn encode_line(
    seq: u64,
    now: time::OffsetDateTime,
    prev: &str,
    step: &Step,
) -> (String, Entry) {
    let time = format_time(now);
    let out = LineOut {
        seq,
        time: &time,
        prev,
        command: &step.command,
        ceremony_sha256: &step.ceremony_sha256,
        inputs: &step.inputs,
        outputs: &step.outputs,
        tbs_sha256: &step.tbs_sha256,
        note: &step.note,
    };
    // Serialising strings, numbers and vectors of them cannot fail.
    let text = serde_json::to_string(&out).unwrap_or_default();
    let hash = sha256_hex(text.as_bytes());
    let entry = Entry {
        seq,
        time,
        prev: prev.to_owned(),
        step: step.clone(),
        hash,
    };
    (text, entry)
}

/// RFC 3339 in UTC, whole seconds: `2026-12-07T03:00:00Z`.
fn format_time(now: time::OffsetDateTime) -> String {
    let utc = now.to_offset(time::UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    whole
        .format(&Rfc3339)
        .unwrap_or_else(|_| "0000-00-00T00:00:00Z".to_owned())
}

/// A transcript's contents, checked.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    /// The lines that parsed, in file order (with their line numbers).
    pub entries: Vec<(usize, Entry)>,
    /// Complete lines in the file.
    pub lines: usize,
    /// SHA-256 of the last complete line.
    pub head: Option<String>,
    /// Everything wrong, in line order.
    pub problems: Vec<Problem>,
}

/// Reads and checks every line of `bytes`.
pub(crate) fn check(bytes: &[u8]) -> Chain {
    let mut chain = Chain::default();
    let mut pieces: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // After the last newline: empty in a whole file, a torn line otherwise.
    let tail = pieces.pop().unwrap_or_default();
    let mut previous: Option<(String, Option<u64>)> = None; // (hash, seq) of the line before
    for (index, line) in pieces.iter().enumerate() {
        let number = index + 1;
        let hash = sha256_hex(line);
        let seq = check_line(number, line, previous.as_ref(), &hash, &mut chain);
        previous = Some((hash, seq));
    }
    chain.lines = pieces.len();
    chain.head = previous.map(|(hash, _)| hash);
    if !tail.is_empty() {
        chain.problems.push(Problem::line(
            pieces.len() + 1,
            "incomplete: the file does not end with a newline (a write was interrupted, or the \
             file was cut or added to by hand)",
        ));
    }
    chain
}

/// Checks line `number`; returns its `seq` when it parsed.
fn check_line(
    number: usize,
    line: &[u8],
    previous: Option<&(String, Option<u64>)>,
    hash: &str,
    chain: &mut Chain,
) -> Option<u64> {
    if line.is_empty() {
        chain
            .problems
            .push(Problem::line(number, "empty line (lines are never empty)"));
        return None;
    }
    let parsed: LineIn = match serde_json::from_slice(line) {
        Ok(parsed) => parsed,
        Err(e) => {
            chain
                .problems
                .push(Problem::line(number, format!("not a transcript line: {e}")));
            return None;
        }
    };
    let mut problem = |text: String| chain.problems.push(Problem::line(number, text));
    let previous_seq = previous.and_then(|(_, seq)| *seq);
    let seq_follows = match previous {
        None => parsed.seq == 1,
        Some(_) => previous_seq.is_none_or(|p| p.checked_add(1) == Some(parsed.seq)),
    };
    if !seq_follows {
        let expected = previous_seq.map_or(number as u64, |p| p.saturating_add(1));
        problem(format!(
            "seq is {}, expected {expected}: a line was removed, inserted or moved here",
            parsed.seq
        ));
    }
    match previous {
        None if parsed.prev != GENESIS => problem(
            "prev is not 64 zeros, as the first line's is: lines before it were removed".into(),
        ),
        Some((previous_hash, _)) if parsed.prev != *previous_hash => {
            let before = number - 1;
            problem(if seq_follows {
                format!(
                    "prev is not the SHA-256 of line {before}: line {before} was changed after \
                     line {number} was written"
                )
            } else {
                format!(
                    "prev is not the SHA-256 of line {before}: lines were removed, inserted or \
                     reordered"
                )
            });
        }
        _ => {}
    }
    if time::OffsetDateTime::parse(&parsed.time, &Rfc3339).is_err() {
        problem(format!("time {:?} is not an RFC 3339 time", parsed.time));
    }
    for (field, value) in hashes(&parsed) {
        if !is_sha256_hex(value) {
            problem(format!("{field} {value:?} is not a lower-case hex SHA-256"));
        }
    }
    let seq = parsed.seq;
    chain.entries.push((
        number,
        Entry {
            seq,
            time: parsed.time,
            prev: parsed.prev,
            step: Step {
                command: parsed.command,
                ceremony_sha256: parsed.ceremony_sha256,
                inputs: parsed.inputs,
                outputs: parsed.outputs,
                tbs_sha256: parsed.tbs_sha256,
                note: parsed.note,
            },
            hash: hash.to_owned(),
        },
    ));
    Some(seq)
}

/// Every field of a line that must be a SHA-256, named for the error.
fn hashes(line: &LineIn) -> Vec<(String, &str)> {
    let mut all = vec![("prev".to_owned(), line.prev.as_str())];
    if let Some(ceremony) = &line.ceremony_sha256 {
        all.push(("ceremony_sha256".to_owned(), ceremony));
    }
    for (role, list) in [("inputs", &line.inputs), ("outputs", &line.outputs)] {
        for artefact in list {
            all.push((format!("{role} {} sha256", artefact.path), &artefact.sha256));
            if let Some(fingerprint) = &artefact.fingerprint {
                all.push((format!("{role} {} fingerprint", artefact.path), fingerprint));
            }
        }
    }
    for tbs in &line.tbs_sha256 {
        all.push(("tbs_sha256".to_owned(), tbs));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(n: usize) -> Step {
        Step {
            command: vec!["cfssl-rs".into(), format!("step{n}")],
            outputs: vec![Artefact::of_bytes("-", format!("output {n}").as_bytes())],
            ..Step::default()
        }
    }

    /// A good transcript of `n` lines.
    fn transcript(n: usize) -> Vec<String> {
        let mut prev = GENESIS.to_owned();
        let mut lines = Vec::new();
        for i in 1..=n {
            let (text, entry) =
                encode_line(i as u64, time::OffsetDateTime::UNIX_EPOCH, &prev, &step(i));
            prev = entry.hash;
            lines.push(text);
        }
        lines
    }

    fn joined(lines: &[String]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect()
    }

    fn problems(bytes: &[u8]) -> Vec<String> {
        check(bytes)
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_good_chain_checks() {
        let lines = transcript(4);
        let chain = check(&joined(&lines));
        assert!(chain.problems.is_empty(), "{:?}", chain.problems);
        assert_eq!(chain.lines, 4);
        assert_eq!(chain.entries.len(), 4);
        assert_eq!(
            chain.head.as_deref(),
            Some(sha256_hex(lines[3].as_bytes()).as_str())
        );
        assert!(lines[0].starts_with(&format!(
            r#"{{"seq":1,"time":"1970-01-01T00:00:00Z","prev":"{GENESIS}","command":["cfssl-rs","step1"],"ceremony_sha256":null,"inputs":[],"outputs":[{{"path":"-","sha256":""#
        )), "{}", lines[0]);
        assert!(check(b"").problems.is_empty());
    }

    #[test]
    fn an_edited_field_is_reported_at_the_next_line() {
        let mut lines = transcript(3);
        lines[1] = lines[1].replace("step2", "step9");
        assert_eq!(
            problems(&joined(&lines)),
            [
                "line 3: prev is not the SHA-256 of line 2: line 2 was changed after line 3 was written"
            ]
        );
    }

    #[test]
    fn a_removed_line_is_reported() {
        let mut lines = transcript(4);
        lines.remove(1);
        assert_eq!(
            problems(&joined(&lines)),
            [
                "line 2: seq is 3, expected 2: a line was removed, inserted or moved here",
                "line 2: prev is not the SHA-256 of line 1: lines were removed, inserted or reordered"
            ]
        );
        let mut lines = transcript(2);
        lines.remove(0);
        assert_eq!(
            problems(&joined(&lines)),
            [
                "line 1: seq is 2, expected 1: a line was removed, inserted or moved here",
                "line 1: prev is not 64 zeros, as the first line's is: lines before it were removed"
            ]
        );
    }

    #[test]
    fn swapped_lines_are_reported() {
        let mut lines = transcript(4);
        lines.swap(1, 2);
        let found = problems(&joined(&lines));
        for expected in [
            "line 2: seq is 3, expected 2",
            "line 2: prev is not the SHA-256 of line 1",
            "line 3: seq is 2, expected 4",
            "line 3: prev is not the SHA-256 of line 2",
            "line 4: seq is 4, expected 3",
            "line 4: prev is not the SHA-256 of line 3",
        ] {
            assert!(
                found.iter().any(|p| p.starts_with(expected)),
                "{expected} in {found:?}"
            );
        }
    }

    #[test]
    fn a_torn_last_line_is_reported() {
        let lines = transcript(3);
        let mut bytes = joined(&lines);
        bytes.truncate(bytes.len() - 20);
        let chain = check(&bytes);
        assert_eq!(chain.lines, 2);
        assert_eq!(
            chain
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "line 3: incomplete: the file does not end with a newline (a write was interrupted, or the file was cut or added to by hand)"
            ]
        );
    }

    #[test]
    fn garbage_is_reported() {
        let lines = transcript(2);
        let mut bytes = joined(&lines);
        bytes.extend_from_slice(b"garbage\n");
        let found = problems(&bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("line 3: not a transcript line: "),
            "{found:?}"
        );
        let mut bytes = joined(&lines);
        bytes.extend_from_slice(b"\n");
        assert_eq!(
            problems(&bytes),
            ["line 3: empty line (lines are never empty)"]
        );
        let mut bytes = joined(&lines);
        bytes.extend_from_slice(b"{\"seq\":3}\n\xff\xfe\n");
        let found = problems(&bytes);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("line 3: not a transcript line: missing field"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("line 4: not a transcript line: "),
            "{found:?}"
        );
    }

    proptest::proptest! {
        /// Any bytes: no panic, and the lines counted are the newlines.
        #[test]
        fn any_bytes_are_checked(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let chain = check(&bytes);
            let newlines = bytes.iter().filter(|b| **b == b'\n').count();
            proptest::prop_assert_eq!(chain.lines, newlines);
            proptest::prop_assert!(chain.entries.len() <= chain.lines);
        }

        /// Changing any byte of any line but the last breaks the chain at or after that line
        /// (the last line is what the head hash, kept outside the file, protects).
        #[test]
        fn every_change_before_the_last_line_is_found(
            at in 0usize..10_000,
            value in proptest::num::u8::ANY,
        ) {
            let lines = transcript(3);
            let mut bytes = joined(&lines);
            let protected = bytes.len() - lines[2].len() - 1;
            let at = at % protected;
            proptest::prop_assume!(bytes[at] != value);
            bytes[at] = value;
            proptest::prop_assert!(!check(&bytes).problems.is_empty());
        }
    }

    #[test]
    fn bad_hashes_and_times_are_reported() {
        let mut lines = transcript(1);
        lines[0] = lines[0].replace("1970-01-01T00:00:00Z", "yesterday");
        let first_sha = &Artefact::of_bytes("-", b"output 1").sha256;
        lines[0] = lines[0].replace(first_sha.as_str(), "ABC");
        assert_eq!(
            problems(&joined(&lines)),
            [
                "line 1: time \"yesterday\" is not an RFC 3339 time",
                "line 1: outputs - sha256 \"ABC\" is not a lower-case hex SHA-256"
            ]
        );
    }
}
