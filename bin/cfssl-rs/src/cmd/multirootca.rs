//! `cfssl-rs multirootca -roots roots.conf [-l LABEL] [-a :8888] [-tls-cert C -tls-key K]`
//! (docs/cfssl-lifecycle.md §10): cfssl's separate multi-root signing server as a command.
//! Each root of the roots file is loaded the way `sign` loads its CA (certificate, key file
//! or `pkcs11:` URI, signing config, certdb), then `cfssl_server::multiroot` serves them.

use std::collections::BTreeMap;

use cfssl_config::multiroot::{RootKeySpec, RootSpec, load_roots};
use cfssl_ocsp::NoteLevel;
use cfssl_server::api::{ApiConfig, MinTlsVersion, TlsSettings};
use cfssl_server::multiroot::{
    MultiRoot, MultiRoots, MultirootConfig, run_multiroot_server_blocking,
};
use cfssl_signer::LocalSigner;

use super::revoke::NO_ARGUMENTS;
use super::support::{db_busy_timeout, load_ca_cert, load_signing_key};
use super::{CliError, Context};

/// Go's `net.SplitHostPort` for `-a`: `host:port`, `[v6]:port`, `:port`.
fn split_address(address: &str) -> Result<(String, u16), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "-a {address:?}: not HOST:PORT (for example :8888 or 127.0.0.1:8888)"
        ))
    };
    let (host, port) = address.rsplit_once(':').ok_or_else(bad)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.contains(':') && !address.starts_with('[') {
        return Err(bad());
    }
    let port = port.parse::<u16>().map_err(|_| bad())?;
    Ok((host.to_owned(), port))
}

/// One root of the file, loaded.
fn load_root(ctx: &Context<'_>, label: &str, spec: &RootSpec) -> Result<MultiRoot, CliError> {
    let within = |e: CliError| CliError::plain(format!("root [{label}]: {e}"));
    let certificate = load_ca_cert(&spec.certificate.to_string_lossy()).map_err(within)?;
    let key_spec = match &spec.private {
        RootKeySpec::File(path) => path.to_string_lossy().into_owned(),
        RootKeySpec::Pkcs11(uri) => uri.clone(),
    };
    let key = load_signing_key(ctx, &key_spec, "roots private").map_err(within)?;
    let policy = super::load_config(&spec.config).map_err(|e| {
        within(CliError::plain(format!(
            "config {}: {e}",
            spec.config.display()
        )))
    })?;
    let signing = &policy.signing;
    for (name, profile) in std::iter::once(("default", &signing.default))
        .chain(signing.profiles.iter().map(|(n, p)| (n.as_str(), p)))
    {
        if profile.auth_key.is_none() {
            crate::warning!(
                "root [{label}]: profile {name} has no auth_key: multirootca answers every \
                 request for it with 401 authorisation required"
            );
        }
    }
    let signer = LocalSigner::with_key(certificate, key, policy);
    signer.check_key().map_err(|e| within(CliError::from(e)))?;
    let db = match &spec.dbconfig {
        None => None,
        Some(path) => {
            let config = cfssl_ca::DbConfig::load(path)
                .map_err(cfssl_ca::CaError::from)
                .map_err(|e| within(e.into()))?;
            let mut db = cfssl_ca::Db::open(&config)
                .map_err(cfssl_ca::CaError::from)
                .map_err(|e| within(e.into()))?;
            if let Some(timeout) = db_busy_timeout()? {
                db.set_busy_timeout(timeout);
            }
            // A server: the sqlite journal stays between commits (Db::set_keep_journal).
            db.set_keep_journal(true);
            Some(db)
        }
    };
    MultiRoot::new(signer, spec.nets.clone(), db)
        .map_err(|e| within(CliError::plain(format!("auth_keys: {e}"))))
}

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if !ctx.args.is_empty() {
        return Err(CliError::Usage(NO_ARGUMENTS.into()));
    }
    let flags = &ctx.flags;
    if flags.roots.is_empty() {
        // cfssl: `log.Fatal("no root file specified")`.
        return Err(CliError::plain("no root file specified"));
    }
    let (address, port) = split_address(&flags.a)?;
    let tls = match (flags.tls_cert.is_empty(), flags.tls_key.is_empty()) {
        (false, false) => Some(TlsSettings {
            cert_file: flags.tls_cert.clone(),
            key_file: flags.tls_key.clone(),
            min_version: MinTlsVersion::parse("").map_err(|e| CliError::Usage(e.to_string()))?,
            client_ca_file: None,
        }),
        (true, true) => None,
        // cfssl serves HTTPS when either is set and then fails to load; say which is missing.
        _ => {
            return Err(CliError::Usage(
                "-tls-cert and -tls-key go together: give both for HTTPS, or neither".into(),
            ));
        }
    };
    let specs = load_roots(std::path::Path::new(&flags.roots))
        .map_err(|e| CliError::plain(e.to_string()))?;
    let mut roots = BTreeMap::new();
    for (label, spec) in &specs {
        roots.insert(label.clone(), load_root(ctx, label, spec)?);
    }
    if !flags.l.is_empty() && !roots.contains_key(&flags.l) {
        return Err(CliError::Usage(format!(
            "-l {}: no root with that label in {} (labels: {})",
            flags.l,
            flags.roots,
            specs.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    let config = MultirootConfig {
        address,
        port,
        roots: MultiRoots::new(roots, flags.l.clone()),
        tls,
        limits: ApiConfig::default_limits(),
    };
    run_multiroot_server_blocking(config, |note| match note.level {
        NoteLevel::Info => crate::info!("{}", note.message),
        NoteLevel::Warning => crate::warning!("{}", note.message),
        NoteLevel::Error => crate::error!("{}", note.message),
    })
    .map_err(|e| cfssl_cli::coded(e.code(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_like_go() {
        let ok = |a: &str| split_address(a).map_err(|e| e.to_string());
        assert_eq!(ok(":8888"), Ok((String::new(), 8888)));
        assert_eq!(ok("127.0.0.1:0"), Ok(("127.0.0.1".into(), 0)));
        assert_eq!(ok("[::1]:9"), Ok(("::1".into(), 9)));
        assert!(ok("8888").is_err());
        assert!(ok("::1:9").is_err());
        assert!(ok("h:99999").is_err());
    }
}
