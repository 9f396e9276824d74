//! Issue 15 item 4, transcripts (README "Transcripts"): signing commands with `-transcript`
//! build a hash chain that `ceremony verify` checks against the files on disk and
//! `ceremony print` lays out for witnesses. Hashes and fingerprints are compared with
//! openssl's; tampering with the file or swapping a file is reported with its line.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crate::common;
use std::path::{Path, PathBuf};

use common::{Dir, Run};

/// `cfssljson-rs`, built beside `cfssl-rs`; `None` when this test run did not build it.
fn cfssljson() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_BIN_EXE_cfssl-rs")).with_file_name("cfssljson-rs");
    path.exists().then_some(path)
}

/// `run | cfssljson-rs -bare NAME`, or the same files written from the JSON fields.
fn bare(d: &Dir, run: &Run, name: &str) {
    run.ok();
    match cfssljson() {
        Some(tool) => {
            let r = common::run(
                tool.to_str().unwrap(),
                d.tmp.path(),
                &["-bare", name],
                run.stdout.as_bytes(),
            );
            assert_eq!(r.code, 0, "cfssljson-rs: {}", r.stderr);
        }
        None => {
            d.save(run, "cert", &format!("{name}.pem"));
            if run.json().get("key").and_then(|k| k.as_str()).is_some() {
                d.save(run, "key", &format!("{name}-key.pem"));
            }
        }
    }
}

fn lines(d: &Dir) -> Vec<serde_json::Value> {
    d.read("t.log")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// SHA-256 hex (lower case) of a file, by openssl.
fn openssl_sha256(d: &Dir, file: &str) -> String {
    let r = d.openssl(&["dgst", "-sha256", "-r", file]);
    r.ok();
    r.stdout.split_whitespace().next().unwrap().to_owned()
}

/// The root, a leaf signed with `sign` and a CRL from `gencrl`, all recorded in `t.log`.
fn ceremony() -> Dir {
    let d = Dir::new();
    d.write(
        "ca-csr.json",
        r#"{"CN":"Transcript Root","key":{"algo":"ecdsa","size":256},"names":[{"O":"Test"}]}"#,
    );
    let root = d.cfssl(&["gencert", "-initca", "-transcript", "t.log", "ca-csr.json"]);
    bare(&d, &root, "ca");
    d.write("leaf.json", r#"{"CN":"leaf.example.test","hosts":["leaf.example.test"],"key":{"algo":"ecdsa","size":256}}"#);
    let key = d.cfssl(&["genkey", "leaf.json"]);
    key.ok();
    d.save(&key, "csr", "leaf.csr");
    let leaf = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-transcript",
        "t.log",
        "leaf.csr",
    ]);
    leaf.ok();
    d.save(&leaf, "cert", "leaf.pem");
    d.write("serials.txt", "1234\n");
    let crl = d.cfssl(&[
        "gencrl",
        "-transcript",
        "t.log",
        "serials.txt",
        "ca.pem",
        "ca-key.pem",
    ]);
    crl.ok();
    d.write("crl.b64", &crl.stdout);
    d
}

