//! `cfssl bundle` as a workflow (docs/cfssl-lifecycle.md §11): the chain search and the
//! bundle JSON live in `cfssl-bundle`; this is the entry point the command line and the
//! server's `/bundle` endpoint share, with cfssl's log lines going to a [`Log`].

pub use cfssl_bundle::{
    Bundle, BundleCertificate, BundleError, BundleStatus, Bundler, ChainInput, Flavor, Platform,
    certificates_from_pem, certificates_from_pem_lenient, platforms_from_json, read_chain,
};
use time::OffsetDateTime;

use crate::{CaError, Log, Note};

/// What to bundle: the chain file's bytes (PEM, DER or PKCS#12), the leaf's key (PEM),
/// the PKCS#12 password and the flavor.
#[derive(Clone, Copy, Debug)]
pub struct BundleRequest<'a> {
    /// `-cert`'s contents (the API's `certificate`).
    pub chain: &'a [u8],
    /// `-key`'s contents (the API's `private_key`), if given.
    pub key: Option<&'a [u8]>,
    /// The PKCS#12 password (cfssl's CLI default `0`; `""` for stdin and the API).
    pub password: &'a str,
    /// `-flavor`.
    pub flavor: Flavor,
}

/// Bundles `request` with `bundler`'s roots and intermediates at `now`.
///
/// # Errors
/// [`CaError::Bundle`] with cfssl's codes (1100 self-signed, 1220 unknown authority, 2300
/// wrong key, …).
pub fn bundle(
    bundler: &Bundler,
    request: &BundleRequest<'_>,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Bundle, CaError> {
    let mut forward = |note: cfssl_bundle::Note| {
        log.note(match note {
            cfssl_bundle::Note::Info(text) => Note::Info(text),
            cfssl_bundle::Note::Warning(text) => Note::Warning(text),
        })
    };
    Ok(bundler.bundle_pem_or_der(
        request.chain,
        request.key,
        request.password,
        request.flavor,
        now,
        &mut forward,
    )?)
}
