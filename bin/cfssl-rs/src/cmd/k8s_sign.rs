//! `cfssl-rs k8s-sign -ca -ca-key [-config -profile -allow-privileged] CSR-OBJECT`
//! (cfssl-rs extension): signs an approved CertificateSigningRequest object with the local
//! signer and prints it with `status.certificate` set, for `kubectl replace --raw
//! /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -`. The rules
//! are `cfssl_k8s::sign`'s.

use cfssl_k8s::sign::{check_signable, check_signing_profile, sign};

use super::k8s_csr::{k8s_error, read_requests_from};
use super::support::{local_signer, log_issued, note_key_mismatch, now, require_ca_flags};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let input_name = ctx.pop_one_positional()?;
    let input = ctx.read_input(&input_name)?;
    let mut requests = read_requests_from(&input, &input_name)?;
    if requests.len() != 1 {
        return Err(CliError::plain(format!(
            "k8s-sign signs one CertificateSigningRequest at a time; the input holds {}",
            requests.len()
        )));
    }
    let request = requests.remove(0);
    let review = check_signable(&request, ctx.flags.allow_privileged).map_err(k8s_error)?;
    for finding in &review.findings {
        crate::warning!(
            "signing despite [{}] {} (-allow-privileged)",
            finding.check.id(),
            finding.reason
        );
    }
    let Some(object) = request.object.as_ref() else {
        return Err(k8s_error(cfssl_k8s::K8sError::NotAnObject));
    };
    require_ca_flags(ctx, "")?;
    let profile = ctx.flags.profile.clone();
    // The approved usages and the lifetime cap reach the signer as request overrides
    // (cfssl_k8s::sign::sign); the loaded policy is only checked here, never patched.
    let default_policy;
    let policy = match &ctx.config {
        Some(config) => config,
        None => {
            default_policy = cfssl_config::Config::default_policy();
            &default_policy
        }
    };
    check_signing_profile(policy, &profile, object).map_err(k8s_error)?;
    let signer = local_signer(ctx)?;
    signer
        .check_key()
        .inspect_err(|e| note_key_mismatch(ctx, e))?;
    let signed = sign(&request, &signer, &profile, now()).map_err(k8s_error)?;
    log_issued(&signed.issued);
    let mut text = serde_json::to_string_pretty(&signed.object).unwrap_or_default();
    text.push('\n');
    ctx.print(&text)
}
