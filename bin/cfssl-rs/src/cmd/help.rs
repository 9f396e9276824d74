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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::tests::run_command;

    #[test]
    fn prints_the_list_or_a_command() {
        let (result, out, _) = run_command(run, &[], b"");
        assert_eq!(result, Ok(()));
        assert_eq!(out, usage::top_level_usage(COMMANDS));
        let (result, out, _) = run_command(run, &["sign"], b"");
        assert_eq!(result, Ok(()));
        assert!(out.starts_with("cfssl-rs sign -- "), "{out}");
    }

    #[test]
    fn unknown_and_unimplemented() {
        let (result, out, _) = run_command(run, &["gencrt"], b"");
        assert_eq!(
            result,
            Err(CliError::Usage(
                "Command gencrt is not defined.\nDid you mean gencert?\nRun `cfssl-rs help` for the list of commands."
                    .into()
            ))
        );
        assert_eq!(out, "");
        let (result, _, _) = run_command(run, &["bundle"], b"");
        assert!(
            matches!(&result, Err(CliError::Plain(m)) if m.starts_with("cfssl-rs does not implement `bundle`")),
            "{result:?}"
        );
        let (result, _, _) = run_command(run, &["sign", "gencert"], b"");
        assert_eq!(
            result,
            Err(CliError::Usage(cfssl_cli::args::TOO_MANY_ARGUMENTS.into()))
        );
    }
}
