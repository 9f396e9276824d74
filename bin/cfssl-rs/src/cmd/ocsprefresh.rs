//! `cfssl-rs ocsprefresh -db-config F -ca CA -responder R -responder-key K [-interval 96h]`
//! (docs/cfssl-lifecycle.md §5.3): a fresh OCSP response for every unexpired certificate
//! of this CA in the database, stored for `ocspserve` and `ocspdump`. Prints nothing.

use super::ocspsign::ocsp_signer;
use super::support::{CliLog, now, open_db};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain(
            "need DB config file (provide with -db-config)",
        ));
    };
    for (value, message) in [
        (
            &ctx.flags.responder,
            "need responder certificate (provide with -responder)",
        ),
        (
            &ctx.flags.responder_key,
            "need responder key (provide with -responder-key)",
        ),
        (&ctx.flags.ca, "need CA certificate (provide with -ca)"),
    ] {
        if value.is_empty() {
            return Err(CliError::plain(message));
        }
    }
    let signer = ocsp_signer(ctx)?;
    let stored = cfssl_ca::revocation::ocsp_refresh(&mut db, &signer, now(), &mut CliLog)?;
    crate::debug!("stored {stored} OCSP responses");
    Ok(())
}
