//! The one shared flag set of `cfssl-rs`, parsed like Go's `flag` package.
//!
//! cfssl registers every flag of every command in a single `FlagSet` named `cfssl`
//! (docs/cfssl-compat.md §1.1 step 4, §1.4), so every subcommand accepts every flag; a command's own
//! list only decides what its `-h` prints. [`FLAGS`] is that table, verbatim, followed by
//! the cfssl-rs extension flags, each with the description help prints. [`COMMAND_FLAGS`]
//! says which of them each command reads: help, completions and the man page are all
//! generated from these two tables (`crate::usage`, `crate::clidoc`), so a flag is described
//! once.
//!
//! Syntax (Go `flag`, docs/cfssl-compat.md §1.1 "Flag syntax"):
//! * `-name value`, `-name=value`, and the same with `--`;
//! * bool flags only as `-name` or `-name=<bool>` (Go `strconv.ParseBool`);
//! * `-` alone is a positional argument, `--` ends the flags;
//! * a repeated flag: the last value wins;
//! * int flags take Go integer syntax (`strconv.ParseInt(s, 0, 64)`), duration flags Go
//!   durations (`time.ParseDuration`);
//! * errors read exactly like Go's: `flag provided but not defined: -bogus`,
//!   `invalid value "abc" for flag -port: parse error`, `flag needs an argument: -ca`,
//!   `invalid boolean value "x" for -initca: parse error`, `bad flag syntax: ---x`.
//!
//! Deliberate difference #13 (docs/differences.md): flags are accepted anywhere among the
//! arguments, not only before the first positional. After the first positional, an
//! argument that looks like a negative number (`-` then a digit, e.g. a `gencrl` TIME of
//! `-5`) stays positional, so every command line cfssl accepts still means the same.
//!
//! Durations are parsed by `cfssl_config::GoDuration` (Go's `time.ParseDuration`) and handed
//! out as [`time::Duration`] (signed, like Go's `time.Duration`).

use std::fmt;

use cfssl_config::GoDuration;
use cfssl_json::go_quote;
use cfssl_json::strconv::ParseIntError;

/// The value type of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// Go `flag.String`.
    Str,
    /// Go `flag.Int` (64-bit).
    Int,
    /// Go `flag.Bool`.
    Bool,
    /// Go `flag.Duration`.
    Duration,
}

/// One registered flag: name (without dash), kind, default as Go prints it, description.
#[derive(Debug)]
pub struct FlagSpec {
    /// Name without the leading dash.
    pub name: &'static str,
    /// Value type.
    pub kind: FlagKind,
    /// Default value exactly as Go's `flag.Flag.DefValue` prints it (`96h0m0s`, `8888`).
    pub default: &'static str,
    /// The description help prints: cfssl's usage text, verbatim, for cfssl's flags.
    pub usage: &'static str,
    /// A cfssl-rs extension (cfssl has no such flag); help marks it as one.
    pub extension: bool,
}

const fn flag(
    name: &'static str,
    kind: FlagKind,
    default: &'static str,
    usage: &'static str,
) -> FlagSpec {
    FlagSpec {
        name,
        kind,
        default,
        usage,
        extension: false,
    }
}

/// A cfssl-rs extension flag.
const fn ext(
    name: &'static str,
    kind: FlagKind,
    default: &'static str,
    usage: &'static str,
) -> FlagSpec {
    FlagSpec {
        name,
        kind,
        default,
        usage,
        extension: true,
    }
}

use FlagKind::{Bool, Duration as Dur, Int, Str};

