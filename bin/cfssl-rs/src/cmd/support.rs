//! What several commands share: turning library errors into cfssl's output, printing the
//! workflows' notes as log lines, reading a request, building the local signer from
//! `-ca`/`-ca-key`/`-config`, and printing `{"cert","csr","key"}`.

use cfssl_ca::Note;
use cfssl_csr::{CertificateRequest, CsrError};
use cfssl_keys::{PrivateKey, SigningKey};
use std::path::Path;

use cfssl_output::{CertOutput, CfssljsonError, OutputFile, write_files_atomically};
use cfssl_signer::{Issued, LocalSigner, ParsedCertificate, SignError};

use zeroize::Zeroizing;

use super::password::{decode_key, key_pem_for_output};
use super::{CliError, Context, InputError, read_file};
use cfssl_cli::resolve::KeyRole;

/// Prints a workflow's notes as cfssl's log lines, as they come.
#[derive(Debug, Default)]
pub struct CliLog;

impl cfssl_ca::Log for CliLog {
    fn note(&mut self, note: Note) {
        match note {
            Note::Info(text) => crate::info!("{text}"),
            Note::Warning(text) => crate::warning!("{text}"),
            Note::Error(text) => crate::error!("{text}"),
        }
    }
}

/// Reads and decodes the CSRJSON named by the positional argument (`-` = stdin), applying
/// `-cn` when given.
pub fn read_request(ctx: &mut Context<'_>, name: &str) -> Result<CertificateRequest, CliError> {
    let bytes = ctx.read_input(name)?;
    let mut request = CertificateRequest::from_json(&bytes).map_err(|e| {
        // Name the file: cfssl's bare decoder message leaves users guessing.
        match e {
            CsrError::Json(m) => CliError::plain(format!(
                "{m} (in {})",
                cfssl_cli::resolve::display_name(name)
            )),
            other => other.into(),
        }
    })?;
    let cn = ctx.flags.cn.as_str();
    if !cn.is_empty() {
        request.cn = cn.to_owned();
    }
    Ok(request)
}

/// Names the input an error is about, as an ERROR log line before the error itself:
/// cfssl's messages ("CSR Decode failed", "Failed to parse private key") do not say which
/// file was wrong.
pub fn in_input<'a>(what: &'a str, name: &'a str) -> impl FnOnce(CliError) -> CliError + 'a {
    move |e| {
        crate::error!("in {what} {}", cfssl_cli::resolve::display_name(name));
        e
    }
}

/// Reads a private key given as `-ca-key`/`-key` (cfssl's `helpers.ReadBytes` syntax).
pub fn load_key(ctx: &Context<'_>, spec: &str, flag: &str) -> Result<PrivateKey, CliError> {
    let bytes = Zeroizing::new(read_bytes_spec(spec).map_err(|e| match e {
        InputError::Os { .. } if flag == "ca-key" => CliError::cfssl(1001, e.to_string()),
        other => other.into(),
    })?);
    let role = if flag == "ca-key" {
        KeyRole::Ca
    } else {
        KeyRole::Other
    };
    let what = match role {
        KeyRole::Ca => "the CA private key",
        KeyRole::Other | KeyRole::Exported => "the private key",
    };
    let key = decode_key(ctx, &bytes, spec, role).map_err(in_input(what, spec))?;
    if role == KeyRole::Ca {
        warn_if_readable_by_others(spec);
    }
    Ok(key)
}

/// A CA or responder key given as `-ca-key`/`-responder-key`: a key file (cfssl's
/// `helpers.ReadBytes` syntax, encrypted or not) or a `pkcs11:` URI naming a key in a token.
pub fn load_signing_key(
    ctx: &Context<'_>,
    spec: &str,
    flag: &str,
) -> Result<Box<dyn SigningKey>, CliError> {
    if super::token::is_token_key(spec) {
        return Ok(Box::new(super::token::open_key(spec, &format!("-{flag}"))?));
    }
    Ok(Box::new(load_key(ctx, spec, flag)?))
}

