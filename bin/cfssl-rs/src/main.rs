//! `cfssl-rs`: a drop-in replacement for Cloudflare's `cfssl` 1.6.5 command line.
//!
//! This file is the dispatcher (cfssl `cli.Start`, docs/cfssl-compat.md §1.1):
//! 1. top-level arguments are parsed like Go's empty global flag set: `-h` prints the
//!    top-level usage on stdout (exit 0), any other flag is undefined (exit 2);
//! 2. no command → `No command is given.` + usage, exit 1; a cfssl command cfssl-rs does
//!    not implement → `cfssl-rs does not implement `X`: …`, exit 1; unknown command →
//!    `Command X is not defined.` (+ `Did you mean Y?` for a likely typo) + usage, exit 1;
//! 3. the command's arguments are parsed over the one shared flag set ([`flags`]); `-h`
//!    prints the command's usage on stdout (exit 0; asked-for help is the output), a flag
//!    error prints Go's message and the usage on stderr (exit 2);
//! 4. a flag cfssl-rs cannot honour (remote signer, certificate database, TLS) given
//!    non-empty is an error naming it, exit 1; `-loglevel` is applied; a non-empty `-config` is loaded for every command, and a
//!    failure prints `Failed to load config file: <err>` with no newline, exit 1;
//! 5. the command runs; an error prints `<err>\n`, exit 1 (docs/cfssl-compat.md §7.2); a `k8s-review`
//!    that flags a request exits 2 (`CliError::Flagged`).
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

use cfssl_cli::flags::{self, FlagError};
use cfssl_cli::{COMMANDS, CliError, usage};
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
    // Writes to stderr that fail have nowhere to be reported; they are ignored throughout.
    let top_usage = |stderr: &mut dyn Write| {
        let _ = usage::write_top_level_usage(stderr, COMMANDS);
    };
    let command_index = match flags::parse_top_level(args) {
        Ok(index) => index,
        Err(FlagError::Help) => {
            let _ = usage::write_top_level_usage(stdout, COMMANDS);
            return 0;
        }
        Err(FlagError::Invalid(message)) => {
            let _ = writeln!(stderr, "{message}");
            top_usage(stderr);
            return 2;
        }
    };
    let Some(index) = command_index else {
        let _ = writeln!(stderr, "No command is given.");
        top_usage(stderr);
        return 1;
    };
    let name = args.get(index).map_or("", String::as_str);
    let found = cfssl_cli::find(name).and_then(|c| Some((c, cmd::runner(c.name)?)));
    let Some((command, run)) = found else {
        if let Some(refused) = cfssl_cli::refused::find(name) {
            let _ = writeln!(stderr, "{refused}");
            return 1;
        }
        let _ = writeln!(stderr, "Command {name} is not defined.");
        if let Some(meant) = cfssl_cli::refused::suggest(name) {
            let _ = writeln!(stderr, "Did you mean {meant}?");
        }
        top_usage(stderr);
        return 1;
    };

    let rest = args.get(index + 1..).unwrap_or_default();
    let parsed = match flags::parse(rest) {
        Ok(parsed) => parsed,
        Err(FlagError::Help) => {
            let _ = usage::write_command_usage(stdout, command);
            return 0;
        }
        Err(FlagError::Invalid(message)) => {
            let _ = writeln!(stderr, "{message}");
            let _ = usage::write_command_usage(stderr, command);
            return 2;
        }
    };

    if let Err(refused) = cmd::refuse_unsupported_flags(command.name, &parsed.flags) {
        let _ = writeln!(stderr, "{refused}");
        return refused.exit_code();
    }

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
    match run(&mut ctx) {
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
