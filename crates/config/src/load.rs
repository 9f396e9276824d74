//! Loading: Go `encoding/json` decoding into cfssl's `config.Config`, then cfssl's
//! `populate` and `Valid` (docs/cfssl-compat.md §3.3.2).

use std::collections::BTreeMap;

use cfssl_json::de::RawJson;
use const_oid::ObjectIdentifier;
use serde::{Deserialize, Deserializer, de};
use time::OffsetDateTime;

use crate::auth::AuthKey;
use crate::duration::GoDuration;
use crate::error::ConfigError;
use crate::gotime::unmarshal_json_time;
use crate::name_constraints;
use crate::profile::{
    CaConstraint, CertificatePolicy, CsrWhitelist, PolicyQualifier, SigningProfile,
};
use crate::{Config, Signing};

/// `json.Unmarshal(data, &cfg)` with `cfg *config.Config`: the pointer makes Go print an
/// empty struct name in field errors (`Go struct field .signing.default.Expiry`).
const CONFIG_TYPE: &str = "*config.Config";

// The Go structs, written as `#[derive(Deserialize)]` types and decoded through
// `cfssl_json::from_value`, which supplies Go's key matching, `null` handling, error texts
// and error order: a type mismatch is recorded and decoding goes on, while an error from a
// field's own `UnmarshalJSON` (OID, time, lint level, regexp) stops it, so Go returns the
// first of the latter if any, else the first mismatch in the document. Field order is Go's
// declaration order: the first field equal to a key ignoring case takes it.

/// `config.Config` as decoded, before `populate`.
#[derive(Default, Deserialize)]
#[serde(rename = "config.Config", default)]
struct RawConfig {
    #[serde(deserialize_with = "cfssl_json::de::pointer")]
    signing: Option<RawSigning>,
    /// cfssl's `ocsp/config.Config`, decoded only for its type errors.
    #[serde(deserialize_with = "cfssl_json::de::pointer")]
    ocsp: Option<OcspConfig>,
    auth_keys: AuthKeys,
    remotes: Remotes,
}

#[derive(Default, Deserialize)]
#[serde(rename = "config.Signing", default)]
struct RawSigning {
    profiles: Profiles,
    #[serde(deserialize_with = "cfssl_json::de::pointer")]
    default: Option<RawProfile>,
}

/// The map types are named: a mismatch then does not stop decoding (see `cfssl_json::de`).
#[derive(Default, Deserialize)]
#[serde(rename = "map[string]*config.SigningProfile")]
struct Profiles(
    /// In document order; `None` is a `null` profile.
    #[serde(deserialize_with = "cfssl_json::de::ordered_map")]
    Vec<(String, Option<RawProfile>)>,
);

#[derive(Default, Deserialize)]
#[serde(rename = "map[string]config.AuthKey")]
struct AuthKeys(BTreeMap<String, AuthKey>);

#[derive(Default, Deserialize)]
#[serde(rename = "map[string]string")]
struct Remotes(BTreeMap<String, String>);

#[derive(Default, Deserialize)]
#[serde(rename = "config.Config", rename_all = "PascalCase", default)]
#[allow(dead_code)] // decoded for Go's type errors only
struct OcspConfig {
    #[serde(rename = "CACertFile")]
    ca_cert_file: String,
    responder_cert_file: String,
    key_file: String,
    interval: Nanos,
}

