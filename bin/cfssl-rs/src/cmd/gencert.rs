//! `cfssl-rs gencert` (docs/cfssl-compat.md §1.7.1): a new root (`-initca`), a re-keyed root
//! (`-initca -ca-key`), a renewed root (`-renewca`), or a key plus a certificate signed by
//! `-ca` under a profile.

use cfssl_csr::{CertificateRequest, CsrError};
use cfssl_signer::{CsrInput, Issued, SignRequest, initca};

use super::support::{
    hostname_override, in_input, key_and_csr, load_ca_cert, load_key, local_signer, make_csr,
    note_key_mismatch, now, print_output, read_request, require_ca_flags,
};
use super::{CliError, Command, Context};
use crate::usage;

/// The `gencert` command.
pub static COMMAND: Command = Command {
    name: "gencert",
    help: &usage::GENCERT,
    run,
};

/// cfssl's `CSRNoHostMessage`.
const NO_HOSTS_WARNING: &str =
    "This certificate lacks a \"hosts\" field. This makes it unsuitable for
websites. For more information see the Baseline Requirements for the Issuance and Management
of Publicly-Trusted Certificates, v.1.1.6, from the CA/Browser Forum (https://cabforum.org);
specifically, section 10.2.3 (\"Information Requirements\").";

fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if ctx.flags.get_bool("renewca") {
        return renew_ca(ctx);
    }
    let name = ctx.pop_one_positional()?;
    let mut request = read_request(ctx, &name)?;
    if ctx.flags.get_bool("initca") {
        if !ctx.flags.get_str("ca").is_empty() {
            // docs/differences.md #6: cfssl ignores -ca here and silently makes a new root.
            return Err(CliError::plain(
                "gencert -initca makes a self-signed root and does not use -ca. To make an \
                 intermediate CA: `cfssl-rs genkey int-csr.json | cfssljson-rs -bare int`, then \
                 `cfssl-rs sign -ca ca.pem -ca-key ca-key.pem -config config.json -profile \
                 <profile with ca_constraint.is_ca> int.csr | cfssljson-rs -bare int`. To re-key \
                 a root with an existing key, drop -ca and keep -ca-key.",
            ));
        }
        let ca_key = ctx.flags.get_str("ca-key").to_owned();
        if !ca_key.is_empty() {
            return rekey_root(ctx, &request, &ca_key);
        }
        crate::info!("generating a new CA key and certificate from CSR");
        return init_ca(ctx, &request);
    }
    if request.ca.is_some() {
        return Err(CsrError::CaNotPermitted.into());
    }
    let hosts = hostname_override(ctx)?;
    if let Some(h) = &hosts {
        request.hosts = h.clone();
    }
    require_ca_flags(ctx, "a ")?;
    crate::info!("generate received request");
    let (key, csr) = key_and_csr(&request).map_err(in_input("the request", &name))?;
    let signer = local_signer(ctx)?;
    let crl = ctx.flags.get_str("crl");
    let issued = signer
        .sign(
            &SignRequest {
                csr: CsrInput::Verified(Box::new(csr.verified()?)),
                hosts,
                subject: None,
                profile: ctx.flags.get_str("profile").to_owned(),
                crl_override: (!crl.is_empty()).then(|| crl.to_owned()),
                max_lifetime: None,
                usages: None,
            },
            now(),
        )
        .inspect_err(|e| note_key_mismatch(ctx, e))?;
    log_issued(&issued);
    if request.hosts.is_empty() {
        crate::warning!("{NO_HOSTS_WARNING}");
    }
    print_output(ctx, Some(issued.pem), Some(csr.pem), Some(&key))
}

/// Logs the warnings and the serial of a new certificate.
pub fn log_issued(issued: &Issued) {
    for w in &issued.warnings {
        crate::warning!("{w}");
    }
    crate::info!(
        "signed certificate with serial number {}",
        issued.serial_decimal
    );
}

/// cfssl's `initca.New`: key, CSR and self-signed root (`gencert -initca`, `genkey -initca`).
pub fn init_ca(ctx: &mut Context<'_>, request: &CertificateRequest) -> Result<(), CliError> {
    let policy = initca::ca_policy(request, true)?;
    for note in &policy.notes {
        crate::info!("{note}");
    }
    crate::info!("generate received request");
    if let Err(e) = request.validate_for_ca() {
        crate::warning!("invalid request: {}", CliError::from(e));
        let e = CliError::from(CsrError::MissingSubject);
        crate::error!("failed to process request: {e}");
        return Err(e);
    }
    let (key, csr) = key_and_csr(request).inspect_err(|e| {
        crate::error!("failed to process request: {e}");
    })?;
    let issued = initca::self_sign(&csr.verified()?, &key, &policy, now())?;
    log_issued(&issued);
    print_output(ctx, Some(issued.pem), Some(csr.pem), Some(&key))
}

/// `gencert -initca -ca-key KEY`: a new self-signed root for an existing key (docs/cfssl-compat.md §5.12).
fn rekey_root(
    ctx: &mut Context<'_>,
    request: &CertificateRequest,
    key_spec: &str,
) -> Result<(), CliError> {
    crate::info!("re-generate a CA certificate from CSR and CA key");
    let key = load_key(ctx, key_spec, "ca-key").inspect_err(|e| crate::error!("{e}"))?;
    let policy = initca::ca_policy(request, false)?;
    for note in &policy.notes {
        crate::info!("{note}");
    }
    let csr = make_csr(&key, request)?;
    let issued = initca::self_sign(&csr.verified()?, &key, &policy, now())?;
    log_issued(&issued);
    print_output(ctx, Some(issued.pem), Some(csr.pem), None)
}

/// `gencert -renewca -ca CERT -ca-key KEY` (docs/cfssl-compat.md §5.13).
fn renew_ca(ctx: &mut Context<'_>) -> Result<(), CliError> {
    crate::info!("re-generate a CA certificate from CA cert and key");
    let result = (|| {
        let cert = load_ca_cert(ctx.flags.get_str("ca"))?;
        let key = load_key(ctx, ctx.flags.get_str("ca-key"), "ca-key")?;
        let request = initca::renewal_request(&cert, &key)?;
        let policy = initca::ca_policy(&request, false)?;
        let csr = make_csr(&key, &request)?;
        Ok::<_, CliError>(initca::self_sign(&csr.verified()?, &key, &policy, now())?)
    })();
    let issued = result.inspect_err(|e| crate::error!("{e}"))?;
    log_issued(&issued);
    print_output(ctx, Some(issued.pem), None, None)
}
