//! cfssljson's command line, parsed like Go's `flag` package (docs/cfssl-compat.md §2), except that flags
//! are also accepted after the first positional argument (docs/differences.md #13).

/// Parsed command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-bare`: the input is not wrapped in the API envelope.
    pub bare: bool,
    /// `-f`: input file, `-` for stdin.
    pub input: String,
    /// `-stdout`: print instead of writing files.
    pub stdout: bool,
    /// `-version`.
    pub version: bool,
    /// `-overwrite`: allow replacing existing private-key files (cfssljson-rs only).
    pub overwrite: bool,
    /// Positional arguments; the first is BASENAME.
    pub args: Vec<String>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Run with these options.
    Run(Options),
    /// `-h` / `-help`: print usage, exit 0.
    Help,
    /// A flag error: print the message and usage, exit 2.
    Error(String),
}

/// Flag table in usage order (Go sorts by name): name, value placeholder, usage, default.
const FLAGS: &[(&str, Option<&str>, &str, Option<&str>)] = &[
    (
        "bare",
        None,
        "the response from CFSSL is not wrapped in the API standard response",
        None,
    ),
    ("f", Some("string"), "JSON input", Some("-")),
    (
        "overwrite",
        None,
        "replace existing private key files (*-key.pem, *-key.enc) instead of refusing",
        None,
    ),
    (
        "stdout",
        None,
        "output the response instead of saving to a file",
        None,
    ),
    ("version", None, "print version and exit", None),
];

/// cfssljson-rs described for `completion` and `man` (cfssl-clidoc): the flags of
/// [`FLAGS`], BASENAME, and the two generator subcommands. Generation only; [`parse`]
/// parses.
pub fn clap_command() -> cfssl_clidoc::clap::Command {
    use cfssl_clidoc::clap::builder::PossibleValuesParser;
    use cfssl_clidoc::clap::{Arg, ArgAction, Command, ValueHint};
    let mut cmd = Command::new("cfssljson-rs")
        .version(env!("CARGO_PKG_VERSION"))
        .about("split cfssl JSON output into certificate, key and CSR files")
        .long_about(
            "cfssljson-rs is a drop-in replacement for cfssl's cfssljson: it reads the JSON \
             that cfssl-rs (or cfssl) prints and writes BASENAME.pem, BASENAME-key.pem, \
             BASENAME.csr and the other files it holds, all of them or none. An existing \
             private-key file is never replaced unless -overwrite is given.\n\n\
             Flags take one dash or two (-bare or --bare) and may come after BASENAME.\n\n\
             Exit status: 0 on success, 1 on an error, 2 on a bad flag.",
        )
        .override_usage(
            "cfssljson-rs [-bare] [-f FILE] [-stdout] [-overwrite] [BASENAME]\n\
             cfssljson-rs completion bash|zsh|fish\ncfssljson-rs man",
        )
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .after_help("See also: cfssl-rs(1).");
    for (name, placeholder, usage, default) in FLAGS {
        let mut arg = Arg::new(*name).long(*name).help(*usage);
        arg = match placeholder {
            None => arg.action(ArgAction::SetTrue),
            Some(p) => arg
                .action(ArgAction::Set)
                .value_name(*p)
                .value_hint(ValueHint::FilePath),
        };
        if let Some(d) = default {
            arg = arg.default_value(*d);
        }
        if *name == "overwrite" {
            arg = arg.help(format!("{usage} (cfssljson-rs extension)"));
        }
        cmd = cmd.arg(arg);
    }
    cmd.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .help("print the usage and exit")
            .action(ArgAction::SetTrue),
    )
    .arg(
        Arg::new("BASENAME")
            .help("the files' base name (default cert)")
            .action(ArgAction::Set),
    )
    .subcommand(
        Command::new("completion")
            .about("print a shell completion script (cfssljson-rs extension)")
            .arg(
                Arg::new("SHELL")
                    .required(true)
                    .value_parser(PossibleValuesParser::new(cfssl_clidoc::SHELL_NAMES)),
            ),
    )
    .subcommand(Command::new("man").about("print the manual page, roff (cfssljson-rs extension)"))
}

/// The generator a command line asks for: exactly `completion SHELL` or `man`, nothing
/// else (so a BASENAME of `man` given with any flag, or after `--`, still names files).
#[derive(Debug, PartialEq, Eq)]
pub enum Generate {
    /// `completion SHELL` (the shell name unchecked).
    Completion(String),
    /// `man`.
    Man,
}

/// Whether the arguments are exactly `completion SHELL` or `man`.
pub fn generator(args: &[String]) -> Option<Generate> {
    match args {
        [word] if word == "man" => Some(Generate::Man),
        [word, shell] if word == "completion" => Some(Generate::Completion(shell.clone())),
        _ => None,
    }
}

