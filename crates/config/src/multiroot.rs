//! `multirootca`'s roots file (`-roots`): which CAs one server signs for, by label
//! (cfssl `multiroot/config`, docs/cfssl-lifecycle.md §10).
//!
//! ```text
//! # comment (only in the first column)
//! [ primary ]
//! private = file://primary-key.pem
//! certificate = primary.pem
//! config = primary-config.json
//! nets = 10.0.0.0/8, 127.0.0.1/32
//! dbconfig = db-config.json
//! ```
//!
//! Lines are read as cfssl's regular expressions read them: a section header `[ label ]`
//! (word characters), `key = value` with the value optionally in quotes, blank lines, and
//! `#` comments starting in the first column; anything else makes the whole file
//! `invalid config file`. Lines before the first header belong to the section `default`,
//! which is then a root like any other. A section named twice merges, the last value of a
//! key winning.
//!
//! Where cfssl-rs is stricter (docs/differences.md, "multirootca"): cfssl ignores keys it
//! does not know, so a misspelt `dbconfig` silently issues unrecorded certificates; here
//! an unknown key is an error naming it and its section. Red October (`rofile://`) is not
//! supported and says so, instead of cfssl's generic `unsupported private key scheme`
//! for schemes it does not know, which is kept for those. A `pkcs11:` URI is accepted as
//! the private key (cfssl-rs's token keys), in addition to cfssl's `file://`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Why a roots file was refused; `Display` is cfssl's text where cfssl has one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootsError {
    /// The file could not be read (Go's `open <path>: <reason>` shape).
    #[error("open {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line that is no header, setting, comment or blank (cfssl's text; the line number
    /// is ours, as `line N`).
    #[error("invalid config file (line {line}: {text:?})")]
    InvalidLine {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// A root without `private`.
    #[error("config: root is missing private key spec (section [{label}])")]
    MissingPrivateKey {
        /// The section.
        label: String,
    },
    /// A root without `certificate`.
    #[error("config: root is missing certificate path (section [{label}])")]
    MissingCertificatePath {
        /// The section.
        label: String,
    },
    /// A root without `config`.
    #[error("config: root is missing configuration file path (section [{label}])")]
    MissingConfigPath {
        /// The section.
        label: String,
    },
    /// A `private` value whose scheme is neither `file://` nor `pkcs11:`.
    #[error("config: unsupported private key scheme (section [{label}]: {spec:?})")]
    UnsupportedScheme {
        /// The section.
        label: String,
        /// The value.
        spec: String,
    },
    /// `rofile://`: Red October.
    #[error(
        "config: section [{label}]: Red October keys (rofile://) are not supported by cfssl-rs; \
         decrypt the key into a file:// key or keep it in a PKCS#11 token (pkcs11: URI)"
    )]
    RedOctober {
        /// The section.
        label: String,
    },
    /// A key cfssl does not read (or reads only for Red October).
    #[error(
        "config: section [{label}]: unknown key {key:?} (known: private, certificate, config, nets, dbconfig)"
    )]
    UnknownKey {
        /// The section.
        label: String,
        /// The key.
        key: String,
    },
    /// A `nets` entry that is not a CIDR block (Go's `net.ParseCIDR` text).
    #[error("invalid CIDR address: {text} (section [{label}] nets)")]
    BadCidr {
        /// The section.
        label: String,
        /// The entry.
        text: String,
    },
    /// A file without any root.
    #[error("config: invalid configuration (no roots in the file)")]
    Empty,
}

/// Where a root's private key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootKeySpec {
    /// `file://PATH`: a PEM or DER key file (cfssl joins the URL's host and path, so
    /// `file://ca-key.pem` is the relative path `ca-key.pem`).
    File(PathBuf),
    /// `pkcs11:…`: a key in a token (RFC 7512 URI, as `-ca-key` takes it).
    Pkcs11(String),
}

/// A CIDR block of `nets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    /// The network address (host bits cleared, as Go's `ParseCIDR` returns it).
    pub network: IpAddr,
    /// The prefix length.
    pub prefix: u8,
}

impl IpNet {
    /// Go's `net.ParseCIDR`: `addr/len`, IPv4 or IPv6.
    pub fn parse(text: &str) -> Option<IpNet> {
        let (addr, len) = text.split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 3 {
            return None;
        }
        let prefix: u8 = len.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return None;
        }
        Some(IpNet {
            network: mask(addr, prefix),
            prefix,
        })
    }

    /// Whether `ip` is inside the block. An IPv4 address given as IPv4-mapped IPv6
    /// (`::ffff:10.0.0.1`, as a dual-stack socket reports it) counts as IPv4, as in Go.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let kept = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((bits & kept).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let kept = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((bits & kept).into())
        }
    }
}