/// Every flag: cfssl's `registerFlags` (docs/cfssl-compat.md §1.4, verbatim, same order), then ours.
#[rustfmt::skip]
pub static FLAGS: &[FlagSpec] = &[
    flag("hostname", Str, "", "Hostname for the cert, could be a comma-separated hostname list"),
    flag("cert", Str, "", "Client certificate that contains the public key"),
    flag("csr", Str, "", "Certificate signature request file for new public key"),
    flag("ca", Str, "", "CA used to sign the new certificate -- accepts '[file:]fname' or 'env:varname'"),
    flag("ca-key", Str, "", "CA private key -- accepts '[file:]fname' or 'env:varname'"),
    flag("tls-cert", Str, "", "Other endpoint CA to set up TLS protocol"),
    flag("tls-key", Str, "", "Other endpoint CA private key"),
    flag("mutual-tls-ca", Str, "", "Mutual TLS - require clients be signed by this CA "),
    flag("mutual-tls-cn", Str, "", "Mutual TLS - regex for whitelist of allowed client CNs"),
    flag("tls-remote-ca", Str, "", "CAs to trust for remote TLS requests"),
    flag("mutual-tls-client-cert", Str, "", "Mutual TLS - client certificate to call remote instance requiring client certs"),
    flag("mutual-tls-client-key", Str, "", "Mutual TLS - client key to call remote instance requiring client certs"),
    flag("key", Str, "", "private key for the certificate"),
    flag("intermediates", Str, "", "intermediate certs"),
    flag("ca-bundle", Str, "", "path to root certificate store"),
    flag("int-bundle", Str, "", "path to intermediate certificate store"),
    flag("address", Str, "127.0.0.1", "Address to bind"),
    flag("port", Int, "8888", "Port to bind"),
    flag("min-tls-version", Str, "", "Minimum version of TLS to use, defaults to 1.0"),
    flag("config", Str, "", "path to configuration file"),
    flag("profile", Str, "", "signing profile to use"),
    flag("initca", Bool, "false", "initialise new CA"),
    flag("renewca", Bool, "false", "re-generate a CA certificate from existing CA certificate/key"),
    flag("int-dir", Str, "", "specify intermediates directory"),
    flag("flavor", Str, "ubiquitous", "Bundle Flavor: ubiquitous, optimal and force."),
    flag("metadata", Str, "", "Metadata file for root certificate presence. The content of the file is a json dictionary (k,v): each key k is SHA-1 digest of a root certificate while value v is a list of key store filenames."),
    flag("domain", Str, "", "remote server domain name"),
    flag("ip", Str, "", "remote server ip"),
    flag("remote", Str, "", "remote CFSSL server"),
    flag("label", Str, "", "key label to use in remote CFSSL server"),
    flag("authkey", Str, "", "key to authenticate requests to remote CFSSL server"),
    flag("responder", Str, "", "Certificate for OCSP responder"),
    flag("responder-key", Str, "", "private key for OCSP responder certificate"),
    flag("status", Str, "good", "Status of the certificate: good, revoked, unknown"),
    flag("reason", Str, "0", "Reason code for revocation"),
    flag("revoked-at", Str, "now", "Date of revocation (YYYY-MM-DD)"),
    flag("interval", Dur, "96h0m0s", "Interval between OCSP updates (default: 96h)"),
    flag("list", Bool, "false", "list possible scanners"),
    flag("family", Str, "", "scanner family regular expression"),
    flag("scanner", Str, "", "scanner regular expression"),
    flag("timeout", Dur, "5m0s", "duration (ns, us, ms, s, m, h) to scan each host before timing out"),
    flag("csv", Str, "", "file containing CSV of hosts"),
    flag("num-workers", Int, "10", "number of workers to use for scan"),
    flag("max-hosts", Int, "100", "maximum number of hosts to scan"),
    flag("responses", Str, "", "file to load OCSP responses from"),
    flag("path", Str, "/", "Path on which the server will listen"),
    flag("crl", Str, "", "CRL URL Override"),
    flag("password", Str, "0", "Password for accessing PKCS #12 data passed to bundler"),
    flag("usage", Str, "", "usage of private key"),
    flag("pgp-private", Str, "", "file to load a PGP Private key decryption"),
    flag("pgp-name", Str, "", "PGP public key name, can be a comma-separated  key name list"),
    flag("serial", Str, "", "certificate serial number"),
    flag("cn", Str, "", "certificate common name (CN)"),
    flag("aki", Str, "", "certificate issuer (authority) key identifier"),
    flag("db-config", Str, "", "certificate db configuration file"),
    flag("expiry", Dur, "168h0m0s", "time from now after which the CRL will expire (default: one week)"),
    flag("loglevel", Int, "1", "Log level (0 = DEBUG, 5 = FATAL)"),
    flag("disable", Str, "", "endpoints to disable"),
    // cfssl-rs extensions.
    ext("encrypt-key", Bool, "false", "write the new private key encrypted (PKCS#8, scrypt + AES-256-CBC) with the password of -password-file, CFSSL_KEY_PASSWORD or a prompt"),
    ext("password-file", Str, "", "file whose first line is the password of an encrypted key (else CFSSL_CA_PK_PASSWORD for a CA key, CFSSL_KEY_PASSWORD, or a prompt)"),
    ext("json", Bool, "false", "print JSON instead of YAML"),
    ext("allow-privileged", Bool, "false", "allow requesting privileged Kubernetes identities (such as group system:masters)"),
    ext("name", Str, "", "name of the Kubernetes object"),
    ext("signer", Str, "", "Kubernetes signerName of the CertificateSigningRequest"),
    ext("usages", Str, "", "comma-separated key usages requested in the CertificateSigningRequest"),
    ext("expiration", Str, "", "requested certificate lifetime, a Go duration such as 8760h"),
    ext("cluster", Str, "", "Kubernetes cluster name"),
    ext("server", Str, "", "Kubernetes API server URL"),
    ext("user", Str, "", "Kubernetes user name"),
    ext("batch", Str, "", "sign every DIR/*.csr in parallel, writing DIR/NAME.pem"),
    ext("context", Str, "", "kubeconfig context name (default USER@CLUSTER)"),
];

