//! Loading: Go `encoding/json` decoding into cfssl's `config.Config`, then cfssl's
//! `populate` and `Valid` (docs/cfssl-compat.md §3.3.2).

use std::collections::BTreeMap;

use cfssl_json::{DecodeError, Object, Value};
use const_oid::ObjectIdentifier;
use time::OffsetDateTime;

use crate::auth::AuthKey;
use crate::duration::GoDuration;
use crate::error::ConfigError;
use crate::gotime::unmarshal_json_time;
use crate::profile::{
    CaConstraint, CertificatePolicy, CsrWhitelist, PolicyQualifier, SigningProfile,
};
use crate::{Config, Signing};

/// `json.Unmarshal(data, &cfg)` with `cfg *config.Config`: the pointer makes Go print an
/// empty struct name in field errors (`Go struct field .signing.default.Expiry`).
const CONFIG_TYPE: &str = "*config.Config";
const CONFIG_FIELDS: &[&str] = &["signing", "ocsp", "auth_keys", "remotes"];
const SIGNING_FIELDS: &[&str] = &["profiles", "default"];
const PROFILE_TYPE: &str = "config.SigningProfile";
/// `config.SigningProfile` in Go declaration order: tagged fields by tag, untagged ones by
/// Go name (settable too, and first in order wins a case-insensitive match, so `"EXPIRY"`
/// is `expiry` while `"Expiry"` is the `time.Duration` field; docs/cfssl-compat.md §3.3.1).
const PROFILE_FIELDS: &[&str] = &[
    "usages",
    "issuer_urls",
    "ocsp_url",
    "crl_url",
    "ca_constraint",
    "ocsp_no_check",
    "expiry",
    "backdate",
    "auth_key",
    "copy_extensions",
    "prev_auth_key",
    "remote",
    "not_before",
    "not_after",
    "name_whitelist",
    "auth_remote",
    "ct_log_servers",
    "allowed_extensions",
    "cert_store",
    "lint_error_level",
    "ignored_lints",
    "ignored_lint_sources",
    "Policies",
    "Expiry",
    "Backdate",
    "Provider",
    "PrevProvider",
    "RemoteProvider",
    "RemoteServer",
    "RemoteCAs",
    "ClientCert",
    "CSRWhitelist",
    "NameWhitelist",
    "ExtensionWhitelist",
    "ClientProvidesSerialNumbers",
    "LintRegistry",
];
const CA_FIELDS: &[&str] = &["is_ca", "max_path_len", "max_path_len_zero"];
const AUTH_REMOTE_FIELDS: &[&str] = &["remote", "auth_key"];
const POLICY_FIELDS: &[&str] = &["ID", "Qualifiers"];
const QUALIFIER_FIELDS: &[&str] = &["Type", "Value"];
const WHITELIST_FIELDS: &[&str] = &[
    "Subject",
    "PublicKeyAlgorithm",
    "PublicKey",
    "SignatureAlgorithm",
    "DNSNames",
    "IPAddresses",
    "EmailAddresses",
    "URIs",
];
const AUTH_KEY_FIELDS: &[&str] = &["type", "key"];
/// cfssl's `ocsp/config.Config`, decoded only for its type errors.
const OCSP_FIELDS: &[&str] = &["CACertFile", "ResponderCertFile", "KeyFile", "Interval"];

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

/// Go's decoding errors. A type mismatch is recorded and decoding goes on; an error from
/// a field's own `UnmarshalJSON` (OID, time, lint level) stops decoding. So the error Go
/// returns is the first of the latter if any, else the first of the former.
#[derive(Default)]
struct Errors {
    stop: Option<String>,
    mismatch: Option<String>,
}

impl Errors {
    fn check<T>(&mut self, r: Result<Option<T>, DecodeError>) -> Option<T> {
        r.unwrap_or_else(|e| {
            self.mismatch(e);
            None
        })
    }

    fn mismatch(&mut self, e: DecodeError) {
        self.mismatch.get_or_insert_with(|| e.to_string());
    }

    fn stop(&mut self, message: String) {
        self.stop.get_or_insert(message);
    }

