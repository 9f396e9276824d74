//! What one `cfssl-rs` command line asks for, decided before anything runs (cfssl
//! `cli.Start`, docs/cfssl-compat.md §1.1):
//! 1. the top-level arguments are parsed like Go's empty global flag set: `-h` is the
//!    top-level help (stdout, exit 0), any other flag is undefined (exit 2);
//! 2. no command → `No command is given.` + usage, exit 1; a cfssl command cfssl-rs does
//!    not implement → `cfssl-rs does not implement `X`: …`, exit 1; an unknown command →
//!    `Command X is not defined.` (+ `Did you mean Y?` for a likely typo) + usage, exit 1;
//! 3. the command's arguments are parsed over the one shared flag set ([`crate::flags`]):
//!    `-h` is the command's help (stdout, exit 0); a flag error prints Go's message and
//!    the usage on stderr, exit 2;
//! 4. a flag cfssl-rs cannot honour ([`crate::flags::UNSUPPORTED`]) given non-empty is an
//!    error naming it, exit 1;
//! 5. a flag that the command would not act on, where ignoring it would surprise (the
//!    server, remote and database flags, `-label`) or where it is ours (every cfssl-rs
//!    extension flag the command's [`crate::flags::COMMAND_FLAGS`] entry does not list), is
//!    an error naming it and the commands that read it, exit 1. cfssl's other flags stay
//!    accepted everywhere, as in cfssl's one shared flag set.

use crate::flags::{self, FlagError, Parsed};
use crate::{COMMANDS, Command, refused, usage};

/// The outcome of reading the command line.
#[derive(Debug)]
pub enum Invocation {
    /// Run `command` with these flags and positionals.
    Run {
        /// The command.
        command: &'static Command,
        /// Its flags and positionals.
        parsed: Box<Parsed>,
    },
    /// Asked-for help: print `text` on stdout, exit 0.
    Help(String),
    /// Print `text` on stderr, exit with `status`.
    Fail {
        /// What to print (ends with a newline).
        text: String,
        /// The exit status.
        status: u8,
    },
}

fn fail(text: String, status: u8) -> Invocation {
    Invocation::Fail { text, status }
}

