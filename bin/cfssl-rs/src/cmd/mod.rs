//! The commands, their registry, and what every command gets: [`Context`] and [`CliError`].
//!
//! A command is a module with a `pub static COMMAND: Command` (name, [`Help`], entry
//! point), listed once in [`COMMANDS`]. cfssl's model (`cli/cli.go` `Command`): usage
//! text + flag list + main function; the flags themselves live in the one shared set of
//! [`crate::flags`], which also lists the flags each command reads
//! ([`crate::flags::COMMAND_FLAGS`]).
//!
//! Adding a command:
//! ```ignore
//! // src/cmd/genkey.rs
//! pub static COMMAND: Command = Command { name: "genkey", help: &usage::GENKEY, run };
//! fn run(ctx: &mut Context<'_>) -> Result<(), CliError> { … }
//! // src/cmd/mod.rs: add `pub mod genkey;` and `&genkey::COMMAND` to COMMANDS;
// src/flags.rs: list the flags it reads in COMMAND_FLAGS.
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;

use crate::flags::Flags;
use crate::usage::Help;

pub mod certinfo;
pub mod completion;
pub mod crl;
pub mod gencert;
pub mod gencrl;
pub mod gencsr;
pub mod genkey;
pub mod help;
pub mod k8s_csr;
pub mod k8s_kubeconfig;
pub mod k8s_review;
pub mod k8s_sign;
pub mod man;
pub mod print_defaults;
pub mod selfsign;
pub mod sign;
pub mod version;

/// Every command; the top-level usage lists them sorted by name. `help`, `completion` and
/// `man` are ours (issue 12): help, completions and the man page, all generated from the
/// flag table.
pub static COMMANDS: &[&Command] = &[
    &certinfo::COMMAND,
    &completion::COMMAND,
    &crl::COMMAND,
    &gencert::COMMAND,
    &gencrl::COMMAND,
    &gencsr::COMMAND,
    &genkey::COMMAND,
    &help::COMMAND,
    &k8s_csr::COMMAND,
    &k8s_kubeconfig::COMMAND,
    &k8s_review::COMMAND,
    &k8s_sign::COMMAND,
    &man::COMMAND,
    &print_defaults::COMMAND,
    &selfsign::COMMAND,
    &sign::COMMAND,
    &version::COMMAND,
];

pub mod password;
pub mod sign_batch;
pub mod support;
pub mod unimplemented;

/// One subcommand of `cfssl-rs`.
#[derive(Debug)]
pub struct Command {
    /// The name typed on the command line.
    pub name: &'static str,
    /// What `-h` prints.
    pub help: &'static Help,
    /// The entry point; runs after flags are parsed, `-loglevel` applied and `-config`
    /// loaded. An error is printed as `<text>\n` on stderr and exits 1 (docs/cfssl-compat.md §7.2).
    pub run: fn(&mut Context<'_>) -> Result<(), CliError>,
}

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().copied().find(|c| c.name == name)
}

