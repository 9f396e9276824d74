//! # cfssl-config: cfssl's signing configuration (`-config`)
//!
//! This crate reads the signing policy JSON that cfssl 1.6.5 takes with `-config`
//! (docs/cfssl-compat.md §3.3): a default profile and named profiles, each with usages, an expiry, CA
//! constraints, URLs, whitelists and policies; plus `auth_keys` and `remotes`. Loading
//! accepts and rejects exactly what cfssl does, with cfssl's messages, so the command line
//! can print `Failed to load config file: {"code":5200,"message":"empty expiry string"}`
//! from [`ConfigError::code`] and the error's `Display`.
//!
//! ```
//! use cfssl_config::{Config, GoDuration, KeyUsageBits};
//!
//! let config = Config::from_json(br#"{
//!     "signing": {
//!         "default": {"expiry": "168h"},
//!         "profiles": {
//!             "www": {"expiry": "8760h", "usages": ["signing", "key encipherment", "server auth"]}
//!         }
//!     }
//! }"#)?;
//! let www = config.profile("www")?;
//! assert_eq!(www.expiry, "8760h".parse::<GoDuration>()?);
//! assert_eq!(www.expiry.to_string(), "8760h0m0s");
//! let usages = www.usages();
//! assert!(usages.key_usage.contains(KeyUsageBits::DIGITAL_SIGNATURE));
//! assert_eq!(usages.ext_key_usages, [cfssl_config::eku::SERVER_AUTH]);
//!
//! // "" is the default profile; an unknown name is an error (docs/differences.md #4).
//! assert_eq!(config.profile("")?.expiry_text, "168h");
//! let err = config.profile("ww").unwrap_err();
//! assert_eq!(err.code(), Some(5400));
//! assert_eq!(err.to_string(), r#"unknown signing profile "ww" in the -config file; known profiles: www"#);
//!
//! // cfssl's messages, byte for byte.
//! let err = Config::from_json(br#"{"signing": {"profiles": {"x": {"usages": ["signing"]}}}}"#).unwrap_err();
//! assert_eq!((err.code(), err.to_string().as_str()), (Some(5200), "empty expiry string"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules (cfssl 1.6.5, docs/cfssl-compat.md §3.3 unless noted)
//!
//! * JSON is decoded with Go's `encoding/json` rules through `cfssl-json` (§3.0): keys
//!   match tags exactly, else case-insensitively (`"EXPIRY"` is `expiry`), unknown keys are
//!   ignored, the last duplicate wins. Go's untagged fields are settable by their Go names:
//!   `Policies`, `CSRWhitelist`, `ClientProvidesSerialNumbers`, and `Expiry`/`Backdate`
//!   (integer nanoseconds: `"Expiry": "1h"` is a type error, §3.3.1).
//! * `signing` is required (`No "signing" field present`, the one error without a code);
//!   without `signing.default`, cfssl's `DefaultConfig` is the default
//!   ([`Config::default_policy`]'s profile).
//! * Every local profile needs an `expiry` that Go's `time.ParseDuration` accepts
//!   ([`GoDuration`]); `backdate` likewise when present. A remote profile (`remote` or
//!   `auth_remote.remote`) needs its name in `remotes` and skips the local checks.
//! * `auth_key`, `prev_auth_key` and `auth_remote.auth_key` must name an `auth_keys` entry
//!   of type `standard` with a hex key (`env:VAR` / `file:PATH` resolved, [`AuthKey`]).
//! * Validation (`Valid()`): a named local profile needs at least one usage and not only
//!   unknown ones; the default needs a non-zero expiry (usages are not checked, so an
//!   expiry-only default loads and then fails to sign, §11 #25).
//! * Usage strings are exact and case-sensitive ([`Usage::from_name`], §3.3.4); unknown
//!   strings are collected and ignored; EKU duplicates are kept.
//! * Profiles are checked in document order (cfssl's is Go's random map order).
//!
//! Where cfssl-rs deliberately differs: inverted `not_before`/`not_after` is an error
//! instead of a Go panic (docs/differences.md #9); an unknown profile name is an error instead
//! of a silent fallback to the default (docs/differences.md #4); an OID a certificate cannot
//! carry is refused at load time instead of failing at signing; settings cfssl acts on that
//! cfssl-rs does not implement are refused by name ([`ConfigError::Unsupported`]):
//! in a local profile `ct_log_servers`, Go's `RemoteServer` and a policy qualifier without
//! `Type`. The lint settings (`lint_error_level`, `ignored_lints`, `ignored_lint_sources`)
//! are honoured with cfssl-lint's lints, named like zlint's; an `ignored_lints` name that
//! cfssl-lint does not know is refused as zlint refuses one it does not know.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod duration;
mod error;
mod gotime;
mod load;
pub mod multiroot;
mod name_constraints;
mod profile;
mod url;
mod usage;

