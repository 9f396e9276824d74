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
//! Commands read the values from [`Flags`], one typed field per flag (`ctx.flags.ca_key`,
//! a `String`; `ctx.flags.initca`, a `bool`), filled once by [`parse`]. The table and the
//! struct are generated together by one macro (`define_flags!`), so they cannot drift
//! apart, and a misspelt flag is a compile error: nothing looks a flag's value up by name.
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
        extension: true,
        ..flag(name, kind, default, usage)
    }
}

/// A flag's Rust type, from its [`FlagKind`] (`Dur` is `FlagKind::Duration`).
macro_rules! flag_type {
    (Str) => {
        String
    };
    (Int) => {
        i64
    };
    (Bool) => {
        bool
    };
    (Dur) => {
        time::Duration
    };
}

/// Generates, from one line per flag, both the table [`FLAGS`] (what help, completions
/// and the man page read) and the typed struct [`Flags`] (what commands read): so a flag
/// has a field of the type its kind says, and a misspelt field does not compile.
macro_rules! define_flags {
    ($( $which:ident $field:ident $name:literal : $kind:ident = $default:literal, $usage:literal; )*) => {
        /// Every flag: cfssl's `registerFlags` (docs/cfssl-compat.md §1.4, verbatim, same
        /// order), then ours.
        pub static FLAGS: &[FlagSpec] = &[ $( $which($name, $kind, $default, $usage), )* ];

        /// Every flag's value, typed, filled once by [`parse`]: one field per entry of
        /// [`FLAGS`], named after it (`-ca-key` is `ca_key`). Every cfssl flag is here,
        /// as every command accepts every flag; the ones no cfssl-rs command reads are
        /// never read.
        #[allow(dead_code)]
        #[derive(Debug, Clone, PartialEq)]
        pub struct Flags {
            $(
                #[doc = concat!("`-", $name, "` (default `", $default, "`): ", $usage)]
                pub $field: flag_type!($kind),
            )*
            /// Which flags the command line set, for the few commands whose meaning
            /// depends on it (`db list -status`: no filter unless given).
            pub given: Given,
        }

        /// One `bool` per flag: whether the command line set it (even to its default).
        #[allow(dead_code)]
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Given {
            $(
                #[doc = concat!("`-", $name, "` was given.")]
                pub $field: bool,
            )*
        }

        impl Flags {
            /// Every field at its type's zero value (not the flag defaults).
            fn zero() -> Self {
                Self { $( $field: Default::default(), )* given: Given::default() }
            }

            /// Whether the command line set the flag called `name` (even to its default).
            pub fn was_given(&self, name: &str) -> bool {
                match name {
                    $( $name => self.given.$field, )*
                    _ => false,
                }
            }

            /// Records that the flag called `name` was given.
            fn mark_given(&mut self, name: &str) {
                match name {
                    $( $name => self.given.$field = true, )*
                    _ => {}
                }
            }

            /// Parses `raw` into the field of the flag called `name`; `None` if there is
            /// no such flag.
            fn assign(&mut self, name: &str, raw: &str) -> Option<Result<(), ValueError>> {
                match name {
                    $( $name => Some(FlagValue::parse(raw).map(|v| self.$field = v)), )*
                    _ => None,
                }
            }
        }

        /// Each flag's name and its field's name, for the test that they correspond.
        #[cfg(test)]
        const FIELDS: &[(&str, &str)] = &[ $( ($name, stringify!($field)), )* ];
    };
}

use FlagKind::{Bool, Duration as Dur, Int, Str};

