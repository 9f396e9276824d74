//! The remote half of `sign`, `gencert`, `info` and `revoke`: which requests go to a cfssl
//! server, and how the command line's flags become a [`cfssl_remote::Remote`].
//!
//! cfssl decides per request, by profile (docs/cfssl-lifecycle.md §9.1): `-remote` makes
//! every profile remote (a profile's `auth_remote` key still applies); without it, a
//! profile with `remote` or `auth_remote` in the `-config` is signed by the server its
//! `remotes` entry names, the others locally. [`route`] is that decision.

use cfssl_remote::{Note, Remote, RemoteError, Timeouts, TlsOptions};
use zeroize::Zeroizing;

use super::{CliError, Context, read_file};

/// Where a request for a profile goes.
pub struct RemoteRoute {
    /// The server list (`-remote`, or the profile's `remotes` entry).
    pub servers: String,
    /// The profile's `auth_remote` key, hex-decoded: the request goes to `authsign` with
    /// a token. `None`: plain `sign`.
    pub auth_key: Option<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for RemoteRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteRoute")
            .field("servers", &self.servers)
            .field("authenticated", &self.auth_key.is_some())
            .finish()
    }
}

/// Whether `profile` is signed remotely, and where (docs/cfssl-lifecycle.md §9.1).
///
/// With `-remote`, or a `-config` whose profiles are all remote, a profile unknown to the
/// `-config` (or every profile, without one) is the server's business: the name is sent as
/// given with the default profile's remote and key, and the server picks, as cfssl's remote
/// signer does. With a mixed policy, an unknown profile is refused as for local signing
/// (cfssl: 5400; docs/differences.md #4).
///
/// # Errors
/// An unknown profile without `-remote`; an `auth_keys` key that cannot be read.
pub fn route(ctx: &Context<'_>, profile: &str) -> Result<Option<RemoteRoute>, CliError> {
    let flag = ctx.flags.remote.trim();
    let Some(config) = &ctx.config else {
        return Ok((!flag.is_empty()).then(|| RemoteRoute {
            servers: flag.to_owned(),
            auth_key: None,
        }));
    };
    // cfssl builds a purely remote signer when -remote is given or every profile is remote,
    // and that signer's `signer.Profile` falls back to the default for an unknown name (the
    // server knows the profiles); a mixed policy looks the name up strictly.
    let signing = &config.signing;
    let all_remote =
        signing.default.is_remote() && signing.profiles.values().all(|p| p.is_remote());
    let chosen = if flag.is_empty() && !all_remote {
        config.profile(profile)?
    } else {
        signing.profiles.get(profile).unwrap_or(&signing.default)
    };
    let servers = if flag.is_empty() {
        match &chosen.remote_server {
            Some(server) => server.clone(),
            None => return Ok(None),
        }
    } else {
        flag.to_owned()
    };
    let auth_key = match &chosen.auth_remote_key {
        None => None,
        Some(name) => {
            let key = config.auth_keys.get(name).ok_or_else(|| {
                CliError::cfssl(
                    5200,
                    "failed to find auth_remote's auth_key in auth_keys section",
                )
            })?;
            let bytes = key
                .resolve()
                .map_err(|e| CliError::plain(format!("auth_keys {name}: {e}")))?;
            Some(Zeroizing::new(bytes))
        }
    };
    Ok(Some(RemoteRoute { servers, auth_key }))
}

/// Flags that only mean something for a remote request, refused when the request is
/// signed locally: cfssl ignores them there, which hides a mistyped `-config` or
/// `-profile` that was meant to go remote.
pub fn refuse_remote_only_flags(ctx: &Context<'_>, what: &str) -> Result<(), CliError> {
    let flags = &ctx.flags;
    for (name, value) in [
        ("tls-remote-ca", &flags.tls_remote_ca),
        ("mutual-tls-client-cert", &flags.mutual_tls_client_cert),
        ("mutual-tls-client-key", &flags.mutual_tls_client_key),
    ] {
        if !value.is_empty() {
            return Err(CliError::plain(format!(
                "-{name}: applies to a remote server, and {what} is signed locally here (no \
                 -remote, and the profile has no remote in -config)"
            )));
        }
    }
    Ok(())
}

/// `-db-config` with a remote request: the server signs, so only the server can record
/// (cfssl opens the database and then never writes to it).
pub fn refuse_db_config(ctx: &Context<'_>) -> Result<(), CliError> {
    if ctx.flags.db_config.is_empty() {
        return Ok(());
    }
    Err(CliError::plain(
        "-db-config: this request is signed by a remote server, which records the certificate \
         in its own database (cfssl-rs serve -db-config); drop -db-config here",
    ))
}