#[test]
fn a_recorded_ceremony_verifies_and_matches_openssl() {
    let d = ceremony();
    let lines = lines(&d);
    assert_eq!(lines.len(), 3);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["seq"], i + 1);
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "seq",
                "time",
                "prev",
                "command",
                "ceremony_sha256",
                "inputs",
                "outputs",
                "tbs_sha256",
                "note"
            ]
        );
    }
    assert_eq!(lines[0]["prev"], "0".repeat(64));
    // Each prev is the SHA-256 of the line before, as sha256sum sees the bytes.
    let text = d.read("t.log");
    for (i, raw) in text.lines().enumerate().take(2) {
        d.write("line.txt", raw);
        assert_eq!(
            lines[i + 1]["prev"],
            openssl_sha256(&d, "line.txt"),
            "line {}",
            i + 2
        );
    }

    // Line 1: the root as printed, its fingerprint and its tbsCertificate hash as openssl sees them.
    let cert = &lines[0]["outputs"][0];
    assert_eq!(cert["path"], "-:cert");
    assert_eq!(cert["kind"], "certificate");
    assert_eq!(cert["sha256"], openssl_sha256(&d, "ca.pem"));
    let fingerprint = d.openssl(&["x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha256"]);
    let fingerprint: String = fingerprint
        .ok()
        .stdout
        .split('=')
        .nth(1)
        .unwrap()
        .trim()
        .replace(':', "");
    assert_eq!(cert["fingerprint"], fingerprint.to_ascii_lowercase());
    d.openssl(&[
        "asn1parse",
        "-in",
        "ca.pem",
        "-strparse",
        "4",
        "-noout",
        "-out",
        "tbs.der",
    ])
    .ok();
    assert_eq!(lines[0]["tbs_sha256"][0], openssl_sha256(&d, "tbs.der"));
    // The printed key is fingerprinted by its public key, as openssl derives it.
    let key = lines[0]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "-:key")
        .unwrap();
    d.openssl(&[
        "pkey",
        "-in",
        "ca-key.pem",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        "pub.der",
    ])
    .ok();
    assert_eq!(key["fingerprint"], openssl_sha256(&d, "pub.der"));
    assert_eq!(key["kind"], "key");

    // Line 2: sign's inputs (CA certificate and key, CSR) and the leaf's TBS.
    let inputs: Vec<&str> = lines[1]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["ca.pem", "ca-key.pem", "leaf.csr"]);
    assert_eq!(
        lines[1]["inputs"][1]["sha256"],
        openssl_sha256(&d, "ca-key.pem")
    );
    d.openssl(&[
        "asn1parse",
        "-in",
        "leaf.pem",
        "-strparse",
        "4",
        "-noout",
        "-out",
        "leaf-tbs.der",
    ])
    .ok();
    assert_eq!(
        lines[1]["tbs_sha256"][0],
        openssl_sha256(&d, "leaf-tbs.der")
    );

    // Line 3: the CRL printed as base64, identified as a CRL.
    assert_eq!(lines[2]["outputs"][0]["path"], "-");
    assert_eq!(lines[2]["outputs"][0]["kind"], "crl");
    assert_eq!(lines[2]["tbs_sha256"].as_array().unwrap().len(), 1);

    let v = d.cfssl(&[
        "ceremony",
        "verify",
        "t.log",
        "ca.pem",
        "ca-key.pem",
        "leaf.pem",
        "crl.b64",
    ]);
    v.ok();
    for expected in [
        "file ca.pem: ok, line 3's input; made by line 1 as -:cert",
        "file ca-key.pem: ok, line 3's input",
        "file leaf.pem: ok, line 2's output -:cert (same sha256)",
        "file crl.b64: ok, line 3's output - (same sha256)",
        "t.log: 3 lines; head of the chain (SHA-256 of line 3): ",
    ] {
        assert!(v.stdout.contains(expected), "{expected:?} in {}", v.stdout);
    }
    d.write("whole.txt", text.lines().last().unwrap());
    assert!(v.stdout.contains(&openssl_sha256(&d, "whole.txt")));

    // The witnesses' page: fingerprints grouped, equal to openssl's once grouping is ignored.
    let p = d.cfssl(&["ceremony", "print", "t.log"]);
    p.ok();
    assert!(
        p.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        p.stdout
    );
    let hex_only: String = p
        .stdout
        .chars()
        .filter(|c| c.is_ascii_hexdigit() || *c == '\n')
        .collect::<String>()
        .replace('\n', "");
    assert!(
        hex_only.contains(&fingerprint),
        "{fingerprint} not in {}",
        p.stdout
    );
    let first_group = fingerprint.get(..4).unwrap();
    assert!(
        p.stdout.contains(&format!("{first_group} ")),
        "groups of 4: {}",
        p.stdout
    );
    assert!(p.stdout.contains("HEAD OF THE CHAIN (SHA-256 of line 3):"));
    assert!(p.stdout.contains("Signature: "));
    let words = p.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Copy the head hash above by hand"),
        "{words}"
    );
    assert!(
        words.contains("whoever can write the file can rewrite all of it"),
        "{words}"
    );
}