// Every flag: cfssl's `registerFlags` (docs/cfssl-compat.md §1.4, verbatim, same order), then
// ours. One line per flag: `flag`/`ext`, the field, the name, the kind, the default as Go
// prints it, the description. It generates both [`FLAGS`] and [`Flags`].
define_flags! {
    flag hostname "hostname": Str = "", "Hostname for the cert, could be a comma-separated hostname list";
    flag cert "cert": Str = "", "Client certificate that contains the public key";
    flag csr "csr": Str = "", "Certificate signature request file for new public key";
    flag ca "ca": Str = "", "CA used to sign the new certificate -- accepts '[file:]fname' or 'env:varname'; cfssl-rs pkcs12: the chain, PEM certificates stored after -cert in file order";
    flag ca_key "ca-key": Str = "", "CA private key -- accepts '[file:]fname' or 'env:varname'; cfssl-rs: or a pkcs11: URI naming a key in a token";
    flag tls_cert "tls-cert": Str = "", "Other endpoint CA to set up TLS protocol";
    flag tls_key "tls-key": Str = "", "Other endpoint CA private key";
    flag mutual_tls_ca "mutual-tls-ca": Str = "", "Mutual TLS - require clients be signed by this CA ";
    flag mutual_tls_cn "mutual-tls-cn": Str = "", "Mutual TLS - regex for whitelist of allowed client CNs";
    flag tls_remote_ca "tls-remote-ca": Str = "", "CAs to trust for remote TLS requests";
    flag mutual_tls_client_cert "mutual-tls-client-cert": Str = "", "Mutual TLS - client certificate to call remote instance requiring client certs";
    flag mutual_tls_client_key "mutual-tls-client-key": Str = "", "Mutual TLS - client key to call remote instance requiring client certs";
    flag key "key": Str = "", "private key for the certificate";
    flag intermediates "intermediates": Str = "", "intermediate certs";
    flag ca_bundle "ca-bundle": Str = "", "path to root certificate store";
    flag int_bundle "int-bundle": Str = "", "path to intermediate certificate store";
    flag address "address": Str = "127.0.0.1", "Address to bind";
    flag port "port": Int = "8888", "Port to bind";
    flag min_tls_version "min-tls-version": Str = "", "Minimum version of TLS to use, defaults to 1.0";
    flag config "config": Str = "", "path to configuration file";
    flag profile "profile": Str = "", "signing profile to use";
    flag initca "initca": Bool = "false", "initialise new CA";
    flag renewca "renewca": Bool = "false", "re-generate a CA certificate from existing CA certificate/key";
    flag int_dir "int-dir": Str = "", "specify intermediates directory";
    flag flavor "flavor": Str = "ubiquitous", "Bundle Flavor: ubiquitous, optimal and force.";
    flag metadata "metadata": Str = "", "platform metadata for -flavor ubiquitous: a JSON list of {\"name\", \"weight\", \"hash_algo\" (SHA1, SHA2), \"key_algo\" (RSA, ECDSA256, ECDSA384, ECDSA521), \"keystore\" (PEM file of the platform's roots, relative to this file)}";
    flag domain "domain": Str = "", "remote server domain name";
    flag ip "ip": Str = "", "remote server ip";
    flag remote "remote": Str = "", "remote CFSSL server";
    flag label "label": Str = "", "key label to use in remote CFSSL server; cfssl-rs: with -db-config, the CA label recorded with each certificate";
    flag authkey "authkey": Str = "", "key to authenticate requests to remote CFSSL server";
    flag responder "responder": Str = "", "Certificate for OCSP responder";
    flag responder_key "responder-key": Str = "", "private key for OCSP responder certificate; cfssl-rs: or a pkcs11: URI naming a key in a token";
    flag status "status": Str = "good", "Status of the certificate: good, revoked, unknown";
    flag reason "reason": Str = "0", "Reason code for revocation";
    flag revoked_at "revoked-at": Str = "now", "Date of revocation (YYYY-MM-DD)";
    flag interval "interval": Dur = "96h0m0s", "Interval between OCSP updates (default: 96h)";
    flag list "list": Bool = "false", "list possible scanners; cfssl-rs lint: print every lint (name, severity, source, what it reads, citation) instead of linting a file";
    flag family "family": Str = "", "scanner family regular expression";
    flag scanner "scanner": Str = "", "scanner regular expression";
    flag timeout "timeout": Dur = "5m0s", "duration (ns, us, ms, s, m, h) to scan each host before timing out";
    flag csv "csv": Str = "", "file containing CSV of hosts";
    flag num_workers "num-workers": Int = "10", "number of workers to use for scan";
    flag max_hosts "max-hosts": Int = "100", "maximum number of hosts to scan";
    flag responses "responses": Str = "", "file to load OCSP responses from";
    flag path "path": Str = "/", "Path on which the server will listen";
    flag crl "crl": Str = "", "CRL URL Override";
    flag password "password": Str = "0", "Password for accessing PKCS #12 data passed to bundler";
    flag usage "usage": Str = "", "usage of private key";
    flag pgp_private "pgp-private": Str = "", "file to load a PGP Private key decryption";
    flag pgp_name "pgp-name": Str = "", "PGP public key name, can be a comma-separated  key name list";
    flag serial "serial": Str = "", "certificate serial number";
    flag cn "cn": Str = "", "certificate common name (CN)";
    flag aki "aki": Str = "", "certificate issuer (authority) key identifier";
    flag db_config "db-config": Str = "", "certificate db configuration file";
    flag expiry "expiry": Dur = "168h0m0s", "time from now after which the CRL will expire (default: one week)";
    flag loglevel "loglevel": Int = "1", "Log level (0 = DEBUG, 5 = FATAL)";
    flag disable "disable": Str = "", "endpoints to disable";
    // multirootca's own flag set (cmd/multirootca, docs/cfssl-lifecycle.md §10).
    flag a "a": Str = ":8888", "multirootca: listening address (host:port; an empty host listens on every interface)";
    flag roots "roots": Str = "", "multirootca: configuration file specifying root keys";
    flag l "l": Str = "", "multirootca: specify a default label";
    // cfssl-rs extensions.
    ext encrypt_key "encrypt-key": Bool = "false", "write the new private key encrypted (PKCS#8, scrypt + AES-256-CBC) with the password of -password-file, CFSSL_KEY_PASSWORD or a prompt";
    ext password_file "password-file": Str = "", "file whose first line is the password of an encrypted key (else CFSSL_CA_PK_PASSWORD for a CA key, CFSSL_KEY_PASSWORD, or a prompt); pkcs12: the password of the PKCS#12 file (else CFSSL_PKCS12_PASSWORD, or a prompt asked twice)";
    ext json "json": Bool = "false", "print JSON instead of YAML; lint: print the findings (or -list) as a JSON array; ceremony verify: print the report as one JSON object";
    ext allow_privileged "allow-privileged": Bool = "false", "allow requesting privileged Kubernetes identities (such as group system:masters)";
    ext name "name": Str = "", "name of the Kubernetes object; pkcs12: the friendly name of the key and certificate (Java's alias)";
    ext signer "signer": Str = "", "Kubernetes signerName of the CertificateSigningRequest";
    ext usages "usages": Str = "", "comma-separated key usages requested in the CertificateSigningRequest";
    ext expiration "expiration": Str = "", "requested certificate lifetime, a Go duration such as 8760h";
    ext cluster "cluster": Str = "", "Kubernetes cluster name";
    ext server "server": Str = "", "Kubernetes API server URL";
    ext user "user": Str = "", "Kubernetes user name";
    ext batch "batch": Str = "", "sign every DIR/*.csr in parallel, writing DIR/NAME.pem";
    ext context "context": Str = "", "kubeconfig context name (default USER@CLUSTER)";
    ext expiring "expiring": Str = "", "list only certificates that expire within this time (e.g. 30d, 720h) and exit 1 if there are any";
    ext ca_label "ca-label": Str = "", "list only certificates recorded with this CA label";
    ext m "m": Int = "0", "key split: how many shares restore the key (the threshold M, at least 2)";
    ext n "n": Int = "0", "key split: how many shares to make (N, at most 255)";
    ext key_uri "key-uri": Str = "", "make the new private key inside the PKCS#11 token this pkcs11: URI names (object= is its label, id= its CKA_ID); no key is printed or written";
    ext out "out": Str = "", "key split: the directory the shares are written to; key combine, pkcs12: the file to write, mode 0600, never over an existing file (else stdout)";
    ext key_password_file "key-password-file": Str = "", "pkcs12: file whose first line is the password of an encrypted -key (else CFSSL_KEY_PASSWORD, or a prompt)";
    ext legacy "legacy": Bool = "false", "pkcs12: encrypt for old Windows and Java: pbeWithSHAAnd3-KeyTripleDES-CBC and an HMAC-SHA1 MAC (default: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC)";
    ext ca_chain "ca-chain": Str = "", "the certificates above -ca, its issuer first (PEM): their name constraints bind what is signed too; each must have issued the one before it";
    ext transcript "transcript": Str = "", "append this signing step to the ceremony transcript FILE (created if absent): inputs, outputs and to-be-signed hashes in a hash chain; checked before signing, written before anything is printed (ceremony run: default ceremony.log next to the ceremony file; ceremony verify and print take the transcript as their argument instead)";
    ext allow_empty_password "allow-empty-password": Bool = "false", "pkcs12: accept an empty password (then anyone with the file has the key)";
    ext allow_unauthenticated "allow-unauthenticated": Bool = "false", "serve: listen on a non-loopback address without -mutual-tls-ca although endpoints that act with the CA (sign without auth_key, newcert, revoke, ocspsign) are enabled, as cfssl does";
    ext yes "yes": Bool = "false", "ceremony run: sign without the typed confirmation (review `ceremony plan FILE` first); needed when there is no terminal";
}

