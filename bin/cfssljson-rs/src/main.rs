//! `cfssljson-rs`: a drop-in replacement for cfssl's `cfssljson` (docs/cfssl-compat.md §2).
//!
//! Reads the JSON that `cfssl-rs` (or cfssl's API) prints and writes the certificate, key,
//! CSR, bundle and OCSP response it holds into `BASENAME.pem`, `BASENAME-key.pem`, … — all of
//! them or none (docs/differences.md #11). Exit status 0 on success, 1 on any error, 2 on a flag
//! error; it never panics.
//!
//! `cfssljson-rs completion bash|zsh|fish` and `cfssljson-rs man` (exactly those words, no
//! flags) print a completion script or the man page, generated from the flag table; cfssljson
//! would take `man` or `completion` as BASENAME and wait for JSON on stdin.
//!
//! Differences from cfssljson: flags are accepted anywhere, `--flag` too (docs/differences.md #13);
//! an existing private-key file is never replaced unless `-overwrite` is given (#11); empty
//! input, a cfssl error object and a non-string field get explanations instead of a JSON
//! syntax error, silence or a panic (#9, #12).

mod flags;

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use cfssl_output::zeroize::Zeroizing;
use cfssl_output::{
    CfssljsonError, go_os_error, is_bundle_output, parse_input, plan_files, render_stdout,
    select_payload, wipe_value, write_files_atomically,
};

use flags::{Options, Parsed};

/// Prefix for messages that cfssl does not have.
const NAME: &str = "cfssljson-rs";

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let program = argv
        .next()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| NAME.to_owned());
    let args: Vec<String> = argv.map(|a| a.to_string_lossy().into_owned()).collect();
    if let Some(generate) = flags::generator(&args) {
        return generate_text(&generate);
    }
    match flags::parse(&args) {
        Parsed::Help => {
            eprint_text(&flags::usage(&program));
            ExitCode::SUCCESS
        }
        Parsed::Error(message) => {
            eprint_text(&format!("{message}\n{}", flags::usage(&program)));
            ExitCode::from(2)
        }
        Parsed::Run(options) => match run(&options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprint_text(&format!("{message}\n"));
                ExitCode::FAILURE
            }
        },
    }
}

/// `completion SHELL` and `man`: generated from the flag table by cfssl-clidoc.
fn generate_text(generate: &flags::Generate) -> ExitCode {
    let text = match generate {
        flags::Generate::Completion(shell) => match shell.parse() {
            Ok(shell) => Ok(cfssl_clidoc::completion(&flags::clap_command(), shell)),
            Err(e) => Err(format!("{NAME}: {e}")),
        },
        flags::Generate::Man => cfssl_clidoc::man_page(&flags::clap_command())
            .map_err(|e| format!("{NAME}: cannot render the man page: {e}")),
    };
    match text.and_then(|t| write_stdout(t.as_bytes())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprint_text(&format!("{message}\n"));
            ExitCode::FAILURE
        }
    }
}

/// Writes to stderr; if even that fails there is nobody left to tell.
fn eprint_text(text: &str) {
    let _ = io::stderr().write_all(text.as_bytes());
}

/// Does the work; the error is the complete message for stderr.
fn run(options: &Options) -> Result<(), String> {
    if options.version {
        let text = format!(
            "Version: {}\nRuntime: {}\n",
            env!("CARGO_PKG_VERSION"),
            env!("CFSSLJSON_RS_RUNTIME")
        );
        return write_stdout(text.as_bytes());
    }
    let basename = options.args.first().map_or("cert", String::as_str);
    let input = read_input(&options.input).map_err(|e| format!("Failed to read input: {e}"))?;
    let mut doc = parse_input(&input).map_err(|e| describe(&e))?;
    let result = emit(&doc, options, basename);
    wipe_value(&mut doc);
    result
}

/// Steps 2–5 of docs/cfssl-compat.md §2 on the parsed document.
fn emit(doc: &cfssl_output::Value, options: &Options, basename: &str) -> Result<(), String> {
    let payload = select_payload(doc, options.bare).map_err(|e| describe(&e))?;
    let files = plan_files(payload, basename).map_err(|e| describe(&e))?;
    if is_bundle_output(payload) {
        eprint_text(&format!(
            "[WARNING] writing {basename}-bundle.pem from cfssl bundle's output (the chain, a \
             newline, the root), which cfssl's cfssljson does not write (docs/differences.md #38)\n"
        ));
    }
    if options.stdout {
        write_stdout(&render_stdout(&files))
    } else {
        let written = write_files_atomically(Path::new("."), &files, options.overwrite)
            .map_err(|e| describe(&e))?;
        warn_unlocked(&written);
        Ok(())
    }
}

/// The lock that keeps concurrent runs apart could not be taken (the file system cannot
/// lock): the files are written, but the user must know that nothing excluded another run.
fn warn_unlocked(written: &cfssl_output::Written) {
    for dir in &written.unlocked_dirs {
        eprint_text(&format!(
            "[WARNING] the file system of {} cannot lock files: written without excluding a \
             concurrent cfssljson-rs run\n",
            dir.display()
        ));
    }
}

/// The message for an error: cfssl's own wording as is, ours prefixed with the program name.
fn describe(error: &CfssljsonError) -> String {
    match error {
        CfssljsonError::Parse { .. }
        | CfssljsonError::RequestFailed { .. }
        | CfssljsonError::NotApiResponse { .. }
        | CfssljsonError::InnerBundle
        | CfssljsonError::Root
        | CfssljsonError::OcspResponse { .. } => error.to_string(),
        _ => format!("{NAME}: {error}"),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| format!("{NAME}: cannot write to stdout: {}", go_os_error(&e)))
}

/// Reads `-f` (`-` = stdin) with Go's error wording (`open x.json: no such file or directory`).
fn read_input(name: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut buffer = Zeroizing::new(Vec::new());
    if name == "-" {
        io::stdin()
            .lock()
            .read_to_end(&mut buffer)
            .map_err(|e| format!("read /dev/stdin: {}", go_os_error(&e)))?;
    } else {
        let mut file =
            fs::File::open(name).map_err(|e| format!("open {name}: {}", go_os_error(&e)))?;
        file.read_to_end(&mut buffer)
            .map_err(|e| format!("read {name}: {}", go_os_error(&e)))?;
    }
    Ok(buffer)
}