/// Go's default usage text (`flag.PrintDefaults` under `Usage of NAME:`).
pub fn usage(program: &str) -> String {
    let mut out = format!("Usage of {program}:\n");
    for (name, placeholder, text, default) in FLAGS {
        let mut line = format!("  -{name}");
        if let Some(p) = placeholder {
            line.push(' ');
            line.push_str(p);
        }
        // Go keeps one-letter bool flags on the same line; ours all wrap.
        if line.len() <= 4 {
            line.push('\t');
        } else {
            line.push_str("\n    \t");
        }
        line.push_str(text);
        if let Some(d) = default {
            line.push_str(&format!(" (default {d:?})"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Parsed {
    let mut opts = Options {
        input: "-".to_owned(),
        ..Options::default()
    };
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg == "--" {
            opts.args
                .extend(args.get(i..).unwrap_or(&[]).iter().cloned());
            break;
        }
        let Some(body) = arg.strip_prefix('-').filter(|b| !b.is_empty()) else {
            // Not a flag (including a lone "-"): a positional argument.
            opts.args.push(arg.clone());
            continue;
        };
        let body = body.strip_prefix('-').unwrap_or(body);
        if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
            return Parsed::Error(format!("bad flag syntax: {arg}"));
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        match name {
            "bare" | "stdout" | "version" | "overwrite" => {
                let on = match value {
                    None => true,
                    Some(v) => match parse_bool(v) {
                        Some(b) => b,
                        None => {
                            return Parsed::Error(format!(
                                "invalid boolean value {v:?} for -{name}: parse error"
                            ));
                        }
                    },
                };
                match name {
                    "bare" => opts.bare = on,
                    "stdout" => opts.stdout = on,
                    "version" => opts.version = on,
                    _ => opts.overwrite = on,
                }
            }
            "f" => {
                let v = match value {
                    Some(v) => v.to_owned(),
                    None => match args.get(i) {
                        Some(next) => {
                            i += 1;
                            next.clone()
                        }
                        None => return Parsed::Error(format!("flag needs an argument: -{name}")),
                    },
                };
                opts.input = v;
            }
            "h" | "help" => return Parsed::Help,
            _ => return Parsed::Error(format!("flag provided but not defined: -{name}")),
        }
    }
    Parsed::Run(opts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args) {
            Parsed::Run(o) => o,
            other => panic!("{other:?}"),
        }
    }

    fn err(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args) {
            Parsed::Error(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forms() {
        let o = run(&["-bare", "--f=in.json", "ca", "-stdout=true", "extra"]);
        assert!(o.bare && o.stdout && !o.version && !o.overwrite);
        assert_eq!(o.input, "in.json");
        assert_eq!(o.args, ["ca", "extra"]);
        let o = run(&["ca", "-f", "x.json", "-bare=false", "-overwrite"]);
        assert!(!o.bare && o.overwrite);
        assert_eq!(
            (o.input.as_str(), o.args.as_slice()),
            ("x.json", &["ca".to_owned()][..])
        );
        let o = run(&["-", "--", "-bare"]);
        assert!(!o.bare);
        assert_eq!(o.args, ["-", "-bare"]);
        assert_eq!(run(&[]).input, "-");
        assert_eq!(run(&["-f", "-bare"]).input, "-bare");
        assert_eq!(run(&["-f="]).input, "");
    }

    #[test]
    fn errors_and_help() {
        assert_eq!(err(&["-x"]), "flag provided but not defined: -x");
        assert_eq!(
            err(&["ca", "--nope=1"]),
            "flag provided but not defined: -nope"
        );
        assert_eq!(
            err(&["-bare=yes"]),
            "invalid boolean value \"yes\" for -bare: parse error"
        );
        assert_eq!(err(&["-f"]), "flag needs an argument: -f");
        assert_eq!(err(&["---f"]), "bad flag syntax: ---f");
        assert_eq!(err(&["-=x"]), "bad flag syntax: -=x");
        for h in ["-h", "-help", "--help", "--h=false"] {
            assert_eq!(parse(&[h.to_owned()]), Parsed::Help);
        }
    }

    #[test]
    fn generators() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(generator(&args(&["man"])), Some(Generate::Man));
        assert_eq!(
            generator(&args(&["completion", "bash"])),
            Some(Generate::Completion("bash".into()))
        );
        assert_eq!(generator(&args(&["-bare", "man"])), None);
        assert_eq!(generator(&args(&["--", "man"])), None);
        assert_eq!(generator(&args(&["completion"])), None);
        let mut cmd = clap_command();
        cmd.build();
        assert!(
            cmd.get_arguments()
                .any(|a| a.get_long() == Some("overwrite"))
        );
    }

    #[test]
    fn usage_text() {
        assert_eq!(
            usage("cfssljson"),
            "Usage of cfssljson:\n  -bare\n    \tthe response from CFSSL is not wrapped in the API standard response\n  -f string\n    \tJSON input (default \"-\")\n  -overwrite\n    \treplace existing private key files (*-key.pem, *-key.enc) instead of refusing\n  -stdout\n    \toutput the response instead of saving to a file\n  -version\n    \tprint version and exit\n"
        );
    }
}
