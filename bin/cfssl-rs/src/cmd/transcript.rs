//! Transcripts on the command line: `-transcript FILE` on the signing commands
//! ([`run_recorded`]), and `ceremony verify` / `ceremony print` ([`verify`], [`print`]).
//! The format and its guarantees are `cfssl_transcript`'s (README "Transcripts").
//!
//! A signing command with `-transcript` runs in three steps, so nothing is handed out that
//! the transcript does not record:
//! 1. before anything is read or signed, [`cfssl_transcript::check_appendable`]: a
//!    transcript that cannot be written, or whose chain does not verify, stops the command;
//!    the inputs the flags and arguments name are read and hashed;
//! 2. the command runs with its standard output held back (and its standard input copied
//!    as it reads it, so a request piped in is recorded too);
//! 3. on success the step is appended — inputs, what it printed (each PEM or base64 field
//!    of a JSON answer as `-:field`, anything else as `-`), the files it wrote (`-out`,
//!    the certificates of `sign -batch`) and the SHA-256 of every to-be-signed structure
//!    it signed, hashed from the issued objects' own bytes — and only then is the output
//!    printed. If the append fails, nothing is printed and the command fails.
//!
//! Key inputs: a key file is recorded by its SHA-256 and its public key's fingerprint; an
//! encrypted key file or a `pkcs11:` key cannot be read here, so its fingerprint is the
//! public key of the certificate the command checked it against (`-ca` for `-ca-key`,
//! `-responder` for `-responder-key`, `-cert` for `-key`, gencrl's CERT for its KEY, else
//! the certificate it issued with that key). Password files are never recorded: a hash of
//! a password can be searched backwards.

use std::io::Read;
use std::path::{Path, PathBuf};

use cfssl_transcript::{Artefact, Entry, Step, TranscriptError};
use zeroize::Zeroizing;

use super::support::{now, read_bytes_spec};
use super::{CliError, Context, Run};

/// The commands `-transcript` records (`ceremony run` records its own steps).
pub const RECORDED_COMMANDS: &[&str] = &[
    "crl",
    "gencert",
    "gencrl",
    "genkey",
    "k8s-sign",
    "ocsprefresh",
    "ocspsign",
    "pkcs12",
    "selfsign",
    "sign",
];

/// Whether `command` runs under [`run_recorded`] (it is a recorded command and
/// `-transcript` was given).
pub fn records(command: &str, ctx: &Context<'_>) -> bool {
    !ctx.flags.transcript.is_empty() && RECORDED_COMMANDS.contains(&command)
}

/// The flags naming an input file, each with the flag of the certificate a key given by it
/// is checked against. `-password-file` and `-key-password-file` are left out on purpose.
const INPUT_FLAGS: &[(&str, Option<&str>)] = &[
    ("csr", None),
    ("ca", None),
    ("ca-key", Some("ca")),
    ("ca-chain", None),
    ("cert", None),
    ("key", Some("cert")),
    ("responder", None),
    ("responder-key", Some("responder")),
    ("config", None),
    ("db-config", None),
];

fn flag_value<'a>(ctx: &'a Context<'_>, flag: &str) -> &'a str {
    let flags = &ctx.flags;
    match flag {
        "csr" => &flags.csr,
        "ca" => &flags.ca,
        "ca-key" => &flags.ca_key,
        "ca-chain" => &flags.ca_chain,
        "cert" => &flags.cert,
        "key" => &flags.key,
        "responder" => &flags.responder,
        "responder-key" => &flags.responder_key,
        "config" => &flags.config,
        "db-config" => &flags.db_config,
        _ => "",
    }
}

/// An input read before the command ran.
struct Input {
    artefact: Artefact,
    /// For a key: the bytes of the certificate the command checks it against.
    partner: Option<Vec<u8>>,
}

/// A `pkcs11:` key: recorded by its URI (which never holds a PIN: the token layer refuses
/// `pin-value`), fingerprinted through its certificate.
fn token_key(uri: &str) -> Artefact {
    Artefact {
        path: uri.to_owned(),
        sha256: cfssl_transcript::sha256_hex(uri.as_bytes()),
        kind: "key".to_owned(),
        fingerprint: None,
    }
}