/// `config.SigningProfile` as decoded, in Go declaration order: tagged fields by tag,
/// untagged ones by Go name (settable too, and first in order wins a case-insensitive
/// match, so `"EXPIRY"` is `expiry` while `"Expiry"` is the `time.Duration` field;
/// docs/cfssl-compat.md §3.3.1).
#[derive(Default, Deserialize)]
#[serde(rename = "config.SigningProfile", default)]
struct RawProfile {
    usages: Option<Vec<String>>,
    issuer_urls: Option<Vec<String>>,
    ocsp_url: String,
    crl_url: String,
    ca_constraint: CaConstraint,
    ocsp_no_check: bool,
    expiry: String,
    backdate: String,
    auth_key: String,
    copy_extensions: bool,
    prev_auth_key: String,
    remote: String,
    not_before: GoTime,
    not_after: GoTime,
    name_whitelist: String,
    auth_remote: AuthRemote,
    ct_log_servers: Vec<String>,
    allowed_extensions: Vec<Oid>,
    cert_store: String,
    lint_error_level: LintLevel,
    ignored_lints: Vec<String>,
    ignored_lint_sources: Vec<String>,
    /// cfssl-rs's `name_constraints` (cfssl has no such key), kept as JSON text.
    name_constraints: RawText,
    #[serde(rename = "Policies")]
    policies: Vec<RawPolicy>,
    #[serde(rename = "Expiry")]
    expiry_nanos: Nanos,
    #[serde(rename = "Backdate")]
    backdate_nanos: Nanos,
    #[serde(rename = "Provider")]
    _provider: Provider,
    #[serde(rename = "PrevProvider")]
    _prev_provider: Provider,
    #[serde(rename = "RemoteProvider")]
    _remote_provider: Provider,
    /// Go's untagged `RemoteServer` as written (populate overwrites it for remote profiles).
    #[serde(rename = "RemoteServer")]
    remote_server: String,
    #[serde(rename = "RemoteCAs")]
    _remote_cas: Option<CertPool>,
    #[serde(rename = "ClientCert")]
    _client_cert: Option<Certificate>,
    #[serde(rename = "CSRWhitelist", deserialize_with = "cfssl_json::de::pointer")]
    csr_whitelist: Option<CsrWhitelist>,
    #[serde(rename = "NameWhitelist")]
    name_whitelist_regex: Regexp,
    #[serde(rename = "ExtensionWhitelist")]
    _extension_whitelist: ExtensionWhitelist,
    #[serde(rename = "ClientProvidesSerialNumbers")]
    client_provides_serial_numbers: bool,
    #[serde(rename = "LintRegistry")]
    _lint_registry: LintRegistry,
    /// `lint_error_level: null` is an error (zlint's `UnmarshalJSON` sees it).
    #[serde(rename = "$cfssl_json::de::keep_null_keys")]
    _keep_null_keys: (),
}

#[derive(Default, Deserialize)]
#[serde(rename = "config.AuthRemote", default)]
struct AuthRemote {
    remote: String,
    auth_key: String,
}

#[derive(Default, Deserialize)]
#[serde(rename = "config.CertificatePolicy", default)]
struct RawPolicy {
    #[serde(rename = "ID")]
    id: Oid,
    #[serde(rename = "Qualifiers")]
    qualifiers: Vec<RawQualifier>,
    /// `"ID": null` is an error (cfssl's `OID.UnmarshalJSON` sees it).
    #[serde(rename = "$cfssl_json::de::keep_null_keys")]
    _keep_null_keys: (),
}

#[derive(Default, Deserialize)]
#[serde(rename = "config.CertificatePolicyQualifier", default)]
struct RawQualifier {
    #[serde(rename = "Type")]
    qualifier_type: String,
    #[serde(rename = "Value")]
    value: String,
}

/// Go's `time.Duration` (an `int64` of nanoseconds).
#[derive(Default, Deserialize)]
#[serde(rename = "time.Duration")]
struct Nanos(i64);

/// Go interface fields with methods: only `null` decodes into them.
#[derive(Default, Deserialize)]
#[serde(rename = "auth.Provider")]
struct Provider;

#[derive(Default, Deserialize)]
#[serde(rename = "lint.Registry")]
struct LintRegistry;

/// Pointers to foreign structs cfssl never reads from JSON: any object is accepted.
#[derive(Deserialize)]
#[serde(rename = "x509.CertPool")]
struct CertPool {}

#[derive(Deserialize)]
#[serde(rename = "tls.Certificate")]
struct Certificate {}

#[derive(Default, Deserialize)]
#[serde(rename = "map[string]bool")]
struct ExtensionWhitelist(#[allow(dead_code)] BTreeMap<String, bool>);

/// A Go type with its own `UnmarshalJSON`: called with the JSON text of every value given
/// for the field, in order; its error stops decoding.
fn unmarshal_each<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    mut unmarshal: impl FnMut(&str) -> Result<T, String>,
) -> Result<Vec<T>, D::Error> {
    cfssl_json::de::every_value::<D, RawJson>(deserializer)?
        .iter()
        .map(|RawJson(text)| unmarshal(text).map_err(de::Error::custom))
        .collect()
}

