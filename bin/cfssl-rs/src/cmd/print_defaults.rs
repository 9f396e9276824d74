//! `cfssl-rs print-defaults TYPE` (docs/cfssl-compat.md §1.7.7, cfssl `cli/printdefault`).
//!
//! `csr` and `config` print cfssl's templates byte for byte (the stored strings end in a
//! newline and cfssl prints them with `Println`, so the output ends in an empty line).
//! `list`, or any unknown TYPE, prints the list of types and succeeds. A missing TYPE is
//! the usual `not enough arguments…` error. Further arguments are ignored.

use super::{CliError, Context};

/// The templates, in the order `list` prints them (cfssl's map order is random).
/// The fixture files are cfssl 1.6.5's exact stdout, final empty line included.
const DEFAULTS: &[(&str, &str)] = &[
    ("config", include_str!("../print-defaults-config.json")),
    ("csr", include_str!("../print-defaults-csr.json")),
];

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let kind = ctx.args.pop()?;
    match DEFAULTS.iter().find(|(name, _)| *name == kind) {
        Some((_, text)) => ctx.print(text),
        None => {
            let mut list = String::from("Default configurations are available for:\n");
            for (name, _) in DEFAULTS {
                list.push('\t');
                list.push_str(name);
                list.push('\n');
            }
            ctx.print(&list)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::tests::run_command;

    const LIST: &str = "Default configurations are available for:\n\tconfig\n\tcsr\n";

    #[test]
    fn list_and_unknown_print_the_list() {
        for kind in ["list", "bogus", "CSR"] {
            let (result, out, _) = run_command(run, &[kind, "extra"], b"");
            assert_eq!(result, Ok(()));
            assert_eq!(out, LIST);
        }
    }

    #[test]
    fn templates_end_with_an_empty_line() {
        for kind in ["csr", "config"] {
            let (result, out, _) = run_command(run, &[kind], b"");
            assert_eq!(result, Ok(()));
            assert!(
                out.starts_with("{\n    \"") && out.ends_with("}\n\n"),
                "{out}"
            );
        }
    }

    #[test]
    fn missing_type() {
        let (result, out, _) = run_command(run, &[], b"");
        assert_eq!(
            result,
            Err(CliError::Usage(
                cfssl_cli::args::NOT_ENOUGH_ARGUMENTS.into()
            ))
        );
        assert_eq!(out, "");
    }
}
