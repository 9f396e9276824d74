//! `cfssl-rs ocspsign -ca CA -responder R -responder-key K -cert C [-status S -reason R
//! -revoked-at D -interval I]` (docs/cfssl-lifecycle.md §5.1, §5.2): one OCSP response,
//! printed as `{"ocspResponse":"<base64 DER>"}`.

use base64::Engine;
use cfssl_ocsp::{CertificateStatus, OcspSignRequest, OcspSigner};
use cfssl_signer::ParsedCertificate;

use super::revoke::reason_code;
use super::support::{load_ca_cert, load_signing_key, now};
use super::{CliError, Context, read_file};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // cfssl logs each failure at CRITICAL with what it was doing, then prints the error.
    let critical = |what: &'static str| {
        move |e: CliError| {
            crate::critical!("{what}{e}");
            e
        }
    };
    let cert_pem = read_file(&ctx.flags.cert)
        .map_err(CliError::from)
        .map_err(critical("Unable to read certificate: "))?;
    let certificate = ParsedCertificate::from_pem(&cert_pem)
        .map_err(CliError::from)
        .map_err(critical("Unable to parse certificate: "))?;
    let signer = ocsp_signer(ctx).map_err(critical("Unable to create OCSP signer: "))?;
    let status = match ctx.flags.status.as_str() {
        "revoked" => CertificateStatus::Revoked {
            reason: reason_code(ctx)?,
            at: cfssl_cli::resolve::revocation_time(&ctx.flags.revoked_at, now()).inspect_err(
                |_| crate::critical!("Malformed revocation time: {}", ctx.flags.revoked_at),
            )?,
        },
        other => CertificateStatus::from_cfssl(other, now(), 0).map_err(cfssl_ca::CaError::from)?,
    };
    let der = signer
        .sign(&OcspSignRequest::new(&certificate, status), now())
        .map_err(|e| CliError::from(cfssl_ca::CaError::from(e)))
        .map_err(critical("Unable to sign OCSP response: "))?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    ctx.print(&format!("{{\"ocspResponse\":\"{b64}\"}}\n"))
}

/// The OCSP signer of `-ca`, `-responder`, `-responder-key` (else `-key`) and `-interval`.
pub fn ocsp_signer(ctx: &Context<'_>) -> Result<OcspSigner, CliError> {
    let issuer = load_ca_cert(&ctx.flags.ca)?;
    let responder = ParsedCertificate::from_pem(&read_file(&ctx.flags.responder)?)?;
    let key_spec = if ctx.flags.responder_key.is_empty() {
        &ctx.flags.key
    } else {
        &ctx.flags.responder_key
    };
    let key = load_signing_key(ctx, key_spec, "responder-key")?;
    OcspSigner::with_key(issuer, responder, key, ctx.flags.interval)
        .map_err(|e| cfssl_ca::CaError::from(e).into())
}
