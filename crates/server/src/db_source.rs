//! [`DbSource`]: `ocspserve -db-config`'s responses, looked up in cfssl's certdb.

use std::sync::Mutex;

use cfssl_db::{Db, DbError, OcspRecord};
use cfssl_ocsp::{CertId, ResponseSource};

/// OCSP responses from the `ocsp_responses` table (docs/cfssl-lifecycle.md §5.5).
///
/// A request's CertID is looked up by (decimal serial, lower-case hex issuerKeyHash), the
/// strings cfssl stores (§1.3). The stored AKI is the CA's SHA-1 key identifier, so only
/// SHA-1 CertIDs match, as with cfssl. Of several rows the one with the latest `expiry`
/// wins (the first of equals); expired rows are still served.
///
/// One connection serves every request behind a mutex: a lookup is one indexed `SELECT`,
/// short enough that a pool would add more than it saves at `ocspserve`'s load. The server
/// runs lookups on tokio's blocking pool, so a slow database never stalls the accept loop.
#[derive(Debug)]
pub struct DbSource {
    db: Mutex<Db>,
}

impl DbSource {
    /// Serves the responses of `db` (opened, not necessarily connected: the first lookup
    /// connects, as cfssl's `sqlx.Open` defers it).
    pub fn new(db: Db) -> DbSource {
        DbSource { db: Mutex::new(db) }
    }

    /// Gives the database back.
    pub fn into_inner(self) -> Db {
        self.db
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl ResponseSource for DbSource {
    type Error = DbError;

    fn lookup(&self, id: &CertId) -> Result<Option<Vec<u8>>, DbError> {
        // A panic while holding the lock cannot leave `Db` half-updated in a way a read
        // cares about (a lookup writes nothing), so a poisoned lock is still used.
        let mut db = self
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let rows = db.get_ocsp(&id.serial_decimal(), &id.issuer_key_hash_hex())?;
        Ok(latest_expiry(rows).map(|row| row.body))
    }
}

/// The row whose `expiry` is latest; the first of equals.
fn latest_expiry(rows: Vec<OcspRecord>) -> Option<OcspRecord> {
    rows.into_iter().fold(None, |best, row| match best {
        Some(best) if best.expiry >= row.expiry => Some(best),
        _ => Some(row),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn row(body: &[u8], expiry: time::OffsetDateTime) -> OcspRecord {
        OcspRecord {
            serial_number: "1".into(),
            authority_key_identifier: "ab".into(),
            body: body.to_vec(),
            expiry,
        }
    }

    #[test]
    fn latest_expiry_wins_and_the_first_of_equals() {
        let early = datetime!(2026-01-01 00:00 UTC);
        let late = datetime!(2026-06-01 00:00 UTC);
        let rows = vec![row(b"a", early), row(b"b", late), row(b"c", late)];
        assert_eq!(latest_expiry(rows).map(|r| r.body), Some(b"b".to_vec()));
        assert_eq!(latest_expiry(Vec::new()), None);
    }
}
