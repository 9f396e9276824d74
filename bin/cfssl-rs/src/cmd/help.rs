//! `cfssl-rs help [COMMAND]`: the top-level help, or a command's (the same text as
//! `cfssl-rs COMMAND -h`), on stdout. cfssl has no such command (its `help` is "not
//! defined"); a person reaching for it should find the help, not an error.

use cfssl_cli::refused as unimplemented;
use cfssl_cli::{COMMANDS, usage};

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if ctx.args.is_empty() {
        return ctx.print(&usage::top_level_usage(COMMANDS));
    }
    let name = ctx.args.pop()?;
    ctx.args.reject_extra()?;
    if let Some(command) = cfssl_cli::find(&name) {
        return ctx.print(&usage::command_usage(command));
    }
    if let Some(refused) = unimplemented::find(&name) {
        return Err(CliError::plain(refused.to_string()));
    }
    let mut message = format!("Command {name} is not defined.");
    if let Some(meant) = unimplemented::suggest(&name) {
        message.push_str(&format!("\nDid you mean {meant}?"));
    }
    message.push_str(&format!(
        "\nRun `{} help` for the list of commands.",
        usage::PROGRAM
    ));
    Err(CliError::Usage(message))
}
