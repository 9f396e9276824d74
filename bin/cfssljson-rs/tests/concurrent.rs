//! Two `cfssljson-rs -bare x` runs racing in one directory (docs/differences.md #11): each file
//! set is written whole by one run, a run removes only what it created, and the loser is told
//! why it lost.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cfssljson-rs");

/// Rounds per case: enough to hit the race windows of the unlocked writer many times over,
/// about a second or two per case on 2 cores.
const ROUNDS: usize = 150;

/// cfssl-rs output whose three files all carry `marker`.
fn input(marker: char) -> String {
    format!(r#"{{"cert":"CERT {marker}\n","key":"KEY {marker}\n","csr":"CSR {marker}\n"}}"#)
}

/// Starts both runs and gives each its input, then closes both inputs at once, so that the
/// two start writing at nearly the same moment.
fn race(dir: &Path, args: &[&str]) -> [(char, Output); 2] {
    let mut children = ['A', 'B'].map(|marker| {
        let mut child = Command::new(BIN)
            .current_dir(dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input(marker).as_bytes()).unwrap();
        (marker, child, Some(stdin))
    });
    for (_, _, stdin) in &mut children {
        drop(stdin.take());
    }
    children.map(|(marker, child, _)| (marker, child.wait_with_output().unwrap()))
}

/// Every entry of `dir`, hidden ones included, with its contents.
fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let contents = fs::read_to_string(e.path()).unwrap_or_else(|e| format!("<{e}>"));
            (e.file_name().to_string_lossy().into_owned(), contents)
        })
        .collect();
    out.sort();
    out
}

/// The complete set written by the run with `marker`, and nothing else.
fn set_of(marker: char) -> Vec<(String, String)> {
    vec![
        ("x-key.pem".into(), format!("KEY {marker}\n")),
        ("x.csr".into(), format!("CSR {marker}\n")),
        ("x.pem".into(), format!("CERT {marker}\n")),
    ]
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn racing_writers_without_overwrite() {
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let d = tempfile::tempdir().unwrap();
        let [a, b] = race(d.path(), &["-bare", "x"]);
        let (winner, loser) = match (a.1.status.code(), b.1.status.code()) {
            (Some(0), Some(1)) => (a, b),
            (Some(1), Some(0)) => (b, a),
            other => {
                failures.push(format!(
                    "round {round}: exit codes {other:?}, stderr A {:?}, B {:?}",
                    stderr(&a.1),
                    stderr(&b.1)
                ));
                continue;
            }
        };
        let why = stderr(&loser.1);
        if !(why.contains("x-key.pem already exists") && why.contains("-overwrite")) {
            failures.push(format!("round {round}: loser {} said {why:?}", loser.0));
        }
        let found = listing(d.path());
        if found != set_of(winner.0) {
            failures.push(format!(
                "round {round}: winner {} exited 0 but the directory holds {found:?}",
                winner.0
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ROUNDS} rounds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn racing_writers_with_overwrite() {
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let d = tempfile::tempdir().unwrap();
        let [a, b] = race(d.path(), &["-bare", "-overwrite", "x"]);
        if a.1.status.code() != Some(0) || b.1.status.code() != Some(0) {
            failures.push(format!(
                "round {round}: exit codes {:?} {:?}, stderr A {:?}, B {:?}",
                a.1.status.code(),
                b.1.status.code(),
                stderr(&a.1),
                stderr(&b.1)
            ));
            continue;
        }
        // Both succeed one after the other: the set is the whole set of one of them.
        let found = listing(d.path());
        if found != set_of('A') && found != set_of('B') {
            failures.push(format!("round {round}: mixed or incomplete set {found:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ROUNDS} rounds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