/// Reads the inputs the flags and positionals of `command` name (what exists of them:
/// a missing file is the command's error to report, with its own wording).
fn gather_inputs(command: &str, ctx: &Context<'_>) -> Vec<Input> {
    let reads = |flag: &str| cfssl_cli::flags::reads(command, flag);
    let mut inputs = Vec::new();
    for (flag, partner_flag) in INPUT_FLAGS {
        let spec = flag_value(ctx, flag);
        if spec.is_empty() || !reads(flag) {
            continue;
        }
        let partner = partner_flag
            .map(|p| flag_value(ctx, p))
            .filter(|p| !p.is_empty())
            .and_then(|p| read_bytes_spec(p).ok());
        if super::token::is_token_key(spec) {
            inputs.push(Input {
                artefact: token_key(spec),
                partner,
            });
        } else if let Ok(bytes) = read_bytes_spec(spec).map(Zeroizing::new) {
            // Wiped once hashed: it may be a key.
            inputs.push(Input {
                artefact: Artefact::of_bytes(spec, &bytes),
                partner,
            });
        }
    }
    if command == "sign" && !ctx.flags.batch.is_empty() {
        for csr in batch_csrs(&ctx.flags.batch) {
            if let Ok(artefact) = Artefact::of_file(&csr) {
                inputs.push(Input {
                    artefact,
                    partner: None,
                });
            }
        }
    }
    // Positionals naming files (`-` is standard input, recorded after the run as read).
    let mut positional = Vec::new();
    for arg in ctx.args.remaining() {
        if super::token::is_token_key(arg) {
            positional.push(token_key(arg));
        } else if arg != "-"
            && Path::new(arg).is_file()
            && let Ok(artefact) = Artefact::of_file(Path::new(arg))
        {
            positional.push(Artefact {
                path: arg.clone(),
                ..artefact
            });
        }
    }
    // gencrl's KEY is checked against its CERT, the positional certificate.
    let certificate = positional
        .iter()
        .find(|a| a.kind == "certificate")
        .and_then(|a| std::fs::read(&a.path).ok());
    for artefact in positional {
        let partner = (artefact.kind == "key")
            .then(|| certificate.clone())
            .flatten();
        inputs.push(Input { artefact, partner });
    }
    inputs
}

/// `DIR/*.csr` of `sign -batch`, sorted as the batch signs them.
fn batch_csrs(dir: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut csrs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csr") && p.is_file())
        .collect();
    csrs.sort();
    csrs
}

/// Standard input as the command reads it, kept for the record.
struct CopyingReader<'a> {
    inner: &'a mut dyn Read,
    seen: Zeroizing<Vec<u8>>,
}

