//! Why a command failed, and how cfssl prints it (docs/cfssl-compat.md §7.1, §7.2).
//!
//! Every library crate has its own typed error with a `code()` (cfssl's numeric code, when
//! cfssl has one). This module turns each into the one thing the command line prints: a
//! cfssl error JSON `{"code":…,"message":…}` when there is a code, else the plain text —
//! done once here, so no command formats an error by hand.

use std::io::{self, Read};

use cfssl_ca::{CaError, RequestError};
use cfssl_csr::CsrError;
use cfssl_keys::KeyError;
use cfssl_signer::SignError;

/// Why a command failed. Every variant prints as `<text>\n` on stderr and exits 1
/// (cfssl `Start`: `fmt.Fprintln(os.Stderr, err)`, docs/cfssl-compat.md §7.2), except
/// [`CliError::Flagged`], which exits 2 ([`CliError::exit_code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// A cfssl error (`errors.Error`), printed as `{"code":…,"message":…}` with Go's JSON
    /// escaping (docs/cfssl-compat.md §7.1).
    #[error("{}", cfssl_json(*code, message))]
    Cfssl {
        /// category + reason, e.g. 2400.
        code: u32,
        /// The message, unescaped.
        message: String,
    },
    /// A plain error text (OS, JSON decoding, `errors.New` strings).
    #[error("{0}")]
    Plain(String),
    /// A command-line misuse found by the command (wrong number of arguments, a missing
    /// required flag); printed like [`CliError::Plain`].
    #[error("{0}")]
    Usage(String),
    /// A check found something and the command's result is "no" (`k8s-review`): its
    /// report is already on stdout; this summary goes to stderr and the exit status is 2.
    #[error("{0}")]
    Flagged(String),
    /// An error cfssl precedes with an ERROR log line holding more detail (a signer's
    /// policy violation): the binary logs `log`, then prints `error`.
    #[error("{error}")]
    AfterLog {
        /// The ERROR line's message.
        log: String,
        /// What is printed after it.
        error: Box<CliError>,
    },
}

impl CliError {
    /// A cfssl error with this code and message.
    pub fn cfssl(code: u32, message: impl Into<String>) -> Self {
        CliError::Cfssl {
            code,
            message: message.into(),
        }
    }

    /// A plain error text.
    pub fn plain(message: impl Into<String>) -> Self {
        CliError::Plain(message.into())
    }

    /// The process exit status for this error: 2 for [`CliError::Flagged`], else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Flagged(_) => 2,
            CliError::AfterLog { error, .. } => error.exit_code(),
            _ => 1,
        }
    }
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        CliError::Plain(e.to_string())
    }
}

impl From<cfssl_output::CfsslError> for CliError {
    fn from(e: cfssl_output::CfsslError) -> Self {
        CliError::Cfssl {
            code: e.code,
            message: e.message,
        }
    }
}

/// `{"code":N,"message":"…"}` as Go's `json.Marshal` writes cfssl's `errors.Error`
/// (HTML-safe escaping, docs/cfssl-compat.md §7.1).
pub fn cfssl_json(code: u32, message: &str) -> String {
    format!(
        "{{\"code\":{code},\"message\":{}}}",
        cfssl_json::marshal_string(message)
    )
}

/// A failure to read an input, worded like Go's `*os.PathError` or cfssl's
/// `helpers.ReadBytes` (docs/cfssl-compat.md §1.2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// An OS error: `open missing.csr: no such file or directory`,
    /// `read x: is a directory`.
    #[error("{op} {path}: {}", go_errno_text(source))]
    Os {
        /// `open` or `read`.
        op: &'static str,
        /// The path as given (`/dev/stdin` for `-`).
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// `helpers.ReadBytes` with a prefix other than `env:` or `file:`.
    #[error("unknown prefix: {0}")]
    UnknownPrefix(String),
}

/// Go's text for an OS error: the C library's message with a lower-case first letter
/// (Go's `syscall.Errno` table), e.g. `no such file or directory`.
pub fn go_errno_text(e: &io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => {
            let full = io::Error::from_raw_os_error(code).to_string();
            let suffix = format!(" (os error {code})");
            full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
        }
        None => e.to_string(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Go `os.ReadFile(path)`: `open` errors and `read` errors are told apart.
///
/// # Errors
/// [`InputError::Os`] with op `open` or `read`.
pub fn read_file(path: &str) -> Result<Vec<u8>, InputError> {
    let os = |op, source| InputError::Os {
        op,
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(|e| os("open", e))?;
    let mut data = Vec::new();
    file.read_to_end(&mut data).map_err(|e| os("read", e))?;
    Ok(data)
}

/// A library error as cfssl prints it: `{"code":…}` JSON when it has a code, else text.
pub fn coded(code: Option<u32>, message: String) -> CliError {
    match code {
        Some(code) => CliError::cfssl(code, message),
        None => CliError::plain(message),
    }
}

impl From<CsrError> for CliError {
    fn from(e: CsrError) -> Self {
        coded(e.code(), e.to_string())
    }
}

impl From<KeyError> for CliError {
    fn from(e: KeyError) -> Self {
        coded(e.code(), e.to_string())
    }
}

/// A signer's policy violation is logged with its detail first, as cfssl does.
impl From<SignError> for CliError {
    fn from(e: SignError) -> Self {
        let printed = coded(e.code(), e.to_string());
        match e {
            SignError::PolicyViolation(detail) => CliError::AfterLog {
                log: detail,
                error: Box::new(printed),
            },
            _ => printed,
        }
    }
}

impl From<cfssl_config::ConfigError> for CliError {
    fn from(e: cfssl_config::ConfigError) -> Self {
        coded(e.code(), e.to_string())
    }
}

/// A workflow's error as the lower crate's error would print.
impl From<CaError> for CliError {
    fn from(e: CaError) -> Self {
        match e {
            CaError::Csr(e) => e.into(),
            CaError::Key(e) => e.into(),
            CaError::Sign(e) | CaError::SerialList(e) => e.into(),
            CaError::Config(e) => e.into(),
            CaError::Request(e) => e.into(),
            other => coded(other.code(), other.to_string()),
        }
    }
}

impl From<RequestError> for CliError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Key(e) => e.into(),
            RequestError::Csr(e) => e.into(),
        }
    }
}

/// A `cfssl_k8s` error: cfssl's `{"code":…}` JSON when the CSR parser or the signer gave
/// one, else the text.
impl From<cfssl_k8s::K8sError> for CliError {
    fn from(e: cfssl_k8s::K8sError) -> Self {
        match e {
            cfssl_k8s::K8sError::Sign(e) => e.into(),
            cfssl_k8s::K8sError::Workflow(e) => (*e).into(),
            other => coded(other.code(), other.to_string()),
        }
    }
}