/// A value kept as its JSON text (the last one given); `null` counts as absent.
#[derive(Default)]
struct RawText(Option<String>);

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let texts = unmarshal_each(deserializer, |text| Ok(text.to_string()))?;
        Ok(RawText(texts.into_iter().last().filter(|t| t != "null")))
    }
}

/// A `time.Time` field; Go's zero time is unset.
#[derive(Default)]
struct GoTime(Option<OffsetDateTime>);

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = None;
        for t in unmarshal_each(deserializer, unmarshal_json_time)?
            .into_iter()
            .flatten()
        {
            out = (t != go_zero_time()).then_some(t);
        }
        Ok(GoTime(out))
    }
}

/// zlint's `LintStatus`.
#[derive(Default)]
struct LintLevel(u8);

impl<'de> Deserialize<'de> for LintLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let levels = unmarshal_each(deserializer, lint_status_json)?;
        Ok(LintLevel(levels.last().copied().unwrap_or_default()))
    }
}

/// A Go `asn1.ObjectIdentifier` as cfssl's `OID.UnmarshalJSON` builds it (Go `int` arcs).
type GoOid = Vec<i64>;

/// cfssl's `config.OID`.
#[derive(Default)]
struct Oid(GoOid);

impl<'de> Deserialize<'de> for Oid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let oids = unmarshal_each(deserializer, parse_go_oid)?;
        Ok(Oid(oids.into_iter().last().unwrap_or_default()))
    }
}

/// Go's `*regexp.Regexp`, decoded from a string through `UnmarshalText` (Go ≥ 1.21):
/// each value is compiled, and a bad one stops decoding.
#[derive(Default)]
struct Regexp(Option<regex::Regex>);

impl<'de> Deserialize<'de> for Regexp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "*regexp.Regexp")]
        struct Named(
            #[serde(deserialize_with = "cfssl_json::de::every_value")] Vec<Option<String>>,
        );
        let mut out = None;
        for text in Named::deserialize(deserializer)?.0 {
            out = match text {
                None => None,
                Some(s) => Some(regex::Regex::new(&s).map_err(|_| {
                    de::Error::custom(format!(
                        "error parsing regexp: invalid regular expression: `{s}`"
                    ))
                })?),
            };
        }
        Ok(Regexp(out))
    }
}

/// zlint v3.5's lint sources (`lint.LintSource.FromString`, after trimming spaces).
const LINT_SOURCES: &[&str] = &[
    "RFC5280",
    "RFC5480",
    "RFC5891",
    "CABF_BR",
    "CABF_SMIME",
    "CABF_EV",
    "Mozilla",
    "Apple",
    "Community",
    "ETSI_ESI",
];

/// The warning cfssl logs for a remote profile that also carries local settings.
const SKIPPED_SETTINGS: &str = "The configuration value by \"usages\", \"issuer_urls\", \"ocsp_url\", \"crl_url\", \"ca_constraint\", \"expiry\", \"backdate\", \"not_before\", \"not_after\", \"cert_store\" and \"ct_log_servers\" are skipped";