impl Read for CopyingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen
            .extend_from_slice(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

/// Runs `run` (the command `command`) with `-transcript`: see the module docs.
pub fn run_recorded(command: &str, ctx: &mut Context<'_>, run: Run) -> Result<(), CliError> {
    let path = PathBuf::from(&ctx.flags.transcript);
    cfssl_transcript::check_appendable(&path).map_err(transcript_error)?;
    let inputs = gather_inputs(command, ctx);
    let out_file = (!ctx.flags.out.is_empty()).then(|| ctx.flags.out.clone());
    let batch = (command == "sign" && !ctx.flags.batch.is_empty()).then(|| ctx.flags.batch.clone());

    // Both may hold a key (a new key printed, a key piped in): wiped when dropped.
    let mut stdout = Zeroizing::new(Vec::new());
    let mut stdin = CopyingReader {
        inner: &mut *ctx.stdin,
        seen: Zeroizing::new(Vec::new()),
    };
    let mut inner = Context::new(
        std::mem::take(&mut ctx.flags),
        std::mem::take(&mut ctx.args),
        ctx.config.take(),
        &mut stdin,
        &mut *stdout,
        &mut *ctx.stderr,
    );
    let result = run(&mut inner);
    drop(inner);
    if let Err(e) = result {
        // What a failed command printed is not a result: passed on, not recorded.
        let _ = ctx.stdout.write_all(&stdout);
        return Err(e);
    }
    let stdin_seen = stdin.seen;

    let mut outputs = printed_outputs(&stdout);
    if let Some(out) = out_file.as_deref().filter(|o| *o != "-")
        && let Ok(artefact) = Artefact::of_file(Path::new(out))
    {
        outputs.push(Artefact {
            path: out.to_owned(),
            ..artefact
        });
    }
    if let Some(dir) = &batch {
        for csr in batch_csrs(dir) {
            let pem = csr.with_extension("pem");
            if let Ok(artefact) = Artefact::of_file(&pem) {
                outputs.push(artefact);
            }
        }
    }
    let mut step_inputs = Vec::with_capacity(inputs.len() + 1);
    let first_certificate = outputs
        .iter()
        .find(|a| a.kind == "certificate")
        .and_then(|a| output_bytes(a, &stdout));
    for input in inputs {
        let mut artefact = input.artefact;
        if artefact.kind == "key" && artefact.fingerprint.is_none() {
            let partner = input.partner.or_else(|| first_certificate.clone());
            let fingerprint = partner
                .as_deref()
                .and_then(cfssl_transcript::certificate_public_key_fingerprint);
            artefact = artefact.with_fingerprint(fingerprint);
        }
        step_inputs.push(artefact);
    }
    if !stdin_seen.is_empty() {
        step_inputs.push(Artefact::of_bytes("-", &stdin_seen));
    }
    let tbs_sha256 = signed_hashes(&outputs, &stdout);
    let step = Step {
        command: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        ceremony_sha256: None,
        inputs: step_inputs,
        outputs,
        tbs_sha256,
        note: None,
    };
    let entry = record(&path, &step)?;
    crate::info!(
        "transcript {}: recorded step {} (chain head {})",
        path.display(),
        entry.seq,
        entry.hash
    );
    ctx.stdout
        .write_all(&stdout)
        .map_err(|e| CliError::Plain(format!("write /dev/stdout: {}", super::go_errno_text(&e))))
}

/// Appends `step` to the transcript at `path` now (for the signing commands and `ceremony
/// run`; call [`cfssl_transcript::check_appendable`] before signing).
///
/// # Errors
/// The transcript's error, worded for the command line.
pub fn record(path: &Path, step: &Step) -> Result<Entry, CliError> {
    cfssl_transcript::append(path, step, now()).map_err(transcript_error)
}

/// A transcript error as a command-line error.
pub fn transcript_error(e: TranscriptError) -> CliError {
    CliError::Plain(format!("-transcript: {e}"))
}

/// What a command printed, as artefacts: each string field of a JSON answer (nested
/// fields as `a.b`) that holds a PEM object or a base64 DER one (`-:cert`,
/// `-:ocspResponse`, `-:status.certificate`), then the whole output as `-`.
fn printed_outputs(stdout: &[u8]) -> Vec<Artefact> {
    if stdout.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(stdout)
        && value.is_object()
    {
        collect_fields(&value, "", &mut found);
    }
    // The output as a whole too: saved as is (`> response.json`), it is found by its hash.
    found.push(Artefact::of_bytes("-", stdout));
    found
}

fn collect_fields(value: &serde_json::Value, prefix: &str, found: &mut Vec<Artefact>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                collect_fields(value, &name, found);
            }
        }
        serde_json::Value::String(text) => {
            let artefact = Artefact::of_bytes(&format!("-:{prefix}"), text.as_bytes());
            if artefact.kind != "other" {
                found.push(artefact);
            }
        }
        _ => {}
    }
}

/// The bytes of an output artefact: a file, or the JSON field it was printed in.
fn output_bytes(artefact: &Artefact, stdout: &[u8]) -> Option<Vec<u8>> {
    match artefact.path.strip_prefix("-:") {
        Some(field) => {
            let value: serde_json::Value = serde_json::from_slice(stdout).ok()?;
            let mut at = &value;
            for key in field.split('.') {
                at = at.get(key)?;
            }
            at.as_str().map(|s| s.as_bytes().to_vec())
        }
        None if artefact.path == "-" => Some(stdout.to_vec()),
        None => std::fs::read(&artefact.path).ok(),
    }
}

/// The SHA-256 of the to-be-signed part of every certificate, CRL and OCSP response output.
fn signed_hashes(outputs: &[Artefact], stdout: &[u8]) -> Vec<String> {
    outputs
        .iter()
        .filter(|a| matches!(a.kind.as_str(), "certificate" | "crl" | "ocsp"))
        .filter_map(|a| output_bytes(a, stdout))
        .filter_map(|bytes| cfssl_transcript::tbs_sha256_of_text(&bytes))
        .collect()
}

