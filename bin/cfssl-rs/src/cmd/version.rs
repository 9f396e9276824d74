//! `cfssl-rs version` (docs/cfssl-compat.md §1.7.10): prints the version and the runtime, ignores
//! its arguments.

use super::{CliError, Context};

/// cfssl prints `Version: 1.6.5` / `Runtime: go1.27.3`; we print our own version and,
/// honestly, that this is the Rust implementation.
/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    ctx.print(&format!(
        "Version: {}\nRuntime: rust\n",
        env!("CARGO_PKG_VERSION")
    ))
}