/// `LoadConfig`: decode, populate every profile, validate.
pub(crate) fn load(bytes: &[u8]) -> Result<Config, ConfigError> {
    let value = cfssl_json::parse(bytes).map_err(|e| ConfigError::Json(e.to_string()))?;
    let raw: RawConfig = cfssl_json::from_value(&value, CONFIG_TYPE)
        .map_err(|e| ConfigError::Json(e.to_string()))?;
    let Some(signing) = &raw.signing else {
        return Err(ConfigError::NoSigning);
    };

    let default = match &signing.default {
        Some(profile) => populate(profile, "", &raw)?,
        None => crate::default_profile(),
    };
    let mut profiles = Vec::with_capacity(signing.profiles.0.len());
    for (name, profile) in &signing.profiles.0 {
        let Some(profile) = profile else {
            return Err(ConfigError::NilProfile {
                profile: name.clone(),
            });
        };
        profiles.push((name, profile, populate(profile, name, &raw)?));
    }

    if let Some(profile) = &signing.default {
        validate(profile, &default, true).map_err(|reason| ConfigError::Invalid {
            profile: String::new(),
            reason,
        })?;
    }
    for (name, raw_profile, profile) in &profiles {
        validate(raw_profile, profile, false).map_err(|reason| ConfigError::Invalid {
            profile: (*name).clone(),
            reason,
        })?;
    }

    if signing.default.is_some() {
        check_urls(&default, "")?;
    }
    for (name, _, profile) in &profiles {
        check_urls(profile, name)?;
    }

    // After cfssl's own checks, so that a config cfssl rejects gets cfssl's message.
    if let Some(profile) = &signing.default {
        check_supported(profile, &default, "")?;
    }
    for (name, raw_profile, profile) in &profiles {
        check_supported(raw_profile, profile, name)?;
    }

    let mut warnings = Vec::new();
    if let Some(profile) = &signing.default
        && default.is_remote()
        && has_local_config(profile)
    {
        warnings.push(format!(
            "default profile points to a remote signer: {SKIPPED_SETTINGS}"
        ));
    }
    for (name, raw_profile, profile) in &profiles {
        if profile.is_remote() && has_local_config(raw_profile) {
            warnings.push(format!(
                "Profiles[{name}] points to a remote signer: {SKIPPED_SETTINGS}"
            ));
        }
    }

    let profiles = profiles
        .into_iter()
        .map(|(name, _, profile)| (name.clone(), profile))
        .collect();
    Ok(Config {
        signing: Signing { default, profiles },
        auth_keys: raw.auth_keys.0,
        remotes: raw.remotes.0,
        warnings,
    })
}

/// Go's zero `time.Time`: January 1, year 1, 00:00:00 UTC (`IsZero`).
fn go_zero_time() -> OffsetDateTime {
    time::macros::datetime!(0001-01-01 0:00 UTC)
}

/// zlint's `LintStatus.UnmarshalJSON`: the raw JSON with every `"` removed must be a
/// status label.
fn lint_status_json(raw: &str) -> Result<u8, String> {
    Ok(match raw.replace('"', "").as_str() {
        "reserved" => 0,
        "NA" => 1,
        "NE" => 2,
        "pass" => 3,
        "info" => 4,
        "warn" => 5,
        "error" => 6,
        "fatal" => 7,
        _ => return Err(format!("bad LintStatus JSON value: {raw}")),
    })
}

/// cfssl's `OID.UnmarshalJSON` + `parseObjectIdentifier`.
fn parse_go_oid(raw: &str) -> Result<GoOid, String> {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return Err(format!("OID JSON string not wrapped in quotes.{raw}"));
    };
    // cfssl's check is the unanchored regexp `\d(\.\d+)*`: any ASCII digit passes.
    if !inner.bytes().any(|b| b.is_ascii_digit()) {
        return Err("Invalid OID".to_string());
    }
    inner.split('.').map(go_atoi).collect()
}

/// Go's `strconv.Atoi` (64-bit `int`), with its error texts.
fn go_atoi(s: &str) -> Result<i64, String> {
    let err = |what: &str| format!("strconv.Atoi: parsing {}: {what}", cfssl_json::go_quote(s));
    let (neg, digits) = match s.as_bytes() {
        [b'+', rest @ ..] => (false, rest),
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() {
        return Err(err("invalid syntax"));
    }
    let mut n: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(err("invalid syntax"));
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(c - b'0')))
            .ok_or_else(|| err("value out of range"))?;
    }
    if neg {
        0i64.checked_sub_unsigned(n)
            .ok_or_else(|| err("value out of range"))
    } else {
        i64::try_from(n).map_err(|_| err("value out of range"))
    }
}

/// A decoded OID as a certificate can carry it, if it can.
fn encodable_oid(oid: &[i64]) -> Option<ObjectIdentifier> {
    let arcs: Option<Vec<u32>> = oid.iter().map(|&a| u32::try_from(a).ok()).collect();
    ObjectIdentifier::from_arcs(arcs?).ok()
}

fn dotted(oid: &[i64]) -> String {
    oid.iter().map(i64::to_string).collect::<Vec<_>>().join(".")
}

