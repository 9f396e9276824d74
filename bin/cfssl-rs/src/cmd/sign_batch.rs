//! `cfssl-rs sign -ca … -ca-key … [-config -profile] -batch DIR` (our extension): signs every
//! `DIR/*.csr` in one process, on every core, and writes `DIR/NAME.pem` for each.
//!
//! cfssl needs one process per certificate, so issuing a few thousand certificates spends
//! most of its time starting Go and re-reading the CA key. Here the CA is loaded once, each
//! CSR's proof of possession is still checked (the local signer always verifies), and the
//! certificates are written all or none through the same atomic writer as `cfssljson-rs`:
//! one bad CSR means no file is written and every bad CSR is named.

use std::path::{Path, PathBuf};

use cfssl_ca::{SignBatch, SignRequest};
use cfssl_output::{OutputFile, write_files_atomically};

use super::support::{local_signer, note_key_mismatch, now, open_db, record_issued};
use super::{CliError, Context};

/// Runs the batch; `dir` is the `-batch` value.
pub fn run(ctx: &mut Context<'_>, dir: &str) -> Result<(), CliError> {
    if !ctx.args.is_empty() || !ctx.flags.csr.is_empty() {
        return Err(CliError::Usage(
            "-batch signs the *.csr files of a directory and takes no CSR argument".into(),
        ));
    }
    cfssl_cli::resolve::require_ca(&ctx.flags, ctx.config.is_some(), "")?;
    let signer = local_signer(ctx)?;
    let mut db = open_db(ctx)?;
    // Once here rather than once per CSR when the signatures fail to verify.
    signer
        .check_key()
        .inspect_err(|e| note_key_mismatch(ctx, e))?;
    let csr_files = list_csrs(Path::new(dir))?;
    if csr_files.is_empty() {
        return Err(CliError::plain(format!("no *.csr file in {dir}")));
    }
    let template = SignRequest {
        hosts: cfssl_cli::resolve::hostnames(&ctx.flags)?,
        profile: ctx.flags.profile.clone(),
        ..SignRequest::default()
    };
    // A CSR that cannot be read fails alone, like one that cannot be signed.
    let read: Vec<Result<Vec<u8>, CliError>> = csr_files
        .iter()
        .map(|path| super::read_file(&path.to_string_lossy()).map_err(CliError::from))
        .collect();
    let batch = SignBatch {
        template,
        csrs: read
            .iter()
            .filter_map(|r| r.as_ref().ok().cloned())
            .collect(),
    };
    let mut signed = cfssl_ca::sign_batch(&signer, &batch, now()).into_iter();
    let results = read.into_iter().map(|r| {
        r.and_then(|_| match signed.next() {
            Some(result) => result.map_err(CliError::from),
            None => Err(CliError::plain("internal error: a CSR was not signed")),
        })
    });

    let mut files = Vec::with_capacity(csr_files.len());
    let mut failures = Vec::new();
    let mut issued = Vec::with_capacity(csr_files.len());
    for (path, result) in csr_files.iter().zip(results) {
        match result {
            Ok(certificate) => {
                // Policy warnings are the same for every CSR: logged once (the log dedupes).
                for w in &certificate.warnings {
                    crate::warning!("{w}");
                }
                crate::info!(
                    "{}: signed certificate with serial number {}",
                    path.display(),
                    certificate.serial_decimal
                );
                files.push(OutputFile {
                    name: certificate_name(path),
                    contents: certificate.pem.clone().into_bytes(),
                    mode: 0o644,
                    is_private_key: false,
                    binary: false,
                });
                issued.push(certificate);
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    if !failures.is_empty() {
        return Err(CliError::plain(format!(
            "{} of {} CSRs in {dir} could not be signed; no certificate was written:\n{}",
            failures.len(),
            csr_files.len(),
            failures.join("\n")
        )));
    }
    // The rows first, in one transaction: no certificate file without its row.
    record_issued(ctx, db.as_mut(), &issued.iter().collect::<Vec<_>>())?;
    let written = write_files_atomically(Path::new(dir), &files, false)
        .map_err(|e| CliError::plain(e.to_string()))?;
    for unlocked in &written.unlocked_dirs {
        crate::warning!(
            "the file system of {} cannot lock files: written without excluding a concurrent run",
            unlocked.display()
        );
    }
    crate::info!("wrote {} certificates to {dir}", files.len());
    Ok(())
}

/// `DIR/*.csr`, sorted, so that logs and errors come in a stable order.
fn list_csrs(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::plain(format!(
            "cannot read the -batch directory {}: {e}",
            dir.display()
        ))
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csr") && p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// `NAME.csr` → `NAME.pem`.
fn certificate_name(csr: &Path) -> String {
    let stem = csr.file_stem().map(|s| s.to_string_lossy().into_owned());
    format!("{}.pem", stem.unwrap_or_default())
}