#[test]
fn a_swapped_file_is_reported_with_its_line() {
    let d = ceremony();
    // Another certificate in place of ca.pem.
    d.write(
        "other-csr.json",
        r#"{"CN":"Other","key":{"algo":"ecdsa","size":256}}"#,
    );
    let other = d.cfssl(&["gencert", "-initca", "other-csr.json"]);
    other.ok();
    d.save(&other, "cert", "ca.pem");
    let v = d.cfssl(&["ceremony", "verify", "t.log", "ca.pem", "leaf.pem"]);
    assert_eq!(v.code, 1, "{}", v.stderr);
    assert!(
        v.stdout
            .contains("file ca.pem: sha256 differs from line 3's input"),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("file leaf.pem: ok"), "{}", v.stdout);
    assert!(
        v.stderr.contains(
            "t.log does not verify: 0 problem(s) in the chain, 1 file(s) not as recorded"
        ),
        "{}",
        v.stderr
    );
    // A certificate the transcript never saw, under a new name.
    d.save(&other, "cert", "stranger.pem");
    let v = d.cfssl(&["ceremony", "verify", "t.log", "stranger.pem"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout
            .contains("file stranger.pem: not in the transcript"),
        "{}",
        v.stdout
    );
}

#[test]
fn an_edited_removed_or_reordered_line_is_reported() {
    let d = ceremony();
    let original = d.read("t.log");
    let lines: Vec<&str> = original.lines().collect();

    // A field edited in line 1 (the serial list of a later step would do as well).
    let edited = original.replacen("\"note\":null", "\"note\":\"added\"", 1);
    d.write("t.log", &edited);
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("t.log: line 2: prev is not the SHA-256 of line 1: line 1 was changed after line 2 was written"), "{}", v.stdout);

    // Line 2 removed.
    d.write("t.log", format!("{}\n{}\n", lines[0], lines[2]));
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("line 2: seq is 3, expected 2"),
        "{}",
        v.stdout
    );

    // Lines 2 and 3 swapped.
    d.write(
        "t.log",
        format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1]),
    );
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("line 2: seq is 3, expected 2"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("line 3: prev is not the SHA-256 of line 2"),
        "{}",
        v.stdout
    );

    // A torn last line: reported, and no signing command appends to it.
    d.write("t.log", &original[..original.len() - 30]);
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("line 3: incomplete"), "{}", v.stdout);
    let before = d.read("t.log");
    let refused = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-transcript",
        "t.log",
        "leaf.csr",
    ]);
    refused.fails_with("does not verify, so nothing was signed or appended");
    assert_eq!(d.read("t.log"), before);
    let page = d.cfssl(&["ceremony", "print", "t.log"]);
    page.fails_with("line 3: incomplete");

    // Garbage appended.
    d.write("t.log", format!("{original}garbage\n"));
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("line 4: not a transcript line"),
        "{}",
        v.stdout
    );
}

#[test]
fn an_unwritable_transcript_stops_the_command_before_it_prints() {
    let d = ceremony();
    let r = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-transcript",
        "missing/t.log",
        "leaf.csr",
    ]);
    r.fails_with("-transcript: transcript missing/t.log: cannot create");
    std::fs::create_dir(d.path("dir.log")).unwrap();
    let r = d.cfssl(&[
        "gencert",
        "-initca",
        "-transcript",
        "dir.log",
        "ca-csr.json",
    ]);
    r.fails_with("-transcript: transcript dir.log");
    // A command that signs nothing refuses the flag.
    let r = d.cfssl(&["certinfo", "-cert", "ca.pem", "-transcript", "t.log"]);
    r.fails_with("-transcript: `certinfo` signs nothing");
    // A failed signing records nothing.
    let before = d.read("t.log");
    let r = d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "leaf.csr",
        "-transcript",
        "t.log",
        "leaf.csr",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(d.read("t.log"), before);
}