/// Builds the "not in auth_keys" error for one of the three key references.
type UnknownKeyError = fn(String, String) -> ConfigError;

/// cfssl's `SigningProfile.populate` (docs/cfssl-compat.md §3.3.2 step 5), in cfssl's order of checks.
fn populate(raw: &RawProfile, name: &str, cfg: &RawConfig) -> Result<SigningProfile, ConfigError> {
    let profile = || name.to_string();
    let mut p = SigningProfile {
        usages: raw.usages.clone().unwrap_or_default(),
        // Written in the user's config, even when the list equals cfssl's default.
        builtin_usages: false,
        expiry: GoDuration(raw.expiry_nanos.0),
        expiry_text: raw.expiry.clone(),
        backdate: None,
        backdate_text: raw.backdate.clone(),
        not_before: raw.not_before.0,
        not_after: raw.not_after.0,
        ca_constraint: raw.ca_constraint,
        issuer_urls: raw.issuer_urls.clone(),
        ocsp_url: raw.ocsp_url.clone(),
        crl_url: raw.crl_url.clone(),
        ocsp_no_check: raw.ocsp_no_check,
        copy_extensions: raw.copy_extensions,
        name_whitelist: raw.name_whitelist_regex.0.clone(),
        allowed_extensions: Vec::new(),
        policies: Vec::new(),
        csr_whitelist: raw.csr_whitelist,
        client_provides_serial_numbers: raw.client_provides_serial_numbers,
        remote: None,
        remote_server: None,
        auth_key: non_empty(&raw.auth_key),
        prev_auth_key: non_empty(&raw.prev_auth_key),
        auth_remote_key: non_empty(&raw.auth_remote.auth_key),
        ct_log_servers: raw.ct_log_servers.clone(),
        lint_error_level: raw.lint_error_level.0,
        ignored_lints: raw.ignored_lints.clone(),
        ignored_lint_sources: raw.ignored_lint_sources.clone(),
        cert_store: raw.cert_store.clone(),
        name_constraints: None,
    };
    let mut backdate = raw.backdate_nanos.0;

    if raw.remote.is_empty() && raw.auth_remote.remote.is_empty() {
        if raw.expiry.is_empty() {
            return Err(ConfigError::EmptyExpiry { profile: profile() });
        }
        let duration = |field: &'static str| {
            move |source| ConfigError::Duration {
                profile: profile(),
                field,
                source,
            }
        };
        p.expiry = raw.expiry.parse().map_err(duration("expiry"))?;
        if !raw.backdate.is_empty() {
            backdate = raw
                .backdate
                .parse::<GoDuration>()
                .map_err(duration("backdate"))?
                .0;
        }
        if let (Some(not_before), Some(not_after)) = (raw.not_before.0, raw.not_after.0)
            && not_after < not_before
        {
            return Err(ConfigError::InvertedValidity {
                profile: profile(),
                not_before: rfc3339(not_before),
                not_after: rfc3339(not_after),
            });
        }
        for policy in &raw.policies {
            for RawQualifier { qualifier_type, .. } in &policy.qualifiers {
                if !matches!(qualifier_type.as_str(), "" | "id-qt-unotice" | "id-qt-cps") {
                    return Err(ConfigError::PolicyQualifierType {
                        profile: profile(),
                        qualifier_type: qualifier_type.clone(),
                    });
                }
            }
        }
    } else {
        if !raw.remote.is_empty() && !raw.auth_remote.remote.is_empty() {
            return Err(ConfigError::BothRemotes { profile: profile() });
        }
        let remote = if raw.remote.is_empty() {
            &raw.auth_remote.remote
        } else {
            &raw.remote
        };
        match cfg
            .remotes
            .0
            .get(remote)
            .filter(|server| !server.is_empty())
        {
            Some(server) => p.remote_server = Some(server.clone()),
            None => {
                return Err(ConfigError::UnknownRemote {
                    profile: profile(),
                    remote: remote.clone(),
                });
            }
        }
        p.remote = Some(remote.clone());
    }
    p.backdate = (backdate != 0).then_some(GoDuration(backdate));

    let keys: [(&String, UnknownKeyError); 3] = [
        (&raw.auth_key, |profile, key| ConfigError::UnknownAuthKey {
            profile,
            key,
        }),
        (&raw.prev_auth_key, |profile, key| {
            ConfigError::UnknownPrevAuthKey { profile, key }
        }),
        (&raw.auth_remote.auth_key, |profile, key| {
            ConfigError::UnknownAuthRemoteKey { profile, key }
        }),
    ];
    for (key_name, unknown) in keys {
        if key_name.is_empty() {
            continue;
        }
        let Some(key) = cfg.auth_keys.0.get(key_name.as_str()) else {
            return Err(unknown(profile(), key_name.clone()));
        };
        if key.key_type != "standard" {
            return Err(ConfigError::UnknownAuthType {
                profile: profile(),
                key_type: key.key_type.clone(),
            });
        }
        key.resolve().map_err(|source| ConfigError::BadAuthKey {
            profile: profile(),
            source,
        })?;
    }

    if !raw.name_whitelist.is_empty() {
        let re = regex::Regex::new(&raw.name_whitelist).map_err(|source| {
            ConfigError::NameWhitelist {
                profile: profile(),
                source,
            }
        })?;
        p.name_whitelist = Some(re);
    }

    for source_name in &raw.ignored_lint_sources {
        if !LINT_SOURCES.contains(&source_name.trim()) {
            return Err(ConfigError::UnknownLintSource {
                profile: profile(),
                source_name: source_name.clone(),
            });
        }
    }
    // zlint's `Registry.Filter` refuses a name it has no lint for; cfssl-rs knows its own
    // lints and zlint v3.5's (docs/cfssl-compat.md §5.17).
    for lint_name in &raw.ignored_lints {
        let trimmed = lint_name.trim();
        if !cfssl_lint::is_known_lint_name(trimmed) {
            return Err(ConfigError::UnknownLint {
                profile: profile(),
                lint_name: trimmed.to_owned(),
            });
        }
    }

    // cfssl-rs: OIDs a certificate cannot carry are refused now rather than at signing.
    for Oid(oid) in &raw.allowed_extensions {
        let encoded = encodable_oid(oid).ok_or_else(|| ConfigError::UnencodableOid {
            profile: profile(),
            what: "allowed extension",
            oid: dotted(oid),
        })?;
        p.allowed_extensions.push(encoded);
    }
    for policy in &raw.policies {
        let id = encodable_oid(&policy.id.0).ok_or_else(|| ConfigError::UnencodableOid {
            profile: profile(),
            what: "policy ID",
            oid: dotted(&policy.id.0),
        })?;
        let mut qualifiers = Vec::new();
        for RawQualifier {
            qualifier_type,
            value,
        } in &policy.qualifiers
        {
            match qualifier_type.as_str() {
                "id-qt-cps" => qualifiers.push(PolicyQualifier::Cps(value.clone())),
                "id-qt-unotice" => qualifiers.push(PolicyQualifier::UserNotice(value.clone())),
                // "" is refused by `check_supported` for a local profile; only a remote
                // profile (which never signs locally) gets here with another type.
                _ => {}
            }
        }
        p.policies.push(CertificatePolicy { id, qualifiers });
    }
    if let Some(text) = &raw.name_constraints.0 {
        let bad = |reason| ConfigError::NameConstraints {
            profile: profile(),
            reason,
        };
        let nc = name_constraints::parse(text).map_err(bad)?;
        // RFC 5280 §4.2.1.10: the extension "MUST be used only in a CA certificate".
        if !raw.ca_constraint.is_ca {
            return Err(bad(
                "name_constraints needs ca_constraint.is_ca: true (RFC 5280 allows it only in CA \
                 certificates)"
                    .to_string(),
            ));
        }
        p.name_constraints = Some(nc);
    }
    Ok(p)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// cfssl's `validProfile` (docs/cfssl-compat.md §3.3.2 step 6); the error says what is missing.
