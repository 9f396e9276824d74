//! `cfssl-rs gencsr -key KEY (CSRJSON | -cert CERT)` (docs/cfssl-compat.md §1.7.4): a CSR for an
//! existing key, from a request or from an existing certificate's subject and hosts.

use super::password::decode_key;
use super::support::in_input;
use cfssl_cli::resolve::KeyRole;
use cfssl_output::CertOutput;
use cfssl_signer::ParsedCertificate;
use cfssl_signer::initca::request_from_certificate;

use super::support::read_bytes_spec;
use super::support::{CliLog, read_request};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let key_spec = ctx.flags.key.clone();
    if key_spec.is_empty() {
        return Err(CliError::Usage(
            "private key file is required through '-key', please check with usage".into(),
        ));
    }
    let key_text = read_bytes_spec(&key_spec)?;
    let key = decode_key(ctx, &key_text, &key_spec, KeyRole::Other)
        .map_err(in_input("the private key", &key_spec))?;
    let cert_spec = ctx.flags.cert.clone();
    let mut request = if cert_spec.is_empty() {
        let name = ctx.args.pop_only()?;
        read_request(ctx, &name)?
    } else {
        if !ctx.args.is_empty() {
            return Err(CliError::Usage(
                "no argument is accepted with '-cert', please check with usage".into(),
            ));
        }
        let cert = ParsedCertificate::from_pem(&read_bytes_spec(&cert_spec)?)
            .map_err(CliError::from)
            .map_err(in_input("the certificate", &cert_spec))?;
        request_from_certificate(&cert)
    };
    if let Some(hosts) = cfssl_cli::resolve::hostnames(&ctx.flags)? {
        request.hosts = hosts;
    }
    let csr = cfssl_ca::csr_for_key(&key, &request, &mut CliLog)?;
    // cfssl echoes the key file verbatim (docs/cfssl-compat.md §1.7.4 step 5).
    let line = CertOutput {
        cert: None,
        csr: Some(csr.pem),
        key: Some(String::from_utf8_lossy(&key_text).into_owned()),
    }
    .to_json_line();
    ctx.print(&line)
}