#[test]
fn ceremony_actions_and_arguments() {
    let d = ceremony();
    d.cfssl(&["ceremony", "sign"])
        .fails_with("unknown action \"sign\"; the actions are plan, run, verify and print");
    d.cfssl(&["ceremony"])
        .fails_with("give an action: plan, run, verify or print");
    d.cfssl(&["ceremony", "verify"])
        .fails_with("give the transcript file");
    d.cfssl(&["ceremony", "print", "-transcript", "t.log"])
        .fails_with("drop -transcript");
    d.cfssl(&["ceremony", "verify", "-yes", "t.log"])
        .fails_with("ceremony verify signs nothing and asks nothing: drop -yes");
    d.cfssl(&["ceremony", "print", "-yes", "t.log"])
        .fails_with("ceremony print signs nothing and asks nothing: drop -yes");
    d.cfssl(&["ceremony", "verify", "nothing.log"])
        .fails_with("transcript nothing.log: cannot read");
    // Without files: every recorded output file still present is checked (none here: all
    // were printed), and the chain alone verifies.
    d.cfssl(&["ceremony", "verify", "t.log"]).ok();
}

/// A root CA `ca`, then `sign -batch batch -transcript t.log` of one ECDSA CSR per name
/// (`batch/NAME.csr`, host `NAME.example.test`).
fn sign_batch_with_transcript(d: &Dir, names: &[&str]) {
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    std::fs::create_dir(d.path("batch")).unwrap();
    for name in names {
        d.write(
            &format!("{name}.json"),
            format!(r#"{{"CN":"{name}","hosts":["{name}.example.test"],"key":{{"algo":"ecdsa","size":256}}}}"#),
        );
        let k = d.cfssl(&["genkey", &format!("{name}.json")]);
        k.ok();
        d.save(&k, "csr", &format!("batch/{name}.csr"));
    }
    d.cfssl(&[
        "sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-batch",
        "batch",
        "-transcript",
        "t.log",
    ])
    .ok();
}

#[test]
fn sign_batch_records_every_certificate_it_writes() {
    let d = Dir::new();
    sign_batch_with_transcript(&d, &["a", "b"]);
    let line = &lines(&d)[0];
    let outputs: Vec<&str> = line["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert_eq!(outputs, ["batch/a.pem", "batch/b.pem"]);
    assert_eq!(line["tbs_sha256"].as_array().unwrap().len(), 2);
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    v.ok();
    assert!(
        v.stdout.contains("file batch/a.pem: ok, line 1's output"),
        "{}",
        v.stdout
    );
    d.write("batch/a.pem", d.read("batch/b.pem"));
    let v = d.cfssl(&["ceremony", "verify", "t.log"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout
            .contains("file batch/a.pem: sha256 differs from line 1's output"),
        "{}",
        v.stdout
    );
}

/// `ceremony verify -json`: stdout parsed as JSON, stderr and exit status as the plain
/// report's.
fn verify_json(d: &Dir, args: &[&str]) -> (Run, serde_json::Value) {
    let all = [&["ceremony", "verify", "-json"], args].concat();
    let r = d.cfssl(&all);
    let json = r.json();
    let plain = d.cfssl(&[&["ceremony", "verify"], args].concat());
    assert_eq!(r.code, plain.code, "{}", r.stderr);
    assert_eq!(r.stderr, plain.stderr);
    assert!(!r.stderr.contains("panicked at"), "{}", r.stderr);
    // python3's parser agrees, when there is one.
    if let Ok(out) = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys; print(json.dumps(json.load(sys.stdin), separators=(',',':')))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(r.stdout.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(out.status.success(), "python3 json.load: {}", r.stdout);
        assert_eq!(
            json.to_string(),
            String::from_utf8(out.stdout).unwrap().trim()
        );
    }
    (r, json)
}

/// The head hash the plain report prints.
fn plain_head(d: &Dir, transcript: &str) -> String {
    let plain = d.cfssl(&["ceremony", "verify", transcript]);
    let (_, head) = plain
        .stdout
        .split_once("head of the chain (SHA-256 of line 3): ")
        .unwrap();
    head.lines().next().unwrap().to_owned()
}

#[test]
fn verify_json_reports_a_good_transcript() {
    let d = ceremony();
    let (r, json) = verify_json(
        &d,
        &["t.log", "ca.pem", "ca-key.pem", "leaf.pem", "crl.b64"],
    );
    r.ok();
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["transcript", "ok", "lines", "head", "problems", "files"]
    );
    assert_eq!(json["transcript"], "t.log");
    assert_eq!(json["ok"], true);
    assert_eq!(json["lines"], 3);
    let head = plain_head(&d, "t.log");
    assert_eq!(json["head"], head.as_str());
    d.write("last.txt", d.read("t.log").lines().last().unwrap());
    assert_eq!(head, openssl_sha256(&d, "last.txt"));
    assert_eq!(json["problems"], serde_json::json!([]));
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert_eq!(
        files[0],
        serde_json::json!({
            "path": "ca.pem", "status": "matches", "ok": true, "line": 3, "role": "input",
            "recorded": "ca.pem", "by": "path", "made_by": {"line": 1, "path": "-:cert"},
            "recorded_sha256": null, "sha256": null, "error": null,
            "message": "ok, line 3's input; made by line 1 as -:cert"
        })
    );
    assert_eq!(
        files[2],
        serde_json::json!({
            "path": "leaf.pem", "status": "matches", "ok": true, "line": 2, "role": "output",
            "recorded": "-:cert", "by": "sha256", "made_by": null,
            "recorded_sha256": null, "sha256": null, "error": null,
            "message": "ok, line 2's output -:cert (same sha256)"
        })
    );
    let order: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            ("ca.pem", "matches"),
            ("ca-key.pem", "matches"),
            ("leaf.pem", "matches"),
            ("crl.b64", "matches")
        ]
    );
    // Nothing lost: each file's line of the plain report is `file PATH: MESSAGE`.
    let plain = d.cfssl(&[
        "ceremony",
        "verify",
        "t.log",
        "ca.pem",
        "ca-key.pem",
        "leaf.pem",
        "crl.b64",
    ]);
    for f in files {
        let line = format!(
            "file {}: {}\n",
            f["path"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert!(plain.stdout.contains(&line), "{line:?} in {}", plain.stdout);
    }
    // Deterministic: the same bytes twice; `-json` anywhere among the arguments.
    let again = d.cfssl(&[
        "ceremony",
        "verify",
        "t.log",
        "ca.pem",
        "ca-key.pem",
        "leaf.pem",
        "crl.b64",
        "-json",
    ]);
    assert_eq!(again.stdout, r.stdout);
    assert!(r.stdout.ends_with("}\n"));
}

#[test]
fn verify_json_reports_a_tampered_line_at_its_line() {
    let d = ceremony();
    let original = d.read("t.log");
    d.write(
        "t.log",
        original.replacen("\"note\":null", "\"note\":\"added\"", 1),
    );
    let (r, json) = verify_json(&d, &["t.log"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "t.log does not verify: 1 problem(s) in the chain, 0 file(s) not as recorded"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(json["ok"], false);
    assert_eq!(json["lines"], 3);
    assert_eq!(json["head"], plain_head(&d, "t.log").as_str());
    assert_eq!(
        json["problems"],
        serde_json::json!([{
            "line": 2,
            "message": "prev is not the SHA-256 of line 1: line 1 was changed after line 2 was written"
        }])
    );
    assert_eq!(json["files"], serde_json::json!([]));

    // A torn last line: no head past it, the problem on line 3.
    d.write("t.log", &original[..original.len() - 30]);
    let (r, json) = verify_json(&d, &["t.log"]);
    assert_eq!(r.code, 1);
    assert_eq!(json["ok"], false);
    assert_eq!(json["lines"], 2);
    assert_eq!(json["problems"][0]["line"], 3);
    assert!(
        json["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("incomplete: "),
        "{json}"
    );
    // No complete line at all: head is null.
    d.write("t.log", "{\"seq\":1");
    let (r, json) = verify_json(&d, &["t.log"]);
    assert_eq!(r.code, 1);
    assert_eq!(json["lines"], 0);
    assert_eq!(json["head"], serde_json::Value::Null);
    // A transcript that cannot be read: the error only, no JSON.
    d.cfssl(&["ceremony", "verify", "-json", "nothing.log"])
        .fails_with("transcript nothing.log: cannot read");
}

#[test]
fn verify_json_reports_files_not_as_recorded() {
    let d = ceremony();
    let recorded = openssl_sha256(&d, "ca.pem");
    d.write(
        "other-csr.json",
        r#"{"CN":"Other","key":{"algo":"ecdsa","size":256}}"#,
    );
    let other = d.cfssl(&["gencert", "-initca", "other-csr.json"]);
    other.ok();
    d.save(&other, "cert", "ca.pem");
    d.save(&other, "cert", "stranger.pem");
    let swapped = openssl_sha256(&d, "ca.pem");
    let (r, json) = verify_json(
        &d,
        &["t.log", "ca.pem", "leaf.pem", "stranger.pem", "gone.pem"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "t.log does not verify: 0 problem(s) in the chain, 3 file(s) not as recorded"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(json["ok"], false);
    assert_eq!(json["problems"], serde_json::json!([]));
    let files = json["files"].as_array().unwrap();
    assert_eq!(
        files[0],
        serde_json::json!({
            "path": "ca.pem", "status": "differs", "ok": false, "line": 3, "role": "input",
            "recorded": null, "by": null, "made_by": null,
            "recorded_sha256": recorded, "sha256": swapped, "error": null,
            "message": format!(
                "sha256 differs from line 3's input (recorded {recorded}, on disk {swapped}): \
                 the file was replaced or changed"
            )
        })
    );
    assert_eq!(files[1]["status"], "matches");
    assert_eq!(files[1]["ok"], true);
    assert_eq!(
        files[2],
        serde_json::json!({
            "path": "stranger.pem", "status": "not_recorded", "ok": false, "line": null,
            "role": null, "recorded": null, "by": null, "made_by": null,
            "recorded_sha256": null, "sha256": swapped, "error": null,
            "message": format!(
                "not in the transcript (no line records its path, its sha256 {swapped} or its \
                 fingerprint)"
            )
        })
    );
    assert_eq!(files[3]["path"], "gone.pem");
    assert_eq!(files[3]["status"], "unreadable");
    assert_eq!(files[3]["ok"], false);
    assert_eq!(files[3]["line"], serde_json::Value::Null);
    let error = files[3]["error"].as_str().unwrap();
    assert!(error.starts_with("cannot read: "), "{error}");
    assert_eq!(files[3]["message"], error);
}

#[test]
fn verify_json_reports_absent_outputs_without_failing() {
    let d = Dir::new();
    sign_batch_with_transcript(&d, &["a"]);
    std::fs::remove_file(d.path("batch/a.pem")).unwrap();
    let (r, json) = verify_json(&d, &["t.log"]);
    r.ok();
    assert_eq!(json["ok"], true);
    assert_eq!(
        json["files"],
        serde_json::json!([{
            "path": "batch/a.pem", "status": "absent", "ok": true, "line": 1, "role": null,
            "recorded": null, "by": null, "made_by": null, "recorded_sha256": null,
            "sha256": null, "error": null,
            "message": "line 1's output is not here (not checked)"
        }])
    );
}

#[test]
fn json_is_only_for_ceremony_verify() {
    let d = ceremony();
    d.cfssl(&["ceremony", "print", "-json", "t.log"])
        .fails_with("ceremony print has no JSON output: drop -json");
    d.write("step.yaml", "type: key\n");
    d.cfssl(&["ceremony", "plan", "-json", "step.yaml"])
        .fails_with("ceremony plan has no JSON output: drop -json");
    d.cfssl(&["ceremony", "run", "-json", "-yes", "step.yaml"])
        .fails_with("ceremony run has no JSON output: drop -json");
    // A command with no JSON form refuses the flag (ours, not cfssl's) instead of ignoring
    // it (fails_with: exit 1, nothing on stdout).
    let r = d.cfssl(&["certinfo", "-json", "-cert", "ca.pem"]);
    r.fails_with("-json: `certinfo` has no JSON output");
}