/// `ceremony verify [-json] TRANSCRIPT [FILE…]`: checks the chain and the files; prints a
/// line per problem and per file, then the head hash, or with `-json` the same report as
/// one JSON object ([`cfssl_transcript::VerifyReport::to_json`]); exit 1 on any problem,
/// with the same error line either way.
pub fn verify(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let transcript = transcript_argument(ctx, "verify")?;
    let mut files = Vec::new();
    while let Some(file) = ctx.args.pop_optional() {
        files.push(PathBuf::from(file));
    }
    let report = cfssl_transcript::verify(Path::new(&transcript), &files)
        .map_err(|e| CliError::Plain(e.to_string()))?;
    let text = if ctx.flags.json {
        let mut json =
            serde_json::to_string_pretty(&report.to_json(&transcript)).unwrap_or_default();
        json.push('\n');
        json
    } else {
        plain_report(&transcript, &report)
    };
    ctx.print(&text)?;
    if report.is_ok() {
        return Ok(());
    }
    let failed_files = report
        .files
        .iter()
        .filter(|f| f.status.is_problem())
        .count();
    Err(CliError::Plain(format!(
        "{transcript} does not verify: {} problem(s) in the chain, {failed_files} file(s) not as recorded",
        report.problems.len()
    )))
}

/// The plain report of `ceremony verify`: a line per problem and per file, then the head.
fn plain_report(transcript: &str, report: &cfssl_transcript::VerifyReport) -> String {
    let mut text = String::new();
    for problem in &report.problems {
        text.push_str(&format!("{transcript}: {problem}\n"));
    }
    for file in &report.files {
        text.push_str(&format!("{file}\n"));
    }
    match &report.head {
        Some(head) => text.push_str(&format!(
            "{transcript}: {} line{}; head of the chain (SHA-256 of line {}): {head}\n\
             Compare the head with the copy kept outside the file: the chain alone cannot show \
             a transcript rewritten whole.\n",
            report.lines,
            if report.lines == 1 { "" } else { "s" },
            report.lines
        )),
        None => text.push_str(&format!("{transcript}: no complete line\n")),
    }
    text
}

/// `ceremony print TRANSCRIPT`: the witnesses' page.
pub fn print(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let transcript = transcript_argument(ctx, "print")?;
    ctx.args.reject_extra()?;
    let page = cfssl_transcript::witness_page(Path::new(&transcript))
        .map_err(|e| CliError::Plain(e.to_string()))?;
    ctx.print(&page)
}

/// The TRANSCRIPT argument of `ceremony verify/print` (`-transcript` is for the commands
/// that write one).
fn transcript_argument(ctx: &mut Context<'_>, action: &str) -> Result<String, CliError> {
    if !ctx.flags.transcript.is_empty() {
        return Err(CliError::Usage(format!(
            "ceremony {action} reads the transcript named by its first argument: \
             `cfssl-rs ceremony {action} TRANSCRIPT`; drop -transcript"
        )));
    }
    if ctx.flags.yes {
        return Err(CliError::Usage(format!(
            "ceremony {action} signs nothing and asks nothing: drop -yes (it confirms `ceremony run`)"
        )));
    }
    ctx.args.pop().map_err(|_| {
        CliError::Usage(format!(
            "ceremony {action}: give the transcript file: `cfssl-rs ceremony {action} TRANSCRIPT{}`",
            if action == "verify" { " [FILE...]" } else { "" }
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_commands_are_the_ones_taking_the_flag() {
        for (command, flags) in cfssl_cli::flags::COMMAND_FLAGS {
            let takes = flags.contains(&"transcript") && *command != "ceremony";
            assert_eq!(takes, RECORDED_COMMANDS.contains(command), "{command}");
        }
        for command in RECORDED_COMMANDS {
            assert!(cfssl_cli::flags::reads(command, "transcript"), "{command}");
        }
    }

    #[test]
    fn printed_json_fields_become_artefacts() {
        let ca = include_str!("../../../../testdata/cfssl-1.6.5/ca.pem");
        let json = serde_json::json!({"cert": ca, "csr": "", "note": "plain text"});
        let found = printed_outputs(json.to_string().as_bytes());
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].path.as_str(), found[0].kind.as_str()),
            ("-:cert", "certificate")
        );
        assert_eq!(
            (found[1].path.as_str(), found[1].kind.as_str()),
            ("-", "other")
        );
        assert_eq!(signed_hashes(&found, json.to_string().as_bytes()).len(), 1);
        let raw = printed_outputs(b"not json\n");
        assert_eq!((raw[0].path.as_str(), raw[0].kind.as_str()), ("-", "other"));
        assert!(printed_outputs(b"").is_empty());
    }
}
