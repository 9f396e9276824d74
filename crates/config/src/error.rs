//! [`ConfigError`]: every way loading a configuration or choosing a profile can fail.

use std::path::PathBuf;

use crate::auth::AuthKeyError;
use crate::duration::DurationError;

/// cfssl's `PolicyError` category (5000) + `InvalidPolicy` reason (200) (docs/cfssl-compat.md §7.1).
const INVALID_POLICY: u32 = 5200;
/// cfssl's `PolicyError` + `UnknownProfile` (400): `Unknown policy profile`.
const UNKNOWN_PROFILE: u32 = 5400;

/// A configuration that cfssl (or, where noted, cfssl-rs) refuses.
///
/// `Display` is the bare message cfssl prints (docs/cfssl-compat.md §3.3.2), without the
/// `{"code":…,"message":…}` envelope; [`ConfigError::code`] gives the code for it. The
/// `profile` fields name the offending profile for callers (`""` is `signing.default`);
/// cfssl's messages do not, so they are not displayed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An empty configuration path.
    #[error("invalid path")]
    EmptyPath,
    /// The file could not be read.
    #[error("could not read configuration file")]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why it could not be read (cfssl does not show it).
        #[source]
        source: std::io::Error,
    },
    /// Go's `encoding/json` rejected the document: a syntax error, a type mismatch, or an
    /// error from a field's own decoder (OIDs, times, `lint_error_level`).
    #[error("failed to unmarshal configuration: {0}")]
    Json(String),
    /// No `signing` object (cfssl's one error without a code).
    #[error("No \"signing\" field present")]
    NoSigning,
    /// A `null` entry in `signing.profiles`.
    #[error("can't parse nil profile")]
    NilProfile {
        /// The profile name.
        profile: String,
    },
    /// A local profile without `expiry`.
    #[error("empty expiry string")]
    EmptyExpiry {
        /// The profile name.
        profile: String,
    },
    /// `expiry` or `backdate` is not a Go duration.
    #[error("{source}")]
    Duration {
        /// The profile name.
        profile: String,
        /// `"expiry"` or `"backdate"`.
        field: &'static str,
        /// Go's parse error.
        source: DurationError,
    },
    /// `not_after` is before `not_before`. cfssl panics here (docs/cfssl-compat.md §3.3.2 step 5);
    /// cfssl-rs reports it (docs/differences.md #9).
    #[error(
        "signing profile {}: not_after ({not_after}) is before not_before ({not_before})",
        profile_label(.profile)
    )]
    InvertedValidity {
        /// The profile name.
        profile: String,
        /// `not_before`, RFC 3339.
        not_before: String,
        /// `not_after`, RFC 3339.
        not_after: String,
    },
    /// A policy qualifier `Type` other than `""`, `id-qt-cps` and `id-qt-unotice`.
    #[error("invalid policy qualifier type")]
    PolicyQualifierType {
        /// The profile name.
        profile: String,
        /// The type given.
        qualifier_type: String,
    },
    /// An OID that Go's decoder accepts but that cannot be encoded in a certificate
    /// (one arc, a negative or huge arc, a first arc above 2, …). cfssl would fail later,
    /// when signing with the profile; cfssl-rs refuses it at load time.
    #[error("signing profile {}: {what} {oid} is not a valid object identifier", profile_label(.profile))]
    UnencodableOid {
        /// The profile name.
        profile: String,
        /// Which field: `policy ID` or `allowed extension`.
        what: &'static str,
        /// The OID as written (dotted).
        oid: String,
    },
    /// A profile with both `remote` and `auth_remote.remote`. cfssl also logs
    /// [`ConfigError::logged_error`] first.
    #[error("Invalid or unknown policy")]
    BothRemotes {
        /// The profile name.
        profile: String,
    },
    /// `remote` / `auth_remote.remote` names no (non-empty) entry of `remotes`.
    #[error("failed to find remote in remotes section")]
    UnknownRemote {
        /// The profile name.
        profile: String,
        /// The remote name.
        remote: String,
    },
    /// `auth_key` names no entry of `auth_keys`.
    #[error("failed to find auth_key in auth_keys section")]
    UnknownAuthKey {
        /// The profile name.
        profile: String,
        /// The key name.
        key: String,
    },
    /// `prev_auth_key` names no entry of `auth_keys`.
    #[error("failed to find prev_auth_key in auth_keys section")]
    UnknownPrevAuthKey {
        /// The profile name.
        profile: String,
        /// The key name.
        key: String,
    },
    /// `auth_remote.auth_key` names no entry of `auth_keys`.
    #[error("failed to find auth_remote's auth_key in auth_keys section")]
    UnknownAuthRemoteKey {
        /// The profile name.
        profile: String,
        /// The key name.
        key: String,
    },
    /// An `auth_keys` entry whose `type` is not `standard`.
    #[error("unknown authentication type")]
    UnknownAuthType {
        /// The profile name.
        profile: String,
        /// The type given.
        key_type: String,
    },
    /// An `auth_keys` key that does not resolve to hex (see [`crate::AuthKey`]).
    #[error("failed to create new standard auth provider")]
    BadAuthKey {
        /// The profile name.
        profile: String,
        /// Why (cfssl only logs it at debug level).
        #[source]
        source: AuthKeyError,
    },
    /// `name_whitelist` is not a valid regular expression.
    #[error("failed to compile name whitelist section")]
    NameWhitelist {
        /// The profile name.
        profile: String,
        /// The regex error.
        #[source]
        source: regex::Error,
    },
    /// An `ignored_lint_sources` entry zlint does not know.
    #[error("failed to build excluded lint source list: unknown source {}", cfssl_json::go_quote(.source_name))]
    UnknownLintSource {
        /// The profile name.
        profile: String,
        /// The entry as written.
        source_name: String,
    },
    /// An `ignored_lints` entry that names no lint (zlint's `Registry.Filter`; cfssl-rs knows
    /// cfssl-lint's lints, `cfssl-rs lint -list`).
    #[error("failed to build filtered lint registry: unknown lint name {}", cfssl_json::go_quote(.lint_name))]
    UnknownLint {
        /// The profile name.
        profile: String,
        /// The entry, trimmed (as zlint reports it).
        lint_name: String,
    },
    /// A profile fails cfssl's `Valid()` (a named local profile without a known usage, a
    /// default without expiry, an incomplete remote profile, …).
    #[error("invalid configuration")]
    Invalid {
        /// The profile name.
        profile: String,
        /// What is missing (cfssl only logs it at debug level).
        reason: &'static str,
    },
    /// An `issuer_urls`, `ocsp_url` or `crl_url` that cannot go into a certificate
    /// ([`crate::check_url`]). cfssl copies it as it is; cfssl-rs refuses it at load time.
    #[error("signing profile {}: {field} {} is not a usable URI: {reason}", profile_label(.profile), cfssl_json::go_quote(.url))]
    InvalidUrl {
        /// The profile name.
        profile: String,
        /// `issuer_urls`, `ocsp_url` or `crl_url`.
        field: &'static str,
        /// The URL as written.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting cfssl acts on but cfssl-rs does not implement (Certificate Transparency
    /// submission, a remote server set through Go's `RemoteServer`,
    /// a policy qualifier without `Type`). cfssl-rs refuses it at load time instead of
    /// issuing a certificate that ignores it.
    #[error("signing profile {}: {setting} is not supported: {reason}", profile_label(.profile))]
    Unsupported {
        /// The profile name.
        profile: String,
        /// The setting as written in the file (`ct_log_servers`).
        setting: &'static str,
        /// What cfssl would do with it, and that cfssl-rs does not.
        reason: &'static str,
    },
    /// A bad `name_constraints` (cfssl-rs extension); the reason names the field.
    #[error("signing profile {}: {reason}", profile_label(.profile))]
    NameConstraints {
        /// The profile name.
        profile: String,
        /// The field path and what is wrong with it.
        reason: String,
    },
    /// `-profile NAME` names no profile. cfssl silently falls back to `signing.default`;
    /// cfssl-rs refuses (docs/differences.md #4).
    #[error("unknown signing profile {} in the -config file; {}", cfssl_json::go_quote(.name), known_list(.known))]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The configured profile names, sorted.
        known: Vec<String>,
    },
}

fn profile_label(profile: &str) -> String {
    if profile.is_empty() {
        "default".to_string()
    } else {
        cfssl_json::go_quote(profile)
    }
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "it defines no profiles".to_string()
    } else {
        format!("known profiles: {}", known.join(", "))
    }
}

impl ConfigError {
    /// cfssl's error code, for the `{"code":…,"message":…}` envelope: 5200 for every
    /// policy error, 5400 for an unknown profile, `None` for the plain
    /// `No "signing" field present`.
    pub fn code(&self) -> Option<u32> {
        match self {
            ConfigError::NoSigning => None,
            ConfigError::UnknownProfile { .. } => Some(UNKNOWN_PROFILE),
            _ => Some(INVALID_POLICY),
        }
    }

    /// The line cfssl logs at ERROR level before returning this error, if any
    /// (`profile has both a remote and an auth remote specified`).
    pub fn logged_error(&self) -> Option<&'static str> {
        match self {
            ConfigError::BothRemotes { .. } => {
                Some("profile has both a remote and an auth remote specified")
            }
            _ => None,
        }
    }
}
