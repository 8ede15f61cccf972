//! Group commit: small writes that arrive at the same moment are written together, in one
//! transaction and one statement per table.
//!
//! Why: at an exam's opening its candidates press "Start" within seconds of each other, and
//! while they sit it every one of them autosaves every half minute. Written one transaction
//! each, every such write pays for its own BEGIN, statements and COMMIT, and on SQLite they
//! queue for the one writer connection (`Db::begin`) one after another. Here a write that
//! arrives while a batch is being written waits for the next batch, which takes everyone who
//! arrived meanwhile (up to `max`). Nothing is delayed on purpose: a lone write goes at once, and
//! batches grow only as fast as writes arrive.
//!
//! Each write is acknowledged only after its batch committed. If a batch fails, its writes are
//! tried again one by one, so one write that cannot be made (its row deleted meanwhile) fails
//! alone and the others are not refused for it.

use super::Db;
use crate::error::AppError;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Writes `items` in one transaction; returns one result per item, in order.
pub type WriteAll<I, O> = for<'a> fn(&'a Db, &'a [I]) -> Pin<Box<dyn Future<Output = Result<Vec<O>, AppError>> + Send + 'a>>;

type Pending<I, O> = (I, oneshot::Sender<Result<O, AppError>>);

/// One kind of batched write, as a `static`: one writer task per database in this process,
/// started on first use, and again if the runtime it ran on has ended (each test has its own).
pub struct Batcher<I, O> {
    name: &'static str,
    max: usize,
    write: WriteAll<I, O>,
    writers: std::sync::Mutex<Vec<(u32, mpsc::UnboundedSender<Pending<I, O>>)>>,
}

impl<I: Send + Sync + 'static, O: Send + 'static> Batcher<I, O> {
    /// `max`: items per batch (mind SQLite's 32 766 bound parameters in one statement).
    pub const fn new(name: &'static str, max: usize, write: WriteAll<I, O>) -> Batcher<I, O> {
        Batcher { name, max, write, writers: std::sync::Mutex::new(Vec::new()) }
    }

    /// Writes `item` with whatever else is being written now; returns once it is committed.
    pub async fn write(&'static self, db: &Db, item: I) -> Result<O, AppError> {
        let (reply, answer) = oneshot::channel();
        let mut pending = (item, reply);
        loop {
            match self.writer(db).send(pending) {
                Ok(()) => break,
                // The writer's runtime ended between the look-up and the send: start another.
                Err(mpsc::error::SendError(back)) => pending = back,
            }
        }
        // The writer task is gone only with its runtime, which is this request's too.
        answer.await.map_err(|_| AppError::Internal)?
    }

    fn writer(&'static self, db: &Db) -> mpsc::UnboundedSender<Pending<I, O>> {
        let mut writers = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, s)) = writers.iter().find(|(k, s)| *k == db.key() && !s.is_closed()) {
            return s.clone();
        }
        writers.retain(|(k, s)| *k != db.key() && !s.is_closed());
        let (sender, queue) = mpsc::unbounded_channel();
        tokio::spawn(self.run(db.clone(), queue));
        writers.push((db.key(), sender.clone()));
        sender
    }

    async fn run(&'static self, db: Db, mut queue: mpsc::UnboundedReceiver<Pending<I, O>>) {
        let mut batch: Vec<Pending<I, O>> = Vec::with_capacity(self.max);
        while queue.recv_many(&mut batch, self.max).await > 0 {
            let (items, replies): (Vec<I>, Vec<_>) = batch.drain(..).unzip();
            match (self.write)(&db, &items).await {
                Ok(outs) if outs.len() == items.len() => {
                    for (reply, out) in replies.into_iter().zip(outs) {
                        let _ = reply.send(Ok(out));
                    }
                }
                first => {
                    if items.len() > 1 {
                        tracing::warn!("a batch of {} {} failed ({:?}); writing them one by one", items.len(), self.name, first.err());
                    }
                    for (item, reply) in items.iter().zip(replies) {
                        let one = (self.write)(&db, std::slice::from_ref(item)).await;
                        let _ = reply.send(one.and_then(|mut v| v.pop().ok_or(AppError::Internal)));
                    }
                }
            }
        }
    }
}

/// `($1, $2, ...), ($n+1, ...)`: the placeholders of a multi-row VALUES list, `per_row` a row.
pub fn values_list(rows: usize, per_row: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=per_row).map(|k| format!("${}", r * per_row + k)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$from, $from+1, ...`: `n` numbered placeholders, for an IN list.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_list_numbers_every_placeholder_once() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values_list(1, 1), "($1)");
        assert_eq!(super::placeholders(3, 2), "$3, $4");
    }
}
