//! `serve`'s TLS: `-tls-cert`/`-tls-key`, `-min-tls-version`, `-mutual-tls-ca`
//! (docs/cfssl-lifecycle.md §7.1, §7.5).
//!
//! rustls with the ring provider, installed here explicitly rather than taken from a
//! process-wide default. rustls has no TLS 1.0 or 1.1, so those minimums are refused with
//! the reason (docs/differences.md, "serve: TLS 1.2 at least") where cfssl would accept them.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::ServerError;

/// The oldest TLS version the server accepts (`-min-tls-version`).
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub enum MinTlsVersion {
    /// TLS 1.2 and 1.3 (our default; cfssl's default is Go's, also TLS 1.2 for servers).
    #[default]
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

impl MinTlsVersion {
    /// Reads `-min-tls-version`: `1.2` or `1.3` (empty: 1.2). cfssl knows `1.2` and
    /// `1.1` and takes anything else, `1.3` included, as TLS 1.0; rustls speaks neither
    /// 1.0 nor 1.1, so those are refused with the reason instead of silently raised.
    ///
    /// # Errors
    /// [`ServerError::Tls`] naming the value.
    pub fn parse(text: &str) -> Result<MinTlsVersion, ServerError> {
        match text {
            "" | "1.2" => Ok(MinTlsVersion::Tls12),
            "1.3" => Ok(MinTlsVersion::Tls13),
            "1.0" | "1.1" => Err(ServerError::Tls(format!(
                "-min-tls-version {text}: TLS {text} is not offered (cfssl-rs uses rustls, \
                 which implements TLS 1.2 and 1.3 only); use 1.2 or 1.3"
            ))),
            other => Err(ServerError::Tls(format!(
                "-min-tls-version {other:?}: not a TLS version; use 1.2 or 1.3"
            ))),
        }
    }
}

/// Where the server's TLS material comes from.
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// `-tls-cert`: the server's certificate, then any intermediates (PEM).
    pub cert_file: String,
    /// `-tls-key`: its private key (PEM: PKCS#8, SEC1 or PKCS#1).
    pub key_file: String,
    /// `-min-tls-version`.
    pub min_version: MinTlsVersion,
    /// `-mutual-tls-ca`: when set, every client must present a certificate that chains to
    /// one of these CAs (Go's `RequireAndVerifyClientCert`).
    pub client_ca_file: Option<String>,
}

/// The acceptor for `settings`.
///
/// # Errors
/// [`ServerError::Tls`]: a file that cannot be read or holds no certificate or key, a key
/// rustls cannot use, or a client CA file without certificates (cfssl's text `failed to
/// load mutual TLS CA file: …`).
pub(crate) fn acceptor(settings: &TlsSettings) -> Result<TlsAcceptor, ServerError> {
    // ring, named explicitly (the workspace's one TLS provider). rustls deprecates this
    // constructor because ring has no post-quantum key exchange; the classical groups it
    // offers are what cfssl's Go server offers too.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = match settings.min_version {
        MinTlsVersion::Tls12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
        MinTlsVersion::Tls13 => &[&rustls::version::TLS13],
    };
    let certs = read_certificates(&settings.cert_file, "-tls-cert")?;
    let key = PrivateKeyDer::from_pem_file(&settings.key_file).map_err(|e| {
        ServerError::Tls(format!(
            "-tls-key {}: no usable private key: {e}",
            settings.key_file
        ))
    })?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| ServerError::Tls(e.to_string()))?;
    let builder = match &settings.client_ca_file {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            let certs = read_certificates(path, "-mutual-tls-ca")
                .map_err(|e| ServerError::Tls(format!("failed to load mutual TLS CA file: {e}")))?;
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    ServerError::Tls(format!("failed to load mutual TLS CA file: {path}: {e}"))
                })?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| {
                ServerError::Tls(format!("failed to load mutual TLS CA file: {path}: {e}"))
            })?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(certs, key).map_err(|e| {
        ServerError::Tls(format!(
            "-tls-cert {} / -tls-key {}: {e}",
            settings.cert_file, settings.key_file
        ))
    })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn read_certificates(path: &str, flag: &str) -> Result<Vec<CertificateDer<'static>>, ServerError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| ServerError::Tls(format!("{flag} {path}: {e}")))?;
    if certs.is_empty() {
        return Err(ServerError::Tls(format!(
            "{flag} {path}: no PEM certificate found"
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_versions() {
        assert_eq!(MinTlsVersion::parse("").ok(), Some(MinTlsVersion::Tls12));
        assert_eq!(MinTlsVersion::parse("1.3").ok(), Some(MinTlsVersion::Tls13));
        let old = MinTlsVersion::parse("1.0").err().map(|e| e.to_string());
        assert!(old.is_some_and(|t| t.contains("rustls")));
        assert!(MinTlsVersion::parse("tls1.2").is_err());
    }
}
