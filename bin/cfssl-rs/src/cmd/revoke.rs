//! `cfssl-rs revoke -db-config F -serial S -aki A [-reason R]` (docs/cfssl-lifecycle.md §3):
//! marks a recorded certificate revoked. Prints nothing on success, as cfssl. Publish the
//! revocation with `ocsprefresh` and `crl`.
//!
//! `-remote` (a cfssl-rs extension: cfssl's `revoke` has no remote mode) asks a server's
//! `revoke` endpoint instead (`cfssl serve -db-config`, docs/cfssl-lifecycle.md §7.3), which
//! marks the row in the server's database.

use cfssl_ocsp::{RevocationReason, reason_from_cfssl};

use super::support::open_db;
use super::{CliError, Context};

/// cfssl's message for a positional argument to a command that takes none.
pub const NO_ARGUMENTS: &str =
    "argument is provided but not defined; please refer to the usage by flag -h";

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if !ctx.args.is_empty() {
        return Err(CliError::Usage(NO_ARGUMENTS.into()));
    }
    let flags = &ctx.flags;
    if flags.serial.is_empty() {
        return Err(CliError::plain(
            "serial number is required but not provided",
        ));
    }
    if flags.aki.is_empty() {
        return Err(CliError::plain(
            "authority key id is required but not provided",
        ));
    }
    if !ctx.flags.remote.trim().is_empty() {
        return revoke_remotely(ctx);
    }
    super::remote::refuse_remote_only_flags(ctx, "the revocation")?;
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain(
            "need DB config file (provide with -db-config)",
        ));
    };
    let reason = reason_code(ctx)?;
    let aki = cfssl_ca::revocation::normalize_key_id(&ctx.flags.aki);
    if aki != ctx.flags.aki {
        // docs/differences.md #27: cfssl matches the text as given and finds nothing.
        crate::warning!(
            "-aki {} read as {aki} (lower-case hex without colons, as the database stores it)",
            ctx.flags.aki
        );
    }
    cfssl_ca::revocation::revoke(&mut db, &ctx.flags.serial, &aki, reason)?;
    Ok(())
}

/// `revoke -remote`: `{"serial","authority_key_id","reason"}` to the server's `revoke`
/// endpoint. Without `-reason` the reason is sent empty, which the server reads as
/// unspecified; a given reason is checked here first and sent as written.
fn revoke_remotely(ctx: &mut Context<'_>) -> Result<(), CliError> {
    use super::remote;
    remote::refuse_db_config(ctx)?;
    let reason = if ctx.flags.given.reason {
        reason_code(ctx)?;
        ctx.flags.reason.clone()
    } else {
        String::new()
    };
    let aki = cfssl_ca::revocation::normalize_key_id(&ctx.flags.aki);
    if aki != ctx.flags.aki {
        crate::warning!(
            "-aki {} sent as {aki} (lower-case hex without colons, as the database stores it)",
            ctx.flags.aki
        );
    }
    let request = cfssl_remote::RevokeRequest {
        serial: ctx.flags.serial.clone(),
        authority_key_id: aki,
        reason,
    };
    let client = remote::connect(ctx, ctx.flags.remote.trim())?;
    client
        .revoke(&request, &mut remote::log_note)
        .map_err(remote::remote_error)
}

/// The `-reason` code. cfssl's own default, `0`, is refused by cfssl's conversion (only
/// 1..9 as numbers); without `-reason` we revoke as unspecified instead, and a reason RFC
/// 5280 leaves unassigned (7) is refused (docs/differences.md #27).
pub fn reason_code(ctx: &Context<'_>) -> Result<i32, CliError> {
    if !ctx.flags.given.reason {
        crate::warning!(
            "no -reason given: revoking as unspecified (cfssl refuses its own default -reason 0)"
        );
        return Ok(0);
    }
    let code = reason_from_cfssl(&ctx.flags.reason).map_err(|e| {
        let e = cfssl_cli::coded(e.code(), e.to_string());
        crate::error!("Invalid reason code: {e}");
        e
    })?;
    if RevocationReason::from_code(code).is_none() {
        return Err(CliError::plain(format!(
            "-reason {}: {code} is not a CRLReason (RFC 5280 §5.3.1 leaves it unassigned, and \
             CRLs listing it are rejected); use a name such as keyCompromise or superseded",
            ctx.flags.reason
        )));
    }
    Ok(code)
}
