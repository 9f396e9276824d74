//! Shell completions and man pages for `cfssl-rs` and `cfssljson-rs`.
//!
//! Both programs parse their command lines themselves, like Go's `flag` package, because
//! they are drop-in replacements for cfssl and cfssljson and must accept (and reject) exactly
//! what those accept. Writing completion scripts and roff by hand would be a second copy of
//! each flag table, bound to drift; so each program describes itself as a [`clap::Command`]
//! built from its own flag table, used only for generation (never for parsing), and this
//! crate hands it to the maintained generators, `clap_complete` and `clap_mangen`.
//!
//! One thing clap cannot say: Go flags are long names with one dash (`-ca-key`), which
//! clap refuses (its long options have two). The programs give clap `Arg::long` names, and
//! the generated text is rewritten so every flag is offered as the user types it in cfssl's
//! documentation: `-ca-key` in bash and zsh, fish's "old-style" `-o ca-key`, `-ca-key` in
//! the man page (Go accepts `--ca-key` as well, so nothing offered is wrong either way).
//! The rewrite touches only the long names the [`clap::Command`] declares, as whole words.

use std::fmt;
use std::str::FromStr;

pub use clap;
use clap::Command;
use clap_mangen::Man;

/// A shell that `completion` generates a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    /// GNU bash (the script registers a function with `complete -F`).
    Bash,
    /// zsh (a `#compdef` function).
    Zsh,
    /// fish (`complete -c` lines).
    Fish,
}

/// The shell names `completion` accepts, in the order its help lists them.
pub const SHELL_NAMES: &[&str] = &["bash", "zsh", "fish"];

impl FromStr for Shell {
    type Err = UnknownShell;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "bash" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            other => Err(UnknownShell(other.to_owned())),
        }
    }
}

/// A shell name that is not one of [`SHELL_NAMES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownShell(pub String);

impl fmt::Display for UnknownShell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown shell {:?}: completion scripts are made for {}",
            self.0,
            SHELL_NAMES.join(", ")
        )
    }
}

impl std::error::Error for UnknownShell {}

/// The completion script for `shell`, offering `cmd`'s flags with one dash.
pub fn completion(cmd: &Command, shell: Shell) -> String {
    let mut cmd = cmd.clone();
    let name = cmd.get_name().to_owned();
    let longs = long_names(&cmd);
    let mut out = Vec::new();
    match shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, &name, &mut out)
        }
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, &name, &mut out),
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, &name, &mut out)
        }
    }
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        Shell::Bash => rewrite_words(&fix_bash_states(&script, &name), &longs, "--", "-"),
        Shell::Zsh => rewrite_words(&script, &longs, "--", "-"),
        Shell::Fish => rewrite_words(&script, &longs, "-l ", "-o "),
    }
}

/// Works around clap_complete's bash bug for a program name with a hyphen (clap-rs/clap
/// issue 6421, open in clap_complete 4.6.12): the loop that finds the subcommand spells
/// the state `cfssl__rs__subcmd__sign`, the `case` arms `cfssl__subcmd__rs__subcmd__sign`,
/// so no subcommand's flags ever complete. The arms are respelled the loop's way; once
/// clap_complete is fixed the wrong spelling no longer occurs and this does nothing.
fn fix_bash_states(script: &str, name: &str) -> String {
    const SEP: &str = "__subcmd__";
    if !name.contains('-') {
        return script.to_owned();
    }
    let wrong = format!("{}{SEP}", name.replace('-', SEP));
    let right = format!("{}{SEP}", name.replace('-', "__"));
    script.replace(&wrong, &right)
}

/// The man page (roff) for `cmd`: NAME, SYNOPSIS, DESCRIPTION and OPTIONS as
/// `clap_mangen` renders them, then, when `cmd` has subcommands, a COMMANDS section with
/// each one's synopsis, description, flags and arguments (one page for the whole program:
/// `clap_mangen` alone would refer to a page per command), then EXTRA (the after-help
/// text) and VERSION.
///
/// # Errors
/// None in practice: rendering writes into memory; an error would come from `roff`.
pub fn man_page(cmd: &Command) -> std::io::Result<String> {
    let mut cmd = cmd.clone();
    cmd.build();
    let longs = long_names(&cmd);
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    let subcommands: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subcommands.is_empty() {
        out.extend_from_slice(b".SH COMMANDS\n");
        for sub in subcommands {
            let full_name = format!("{} {}", cmd.get_name(), sub.get_name());
            out.extend_from_slice(format!(".SS \"{full_name}\"\n").as_bytes());
            let man = Man::new(sub.clone().bin_name(full_name));
            // Each part without its own `.SH` heading: here they are one subsection.
            for render in [
                Man::render_synopsis_section,
                Man::render_description_section,
                Man::render_options_section,
            ] {
                let mut part = Vec::new();
                render(&man, &mut part)?;
                let text = String::from_utf8_lossy(&part);
                for line in text.lines().filter(|l| !l.starts_with(".SH")) {
                    out.extend_from_slice(line.as_bytes());
                    out.push(b'\n');
                }
                out.extend_from_slice(b".PP\n");
            }
        }
    }
    if cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    // Each `render_*` starts with the same two lines defining `\*(Aq`; once is enough.
    let mut seen = Vec::new();
    let page: String = String::from_utf8_lossy(&out)
        .lines()
        .filter(|line| {
            if !line.starts_with(".ie \\n(.g .ds Aq") && !line.starts_with(".el .ds Aq") {
                return true;
            }
            let first = !seen.contains(line);
            seen.push(line);
            first
        })
        .map(|line| format!("{line}\n"))
        .collect();
    // roff writes `-` as `\-`; option names are set in bold (`\fB--name`).
    let escaped: Vec<String> = longs.iter().map(|l| l.replace('-', "\\-")).collect();
    Ok(rewrite_words(&page, &escaped, "\\fB\\-\\-", "\\fB\\-"))
}

