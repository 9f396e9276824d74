//! `cfssl-rs gencrl SERIALS CERT KEY [SECONDS]` (docs/cfssl-compat.md §1.7.8): a CRL revoking the
//! listed serials, printed as base64 DER on one line as cfssl does, but RFC 5280
//! conformant (CRL Number, AKI = issuer SKI; docs/differences.md #14), with a serial list read
//! strictly (docs/differences.md #16) and an issuer that must be a CA with cRLSign.

use base64::Engine;
use cfssl_ca::{CaError, GenCrl};
use cfssl_keys::SigningKey;
use cfssl_signer::ParsedCertificate;
use cfssl_signer::crl;
use zeroize::Zeroizing;

use super::password::decode_key;
use super::support::{in_input, now};
use super::{CliError, Context};
use cfssl_cli::resolve::KeyRole;

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // cfssl reads each file right after popping it, so a missing first file is reported
    // before a missing second argument.
    let serials_name = ctx.args.pop()?;
    let serials = ctx.read_input(&serials_name)?;
    let cert_name = ctx.args.pop()?;
    let cert = ctx.read_input(&cert_name)?;
    let key_name = ctx.args.pop()?;
    // A pkcs11: URI names a key in a token; anything else is a key file, read now as cfssl does.
    let key_file = if super::token::is_token_key(&key_name) {
        None
    } else {
        Some(Zeroizing::new(ctx.read_input(&key_name)?))
    };
    let seconds = match ctx.args.pop_optional() {
        None => 0,
        Some(text) => crl::parse_go_int32(&text).map_err(CliError::plain)?,
    };
    // 0 (or no argument) is cfssl's default, one week.
    let lifetime = (seconds != 0).then(|| time::Duration::seconds(seconds));
    let ca = ParsedCertificate::from_pem(&cert)
        .map_err(CliError::from)
        .map_err(in_input("the CA certificate", &cert_name))?;
    let key: Box<dyn SigningKey> = match key_file {
        Some(pem) => Box::new(
            decode_key(ctx, &pem, &key_name, KeyRole::Ca)
                .map_err(in_input("the CA private key", &key_name))?,
        ),
        None => Box::new(super::token::open_key(&key_name, "gencrl's KEY")?),
    };
    let input = GenCrl {
        serials: String::from_utf8_lossy(&serials).into_owned(),
        ca,
        key,
        lifetime,
    };
    let der = cfssl_ca::gencrl(&input, now()).map_err(|e| match e {
        // cfssl signs anyway and produces a CRL that verifies against nothing.
        CaError::CrlKeyMismatch => CliError::plain(format!(
            "the key in {key_name} does not belong to the certificate in {cert_name}"
        )),
        CaError::SerialList(e) => CliError::plain(format!(
            "in the serial list {serials_name}: {e}; no CRL was made"
        )),
        other => other.into(),
    })?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    ctx.print(&format!("{b64}\n"))
}
