//! `cfssl-rs ceremony ACTION …` (our extension; issue 15, docs/ceremony.md): the steps of a
//! key ceremony. `plan` and `run` follow a ceremony file ([`super::ceremony_step`]);
//! `verify` checks a transcript's hash chain and the files on disk against it, `print`
//! renders the page the witnesses sign (both in [`super::transcript`]).

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let Some(action) = ctx.args.pop_optional() else {
        return Err(CliError::Usage(
            "ceremony: give an action: plan, run, verify or print".into(),
        ));
    };
    // Only verify has a JSON form; elsewhere the flag would be quietly ignored.
    if ctx.flags.json && ["plan", "run", "print"].contains(&action.as_str()) {
        return Err(CliError::Usage(format!(
            "ceremony {action} has no JSON output: drop -json (only `ceremony verify -json \
             TRANSCRIPT` prints JSON)"
        )));
    }
    match action.as_str() {
        "plan" => super::ceremony_step::plan(ctx),
        "run" => super::ceremony_step::run(ctx),
        "verify" => super::transcript::verify(ctx),
        "print" => super::transcript::print(ctx),
        other => Err(CliError::Usage(format!(
            "ceremony: unknown action {other:?}; the actions are plan, run, verify and print"
        ))),
    }
}
