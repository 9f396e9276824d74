//! `cfssl-rs sign [-ca -ca-key -config -profile -hostname] CSR [SUBJECT]`
//! (docs/cfssl-compat.md §1.7.2): a certificate for an existing PKCS#10 request, signed
//! here or, with `-remote` or a remote profile, by a cfssl server (docs/cfssl-lifecycle.md §9).

use cfssl_ca::{CaError, CsrInput, SignRequest};
use cfssl_signer::SubjectOverride;

use cfssl_api::sign::WireSignRequest;

use super::remote::{self, RemoteRoute};
use super::support::{
    CliLog, in_input, local_signer, note_key_mismatch, now, open_db, record_issued,
};
use super::{CliError, Context, read_file};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let batch = ctx.flags.batch.clone();
    if !batch.is_empty() {
        if !ctx.flags.remote.trim().is_empty() {
            return Err(CliError::plain(
                "-batch signs with a local CA; -remote sends one CSR per command (run sign \
                 -remote once per CSR)",
            ));
        }
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
    let subject_json = match subject_file {
        Some(path) => Some(read_file(&path)?),
        None => None,
    };
    let subject = match &subject_json {
        Some(json) => Some(SubjectOverride::from_json(json)?),
        None => None,
    };
    let csr_pem = ctx.read_input(&csr_name)?;
    if let Some(route) = remote::route(ctx, &ctx.flags.profile)? {
        return sign_remotely(ctx, &route, csr_pem, subject_json.as_deref());
    }
    remote::refuse_remote_only_flags(ctx, "the certificate")?;
    refuse_label_without_record(ctx)?;
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

/// `sign -remote` (docs/cfssl-lifecycle.md §9.3): the CSR as cfssl's client sends it, to
/// `sign`, or wrapped with a token to `authsign` for an `auth_remote` profile; the same
/// `{"cert","csr"}` line as a local signature.
fn sign_remotely(
    ctx: &mut Context<'_>,
    route: &RemoteRoute,
    csr_pem: Vec<u8>,
    subject_json: Option<&[u8]>,
) -> Result<(), CliError> {
    remote::refuse_local_only_flags(ctx)?;
    // The SUBJECT file was checked above; it travels as compact JSON (the server reads it
    // with Go's rules, as it would read cfssl's re-marshalled copy).
    let subject = match subject_json {
        Some(json) => Some(cfssl_json::parse(json).map_err(|e| CliError::plain(e.to_string()))?),
        None => None,
    };
    let csr_text = String::from_utf8_lossy(&csr_pem).into_owned();
    let request = WireSignRequest {
        hosts: cfssl_cli::resolve::hostnames(&ctx.flags)?,
        certificate_request: csr_text.clone(),
        subject,
        profile: ctx.flags.profile.clone(),
        label: ctx.flags.label.clone(),
        ..WireSignRequest::default()
    };
    let client = remote::connect(ctx, &route.servers)?;
    let certificate = client
        .sign(
            &request,
            route.auth_key.as_ref().map(|key| key.as_slice()),
            remote::unix_now(),
            &mut remote::log_note,
        )
        .map_err(remote::remote_error)?;
    let line = cfssl_output::CertOutput {
        cert: Some(certificate),
        csr: Some(csr_text),
        key: None,
    }
    .to_json_line();
    ctx.print(&line)
}

/// `-label` names the CA on a multi-root server, or the CA label of a `-db-config` row; a
/// local signature without a database has neither, and cfssl would ignore it.
pub fn refuse_label_without_record(ctx: &Context<'_>) -> Result<(), CliError> {
    if ctx.flags.label.is_empty() || !ctx.flags.db_config.is_empty() {
        return Ok(());
    }
    Err(CliError::plain(
        "-label picks the CA on a remote multi-root server (with -remote) or is the CA label \
         recorded with -db-config; this certificate is signed locally without a database, \
         so drop -label",
    ))
}