/// The flags each command reads, in the order its help lists them (every command also
/// reads [`COMMON_FLAGS`]). This is what `-h`, `help`, the completions and the man page
/// offer. Every command still accepts every flag of [`FLAGS`], as cfssl's one shared set
/// does; the ones not listed for it change nothing there (and [`UNSUPPORTED`] ones are
/// refused), so they are not offered. A command missing here reads only [`COMMON_FLAGS`].
#[rustfmt::skip]
pub static COMMAND_FLAGS: &[(&str, &[&str])] = &[
    ("bundle", &["cert", "key", "ca-bundle", "int-bundle", "flavor", "password", "metadata"]),
    ("ceremony", &["yes", "transcript", "json"]),
    ("certinfo", &["cert", "csr", "db-config", "serial", "aki"]),
    ("gencert", &["initca", "renewca", "remote", "ca", "ca-key", "ca-chain", "config", "profile", "hostname", "cn", "crl", "db-config", "label", "encrypt-key", "password-file", "key-uri", "transcript", "tls-remote-ca", "mutual-tls-client-cert", "mutual-tls-client-key"]),
    ("crl", &["db-config", "ca", "ca-key", "expiry", "password-file", "transcript"]),
    ("db", &["db-config", "expiring", "status", "ca-label", "json"]),
    ("gencrl", &["password-file", "transcript"]),
    ("gencsr", &["key", "cert", "hostname", "cn", "password-file"]),
    ("genkey", &["initca", "cn", "encrypt-key", "password-file", "key-uri", "transcript"]),
    ("k8s-csr", &["name", "signer", "usages", "expiration", "json"]),
    ("k8s-kubeconfig", &["cluster", "server", "user", "ca", "cert", "key", "context", "json"]),
    ("k8s-review", &["json"]),
    ("key", &["m", "n", "key", "out"]),
    ("lint", &["json", "list"]),
    ("ocspdump", &["db-config"]),
    ("pkcs12", &["cert", "key", "ca", "name", "password-file", "key-password-file", "legacy", "allow-empty-password", "out", "transcript"]),
    ("ocsprefresh", &["db-config", "ca", "responder", "responder-key", "interval", "password-file", "transcript"]),
    ("ocspserve", &["db-config", "responses", "address", "port", "path"]),
    ("ocspsign", &["ca", "responder", "responder-key", "cert", "status", "reason", "revoked-at", "interval", "password-file", "transcript"]),
    ("info", &["remote", "label", "profile", "config", "ca", "tls-remote-ca", "mutual-tls-client-cert", "mutual-tls-client-key"]),
    ("revoke", &["db-config", "remote", "serial", "aki", "reason", "tls-remote-ca", "mutual-tls-client-cert", "mutual-tls-client-key"]),
    ("k8s-sign", &["ca", "ca-key", "ca-chain", "config", "profile", "allow-privileged", "db-config", "label", "password-file", "transcript"]),
    ("selfsign", &["config", "profile", "cn", "encrypt-key", "password-file", "transcript"]),
    ("multirootca", &["a", "roots", "l", "tls-cert", "tls-key", "password-file"]),
    ("serve", &["address", "port", "min-tls-version", "ca", "ca-key", "config", "responder", "responder-key", "interval", "ca-bundle", "int-bundle", "metadata", "tls-cert", "tls-key", "mutual-tls-ca", "mutual-tls-cn", "db-config", "disable", "allow-unauthenticated", "ca-chain", "password-file"]),
    ("sign", &["ca", "ca-key", "ca-chain", "remote", "config", "profile", "label", "hostname", "csr", "batch", "db-config", "password-file", "transcript", "tls-remote-ca", "mutual-tls-client-cert", "mutual-tls-client-key"]),
];

