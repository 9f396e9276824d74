//! Flag values resolved into what the workflows take (ripgrep's "high-level args"): the
//! `-hostname` list, the CA flags a local signer needs, how an input is named in a
//! message, and where the password of an encrypted key may come from. Pure functions of
//! the flags; the binary does the reading and prompting.

use cfssl_csr::CsrError;
use cfssl_keys::KeyError;

use crate::CliError;
use crate::flags::Flags;

/// `-hostname a,b` → `Some(["a","b"])` (no trimming, as cfssl); empty → `None`. An empty
/// item (`a,,b`, `a,`, `,`) is refused (1300): cfssl makes it an empty dNSName, which
/// matches nothing and is a typo, not a request.
///
/// # Errors
/// [`CsrError::EmptyHostname`] naming the position.
pub fn hostnames(flags: &Flags) -> Result<Option<Vec<String>>, CliError> {
    let h = flags.hostname.as_str();
    if h.is_empty() {
        return Ok(None);
    }
    let hosts: Vec<String> = h.split(',').map(str::to_owned).collect();
    if let Some(i) = hosts.iter().position(String::is_empty) {
        return Err(CsrError::EmptyHostname { position: i + 1 }.into());
    }
    Ok(Some(hosts))
}

/// docs/differences.md #5: cfssl logs "need a CA …" and exits 0 when `-ca`/`-ca-key` are
/// missing without `-config`; we exit 1 with the same words (`article` is cfssl's: `""`
/// or `"a "`).
///
/// # Errors
/// `need CA certificate (provide one with -ca)` or `need CA key (provide one with -ca-key)`.
pub fn require_ca(flags: &Flags, config_loaded: bool, article: &str) -> Result<(), CliError> {
    if config_loaded {
        return Ok(());
    }
    if flags.ca.is_empty() {
        return Err(CliError::plain(format!(
            "need {article}CA certificate (provide one with -ca)"
        )));
    }
    if flags.ca_key.is_empty() {
        return Err(CliError::plain(format!(
            "need {article}CA key (provide one with -ca-key)"
        )));
    }
    Ok(())
}

/// An input's name in a message: `-` is shown as "stdin".
pub fn display_name(name: &str) -> String {
    if name == "-" {
        "stdin".into()
    } else {
        name.to_owned()
    }
}

/// Whose key is being read: a CA key prefers cfssl's own password variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// `-ca-key`, the `gencrl` KEY argument.
    Ca,
    /// `-key` (gencsr).
    Other,
    /// The key `pkcs12` exports: its password file is `-key-password-file`, since
    /// `-password-file` there is the PKCS#12 file's password.
    Exported,
}

/// cfssl's variable for the CA key's password (`CFSSL_CA_PK_PASSWORD`).
pub const CA_PASSWORD_VARIABLE: &str = "CFSSL_CA_PK_PASSWORD";
/// Ours, for any key (`CFSSL_KEY_PASSWORD`).
pub const KEY_PASSWORD_VARIABLE: &str = "CFSSL_KEY_PASSWORD";
/// Ours, for the password of a new PKCS#12 file (`CFSSL_PKCS12_PASSWORD`).
pub const PKCS12_PASSWORD_VARIABLE: &str = "CFSSL_PKCS12_PASSWORD";

/// The environment variables that may hold the password of a key of this role, in order.
pub fn password_variables(role: KeyRole) -> &'static [&'static str] {
    match role {
        KeyRole::Ca => &[CA_PASSWORD_VARIABLE, KEY_PASSWORD_VARIABLE],
        KeyRole::Other | KeyRole::Exported => &[KEY_PASSWORD_VARIABLE],
    }
}

/// The flag naming the file that holds the password of a key of this role.
pub fn password_file_flag(role: KeyRole) -> &'static str {
    match role {
        KeyRole::Ca | KeyRole::Other => "password-file",
        KeyRole::Exported => "key-password-file",
    }
}

/// The file that holds the password of a key of this role (empty: none given).
pub fn password_file(flags: &Flags, role: KeyRole) -> &str {
    match role {
        KeyRole::Ca | KeyRole::Other => &flags.password_file,
        KeyRole::Exported => &flags.key_password_file,
    }
}

