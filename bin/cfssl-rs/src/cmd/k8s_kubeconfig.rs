//! `cfssl-rs k8s-kubeconfig -cluster NAME -server URL -ca ca.pem -cert c.pem -key k.pem
//! -user NAME [-context NAME] [-json]` (cfssl-rs extension): a kubeconfig with embedded
//! credentials (`cfssl_k8s::kubeconfig`).

use cfssl_k8s::kubeconfig::{KubeconfigRequest, build};

use super::support::read_bytes_spec;
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    ctx.args.reject_extra()?;
    let f = &ctx.flags;
    for (flag, value) in [
        ("cluster", &f.cluster),
        ("server", &f.server),
        ("ca", &f.ca),
        ("cert", &f.cert),
        ("key", &f.key),
        ("user", &f.user),
    ] {
        if value.is_empty() {
            return Err(CliError::Usage(format!(
                "k8s-kubeconfig needs -{flag} (see cfssl-rs k8s-kubeconfig -h)"
            )));
        }
    }
    let ca_pem = read_bytes_spec(&ctx.flags.ca)?;
    let cert_pem = read_bytes_spec(&ctx.flags.cert)?;
    let key_pem = read_bytes_spec(&ctx.flags.key)?;
    let context = ctx.flags.context.as_str();
    let kubeconfig = build(&KubeconfigRequest {
        cluster: &ctx.flags.cluster,
        server: &ctx.flags.server,
        ca_pem: &ca_pem,
        user: &ctx.flags.user,
        cert_pem: &cert_pem,
        key_pem: &key_pem,
        context: (!context.is_empty()).then_some(context),
    })?;
    for warning in &kubeconfig.warnings {
        crate::warning!("{warning}");
    }
    let text = if ctx.flags.json {
        kubeconfig.to_json()
    } else {
        kubeconfig.to_yaml()
    };
    ctx.print(&text)
}