/// One root of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootSpec {
    /// The private key.
    pub private: RootKeySpec,
    /// The CA certificate, PEM.
    pub certificate: PathBuf,
    /// The cfssl signing configuration whose `signing` policy this root uses.
    pub config: PathBuf,
    /// Clients allowed to use this root (empty: everyone).
    pub nets: Vec<IpNet>,
    /// A db-config file: issued certificates are recorded with this root's label.
    pub dbconfig: Option<PathBuf>,
}

/// The roots of a file, by label (sorted).
pub type Roots = BTreeMap<String, RootSpec>;

/// Reads and checks a roots file (paths inside are used as written: relative to the
/// server's working directory, as in cfssl).
///
/// # Errors
/// [`RootsError`].
pub fn load_roots(path: &Path) -> Result<Roots, RootsError> {
    let text = std::fs::read(path).map_err(|source| RootsError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_roots(&String::from_utf8_lossy(&text))
}

/// [`load_roots`] over the file's text.
///
/// # Errors
/// [`RootsError`].
pub fn parse_roots(text: &str) -> Result<Roots, RootsError> {
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(label) = section_header(line) {
            sections.entry(label.to_owned()).or_default();
            current = Some(label.to_owned());
        } else if let Some((key, value)) = setting(line) {
            let section = current.get_or_insert_with(|| "default".to_owned()).clone();
            sections
                .entry(section)
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        } else {
            return Err(RootsError::InvalidLine {
                line: index + 1,
                text: line.to_owned(),
            });
        }
    }
    if sections.is_empty() {
        return Err(RootsError::Empty);
    }
    sections
        .into_iter()
        .map(|(label, settings)| {
            let root = root_spec(&label, &settings)?;
            Ok((label, root))
        })
        .collect()
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `^\s*\[\s*(\w+)\s*\]\s*$`
fn section_header(line: &str) -> Option<&str> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    is_word(inner).then_some(inner)
}

/// `^\s*(\w+)\s*=\s*(.*)\s*$`, with `["'](.*)["']` for quoted values.
fn setting(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    if !is_word(key) {
        return None;
    }
    let value = value.trim_start();
    let trimmed = value.trim_end();
    let quoted =
        trimmed.len() >= 2 && trimmed.starts_with(['"', '\'']) && trimmed.ends_with(['"', '\'']);
    Some((
        key,
        if quoted {
            &trimmed[1..trimmed.len() - 1]
        } else {
            value
        },
    ))
}

