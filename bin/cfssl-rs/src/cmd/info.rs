//! `cfssl-rs info` (docs/cfssl-lifecycle.md §7.3 `info`, §9.3): the CA certificate a signer
//! uses and what one of its profiles grants, asked of a remote server (`-remote`) or read
//! from a local CA (`-config` and `-ca`). Prints cfssl's `{"certificate","usages","expiry"}`
//! without a trailing newline, as cfssl does.

use cfssl_api::info::{InfoRequest, InfoResponse};
use cfssl_signer::ParsedCertificate;

use super::remote;
use super::support::load_ca_cert;
use super::{CliError, Context};

/// cfssl's `info` text for a positional argument (with its final period).
const NO_ARGUMENTS: &str =
    "argument is provided but not defined; please refer to the usage by flag -h.";

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if !ctx.args.is_empty() {
        return Err(CliError::Usage(NO_ARGUMENTS.into()));
    }
    let profile = ctx.flags.profile.clone();
    let servers = if ctx.flags.remote.trim().is_empty() {
        if ctx.config.is_none() {
            return Err(CliError::plain(
                "Either -remote or -config must be given. Refer to cfssl info -h for usage.",
            ));
        }
        remote::route(ctx, &profile)?.map(|route| route.servers)
    } else {
        // cfssl asks the -remote server directly, whatever the config says.
        Some(ctx.flags.remote.trim().to_owned())
    };
    let response = match servers {
        Some(servers) => remote_info(ctx, &servers, &profile)?,
        None => local_info(ctx, &profile)?,
    };
    ctx.print(&response.to_json())
}

/// `info -remote`: the server's answer, whose certificate must parse (cfssl checks it).
fn remote_info(ctx: &Context<'_>, servers: &str, profile: &str) -> Result<InfoResponse, CliError> {
    let client = remote::connect(ctx, servers)?;
    let request = InfoRequest {
        label: ctx.flags.label.clone(),
        profile: profile.to_owned(),
    };
    let response = client
        .info(&request, &mut remote::log_note)
        .map_err(remote::remote_error)?;
    ParsedCertificate::from_pem(response.certificate.as_bytes()).map_err(|e| {
        crate::error!("the server's answer holds no usable CA certificate");
        CliError::from(e)
    })?;
    Ok(response)
}

/// `info -config -ca`: the local CA certificate and the profile. Only the certificate is
/// read; cfssl also loads the CA key, which `info` never uses (docs/differences.md #42).
fn local_info(ctx: &Context<'_>, profile: &str) -> Result<InfoResponse, CliError> {
    remote::refuse_remote_only_flags(ctx, "this profile")?;
    if !ctx.flags.label.is_empty() {
        return Err(CliError::plain(
            "-label picks the CA on a remote multi-root server; a local CA (-ca) has one \
             certificate, so drop -label",
        ));
    }
    if ctx.flags.ca.is_empty() {
        return Err(CliError::plain(
            "need CA certificate (provide one with -ca)",
        ));
    }
    let ca = load_ca_cert(&ctx.flags.ca)?;
    let policy = match &ctx.config {
        Some(config) => config,
        None => return Err(CliError::plain("info needs -config or -remote")),
    };
    let info = cfssl_ca::info(&ca, policy, profile)?;
    Ok(InfoResponse {
        certificate: info.certificate,
        usages: info.usages,
        expiry: info.expiry,
    })
}