fn validate(raw: &RawProfile, p: &SigningProfile, is_default: bool) -> Result<(), &'static str> {
    if raw.auth_remote.remote.is_empty() && !raw.auth_remote.auth_key.is_empty() {
        return Err("auth_remote.auth_key without auth_remote.remote");
    }
    if !raw.remote.is_empty() {
        if p.remote_server.is_none() {
            return Err("remote profile without a remote server");
        }
        if !raw.auth_remote.remote.is_empty() {
            return Err("both remote and auth_remote.remote");
        }
    } else if !raw.auth_remote.remote.is_empty() {
        if p.remote_server.is_none() {
            return Err("auth_remote profile without a remote server");
        }
        if raw.auth_remote.auth_key.is_empty() {
            return Err("auth_remote profile without auth_remote.auth_key");
        }
    } else if is_default {
        if p.expiry.0 == 0 {
            return Err("default profile without a non-zero expiry");
        }
    } else if p.usages.is_empty() {
        return Err("profile without usages");
    } else if p.usages().unknown.len() == p.usages.len() {
        return Err("profile without a known usage");
    }
    Ok(())
}

/// The URLs a local profile writes into certificates must be URIs (crate::url module docs);
/// a remote profile's are ignored (cfssl warns, see [`SKIPPED_SETTINGS`]).
fn check_urls(p: &SigningProfile, name: &str) -> Result<(), ConfigError> {
    if p.is_remote() {
        return Ok(());
    }
    let urls = p
        .issuer_urls
        .iter()
        .flatten()
        .map(|u| ("issuer_urls", u))
        // "" means "not set" for these two (an empty issuer_urls entry is a real, empty URI).
        .chain(
            [("ocsp_url", &p.ocsp_url), ("crl_url", &p.crl_url)]
                .into_iter()
                .filter(|(_, u)| !u.is_empty()),
        );
    for (field, url) in urls {
        crate::check_url(url).map_err(|reason| ConfigError::InvalidUrl {
            profile: name.to_owned(),
            field,
            url: url.clone(),
            reason,
        })?;
    }
    Ok(())
}

