//! `cfssl-rs selfsign HOSTNAME CSRJSON` (docs/cfssl-compat.md §1.7.5): a new key and a certificate
//! signed by itself. As in cfssl, HOSTNAME is required but the SANs come from the request's
//! `hosts`.

use cfssl_ca::SelfSign;

use super::support::{CliLog, now, print_output, read_request};
use super::{CliError, Context};

/// cfssl's warning banner, printed on stderr after the certificate is made.
const BANNER: &str = "*** WARNING ***

Self-signed certificates are dangerous. Use this self-signed
certificate at your own risk.

It is strongly recommended that these certificates NOT be used
in production.

*** WARNING ***

";

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if ctx.flags.hostname.is_empty() && !ctx.flags.initca {
        // cfssl pops HOSTNAME and never uses it.
        ctx.args.pop()?;
    }
    let name = ctx.args.pop()?;
    ctx.args.reject_extra()?;
    let input = SelfSign {
        request: read_request(ctx, &name)?,
        profile: ctx.flags.profile.clone(),
    };
    let made = cfssl_ca::selfsign(&input, ctx.config.as_ref(), now(), &mut CliLog)?;
    eprint!("{BANNER}");
    print_output(
        ctx,
        Some(made.certificate.pem),
        Some(made.csr_pem),
        Some(&made.key),
    )
}
