//! `cfssl-rs k8s-review [-json] CSR-OBJECT|CSR` (cfssl-rs extension): the identity a
//! Kubernetes CertificateSigningRequest asks for, and what a careful approver must refuse
//! (`cfssl_k8s::review`). Exit status 0 when clean, 2 when anything is flagged.

use cfssl_k8s::review::review;

use super::support::read_requests_from;
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let input_name = ctx.args.pop_only()?;
    let input = ctx.read_input(&input_name)?;
    let requests = read_requests_from(&input, &input_name)?;
    let reviews: Vec<_> = requests.iter().map(review).collect();
    let text = if ctx.flags.json {
        let values: Vec<_> = reviews.iter().map(|r| r.to_value()).collect();
        // One request: one object; a List: an array.
        let value = match <[serde_json::Value; 1]>::try_from(values) {
            Ok([one]) => one,
            Err(many) => serde_json::Value::Array(many),
        };
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    } else {
        reviews
            .iter()
            .map(|r| r.to_text())
            .collect::<Vec<_>>()
            .join("\n")
    };
    ctx.print(&text)?;
    let flagged: Vec<String> = reviews
        .iter()
        .filter(|r| r.is_flagged())
        .map(|r| r.name.clone().unwrap_or_else(|| "the request".into()))
        .collect();
    if flagged.is_empty() {
        return Ok(());
    }
    Err(CliError::Flagged(format!(
        "flagged: {} (do not approve without a good reason)",
        flagged.join(", ")
    )))
}