    fn finish(self) -> Result<(), ConfigError> {
        match self.stop.or(self.mismatch) {
            Some(message) => Err(ConfigError::Json(message)),
            None => Ok(()),
        }
    }
}

/// A Go `asn1.ObjectIdentifier` as cfssl's `OID.UnmarshalJSON` builds it (Go `int` arcs).
type GoOid = Vec<i64>;

/// `config.Config` as decoded, before `populate`.
struct RawConfig {
    signing: Option<RawSigning>,
    auth_keys: BTreeMap<String, AuthKey>,
    remotes: BTreeMap<String, String>,
}

struct RawSigning {
    default: Option<RawProfile>,
    /// In document order; `None` is a `null` profile.
    profiles: Vec<(String, Option<RawProfile>)>,
}

/// `config.SigningProfile` as decoded.
#[derive(Default)]
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
    not_before: Option<OffsetDateTime>,
    not_after: Option<OffsetDateTime>,
    name_whitelist: String,
    auth_remote_name: String,
    auth_remote_key: String,
    ct_log_servers: Vec<String>,
    allowed_extensions: Vec<GoOid>,
    cert_store: String,
    lint_error_level: u8,
    ignored_lints: Vec<String>,
    ignored_lint_sources: Vec<String>,
    policies: Vec<RawPolicy>,
    expiry_nanos: i64,
    backdate_nanos: i64,
    csr_whitelist: Option<CsrWhitelist>,
    name_whitelist_regex: Option<regex::Regex>,
    client_provides_serial_numbers: bool,
    /// Go's untagged `RemoteServer` as written (populate overwrites it for remote profiles).
    remote_server: String,
}

struct RawPolicy {
    id: GoOid,
    /// `(Type, Value)` pairs.
    qualifiers: Vec<(String, String)>,
}

/// `LoadConfig`: decode, populate every profile, validate.
pub(crate) fn load(bytes: &[u8]) -> Result<Config, ConfigError> {
    let value = cfssl_json::parse(bytes).map_err(|e| ConfigError::Json(e.to_string()))?;
    let raw = decode_config(&value)?;
    let Some(signing) = &raw.signing else {
        return Err(ConfigError::NoSigning);
    };

    let default = match &signing.default {
        Some(profile) => populate(profile, "", &raw)?,
        None => crate::default_profile(),
    };
    let mut profiles = Vec::with_capacity(signing.profiles.len());
    for (name, profile) in &signing.profiles {
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
        auth_keys: raw.auth_keys,
        remotes: raw.remotes,
        warnings,
    })
}

fn decode_config(value: &Value) -> Result<RawConfig, ConfigError> {
    let root = Object::new(value, CONFIG_TYPE, CONFIG_FIELDS)
        .map_err(|e| ConfigError::Json(e.to_string()))?;
    let mut errs = Errors::default();

    let signing = errs
        .check(root.object("signing", "config.Signing", SIGNING_FIELDS))
        .map(|obj| decode_signing(&obj, &mut errs));

    if let Some(ocsp) = errs.check(root.object("ocsp", "config.Config", OCSP_FIELDS)) {
        for field in ["CACertFile", "ResponderCertFile", "KeyFile"] {
            errs.check(ocsp.string(field));
        }
        errs.check(ocsp.integer("Interval", "time.Duration", i64::MIN, i64::MAX));
    }

    let mut auth_keys = BTreeMap::new();
    for (name, entry) in errs
        .check(root.map("auth_keys", "map[string]config.AuthKey"))
        .unwrap_or_default()
    {
        let path = format!("auth_keys.{name}");
        let key = match root.nested(&path, entry, "config.AuthKey", AUTH_KEY_FIELDS) {
            Ok(Some(obj)) => AuthKey {
                key_type: errs.check(obj.string("type")).unwrap_or_default(),
                key: errs.check(obj.string("key")).unwrap_or_default(),
            },
            Ok(None) => AuthKey::default(),
            Err(e) => {
                errs.mismatch(e);
                continue;
            }
        };
        auth_keys.insert(name.to_string(), key);
    }

    let mut remotes = BTreeMap::new();
    for (name, entry) in errs
        .check(root.map("remotes", "map[string]string"))
        .unwrap_or_default()
    {
        match entry {
            Value::String(s) => {
                remotes.insert(name.to_string(), s.clone());
            }
            Value::Null => {
                remotes.insert(name.to_string(), String::new());
            }
            other => errs.mismatch(root.type_error(&format!("remotes.{name}"), other, "string")),
        }
    }

    errs.finish()?;
    Ok(RawConfig {
        signing,
        auth_keys,
        remotes,
    })
}

