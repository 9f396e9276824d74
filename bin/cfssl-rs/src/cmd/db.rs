//! `cfssl-rs db init|list -db-config F` (our extension): create cfssl's tables in an empty
//! database, or list what the CA issued — a table for people, `-json` for scripts — and
//! exit 2 when a certificate expires within `-expiring` or outlives its issuer, for cron
//! and monitoring.

use cfssl_ca::ListFilter;
use cfssl_ca::ledger::{Listed, inventory};
use cfssl_config::GoDuration;

use super::support::{now, open_db};
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let action = ctx.args.pop_only()?;
    let Some(mut db) = open_db(ctx)? else {
        return Err(CliError::plain(
            "need DB config file (provide with -db-config)",
        ));
    };
    match action.as_str() {
        "init" => {
            db.init().map_err(cfssl_ca::CaError::from)?;
            crate::info!("created cfssl's certificate database tables");
            Ok(())
        }
        "list" => list(ctx, &mut db),
        other => Err(CliError::Usage(format!(
            "db: unknown action {other:?}; use `db init` or `db list`"
        ))),
    }
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
        text => Some(parse_window(text)?),
    };
    let listed = inventory(db, &filter, window, now())?;
    let text = if flags.json {
        let rows: Vec<serde_json::Value> = listed.iter().map(to_json).collect();
        let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        text.push('\n');
        text
    } else {
        table(&listed)
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

/// `-expiring`: a Go duration (`720h`) or whole days (`30d`).
fn parse_window(text: &str) -> Result<time::Duration, CliError> {
    if let Some(days) = text.strip_suffix('d')
        && let Ok(days) = days.parse::<u32>()
    {
        return Ok(time::Duration::days(i64::from(days)));
    }
    text.parse::<GoDuration>()
        .map(|d| d.as_time_duration())
        .map_err(|_| {
            CliError::Usage(format!(
                "-expiring {text}: use days (30d) or a Go duration (720h)"
            ))
        })
}

fn date(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn table(listed: &[Listed]) -> String {
    let mut rows = vec![[
        "SERIAL".to_owned(),
        "AKI".to_owned(),
        "LABEL".to_owned(),
        "STATUS".to_owned(),
        "NOT AFTER (UTC)".to_owned(),
        "COMMON NAME".to_owned(),
        "CHECK".to_owned(),
    ]];
    for l in listed {
        let r = &l.record;
        let mut check = Vec::new();
        if l.expiring {
            check.push("EXPIRING");
        }
        if l.outlives_issuer {
            check.push("OUTLIVES-ISSUER");
        }
        let status = if r.status == cfssl_ca::STATUS_REVOKED {
            format!("revoked({})", r.reason)
        } else {
            r.status.clone()
        };
        rows.push([
            r.serial_number.clone(),
            r.authority_key_identifier.clone(),
            r.ca_label.clone(),
            status,
            date(r.expiry),
            r.common_name.clone(),
            check.join(","),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn to_json(l: &Listed) -> serde_json::Value {
    let r = &l.record;
    serde_json::json!({
        "serial_number": r.serial_number,
        "authority_key_identifier": r.authority_key_identifier,
        "ca_label": r.ca_label,
        "status": r.status,
        "reason": r.reason,
        "not_before": r.not_before.map(date),
        "expiry": date(r.expiry),
        "revoked_at": (r.status == cfssl_ca::STATUS_REVOKED).then(|| date(r.revoked_at)),
        "common_name": r.common_name,
        "sans": r.sans,
        "expiring": l.expiring,
        "outlives_issuer": l.outlives_issuer,
    })
}