use std::collections::BTreeMap;
use std::path::Path;

pub use auth::{AuthKey, AuthKeyError};
pub use duration::{DurationError, GoDuration};
pub use error::ConfigError;
pub use profile::{
    CaConstraint, CertificatePolicy, CsrWhitelist, IpRange, NameConstraints, NameSubtrees,
    PolicyQualifier, SigningProfile,
};
pub use url::check_url;
pub use usage::{KeyUsageBits, Usage, Usages, eku};

/// A loaded signing configuration (cfssl's `config.Config`).
#[derive(Debug, Clone)]
pub struct Config {
    /// `signing`: the default and named profiles.
    pub signing: Signing,
    /// `auth_keys`: HMAC keys by name.
    pub auth_keys: BTreeMap<String, AuthKey>,
    /// `remotes`: remote signer `host:port` by name.
    pub remotes: BTreeMap<String, String>,
    /// Warnings cfssl logs while loading (a remote profile that also has local settings).
    /// Libraries do not print; the command line shows them as `[WARNING] …`.
    pub warnings: Vec<String>,
}

/// `signing`: the signature policies (cfssl's `config.Signing`).
#[derive(Debug, Clone)]
pub struct Signing {
    /// `signing.default`, or cfssl's `DefaultConfig` when absent.
    pub default: SigningProfile,
    /// `signing.profiles` by name.
    pub profiles: BTreeMap<String, SigningProfile>,
}

/// The usages of cfssl's `DefaultConfig()`.
pub const DEFAULT_USAGES: [&str; 4] = ["signing", "key encipherment", "server auth", "client auth"];

/// cfssl's `DefaultConfig()`: usages signing, key encipherment, server auth, client auth;
/// expiry 8760h (docs/cfssl-compat.md §3.3.6).
fn default_profile() -> SigningProfile {
    SigningProfile {
        usages: DEFAULT_USAGES.map(String::from).to_vec(),
        builtin_usages: true,
        expiry: GoDuration::HOUR.saturating_mul(8760),
        expiry_text: "8760h".to_string(),
        ..SigningProfile::default()
    }
}

impl Config {
    /// cfssl's `LoadFile`: reads and loads a configuration file.
    ///
    /// An empty path is `invalid path`; an unreadable file is `could not read
    /// configuration file` (both code 5200, docs/cfssl-compat.md §3.3.2 step 1).
    pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
        if path.as_os_str().is_empty() {
            return Err(ConfigError::EmptyPath);
        }
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_json(&bytes)
    }

    /// cfssl's `LoadConfig`: decodes, populates and validates a configuration document
    /// (docs/cfssl-compat.md §3.3.2 steps 2–6).
    pub fn from_json(bytes: &[u8]) -> Result<Config, ConfigError> {
        load::load(bytes)
    }

    /// The policy used without `-config`: cfssl's `DefaultConfig()` as the default profile
    /// and no named profiles (docs/cfssl-compat.md §3.3.6).
    pub fn default_policy() -> Config {
        Config {
            signing: Signing {
                default: default_profile(),
                profiles: BTreeMap::new(),
            },
            auth_keys: BTreeMap::new(),
            remotes: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// The profile for `-profile NAME`: `""` is the default profile. An unknown name is
    /// [`ConfigError::UnknownProfile`] listing the known ones (docs/differences.md #4).
    pub fn profile(&self, name: &str) -> Result<&SigningProfile, ConfigError> {
        self.signing.profile(name)
    }
}

impl Signing {
    /// See [`Config::profile`].
    pub fn profile(&self, name: &str) -> Result<&SigningProfile, ConfigError> {
        if name.is_empty() {
            return Ok(&self.default);
        }
        self.profiles
            .get(name)
            .ok_or_else(|| ConfigError::UnknownProfile {
                name: name.to_string(),
                known: self.profiles.keys().cloned().collect(),
            })
    }
}