/// The flags each command reads, in the order its help lists them (every command also
/// reads [`COMMON_FLAGS`]). This is what `-h`, `help`, the completions and the man page
/// offer. Every command still accepts every flag of [`FLAGS`], as cfssl's one shared set
/// does; the ones not listed for it change nothing there (and [`UNSUPPORTED`] ones are
/// refused), so they are not offered. A command missing here reads only [`COMMON_FLAGS`].
#[rustfmt::skip]
pub static COMMAND_FLAGS: &[(&str, &[&str])] = &[
    ("certinfo", &["cert", "csr"]),
    ("gencert", &["initca", "renewca", "ca", "ca-key", "config", "profile", "hostname", "cn", "crl", "encrypt-key", "password-file"]),
    ("gencrl", &["password-file"]),
    ("gencsr", &["key", "cert", "hostname", "cn", "password-file"]),
    ("genkey", &["initca", "cn", "encrypt-key", "password-file"]),
    ("k8s-csr", &["name", "signer", "usages", "expiration", "json"]),
    ("k8s-kubeconfig", &["cluster", "server", "user", "ca", "cert", "key", "context", "json"]),
    ("k8s-review", &["json"]),
    ("k8s-sign", &["ca", "ca-key", "config", "profile", "allow-privileged", "password-file"]),
    ("selfsign", &["config", "profile", "cn", "encrypt-key", "password-file"]),
    ("sign", &["ca", "ca-key", "config", "profile", "hostname", "csr", "batch", "password-file"]),
];

/// The flags every command reads (cfssl lists `-loglevel` in every command's usage).
pub static COMMON_FLAGS: &[&str] = &["loglevel"];

/// The flags whose value names a file or directory (completions offer paths for them).
/// `-ca` and `-ca-key` also take `env:NAME`.
pub static PATH_FLAGS: &[&str] = &[
    "cert",
    "csr",
    "ca",
    "ca-key",
    "key",
    "config",
    "password-file",
    "batch",
];

/// The flags `command` reads, in help order: its [`COMMAND_FLAGS`] entry, then
/// [`COMMON_FLAGS`].
pub fn command_flags(command: &str) -> impl Iterator<Item = &'static FlagSpec> {
    COMMAND_FLAGS
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[][..], |(_, names)| *names)
        .iter()
        .chain(COMMON_FLAGS)
        .filter_map(|name| lookup(name))
}

