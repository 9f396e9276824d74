//! `cfssl-rs key split|combine` (our extension; cfssl has no key splitting): M-of-N backup
//! of a key file with Shamir's secret sharing (`cfssl_shares`, docs/key-shares.md).
//!
//! Files are written through the same all-or-nothing writer as `cfssljson-rs` and
//! `sign -batch`, marked as private keys (`support::write_private_files`): mode 0600 from
//! the first byte, and an existing file is never replaced, since a share or a key silently
//! overwritten may be the only copy.

use std::io::IsTerminal as _;
use std::path::Path;

use cfssl_output::OutputFile;
use cfssl_shares::{FingerprintOf, KeyFingerprint, ShareInput};
use zeroize::Zeroizing;

use super::support::{write_private_file, write_private_files};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let action = ctx.args.pop()?;
    match action.as_str() {
        "split" => split(ctx),
        "combine" => combine(ctx),
        other => Err(CliError::Usage(format!(
            "key: unknown action {other:?}; use `key split` or `key combine`"
        ))),
    }
}

fn shares_error(e: cfssl_shares::SharesError) -> CliError {
    CliError::plain(e.to_string())
}

/// `key split -m M -n N -key KEY -out DIR`.
fn split(ctx: &mut Context<'_>) -> Result<(), CliError> {
    ctx.args.reject_extra()?;
    let flags = &ctx.flags;
    if flags.key.is_empty() || flags.out.is_empty() {
        return Err(CliError::Usage(
            "key split needs -key (the key file) and -out (a directory for the shares)".into(),
        ));
    }
    if !flags.given.m || !flags.given.n {
        return Err(CliError::Usage(
            "key split needs -m (shares needed to restore) and -n (shares to make)".into(),
        ));
    }
    // Other out-of-range values are the library's to name.
    let (Ok(threshold), Ok(count)) = (usize::try_from(flags.m), usize::try_from(flags.n)) else {
        return Err(CliError::Usage(format!(
            "-m {} -n {}: the numbers of shares cannot be negative",
            flags.m, flags.n
        )));
    };
    let key_file = Zeroizing::new(super::read_file(&flags.key)?);
    let made = cfssl_shares::split(&key_file, threshold, count).map_err(shares_error)?;

    let dir = Path::new(&flags.out);
    if !dir.exists() {
        create_private_dir(dir)?;
    }
    let stem = key_stem(&flags.key);
    let mut files: Vec<OutputFile> = made
        .shares
        .iter()
        .map(|share| OutputFile {
            name: format!("{stem}-share-{}-of-{}.txt", share.index, share.count),
            contents: share.to_text().as_bytes().to_vec(),
            mode: 0o600,
            is_private_key: true,
            binary: false,
        })
        .collect();
    let written = write_private_files(dir, &files);
    // The shares' bytes are secret: wipe our copies whatever happened.
    for file in &mut files {
        zeroize::Zeroize::zeroize(&mut file.contents);
    }
    written?;
    log_fingerprint(&made.fingerprint);
    crate::info!(
        "split {} into {} shares, any {} of which restore it (set {})",
        flags.key,
        made.shares.len(),
        threshold,
        hex(&made.set_id)
    );
    let mut listing = String::new();
    for file in &files {
        listing.push_str(&dir.join(&file.name).display().to_string());
        listing.push('\n');
    }
    ctx.print(&listing)
}

/// `key combine [-out FILE] SHARE...`.
fn combine(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // The shares say M and which key they restore: a split flag here would change nothing.
    let given = &ctx.flags.given;
    for (flag, was_given) in [("m", given.m), ("n", given.n), ("key", given.key)] {
        if was_given {
            return Err(CliError::Usage(format!(
                "key combine reads the shares given as arguments (they carry M and the key's \
                 fingerprint); -{flag} is for `key split`: drop -{flag}"
            )));
        }
    }
    let mut names = Vec::new();
    while let Some(name) = ctx.args.pop_optional() {
        names.push(name);
    }
    if names.is_empty() {
        return Err(CliError::Usage(
            "key combine needs the share files as arguments".into(),
        ));
    }
    let mut texts = Vec::with_capacity(names.len());
    for name in &names {
        texts.push(Zeroizing::new(super::read_file(name)?));
    }
    let inputs: Vec<ShareInput<'_>> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| ShareInput {
            name,
            text: text.as_slice(),
        })
        .collect();
    let restored = cfssl_shares::combine(&inputs).map_err(shares_error)?;
    log_fingerprint(&restored.fingerprint);

    let out = ctx.flags.out.clone();
    if out.is_empty() {
        if std::io::stdout().is_terminal() {
            crate::warning!(
                "writing a private key to a terminal; use -out FILE or redirect stdout to a file"
            );
        }
        ctx.stdout
            .write_all(&restored.key_file)
            .map_err(|e| CliError::plain(format!("write /dev/stdout: {e}")))?;
        return Ok(());
    }
    write_private_file(&out, restored.key_file.to_vec(), false)?;
    crate::info!("restored the key from {} shares to {out}", restored.used);
    Ok(())
}

/// Creates the shares' directory, readable by its owner only.
fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            CliError::plain(format!(
                "cannot create the -out directory {}: {e}",
                dir.display()
            ))
        })
}

/// `ca-key.pem` → `ca-key`: the share files are named after the key file.
fn key_stem(key: &str) -> String {
    let path = Path::new(key);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.is_empty() {
        "key".to_owned()
    } else {
        stem
    }
}

fn log_fingerprint(fingerprint: &KeyFingerprint) {
    match fingerprint.of {
        FingerprintOf::PublicKey => crate::info!(
            "key fingerprint {fingerprint} (SHA-256 of the public key: openssl pkey -in KEY -pubout -outform DER | sha256sum)"
        ),
        FingerprintOf::EncryptedFile => crate::info!(
            "key fingerprint {fingerprint} (an encrypted key: SHA-256 of the file as stored, sha256sum KEY)"
        ),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::key_stem;

    #[test]
    fn shares_are_named_after_the_key() {
        assert_eq!(key_stem("ca-key.pem"), "ca-key");
        assert_eq!(key_stem("/media/usb/root.key.pem"), "root.key");
        assert_eq!(key_stem(""), "key");
    }
}