fn decode_signing(obj: &Object<'_>, errs: &mut Errors) -> RawSigning {
    let mut profiles = Vec::new();
    for (name, entry) in errs
        .check(obj.map("profiles", "map[string]*config.SigningProfile"))
        .unwrap_or_default()
    {
        let path = format!("profiles.{name}");
        match obj.nested(&path, entry, PROFILE_TYPE, PROFILE_FIELDS) {
            Ok(profile) => {
                profiles.push((name.to_string(), profile.map(|p| decode_profile(&p, errs))))
            }
            Err(e) => errs.mismatch(e),
        }
    }
    let default = errs
        .check(obj.object("default", PROFILE_TYPE, PROFILE_FIELDS))
        .map(|p| decode_profile(&p, errs));
    RawSigning { default, profiles }
}

/// Every object given for a Go *value* struct field, in order: unlike a pointer field, a
/// `null` there is a no-op rather than a reset.
fn value_structs<'a>(
    obj: &Object<'a>,
    field: &str,
    go_type: &str,
    fields: &[&str],
    errs: &mut Errors,
) -> Vec<Object<'a>> {
    let mut out = Vec::new();
    for value in obj.values(field) {
        match obj.nested(field, value, go_type, fields) {
            Ok(Some(o)) => out.push(o),
            Ok(None) => {}
            Err(e) => errs.mismatch(e),
        }
    }
    out
}

