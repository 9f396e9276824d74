//! Lints over certificates and CRLs — the to-be-signed structure before a CA key signs it,
//! and signed files after — with RFC 5280 and CA/Browser Forum checks named like zlint's.
//!
//! Why our own linter: cfssl 1.6.5 runs zlint over every certificate before signing when a
//! profile sets `lint_error_level` (docs/cfssl-compat.md §5.17). cfssl-rs is pure Rust, so it
//! carries the checks itself. The names are zlint's wherever zlint has the check, so a
//! profile's `ignored_lints` written for cfssl keeps its meaning; the few checks zlint lacks
//! carry names of the same shape, listed in docs/cfssl-compat.md §5.17.
//!
//! Each lint is a small typed unit in a registry table ([`lints`]): a name, a [`Source`], a
//! [`Severity`], a citation and a check. Unlike zlint there is no effective-date machinery:
//! every lint applies to every certificate it can apply to, because cfssl-rs lints what it is
//! about to issue today.
//!
//! ```
//! use cfssl_lint::{LintPolicy, Severity};
//! // A policy at cfssl's "warn" level blocks error and fatal findings only.
//! let policy = LintPolicy { error_level: Severity::Warn.status(), ..LintPolicy::default() };
//! assert_eq!(policy.error_level, 5);
//! assert!(cfssl_lint::lint_names().any(|n| n == "e_serial_number_not_positive"));
//! ```
//!
//! The crate only reads DER: it never signs, prints or touches files.

#![forbid(unsafe_code)]

mod cert;
mod crl;
mod der_util;
mod registry;
mod zlint_names;

use std::fmt;

pub use registry::{Lint, Target, lints};

/// How bad a finding is, numbered as zlint's `LintStatus` (info = notice 4, warn 5, error 6,
/// fatal 7). Pass, NA and NE (1–3) are not findings, so they have no variant here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// zlint's Notice (4): worth knowing, not a fault.
    Info,
    /// A SHOULD or SHOULD NOT of the source is broken (5).
    Warn,
    /// A MUST or MUST NOT of the source is broken (6).
    Error,
    /// The structure the lint reads could not be decoded (7).
    Fatal,
}

impl Severity {
    /// zlint's numeric `LintStatus`, the unit of a profile's `lint_error_level`.
    pub fn status(self) -> u8 {
        match self {
            Severity::Info => 4,
            Severity::Warn => 5,
            Severity::Error => 6,
            Severity::Fatal => 7,
        }
    }

    /// The lower-case label zlint's JSON uses (`"warn"` …), as in `lint_error_level`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
            Severity::Fatal => "fatal",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The document a lint enforces, with zlint's source names (`lint.LintSource`), so that a
/// profile's `ignored_lint_sources` means the same as in cfssl.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// RFC 5280, the Internet X.509 profile.
    Rfc5280,
    /// RFC 5480, elliptic curve keys in certificates.
    Rfc5480,
    /// RFC 8813, key usages of ECDSA certificates.
    Rfc8813,
    /// The CA/Browser Forum Baseline Requirements.
    CabfBr,
    /// The Mozilla Root Store Policy.
    Mozilla,
    /// Community checks (AWS certlint and others) without a standard behind them.
    Community,
}

impl Source {
    /// zlint's name for the source (`"RFC5280"`, `"CABF_BR"` …).
    pub fn name(self) -> &'static str {
        match self {
            Source::Rfc5280 => "RFC5280",
            Source::Rfc5480 => "RFC5480",
            Source::Rfc8813 => "RFC8813",
            Source::CabfBr => "CABF_BR",
            Source::Mozilla => "Mozilla",
            Source::Community => "Community",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One lint that found a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The lint's name (`e_…`, `w_…`), zlint's where zlint has the check.
    pub lint: &'static str,
    /// How bad it is (usually the lint's own severity; `Fatal` when the lint could not
    /// decode what it reads).
    pub severity: Severity,
    /// The document the lint enforces.
    pub source: Source,
    /// Where the rule is written (`"RFC 5280 §4.2.1.9"`).
    pub citation: &'static str,
    /// What was found, in words.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.lint, self.citation, self.message)
    }
}

/// The input is not a certificate or CRL this crate can read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LintError {
    /// The DER does not decode as the expected structure.
    #[error("cannot decode the {what}: {reason}")]
    Decode {
        /// `"TBSCertificate"`, `"certificate"`, `"TBSCertList"` or `"CRL"`.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

/// Lints a to-be-signed certificate (RFC 5280 §4.1 `TBSCertificate`, DER): every lint that
/// reads only what the CA is about to sign. The ones that compare the outer signature
/// algorithm need [`lint_certificate`].
pub fn lint_tbs_certificate(tbs_der: &[u8]) -> Result<Vec<Finding>, LintError> {
    let cert = cert::Cert::from_tbs_der(tbs_der)?;
    Ok(registry::run_certificate(&cert, None))
}

/// Lints a signed certificate (RFC 5280 §4.1 `Certificate`, DER): the TBS lints and the ones
/// over the outer structure.
pub fn lint_certificate(cert_der: &[u8]) -> Result<Vec<Finding>, LintError> {
    let (cert, outer) = cert::Cert::from_certificate_der(cert_der)?;
    Ok(registry::run_certificate(&cert, Some(&outer)))
}

/// Lints a to-be-signed CRL (RFC 5280 §5.1 `TBSCertList`, DER).
pub fn lint_tbs_crl(tbs_der: &[u8]) -> Result<Vec<Finding>, LintError> {
    let crl = crl::Crl::from_tbs_der(tbs_der)?;
    Ok(registry::run_crl(&crl))
}

/// Lints a signed CRL (RFC 5280 §5.1 `CertificateList`, DER).
pub fn lint_crl(crl_der: &[u8]) -> Result<Vec<Finding>, LintError> {
    let crl = crl::Crl::from_crl_der(crl_der)?;
    Ok(registry::run_crl(&crl))
}

/// The names of every lint in the registry, certificate and CRL lints alike: what a
/// profile's `ignored_lints` may name.
pub fn lint_names() -> impl Iterator<Item = &'static str> {
    lints().iter().map(|l| l.name)
}