fn root_spec(label: &str, settings: &BTreeMap<String, String>) -> Result<RootSpec, RootsError> {
    const KNOWN: [&str; 5] = ["private", "certificate", "config", "nets", "dbconfig"];
    let uses_red_october = settings
        .get("private")
        .is_some_and(|p| p.starts_with("rofile:"));
    for key in settings.keys() {
        let red_october_setting = uses_red_october && key.starts_with("ro_");
        if !(KNOWN.contains(&key.as_str()) || red_october_setting) {
            return Err(RootsError::UnknownKey {
                label: label.to_owned(),
                key: key.clone(),
            });
        }
    }
    let spec = settings
        .get("private")
        .ok_or_else(|| RootsError::MissingPrivateKey {
            label: label.to_owned(),
        })?;
    let certificate =
        settings
            .get("certificate")
            .ok_or_else(|| RootsError::MissingCertificatePath {
                label: label.to_owned(),
            })?;
    let config = settings
        .get("config")
        .ok_or_else(|| RootsError::MissingConfigPath {
            label: label.to_owned(),
        })?;
    let private = if let Some(rest) = spec.strip_prefix("file://") {
        // cfssl: filepath.Join(url.Host, url.Path); `file:///abs` is absolute.
        RootKeySpec::File(PathBuf::from(rest))
    } else if spec.starts_with("pkcs11:") {
        RootKeySpec::Pkcs11(spec.clone())
    } else if uses_red_october {
        return Err(RootsError::RedOctober {
            label: label.to_owned(),
        });
    } else {
        return Err(RootsError::UnsupportedScheme {
            label: label.to_owned(),
            spec: spec.clone(),
        });
    };
    let nets = match settings.get("nets").map(String::as_str) {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|entry| {
                IpNet::parse(entry.trim()).ok_or_else(|| RootsError::BadCidr {
                    label: label.to_owned(),
                    text: entry.trim().to_owned(),
                })
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(RootSpec {
        private,
        certificate: PathBuf::from(certificate),
        config: PathBuf::from(config),
        nets,
        dbconfig: settings
            .get("dbconfig")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cfssls_format() -> Result<(), RootsError> {
        let roots = parse_roots(
            "# roots\n\
             [ primary ]\n\
             private = file://primary-key.pem\n\
             certificate = primary.pem\n\
             config = \"config.json\"\n\
             nets = 10.0.0.0/8, 127.0.0.1/32\n\
             dbconfig = db.json\n\
             \n\
             [backup]\n\
             private='pkcs11:token=ca;object=backup?module-path=/usr/lib/softhsm/libsofthsm2.so'\n\
             certificate = /etc/ca/backup.pem\n\
             config = config.json\n",
        )?;
        assert_eq!(roots.keys().collect::<Vec<_>>(), ["backup", "primary"]);
        let primary = &roots["primary"];
        assert_eq!(primary.private, RootKeySpec::File("primary-key.pem".into()));
        assert_eq!(primary.config, PathBuf::from("config.json"));
        assert_eq!(primary.dbconfig, Some(PathBuf::from("db.json")));
        assert_eq!(primary.nets.len(), 2);
        assert!(primary.nets[0].contains("10.1.2.3".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(matches!(roots["backup"].private, RootKeySpec::Pkcs11(_)));
        assert!(roots["backup"].nets.is_empty());
        Ok(())
    }

    #[test]
    fn lines_before_a_section_are_the_default_root() -> Result<(), RootsError> {
        let roots = parse_roots("private = file:///k.pem\ncertificate = c.pem\nconfig = f.json\n")?;
        assert_eq!(roots["default"].private, RootKeySpec::File("/k.pem".into()));
        Ok(())
    }

    #[test]
    fn refusals() {
        let err = |text: &str| parse_roots(text).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err("[a]\n  # indented comment\n"),
            Err("invalid config file (line 2: \"  # indented comment\")".into())
        );
        assert_eq!(
            err("[a]\ncertificate = c\nconfig = f\n"),
            Err("config: root is missing private key spec (section [a])".into())
        );
        assert_eq!(
            err("[a]\nprivate = file://k\nconfig = f\n"),
            Err("config: root is missing certificate path (section [a])".into())
        );
        assert_eq!(
            err("[a]\nprivate = file://k\ncertificate = c\n"),
            Err("config: root is missing configuration file path (section [a])".into())
        );
        assert!(
            err("[a]\nprivate = http://k\ncertificate = c\nconfig = f\n")
                .is_err_and(|e| e.starts_with("config: unsupported private key scheme"))
        );
        assert!(
            err("[a]\nprivate = rofile://k\nro_server = x\ncertificate = c\nconfig = f\n")
                .is_err_and(|e| e.contains("Red October"))
        );
        assert!(
            err("[a]\nprivate = file://k\ncertificate = c\nconfig = f\ndb_config = d\n")
                .is_err_and(|e| e.contains("unknown key \"db_config\""))
        );
        assert!(
            err("[a]\nprivate = file://k\ncertificate = c\nconfig = f\nnets = 10.0.0.0/33\n")
                .is_err_and(|e| e.starts_with("invalid CIDR address: 10.0.0.0/33"))
        );
        assert!(err("# nothing\n").is_err());
    }

    #[test]
    fn cidr_blocks_match_like_go() {
        let net = IpNet::parse("10.1.2.3/8");
        assert_eq!(net.map(|n| n.network), Some(IpAddr::from([10, 0, 0, 0])));
        let Some(net) = net else { return };
        assert!(net.contains(IpAddr::from([10, 255, 0, 1])));
        assert!(!net.contains(IpAddr::from([11, 0, 0, 1])));
        let mapped: IpAddr = "::ffff:10.0.0.1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert!(net.contains(mapped));
        assert!(
            IpNet::parse("::1/128").is_some_and(|n| n.contains("::1".parse().unwrap_or(mapped)))
        );
        assert!(IpNet::parse("0.0.0.0/0").is_some_and(|n| n.contains(IpAddr::from([8, 8, 8, 8]))));
        assert!(IpNet::parse("10.0.0.0").is_none());
        assert!(IpNet::parse("10.0.0.0/-1").is_none());
        assert!(IpNet::parse("x/8").is_none());
    }
}