/// Whether `command` reads the flag `flag` (its [`COMMAND_FLAGS`] entry lists it). Used
/// for the flags whose presence promises something — `-db-config` (a record) and `-label`
/// (the record's CA label) — which are refused where nothing would honour them.
pub fn reads(command: &str, flag: &str) -> bool {
    COMMAND_FLAGS
        .iter()
        .any(|(name, flags)| *name == command && flags.contains(&flag))
}

/// The commands that read the flag `flag`, in [`COMMAND_FLAGS`] order: what a refusal of
/// an extension flag names as the places it belongs.
pub fn readers(flag: &str) -> Vec<&'static str> {
    COMMAND_FLAGS
        .iter()
        .filter(|(_, flags)| flags.contains(&flag))
        .map(|(name, _)| *name)
        .collect()
}

/// The flags every command reads (cfssl lists `-loglevel` in every command's usage).
pub static COMMON_FLAGS: &[&str] = &["loglevel"];

/// The flags whose value names a file or directory (completions offer paths for them).
/// `-ca` and `-ca-key` also take `env:NAME`.
pub static PATH_FLAGS: &[&str] = &[
    "cert",
    "csr",
    "ca-bundle",
    "int-bundle",
    "metadata",
    "ca",
    "ca-key",
    "key",
    "config",
    "password-file",
    "key-password-file",
    "batch",
    "db-config",
    "responder",
    "responder-key",
    "responses",
    "out",
    "transcript",
    "tls-remote-ca",
    "mutual-tls-client-cert",
    "mutual-tls-client-key",
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
#[derive(Debug, Clone, Copy)]
pub struct Unsupported {
    /// Name without the leading dash.
    pub name: &'static str,
    /// Its value in [`Flags`].
    pub value: fn(&Flags) -> &str,
    /// Why it cannot be honoured, and what to do.
    pub reason: &'static str,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "-{}: cfssl-rs {}", self.name, self.reason)
    }
}

