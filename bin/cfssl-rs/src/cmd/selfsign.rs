//! `cfssl-rs selfsign HOSTNAME CSRJSON` (docs/cfssl-compat.md §1.7.5): a new key and a certificate
//! signed by itself. As in cfssl, HOSTNAME is required but the SANs come from the request's
//! `hosts`.

use cfssl_config::Config;
use cfssl_signer::selfsign;

use super::gencert::log_issued;
use super::support::{key_and_csr, now, print_output, read_request};
use super::{CliError, Command, Context};
use crate::usage;

/// The `selfsign` command.
pub static COMMAND: Command = Command {
    name: "selfsign",
    help: &usage::SELFSIGN,
    run,
};

/// cfssl's warning banner, printed on stderr after the certificate is made.
const BANNER: &str = "*** WARNING ***

Self-signed certificates are dangerous. Use this self-signed
certificate at your own risk.

It is strongly recommended that these certificates NOT be used
in production.

*** WARNING ***

";

fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if ctx.flags.get_str("hostname").is_empty() && !ctx.flags.get_bool("initca") {
        // cfssl pops HOSTNAME and never uses it.
        ctx.pop_positional()?;
    }
    let name = ctx.pop_positional()?;
    ctx.reject_extra_positionals()?;
    let request = read_request(ctx, &name)?;
    crate::info!("generate received request");
    let (key, csr) = key_and_csr(&request)?;
    let (policy, default_expiry) = match &ctx.config {
        Some(config) => (config.clone(), config.signing.default.expiry),
        None => {
            let mut config = Config::default_policy();
            config.signing.default.expiry = "2190h"
                .parse()
                .map_err(|_| CliError::plain("internal error: default selfsign expiry"))?;
            let expiry = config.signing.default.expiry;
            (config, expiry)
        }
    };
    let profile_name = ctx.flags.get_str("profile");
    let profile = policy.profile(profile_name)?;
    let issued = selfsign::sign(
        &csr.verified()?,
        &key,
        profile,
        profile_name,
        default_expiry,
        now(),
    )?;
    log_issued(&issued);
    eprint!("{BANNER}");
    print_output(ctx, Some(issued.pem), Some(csr.pem), Some(&key))
}
