//! The TLS side of an `https` remote: which roots are trusted, which client certificate is
//! shown (docs/cfssl-lifecycle.md §9.1).
//!
//! cfssl trusts `-tls-remote-ca` when given, else the system's roots, and presents the
//! `-mutual-tls-client-cert`/`-key` pair when both are given. So do we, with rustls and its
//! `ring` provider, chosen here explicitly rather than taken from a process default. One
//! difference: when there is no `-tls-remote-ca` and the machine has no system trust store
//! (a minimal container), Go would fail every handshake with `certificate signed by unknown
//! authority`; we refuse before connecting and say to give `-tls-remote-ca`.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::RemoteError;

/// The TLS inputs, as bytes read by the caller (PEM).
#[derive(Default, Clone)]
pub struct TlsOptions {
    /// `-tls-remote-ca`: PEM certificates to trust instead of the system's roots.
    pub remote_ca_pem: Option<Vec<u8>>,
    /// `-mutual-tls-client-cert` and `-mutual-tls-client-key`: the PEM certificate (chain)
    /// and its PEM private key.
    pub client_identity_pem: Option<(Vec<u8>, Vec<u8>)>,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client key never reaches a log.
        f.debug_struct("TlsOptions")
            .field("remote_ca_pem", &self.remote_ca_pem.as_ref().map(Vec::len))
            .field("client_identity", &self.client_identity_pem.is_some())
            .finish()
    }
}

/// Checks the inputs now (a bad file is an error before anything is sent), and builds the
/// rustls configuration.
pub fn client_config(options: &TlsOptions) -> Result<Arc<rustls::ClientConfig>, RemoteError> {
    let roots = match &options.remote_ca_pem {
        Some(pem) => roots_from_pem(pem)?,
        None => system_roots()?,
    };
    build(options, roots)
}

/// Checks the inputs as [`client_config`] does, without looking for the system's roots
/// (for plain `http` remotes, where TLS is never used).
pub fn client_config_with_roots_only(
    options: &TlsOptions,
) -> Result<Arc<rustls::ClientConfig>, RemoteError> {
    let roots = match &options.remote_ca_pem {
        Some(pem) => roots_from_pem(pem)?,
        None => rustls::RootCertStore::empty(),
    };
    build(options, roots)
}

fn build(
    options: &TlsOptions,
    roots: rustls::RootCertStore,
) -> Result<Arc<rustls::ClientConfig>, RemoteError> {
    // rustls 0.23.48 deprecates ring's provider for lacking post-quantum key exchange; ring
    // is the workspace's one TLS provider (issue 16), installed here explicitly.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RemoteError::Tls {
            what: "TLS setup".into(),
            reason: e.to_string(),
        })?
        .with_root_certificates(roots);
    let config = match &options.client_identity_pem {
        None => builder.with_no_client_auth(),
        Some((cert_pem, key_pem)) => {
            let chain = certificates_from_pem(cert_pem, "-mutual-tls-client-cert")?;
            let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| RemoteError::Tls {
                what: "-mutual-tls-client-key".into(),
                reason: format!("no usable PEM private key: {e}"),
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| RemoteError::Tls {
                    what: "-mutual-tls-client-cert/-mutual-tls-client-key".into(),
                    reason: e.to_string(),
                })?
        }
    };
    Ok(Arc::new(config))
}

fn certificates_from_pem(
    pem: &[u8],
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, RemoteError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| RemoteError::Tls {
            what: what.into(),
            reason: format!("bad PEM: {e}"),
        })?;
    if certificates.is_empty() {
        return Err(RemoteError::Tls {
            what: what.into(),
            reason: "no PEM CERTIFICATE block".into(),
        });
    }
    Ok(certificates)
}

fn roots_from_pem(pem: &[u8]) -> Result<rustls::RootCertStore, RemoteError> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates_from_pem(pem, "-tls-remote-ca")? {
        roots.add(certificate).map_err(|e| RemoteError::Tls {
            what: "-tls-remote-ca".into(),
            reason: format!("not a usable trust anchor: {e}"),
        })?;
    }
    Ok(roots)
}

/// The operating system's roots (the files of `/etc/ssl/certs` on Debian). None at all is
/// refused: every handshake would fail, and the fix is `-tls-remote-ca`.
fn system_roots() -> Result<rustls::RootCertStore, RemoteError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(RemoteError::Tls {
            what: "https remote".into(),
            reason: "no -tls-remote-ca given and no system trust store found; give the \
                     server's CA certificate with -tls-remote-ca"
                .into(),
        });
    }
    Ok(roots)
}