/// The client for `servers`, with `-tls-remote-ca` and the client certificate read now so
/// a bad file fails before anything is sent.
///
/// # Errors
/// A file that cannot be read, only one of the client certificate and key, or what
/// [`Remote::new`] refuses.
pub fn connect(ctx: &Context<'_>, servers: &str) -> Result<Remote, CliError> {
    let flags = &ctx.flags;
    let remote_ca_pem = match flags.tls_remote_ca.as_str() {
        "" => None,
        path => Some(read_file(path)?),
    };
    let client_identity_pem = match (
        flags.mutual_tls_client_cert.as_str(),
        flags.mutual_tls_client_key.as_str(),
    ) {
        ("", "") => None,
        (cert, "") | ("", cert) if !cert.is_empty() => {
            // cfssl silently sends no client certificate when one of the two is missing.
            return Err(CliError::plain(
                "-mutual-tls-client-cert and -mutual-tls-client-key go together: give the \
                 client certificate and its key",
            ));
        }
        (cert, key) => Some((read_file(cert)?, read_file(key)?)),
    };
    let tls = TlsOptions {
        remote_ca_pem,
        client_identity_pem,
    };
    Remote::new(servers, &tls, timeouts()?, &mut log_note).map_err(remote_error)
}

/// The variable that bounds a whole remote request (a Go duration such as `30s`).
pub const TIMEOUT_VARIABLE: &str = "CFSSL_REMOTE_TIMEOUT";

/// [`Timeouts::default`] (10 s to connect, 60 s per request), or `CFSSL_REMOTE_TIMEOUT`
/// for the whole request (connecting then gets at most as long).
fn timeouts() -> Result<Timeouts, CliError> {
    let Some(text) = std::env::var_os(TIMEOUT_VARIABLE) else {
        return Ok(Timeouts::default());
    };
    let text = text.to_string_lossy();
    let bad = || {
        CliError::plain(format!(
            "{TIMEOUT_VARIABLE}={text}: not a positive duration such as 30s or 2m"
        ))
    };
    let duration = text
        .parse::<cfssl_config::GoDuration>()
        .map_err(|_| bad())?
        .as_time_duration();
    let request = std::time::Duration::try_from(duration).map_err(|_| bad())?;
    if request.is_zero() {
        return Err(bad());
    }
    Ok(Timeouts {
        connect: Timeouts::default().connect.min(request),
        request,
    })
}

/// Prints a client note as cfssl's log line.
pub fn log_note(note: Note) {
    match note {
        Note::Error(text) => crate::error!("{text}"),
        Note::Warning(text) => crate::warning!("{text}"),
        Note::Debug(text) => crate::debug!("{text}"),
    }
}

/// cfssl's error JSON for a failed remote request (`{"code":7400,"message":…}`).
pub fn remote_error(e: RemoteError) -> CliError {
    match e.code().and_then(|code| u32::try_from(code).ok()) {
        Some(code) => CliError::cfssl(code, e.to_string()),
        None => CliError::plain(e.to_string()),
    }
}

/// Flags of local signing that a remote request cannot honour: the server signs with its
/// own CA and chain, records in its own database, and (cfssl's `sign` endpoint) ignores a
/// CRL override.
pub fn refuse_local_only_flags(ctx: &Context<'_>) -> Result<(), CliError> {
    let flags = &ctx.flags;
    let from_flag = !flags.remote.trim().is_empty();
    let checks: [(&str, &str, bool, &str); 6] = [
        (
            "ca",
            &flags.ca,
            from_flag,
            "the remote server signs with its own CA",
        ),
        (
            "ca-key",
            &flags.ca_key,
            from_flag,
            "the remote server signs with its own CA key",
        ),
        (
            "ca-chain",
            &flags.ca_chain,
            true,
            "the remote server's answer is one certificate",
        ),
        (
            "crl",
            &flags.crl,
            true,
            "cfssl's sign endpoint does not read a CRL override",
        ),
        (
            "key-uri",
            &flags.key_uri,
            true,
            "remote signing makes its key in memory",
        ),
        (
            "transcript",
            &flags.transcript,
            true,
            "a transcript records local signing steps",
        ),
    ];
    for (name, value, applies, why) in checks {
        if applies && !value.is_empty() {
            return Err(CliError::plain(format!(
                "-{name}: this request is signed by a remote server ({why}); drop -{name}"
            )));
        }
    }
    refuse_db_config(ctx)
}

/// Unix seconds now, for `authsign`'s timestamp.
pub fn unix_now() -> i64 {
    super::support::now().unix_timestamp()
}
