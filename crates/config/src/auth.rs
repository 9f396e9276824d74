//! `auth_keys` entries: HMAC keys for cfssl's authenticated signing API (cfssl `auth.New`).

/// One `auth_keys` entry: `{"type": "standard", "key": "<hex>"}`.
///
/// The key may be written as `env:VAR` (the variable's value) or `file:PATH` (the file's
/// content, not trimmed: cfssl 1.6.5 reads it as is). Any other text before a `:` is an
/// error, and the result must be hex (an empty key is accepted, as cfssl 1.6.5 does).
///
/// Its `Deserialize` is Go's `config.AuthKey`; Go's semantics come with
/// [`cfssl_json::from_value`] (use [`crate::Config::from_json`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename = "config.AuthKey", default)]
pub struct AuthKey {
    /// `type`; only `"standard"` (HMAC-SHA-256) is known.
    #[serde(rename = "type")]
    pub key_type: String,
    /// `key`, as written.
    pub key: String,
}

/// Why an `auth_keys` key could not be turned into key bytes. cfssl only logs this at
/// debug level and reports `failed to create new standard auth provider`.
#[derive(Debug, thiserror::Error)]
pub enum AuthKeyError {
    /// `prefix:…` with a prefix other than `env` or `file`.
    #[error("unknown key prefix: {0}")]
    UnknownPrefix(String),
    /// `file:PATH` could not be read.
    #[error("cannot read auth key file {path}: {source}")]
    File {
        /// The path after `file:`.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `env:VAR` holds a value that is not valid Unicode (so not hex either).
    #[error("environment variable {0} is not valid hex")]
    EnvNotUnicode(String),
    /// The key is not an even number of hex digits.
    #[error("auth key is not hex: {0}")]
    NotHex(&'static str),
}

impl AuthKey {
    /// The HMAC key bytes, resolving `env:` and `file:` like cfssl's `auth.New`.
    pub fn resolve(&self) -> Result<Vec<u8>, AuthKeyError> {
        let key = match self.key.split_once(':') {
            None => self.key.clone(),
            Some(("env", var)) => match std::env::var(var) {
                Ok(v) => v,
                Err(std::env::VarError::NotPresent) => String::new(),
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(AuthKeyError::EnvNotUnicode(var.to_string()));
                }
            },
            Some(("file", path)) => {
                let bytes = std::fs::read(path).map_err(|source| AuthKeyError::File {
                    path: path.to_string(),
                    source,
                })?;
                String::from_utf8(bytes).map_err(|_| AuthKeyError::NotHex("invalid byte"))?
            }
            Some((prefix, _)) => return Err(AuthKeyError::UnknownPrefix(prefix.to_string())),
        };
        decode_hex(&key)
    }
}

/// Go's `hex.DecodeString`: an even number of hex digits, either case.
fn decode_hex(s: &str) -> Result<Vec<u8>, AuthKeyError> {
    fn nibble(c: u8) -> Result<u8, AuthKeyError> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(AuthKeyError::NotHex("invalid byte")),
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut pairs = bytes.chunks_exact(2);
    for pair in &mut pairs {
        if let [hi, lo] = pair {
            out.push(nibble(*hi)? << 4 | nibble(*lo)?);
        }
    }
    if let [c] = pairs.remainder() {
        // Go reports a bad byte before an odd length.
        nibble(*c)?;
        return Err(AuthKeyError::NotHex("odd length"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> AuthKey {
        AuthKey {
            key_type: "standard".into(),
            key: k.into(),
        }
    }

    #[test]
    fn hex_keys() {
        assert_eq!(
            key("0123456789ABCDEFabcdef").resolve().expect("hex"),
            [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef
            ]
        );
        assert_eq!(
            key("").resolve().expect("empty is accepted"),
            Vec::<u8>::new()
        );
        assert!(matches!(
            key("BAD_KEY").resolve(),
            Err(AuthKeyError::NotHex(_))
        ));
        assert!(matches!(
            key("abc").resolve(),
            Err(AuthKeyError::NotHex("odd length"))
        ));
        assert!(matches!(
            key("0g").resolve(),
            Err(AuthKeyError::NotHex("invalid byte"))
        ));
    }

    #[test]
    fn prefixes() {
        assert!(matches!(
            key("vault:secret").resolve(),
            Err(AuthKeyError::UnknownPrefix(p)) if p == "vault"
        ));
        // An unset variable is an empty key in cfssl 1.6.5.
        assert_eq!(
            key("env:CFSSL_CONFIG_TEST_SURELY_UNSET_VARIABLE")
                .resolve()
                .expect("empty"),
            Vec::<u8>::new()
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        std::fs::write(&path, "00ff").expect("write");
        assert_eq!(
            key(&format!("file:{}", path.display()))
                .resolve()
                .expect("file"),
            [0, 255]
        );
        // Not trimmed: a trailing newline makes the key invalid, as in cfssl 1.6.5.
        std::fs::write(&path, "00ff\n").expect("write");
        assert!(key(&format!("file:{}", path.display())).resolve().is_err());
        assert!(matches!(
            key(&format!("file:{}", dir.path().join("missing").display())).resolve(),
            Err(AuthKeyError::File { .. })
        ));
    }
}
