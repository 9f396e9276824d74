//! `cfssl-rs ceremony plan FILE` and `ceremony run [-yes] [-transcript LOG] FILE` (our
//! extension; docs/ceremony.md): one reviewed file per key ceremony step.
//!
//! The library (`cfssl_ceremony`) reads the file, computes the exact to-be-signed bytes and
//! signs them; this module supplies what only the binary may touch:
//! * the keys ([`CliKeys`]): new key files are generated in memory and written, mode 0600
//!   and never over an existing file, together with the certificate once everything has
//!   succeeded; a key made in a PKCS#11 token is removed again if the step fails
//!   (`token::NewKeyUndo`); an encrypted key file's password comes from the file's
//!   `password_file:` (first line) or, for an existing key, a prompt;
//! * the confirmation ([`TerminalWitness`]): on a terminal the operator types the first 8
//!   hex digits of the TBS SHA-256 (`yes` for a key step, which signs nothing); `-yes`
//!   confirms without asking; with neither a terminal nor `-yes` the step is refused before
//!   any key is made or opened;
//! * the transcript: every run appends a line (`-transcript`, default `ceremony.log` next to
//!   the ceremony file), checked to be appendable before anything is signed.
//!
//! `plan` reads certificates, CSRs and public keys, never a private key or a token.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};

use cfssl_ceremony::CeremonyError;
use cfssl_ceremony::plan::{KeyLocation, StepPlan};
use cfssl_ceremony::run::{Confirmation, KeyStore, Witness};
use cfssl_keys::{KeySpec, PrivateKey, SigningKey};
use cfssl_output::OutputFile;
use zeroize::Zeroizing;

use super::support::write_private_files;
use super::token::NewKeyUndo;
use super::{CliError, Context};

/// How many hex digits of the TBS hash the operator types to confirm.
const CONFIRM_DIGITS: usize = 8;

fn ceremony_error(e: CeremonyError) -> CliError {
    CliError::plain(e.to_string())
}

/// Reads and plans the file named by the next positional argument.
fn read_and_plan(ctx: &mut Context<'_>) -> Result<(StepPlan, Vec<u8>), CliError> {
    let name = ctx.args.pop()?;
    ctx.args.reject_extra()?;
    let bytes = super::read_file(&name)?;
    let file = cfssl_ceremony::file::read(&name, &bytes).map_err(ceremony_error)?;
    let dir = match Path::new(&name).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let plan = cfssl_ceremony::plan::plan(file, &dir).map_err(ceremony_error)?;
    Ok((plan, bytes))
}

/// `ceremony plan FILE`: the plan page on stdout.
pub fn plan(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // A plan signs and records nothing: a flag that would matter only to `run` is a mistake.
    if ctx.flags.given.yes || ctx.flags.given.transcript {
        return Err(CliError::Usage(
            "ceremony plan: -yes and -transcript belong to `ceremony run`; plan signs and \
             records nothing"
                .into(),
        ));
    }
    let (plan, _) = read_and_plan(ctx)?;
    let page = cfssl_ceremony::render::plan_page(&plan).map_err(ceremony_error)?;
    ctx.print(&page)
}

/// `ceremony run [-yes] [-transcript LOG] FILE`.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let yes = ctx.flags.yes;
    if !yes && !std::io::stdin().is_terminal() {
        return Err(CliError::plain(
            "ceremony run: no terminal to confirm on; review `ceremony plan FILE` and give -yes \
             to sign without the typed confirmation (nothing was done)",
        ));
    }
    let (plan, ceremony_bytes) = read_and_plan(ctx)?;
    let transcript = transcript_path(ctx, &plan);
    transcript_check(&transcript)?;
    // The operator's screen: the plan page, then what is about to be signed (stderr; stdout
    // gets the result only when the step has succeeded).
    let page = cfssl_ceremony::render::plan_page(&plan).map_err(ceremony_error)?;
    show(&page);

    let mut keys = CliKeys::default();
    let mut witness = TerminalWitness { yes };
    let outcome =
        cfssl_ceremony::run::run(&plan, &mut keys, &mut witness).map_err(ceremony_error)?;

    // Everything is signed and verified: write the key file (if any) and the outputs.
    let mut files: Vec<(PathBuf, OutputFile)> = Vec::new();
    for pending in &keys.pending {
        files.push((
            pending.path.clone(),
            OutputFile {
                name: String::new(),
                contents: pending.pem.as_bytes().to_vec(),
                mode: 0o600,
                is_private_key: true,
                binary: false,
            },
        ));
    }
    for made in &outcome.files {
        files.push((
            made.path.clone(),
            OutputFile {
                name: String::new(),
                contents: made.contents.clone(),
                mode: 0o644,
                is_private_key: false,
                binary: false,
            },
        ));
    }
    write_outputs(files)?;
    transcript_append(&transcript, &plan, &ceremony_bytes, &outcome)?;
    keys.undo.keep();
    let mut result = format!("Ceremony step {} done.\n", plan.file.name);
    for hash in &outcome.tbs_sha256 {
        result.push_str(&format!("TBS SHA-256: {hash}\n"));
    }
    for path in &plan.outputs {
        result.push_str(&format!("Wrote {}\n", path.display()));
    }
    result.push_str(&format!("Transcript: {}\n", transcript.display()));
    ctx.print(&result)
}

