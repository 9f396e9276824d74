//! `cfssl-rs ocspdump -db-config F` (docs/cfssl-lifecycle.md §5.4): the database's
//! unexpired OCSP responses, one base64 line each — the `-responses` file of `ocspserve`.

use base64::Engine;

use super::support::open_db;
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain(
            "need DB config file (provide with -db-config)",
        ));
    };
    let mut text = String::new();
    for body in cfssl_ca::revocation::ocsp_dump(&mut db)? {
        text.push_str(&base64::engine::general_purpose::STANDARD.encode(body));
        text.push('\n');
    }
    ctx.print(&text)
}
