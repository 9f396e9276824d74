//! `cfssl-rs`: a drop-in replacement for Cloudflare's `cfssl` 1.6.5 command line.
//!
//! This file reads the command line (`cfssl_cli::invocation`: help, unknown and refused
//! commands, flag errors), applies `-loglevel`, loads a non-empty `-config` (a failure
//! prints `Failed to load config file: <err>` with no newline, exit 1), runs the command,
//! and prints its error as `<err>\n`, exit 1 (docs/cfssl-compat.md §7.2; a `k8s-review`
//! that flags a request exits 2).
//!
//! Results go to stdout, diagnostics to stderr. Nothing costly happens before the
//! arguments are parsed.
//!
//! Arguments that are not valid Unicode are converted lossily (U+FFFD).

mod cmd;
mod log;

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use cfssl_cli::CliError;
use cfssl_cli::invocation::{self, Invocation};
use cmd::Context;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    // Not locked for the whole run: log lines (crate::log) lock stderr line by line.
    let mut stderr = io::stderr();
    let code = run(&args, &mut stdin, &mut stdout, &mut stderr);
    // A failed flush (closed stdout) cannot be reported anywhere useful.
    let _ = stdout.flush();
    ExitCode::from(code)
}

/// Runs one `cfssl-rs` invocation; returns the exit status.
fn run(
    args: &[String],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    // Writes to stdout and stderr that fail have nowhere to be reported; ignored throughout.
    let (command, parsed) = match invocation::parse(args) {
        Invocation::Run { command, parsed } => (command, *parsed),
        Invocation::Help(text) => {
            let _ = stdout.write_all(text.as_bytes());
            return 0;
        }
        Invocation::Fail { text, status } => {
            let _ = stderr.write_all(text.as_bytes());
            return status;
        }
    };
    let Some(run) = cmd::runner(command.name) else {
        // Every command has an entry point (tested); this is only for completeness.
        let _ = writeln!(
            stderr,
            "cfssl-rs: command {} has no entry point",
            command.name
        );
        return 1;
    };

    log::set_level(parsed.flags.loglevel);
    // Determine the local UTC offset while the process is still single-threaded.
    log::init_local_offset();

    let config_path = parsed.flags.config.as_str();
    let config = if config_path.is_empty() {
        None
    } else {
        match cmd::load_config(Path::new(config_path)) {
            Ok(config) => Some(config),
            Err(message) => {
                let _ = write!(stderr, "Failed to load config file: {message}");
                return 1;
            }
        }
    };

    let mut ctx = Context::new(
        parsed.flags,
        parsed.positionals,
        config,
        stdin,
        stdout,
        stderr,
    );
    // -transcript: the step is recorded before its output is printed (cmd/transcript.rs).
    let result = if cmd::transcript::records(command.name, &ctx) {
        cmd::transcript::run_recorded(command.name, &mut ctx, run)
    } else {
        run(&mut ctx)
    };
    match result {
        Ok(()) => 0,
        Err(e) => report(&e, ctx.stderr),
    }
}

/// Prints a command's error (after the ERROR line cfssl logs first, if any); returns the
/// exit status.
fn report(e: &CliError, stderr: &mut dyn Write) -> u8 {
    if let CliError::AfterLog { log, error } = e {
        error!("{log}");
        return report(error, stderr);
    }
    let _ = writeln!(stderr, "{e}");
    e.exit_code()
}