/// Text for the people in the room, on stderr.
fn show(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// `-transcript`, else `ceremony.log` in the ceremony file's folder (docs/ceremony.md
/// "Transcript"): the record lives with the files it describes.
fn transcript_path(ctx: &Context<'_>, plan: &StepPlan) -> PathBuf {
    if ctx.flags.transcript.is_empty() {
        plan.dir.join("ceremony.log")
    } else {
        PathBuf::from(&ctx.flags.transcript)
    }
}

/// Writes each folder's files all or none, never over an existing file.
fn write_outputs(files: Vec<(PathBuf, OutputFile)>) -> Result<(), CliError> {
    let mut by_dir: Vec<(PathBuf, Vec<OutputFile>)> = Vec::new();
    for (path, mut file) in files {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(CliError::plain(format!(
                "{}: not a file name",
                path.display()
            )));
        };
        file.name = name.to_string_lossy().into_owned();
        let dir = if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        };
        match by_dir.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, list)) => list.push(file),
            None => by_dir.push((dir, vec![file])),
        }
    }
    for (dir, mut list) in by_dir {
        let written = write_private_files(&dir, &list);
        for file in &mut list {
            zeroize::Zeroize::zeroize(&mut file.contents);
        }
        written?;
    }
    Ok(())
}

/// A new key file, written only when the step succeeds.
struct PendingKeyFile {
    path: PathBuf,
    pem: Zeroizing<String>,
}

/// Key files and token keys for the ceremony library.
#[derive(Default)]
struct CliKeys {
    pending: Vec<PendingKeyFile>,
    undo: NewKeyUndo,
}

impl KeyStore for CliKeys {
    fn make(
        &mut self,
        spec: KeySpec,
        at: &KeyLocation,
    ) -> Result<Box<dyn SigningKey>, CeremonyError> {
        match at {
            KeyLocation::File {
                path,
                password_file,
            } => {
                let key =
                    PrivateKey::generate(spec).map_err(|e| CeremonyError::Key(e.to_string()))?;
                let pem = match password_file {
                    None => key.to_pem(),
                    Some(p) => {
                        let password = read_password_file(p)?;
                        if password.is_empty() {
                            return Err(CeremonyError::Key(format!(
                                "key.password_file: {} holds an empty password",
                                p.display()
                            )));
                        }
                        key.to_encrypted_pem(&password)
                            .map_err(|e| CeremonyError::Key(e.to_string()))?
                    }
                };
                crate::info!("made the {} key for {}", spec.describe(), path.display());
                self.pending.push(PendingKeyFile {
                    path: path.clone(),
                    pem,
                });
                Ok(Box::new(key))
            }
            KeyLocation::Pkcs11(uri) => {
                let key = self
                    .undo
                    .generate(uri, spec)
                    .map_err(|e| CeremonyError::Key(e.to_string()))?;
                Ok(Box::new(key))
            }
        }
    }

    fn open(&mut self, at: &KeyLocation) -> Result<Box<dyn SigningKey>, CeremonyError> {
        match at {
            KeyLocation::File {
                path,
                password_file,
            } => {
                let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
                    CeremonyError::Key(format!(
                        "issuer.key.file: cannot read {}: {e}",
                        path.display()
                    ))
                })?);
                let bad = |e: cfssl_keys::KeyError| {
                    CeremonyError::Key(format!("issuer.key.file: {}: {e}", path.display()))
                };
                match PrivateKey::from_pem(&bytes) {
                    Err(cfssl_keys::KeyError::Encrypted) => {}
                    other => return Ok(Box::new(other.map_err(bad)?)),
                }
                let password = match password_file {
                    Some(p) => read_password_file(p)?,
                    None => rpassword::prompt_password(format!(
                        "Password for the CA key in {}: ",
                        path.display()
                    ))
                    .map(|p| Zeroizing::new(p.into_bytes()))
                    .map_err(|_| {
                        CeremonyError::Key(format!(
                            "issuer.key.file: {} is encrypted: give password_file: or run on a \
                             terminal",
                            path.display()
                        ))
                    })?,
                };
                Ok(Box::new(
                    PrivateKey::from_pem_with_password(&bytes, &password).map_err(bad)?,
                ))
            }
            KeyLocation::Pkcs11(uri) => Ok(Box::new(
                super::token::open_key(uri, "issuer.key.pkcs11")
                    .map_err(|e| CeremonyError::Key(e.to_string()))?,
            )),
        }
    }
}

