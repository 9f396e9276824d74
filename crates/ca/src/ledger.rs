//! The issuance ledger: cfssl's certificate database as the workflows use it
//! (docs/cfssl-lifecycle.md §2–§4, §6).
//!
//! Recording is part of issuing: a caller that has a database records each certificate
//! with [`record`] *before* it hands the certificate out, and hands nothing out when the
//! row cannot be written (cfssl's order, docs/cfssl-lifecycle.md §2: the row exists before
//! the certificate is printed). A batch is recorded in one transaction: all rows or none.
//!
//! The row is cfssl's exactly ([`certificate_record`]): decimal serial, lower-case hex AKI,
//! the CA label (`""` without one), status `good`, the certificate's dates, its DNS SANs
//! only, its subject CN, and `null` metadata — so cfssl's own `revoke`, `crl`, `ocsprefresh`
//! and `serve` work on a database cfssl-rs wrote, and the other way round.

use cfssl_db::{CertificateRecord, Db, ListFilter};
use cfssl_signer::{Issued, ParsedCertificate};
use time::{Duration, OffsetDateTime};

use crate::CaError;

/// Lower-case hex without separators, as cfssl stores key identifiers.
pub fn hex_key_id(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The row cfssl's signer writes for `issued` under the CA label `label` (`""` for none).
///
/// # Errors
/// The certificate does not parse (it always does: we just made it).
pub fn certificate_record(issued: &Issued, label: &str) -> Result<CertificateRecord, CaError> {
    let cert = ParsedCertificate::from_der(&issued.der)?;
    let sans = Some(cert.sans.dns_names.clone()).filter(|names| !names.is_empty());
    Ok(CertificateRecord::issued(
        issued.serial_decimal.clone(),
        cert.authority_key_id
            .as_deref()
            .map(hex_key_id)
            .unwrap_or_default(),
        label,
        issued.pem.clone(),
        cert.not_before,
        cert.not_after,
        sans,
        cert.subject.common_name.clone(),
    ))
}

/// Records certificates just issued, in one transaction: every row is written or none
/// is. Call it before handing any of them out.
///
/// # Errors
/// [`CaError::Db`]: cfssl's 11000 (the driver's text) or 11100.
pub fn record(db: &mut Db, issued: &[&Issued], label: &str) -> Result<(), CaError> {
    let rows = issued
        .iter()
        .map(|i| certificate_record(i, label))
        .collect::<Result<Vec<_>, _>>()?;
    db.insert_certificates(&rows)?;
    Ok(())
}

/// One certificate of `db list`, with what a monitor should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// The stored row.
    pub record: CertificateRecord,
    /// It is not revoked and its notAfter falls within the `-expiring` window (or is past).
    pub expiring: bool,
    /// Its issuer is in the database too and it ends after its issuer: a chain through
    /// it stops verifying before it does.
    pub outlives_issuer: bool,
}

/// `db list` (our extension): the rows `filter` selects, oldest expiry first, each checked
/// for an expiry within `window` (when given) and for outliving its issuer (a CA
/// certificate in the same database whose SKI is the row's AKI).
///
/// # Errors
/// [`CaError::Db`].
pub fn inventory(
    db: &mut Db,
    filter: &ListFilter,
    window: Option<Duration>,
    now: OffsetDateTime,
) -> Result<Vec<Listed>, CaError> {
    let mut rows = db.list_certificates(filter)?;
    rows.sort_by(|a, b| {
        a.expiry
            .cmp(&b.expiry)
            .then(a.serial_number.cmp(&b.serial_number))
    });
    // The issuers: every CA certificate in the whole database, by SKI.
    let issuers: Vec<(String, OffsetDateTime)> = db
        .list_certificates(&ListFilter::default())?
        .iter()
        .filter_map(|r| ParsedCertificate::from_pem(r.pem.as_bytes()).ok())
        .filter(|c| c.basic_constraints.is_some_and(|(is_ca, _)| is_ca))
        .filter_map(|c| Some((hex_key_id(c.subject_key_id.as_deref()?), c.not_after)))
        .collect();
    let horizon = window.and_then(|w| now.checked_add(w));
    Ok(rows
        .into_iter()
        .map(|record| {
            let good = record.status != cfssl_db::STATUS_REVOKED;
            let expiring = good && horizon.is_some_and(|h| record.expiry <= h);
            let outlives_issuer = issuers.iter().any(|(ski, issuer_end)| {
                *ski == record.authority_key_identifier && record.expiry > *issuer_end
            });
            Listed {
                record,
                expiring,
                outlives_issuer,
            }
        })
        .collect())
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

/// `db list`'s table for people: one row per certificate, columns aligned, the checks
/// that failed in the last column (`EXPIRING`, `OUTLIVES-ISSUER`).
pub fn inventory_table(listed: &[Listed]) -> String {
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
        let status = if r.status == cfssl_db::STATUS_REVOKED {
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

impl Listed {
    /// `db list -json`'s object for this row (times as `YYYY-MM-DD HH:MM:SS`, UTC).
    pub fn to_json(&self) -> serde_json::Value {
        let l = self;
        let r = &l.record;
        serde_json::json!({
            "serial_number": r.serial_number,
            "authority_key_identifier": r.authority_key_identifier,
            "ca_label": r.ca_label,
            "status": r.status,
            "reason": r.reason,
            "not_before": r.not_before.map(date),
            "expiry": date(r.expiry),
            "revoked_at": (r.status == cfssl_db::STATUS_REVOKED).then(|| date(r.revoked_at)),
            "common_name": r.common_name,
            "sans": r.sans,
            "expiring": l.expiring,
            "outlives_issuer": l.outlives_issuer,
        })
    }
}