/// True when `name` (trimmed) may appear in a profile's `ignored_lints`: a lint of this
/// registry, or one of zlint v3.5's (the zlint cfssl 1.6.5 uses), so that a configuration
/// written for cfssl keeps loading. Ignoring a zlint lint cfssl-rs does not run changes
/// nothing. Any other name is refused, as zlint refuses it.
pub fn is_known_lint_name(name: &str) -> bool {
    let name = name.trim();
    lint_names().any(|n| n == name) || zlint_names::ZLINT_V3_5_NAMES.contains(&name)
}

/// A signing profile's lint settings (cfssl's `lint_error_level`, `ignored_lints`,
/// `ignored_lint_sources`; docs/cfssl-compat.md §5.17).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintPolicy {
    /// zlint `LintStatus` number: findings *above* it block signing; 0 turns linting off.
    pub error_level: u8,
    /// Lint names whose findings never block (trimmed, as zlint trims them).
    pub ignored_lints: Vec<String>,
    /// Source names (`"CABF_BR"` …) whose lints never block (trimmed).
    pub ignored_sources: Vec<String>,
}

impl LintPolicy {
    /// The findings that block signing under this policy. cfssl refuses when a result's status
    /// is strictly greater than `lint_error_level` (so `"warn"` blocks error and fatal) and
    /// runs no lint that `ignored_lints`/`ignored_lint_sources` filtered out; a level of 0
    /// ("reserved") lints nothing.
    pub fn blocking<'a>(&self, findings: &'a [Finding]) -> Vec<&'a Finding> {
        if self.error_level == 0 {
            return Vec::new();
        }
        findings
            .iter()
            .filter(|f| f.severity.status() > self.error_level)
            .filter(|f| !self.ignored_lints.iter().any(|n| n.trim() == f.lint))
            .filter(|f| {
                !self
                    .ignored_sources
                    .iter()
                    .any(|s| s.trim() == f.source.name())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(lint: &'static str, severity: Severity, source: Source) -> Finding {
        Finding {
            lint,
            severity,
            source,
            citation: "x",
            message: String::new(),
        }
    }

    #[test]
    fn severities_are_zlint_statuses() {
        assert_eq!(
            [
                Severity::Info,
                Severity::Warn,
                Severity::Error,
                Severity::Fatal
            ]
            .map(|s| s.status()),
            [4, 5, 6, 7]
        );
        assert_eq!(Severity::Warn.label(), "warn");
    }

    #[test]
    fn policy_blocks_strictly_above_the_level() {
        let f = [
            finding("w_a", Severity::Warn, Source::Rfc5280),
            finding("e_b", Severity::Error, Source::Rfc5280),
            finding("e_c", Severity::Error, Source::CabfBr),
        ];
        let names = |p: &LintPolicy| p.blocking(&f).iter().map(|f| f.lint).collect::<Vec<_>>();
        assert!(names(&LintPolicy::default()).is_empty());
        let warn = LintPolicy {
            error_level: 5,
            ..LintPolicy::default()
        };
        assert_eq!(names(&warn), ["e_b", "e_c"]);
        let info = LintPolicy {
            error_level: 4,
            ..LintPolicy::default()
        };
        assert_eq!(names(&info), ["w_a", "e_b", "e_c"]);
        let ignoring = LintPolicy {
            error_level: 4,
            ignored_lints: vec![" e_b ".into()],
            ignored_sources: vec!["CABF_BR".into()],
        };
        assert_eq!(names(&ignoring), ["w_a"]);
        let fatal = LintPolicy {
            error_level: 7,
            ..LintPolicy::default()
        };
        assert!(names(&fatal).is_empty());
    }

    #[test]
    fn lint_names_are_unique_and_shaped_like_zlint() {
        let mut names: Vec<_> = lint_names().collect();
        assert!(names.len() > 50, "{}", names.len());
        for n in &names {
            assert!(
                n.starts_with("e_") || n.starts_with("w_") || n.starts_with("n_"),
                "{n}"
            );
        }
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn zlint_names_are_known_too() {
        assert!(is_known_lint_name("e_sub_cert_aia_missing"));
        assert!(is_known_lint_name(" e_serial_number_not_positive "));
        assert!(is_known_lint_name("e_crl_version_not_2"));
        assert!(!is_known_lint_name("e_no_such_lint"));
        assert!(!is_known_lint_name(""));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [&b""[..], b"\x30", b"\x30\x03\x02\x01\x01", b"hello"] {
            assert!(lint_tbs_certificate(input).is_err());
            assert!(lint_certificate(input).is_err());
            assert!(lint_tbs_crl(input).is_err());
            assert!(lint_crl(input).is_err());
        }
    }
}
