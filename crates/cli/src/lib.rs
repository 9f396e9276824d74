//! # cfssl-cli: the `cfssl-rs` command line as data
//!
//! Everything about the command line that is not doing the work: the one flag table of
//! cfssl with our extensions and its Go-`flag` parser ([`flags`]: a flag table → typed
//! [`flags::Flags`], parsed once, no lookup by name), the commands with their help
//! ([`COMMANDS`], [`usage`]), the cfssl commands and flags cfssl-rs refuses ([`refused`],
//! [`flags::UNSUPPORTED`]), the completions and man page generated from the same tables
//! ([`docgen`]), and how an error is printed ([`CliError`]).
//!
//! Why a crate: the `cfssl-rs` binary should only parse, call a `cfssl_ca` workflow and
//! print (docs/architecture.md). Keeping the tables here also lets them be tested on
//! their own — every flag described, every command documented, Go's error texts — without
//! running the program. Like every library crate here, nothing in it prints, prompts,
//! reads the environment or exits: help and errors are returned as text for the binary to
//! write.
//!
//! ```
//! use cfssl_cli::flags;
//!
//! let args: Vec<String> = ["-ca", "ca.pem", "-ca-key=ca-key.pem", "leaf.csr", "-profile", "www"]
//!     .iter().map(|s| s.to_string()).collect();
//! let parsed = flags::parse(&args)?;
//! assert_eq!(parsed.flags.ca, "ca.pem");
//! assert_eq!(parsed.flags.profile, "www");
//! assert_eq!(parsed.positionals, ["leaf.csr"]);
//! assert_eq!(cfssl_cli::find("sign").map(|c| c.help.summary.is_empty()), Some(false));
//! # Ok::<(), cfssl_cli::flags::FlagError>(())
//! ```
#![deny(missing_docs)]

pub mod args;
pub mod docgen;
mod error;
pub mod flags;
pub mod invocation;
pub mod log;
pub mod refused;
pub mod resolve;
pub mod usage;

pub use error::{CliError, InputError, cfssl_json, coded, go_errno_text, read_file};

use usage::Help;

/// One subcommand of `cfssl-rs`: its name and its help. The binary pairs each with its
/// entry point; cfssl's model (`cli/cli.go` `Command`: usage text, flag list, main), with
/// the flags in the one shared table ([`flags::COMMAND_FLAGS`] says which each reads).
#[derive(Debug)]
pub struct Command {
    /// The name typed on the command line.
    pub name: &'static str,
    /// What `-h` prints.
    pub help: &'static Help,
}

const fn command(name: &'static str, help: &'static Help) -> Command {
    Command { name, help }
}

/// Every command `cfssl-rs` runs; the top-level usage lists them sorted by name. `help`,
/// `completion` and `man` are ours: help, completions and the man page, all generated
/// from the flag table.
pub static COMMANDS: &[Command] = &[
    command("ceremony", &usage::CEREMONY),
    command("certinfo", &usage::CERTINFO),
    command("completion", &usage::COMPLETION),
    command("crl", &usage::CRL),
    command("db", &usage::DB),
    command("gencert", &usage::GENCERT),
    command("gencrl", &usage::GENCRL),
    command("gencsr", &usage::GENCSR),
    command("genkey", &usage::GENKEY),
    command("help", &usage::HELP),
    command("k8s-csr", &usage::K8S_CSR),
    command("k8s-kubeconfig", &usage::K8S_KUBECONFIG),
    command("k8s-review", &usage::K8S_REVIEW),
    command("k8s-sign", &usage::K8S_SIGN),
    command("key", &usage::KEY),
    command("lint", &usage::LINT),
    command("man", &usage::MAN),
    command("multirootca", &usage::MULTIROOTCA),
    command("ocspdump", &usage::OCSPDUMP),
    command("ocsprefresh", &usage::OCSPREFRESH),
    command("ocspserve", &usage::OCSPSERVE),
    command("ocspsign", &usage::OCSPSIGN),
    command("pkcs12", &usage::PKCS12),
    command("print-defaults", &usage::PRINT_DEFAULTS),
    command("revoke", &usage::REVOKE),
    command("selfsign", &usage::SELFSIGN),
    command("serve", &usage::SERVE),
    command("sign", &usage::SIGN),
    command("version", &usage::VERSION),
];

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_unique() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(COMMANDS[..i].iter().all(|d| d.name != c.name), "{}", c.name);
            assert!(std::ptr::eq(
                find(c.name).map_or(std::ptr::null(), |f| f),
                c
            ));
        }
        assert!(find("bogus").is_none());
    }

    #[test]
    fn command_flag_lists_name_commands() {
        for (name, _) in flags::COMMAND_FLAGS {
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
}
