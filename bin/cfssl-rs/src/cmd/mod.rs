//! The commands' entry points ([`runner`]) and what every command gets: [`Context`].
//!
//! A command is a module with `pub fn run(&mut Context) -> Result<(), CliError>`; its name,
//! help and flags are data in `cfssl_cli` ([`cfssl_cli::COMMANDS`],
//! [`cfssl_cli::flags::COMMAND_FLAGS`]). Adding one: its [`cfssl_cli::usage::Help`] and
//! entry in `cfssl_cli::COMMANDS`, its flags in `COMMAND_FLAGS`, a module here and a line
//! in [`runner`].

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

use cfssl_cli::args::Positionals;
use cfssl_cli::flags::Flags;
pub use cfssl_cli::{CliError, InputError, cfssl_json, go_errno_text, read_file};

pub mod ceremony;
pub mod ceremony_step;
pub mod certinfo;
pub mod completion;
pub mod crl;
pub mod db;
pub mod gencert;
pub mod gencrl;
pub mod gencsr;
pub mod genkey;
pub mod help;
pub mod k8s_csr;
pub mod k8s_kubeconfig;
pub mod k8s_review;
pub mod k8s_sign;
pub mod key;
pub mod lint;
pub mod man;
pub mod multirootca;
pub mod ocspdump;
pub mod ocsprefresh;
pub mod ocspserve;
pub mod ocspsign;
pub mod password;
pub mod pkcs12;
pub mod print_defaults;
pub mod revoke;
pub mod selfsign;
pub mod serve;
pub mod sign;
pub mod sign_batch;
pub mod support;
pub mod token;
pub mod transcript;
pub mod version;

/// A command's entry point; runs after flags are parsed, `-loglevel` applied and `-config`
/// loaded. An error is printed as `<text>\n` on stderr and exits 1 (docs/cfssl-compat.md §7.2).
pub type Run = fn(&mut Context<'_>) -> Result<(), CliError>;

/// The entry point of the command called `name` (every name of [`cfssl_cli::COMMANDS`]).
pub fn runner(name: &str) -> Option<Run> {
    Some(match name {
        "ceremony" => ceremony::run,
        "certinfo" => certinfo::run,
        "completion" => completion::run,
        "crl" => crl::run,
        "db" => db::run,
        "gencert" => gencert::run,
        "gencrl" => gencrl::run,
        "gencsr" => gencsr::run,
        "genkey" => genkey::run,
        "help" => help::run,
        "k8s-csr" => k8s_csr::run,
        "k8s-kubeconfig" => k8s_kubeconfig::run,
        "k8s-review" => k8s_review::run,
        "k8s-sign" => k8s_sign::run,
        "key" => key::run,
        "lint" => lint::run,
        "man" => man::run,
        "multirootca" => multirootca::run,
        "ocspdump" => ocspdump::run,
        "ocsprefresh" => ocsprefresh::run,
        "ocspserve" => ocspserve::run,
        "ocspsign" => ocspsign::run,
        "pkcs12" => pkcs12::run,
        "print-defaults" => print_defaults::run,
        "revoke" => revoke::run,
        "selfsign" => selfsign::run,
        "serve" => serve::run,
        "sign" => sign::run,
        "version" => version::run,
        _ => return None,
    })
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

/// What a command works with: parsed flags, positionals, the loaded config and the
/// process's standard streams (buffers in unit tests). Results go to `stdout`; log lines
/// go to the real stderr through [`crate::log`]; `stderr` is for other diagnostics that
/// are not log lines (e.g. `selfsign`'s warning banner).
pub struct Context<'io> {
    /// Every flag of the shared set.
    pub flags: Flags,
    /// Positional arguments not consumed yet, in order.
    pub args: Positionals,
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

impl<'io> Context<'io> {
    /// A context over the given streams.
    pub fn new(
        flags: Flags,
        args: impl Into<Positionals>,
        config: Option<Config>,
        stdin: &'io mut dyn Read,
        stdout: &'io mut dyn Write,
        stderr: &'io mut dyn Write,
    ) -> Self {
        Self {
            flags,
            args: args.into(),
            config,
            stdin,
            stdout,
            stderr,
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
mod tests {
    use super::*;
    use crate::cmd::support::read_bytes_spec;

    #[test]
    fn every_command_has_an_entry_point() {
        for c in cfssl_cli::COMMANDS {
            assert!(runner(c.name).is_some(), "{}", c.name);
        }
        assert!(runner("bogus").is_none());
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