/// Refuses a flag that would change the result in cfssl but that cfssl-rs cannot honour
/// ([`crate::flags::UNSUPPORTED`]), on every command: its presence means the user expects
/// a remote signer, a certificate database or TLS, which silence would betray. `crl`
/// is skipped: it refuses itself with a pointer to `gencrl`, which helps more.
///
/// # Errors
/// `-NAME: REASON` for the first such flag given with a non-empty value.
pub fn refuse_unsupported_flags(command: &Command, flags: &Flags) -> Result<(), CliError> {
    if std::ptr::eq(command, &crl::COMMAND) {
        return Ok(());
    }
    match flags.first_unsupported() {
        Some(refused) => Err(CliError::Usage(refused.to_string())),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Configuration loading (docs/cfssl-compat.md §1.1 step 5, §3.3.2).
//
pub use cfssl_config::Config;

/// Loads `-config`; the error is the text cfssl prints after `Failed to load config file: `
/// (a cfssl error JSON when the error has a code).
pub fn load_config(path: &Path) -> Result<Config, String> {
    Config::load_file(path).map_err(|e| match e.code() {
        Some(code) => cfssl_json(code, &e.to_string()),
        None => e.to_string(),
    })
}

// ---------------------------------------------------------------------------------------

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
fn go_errno_text(e: &io::Error) -> String {
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

/// What a command works with: parsed flags, positionals, the loaded config and the
/// process's standard streams (buffers in unit tests). Results go to `stdout`; log lines
/// go to the real stderr through [`crate::log`]; `stderr` is for other diagnostics that
/// are not log lines (e.g. `selfsign`'s warning banner).
pub struct Context<'io> {
    /// Every flag of the shared set.
    pub flags: Flags,
    /// Positional arguments not consumed yet, in order.
    pub args: Vec<String>,
    /// The `-config` file, loaded before the command ran; `None` without `-config`.
    pub config: Option<Config>,
    /// Standard input (`-` inputs).
    pub stdin: &'io mut dyn Read,
    /// Standard output (results).
    pub stdout: &'io mut dyn Write,
    /// Standard error (non-log diagnostics).
    pub stderr: &'io mut dyn Write,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("flags", &self.flags)
            .field("args", &self.args)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// cfssl `cli.PopFirstArgument`'s message.
pub const NOT_ENOUGH_ARGUMENTS: &str =
    "not enough arguments are supplied --- please refer to the usage";
/// Message of `gencert`/`genkey`/`gencsr` for a second positional.
pub const ONLY_ONE_ARGUMENT: &str = "only one argument is accepted, please check with usage";
/// Message of `sign`/`selfsign` for surplus positionals.
pub const TOO_MANY_ARGUMENTS: &str = "too many arguments are provided, please check with usage";

impl<'io> Context<'io> {
    /// A context over the given streams.
    pub fn new(
        flags: Flags,
        args: Vec<String>,
        config: Option<Config>,
        stdin: &'io mut dyn Read,
        stdout: &'io mut dyn Write,
        stderr: &'io mut dyn Write,
    ) -> Self {
        Self {
            flags,
            args,
            config,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Removes and returns the first positional (cfssl `cli.PopFirstArgument`).
    ///
    /// # Errors
    /// `not enough arguments are supplied --- please refer to the usage`.
    pub fn pop_positional(&mut self) -> Result<String, CliError> {
        if self.args.is_empty() {
            return Err(CliError::Usage(NOT_ENOUGH_ARGUMENTS.to_owned()));
        }
        Ok(self.args.remove(0))
    }

    /// Pops the one positional a command takes (`gencert`, `genkey`, `gencsr`).
    ///
    /// # Errors
    /// None left: `not enough arguments…`; more than one: `only one argument is accepted,
    /// please check with usage`.
    pub fn pop_one_positional(&mut self) -> Result<String, CliError> {
        let arg = self.pop_positional()?;
        if !self.args.is_empty() {
            return Err(CliError::Usage(ONLY_ONE_ARGUMENT.to_owned()));
        }
        Ok(arg)
    }

    /// Fails if positionals remain (`sign`, `selfsign`).
    ///
    /// # Errors
    /// `too many arguments are provided, please check with usage`.
    pub fn reject_extra_positionals(&self) -> Result<(), CliError> {
        if self.args.is_empty() {
            Ok(())
        } else {
            Err(CliError::Usage(TOO_MANY_ARGUMENTS.to_owned()))
        }
    }

    /// cfssl `cli.ReadStdin(name)`: `-` is all of standard input, anything else a file.
    ///
    /// # Errors
    /// Go-worded OS errors (`open missing.csr: no such file or directory`).
    pub fn read_input(&mut self, name: &str) -> Result<Vec<u8>, InputError> {
        if name != "-" {
            return read_file(name);
        }
        let mut data = Vec::new();
        self.stdin
            .read_to_end(&mut data)
            .map_err(|source| InputError::Os {
                op: "read",
                path: "/dev/stdin".to_owned(),
                source,
            })?;
        Ok(data)
    }

    /// Writes `text` to standard output.
    ///
    /// # Errors
    /// Go's wording for a failed write: `write /dev/stdout: broken pipe`.
    pub fn print(&mut self, text: &str) -> Result<(), CliError> {
        self.stdout
            .write_all(text.as_bytes())
            .map_err(|e| CliError::Plain(format!("write /dev/stdout: {}", go_errno_text(&e))))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs `command` in-process with `args` (flags and positionals) and `stdin`;
    /// returns the result and what went to stdout and stderr.
    pub(crate) fn run_command(
        command: &Command,
        args: &[&str],
        stdin: &[u8],
    ) -> (Result<(), CliError>, String, String) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let parsed = match crate::flags::parse(&args) {
            Ok(p) => p,
            Err(e) => {
                return (
                    Err(CliError::plain(e.to_string())),
                    String::new(),
                    String::new(),
                );
            }
        };
        let (mut input, mut out, mut err) = (stdin, Vec::new(), Vec::new());
        let mut ctx = Context::new(
            parsed.flags,
            parsed.positionals,
            None,
            &mut input,
            &mut out,
            &mut err,
        );
        let result = (command.run)(&mut ctx);
        (
            result,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    #[test]
    fn registry_is_unique() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(COMMANDS[..i].iter().all(|d| d.name != c.name), "{}", c.name);
            assert!(std::ptr::eq(
                find(c.name).map_or(std::ptr::null(), |f| f),
                *c
            ));
        }
        assert!(find("bogus").is_none());
    }

    #[test]
    fn command_flag_lists_name_commands() {
        for (name, _) in crate::flags::COMMAND_FLAGS {
            assert!(find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn cfssl_error_json_escaping() {
        assert_eq!(
            CliError::cfssl(9003, "a<b>&\"c\\\n\u{1}\u{8}\u{c}\u{2028}é").to_string(),
            r#"{"code":9003,"message":"a\u003cb\u003e\u0026\"c\\\n\u0001\b\f\u2028é"}"#
        );
        assert_eq!(CliError::plain("x").to_string(), "x");
        let wrapped = cfssl_output::CfsslError::wrap(2000, 400, "RSA key is too weak");
        assert_eq!(
            CliError::from(wrapped).to_string(),
            r#"{"code":2400,"message":"RSA key is too weak"}"#
        );
    }

    #[test]
    fn positional_helpers() {
        let mut input: &[u8] = b"";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ctx = Context::new(
            Flags::default(),
            vec!["a".into(), "b".into()],
            None,
            &mut input,
            &mut out,
            &mut err,
        );
        assert_eq!(
            ctx.reject_extra_positionals(),
            Err(CliError::Usage(TOO_MANY_ARGUMENTS.into()))
        );
        assert_eq!(
            ctx.pop_one_positional(),
            Err(CliError::Usage(ONLY_ONE_ARGUMENT.into()))
        );
        assert_eq!(ctx.pop_one_positional(), Ok("b".into()));
        assert_eq!(
            ctx.pop_positional(),
            Err(CliError::Usage(NOT_ENOUGH_ARGUMENTS.into()))
        );
        assert_eq!(ctx.reject_extra_positionals(), Ok(()));
    }

    #[test]
    fn inputs_read_like_go() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("f.txt");
        std::fs::write(&file, b"data")?;
        let file = file.to_string_lossy().into_owned();
        let dir_name = dir.path().to_string_lossy().into_owned();

        let mut input: &[u8] = b"from stdin";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ctx = Context::new(
            Flags::default(),
            vec![],
            None,
            &mut input,
            &mut out,
            &mut err,
        );
        assert_eq!(ctx.read_input("-")?, b"from stdin");
        assert_eq!(ctx.read_input(&file)?, b"data");
        let missing = ctx.read_input("missing.csr").map_err(|e| e.to_string());
        assert_eq!(
            missing,
            Err("open missing.csr: no such file or directory".into())
        );
        let empty = read_file("").map_err(|e| e.to_string());
        assert_eq!(empty, Err("open : no such file or directory".into()));
        let is_dir = read_file(&dir_name).map_err(|e| e.to_string());
        assert_eq!(is_dir, Err(format!("read {dir_name}: is a directory")));

        assert_eq!(read_bytes_spec(&file)?, b"data");
        assert_eq!(read_bytes_spec(&format!("file:{file}"))?, b"data");
        assert_eq!(read_bytes_spec("env:CFSSL_RS_SURELY_UNSET_VARIABLE")?, b"");
        assert_eq!(
            read_bytes_spec("env:PATH")?,
            std::env::var("PATH")?.into_bytes()
        );
        let prefix = read_bytes_spec("C:\\x").map_err(|e| e.to_string());
        assert_eq!(prefix, Err("unknown prefix: C".into()));
        let prefix = read_bytes_spec("env2:x:y").map_err(|e| e.to_string());
        assert_eq!(prefix, Err("unknown prefix: env2".into()));
        Ok(())
    }
}