fn decode_profile(o: &Object<'_>, errs: &mut Errors) -> RawProfile {
    let mut p = RawProfile {
        usages: errs.check(o.string_array("usages")),
        issuer_urls: errs.check(o.string_array("issuer_urls")),
        ocsp_url: errs.check(o.string("ocsp_url")).unwrap_or_default(),
        crl_url: errs.check(o.string("crl_url")).unwrap_or_default(),
        ..RawProfile::default()
    };
    for c in value_structs(o, "ca_constraint", "config.CAConstraint", CA_FIELDS, errs) {
        if let Some(v) = errs.check(c.bool("is_ca")) {
            p.ca_constraint.is_ca = v;
        }
        if let Some(v) = errs.check(c.int("max_path_len")) {
            p.ca_constraint.max_path_len = v;
        }
        if let Some(v) = errs.check(c.bool("max_path_len_zero")) {
            p.ca_constraint.max_path_len_zero = v;
        }
    }
    p.ocsp_no_check = errs.check(o.bool("ocsp_no_check")).unwrap_or_default();
    p.expiry = errs.check(o.string("expiry")).unwrap_or_default();
    p.backdate = errs.check(o.string("backdate")).unwrap_or_default();
    p.auth_key = errs.check(o.string("auth_key")).unwrap_or_default();
    p.copy_extensions = errs.check(o.bool("copy_extensions")).unwrap_or_default();
    p.prev_auth_key = errs.check(o.string("prev_auth_key")).unwrap_or_default();
    p.remote = errs.check(o.string("remote")).unwrap_or_default();
    p.not_before = decode_time(o, "not_before", errs);
    p.not_after = decode_time(o, "not_after", errs);
    p.name_whitelist = errs.check(o.string("name_whitelist")).unwrap_or_default();
    for a in value_structs(
        o,
        "auth_remote",
        "config.AuthRemote",
        AUTH_REMOTE_FIELDS,
        errs,
    ) {
        if let Some(v) = errs.check(a.string("remote")) {
            p.auth_remote_name = v;
        }
        if let Some(v) = errs.check(a.string("auth_key")) {
            p.auth_remote_key = v;
        }
    }
    p.ct_log_servers = errs
        .check(o.string_array("ct_log_servers"))
        .unwrap_or_default();
    if let Some(items) = errs.check(o.array("allowed_extensions", "[]config.OID")) {
        p.allowed_extensions = items.iter().filter_map(|v| decode_oid(v, errs)).collect();
    }
    p.cert_store = errs.check(o.string("cert_store")).unwrap_or_default();
    for value in o.values("lint_error_level") {
        match lint_status(value) {
            Ok(level) => p.lint_error_level = level,
            Err(message) => errs.stop(message),
        }
    }
    p.ignored_lints = errs
        .check(o.string_array("ignored_lints"))
        .unwrap_or_default();
    p.ignored_lint_sources = errs
        .check(o.string_array("ignored_lint_sources"))
        .unwrap_or_default();
    let policies = errs.check(o.object_array(
        "Policies",
        "[]config.CertificatePolicy",
        "config.CertificatePolicy",
        POLICY_FIELDS,
    ));
    for policy in policies.unwrap_or_default() {
        let mut id = GoOid::new();
        for value in policy.values("ID") {
            if let Some(oid) = decode_oid(value, errs) {
                id = oid;
            }
        }
        let qualifiers = errs.check(policy.object_array(
            "Qualifiers",
            "[]config.CertificatePolicyQualifier",
            "config.CertificatePolicyQualifier",
            QUALIFIER_FIELDS,
        ));
        let qualifiers = qualifiers
            .unwrap_or_default()
            .iter()
            .map(|q| {
                (
                    errs.check(q.string("Type")).unwrap_or_default(),
                    errs.check(q.string("Value")).unwrap_or_default(),
                )
            })
            .collect();
        p.policies.push(RawPolicy { id, qualifiers });
    }
    p.expiry_nanos = errs
        .check(o.integer("Expiry", "time.Duration", i64::MIN, i64::MAX))
        .unwrap_or_default();
    p.backdate_nanos = errs
        .check(o.integer("Backdate", "time.Duration", i64::MIN, i64::MAX))
        .unwrap_or_default();
    for field in ["Provider", "PrevProvider", "RemoteProvider"] {
        reject_non_null(o, field, "auth.Provider", errs);
    }
    p.remote_server = errs.check(o.string("RemoteServer")).unwrap_or_default();
    objects_only(o, "RemoteCAs", "x509.CertPool", errs);
    objects_only(o, "ClientCert", "tls.Certificate", errs);
    if let Some(w) = errs.check(o.object("CSRWhitelist", "config.CSRWhitelist", WHITELIST_FIELDS)) {
        let mut flag = |name: &str| errs.check(w.bool(name)).unwrap_or_default();
        p.csr_whitelist = Some(CsrWhitelist {
            subject: flag("Subject"),
            public_key_algorithm: flag("PublicKeyAlgorithm"),
            public_key: flag("PublicKey"),
            signature_algorithm: flag("SignatureAlgorithm"),
            dns_names: flag("DNSNames"),
            ip_addresses: flag("IPAddresses"),
            email_addresses: flag("EmailAddresses"),
            uris: flag("URIs"),
        });
    }
    for value in o.values("NameWhitelist") {
        // `*regexp.Regexp` decodes from a string through `UnmarshalText` (Go ≥ 1.21).
        match value {
            Value::Null => p.name_whitelist_regex = None,
            Value::String(s) => match regex::Regex::new(s) {
                Ok(re) => p.name_whitelist_regex = Some(re),
                Err(_) => errs.stop(format!(
                    "error parsing regexp: invalid regular expression: `{s}`"
                )),
            },
            other => errs.mismatch(o.type_error("NameWhitelist", other, "*regexp.Regexp")),
        }
    }
    for (key, value) in errs
        .check(o.map("ExtensionWhitelist", "map[string]bool"))
        .unwrap_or_default()
    {
        if !matches!(value, Value::Bool(_) | Value::Null) {
            errs.mismatch(o.type_error(&format!("ExtensionWhitelist.{key}"), value, "bool"));
        }
    }
    p.client_provides_serial_numbers = errs
        .check(o.bool("ClientProvidesSerialNumbers"))
        .unwrap_or_default();
    reject_non_null(o, "LintRegistry", "lint.Registry", errs);
    p
}

