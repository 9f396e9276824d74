//! `cfssl-rs ocspserve -db-config F | -responses FILE [-address A -port P -path /]`
//! (docs/cfssl-lifecycle.md §5.5): an RFC 6960 responder over HTTP GET and POST until
//! SIGINT or SIGTERM, answering from the database's `ocsp_responses` or from a responses
//! file (`ocspdump`'s output). The HTTP side is `cfssl_server`'s.

use cfssl_ocsp::{FileSource, NoteLevel};
use cfssl_server::{DbSource, OcspServeConfig, OcspSource, run_ocsp_server_blocking};

use super::revoke::NO_ARGUMENTS;
use super::{CliError, Context, read_file};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if !ctx.args.is_empty() {
        return Err(CliError::Usage(NO_ARGUMENTS.into()));
    }
    let flags = &ctx.flags;
    let port = u16::try_from(flags.port)
        .map_err(|_| CliError::Usage(format!("-port {}: not a TCP port (0-65535)", flags.port)))?;
    // -responses wins over -db-config, as in cfssl.
    if !flags.responses.is_empty() && !flags.db_config.is_empty() {
        crate::warning!(
            "both -responses and -db-config given: answering from {} only, as cfssl does",
            flags.responses
        );
    }
    let source = if !flags.responses.is_empty() {
        let text = read_file(&flags.responses)
            .map_err(|e| CliError::plain(format!("unable to read response file: {e}")))?;
        let file = FileSource::from_text(&String::from_utf8_lossy(&text));
        for skipped in file.skipped() {
            crate::error!("{skipped}");
        }
        crate::info!("Read {} OCSP responses", file.len());
        OcspSource::File(file)
    } else if !flags.db_config.is_empty() {
        let config = cfssl_ca::DbConfig::load(&flags.db_config)
            .map_err(|e| CliError::plain(format!("unable to read configuration file: {e}")))?;
        let mut db = cfssl_ca::Db::open(&config).map_err(cfssl_ca::CaError::from)?;
        if let Some(timeout) = super::support::db_busy_timeout()? {
            db.set_busy_timeout(timeout);
        }
        OcspSource::Db(DbSource::new(db))
    } else {
        return Err(CliError::plain(
            "no response file or db-config provided, please set the one of these using either \
             -responses or -db-config flags",
        ));
    };
    let mut config = OcspServeConfig::new(flags.address.clone(), port, source);
    config.path = flags.path.clone();
    run_ocsp_server_blocking(
        config,
        |note| match note.level {
            NoteLevel::Info => crate::info!("{}", note.message),
            NoteLevel::Warning => crate::warning!("{}", note.message),
            NoteLevel::Error => crate::error!("{}", note.message),
        },
        // cfssl_server logs `Registering OCSP responder handler` and `Now listening on …`.
        |_| {},
    )
    .map_err(|e| cfssl_cli::coded(e.code(), e.to_string()))
}
