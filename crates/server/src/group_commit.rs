//! Group commit: the certificates of concurrent requests share one database transaction.
//!
//! Why: a certificate is recorded before it is returned (docs/cfssl-lifecycle.md §2), and
//! with SQLite's durable defaults every transaction ends in an fsync — about 80–140 a second
//! on the benchmark VM, the same for cfssl, whose requests then queue on SQLite's lock. One
//! transaction per certificate would cap the server at the disk's fsync rate however fast it
//! signs. Here a request whose row arrives while another transaction is being written
//! queues it; when that transaction ends, one of the queued requests writes every queued row
//! in the next transaction, so one fsync serves many requests.
//!
//! A request waits for *its* transaction only: the writer hands each request of its batch
//! the result and wakes them all, and each returns at once. (An earlier version let the
//! requests of a batch find their result only by taking the database lock in turn, so one
//! that lost the race to the next batch's writer waited a whole extra commit for an answer
//! it already had: that was most of the server's p99 at 8 connections, bench/RESULTS-server.md.)
//!
//! Nothing is weakened: each request still answers only after the transaction holding its
//! row has committed, and a row that cannot be written fails its own request only — when a
//! shared transaction fails (and so wrote nothing), each of its rows is tried again in a
//! transaction of its own, so a bad row or a database that went away is reported to exactly
//! the requests it concerns, with the error the one-row insert gives.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use cfssl_db::{CertificateRecord, Db, DbError};

/// A row waiting to be written, and where its writer leaves the result.
struct Slot {
    record: CertificateRecord,
    /// Set by the writer of the slot's batch, under [`CommitQueue::state`]'s lock.
    done: Mutex<Option<Result<(), DbError>>>,
}

/// What the requests share: the rows not yet taken by a writer, and whether a writer is at
/// work.
#[derive(Default)]
struct State {
    pending: Vec<Arc<Slot>>,
    writing: bool,
}

/// The rows of concurrent requests, written a batch per transaction.
#[derive(Default)]
pub(crate) struct CommitQueue {
    state: Mutex<State>,
    /// Signalled when a batch is finished (its results are in its slots) and the writer's
    /// place is free.
    finished: Condvar,
}

/// A poisoned lock only means another request panicked while holding it; the data (a queue,
/// a result, a connection whose transaction rolled back) is still sound.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Gives the writer's place back if the writer unwinds before its batch is finished: the
/// batch goes back in the queue for the next writer, so no request waits forever.
struct WriterPlace<'a> {
    queue: &'a CommitQueue,
    unfinished: Vec<Arc<Slot>>,
}

impl Drop for WriterPlace<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.queue.state);
        state.pending.append(&mut self.unfinished);
        state.writing = false;
        drop(state);
        self.queue.finished.notify_all();
    }
}

impl CommitQueue {
    /// Writes `record` into `db`, possibly in one transaction with other requests' rows;
    /// returns once that transaction has committed (or failed).
    pub(crate) fn insert(&self, db: &Mutex<Db>, record: CertificateRecord) -> Result<(), DbError> {
        let slot = Arc::new(Slot {
            record,
            done: Mutex::new(None),
        });
        let mut state = lock(&self.state);
        state.pending.push(Arc::clone(&slot));
        loop {
            if let Some(result) = lock(&slot.done).take() {
                return result;
            }
            if state.writing {
                state = self
                    .finished
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            // Nobody is writing and our row is still queued: write every queued row.
            state.writing = true;
            let batch = std::mem::take(&mut state.pending);
            drop(state);
            let mut place = WriterPlace {
                queue: self,
                unfinished: batch,
            };
            let results = write_batch(db, &place.unfinished);
            state = lock(&self.state);
            for (queued, result) in std::mem::take(&mut place.unfinished).iter().zip(results) {
                *lock(&queued.done) = Some(result);
            }
            drop(state);
            // Frees the writer's place and wakes the batch (and the next writer).
            drop(place);
            state = lock(&self.state);
        }
    }
}

/// Writes `batch` in one transaction; if that fails (and so wrote nothing), each row in a
/// transaction of its own. One result per row, in order.
fn write_batch(db: &Mutex<Db>, batch: &[Arc<Slot>]) -> Vec<Result<(), DbError>> {
    let mut db = lock(db);
    let rows: Vec<CertificateRecord> = batch.iter().map(|s| s.record.clone()).collect();
    match db.insert_certificates(&rows) {
        Ok(()) => batch.iter().map(|_| Ok(())).collect(),
        Err(shared) if batch.len() == 1 => vec![Err(shared)],
        Err(_) => batch
            .iter()
            .map(|queued| db.insert_certificates(std::slice::from_ref(&queued.record)))
            .collect(),
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
            // As if another request were writing: all four rows queue, then one of their
            // requests writes them in one transaction.
            lock(&queue.state).writing = true;
            let handles: Vec<_> = ["1", "2", "3", "4"]
                .into_iter()
                .map(|serial| {
                    let (db, queue) = (&db, &queue);
                    scope.spawn(move || (serial, queue.insert(db, row(serial)).is_ok()))
                })
                .collect();
            while lock(&queue.state).pending.len() < 4 {
                std::thread::yield_now();
            }
            lock(&queue.state).writing = false;
            queue.finished.notify_all();
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

    /// The requests of a batch return when their batch is written, without waiting for the
    /// database: here the next writer holds the database lock (as a slow commit would) and
    /// the first batch's requests still return.
    #[test]
    fn a_batch_returns_without_waiting_for_the_next_one() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let db = Mutex::new(sqlite(&dir)?);
        let queue = CommitQueue::default();
        std::thread::scope(|scope| {
            lock(&queue.state).writing = true;
            let first: Vec<_> = ["a1", "a2", "a3"]
                .into_iter()
                .map(|serial| {
                    let (db, queue) = (&db, &queue);
                    scope.spawn(move || queue.insert(db, row(serial)).is_ok())
                })
                .collect();
            while lock(&queue.state).pending.len() < 3 {
                std::thread::yield_now();
            }
            // Write the first batch by hand, as its writer would, while a second request
            // arrives and the database is held.
            let batch = std::mem::take(&mut lock(&queue.state).pending);
            let results = write_batch(&db, &batch);
            let held = lock(&db);
            let second = {
                let (db, queue) = (&db, &queue);
                scope.spawn(move || queue.insert(db, row("b1")).is_ok())
            };
            while lock(&queue.state).pending.is_empty() {
                std::thread::yield_now();
            }
            {
                let mut state = lock(&queue.state);
                for (slot, result) in batch.iter().zip(results) {
                    *lock(&slot.done) = Some(result);
                }
                state.writing = false;
            }
            queue.finished.notify_all();
            // The second request is now the writer, blocked on the held database; the first
            // batch returns regardless.
            for handle in first {
                assert!(matches!(handle.join(), Ok(true)));
            }
            drop(held);
            assert!(matches!(second.join(), Ok(true)));
        });
        let rows = lock(&db).list_certificates(&ListFilter::default())?;
        assert_eq!(rows.len(), 4);
        Ok(())
    }
}