/// A Go interface field with methods: only `null` decodes into it.
fn reject_non_null(o: &Object<'_>, field: &str, go_type: &str, errs: &mut Errors) {
    for value in o.values(field) {
        if !value.is_null() {
            errs.mismatch(o.type_error(field, value, go_type));
        }
    }
}

/// A pointer to a foreign struct cfssl never reads from JSON: objects are accepted.
fn objects_only(o: &Object<'_>, field: &str, go_type: &str, errs: &mut Errors) {
    for value in o.values(field) {
        if !matches!(value, Value::Object(_) | Value::Null) {
            errs.mismatch(o.type_error(field, value, go_type));
        }
    }
}

/// A `time.Time` field: each value through Go's `UnmarshalJSON`; Go's zero time is unset.
fn decode_time(o: &Object<'_>, field: &str, errs: &mut Errors) -> Option<OffsetDateTime> {
    let mut out = None;
    for value in o.values(field) {
        match unmarshal_json_time(&value.to_json()) {
            Ok(Some(t)) => out = (t != go_zero_time()).then_some(t),
            Ok(None) => {}
            Err(message) => errs.stop(message),
        }
    }
    out
}

/// Go's zero `time.Time`: January 1, year 1, 00:00:00 UTC (`IsZero`).
fn go_zero_time() -> OffsetDateTime {
    time::macros::datetime!(0001-01-01 0:00 UTC)
}

