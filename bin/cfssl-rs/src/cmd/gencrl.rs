//! `cfssl-rs gencrl SERIALS CERT KEY [SECONDS]` (docs/cfssl-compat.md §1.7.8): a CRL revoking the
//! listed serials, printed as base64 DER on one line as cfssl does, but RFC 5280
//! conformant (CRL Number, AKI = issuer SKI; docs/differences.md #14), with a serial list read
//! strictly (docs/differences.md #16) and an issuer that must be a CA with cRLSign.

use zeroize::Zeroizing;

use super::password::{KeyRole, decode_key};
use super::support::in_input;
use base64::Engine;
use cfssl_signer::ParsedCertificate;
use cfssl_signer::crl;

use super::support::now;
use super::{CliError, Command, Context};
use crate::usage;

/// The `gencrl` command.
pub static COMMAND: Command = Command {
    name: "gencrl",
    help: &usage::GENCRL,
    run,
};

/// cfssl's default CRL lifetime: one week.
const DEFAULT_SECONDS: i64 = 7 * 24 * 3600;

fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // cfssl reads each file right after popping it, so a missing first file is reported
    // before a missing second argument.
    let serials_name = ctx.pop_positional()?;
    let serials = ctx.read_input(&serials_name)?;
    let cert_name = ctx.pop_positional()?;
    let cert = ctx.read_input(&cert_name)?;
    let key_name = ctx.pop_positional()?;
    let key = ctx.read_input(&key_name)?;
    let seconds = if ctx.args.is_empty() {
        0
    } else {
        crl::parse_go_int32(&ctx.args.remove(0)).map_err(CliError::plain)?
    };
    let seconds = if seconds == 0 {
        DEFAULT_SECONDS
    } else {
        seconds
    };
    let ca = ParsedCertificate::from_pem(&cert)
        .map_err(CliError::from)
        .map_err(in_input("the CA certificate", &cert_name))?;
    let key = decode_key(ctx, &Zeroizing::new(key), &key_name, KeyRole::Ca)
        .map_err(in_input("the CA private key", &key_name))?;
    if !ca.public_key.matches(&key) {
        // cfssl signs anyway and produces a CRL that verifies against nothing.
        return Err(CliError::plain(format!(
            "the key in {key_name} does not belong to the certificate in {cert_name}"
        )));
    }
    let list = crl::parse_serial_list(&String::from_utf8_lossy(&serials)).map_err(|e| {
        CliError::plain(format!(
            "in the serial list {serials_name}: {e}; no CRL was made"
        ))
    })?;
    let der = crl::build(&list, &ca, &key, now(), time::Duration::seconds(seconds))?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    ctx.print(&format!("{b64}\n"))
}