impl FlagSpec {
    /// The placeholder help prints after the name, as Go's `flag.PrintDefaults` does
    /// (`-ca string`, `-port int`); `None` for a bool flag.
    pub fn placeholder(&self) -> Option<&'static str> {
        match self.kind {
            Str => Some("string"),
            Int => Some("int"),
            Dur => Some("duration"),
            Bool => None,
        }
    }

    /// Whether help shows the default: Go's rule, every default but the zero value.
    pub fn shows_default(&self) -> bool {
        !matches!(self.default, "" | "false" | "0")
    }

    /// Whether the value names a file ([`PATH_FLAGS`]).
    pub fn takes_path(&self) -> bool {
        PATH_FLAGS.contains(&self.name)
    }
}

/// A flag of [`FLAGS`] that cfssl reads (so it changes cfssl's result) but cfssl-rs cannot
/// honour, with why. Given with a non-empty value it is an error naming it; an empty
/// value counts as not given, as in cfssl (`-remote ""` is local signing there too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported {
    /// Name without the leading dash.
    pub name: &'static str,
    /// Why it cannot be honoured, and what to do.
    pub reason: &'static str,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "-{}: cfssl-rs {}", self.name, self.reason)
    }
}

const REMOTE: &str = "signs only with a local CA (-ca and -ca-key); signing through a remote \
                      cfssl server is not built yet";
const SERVE: &str = "has no `serve` (the network half is not built yet); sign offline with \
                     gencert or sign";

/// The flags of the shared set that cfssl-rs refuses (issue 12; see [`Unsupported`]). The
/// other cfssl flags are read by some cfssl-rs command, or only by cfssl commands that
/// cfssl-rs refuses as a whole (`serve -port`, `scan -timeout`, `ocspsign -status`, …):
/// those change nothing where cfssl-rs accepts them, as in cfssl, and stay accepted.
#[rustfmt::skip]
pub static UNSUPPORTED: &[Unsupported] = &[
    Unsupported { name: "db-config", reason: "does not record certificates in a database yet, so nothing would be recorded; drop -db-config and keep the certificate files cfssljson writes" },
    Unsupported { name: "remote", reason: REMOTE },
    Unsupported { name: "label", reason: "has no remote signer to pick a key label on: it signs only with a local CA (-ca and -ca-key); remote signing is not built yet" },
    Unsupported { name: "authkey", reason: "has no remote signer to authenticate to: it signs only with a local CA (-ca and -ca-key); remote signing is not built yet" },
    Unsupported { name: "tls-remote-ca", reason: REMOTE },
    Unsupported { name: "mutual-tls-client-cert", reason: REMOTE },
    Unsupported { name: "mutual-tls-client-key", reason: REMOTE },
    Unsupported { name: "mutual-tls-ca", reason: SERVE },
    Unsupported { name: "mutual-tls-cn", reason: SERVE },
    Unsupported { name: "tls-cert", reason: SERVE },
    Unsupported { name: "tls-key", reason: SERVE },
];

/// The registered flag called `name`, if any.
pub fn lookup(name: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.name == name)
}

fn index_of(name: &str) -> Option<usize> {
    FLAGS.iter().position(|f| f.name == name)
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Duration(time::Duration),
}

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    /// `-h`, `-help` or `--help`: print the usage, exit 0.
    #[error("flag: help requested")]
    Help,
    /// Anything else: print this message and the usage, exit 2. The text is Go's.
    #[error("{0}")]
    Invalid(String),
}

/// The flag values after parsing, with typed getters by name.
///
/// Getters take the flag's name without the dash. Asking for an unregistered name or
/// the wrong kind is a programming error: it trips a debug assertion and otherwise
/// returns the type's zero value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFlags {
    values: Vec<Value>,
    set: Vec<bool>,
}

impl Default for ParsedFlags {
    fn default() -> Self {
        Self::new()
    }
}

impl ParsedFlags {
    /// Every flag at its default value, none marked as set.
    pub fn new() -> Self {
        let values = FLAGS
            .iter()
            .map(|f| parse_value(f.kind, f.default).unwrap_or(Value::Str(String::new())))
            .collect();
        Self {
            values,
            set: vec![false; FLAGS.len()],
        }
    }

    fn value(&self, name: &str) -> Option<&Value> {
        let value = index_of(name).and_then(|i| self.values.get(i));
        debug_assert!(value.is_some(), "flag -{name} is not registered");
        value
    }

