//! `cfssl-rs certinfo -cert FILE | -csr FILE` (docs/cfssl-compat.md §1.7.6): what a certificate or a
//! CSR holds, as cfssl's JSON; `-db-config -serial -aki` shows a recorded certificate.
//! `-domain` needs the network and is refused with a clear message (cfssl-rs is offline).

use cfssl_certinfo::{certificate_json, csr_json};
use cfssl_signer::ParsedCertificate;

use super::support::{in_input, open_db};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let cert = ctx.flags.cert.clone();
    let csr = ctx.flags.csr.clone();
    if !cert.is_empty() {
        let bytes = if cert == "-" {
            ctx.read_input("-")?
        } else {
            super::read_file(&cert)?
        };
        let parsed = ParsedCertificate::from_pem(&bytes)
            .map_err(CliError::from)
            .map_err(in_input("the certificate", &cert))?;
        let json = certificate_json(&parsed).to_indented("  ");
        return ctx.print(&format!("{json}\n"));
    }
    if !csr.is_empty() {
        let bytes = if csr == "-" {
            ctx.read_input("-")?
        } else {
            super::read_file(&csr)?
        };
        let json = csr_json(&bytes)
            .map_err(CliError::from)
            .map_err(in_input("the certificate request", &csr))?
            .to_indented("  ");
        return ctx.print(&format!("{json}\n"));
    }
    if !ctx.flags.domain.is_empty() {
        return Err(CliError::plain(
            "certinfo -domain needs the network; cfssl-rs works offline. Fetch the certificate \
             (e.g. `openssl s_client -connect host:443 </dev/null | openssl x509 > cert.pem`) \
             and use -cert",
        ));
    }
    if !ctx.flags.serial.is_empty() {
        // docs/cfssl-lifecycle.md §6: the row's PEM, shown like -cert.
        let Some(mut db) = open_db(ctx)? else {
            return Err(CliError::plain(
                "need DB config file (provide with -db-config)",
            ));
        };
        let row =
            cfssl_ca::revocation::stored_certificate(&mut db, &ctx.flags.serial, &ctx.flags.aki)?;
        let parsed = ParsedCertificate::from_pem(row.pem.as_bytes())?;
        let json = certificate_json(&parsed).to_indented("  ");
        return ctx.print(&format!("{json}\n"));
    }
    Err(CliError::plain(
        "Must specify certinfo target through -cert, -csr, -domain or -serial + -aki",
    ))
}
