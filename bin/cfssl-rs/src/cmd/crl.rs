//! `cfssl-rs crl` (docs/cfssl-compat.md §1.7.9): cfssl builds this CRL from its certificate database,
//! which cfssl-rs (offline, no database) does not have. The command exists so that
//! `crl -h` shows cfssl's usage and a script gets a clear pointer to `gencrl` instead of
//! "unknown command" (the text is [`cfssl_cli::refused::CRL`]).

use super::{CliError, Context};

/// Runs the command.
pub fn run(_ctx: &mut Context<'_>) -> Result<(), CliError> {
    Err(CliError::plain(cfssl_cli::refused::CRL.to_string()))
}