    /// A string flag's value (default `""` unless the table says otherwise).
    pub fn get_str(&self, name: &str) -> &str {
        match self.value(name) {
            Some(Value::Str(s)) => s,
            other => {
                debug_assert!(other.is_none(), "flag -{name} is not a string flag");
                ""
            }
        }
    }

    /// A bool flag's value.
    pub fn get_bool(&self, name: &str) -> bool {
        match self.value(name) {
            Some(Value::Bool(b)) => *b,
            other => {
                debug_assert!(other.is_none(), "flag -{name} is not a bool flag");
                false
            }
        }
    }

    /// An int flag's value.
    pub fn get_int(&self, name: &str) -> i64 {
        match self.value(name) {
            Some(Value::Int(i)) => *i,
            other => {
                debug_assert!(other.is_none(), "flag -{name} is not an int flag");
                0
            }
        }
    }

    /// A duration flag's value (may be negative, as in Go). Only `crl -expiry` and the
    /// server commands have duration flags, and cfssl-rs runs neither.
    #[cfg(test)]
    pub fn get_duration(&self, name: &str) -> time::Duration {
        match self.value(name) {
            Some(Value::Duration(d)) => *d,
            other => {
                debug_assert!(other.is_none(), "flag -{name} is not a duration flag");
                time::Duration::ZERO
            }
        }
    }

    /// Whether the flag appeared on the command line (even if set to its default).
    #[cfg(test)]
    pub fn was_set(&self, name: &str) -> bool {
        let i = index_of(name);
        debug_assert!(i.is_some(), "flag -{name} is not registered");
        i.and_then(|i| self.set.get(i).copied()).unwrap_or(false)
    }

    /// The first [`UNSUPPORTED`] flag given with a non-empty value.
    pub fn first_unsupported(&self) -> Option<Unsupported> {
        UNSUPPORTED
            .iter()
            .find(|u| !self.get_str(u.name).is_empty())
            .copied()
    }

    /// Sets a flag from its textual value, as the command line would.
    ///
    /// # Errors
    /// Go's message for an unknown flag or a value of the wrong syntax.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), FlagError> {
        let (Some(i), Some(spec)) = (index_of(name), lookup(name)) else {
            return Err(FlagError::Invalid(format!(
                "flag provided but not defined: -{name}"
            )));
        };
        let value = parse_value(spec.kind, raw).map_err(|reason| {
            let quoted = go_quote(raw);
            FlagError::Invalid(if spec.kind == Bool {
                format!("invalid boolean value {quoted} for -{name}: {reason}")
            } else {
                format!("invalid value {quoted} for flag -{name}: {reason}")
            })
        })?;
        if let (Some(slot), Some(set)) = (self.values.get_mut(i), self.set.get_mut(i)) {
            *slot = value;
            *set = true;
        }
        Ok(())
    }
}

/// Go's `flag` package error reasons (`errParse`, `errRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueError {
    Parse,
    Range,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueError::Parse => "parse error",
            ValueError::Range => "value out of range",
        })
    }
}

fn parse_value(kind: FlagKind, raw: &str) -> Result<Value, ValueError> {
    match kind {
        Str => Ok(Value::Str(raw.to_owned())),
        Bool => parse_go_bool(raw).map(Value::Bool).ok_or(ValueError::Parse),
        Int => parse_go_int(raw).map(Value::Int),
        Dur => raw
            .parse::<GoDuration>()
            .map(|d| Value::Duration(d.as_time_duration()))
            .map_err(|_| ValueError::Parse),
    }
}

/// Go `strconv.ParseBool`.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go `strconv.ParseInt(s, 0, 64)` (shared with `gencrl`'s TIME, see `cfssl_json::strconv`).
fn parse_go_int(s: &str) -> Result<i64, ValueError> {
    cfssl_json::strconv::parse_int(s, 64).map_err(|e| match e {
        ParseIntError::Syntax => ValueError::Parse,
        ParseIntError::Range => ValueError::Range,
    })
}

/// The result of parsing a command's arguments: flag values and positionals in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Flag values.
    pub flags: ParsedFlags,
    /// Positional arguments, in order.
    pub positionals: Vec<String>,
}