/// Settings cfssl acts on and cfssl-rs does not implement (issue 12): refused rather than
/// silently dropped, only in a local profile, since cfssl itself skips or overwrites them in
/// a remote one (and cfssl-rs refuses to sign with a remote profile anyway). The lint
/// settings are honoured (cfssl-lint, docs/cfssl-compat.md §5.17).
fn check_supported(raw: &RawProfile, p: &SigningProfile, name: &str) -> Result<(), ConfigError> {
    let unsupported = |setting, reason| ConfigError::Unsupported {
        profile: name.to_owned(),
        setting,
        reason,
    };
    if p.is_remote() {
        return Ok(());
    }
    if !raw.ct_log_servers.is_empty() {
        return Err(unsupported(
            "ct_log_servers",
            "cfssl submits a precertificate to these Certificate Transparency logs and embeds \
             the SCTs; cfssl-rs works offline and does not",
        ));
    }
    if !raw.remote_server.is_empty() {
        return Err(unsupported(
            "RemoteServer",
            "cfssl sends signing with this profile to that server although nothing in the \
             profile says it is remote; name the server in \"remotes\" and the profile's \
             \"remote\" instead, which cfssl and cfssl-rs both read",
        ));
    }
    let untyped = raw
        .policies
        .iter()
        .flat_map(|policy| &policy.qualifiers)
        .any(|q| q.qualifier_type.is_empty());
    if untyped {
        return Err(unsupported(
            "a Policies.Qualifiers entry without Type",
            "cfssl loads it but refuses every signing with this profile (Invalid qualifier type \
             in Policies); give \"Type\": \"id-qt-cps\" or \"id-qt-unotice\"",
        ));
    }
    Ok(())
}