/// A CA key that group or others can read is one `cp` away from a compromised CA.
pub fn warn_if_readable_by_others(spec: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = match spec.split_once(':') {
            None => spec,
            Some(("file", path)) => path,
            Some(_) => return,
        };
        if path == "-" {
            return;
        }
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                crate::warning!(
                    "the CA private key {path} is readable by group or others (mode {mode:04o}); \
                     make it private: chmod 600 {path}"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = spec;
}

/// Reads the `-ca` certificate.
pub fn load_ca_cert(spec: &str) -> Result<ParsedCertificate, CliError> {
    let bytes = read_bytes_spec(spec)?;
    ParsedCertificate::from_pem(&bytes)
        .map_err(CliError::from)
        .map_err(in_input("the CA certificate", spec))
}

/// The local signer from `-ca`, `-ca-key` and the policy (`-config`, else cfssl's default).
/// cfssl checks the key before the certificate when a config is given (docs/cfssl-compat.md §1.7.1).
pub fn local_signer(ctx: &Context<'_>) -> Result<LocalSigner, CliError> {
    let ca_key_spec = ctx.flags.ca_key.as_str();
    if ca_key_spec.is_empty() {
        return Err(CliError::cfssl(2000, "Unknown private key error"));
    }
    let ca = load_ca_cert(&ctx.flags.ca)?;
    let key = load_signing_key(ctx, ca_key_spec, "ca-key")?;
    let policy = match &ctx.config {
        Some(config) => config.clone(),
        None => cfssl_config::Config::default_policy(),
    };
    let signer = LocalSigner::with_key(ca, key, policy);
    let chain_spec = ctx.flags.ca_chain.as_str();
    if chain_spec.is_empty() {
        return Ok(signer);
    }
    let bytes = read_bytes_spec(chain_spec)?;
    let chain = ParsedCertificate::all_from_pem(&bytes)
        .map_err(CliError::from)
        .map_err(in_input("the CA chain", chain_spec))?;
    signer
        .with_chain(chain)
        .map_err(CliError::from)
        .map_err(in_input("the CA chain", chain_spec))
}

/// Names the files at fault when the CA key is not the CA certificate's (the signer finds
/// out when it verifies its first signature with the certificate's key).
pub fn note_key_mismatch(ctx: &Context<'_>, e: &SignError) {
    if matches!(e, SignError::KeyMismatch) {
        crate::error!(
            "the CA private key {} does not belong to the CA certificate {}",
            &ctx.flags.ca_key,
            &ctx.flags.ca
        );
    }
}

/// Prints cfssl's `{"cert","csr","key"}` line.
pub fn print_output(
    ctx: &mut Context<'_>,
    cert: Option<String>,
    csr: Option<String>,
    key: Option<&PrivateKey>,
) -> Result<(), CliError> {
    let key_pem = key.map(|k| key_pem_for_output(ctx, k)).transpose()?;
    let out = CertOutput {
        cert,
        csr,
        key: key_pem.as_ref().map(|k| k.as_str().to_owned()),
    };
    let line = out.to_json_line();
    ctx.print(&line)
}

/// Writes `files` into `dir` all or none, marked as private keys: mode 0600 from the first
/// byte, never replacing an existing file (a key, share or PKCS#12 file silently
/// overwritten may be the only copy).
pub fn write_private_files(dir: &Path, files: &[OutputFile]) -> Result<(), CliError> {
    let exists = |path: &str| {
        CliError::plain(format!(
            "{path} already exists; nothing was written (a file holding a key is never \
             replaced: move it away first)"
        ))
    };
    for file in files {
        let path = dir.join(&file.name);
        if path.symlink_metadata().is_ok() {
            return Err(exists(&path.display().to_string()));
        }
    }
    match write_files_atomically(dir, files, false) {
        Ok(written) => {
            for unlocked in &written.unlocked_dirs {
                crate::warning!(
                    "the file system of {} cannot lock files: written without excluding a concurrent run",
                    unlocked.display()
                );
            }
            Ok(())
        }
        Err(CfssljsonError::KeyExists { path }) => Err(exists(&path)),
        Err(e) => Err(CliError::plain(e.to_string())),
    }
}

/// Writes `contents` to the file `out` (`-out`) as [`write_private_files`] does, then wipes
/// the buffer.
pub fn write_private_file(out: &str, contents: Vec<u8>, binary: bool) -> Result<(), CliError> {
    let path = Path::new(out);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(CliError::Usage(format!(
            "-out {out}: give the name of the file to write"
        )));
    };
    let dir = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let mut file = OutputFile {
        name: name.to_string_lossy().into_owned(),
        contents,
        mode: 0o600,
        is_private_key: true,
        binary,
    };
    let written = write_private_files(dir, std::slice::from_ref(&file));
    zeroize::Zeroize::zeroize(&mut file.contents);
    written
}

