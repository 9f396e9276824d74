//! Passwords for encrypted private keys (our extension; cfssl reads an encrypted CA key only
//! through the undocumented `CFSSL_CA_PK_PASSWORD` and never writes one), and for the
//! PKCS#12 files of `pkcs12`.
//!
//! A password never comes from the command line, where `ps` and shell history would show
//! it. In order, it comes from:
//! 1. `-password-file FILE`: the file's first line (as `openssl … -passin file:FILE`); for
//!    the key `pkcs12` exports, `-key-password-file FILE`, since its `-password-file` is
//!    the PKCS#12 file's;
//! 2. the environment: `CFSSL_CA_PK_PASSWORD` (cfssl's variable) for a CA key, then
//!    `CFSSL_KEY_PASSWORD`; for any other key, and for a new key, `CFSSL_KEY_PASSWORD`; for
//!    a PKCS#12 file, `CFSSL_PKCS12_PASSWORD`;
//! 3. a prompt on the controlling terminal (`/dev/tty`, not echoed; a new key's or PKCS#12
//!    file's password is asked twice), when there is one.
//!
//! Passwords live in [`Zeroizing`] buffers and never reach a log line or an error message.

use cfssl_keys::{KeyError, PrivateKey};
use zeroize::Zeroizing;

use cfssl_cli::resolve::{
    KEY_PASSWORD_VARIABLE as KEY_VARIABLE, KeyRole, PKCS12_PASSWORD_VARIABLE, decryption_error,
    first_line, no_password, password_file, password_variables,
};

use super::{CliError, Context};

/// Decodes a private key read from `source` (a file name, `-` or `env:NAME`, for messages),
/// asking for the password only when the key is encrypted.
pub fn decode_key(
    ctx: &Context<'_>,
    pem: &[u8],
    source: &str,
    role: KeyRole,
) -> Result<PrivateKey, CliError> {
    // A password file that was named but cannot be read is an error even for a plain key:
    // the command line says something the user believes, and it is wrong.
    let file = password_file(&ctx.flags, role);
    from_file(file)?;
    match PrivateKey::from_pem(pem) {
        Err(KeyError::Encrypted) => {}
        other => return Ok(other?),
    }
    let password = password_for_reading(file, source, role)?;
    PrivateKey::from_pem_with_password(pem, &password).map_err(|e| decryption_error(e, source))
}

/// The PEM to print for a new key: encrypted with a new password when `-encrypt-key` is set.
pub fn key_pem_for_output(
    ctx: &Context<'_>,
    key: &PrivateKey,
) -> Result<Zeroizing<String>, CliError> {
    if !ctx.flags.encrypt_key {
        return Ok(key.to_pem());
    }
    let password = password_for_new_key(ctx)?;
    Ok(key.to_encrypted_pem(&password)?)
}

fn password_for_reading(
    file: &str,
    source: &str,
    role: KeyRole,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if let Some(password) = from_file(file)? {
        return Ok(password);
    }
    let variables = password_variables(role);
    if let Some(password) = variables.iter().find_map(|v| from_environment(v)) {
        return Ok(password);
    }
    prompt(&format!("Password for the private key in {source}: "))
        .ok_or_else(|| no_password(source, role))
}

fn password_for_new_key(ctx: &Context<'_>) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let password = match from_file(&ctx.flags.password_file)? {
        Some(p) => p,
        None => match from_environment(KEY_VARIABLE) {
            Some(p) => p,
            None => {
                let no_terminal = || {
                    CliError::plain(format!(
                        "-encrypt-key needs a password: use -password-file FILE or set \
                         {KEY_VARIABLE} (there is no terminal to ask on)"
                    ))
                };
                let first = prompt("Password for the new private key: ").ok_or_else(no_terminal)?;
                let second = prompt("Repeat the password: ").ok_or_else(no_terminal)?;
                if first != second {
                    return Err(CliError::plain(
                        "the two passwords differ; nothing was written",
                    ));
                }
                first
            }
        },
    };
    if password.is_empty() {
        return Err(CliError::plain(
            "refusing to encrypt the private key with an empty password",
        ));
    }
    Ok(password)
}

/// The password of a new PKCS#12 file: `-password-file`, `CFSSL_PKCS12_PASSWORD` or a
/// prompt asked twice. UTF-8, since the file format stores it as UTF-16 (RFC 7292
/// Appendix B.1); empty only with `-allow-empty-password`.
pub fn pkcs12_password(ctx: &Context<'_>) -> Result<Zeroizing<String>, CliError> {
    let password = match from_file(&ctx.flags.password_file)? {
        Some(p) => p,
        None => match from_environment(PKCS12_PASSWORD_VARIABLE) {
            Some(p) => p,
            None => {
                let no_terminal = || {
                    CliError::plain(format!(
                        "pkcs12 needs a password for the PKCS#12 file: use -password-file FILE \
                         or set {PKCS12_PASSWORD_VARIABLE} (there is no terminal to ask on)"
                    ))
                };
                let first = prompt("Password for the PKCS#12 file: ").ok_or_else(no_terminal)?;
                let second = prompt("Repeat the password: ").ok_or_else(no_terminal)?;
                if first != second {
                    return Err(CliError::plain(
                        "the two passwords differ; nothing was written",
                    ));
                }
                first
            }
        },
    };
    if password.is_empty() && !ctx.flags.allow_empty_password {
        return Err(CliError::plain(
            "refusing to write a PKCS#12 file with an empty password (anyone with the file \
             would have the key); give a password, or -allow-empty-password if that is meant",
        ));
    }
    match std::str::from_utf8(&password) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => Err(CliError::plain(
            "the PKCS#12 password is not UTF-8 text (the file stores it as UTF-16)",
        )),
    }
}

/// `-password-file FILE` (or `-key-password-file`): its first line, without the line ending.
fn from_file(path: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CliError> {
    if path.is_empty() {
        return Ok(None);
    }
    let content = Zeroizing::new(
        super::read_file(path)
            .map_err(|e| CliError::plain(format!("cannot read the password file: {e}")))?,
    );
    Ok(Some(Zeroizing::new(first_line(&content).to_vec())))
}

fn from_environment(variable: &str) -> Option<Zeroizing<Vec<u8>>> {
    std::env::var_os(variable)
        .filter(|v| !v.is_empty())
        .map(|v| Zeroizing::new(v.into_encoded_bytes()))
}

/// Reads a password from the controlling terminal without echo; `None` without one.
fn prompt(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    rpassword::prompt_password(text)
        .ok()
        .map(|p| Zeroizing::new(p.into_bytes()))
}
