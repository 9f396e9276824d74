//! `cfssl-rs k8s-sign -ca -ca-key [-config -profile -allow-privileged] CSR-OBJECT`
//! (cfssl-rs extension): signs an approved CertificateSigningRequest object with the local
//! signer and prints it with `status.certificate` set, for `kubectl replace --raw
//! /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -`. The rules
//! and the workflow are `cfssl_k8s::sign`'s.

use cfssl_k8s::K8sError;

use super::support::read_requests_from;
use super::support::{CliLog, local_signer, note_key_mismatch, now, open_db, record_issued};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let input_name = ctx.args.pop_only()?;
    let input = ctx.read_input(&input_name)?;
    let mut requests = read_requests_from(&input, &input_name)?;
    if requests.len() != 1 {
        return Err(CliError::plain(format!(
            "k8s-sign signs one CertificateSigningRequest at a time; the input holds {}",
            requests.len()
        )));
    }
    let request = requests.remove(0);
    // Refuse an unsignable object before reading the CA key (and asking for its password).
    cfssl_k8s::sign::check_signable(&request, ctx.flags.allow_privileged)?;
    cfssl_cli::resolve::require_ca(&ctx.flags, ctx.config.is_some(), "")?;
    let signer = local_signer(ctx)?;
    let mut db = open_db(ctx)?;
    let profile = &ctx.flags.profile;
    let allow = ctx.flags.allow_privileged;
    let signed = cfssl_k8s::sign::sign(&request, &signer, profile, allow, now(), &mut CliLog)
        .inspect_err(|e| {
            if let K8sError::Sign(e) = e {
                note_key_mismatch(ctx, e);
            }
        })?;
    record_issued(ctx, db.as_mut(), &[&signed.issued])?;
    let mut text = serde_json::to_string_pretty(&signed.object).unwrap_or_default();
    text.push('\n');
    ctx.print(&text)
}