/// Parses a command's arguments (everything after the command name) over [`FLAGS`].
///
/// # Errors
/// [`FlagError::Help`] for `-h`/`-help`; [`FlagError::Invalid`] with Go's message
/// otherwise.
pub fn parse(args: &[String]) -> Result<Parsed, FlagError> {
    let mut flags = ParsedFlags::new();
    let mut positionals = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--" {
            positionals.extend(rest.by_ref().cloned());
            break;
        }
        let looks_negative_number = !positionals.is_empty()
            && arg.len() >= 2
            && arg.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
        if arg.len() < 2 || !arg.starts_with('-') || looks_negative_number {
            positionals.push(arg.clone());
            continue;
        }
        let (name, value) = split_flag(arg)?;
        let Some(spec) = lookup(name) else {
            if name == "h" || name == "help" {
                return Err(FlagError::Help);
            }
            return Err(FlagError::Invalid(format!(
                "flag provided but not defined: -{name}"
            )));
        };
        let value = match (spec.kind, value) {
            (_, Some(v)) => v,
            (Bool, None) => "true",
            (_, None) => match rest.next() {
                Some(next) => next.as_str(),
                None => {
                    return Err(FlagError::Invalid(format!(
                        "flag needs an argument: -{name}"
                    )));
                }
            },
        };
        flags.set(name, value)?;
    }
    Ok(Parsed { flags, positionals })
}

/// Splits `-name[=value]` / `--name[=value]` (Go `FlagSet.parseOne`).
fn split_flag(arg: &str) -> Result<(&str, Option<&str>), FlagError> {
    let body = arg
        .strip_prefix("--")
        .or_else(|| arg.strip_prefix('-'))
        .unwrap_or(arg);
    if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
        return Err(FlagError::Invalid(format!("bad flag syntax: {arg}")));
    }
    Ok(match body.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (body, None),
    })
}