/// Reads the arguments after the program name.
pub fn parse(args: &[String]) -> Invocation {
    let top_usage = || usage::top_level_usage(COMMANDS);
    let index = match flags::parse_top_level(args) {
        Ok(Some(index)) => index,
        Ok(None) => return fail(format!("No command is given.\n{}", top_usage()), 1),
        Err(FlagError::Help) => return Invocation::Help(top_usage()),
        Err(FlagError::Invalid(message)) => return fail(format!("{message}\n{}", top_usage()), 2),
    };
    let name = args.get(index).map_or("", String::as_str);
    let Some(command) = crate::find(name) else {
        if let Some(refused) = refused::find(name) {
            return fail(format!("{refused}\n"), 1);
        }
        let mut text = format!("Command {name} is not defined.\n");
        if let Some(meant) = refused::suggest(name) {
            text.push_str(&format!("Did you mean {meant}?\n"));
        }
        text.push_str(&top_usage());
        return fail(text, 1);
    };
    let rest = args.get(index + 1..).unwrap_or_default();
    let parsed = match flags::parse(rest) {
        Ok(parsed) => parsed,
        Err(FlagError::Help) => return Invocation::Help(usage::command_usage(command)),
        Err(FlagError::Invalid(message)) => {
            return fail(format!("{message}\n{}", usage::command_usage(command)), 2);
        }
    };
    if let Some(refused) = parsed.flags.first_unsupported() {
        return fail(format!("{refused}\n"), 1);
    }
    // The API server's TLS flags: only `serve` has a server to configure.
    let server_flags = [
        ("tls-cert", parsed.flags.tls_cert.is_empty()),
        ("tls-key", parsed.flags.tls_key.is_empty()),
        ("mutual-tls-ca", parsed.flags.mutual_tls_ca.is_empty()),
        ("mutual-tls-cn", parsed.flags.mutual_tls_cn.is_empty()),
        ("allow-unauthenticated", !parsed.flags.allow_unauthenticated),
    ];
    for (flag, absent) in server_flags {
        if !absent && !flags::reads(command.name, flag) {
            return fail(
                format!(
                    "-{flag}: cfssl-rs reads it only in `serve` (the API server's TLS and \
                     access settings); `{}` runs no server, so it would change nothing\n",
                    command.name
                ),
                1,
            );
        }
    }
    if !parsed.flags.db_config.is_empty() && !flags::reads(command.name, "db-config") {
        return fail(
            format!(
                "-db-config: `{}` neither records nor reads certificates in a database; \
                 drop -db-config\n",
                command.name
            ),
            1,
        );
    }
    for (name, value) in [
        ("remote", &parsed.flags.remote),
        ("tls-remote-ca", &parsed.flags.tls_remote_ca),
        (
            "mutual-tls-client-cert",
            &parsed.flags.mutual_tls_client_cert,
        ),
        ("mutual-tls-client-key", &parsed.flags.mutual_tls_client_key),
    ] {
        if !value.trim().is_empty() && !flags::reads(command.name, name) {
            // cfssl ignores them there: the command would quietly work locally.
            return fail(
                format!(
                    "-{name}: `{}` has no remote mode (sign, gencert, info and revoke have); \
                     drop -{name}\n",
                    command.name
                ),
                1,
            );
        }
    }
    if !parsed.flags.label.is_empty() && !flags::reads(command.name, "label") {
        return fail(
            format!(
                "-label: `{}` records no certificate, so there is no CA label to set; drop -label\n",
                command.name
            ),
            1,
        );
    }
    // `-json` is ours (cfssl has no such flag), so refusing it breaks no cfssl script; a
    // command without a JSON form would print its usual output and ignore it.
    if parsed.flags.json && !flags::reads(command.name, "json") {
        return fail(
            format!(
                "-json: `{}` has no JSON output (db, lint, k8s-csr, k8s-kubeconfig, k8s-review \
                 and ceremony verify have); drop -json\n",
                command.name
            ),
            1,
        );
    }
    if !parsed.flags.transcript.is_empty() && !flags::reads(command.name, "transcript") {
        return fail(
            format!(
                "-transcript: `{}` signs nothing, so there is no step to record; drop -transcript\n",
                command.name
            ),
            1,
        );
    }
    // Every other flag of ours: cfssl has none of them, so no cfssl command line passes one,
    // and a command that does not read it would run as if it were not there. The checks
    // above give the flags with a story of their own a more specific message.
    if let Some(flag) = flags::FLAGS.iter().find(|spec| {
        spec.extension
            && parsed.flags.was_given(spec.name)
            && !flags::reads(command.name, spec.name)
    }) {
        return fail(
            format!(
                "-{name}: `{command}` does not read it (it is a cfssl-rs flag of {readers}); \
                 drop -{name}\n",
                name = flag.name,
                command = command.name,
                readers = flags::readers(flag.name).join(", "),
            ),
            1,
        );
    }
    Invocation::Run {
        command,
        parsed: Box::new(parsed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(args: &[&str]) -> (String, u8) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        match parse(&args) {
            Invocation::Run { command, .. } => (format!("run {}", command.name), 0),
            Invocation::Help(text) => (text, 0),
            Invocation::Fail { text, status } => (text, status),
        }
    }

    /// `-json` runs only where a command has a JSON form; elsewhere it is refused, not ignored.
    #[test]
    fn json_only_where_read() {
        let (text, status) = outcome(&["certinfo", "-json", "-cert", "c.pem"]);
        assert!(
            text.starts_with("-json: `certinfo` has no JSON output"),
            "{text}"
        );
        assert_eq!(status, 1);
        for command in [
            "db",
            "lint",
            "k8s-csr",
            "k8s-kubeconfig",
            "k8s-review",
            "ceremony",
        ] {
            assert_eq!(outcome(&[command, "-json"]), (format!("run {command}"), 0));
        }
    }

    /// Each of our flags runs exactly where a command reads it, and is refused, naming the
    /// commands that read it, everywhere else.
    #[test]
    fn extension_flags_only_where_read() {
        for flag in flags::FLAGS.iter().filter(|f| f.extension) {
            let mut args = vec![format!("-{}", flag.name)];
            match flag.kind {
                flags::FlagKind::Bool => {}
                flags::FlagKind::Int => args.push("2".into()),
                flags::FlagKind::Str | flags::FlagKind::Duration => args.push("x".into()),
            }
            for command in COMMANDS {
                let mut line = vec![command.name];
                line.extend(args.iter().map(String::as_str));
                let (text, status) = outcome(&line);
                if flags::reads(command.name, flag.name) {
                    assert_eq!(
                        (text.as_str(), status),
                        (&*format!("run {}", command.name), 0)
                    );
                } else {
                    assert_eq!(status, 1, "{line:?}: {text}");
                    assert!(
                        text.starts_with(&format!("-{}: ", flag.name)),
                        "{line:?}: {text}"
                    );
                }
            }
        }
        let (text, _) = outcome(&["gencsr", "-encrypt-key", "-key", "k.pem", "csr.json"]);
        assert_eq!(
            text,
            "-encrypt-key: `gencsr` does not read it (it is a cfssl-rs flag of gencert, genkey, \
             selfsign); drop -encrypt-key\n"
        );
        // Given at all counts, even set to its default: the command line asked for it.
        let (text, status) = outcome(&["sign", "-legacy=false", "a.csr"]);
        assert!(
            text.starts_with("-legacy: `sign` does not read it"),
            "{text}"
        );
        assert_eq!(status, 1);
    }

    #[test]
    fn each_outcome() {
        assert_eq!(
            outcome(&["sign", "-ca", "x", "a.csr"]),
            ("run sign".into(), 0)
        );
        assert_eq!(outcome(&["--", "sign"]), ("run sign".into(), 0));
        let (text, status) = outcome(&[]);
        assert!(
            text.starts_with("No command is given.\ncfssl-rs -- "),
            "{text}"
        );
        assert_eq!(status, 1);
        let (text, status) = outcome(&["-h"]);
        assert_eq!((text, status), (usage::top_level_usage(COMMANDS), 0));
        let (text, status) = outcome(&["-x", "sign"]);
        assert!(
            text.starts_with("flag provided but not defined: -x\n"),
            "{text}"
        );
        assert_eq!(status, 2);
        let (text, status) = outcome(&["gencrt"]);
        assert!(
            text.starts_with("Command gencrt is not defined.\nDid you mean gencert?\n"),
            "{text}"
        );
        assert_eq!(status, 1);
        let (text, status) = outcome(&["scan"]);
        assert!(
            text.starts_with("cfssl-rs does not implement `scan`: "),
            "{text}"
        );
        assert_eq!(status, 1);
        let (text, status) = outcome(&["sign", "-h"]);
        assert_eq!(
            (text, status),
            (usage::command_usage(crate::find("sign").unwrap()), 0)
        );
        let (text, status) = outcome(&["sign", "-port", "x"]);
        assert!(
            text.starts_with("invalid value \"x\" for flag -port: parse error\ncfssl-rs sign -- "),
            "{text}"
        );
        assert_eq!(status, 2);
        assert_eq!(outcome(&["sign", "-remote", "h:1"]), ("run sign".into(), 0));
        let (text, status) = outcome(&["selfsign", "-remote", "h:1"]);
        assert!(
            text.starts_with("-remote: `selfsign` has no remote mode"),
            "{text}"
        );
        assert_eq!(status, 1);
        let (text, status) = outcome(&["sign", "-authkey", "k"]);
        assert!(text.starts_with("-authkey: cfssl-rs "), "{text}");
        assert_eq!(status, 1);
        assert_eq!(outcome(&["crl", "-db-config", "x"]), ("run crl".into(), 0));
        assert_eq!(
            outcome(&["sign", "-db-config", "x", "-label", "L"]),
            ("run sign".into(), 0)
        );
        let (text, status) = outcome(&["revoke", "-db-config", "x", "-label", "L"]);
        assert!(
            text.starts_with("-label: `revoke` records no certificate"),
            "{text}"
        );
        assert_eq!(status, 1);
        let (text, status) = outcome(&["selfsign", "-db-config", "x"]);
        assert!(
            text.starts_with("-db-config: `selfsign` neither records"),
            "{text}"
        );
        assert_eq!(status, 1);
    }
}
