//! Group commit: the certificates of concurrent requests share one database transaction.
//!
//! Why: a certificate is recorded before it is returned (docs/cfssl-lifecycle.md §2), and
//! with SQLite's durable defaults every transaction ends in an fsync — about 80–140 a second
//! on the benchmark VM, the same for cfssl, whose requests then queue on SQLite's lock. One
//! transaction per certificate would cap the server at the disk's fsync rate however fast it
//! signs. Here a request that finds the database busy queues its row; whichever request
//! next gets the database writes every queued row in one transaction, so one fsync serves
//! many requests.
//!
//! Nothing is weakened: each request still answers only after the transaction holding its
//! row has committed, and a row that cannot be written fails its own request only — when a
//! shared transaction fails (and so wrote nothing), each of its rows is tried again in a
//! transaction of its own, so a bad row or a database that went away is reported to exactly
//! the requests it concerns, with the error the one-row insert gives.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use cfssl_db::{CertificateRecord, Db, DbError};

/// A row waiting to be written, and where its writer leaves the result.
struct Slot {
    record: CertificateRecord,
    done: Mutex<Option<Result<(), DbError>>>,
}

/// The rows queued while the database was busy.
#[derive(Default)]
pub(crate) struct CommitQueue {
    pending: Mutex<Vec<Arc<Slot>>>,
}

/// A poisoned lock only means another request panicked while holding it; the data (a queue,
/// a result, a connection whose transaction rolled back) is still sound.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl CommitQueue {
    /// Writes `record` into `db`, possibly in one transaction with other requests' rows;
    /// returns once that transaction has committed (or failed).
    pub(crate) fn insert(&self, db: &Mutex<Db>, record: CertificateRecord) -> Result<(), DbError> {
        let slot = Arc::new(Slot {
            record,
            done: Mutex::new(None),
        });
        lock(&self.pending).push(Arc::clone(&slot));
        let mut db = lock(db);
        // Slots are only written by a holder of the database lock, so while we hold it a
        // slot is either finished or still queued, never half done.
        if let Some(result) = lock(&slot.done).take() {
            return result;
        }
        let batch = std::mem::take(&mut *lock(&self.pending));
        let rows: Vec<CertificateRecord> = batch.iter().map(|s| s.record.clone()).collect();
        let shared = db.insert_certificates(&rows);
        if matches!(batch.as_slice(), [only] if Arc::ptr_eq(only, &slot)) {
            return shared;
        }
        let mut own = None;
        for queued in &batch {
            let result = match &shared {
                Ok(()) => Ok(()),
                // The shared transaction wrote nothing: each row on its own.
                Err(_) => db.insert_certificates(std::slice::from_ref(&queued.record)),
            };
            if Arc::ptr_eq(queued, &slot) {
                own = Some(result);
            } else {
                *lock(&queued.done) = Some(result);
            }
        }
        // Always in the batch (it was queued before the lock was taken); written alone if not.
        own.unwrap_or_else(|| db.insert_certificates(std::slice::from_ref(&slot.record)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfssl_db::{DbConfig, ListFilter};
    use time::OffsetDateTime;

    const AKI: &str = "c3912c5b7ca0c27148a3832eacab9fdf246ebcf3";

    fn row(serial: &str) -> CertificateRecord {
        let now = OffsetDateTime::now_utc();
        CertificateRecord::issued(
            serial,
            AKI,
            "",
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
            now,
            now + time::Duration::days(1),
            None,
            "leaf.example.com",
        )
    }

    fn sqlite(dir: &tempfile::TempDir) -> Result<Db, DbError> {
        let mut db = Db::open(&DbConfig {
            driver: "sqlite3".into(),
            data_source: dir.path().join("certs.db").display().to_string(),
        })?;
        db.init()?;
        Ok(db)
    }

    /// Rows from many threads at once all land, each reported written.
    #[test]
    fn concurrent_rows_are_all_written() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = Mutex::new(sqlite(&dir)?);
        let queue = CommitQueue::default();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let (db, queue) = (&db, &queue);
                    scope.spawn(move || {
                        (0..25).all(|i| queue.insert(db, row(&format!("{t}{i:03}"))).is_ok())
                    })
                })
                .collect();
            for handle in handles {
                assert!(matches!(handle.join(), Ok(true)));
            }
        });
        let rows = lock(&db).list_certificates(&ListFilter::default())?;
        assert_eq!(rows.len(), 200);
        Ok(())
    }

    /// A row that cannot be written (here: its serial and AKI already recorded) fails its
    /// own request only, even when it was queued in one transaction with good rows.
    #[test]
    fn a_bad_row_fails_only_its_request() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = Mutex::new(sqlite(&dir)?);
        lock(&db).insert_certificates(&[row("1")])?;
        let queue = CommitQueue::default();
        let results = std::thread::scope(|scope| {
            // Hold the database so that all four rows queue, then let one request write them.
            let held = lock(&db);
            let handles: Vec<_> = ["1", "2", "3", "4"]
                .into_iter()
                .map(|serial| {
                    let (db, queue) = (&db, &queue);
                    scope.spawn(move || (serial, queue.insert(db, row(serial)).is_ok()))
                })
                .collect();
            while lock(&queue.pending).len() < 4 {
                std::thread::yield_now();
            }
            drop(held);
            let mut results: Vec<_> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
            results.sort();
            results
        });
        assert_eq!(
            results,
            [("1", false), ("2", true), ("3", true), ("4", true)]
        );
        let rows = lock(&db).list_certificates(&ListFilter::default())?;
        assert_eq!(rows.len(), 4);
        Ok(())
    }
}
