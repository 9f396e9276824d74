//! `cfssl-rs k8s-csr -name NAME -signer SIGNER [-usages …] [-expiration 24h] [-json] CSR`
//! (cfssl-rs extension): a `certificates.k8s.io/v1` CertificateSigningRequest manifest for
//! a PEM CSR. The checks and defaults live in `cfssl_k8s::manifest`.

use cfssl_k8s::manifest::CsrManifest;
use cfssl_k8s::names::{parse_expiration, parse_usages};

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let csr_name = ctx.args.pop_only()?;
    let name = ctx.flags.name.clone();
    let signer = ctx.flags.signer.clone();
    if name.is_empty() {
        return Err(CliError::Usage(
            "k8s-csr needs the object's name (-name NAME)".into(),
        ));
    }
    if signer.is_empty() {
        return Err(CliError::Usage(
            "k8s-csr needs a signer (-signer), e.g. kubernetes.io/kube-apiserver-client".into(),
        ));
    }
    let usages = match ctx.flags.usages.as_str() {
        "" => None,
        list => Some(parse_usages(list)),
    };
    let expiration = match ctx.flags.expiration.as_str() {
        "" => None,
        text => Some(parse_expiration(text)?),
    };
    let csr_pem = ctx.read_input(&csr_name)?;
    let manifest = CsrManifest::new(&name, &signer, &csr_pem, usages, expiration)?;
    let text = if ctx.flags.json {
        manifest.to_json()
    } else {
        manifest.to_yaml()
    };
    ctx.print(&text)
}
