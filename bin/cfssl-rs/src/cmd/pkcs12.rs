//! `cfssl-rs pkcs12` (our extension; cfssl cannot write PKCS#12): a key, its certificate and
//! chain as one PKCS#12 file for Windows, Java and macOS (`cfssl_pkcs12`).
//!
//! Everything that can be wrong with the inputs — a missing file, a key that is not the
//! certificate's, a chain that does not parse, an output that exists — is found before a
//! password is asked for. The file is binary: it goes to `-out` (mode 0600, never over an
//! existing file, through the writer `key combine` uses) or to a standard output that is
//! not a terminal. Passwords: `super::password` (never from the command line).

use std::io::IsTerminal as _;
use std::path::Path;

use cfssl_cli::resolve::KeyRole;
use cfssl_pkcs12::{Contents, Pkcs12Error, Scheme};
use cfssl_signer::ParsedCertificate;
use zeroize::Zeroizing;

use super::password::{decode_key, pkcs12_password};
use super::support::{in_input, read_bytes_spec, write_private_file};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    ctx.args.reject_extra()?;
    let flags = ctx.flags.clone();
    if flags.cert.is_empty() || flags.key.is_empty() {
        return Err(CliError::Usage(
            "pkcs12 needs -cert (the certificate) and -key (its private key)".into(),
        ));
    }
    if flags.given.password {
        return Err(CliError::Usage(
            "-password: a password is never taken from the command line, where ps and shell \
             history show it; use -password-file FILE or set CFSSL_PKCS12_PASSWORD"
                .into(),
        ));
    }
    if super::token::is_token_key(&flags.key) {
        return Err(CliError::plain(format!(
            "-key {}: a key in a PKCS#11 token cannot be exported: it never leaves the token \
             (use it there, or export a key kept in a file)",
            flags.key
        )));
    }
    if flags.out.is_empty() && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "pkcs12 writes a binary file: use -out FILE or redirect stdout to a file".into(),
        ));
    }
    if !flags.out.is_empty() && Path::new(&flags.out).symlink_metadata().is_ok() {
        return Err(CliError::plain(format!(
            "{} already exists; nothing was written (a file holding a key is never replaced: \
             move it away first)",
            flags.out
        )));
    }

    let certificate = ParsedCertificate::from_pem(&read_bytes_spec(&flags.cert)?)
        .map_err(CliError::from)
        .map_err(in_input("the certificate", &flags.cert))?;
    let chain = if flags.ca.is_empty() {
        Vec::new()
    } else {
        read_chain(&flags.ca)?
    };
    warn_if_unordered(&certificate, &chain, &flags.ca);
    let key_text = Zeroizing::new(read_bytes_spec(&flags.key)?);
    let key = decode_key(ctx, &key_text, &flags.key, KeyRole::Exported)
        .map_err(in_input("the private key", &flags.key))?;
    if !certificate.public_key.matches(&key) {
        return Err(key_mismatch(&flags.key, &flags.cert));
    }

    let password = pkcs12_password(ctx)?;
    let scheme = if flags.legacy {
        Scheme::Legacy
    } else {
        Scheme::Aes256
    };
    let chain_der: Vec<&[u8]> = chain.iter().map(|c| c.der.as_slice()).collect();
    let contents = Contents {
        key: &key,
        certificate: &certificate.der,
        chain: &chain_der,
        friendly_name: (!flags.name.is_empty()).then_some(flags.name.as_str()),
    };
    let pfx = cfssl_pkcs12::build(&contents, &password, scheme).map_err(|e| match e {
        Pkcs12Error::KeyMismatch => key_mismatch(&flags.key, &flags.cert),
        other => CliError::plain(format!("pkcs12: {other}")),
    })?;

    let destination = if flags.out.is_empty() {
        ctx.stdout
            .write_all(&pfx)
            .map_err(|e| CliError::plain(format!("write /dev/stdout: {e}")))?;
        "stdout".to_owned()
    } else {
        write_private_file(&flags.out, pfx, true)?;
        flags.out.clone()
    };
    crate::info!(
        "wrote the PKCS#12 file to {destination}: the {} key, its certificate and {} chain \
         certificate{} ({})",
        key.describe(),
        chain.len(),
        if chain.len() == 1 { "" } else { "s" },
        match scheme {
            Scheme::Aes256 => "AES-256-CBC, HMAC-SHA256",
            Scheme::Legacy => "legacy Triple-DES, HMAC-SHA1",
        }
    );
    Ok(())
}

/// cfssl's 2300, after a line naming both files.
fn key_mismatch(key: &str, cert: &str) -> CliError {
    CliError::AfterLog {
        log: format!("the private key {key} does not belong to the certificate {cert}"),
        error: Box::new(CliError::cfssl(
            2300,
            "Private key does not match public key",
        )),
    }
}

/// `-ca CHAIN`: every PEM certificate of the file, in order.
fn read_chain(spec: &str) -> Result<Vec<ParsedCertificate>, CliError> {
    let text = read_bytes_spec(spec)?;
    let blocks =
        pem::parse_many(&text).map_err(|e| CliError::plain(format!("-ca {spec}: not PEM: {e}")))?;
    if blocks.is_empty() {
        return Err(CliError::plain(format!(
            "-ca {spec}: no PEM certificate in it"
        )));
    }
    blocks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            let n = i + 1;
            if block.tag() != "CERTIFICATE" {
                return Err(CliError::plain(format!(
                    "-ca {spec}: PEM block {n} is a {}, not a CERTIFICATE",
                    block.tag()
                )));
            }
            ParsedCertificate::from_der(block.contents()).map_err(|e| {
                CliError::plain(format!("-ca {spec}: certificate {n} does not parse: {e}"))
            })
        })
        .collect()
}

/// Readers build the chain from the file whatever the order, but some (older Windows,
/// Java's `keytool -list -v`) show it as stored: say when a certificate is not followed
/// by its issuer.
fn warn_if_unordered(leaf: &ParsedCertificate, chain: &[ParsedCertificate], spec: &str) {
    let mut previous = leaf;
    for (i, next) in chain.iter().enumerate() {
        if previous.issuer_der != next.subject_der {
            crate::warning!(
                "-ca {spec}: certificate {} is not the issuer of the {}; a chain goes from \
                 the issuer of -cert up to the root (stored in file order anyway)",
                i + 1,
                if i == 0 {
                    "certificate (-cert)".to_owned()
                } else {
                    format!("certificate {i} before it")
                }
            );
            return;
        }
        previous = next;
    }
}
