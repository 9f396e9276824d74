//! Lint before sign: the to-be-signed certificate is linted (cfssl-lint, zlint's lint names)
//! before any key signs it, and a finding at warning level or above stops the ceremony
//! unless the file accepts that lint by name, with a reason (`ignored_lints`,
//! docs/ceremony.md "Lints"). A ceremony is stricter than a signing profile: it always
//! lints, and a warning stops it too, because a root or intermediate lives for decades.
//! Every call to the linter is in this module.

use cfssl_lint::{Finding, LintPolicy};

use crate::CeremonyError;
use crate::file::IgnoredLint;

/// zlint's Notice status: findings above it (warn, error, fatal) stop a ceremony.
const STOP_ABOVE_STATUS: u8 = 4;

/// Refuses an `ignored_lints` name the linter does not know: a misspelt name would accept
/// nothing while the file seems to accept something (as cfssl refuses unknown names in a
/// profile's `ignored_lints`).
pub fn check_names(ignored: &[IgnoredLint]) -> Result<(), String> {
    for (i, lint) in ignored.iter().enumerate() {
        if !cfssl_lint::lint_names().any(|name| name == lint.name) {
            return Err(format!(
                "ignored_lints[{i}].name: unknown lint {:?} (`cfssl-rs lint -list` lists them)",
                lint.name
            ));
        }
    }
    Ok(())
}

/// Lints `tbs_der`; returns every finding as a line for the operator (accepted ones with
/// their reason), or [`CeremonyError::Lint`] naming the findings that stop the step.
pub fn check(tbs_der: &[u8], ignored: &[IgnoredLint]) -> Result<Vec<String>, CeremonyError> {
    let findings = cfssl_lint::lint_tbs_certificate(tbs_der)
        .map_err(|e| CeremonyError::Lint(e.to_string()))?;
    judge(&findings, ignored)
}

/// [`check`] for a to-be-signed CRL (`TBSCertList` DER): the CRL lints, with the same rule.
pub fn check_crl(tbs_der: &[u8], ignored: &[IgnoredLint]) -> Result<Vec<String>, CeremonyError> {
    let findings =
        cfssl_lint::lint_tbs_crl(tbs_der).map_err(|e| CeremonyError::Lint(e.to_string()))?;
    judge(&findings, ignored)
}

/// The findings that stop a step, or every finding as a line for the operator.
fn judge(findings: &[Finding], ignored: &[IgnoredLint]) -> Result<Vec<String>, CeremonyError> {
    let policy = LintPolicy {
        error_level: STOP_ABOVE_STATUS,
        ignored_lints: ignored.iter().map(|l| l.name.clone()).collect(),
        ignored_sources: Vec::new(),
    };
    let blocking = policy.blocking(findings);
    if !blocking.is_empty() {
        let list: Vec<String> = blocking.iter().map(|f| describe(f)).collect();
        return Err(CeremonyError::Lint(format!(
            "nothing was signed: {}; fix the file, or, if the witnesses accept a finding, list it \
             under ignored_lints with the reason",
            list.join("; ")
        )));
    }
    if findings.is_empty() {
        return Ok(vec!["Lint: no findings".to_owned()]);
    }
    Ok(findings
        .iter()
        .map(|f| match ignored.iter().find(|l| l.name == f.lint) {
            Some(accepted) => format!("Lint: {} (accepted: {})", describe(f), accepted.reason),
            None => format!("Lint: {}", describe(f)),
        })
        .collect())
}

fn describe(f: &Finding) -> String {
    format!("{} {f}", f.severity.label())
}