/// A password file's first line, without its line ending (as `openssl -passin file:`).
pub fn first_line(content: &[u8]) -> &[u8] {
    let line = content.split(|&b| b == b'\n').next().unwrap_or_default();
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// No password anywhere and no terminal to ask on (cfssl's code for an encrypted key it
/// cannot read, 2100, with what to do).
pub fn no_password(source: &str, role: KeyRole) -> CliError {
    CliError::cfssl(
        2100,
        format!(
            "the private key in {source} is encrypted and no password was given: use \
             -{} FILE or set {} (there is no terminal to ask on)",
            password_file_flag(role),
            password_variables(role).join(" or ")
        ),
    )
}

/// A decryption failure of the key in `source`, with what to do about it.
pub fn decryption_error(e: KeyError, source: &str) -> CliError {
    match e {
        KeyError::WrongPassword => CliError::plain(format!(
            "wrong password for the encrypted private key in {source}"
        )),
        KeyError::Encrypted => CliError::plain(format!(
            "the private key in {source} uses OpenSSL's legacy PEM encryption \
             (Proc-Type: 4,ENCRYPTED), which cfssl-rs does not read; convert it with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`"
        )),
        KeyError::UnsupportedEncryption(_) | KeyError::InvalidEncryptionParameters(_) => {
            CliError::cfssl(
                2100,
                format!(
                    "the private key in {source} uses key encryption that cfssl-rs cannot \
                     read: {e}; re-encrypt it with \
                     `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`"
                ),
            )
        }
        other => other.into(),
    }
}

/// `-revoked-at` of `ocspsign`: `now`, or a date `YYYY-MM-DD` (midnight UTC), as cfssl reads
/// it (docs/cfssl-lifecycle.md §5.2).
///
/// # Errors
/// Anything else, naming the value.
pub fn revocation_time(
    text: &str,
    now: time::OffsetDateTime,
) -> Result<time::OffsetDateTime, CliError> {
    if text == "now" {
        return Ok(now);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            CliError::plain(format!(
                "-revoked-at {text}: not \"now\" nor a date of the form YYYY-MM-DD (e.g. 2026-12-01)"
            ))
        })
}

/// `-expiring` of `db list`: whole days (`30d`) or a Go duration (`720h`).
///
/// # Errors
/// Anything else, naming the value.
pub fn expiry_window(text: &str) -> Result<time::Duration, CliError> {
    if let Some(days) = text.strip_suffix('d')
        && let Ok(days) = days.parse::<u32>()
    {
        return Ok(time::Duration::days(i64::from(days)));
    }
    text.parse::<cfssl_config::GoDuration>()
        .map(|d| d.as_time_duration())
        .map_err(|_| {
            CliError::Usage(format!(
                "-expiring {text}: use days (30d) or a Go duration (720h)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_windows() {
        let now = time::macros::datetime!(2026-12-06 12:00 UTC);
        assert_eq!(revocation_time("now", now), Ok(now));
        assert_eq!(
            revocation_time("2026-01-02", now),
            Ok(time::macros::datetime!(2026-01-02 0:00 UTC))
        );
        assert!(revocation_time("2026/01/02", now).is_err());
        assert_eq!(expiry_window("30d"), Ok(time::Duration::days(30)));
        assert_eq!(expiry_window("36h"), Ok(time::Duration::hours(36)));
        assert!(expiry_window("soon").is_err());
    }

    #[test]
    fn hostname_lists() {
        let mut flags = Flags::default();
        assert_eq!(hostnames(&flags), Ok(None));
        flags.hostname = "a.example, b".into();
        assert_eq!(
            hostnames(&flags),
            Ok(Some(vec!["a.example".into(), " b".into()]))
        );
        for bad in ["a,,b", "a,", ","] {
            flags.hostname = bad.into();
            assert!(
                matches!(hostnames(&flags), Err(CliError::Cfssl { code: 1300, .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn ca_flags_and_names() {
        let mut flags = Flags::default();
        assert!(require_ca(&flags, true, "").is_ok());
        assert_eq!(
            require_ca(&flags, false, "a ").map_err(|e| e.to_string()),
            Err("need a CA certificate (provide one with -ca)".into())
        );
        flags.ca = "ca.pem".into();
        assert_eq!(
            require_ca(&flags, false, "").map_err(|e| e.to_string()),
            Err("need CA key (provide one with -ca-key)".into())
        );
        assert_eq!(display_name("-"), "stdin");
        assert_eq!(first_line(b"secret\r\nnext"), b"secret");
        assert_eq!(first_line(b""), b"");
        assert_eq!(
            password_variables(KeyRole::Ca),
            ["CFSSL_CA_PK_PASSWORD", "CFSSL_KEY_PASSWORD"]
        );
        let flags = Flags {
            password_file: "p12-pass.txt".into(),
            key_password_file: "key-pass.txt".into(),
            ..Flags::default()
        };
        assert_eq!(password_file(&flags, KeyRole::Other), "p12-pass.txt");
        assert_eq!(password_file(&flags, KeyRole::Exported), "key-pass.txt");
        assert_eq!(
            no_password("k.pem", KeyRole::Exported).to_string(),
            "{\"code\":2100,\"message\":\"the private key in k.pem is encrypted and no password \
             was given: use -key-password-file FILE or set CFSSL_KEY_PASSWORD (there is no \
             terminal to ask on)\"}"
        );
    }
}