/// The flags of the shared set that cfssl-rs refuses (issue 12; see [`Unsupported`]). The
/// other cfssl flags are read by some cfssl-rs command, or only by cfssl commands that
/// cfssl-rs refuses as a whole (`serve -port`, `scan -timeout`, `ocspsign -status`, …):
/// those change nothing where cfssl-rs accepts them, as in cfssl, and stay accepted.
#[rustfmt::skip]
pub static UNSUPPORTED: &[Unsupported] = &[
    Unsupported { name: "authkey", value: |f| &f.authkey, reason: "does not read -authkey, and neither does cfssl (the flag is defined but never used): a remote request is authenticated with the key the profile's auth_remote names in the -config's auth_keys" },
];

/// The registered flag called `name`, if any.
pub fn lookup(name: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.name == name)
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

impl Default for Flags {
    /// Every flag at its default value.
    fn default() -> Self {
        let mut flags = Self::zero();
        for spec in FLAGS {
            // Every default parses (tested), so this sets every field.
            let _ = flags.assign(spec.name, spec.default);
        }
        flags
    }
}

impl Flags {
    /// The first [`UNSUPPORTED`] flag given with a non-empty value.
    pub fn first_unsupported(&self) -> Option<Unsupported> {
        UNSUPPORTED
            .iter()
            .find(|u| !(u.value)(self).is_empty())
            .copied()
    }

    /// Sets a flag from its textual value, as the command line would.
    ///
    /// # Errors
    /// Go's message for an unknown flag or a value of the wrong syntax.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), FlagError> {
        let undefined = || FlagError::Invalid(format!("flag provided but not defined: -{name}"));
        let spec = lookup(name).ok_or_else(undefined)?;
        self.mark_given(name);
        self.assign(name, raw)
            .ok_or_else(undefined)?
            .map_err(|reason| {
                let quoted = go_quote(raw);
                FlagError::Invalid(if spec.kind == Bool {
                    format!("invalid boolean value {quoted} for -{name}: {reason}")
                } else {
                    format!("invalid value {quoted} for flag -{name}: {reason}")
                })
            })
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

/// A flag value type: parsed from the command line as Go's `flag` package does.
trait FlagValue: Sized {
    fn parse(raw: &str) -> Result<Self, ValueError>;
}

impl FlagValue for String {
    fn parse(raw: &str) -> Result<Self, ValueError> {
        Ok(raw.to_owned())
    }
}

impl FlagValue for bool {
    fn parse(raw: &str) -> Result<Self, ValueError> {
        parse_go_bool(raw).ok_or(ValueError::Parse)
    }
}

impl FlagValue for i64 {
    fn parse(raw: &str) -> Result<Self, ValueError> {
        parse_go_int(raw)
    }
}

impl FlagValue for time::Duration {
    fn parse(raw: &str) -> Result<Self, ValueError> {
        raw.parse::<GoDuration>()
            .map(|d| d.as_time_duration())
            .map_err(|_| ValueError::Parse)
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
    pub flags: Flags,
    /// Positional arguments, in order.
    pub positionals: Vec<String>,
}

/// Parses a command's arguments (everything after the command name) over [`FLAGS`].
///
/// # Errors
/// [`FlagError::Help`] for `-h`/`-help`; [`FlagError::Invalid`] with Go's message
/// otherwise.
pub fn parse(args: &[String]) -> Result<Parsed, FlagError> {
    let mut flags = Flags::default();
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
            assert_eq!(
                Flags::zero().assign(f.name, f.default),
                Some(Ok(())),
                "{}",
                f.name
            );
        }
    }