/// Current time.
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// cfssl `helpers.ReadBytes(spec)` (docs/cfssl-compat.md §1.2): split at the first `:`; no `:` → the
/// file; `env:NAME` → the variable's value (empty if unset); `file:PATH` → the file; any
/// other prefix → `unknown prefix: <prefix>` (so `C:\x` fails, and `-` is a file named `-`).
///
/// # Errors
/// [`InputError`] as described.
pub fn read_bytes_spec(spec: &str) -> Result<Vec<u8>, InputError> {
    match spec.split_once(':') {
        None => read_file(spec),
        Some(("env", name)) => Ok(env_bytes(name)),
        Some(("file", path)) => read_file(path),
        Some((prefix, _)) => Err(InputError::UnknownPrefix(prefix.to_owned())),
    }
}

fn env_bytes(name: &str) -> Vec<u8> {
    // Go's Getenv gives "" for an unset variable or an invalid name.
    if name.is_empty() || name.contains(['=', '\0']) {
        return Vec::new();
    }
    match std::env::var_os(name) {
        None => Vec::new(),
        #[cfg(unix)]
        Some(v) => std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str()).to_vec(),
        #[cfg(not(unix))]
        Some(v) => v.to_string_lossy().into_owned().into_bytes(),
    }
}

/// The objects in the input of `k8s-review` / `k8s-sign`, with errors that name the file
/// (`-` is stdin): a decoding error says which input, a CSR error is preceded by an
/// `[ERROR] in …` line as other commands do.
pub fn read_requests_from(
    input: &[u8],
    input_name: &str,
) -> Result<Vec<cfssl_k8s::object::CsrRequest>, CliError> {
    use cfssl_k8s::K8sError;
    cfssl_k8s::object::read_requests(input).map_err(|e| match e {
        K8sError::Input(_) | K8sError::Yaml(_) => CliError::plain(format!(
            "{e} (in {})",
            cfssl_cli::resolve::display_name(input_name)
        )),
        other => in_input("CertificateSigningRequest input", input_name)(other.into()),
    })
}

/// The certificate database of `-db-config`, if given (docs/cfssl-lifecycle.md §1.1: the
/// file is loaded here, the connection is made by the first query).
pub fn open_db(ctx: &Context<'_>) -> Result<Option<cfssl_ca::Db>, CliError> {
    let path = ctx.flags.db_config.as_str();
    if path.is_empty() {
        return Ok(None);
    }
    let config = cfssl_ca::DbConfig::load(path).map_err(cfssl_ca::CaError::from)?;
    let mut db = cfssl_ca::Db::open(&config).map_err(cfssl_ca::CaError::from)?;
    if let Some(timeout) = db_busy_timeout()? {
        db.set_busy_timeout(timeout);
    }
    Ok(Some(db))
}

/// `CFSSL_DB_BUSY_TIMEOUT` (a Go duration such as `5s`): how long to wait for another
/// process's lock on a SQLite database (default 60 s).
pub fn db_busy_timeout() -> Result<Option<std::time::Duration>, CliError> {
    const VARIABLE: &str = "CFSSL_DB_BUSY_TIMEOUT";
    let Some(text) = std::env::var_os(VARIABLE) else {
        return Ok(None);
    };
    let text = text.to_string_lossy();
    let bad = || {
        CliError::plain(format!(
            "{VARIABLE}={text}: not a duration such as 5s or 2m"
        ))
    };
    let duration = text
        .parse::<cfssl_config::GoDuration>()
        .map_err(|_| bad())?
        .as_time_duration();
    std::time::Duration::try_from(duration)
        .map(Some)
        .map_err(|_| bad())
}

/// Records new certificates in the `-db-config` database, if any, before they are printed
/// or written: if the rows cannot be written, nothing is handed out (docs/cfssl-lifecycle.md §2).
pub fn record_issued(
    ctx: &Context<'_>,
    db: Option<&mut cfssl_ca::Db>,
    issued: &[&Issued],
) -> Result<(), CliError> {
    let Some(db) = db else {
        return Ok(());
    };
    cfssl_ca::ledger::record(db, issued, &ctx.flags.label)?;
    for certificate in issued {
        crate::debug!(
            "saved certificate with serial number {}",
            certificate.serial_decimal
        );
    }
    Ok(())
}
