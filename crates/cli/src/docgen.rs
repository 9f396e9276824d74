//! `cfssl-rs completion bash|zsh|fish` and `cfssl-rs man`: a [`clap::Command`] that
//! describes cfssl-rs, built from the same tables as help ([`crate::cmd::COMMANDS`] with
//! their [`crate::usage::Help`], [`crate::flags::FLAGS`] and
//! [`crate::flags::COMMAND_FLAGS`]), handed to `cfssl_clidoc` (`clap_complete`,
//! `clap_mangen`).
//!
//! The clap command is for generation only: cfssl-rs keeps parsing its arguments with its
//! Go-`flag` parser ([`crate::flags`]), because it must accept exactly what cfssl accepts.

use cfssl_clidoc::clap::builder::PossibleValuesParser;
use cfssl_clidoc::clap::{self, Arg, ArgAction, ValueHint};

use crate::flags::{self, FlagKind, FlagSpec, UNSUPPORTED};
use crate::refused::UNIMPLEMENTED;
use crate::usage::{ABOUT, PROGRAM, Values};
use crate::{COMMANDS, Command};

/// The whole program, for the generators.
pub fn command() -> clap::Command {
    let refused: Vec<String> = UNSUPPORTED.iter().map(|u| format!("-{}", u.name)).collect();
    let missing: Vec<&str> = UNIMPLEMENTED.iter().map(|u| u.name).collect();
    let description = format!(
        "{PROGRAM} is a drop-in replacement for Cloudflare's cfssl 1.6.5: the same commands, \
         flags, JSON output and exit statuses, offline. Pipe its JSON output to cfssljson-rs \
         (or cfssljson) to write the files.\n\n\
         Flags take one dash or two (-ca or --ca), a value after a space or '=', and may come \
         after the arguments. Every command accepts cfssl's other flags and ignores them, as \
         cfssl does, except {}, which cfssl never reads either, and the servers' TLS \
         settings and the remote client's flags on a command that has no use for them: \
         {PROGRAM} refuses those, naming the flag. Flags and commands cfssl does not have \
         are marked \
         (cfssl-rs extension).\n\n\
         The cfssl commands {} are not implemented: running one says why, and what to use \
         instead.\n\n\
         The password of an encrypted private key comes from -password-file, else \
         CFSSL_CA_PK_PASSWORD (a CA key) or CFSSL_KEY_PASSWORD, else a prompt on the terminal.\n\n\
         Exit status: 0 on success, 1 on an error, 2 on a bad flag (and when k8s-review flags \
         a request).",
        refused.join(", "),
        missing.join(", ")
    );
    let mut top = clap::Command::new(PROGRAM)
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(description)
        .override_usage(format!(
            "{PROGRAM} COMMAND [FLAGS] [ARGUMENTS]\n{PROGRAM} help [COMMAND]\n{PROGRAM} COMMAND -h"
        ))
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .arg(help_flag())
        .after_help("See also: cfssljson-rs(1), cfssl(1), cfssljson(1).");
    for c in COMMANDS {
        top = top.subcommand(subcommand(c));
    }
    top
}

fn help_flag() -> Arg {
    Arg::new("help")
        .short('h')
        .long("help")
        .help("print this help and exit")
        .action(ArgAction::SetTrue)
}

fn subcommand(c: &Command) -> clap::Command {
    let help = c.help;
    let mut about = help.summary.to_owned();
    if help.extension {
        about.push_str(" (cfssl-rs extension)");
    }
    let usage: Vec<String> = help
        .synopsis
        .iter()
        .map(|form| format!("{PROGRAM} {} {form}", c.name).trim_end().to_owned())
        .collect();
    let mut sub = clap::Command::new(c.name)
        .about(about.clone())
        .override_usage(usage.join("\n"))
        .disable_help_flag(true);
    if !help.notes.is_empty() {
        sub = sub.long_about(format!("{about}\n\n{}", help.notes));
    }
    for spec in flags::command_flags(c.name) {
        sub = sub.arg(flag_arg(spec));
    }
    sub = sub.arg(help_flag());
    for (i, a) in help.arguments.iter().enumerate() {
        let arg = Arg::new(a.name)
            .value_name(a.name)
            .help(a.about)
            .index(i + 1)
            .action(ArgAction::Set);
        sub = sub.arg(match a.values {
            Values::Path => arg.value_hint(ValueHint::FilePath),
            Values::Text => arg,
            Values::OneOf(words) => arg.value_parser(PossibleValuesParser::new(words)),
            Values::Command => {
                arg.value_parser(PossibleValuesParser::new(COMMANDS.iter().map(|c| c.name)))
            }
        });
    }
    sub
}

fn flag_arg(spec: &'static FlagSpec) -> Arg {
    let mut text = spec.usage.trim_end().to_owned();
    if spec.extension {
        text.push_str(" (cfssl-rs extension)");
    }
    let arg = Arg::new(spec.name).long(spec.name).help(text);
    if spec.kind == FlagKind::Bool {
        return arg.action(ArgAction::SetTrue);
    }
    let mut arg = arg
        .action(ArgAction::Set)
        .value_name(spec.placeholder().unwrap_or("value"));
    if spec.shows_default() {
        arg = arg.default_value(spec.default);
    }
    if spec.takes_path() {
        arg = arg.value_hint(ValueHint::FilePath);
    }
    arg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_without_clap_assertions() {
        let mut cmd = command();
        cmd.build();
        assert_eq!(cmd.get_subcommands().count(), COMMANDS.len());
        let sign = cmd.find_subcommand("sign");
        let longs: Vec<&str> = sign
            .map(|s| s.get_arguments().filter_map(|a| a.get_long()).collect())
            .unwrap_or_default();
        assert!(
            longs.contains(&"ca-key") && longs.contains(&"batch"),
            "{longs:?}"
        );
        assert!(longs.contains(&"remote"), "{longs:?}");
        assert!(!longs.contains(&"authkey"), "{longs:?}");
    }
}
