//! `cfssl-rs ceremony ACTION …` (our extension; docs/ceremony.md): key ceremonies.
//! `plan` and `run` are in [`super::ceremony_step`].

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let action = ctx.args.pop()?;
    match action.as_str() {
        "plan" => super::ceremony_step::plan(ctx),
        "run" => super::ceremony_step::run(ctx),
        other => Err(CliError::Usage(format!(
            "ceremony: unknown action {other:?}; use `ceremony plan FILE` or `ceremony run FILE`"
        ))),
    }
}