    /// The table and the struct come from one macro; this checks the field names follow
    /// the flag names, and that setting a flag by name reaches its own field.
    #[test]
    fn every_flag_has_its_own_field() {
        assert_eq!(FIELDS.len(), FLAGS.len());
        for ((name, field), spec) in FIELDS.iter().zip(FLAGS) {
            assert_eq!(*name, spec.name);
            assert_eq!(name.replace('-', "_"), *field);
        }
        for spec in FLAGS {
            let raw = match spec.kind {
                Str => "x",
                Int => "7",
                Bool => "true",
                Dur => "3s",
            };
            let mut f = Flags::default();
            f.set(spec.name, raw)
                .unwrap_or_else(|e| unreachable!("{e}"));
            let changed = FLAGS
                .iter()
                .filter(|other| {
                    let mut g = f.clone();
                    g.set(other.name, other.default)
                        .unwrap_or_else(|e| unreachable!("{e}"));
                    // Only the values count here; `given` is tested on its own.
                    g.given = f.given.clone();
                    g != f
                })
                .map(|other| other.name)
                .collect::<Vec<_>>();
            if spec.default != raw {
                assert_eq!(changed, [spec.name]);
            }
        }
    }

    #[test]
    fn given_records_what_the_command_line_set() {
        let args: Vec<String> = ["-status", "good", "-loglevel=1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let parsed = parse(&args).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(parsed.flags.given.status && parsed.flags.given.loglevel);
        assert!(!parsed.flags.given.reason && !Flags::default().given.status);
        assert!(parsed.flags.was_given("status") && parsed.flags.was_given("loglevel"));
        assert!(!parsed.flags.was_given("reason") && !parsed.flags.was_given("no-such-flag"));
        assert_eq!(parsed.flags.status, Flags::default().status);
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
        for u in UNSUPPORTED {
            let mut f = Flags::default();
            f.set(u.name, "v").unwrap_or_else(|e| unreachable!("{e}"));
            assert_eq!((u.value)(&f), "v", "{}", u.name);
            assert_eq!(f.first_unsupported().map(|u| u.name), Some(u.name));
        }
        let mut f = Flags::default();
        assert!(f.first_unsupported().is_none());
        // The remote client's flags are read by sign, gencert, info and revoke.
        for name in ["remote", "label", "tls-remote-ca", "mutual-tls-client-cert"] {
            f.set(name, "x").unwrap_or_else(|e| unreachable!("{e}"));
        }
        assert!(f.first_unsupported().is_none());
        f.set("authkey", "k")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let refused = f.first_unsupported().map(|u| u.to_string());
        assert!(
            refused.is_some_and(|m| m.starts_with("-authkey: cfssl-rs does not read -authkey")),
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
        let f = Flags::default();
        assert_eq!(f.port, 8888);
        assert_eq!(f.loglevel, 1);
        assert_eq!(f.address, "127.0.0.1");
        assert_eq!(f.ca, "");
        assert!(!f.initca);
        assert_eq!(f.interval, time::Duration::hours(96));
        assert_eq!(f.timeout, time::Duration::minutes(5));
        assert_eq!(f.expiry, time::Duration::hours(168));
        assert_eq!(f.flavor, "ubiquitous");
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
        assert_eq!(p.flags.ca, "a");
        assert_eq!(p.flags.ca_key, "b");
        assert_eq!(p.flags.config, "c");
        assert!(p.flags.initca);
        assert_eq!(p.positionals, args(&["x", "-", "y"]));
    }

    #[test]
    fn double_dash_ends_flags_and_last_wins() {
        let p = parse(&args(&["-ca=1", "-ca", "2", "--", "-initca", "--"]))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.flags.ca, "2");
        assert!(!p.flags.initca);
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
            assert_eq!(p.flags.initca, want, "{v}");
        }
        // `-initca false`: `false` is a positional.
        let p = parse(&args(&["-initca", "false"])).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.flags.initca);
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
            assert_eq!(time::Duration::parse(raw), Ok(want), "{raw}");
        }
        for raw in ["", "1", "1y", "1h ", "2562047h47m16.854775808s"] {
            assert_eq!(
                time::Duration::parse(raw),
                Err(ValueError::Parse),
                "{raw:?}"
            );
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