/// Parses the top-level arguments (before the command) like Go's global `flag.Parse()`
/// with no flags registered: returns the index of the command name, if any.
///
/// # Errors
/// [`FlagError::Help`] for `-h`/`-help`, else `flag provided but not defined: -x` or
/// `bad flag syntax: …`.
pub fn parse_top_level(args: &[String]) -> Result<Option<usize>, FlagError> {
    let Some(first) = args.first() else {
        return Ok(None);
    };
    if first == "--" {
        return Ok((args.len() > 1).then_some(1));
    }
    if first.len() < 2 || !first.starts_with('-') {
        return Ok(Some(0));
    }
    let (name, _) = split_flag(first)?;
    if name == "h" || name == "help" {
        return Err(FlagError::Help);
    }
    Err(FlagError::Invalid(format!(
        "flag provided but not defined: -{name}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn invalid(v: &[&str]) -> String {
        match parse(&args(v)) {
            Err(FlagError::Invalid(m)) => m,
            other => format!("unexpected: {other:?}"),
        }
    }

    #[test]
    fn table_names_are_unique_and_defaults_parse() {
        for (i, f) in FLAGS.iter().enumerate() {
            assert!(FLAGS[..i].iter().all(|g| g.name != f.name), "{}", f.name);
            assert!(parse_value(f.kind, f.default).is_ok(), "{}", f.name);
        }
    }

    #[test]
    fn unsupported_flags_are_registered_string_flags_without_default() {
        for u in UNSUPPORTED {
            let spec = lookup(u.name);
            assert!(
                spec.is_some_and(|s| s.kind == Str && s.default.is_empty()),
                "{}",
                u.name
            );
        }
        let mut f = ParsedFlags::new();
        assert_eq!(f.first_unsupported(), None);
        f.set("remote", "").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(f.first_unsupported(), None);
        f.set("label", "k").unwrap_or_else(|e| unreachable!("{e}"));
        f.set("db-config", "db.json")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let refused = f.first_unsupported().map(|u| u.to_string());
        assert!(
            refused.is_some_and(|m| m.starts_with("-db-config: cfssl-rs does not record")),
            "{:?}",
            f.first_unsupported()
        );
    }

    #[test]
    fn command_flag_lists_name_registered_supported_flags() {
        for (command, names) in COMMAND_FLAGS {
            assert!(
                COMMAND_FLAGS.iter().filter(|(c, _)| c == command).count() == 1,
                "{command} listed twice"
            );
            for (i, name) in names.iter().chain(COMMON_FLAGS).enumerate() {
                assert!(lookup(name).is_some(), "{command}: -{name}");
                assert!(
                    UNSUPPORTED.iter().all(|u| u.name != *name),
                    "{command}: -{name} is refused"
                );
                assert!(
                    !names[..i.min(names.len())].contains(name),
                    "{command}: -{name} twice"
                );
            }
        }
        for name in PATH_FLAGS {
            assert!(lookup(name).is_some_and(|f| f.kind == Str), "-{name}");
        }
        let gencert: Vec<&str> = command_flags("gencert").map(|f| f.name).collect();
        assert_eq!(gencert.first(), Some(&"initca"));
        assert_eq!(gencert.last(), Some(&"loglevel"));
        let version: Vec<&str> = command_flags("version").map(|f| f.name).collect();
        assert_eq!(version, ["loglevel"]);
    }

    #[test]
    fn defaults() {
        let f = ParsedFlags::new();
        assert_eq!(f.get_int("port"), 8888);
        assert_eq!(f.get_int("loglevel"), 1);
        assert_eq!(f.get_str("address"), "127.0.0.1");
        assert_eq!(f.get_str("ca"), "");
        assert!(!f.get_bool("initca"));
        assert_eq!(f.get_duration("interval"), time::Duration::hours(96));
        assert_eq!(f.get_duration("timeout"), time::Duration::minutes(5));
        assert_eq!(f.get_duration("expiry"), time::Duration::hours(168));
        assert!(!f.was_set("ca"));
    }

    #[test]
    fn forms_and_positionals() {
        let p = parse(&args(&[
            "-ca",
            "a",
            "--ca-key=b",
            "x",
            "-initca",
            "-",
            "--config",
            "c",
            "y",
        ]))
        .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.flags.get_str("ca"), "a");
        assert_eq!(p.flags.get_str("ca-key"), "b");
        assert_eq!(p.flags.get_str("config"), "c");
        assert!(p.flags.get_bool("initca"));
        assert!(p.flags.was_set("initca"));
        assert_eq!(p.positionals, args(&["x", "-", "y"]));
    }

    #[test]
    fn double_dash_ends_flags_and_last_wins() {
        let p = parse(&args(&["-ca=1", "-ca", "2", "--", "-initca", "--"]))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.flags.get_str("ca"), "2");
        assert!(!p.flags.get_bool("initca"));
        assert_eq!(p.positionals, args(&["-initca", "--"]));
    }

    #[test]
    fn bool_values() {
        for (v, want) in [
            ("1", true),
            ("t", true),
            ("T", true),
            ("true", true),
            ("TRUE", true),
            ("True", true),
            ("0", false),
            ("f", false),
            ("F", false),
            ("false", false),
            ("FALSE", false),
            ("False", false),
        ] {
            let p =
                parse(&args(&[&format!("-initca={v}")])).unwrap_or_else(|e| unreachable!("{e}"));
            assert_eq!(p.flags.get_bool("initca"), want, "{v}");
        }
        // `-initca false`: `false` is a positional.
        let p = parse(&args(&["-initca", "false"])).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.flags.get_bool("initca"));
        assert_eq!(p.positionals, args(&["false"]));
        assert_eq!(
            invalid(&["-initca=yes"]),
            r#"invalid boolean value "yes" for -initca: parse error"#
        );
        assert_eq!(
            invalid(&["-initca="]),
            r#"invalid boolean value "" for -initca: parse error"#
        );
    }

    #[test]
    fn errors_read_like_go() {
        assert_eq!(
            invalid(&["-bogus"]),
            "flag provided but not defined: -bogus"
        );
        assert_eq!(
            invalid(&["--bogus=1"]),
            "flag provided but not defined: -bogus"
        );
        assert_eq!(invalid(&["-ca"]), "flag needs an argument: -ca");
        assert_eq!(
            invalid(&["-port", "abc"]),
            r#"invalid value "abc" for flag -port: parse error"#
        );
        assert_eq!(
            invalid(&["-port=99999999999999999999"]),
            r#"invalid value "99999999999999999999" for flag -port: value out of range"#
        );
        assert_eq!(
            invalid(&["-interval", "1y"]),
            r#"invalid value "1y" for flag -interval: parse error"#
        );
        assert_eq!(invalid(&["---x"]), "bad flag syntax: ---x");
        assert_eq!(invalid(&["-=x"]), "bad flag syntax: -=x");
        assert_eq!(parse(&args(&["-h"])), Err(FlagError::Help));
        assert_eq!(parse(&args(&["x", "--help"])), Err(FlagError::Help));
        assert_eq!(parse(&args(&["-help=1"])), Err(FlagError::Help));
    }

    #[test]
    fn negative_numbers_after_a_positional_stay_positional() {
        let p = parse(&args(&["a", "-5", "-0x1"])).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.positionals, args(&["a", "-5", "-0x1"]));
        assert_eq!(invalid(&["-5"]), "flag provided but not defined: -5");
    }

    #[test]
    fn go_ints() {
        for (s, want) in [
            ("0", 0),
            ("42", 42),
            ("-42", -42),
            ("+7", 7),
            ("0x1F", 31),
            ("0X1f", 31),
            ("0o17", 15),
            ("0O17", 15),
            ("017", 15),
            ("0b101", 5),
            ("0B1", 1),
            ("1_000", 1000),
            ("0x_1f", 31),
            ("0_7", 7),
            ("-0b1_0", -2),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ] {
            assert_eq!(parse_go_int(s), Ok(want), "{s}");
        }
        for s in [
            "", "-", "0x", "0b", "08", "0b2", "1__0", "_1", "1_", "0x_", "1.0", " 1", "abc", "0xg",
        ] {
            assert_eq!(parse_go_int(s), Err(ValueError::Parse), "{s}");
        }
        for s in [
            "9223372036854775808",
            "-9223372036854775809",
            "0xffffffffffffffffff",
        ] {
            assert_eq!(parse_go_int(s), Err(ValueError::Range), "{s}");
        }
    }

    /// Duration flags take Go durations (the parser is `cfssl_config::GoDuration`, tested
    /// there); anything else is Go flag's `parse error`.
    #[test]
    fn duration_flag_values() {
        let ns = time::Duration::nanoseconds;
        for (raw, want) in [
            ("96h", time::Duration::hours(96)),
            ("-1h", time::Duration::hours(-1)),
            ("1\u{b5}s", ns(1000)),
            ("2562047h47m16.854775807s", ns(i64::MAX)),
        ] {
            assert_eq!(parse_value(Dur, raw), Ok(Value::Duration(want)), "{raw}");
        }
        for raw in ["", "1", "1y", "1h ", "2562047h47m16.854775808s"] {
            assert_eq!(parse_value(Dur, raw), Err(ValueError::Parse), "{raw:?}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("abc"), r#""abc""#);
        assert_eq!(go_quote("a\"b\\c\n\u{1}\u{7f}"), r#""a\"b\\c\n\x01\x7f""#);
        assert_eq!(go_quote("é\u{a0}\u{1F600}"), "\"é\\u00a0\u{1F600}\"");
    }

    #[test]
    fn top_level() {
        assert_eq!(parse_top_level(&args(&[])), Ok(None));
        assert_eq!(parse_top_level(&args(&["gencert", "-x"])), Ok(Some(0)));
        assert_eq!(parse_top_level(&args(&["--", "version"])), Ok(Some(1)));
        assert_eq!(parse_top_level(&args(&["--"])), Ok(None));
        assert_eq!(parse_top_level(&args(&["-"])), Ok(Some(0)));
        assert_eq!(parse_top_level(&args(&["--help"])), Err(FlagError::Help));
        assert_eq!(
            parse_top_level(&args(&["-x", "version"])),
            Err(FlagError::Invalid(
                "flag provided but not defined: -x".into()
            ))
        );
    }
}