/// zlint's `LintStatus.UnmarshalJSON`: the raw JSON with every `"` removed must be a
/// status label.
fn lint_status(value: &Value) -> Result<u8, String> {
    let raw = value.to_json();
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

/// cfssl's `OID.UnmarshalJSON` + `parseObjectIdentifier`; errors stop decoding.
fn decode_oid(value: &Value, errs: &mut Errors) -> Option<GoOid> {
    parse_go_oid(&value.to_json())
        .map_err(|message| errs.stop(message))
        .ok()
}

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
        expiry: GoDuration(raw.expiry_nanos),
        expiry_text: raw.expiry.clone(),
        backdate: None,
        backdate_text: raw.backdate.clone(),
        not_before: raw.not_before,
        not_after: raw.not_after,
        ca_constraint: raw.ca_constraint,
        issuer_urls: raw.issuer_urls.clone(),
        ocsp_url: raw.ocsp_url.clone(),
        crl_url: raw.crl_url.clone(),
        ocsp_no_check: raw.ocsp_no_check,
        copy_extensions: raw.copy_extensions,
        name_whitelist: raw.name_whitelist_regex.clone(),
        allowed_extensions: Vec::new(),
        policies: Vec::new(),
        csr_whitelist: raw.csr_whitelist,
        client_provides_serial_numbers: raw.client_provides_serial_numbers,
        remote: None,
        remote_server: None,
        auth_key: non_empty(&raw.auth_key),
        prev_auth_key: non_empty(&raw.prev_auth_key),
        auth_remote_key: non_empty(&raw.auth_remote_key),
        ct_log_servers: raw.ct_log_servers.clone(),
        lint_error_level: raw.lint_error_level,
        ignored_lints: raw.ignored_lints.clone(),
        ignored_lint_sources: raw.ignored_lint_sources.clone(),
        cert_store: raw.cert_store.clone(),
    };
    let mut backdate = raw.backdate_nanos;

    if raw.remote.is_empty() && raw.auth_remote_name.is_empty() {
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
        if let (Some(not_before), Some(not_after)) = (raw.not_before, raw.not_after)
            && not_after < not_before
        {
            return Err(ConfigError::InvertedValidity {
                profile: profile(),
                not_before: rfc3339(not_before),
                not_after: rfc3339(not_after),
            });
        }
        for policy in &raw.policies {
            for (qualifier_type, _) in &policy.qualifiers {
                if !matches!(qualifier_type.as_str(), "" | "id-qt-unotice" | "id-qt-cps") {
                    return Err(ConfigError::PolicyQualifierType {
                        profile: profile(),
                        qualifier_type: qualifier_type.clone(),
                    });
                }
            }
        }
    } else {
        if !raw.remote.is_empty() && !raw.auth_remote_name.is_empty() {
            return Err(ConfigError::BothRemotes { profile: profile() });
        }
        let remote = if raw.remote.is_empty() {
            &raw.auth_remote_name
        } else {
            &raw.remote
        };
        match cfg.remotes.get(remote).filter(|server| !server.is_empty()) {
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
        (&raw.auth_remote_key, |profile, key| {
            ConfigError::UnknownAuthRemoteKey { profile, key }
        }),
    ];
    for (key_name, unknown) in keys {
        if key_name.is_empty() {
            continue;
        }
        let Some(key) = cfg.auth_keys.get(key_name.as_str()) else {
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

    // cfssl-rs: OIDs a certificate cannot carry are refused now rather than at signing.
    for oid in &raw.allowed_extensions {
        let encoded = encodable_oid(oid).ok_or_else(|| ConfigError::UnencodableOid {
            profile: profile(),
            what: "allowed extension",
            oid: dotted(oid),
        })?;
        p.allowed_extensions.push(encoded);
    }
    for policy in &raw.policies {
        let id = encodable_oid(&policy.id).ok_or_else(|| ConfigError::UnencodableOid {
            profile: profile(),
            what: "policy ID",
            oid: dotted(&policy.id),
        })?;
        let mut qualifiers = Vec::new();
        for (qualifier_type, value) in &policy.qualifiers {
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
    if raw.auth_remote_name.is_empty() && !raw.auth_remote_key.is_empty() {
        return Err("auth_remote.auth_key without auth_remote.remote");
    }
    if !raw.remote.is_empty() {
        if p.remote_server.is_none() {
            return Err("remote profile without a remote server");
        }
        if !raw.auth_remote_name.is_empty() {
            return Err("both remote and auth_remote.remote");
        }
    } else if !raw.auth_remote_name.is_empty() {
        if p.remote_server.is_none() {
            return Err("auth_remote profile without a remote server");
        }
        if raw.auth_remote_key.is_empty() {
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
/// silently dropped. Linting settings are refused in every profile; the others only in a
/// local profile, since cfssl itself skips or overwrites them in a remote one (and cfssl-rs
/// refuses to sign with a remote profile anyway).
fn check_supported(raw: &RawProfile, p: &SigningProfile, name: &str) -> Result<(), ConfigError> {
    let unsupported = |setting, reason| ConfigError::Unsupported {
        profile: name.to_owned(),
        setting,
        reason,
    };
    const LINT_TUNING: &str =
        "it tunes cfssl's linting before signing, which cfssl-rs does not do yet; remove it";
    if raw.lint_error_level > 0 {
        return Err(unsupported(
            "lint_error_level",
            "cfssl lints each certificate before signing and refuses it at this level; cfssl-rs \
             does not lint before signing yet (remove it, and lint issued certificates with \
             zlint or pkilint)",
        ));
    }
    if !raw.ignored_lints.is_empty() {
        return Err(unsupported("ignored_lints", LINT_TUNING));
    }
    if !raw.ignored_lint_sources.is_empty() {
        return Err(unsupported("ignored_lint_sources", LINT_TUNING));
    }
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
            "cfssl sends signing with this profile to that remote server; cfssl-rs signs only \
             locally (remote signing is not built yet)",
        ));
    }
    let untyped = raw
        .policies
        .iter()
        .flat_map(|policy| &policy.qualifiers)
        .any(|(qualifier_type, _)| qualifier_type.is_empty());
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
        || raw.not_before.is_some()
        || raw.not_after.is_some()
        || !raw.name_whitelist.is_empty()
        || !raw.ct_log_servers.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

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