/// Every `Arg::long` name in `cmd` and its subcommands, longest first (so that the
/// rewrite of `ca-key` is not cut short by `ca`; whole-word matching makes this belt and
/// braces).
fn long_names(cmd: &Command) -> Vec<String> {
    let mut names = Vec::new();
    collect_longs(cmd, &mut names);
    names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    names.dedup();
    names
}

fn collect_longs(cmd: &Command, names: &mut Vec<String>) {
    names.extend(
        cmd.get_arguments()
            .filter_map(|a| a.get_long())
            .map(str::to_owned),
    );
    for sub in cmd.get_subcommands() {
        collect_longs(sub, names);
    }
}

/// Replaces `{from}{name}` with `{to}{name}` for each name, where the name is a whole word:
/// not followed by a letter, digit, `-`, `_` or roff's `\-`, and `from` not preceded by one.
fn rewrite_words(text: &str, names: &[String], from: &str, to: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let (before, after_start) = rest.split_at(at);
        out.push_str(before);
        let after = after_start.get(from.len()..).unwrap_or_default();
        let preceded = out.chars().next_back().is_some_and(is_word);
        let hit = (!preceded)
            .then(|| {
                names.iter().find(|n| {
                    let tail = after.get(n.len()..).unwrap_or_default();
                    after.starts_with(n.as_str())
                        && !tail.starts_with(is_word)
                        && !tail.starts_with("\\-")
                })
            })
            .flatten();
        match hit {
            Some(name) => {
                out.push_str(to);
                out.push_str(name);
                rest = after.get(name.len()..).unwrap_or_default();
            }
            None => {
                out.push_str(from);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    fn sample() -> Command {
        Command::new("prog")
            .version("1.0")
            .about("does things")
            .disable_help_flag(true)
            .disable_help_subcommand(true)
            .disable_version_flag(true)
            .subcommand(
                Command::new("sign")
                    .about("signs")
                    .arg(
                        Arg::new("ca")
                            .long("ca")
                            .help("the CA")
                            .action(ArgAction::Set),
                    )
                    .arg(
                        Arg::new("ca-key")
                            .long("ca-key")
                            .help("its key -- a file")
                            .action(ArgAction::Set),
                    )
                    .arg(
                        Arg::new("initca")
                            .long("initca")
                            .help("a bool")
                            .action(ArgAction::SetTrue),
                    ),
            )
    }

    #[test]
    fn whole_words_only() {
        let names = vec!["ca-key".to_owned(), "ca".to_owned()];
        assert_eq!(
            rewrite_words(
                "--ca --ca-key --cab x--ca -- \"--ca\" --ca)",
                &names,
                "--",
                "-"
            ),
            "-ca -ca-key --cab x--ca -- \"-ca\" -ca)"
        );
        assert_eq!(
            rewrite_words("-l ca -l cab", &names, "-l ", "-o "),
            "-o ca -l cab"
        );
    }

    #[test]
    fn scripts_offer_single_dash_flags() {
        let bash = completion(&sample(), Shell::Bash);
        assert!(bash.contains("-ca-key"), "{bash}");
        assert!(!bash.contains("--ca"), "{bash}");
        let zsh = completion(&sample(), Shell::Zsh);
        assert!(zsh.contains("'-ca-key=[its key -- a file]"), "{zsh}");
        assert!(!zsh.contains("--ca"), "{zsh}");
        let fish = completion(&sample(), Shell::Fish);
        assert!(fish.contains("-o ca-key"), "{fish}");
        assert!(!fish.contains("-l ca"), "{fish}");
    }

    #[test]
    fn man_page_has_every_command_and_single_dash_flags() {
        let page = man_page(&sample()).unwrap_or_default();
        for needle in [
            ".TH prog 1",
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH COMMANDS",
            ".SS \"prog sign\"",
            "\\fB\\-ca\\-key\\fR",
            "its key \\-\\- a file",
        ] {
            assert!(page.contains(needle), "{needle}: {page}");
        }
        assert!(!page.contains("\\-\\-ca"), "{page}");
    }

    #[test]
    fn shells() {
        assert_eq!("fish".parse(), Ok(Shell::Fish));
        let err = "tcsh".parse::<Shell>().map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "unknown shell \"tcsh\": completion scripts are made for bash, zsh, fish"
                    .to_owned()
            )
        );
    }
}
