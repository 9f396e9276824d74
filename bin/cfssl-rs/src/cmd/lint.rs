//! `cfssl-rs lint` (our extension): cfssl-lint's lints over certificate and CRL files, the
//! same lints a profile's `lint_error_level` applies before signing (docs/cfssl-compat.md
//! §5.17), so an operator can see what a profile would refuse and check files from elsewhere.
//!
//! Input: PEM (each CERTIFICATE and X509 CRL block linted in file order; any other block is
//! an error) or DER (a certificate, else a CRL). Output: one line per finding, or with
//! `-json` an array of objects; nothing for a clean file. Exit 1 when any finding is an
//! error or fatal, so the command can gate a pipeline.

use cfssl_lint::{Finding, LintError, Severity};
use serde_json::json;

use super::{CliError, Context};

/// What a document in the input is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Certificate,
    Crl,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Certificate => "certificate",
            Kind::Crl => "CRL",
        }
    }
}

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if ctx.flags.list {
        ctx.args.reject_extra()?;
        let listing = list(ctx.flags.json);
        return ctx.print(&listing);
    }
    let file = ctx
        .args
        .pop_only()
        .map_err(|_| CliError::Usage("lint needs one FILE (a certificate or CRL)".into()))?;
    let data = ctx.read_input(&file)?;
    let documents = documents(&data).map_err(|e| CliError::plain(format!("{file}: {e}")))?;

    let mut results = Vec::new();
    for (index, (kind, der)) in documents.iter().enumerate() {
        let findings = match kind {
            Kind::Certificate => cfssl_lint::lint_certificate(der),
            Kind::Crl => cfssl_lint::lint_crl(der),
        }
        .map_err(|e| CliError::plain(format!("{file}: block {}: {e}", index + 1)))?;
        results.push((index + 1, *kind, findings));
    }

    let report = if ctx.flags.json {
        json_report(&results)
    } else {
        text_report(&results)
    };
    ctx.print(&report)?;

    let failing = results
        .iter()
        .flat_map(|(_, _, f)| f)
        .filter(|f| f.severity >= Severity::Error)
        .count();
    if failing > 0 {
        return Err(CliError::plain(format!(
            "{file}: {failing} error or fatal finding{}",
            if failing == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// The DER documents in `data`: every CERTIFICATE / X509 CRL block of PEM text, or one DER
/// certificate or CRL.
fn documents(data: &[u8]) -> Result<Vec<(Kind, Vec<u8>)>, String> {
    if data.trim_ascii_start().starts_with(b"-----BEGIN") {
        let blocks = pem::parse_many(data).map_err(|e| format!("bad PEM: {e}"))?;
        if blocks.is_empty() {
            return Err("no PEM block".into());
        }
        return blocks
            .into_iter()
            .enumerate()
            .map(|(i, block)| match block.tag() {
                "CERTIFICATE" => Ok((Kind::Certificate, block.into_contents())),
                "X509 CRL" => Ok((Kind::Crl, block.into_contents())),
                other => Err(format!(
                    "PEM block {} is a {other}, not a CERTIFICATE or X509 CRL",
                    i + 1
                )),
            })
            .collect();
    }
    let as_certificate = cfssl_lint::lint_certificate(data);
    if as_certificate.is_ok() {
        return Ok(vec![(Kind::Certificate, data.to_vec())]);
    }
    if cfssl_lint::lint_crl(data).is_ok() {
        return Ok(vec![(Kind::Crl, data.to_vec())]);
    }
    let reason = match as_certificate {
        Err(LintError::Decode { reason, .. }) => reason,
        Ok(_) => String::new(),
    };
    Err(format!(
        "neither PEM nor a DER certificate or CRL ({reason})"
    ))
}

/// `error  e_name  citation  message`, with a heading per document when there are several.
fn text_report(results: &[(usize, Kind, Vec<Finding>)]) -> String {
    let mut out = String::new();
    for (block, kind, findings) in results {
        if results.len() > 1 && !findings.is_empty() {
            out.push_str(&format!("# block {block} ({})\n", kind.label()));
        }
        for f in findings {
            out.push_str(&format!(
                "{:<5}  {}  {}  {}\n",
                f.severity.label(),
                f.lint,
                f.citation,
                f.message
            ));
        }
    }
    out
}

fn json_report(results: &[(usize, Kind, Vec<Finding>)]) -> String {
    let items: Vec<serde_json::Value> = results
        .iter()
        .flat_map(|(block, _, findings)| {
            findings.iter().map(move |f| {
                json!({
                    "block": block,
                    "lint": f.lint,
                    "severity": f.severity.label(),
                    "source": f.source.name(),
                    "citation": f.citation,
                    "message": f.message,
                })
            })
        })
        .collect();
    format!("{}\n", serde_json::Value::Array(items))
}

/// `-list`: the registry, one lint per line (name, severity, source, target, citation).
fn list(as_json: bool) -> String {
    let lints = cfssl_lint::lints();
    if as_json {
        let items: Vec<serde_json::Value> = lints
            .iter()
            .map(|l| {
                json!({
                    "lint": l.name,
                    "severity": l.severity.label(),
                    "source": l.source.name(),
                    "target": l.target().label(),
                    "citation": l.citation,
                    "description": l.description,
                })
            })
            .collect();
        return format!("{}\n", serde_json::Value::Array(items));
    }
    lints
        .iter()
        .map(|l| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                l.name,
                l.severity.label(),
                l.source.name(),
                l.target().label(),
                l.citation
            )
        })
        .collect()
}
