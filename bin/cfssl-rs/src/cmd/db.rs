//! `cfssl-rs db init|list -db-config F` (our extension): create cfssl's tables in an empty
//! database, or list what the CA issued — a table for people, `-json` for scripts — and
//! exit 2 when a certificate expires within `-expiring` or outlives its issuer, for cron
//! and monitoring.

use cfssl_ca::ListFilter;
use cfssl_ca::ledger::{Listed, inventory, inventory_table};

use super::support::{now, open_db};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    // The action and its flags are checked before the database is opened.
    let action = ctx.args.pop_only()?;
    let given = &ctx.flags.given;
    match action.as_str() {
        "init" if given.expiring || given.status || given.ca_label || given.json => {
            return Err(CliError::Usage(
                "db init takes only -db-config; -expiring, -status, -ca-label and -json are \
                 for db list"
                    .into(),
            ));
        }
        "init" | "list" => {}
        other => {
            return Err(CliError::Usage(format!(
                "db: unknown action {other:?}; use `db init` or `db list`"
            )));
        }
    }
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain(
            "need DB config file (provide with -db-config)",
        ));
    };
    if action == "list" {
        return list(ctx, &mut db);
    }
    db.init().map_err(cfssl_ca::CaError::from)?;
    crate::info!("created cfssl's certificate database tables");
    Ok(())
}

fn list(ctx: &mut Context<'_>, db: &mut cfssl_ca::Db) -> Result<(), CliError> {
    let flags = ctx.flags.clone();
    let filter = ListFilter {
        // -status defaults to "good" for ocspsign; here only an explicit one filters.
        status: flags.given.status.then(|| flags.status.clone()),
        ca_label: flags.given.ca_label.then(|| flags.ca_label.clone()),
    };
    if let Some(status) = &filter.status
        && !matches!(status.as_str(), "good" | "revoked")
    {
        return Err(CliError::Usage(format!(
            "-status {status}: use good or revoked"
        )));
    }
    let window = match flags.expiring.as_str() {
        "" => None,
        text => Some(cfssl_cli::resolve::expiry_window(text)?),
    };
    let listed = inventory(db, &filter, window, now())?;
    let text = if flags.json {
        let rows: Vec<serde_json::Value> = listed.iter().map(Listed::to_json).collect();
        let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        text.push('\n');
        text
    } else {
        inventory_table(&listed)
    };
    ctx.print(&text)?;
    let expiring = listed.iter().filter(|l| l.expiring).count();
    let outliving = listed.iter().filter(|l| l.outlives_issuer).count();
    if expiring + outliving == 0 {
        return Ok(());
    }
    Err(CliError::Flagged(format!(
        "{expiring} certificate(s) expire within {}, {outliving} outlive their issuer",
        flags.expiring
    )))
}