/// cfssl's `hasLocalConfig`: settings a remote profile ignores.
fn has_local_config(raw: &RawProfile) -> bool {
    raw.usages.is_some()
        || raw.issuer_urls.is_some()
        || !raw.ocsp_url.is_empty()
        || !raw.expiry.is_empty()
        || !raw.backdate.is_empty()
        || raw.ca_constraint.is_ca
        || raw.not_before.0.is_some()
        || raw.not_after.0.is_some()
        || !raw.name_whitelist.is_empty()
        || !raw.ct_log_servers.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_status(value: &cfssl_json::Value) -> Result<u8, String> {
        lint_status_json(&value.to_json())
    }

    #[test]
    fn go_atoi_matches_strconv() {
        assert_eq!(go_atoi("42"), Ok(42));
        assert_eq!(go_atoi("+7"), Ok(7));
        assert_eq!(go_atoi("-7"), Ok(-7));
        assert_eq!(go_atoi("007"), Ok(7));
        assert_eq!(go_atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            go_atoi("x"),
            Err(r#"strconv.Atoi: parsing "x": invalid syntax"#.into())
        );
        assert_eq!(
            go_atoi(""),
            Err(r#"strconv.Atoi: parsing "": invalid syntax"#.into())
        );
        assert_eq!(
            go_atoi("-"),
            Err(r#"strconv.Atoi: parsing "-": invalid syntax"#.into())
        );
        assert_eq!(
            go_atoi("1_0"),
            Err(r#"strconv.Atoi: parsing "1_0": invalid syntax"#.into())
        );
        assert_eq!(
            go_atoi("9223372036854775808"),
            Err(r#"strconv.Atoi: parsing "9223372036854775808": value out of range"#.into())
        );
        // Overflow is found before the bad character, as in Go's ParseUint.
        assert_eq!(
            go_atoi("99999999999999999999x"),
            Err(r#"strconv.Atoi: parsing "99999999999999999999x": value out of range"#.into())
        );
        assert_eq!(
            go_atoi("9223372036854775808x"),
            Err(r#"strconv.Atoi: parsing "9223372036854775808x": invalid syntax"#.into())
        );
    }

    #[test]
    fn oid_parsing_matches_cfssl() {
        assert_eq!(parse_go_oid(r#""1.2.3""#), Ok(vec![1, 2, 3]));
        assert_eq!(parse_go_oid(r#""-1.2""#), Ok(vec![-1, 2]));
        assert_eq!(
            parse_go_oid("5"),
            Err("OID JSON string not wrapped in quotes.5".into())
        );
        assert_eq!(
            parse_go_oid("null"),
            Err("OID JSON string not wrapped in quotes.null".into())
        );
        assert_eq!(parse_go_oid(r#""abc""#), Err("Invalid OID".into()));
        assert_eq!(parse_go_oid(r#""""#), Err("Invalid OID".into()));
        assert_eq!(
            parse_go_oid(r#""1.x.3""#),
            Err(r#"strconv.Atoi: parsing "x": invalid syntax"#.into())
        );
        assert_eq!(
            parse_go_oid(r#""1..3""#),
            Err(r#"strconv.Atoi: parsing "": invalid syntax"#.into())
        );
        assert!(encodable_oid(&[1, 2, 3]).is_some());
        assert!(encodable_oid(&[1]).is_none());
        assert!(encodable_oid(&[]).is_none());
        assert!(encodable_oid(&[-1, 2]).is_none());
        assert!(encodable_oid(&[3, 2]).is_none());
        assert!(encodable_oid(&[1, 2, 1 << 40]).is_none());
    }

    #[test]
    fn lint_labels() {
        let v = |s: &str| cfssl_json::parse(s.as_bytes()).expect("json");
        assert_eq!(lint_status(&v(r#""reserved""#)), Ok(0));
        assert_eq!(lint_status(&v(r#""NA""#)), Ok(1));
        assert_eq!(lint_status(&v(r#""NE""#)), Ok(2));
        assert_eq!(lint_status(&v(r#""pass""#)), Ok(3));
        assert_eq!(lint_status(&v(r#""info""#)), Ok(4));
        assert_eq!(lint_status(&v(r#""warn""#)), Ok(5));
        assert_eq!(lint_status(&v(r#""error""#)), Ok(6));
        assert_eq!(lint_status(&v(r#""fatal""#)), Ok(7));
        assert_eq!(
            lint_status(&v("5")),
            Err("bad LintStatus JSON value: 5".into())
        );
        assert_eq!(
            lint_status(&v("null")),
            Err("bad LintStatus JSON value: null".into())
        );
        assert_eq!(
            lint_status(&v(r#""Warn""#)),
            Err(r#"bad LintStatus JSON value: "Warn""#.into())
        );
    }
}
