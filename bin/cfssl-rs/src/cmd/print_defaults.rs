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
