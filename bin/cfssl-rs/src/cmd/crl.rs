//! `cfssl-rs crl -db-config F -ca CERT -ca-key KEY [-expiry 168h]`
//! (docs/cfssl-lifecycle.md §4): a CRL of this CA's revoked, unexpired certificates in the
//! database, with their revocation dates and reasons (docs/differences.md #24, #26),
//! printed as one line of base64 DER like `gencrl`.

use base64::Engine;

use super::support::{CliLog, load_ca_cert, load_signing_key, now, open_db};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // cfssl logs these and exits 0 with an empty line; we exit 1 (docs/differences.md #5).
    if ctx.flags.ca.is_empty() {
        return Err(CliError::plain(
            "need CA certificate (provide one with -ca)",
        ));
    }
    if ctx.flags.ca_key.is_empty() {
        return Err(CliError::plain("need CA key (provide one with -ca-key)"));
    }
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain("no Database specified!"));
    };
    let ca = load_ca_cert(&ctx.flags.ca)?;
    let key = load_signing_key(ctx, &ctx.flags.ca_key, "ca-key")?;
    let lifetime = ctx.flags.expiry;
    let der = cfssl_ca::revocation::crl_from_db(
        &mut db,
        &ca,
        key.as_ref(),
        now(),
        lifetime,
        &mut CliLog,
    )?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    ctx.print(&format!("{b64}\n"))
}
