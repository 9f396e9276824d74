//! `cfssl-rs ceremony ACTION …` (our extension; issue 15): the steps of a key ceremony.
//! `verify` checks a transcript's hash chain and the files on disk against it, `print`
//! renders the page the witnesses sign; both are in [`super::transcript`].

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let Some(action) = ctx.args.pop_optional() else {
        return Err(CliError::Usage(
            "ceremony: give an action: verify or print".into(),
        ));
    };
    match action.as_str() {
        "verify" => super::transcript::verify(ctx),
        "print" => super::transcript::print(ctx),
        other => Err(CliError::Usage(format!(
            "ceremony: unknown action {other:?}; the actions are verify and print"
        ))),
    }
}
