//! `cfssl-rs sign [-ca -ca-key -config -profile -hostname] CSR [SUBJECT]`
//! (docs/cfssl-compat.md §1.7.2): a certificate for an existing PKCS#10 request.

use cfssl_ca::{CaError, CsrInput, SignRequest};
use cfssl_signer::SubjectOverride;

use super::support::{
    CliLog, in_input, local_signer, note_key_mismatch, now, open_db, record_issued,
};
use super::{CliError, Context, read_file};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let batch = ctx.flags.batch.clone();
    if !batch.is_empty() {
        return super::sign_batch::run(ctx, &batch);
    }
    let csr_flag = ctx.flags.csr.clone();
    let csr_name = if csr_flag.is_empty() {
        ctx.args.pop()?
    } else {
        csr_flag
    };
    let subject_file = ctx.args.pop_optional();
    ctx.args.reject_extra()?;
    let subject = match subject_file {
        Some(path) => Some(SubjectOverride::from_json(&read_file(&path)?)?),
        None => None,
    };
    let csr_pem = ctx.read_input(&csr_name)?;
    cfssl_cli::resolve::require_ca(&ctx.flags, ctx.config.is_some(), "")?;
    let signer = local_signer(ctx)?;
    let mut db = open_db(ctx)?;
    let request = SignRequest {
        csr: CsrInput::Pem(csr_pem.clone()),
        hosts: cfssl_cli::resolve::hostnames(&ctx.flags)?,
        subject,
        profile: ctx.flags.profile.clone(),
        ..SignRequest::default()
    };
    let issued = cfssl_ca::sign(&signer, &request, now(), &mut CliLog).map_err(|e| {
        let about_csr = matches!(e, CaError::Sign(cfssl_signer::SignError::Csr(_)));
        if let CaError::Sign(e) = &e {
            note_key_mismatch(ctx, e);
        }
        let e = CliError::from(e);
        if about_csr {
            in_input("the certificate request", &csr_name)(e)
        } else {
            e
        }
    })?;
    record_issued(ctx, db.as_mut(), &[&issued])?;
    // cfssl echoes the CSR input verbatim as "csr" (docs/cfssl-compat.md §1.7.2 step 6).
    let csr_text = String::from_utf8_lossy(&csr_pem).into_owned();
    let line = cfssl_output::CertOutput {
        cert: Some(issued.pem),
        csr: Some(csr_text),
        key: None,
    }
    .to_json_line();
    ctx.print(&line)
}
