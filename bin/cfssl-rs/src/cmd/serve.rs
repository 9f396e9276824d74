//! `cfssl-rs serve` (docs/cfssl-lifecycle.md §7–§8): cfssl's signing API over HTTP or
//! HTTPS until SIGINT or SIGTERM. This command builds what the server needs the way the
//! other commands build it (the local signer of `sign`, the OCSP signer of `ocspsign`, the
//! certdb of `-db-config`) and hands it to `cfssl_server::api`.

use cfssl_ocsp::NoteLevel;
use cfssl_server::api::{ApiConfig, MinTlsVersion, TlsSettings, run_api_server_blocking};

use super::revoke::NO_ARGUMENTS;
use super::support::{local_signer, open_db};
use super::{CliError, Context};

/// cfssl flags `serve` lists that cfssl-rs cannot honour yet: refused, never ignored.
fn refuse_unsupported(ctx: &Context<'_>) -> Result<(), CliError> {
    let flags = &ctx.flags;
    const PROXY: &str = "serve signs only with its own CA (-ca and -ca-key); serving in front \
                         of another cfssl server is not supported";
    let refused: [(&str, &str, &str); 5] = [
        ("remote", &flags.remote, PROXY),
        ("tls-remote-ca", &flags.tls_remote_ca, PROXY),
        (
            "mutual-tls-client-cert",
            &flags.mutual_tls_client_cert,
            PROXY,
        ),
        ("mutual-tls-client-key", &flags.mutual_tls_client_key, PROXY),
        (
            "int-dir",
            &flags.int_dir,
            "it is where cfssl stores intermediates it downloads from AIA URLs, and cfssl-rs \
             downloads nothing: pass intermediates with -int-bundle (docs/differences.md #36)",
        ),
    ];
    for (name, value, why) in refused {
        if !value.is_empty() {
            return Err(CliError::Usage(format!(
                "-{name}: cfssl-rs serve does not support it: {why}"
            )));
        }
    }
    Ok(())
}

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if !ctx.args.is_empty() {
        return Err(CliError::Usage(NO_ARGUMENTS.into()));
    }
    refuse_unsupported(ctx)?;
    let flags = &ctx.flags;
    let port = u16::try_from(flags.port)
        .map_err(|_| CliError::Usage(format!("-port {}: not a TCP port (0-65535)", flags.port)))?;
    let min_version =
        MinTlsVersion::parse(&flags.min_tls_version).map_err(|e| CliError::Usage(e.to_string()))?;
    let tls = match (flags.tls_cert.is_empty(), flags.tls_key.is_empty()) {
        (false, false) => Some(TlsSettings {
            cert_file: flags.tls_cert.clone(),
            key_file: flags.tls_key.clone(),
            min_version,
            client_ca_file: (!flags.mutual_tls_ca.is_empty()).then(|| flags.mutual_tls_ca.clone()),
        }),
        (true, true) => {
            // cfssl serves plain HTTP and ignores these; we refuse what would not be honoured.
            for (name, value) in [
                ("mutual-tls-ca", &flags.mutual_tls_ca),
                ("min-tls-version", &flags.min_tls_version),
            ] {
                if !value.is_empty() {
                    return Err(CliError::Usage(format!(
                        "-{name} needs -tls-cert and -tls-key: without them the server speaks \
                         plain HTTP"
                    )));
                }
            }
            None
        }
        _ => {
            return Err(CliError::Usage(
                "-tls-cert and -tls-key go together: give both for HTTPS, or neither".into(),
            ));
        }
    };

    crate::info!("Initializing signer");
    let signer = if flags.ca.is_empty() || flags.ca_key.is_empty() {
        Err("no -ca and -ca-key given".to_owned())
    } else {
        local_signer(ctx).map_err(|e| e.to_string())
    };
    if let Err(e) = &signer {
        crate::warning!("couldn't initialize signer: {e}");
    }
    let ocsp_signer = if flags.responder.is_empty() {
        Err("no -responder given".to_owned())
    } else {
        super::ocspsign::ocsp_signer(ctx).map_err(|e| e.to_string())
    };
    if let Err(e) = &ocsp_signer {
        crate::warning!("couldn't initialize ocsp signer: {e}");
    }
    // cfssl loads -metadata first and stops on an error; a bundler that cannot be built
    // only turns the bundle endpoint off.
    let platforms = if flags.metadata.is_empty() {
        Vec::new()
    } else {
        super::bundle::load_metadata(&flags.metadata)?
    };
    let bundler = super::bundle::stores(&flags.ca_bundle, &flags.int_bundle)
        .map(|bundler| bundler.with_platforms(platforms))
        .map_err(|e| e.to_string());
    if bundler.is_ok() {
        crate::info!("bundler API ready");
    }
    // A server commits many times: the sqlite journal stays between commits instead of
    // being created and removed at each (cfssl_db::Db::set_keep_journal).
    let db = open_db(ctx)?.map(|mut db| {
        db.set_keep_journal(true);
        db
    });
    let disabled = flags
        .disable
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let config = ApiConfig {
        address: flags.address.clone(),
        port,
        signer,
        ocsp_signer,
        bundler,
        db,
        disabled,
        tls,
        mutual_tls_cn: (!flags.mutual_tls_cn.is_empty()).then(|| flags.mutual_tls_cn.clone()),
        allow_unauthenticated: flags.allow_unauthenticated,
        limits: ApiConfig::default_limits(),
    };
    run_api_server_blocking(config, |note| match note.level {
        NoteLevel::Info => crate::info!("{}", note.message),
        NoteLevel::Warning => crate::warning!("{}", note.message),
        NoteLevel::Error => crate::error!("{}", note.message),
    })
    .map_err(|e| cfssl_cli::coded(e.code(), e.to_string()))
}
