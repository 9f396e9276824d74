//! `cfssl-rs k8s-csr -name NAME -signer SIGNER [-usages …] [-expiration 24h] [-json] CSR`
//! (cfssl-rs extension): a `certificates.k8s.io/v1` CertificateSigningRequest manifest for
//! a PEM CSR. The checks and defaults live in `cfssl_k8s::manifest`.

use cfssl_k8s::manifest::CsrManifest;
use cfssl_k8s::names::{parse_expiration, parse_usages};

use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let csr_name = ctx.pop_one_positional()?;
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
        text => Some(parse_expiration(text).map_err(k8s_error)?),
    };
    let csr_pem = ctx.read_input(&csr_name)?;
    let manifest =
        CsrManifest::new(&name, &signer, &csr_pem, usages, expiration).map_err(k8s_error)?;
    let text = if ctx.flags.json {
        manifest.to_json()
    } else {
        manifest.to_yaml()
    };
    ctx.print(&text)
}

/// A `cfssl_k8s` error as cfssl-rs prints it: cfssl's `{"code":…}` JSON when the CSR
/// parser or signer gave one, else the text.
pub fn k8s_error(e: cfssl_k8s::K8sError) -> CliError {
    if let cfssl_k8s::K8sError::Sign(sign_error) = e {
        return sign_error.into();
    }
    cfssl_cli::coded(e.code(), e.to_string())
}

/// The objects in the input of `k8s-review` / `k8s-sign`, with errors that name the file
/// (`-` is stdin): a decoding error says which input, a CSR error is preceded by an
/// `[ERROR] in …` line as other commands do.
pub fn read_requests_from(
    input: &[u8],
    input_name: &str,
) -> Result<Vec<cfssl_k8s::object::CsrRequest>, CliError> {
    use super::support::{display_name, in_input};
    use cfssl_k8s::K8sError;
    cfssl_k8s::object::read_requests(input).map_err(|e| match e {
        K8sError::Input(_) | K8sError::Yaml(_) => {
            CliError::plain(format!("{e} (in {})", display_name(input_name)))
        }
        other => in_input("CertificateSigningRequest input", input_name)(k8s_error(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::tests::run_command;

    #[test]
    fn needs_name_signer_and_one_csr() {
        let (r, out, _) = run_command(run, &["-signer", "example.com/x", "-"], b"");
        assert_eq!(
            r,
            Err(CliError::Usage(
                "k8s-csr needs the object's name (-name NAME)".into()
            ))
        );
        assert!(out.is_empty());
        let (r, _, _) = run_command(run, &["-name", "x", "-"], b"");
        assert!(matches!(r, Err(CliError::Usage(m)) if m.contains("-signer")));
        let (r, _, _) = run_command(run, &["-name", "x", "-signer", "a.b/c"], b"");
        assert_eq!(
            r,
            Err(CliError::Usage(super::super::NOT_ENOUGH_ARGUMENTS.into()))
        );
        let (r, _, _) = run_command(
            run,
            &["-name", "x", "-signer", "a.b/c", "-expiration", "5m", "-"],
            b"",
        );
        assert!(matches!(r, Err(CliError::Plain(m)) if m.contains("less than 600 seconds")));
        let (r, _, _) = run_command(run, &["-name", "x", "-signer", "a.b/c", "-"], b"junk");
        assert_eq!(r, Err(CliError::cfssl(9002, "CSR Decode failed")));
    }
}