fn read_password_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, CeremonyError> {
    let content = Zeroizing::new(std::fs::read(path).map_err(|e| {
        CeremonyError::Key(format!(
            "cannot read the password file {}: {e}",
            path.display()
        ))
    })?);
    Ok(Zeroizing::new(
        cfssl_cli::resolve::first_line(&content).to_vec(),
    ))
}

/// The typed confirmation, or `-yes`.
struct TerminalWitness {
    yes: bool,
}

impl Witness for TerminalWitness {
    fn confirm(&mut self, c: &Confirmation<'_>) -> Result<(), CeremonyError> {
        let mut text = String::new();
        if c.tbs_sha256.is_some() {
            text.push_str("\nAbout to sign:\n");
            text.push_str(c.page);
        }
        for note in c.lint_notes {
            text.push_str(&format!("{note}\n"));
        }
        if let Some(hash) = c.tbs_sha256 {
            text.push_str(&format!("TBS SHA-256: {hash}\n"));
        }
        show(&text);
        if self.yes {
            crate::info!("confirmed by -yes");
            return Ok(());
        }
        let (expected, question) = match c.tbs_sha256 {
            Some(hash) => (
                hash.get(..CONFIRM_DIGITS).unwrap_or(hash).to_owned(),
                format!("Type the first {CONFIRM_DIGITS} hex digits of the TBS SHA-256 to sign: "),
            ),
            None => ("yes".to_owned(), "Type yes to make the key: ".to_owned()),
        };
        show(&question);
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| CeremonyError::NotConfirmed(format!("cannot read the answer: {e}")))?;
        if !answer.trim().eq_ignore_ascii_case(&expected) {
            return Err(CeremonyError::NotConfirmed(format!(
                "the answer {:?} is not {expected:?}",
                answer.trim()
            )));
        }
        Ok(())
    }
}

// Every call to the transcript (cfssl-transcript) is below.

/// Refuses a transcript that could not be appended to, before anything is signed.
fn transcript_check(path: &Path) -> Result<(), CliError> {
    cfssl_transcript::check_appendable(path).map_err(super::transcript::transcript_error)
}

/// Appends the step's line to the transcript: the command, the ceremony file's SHA-256, the
/// files read (the ceremony file, certificates, CSRs, public keys and the issuer's key
/// file; never a password file), the files written and the to-be-signed hashes.
fn transcript_append(
    path: &Path,
    plan: &StepPlan,
    ceremony_bytes: &[u8],
    outcome: &cfssl_ceremony::run::Outcome,
) -> Result<(), CliError> {
    use cfssl_transcript::{Artefact, Step, public_key_fingerprint};
    let error = super::transcript::transcript_error;
    let mut inputs =
        vec![Artefact::of_bytes(&plan.file.name, ceremony_bytes).with_kind("ceremony")];
    for input in &plan.inputs {
        inputs.push(Artefact::of_bytes(
            &input.path.to_string_lossy(),
            &input.bytes,
        ));
    }
    use cfssl_ceremony::plan::Action;
    if let Action::Signed {
        issuer,
        issuer_key: KeyLocation::File { path: key, .. },
        ..
    }
    | Action::Crl {
        issuer,
        issuer_key: KeyLocation::File { path: key, .. },
        ..
    }
    | Action::OcspResponse {
        issuer,
        issuer_key: KeyLocation::File { path: key, .. },
        ..
    } = &plan.action
    {
        // An encrypted key file has no readable public half: name the issuer's.
        let fingerprint = public_key_fingerprint(&issuer.public_key.to_spki_der());
        inputs.push(
            Artefact::of_file(key)
                .map_err(error)?
                .with_kind("key")
                .with_fingerprint(Some(fingerprint)),
        );
    }
    let mut outputs = Vec::new();
    for output in &plan.outputs {
        outputs.push(Artefact::of_file(output).map_err(error)?);
    }
    let step = Step {
        command: std::env::args().collect(),
        ceremony_sha256: Some(cfssl_ceremony::render::hex(&plan.file.sha256)),
        inputs,
        outputs,
        tbs_sha256: outcome.tbs_sha256.clone(),
        note: Some(format!("ceremony {} step {}", plan.kind, plan.file.name)),
    };
    super::transcript::record(path, &step).map(|_| ())
}
