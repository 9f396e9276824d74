//! Keys in PKCS#11 tokens (our extension; cfssl dropped PKCS#11 from its command line).
//!
//! Wherever a CA or responder key is taken (`-ca-key`, `-responder-key`, `gencrl`'s KEY), an
//! RFC 7512 `pkcs11:` URI names a key that stays in a token; `-key-uri` makes a new one there.
//! Nothing secret is ever on the command line, where `ps` and shell history would show it:
//! - the module is the URI's `module-path`, else `CFSSL_PKCS11_MODULE`;
//! - the PIN is the URI's `pin-source=file:…`, else `CFSSL_PKCS11_PIN`, else a prompt on the
//!   controlling terminal (not echoed). `pin-value` in a URI is refused by `cfssl_pkcs11`.

use std::path::PathBuf;
use std::sync::Arc;

use cfssl_keys::{KeyError, KeySpec};
use cfssl_pkcs11::{Access, NewKey, Pkcs11Error, Pkcs11Uri, TokenKey};
use zeroize::Zeroizing;

/// Where the module comes from when the URI has no `module-path`.
pub const MODULE_VARIABLE: &str = "CFSSL_PKCS11_MODULE";
/// Where the PIN comes from when the URI has no `pin-source`.
pub const PIN_VARIABLE: &str = "CFSSL_PKCS11_PIN";

/// Whether a key argument names a key in a token.
pub fn is_token_key(spec: &str) -> bool {
    Pkcs11Uri::is_pkcs11_uri(spec)
}

/// Opens the key `uri` names; `given_as` (`-ca-key`, `-responder-key`, `gencrl's KEY`) starts
/// every error message.
pub fn open_key(uri: &str, given_as: &str) -> Result<TokenKey, KeyError> {
    let parsed = Pkcs11Uri::parse(uri).map_err(|e| in_flag(e, given_as))?;
    let module = module_from_environment();
    let key = TokenKey::open(
        &parsed,
        Access {
            module_env: module.as_deref(),
            pin: &mut ask_pin,
        },
    )
    .map_err(|e| in_flag(e, given_as))?;
    crate::info!("signing with the {} key {}", role(given_as), describe(&key));
    Ok(key)
}

/// Makes a new key pair of `spec` in the token `uri` names (`-key-uri`): its `object=` is the
/// label of both halves, its `id=` their CKA_ID (20 random bytes when the URI has none).
pub fn generate_key(uri: &str, spec: KeySpec) -> Result<TokenKey, KeyError> {
    let parsed = Pkcs11Uri::parse(uri).map_err(|e| in_flag(e, "-key-uri"))?;
    let Some(label) = parsed.object.as_deref().filter(|l| !l.is_empty()) else {
        return Err(KeyError::External {
            code: 2400,
            message: "-key-uri: name the new key with object=LABEL \
                      (e.g. pkcs11:token=Root%20CA;object=root-key)"
                .to_owned(),
        });
    };
    let random_id;
    let id = match parsed.id.as_deref() {
        Some(id) if !id.is_empty() => id,
        _ => {
            let mut bytes = [0u8; 20];
            getrandom::fill(&mut bytes).map_err(|_| KeyError::GenerationFailed)?;
            random_id = bytes;
            &random_id[..]
        }
    };
    let module = module_from_environment();
    let key = TokenKey::generate(
        &parsed,
        &NewKey { label, id, spec },
        Access {
            module_env: module.as_deref(),
            pin: &mut ask_pin,
        },
    )
    .map_err(|e| in_flag(e, "-key-uri"))?;
    crate::info!(
        "made the {} key in the token; use it as {}",
        key.describe(),
        uri_of(&key)
    );
    Ok(key)
}

/// The key a command makes in a token, removed again unless the command succeeds: a failed
/// `gencert -initca -key-uri` must not leave a key behind that blocks its label.
#[derive(Default)]
pub struct NewKeyUndo(Option<Arc<TokenKey>>);

impl NewKeyUndo {
    /// [`generate_key`], remembering the key.
    pub fn generate(&mut self, uri: &str, spec: KeySpec) -> Result<Arc<TokenKey>, KeyError> {
        let key = Arc::new(generate_key(uri, spec)?);
        self.0 = Some(Arc::clone(&key));
        Ok(key)
    }

    /// The command succeeded: the key stays.
    pub fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for NewKeyUndo {
    fn drop(&mut self) {
        let Some(key) = self.0.take() else { return };
        // The workflow that held the other handle has returned: this one is the last.
        let Ok(key) = Arc::try_unwrap(key) else {
            return;
        };
        let uri = uri_of(&key);
        match key.destroy() {
            Ok(()) => crate::warning!("the command failed: removed the key it made, {uri}"),
            Err(e) => crate::warning!(
                "the command failed, and the key it made ({uri}) could not be removed: {e}; \
                 remove it with pkcs11-tool --delete-object"
            ),
        }
    }
}

/// The URI that names `key` alone (token, label, id), for the user to pass to later commands.
pub fn uri_of(key: &TokenKey) -> String {
    let id: String = key.id().iter().map(|b| format!("%{b:02x}")).collect();
    format!(
        "pkcs11:token={};object={};id={id};type=private",
        percent_encode(key.token_label()),
        percent_encode(key.label())
    )
}

fn describe(key: &TokenKey) -> String {
    format!(
        "{} \"{}\" in token \"{}\"",
        key.describe(),
        key.label(),
        key.token_label()
    )
}

fn role(given_as: &str) -> &'static str {
    if given_as.contains("responder") {
        "OCSP responder"
    } else {
        "CA"
    }
}

/// RFC 7512 §2.3: everything but unreserved characters percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn module_from_environment() -> Option<PathBuf> {
    std::env::var_os(MODULE_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The PIN for `token`: `CFSSL_PKCS11_PIN`, else a prompt on the terminal.
fn ask_pin(token: &str) -> Option<Zeroizing<String>> {
    if let Some(pin) = std::env::var_os(PIN_VARIABLE).filter(|v| !v.is_empty()) {
        return pin.into_string().ok().map(Zeroizing::new);
    }
    rpassword::prompt_password(format!("PIN for the PKCS#11 token \"{token}\": "))
        .ok()
        .map(Zeroizing::new)
}

/// A token error with the flag it came from; printed in cfssl's JSON with the error's code.
fn in_flag(e: Pkcs11Error, given_as: &str) -> KeyError {
    KeyError::External {
        code: e.code(),
        message: format!("{given_as}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_characters() {
        assert_eq!(percent_encode("Root CA"), "Root%20CA");
        assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encode("x;y=z/é"), "x%3By%3Dz%2F%C3%A9");
    }
}
