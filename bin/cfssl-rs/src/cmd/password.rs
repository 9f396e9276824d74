//! Passwords for encrypted private keys (our extension; cfssl reads an encrypted CA key only
//! through the undocumented `CFSSL_CA_PK_PASSWORD` and never writes one).
//!
//! A password never comes from the command line, where `ps` and shell history would show
//! it. In order, it comes from:
//! 1. `-password-file FILE`: the file's first line (as `openssl … -passin file:FILE`);
//! 2. the environment: `CFSSL_CA_PK_PASSWORD` (cfssl's variable) for a CA key, then
//!    `CFSSL_KEY_PASSWORD`; for any other key, and for a new key, `CFSSL_KEY_PASSWORD`;
//! 3. a prompt on the controlling terminal (`/dev/tty`, not echoed; a new key's password is
//!    asked twice), when there is one.
//!
//! Passwords live in [`Zeroizing`] buffers and never reach a log line or an error message.

use cfssl_keys::{KeyError, PrivateKey};
use zeroize::Zeroizing;

use cfssl_cli::resolve::{
    KEY_PASSWORD_VARIABLE as KEY_VARIABLE, KeyRole, decryption_error, first_line, no_password,
    password_variables,
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
    from_file(ctx)?;
    match PrivateKey::from_pem(pem) {
        Err(KeyError::Encrypted) => {}
        other => return Ok(other?),
    }
    let password = password_for_reading(ctx, source, role)?;
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
    ctx: &Context<'_>,
    source: &str,
    role: KeyRole,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if let Some(password) = from_file(ctx)? {
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
    let password = match from_file(ctx)? {
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

/// `-password-file FILE`: its first line, without the line ending.
fn from_file(ctx: &Context<'_>) -> Result<Option<Zeroizing<Vec<u8>>>, CliError> {
    let path = ctx.flags.password_file.as_str();
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
