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
//! The same queue serves one read: the session look-up every API request begins with
//! (`auth::ssr::resolve`), which at an exam's opening every candidate makes at once.
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
    lanes: Lanes,
    write: WriteAll<I, O>,
    writers: std::sync::Mutex<Vec<(u32, mpsc::UnboundedSender<Pending<I, O>>)>>,
}

/// How many batches of one kind may be under way at once.
#[derive(Clone, Copy)]
pub enum Lanes {
    /// One after another: the order writes arrive in is the order they are written (autosaves,
    /// where a later value must not be overwritten by an earlier one still being written).
    One,
    /// Up to this many at once where the database writes side by side (PostgreSQL locks rows),
    /// one at a time on SQLite (one writer: a second batch would only wait for it). For writes
    /// whose batches may commit in any order (each candidate's own new rows).
    Writes(usize),
    /// Up to this many at once on either backend: a read takes no writer.
    Reads(usize),
}

impl<I: Send + Sync + 'static, O: Send + 'static> Batcher<I, O> {
    /// `max`: items per batch (mind SQLite's 32 766 bound parameters in one statement).
    pub const fn new(name: &'static str, max: usize, write: WriteAll<I, O>) -> Batcher<I, O> {
        Batcher::with_lanes(name, max, Lanes::One, write)
    }

    /// A batcher whose batches may be under way side by side (`Lanes`).
    pub const fn with_lanes(name: &'static str, max: usize, lanes: Lanes, write: WriteAll<I, O>) -> Batcher<I, O> {
        Batcher { name, max, lanes, write, writers: std::sync::Mutex::new(Vec::new()) }
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
        let lanes = match (self.lanes, db.backend) {
            (Lanes::Reads(n), _) | (Lanes::Writes(n), super::Backend::Postgres) => n.max(1),
            _ => 1,
        };
        // A lane is taken before the queue is read: while every lane is busy, what arrives
        // waits in the queue and goes in the next batch together.
        let free = std::sync::Arc::new(tokio::sync::Semaphore::new(lanes));
        loop {
            let Ok(lane) = free.clone().acquire_owned().await else { return };
            let mut batch: Vec<Pending<I, O>> = Vec::with_capacity(self.max);
            if queue.recv_many(&mut batch, self.max).await == 0 {
                return; // every sender is gone
            }
            if lanes == 1 {
                self.write_batch(&db, batch).await;
            } else {
                let db = db.clone();
                tokio::spawn(async move {
                    self.write_batch(&db, batch).await;
                    drop(lane);
                });
            }
        }
    }

    async fn write_batch(&'static self, db: &Db, batch: Vec<Pending<I, O>>) {
        let (items, replies): (Vec<I>, Vec<_>) = batch.into_iter().unzip();
        match (self.write)(db, &items).await {
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
                    let one = (self.write)(db, std::slice::from_ref(item)).await;
                    let _ = reply.send(one.and_then(|mut v| v.pop().ok_or(AppError::Internal)));
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

/// What a statement is about to run on: a database, or a connection (a transaction's).
pub trait Target {
    fn is_sqlite(&self) -> bool;
}

impl Target for Db {
    fn is_sqlite(&self) -> bool {
        self.backend == super::Backend::Sqlite
    }
}

impl Target for sqlx::AnyConnection {
    fn is_sqlite(&self) -> bool {
        self.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME
    }
}

/// A batch's statement as `on` runs it fastest. SQLite finds a `$N` placeholder by its name in
/// a list, once when it prepares the statement and again for each value bound (sqlx asks every
/// parameter's name), so a statement of n of them costs n² steps: measured at a start wave,
/// 2 560 placeholders a batch spent 29 % of the machine's CPU in `sqlite3_bind_parameter_name`.
/// Plain `?` placeholders are numbered by their position and looked up in no list. So on
/// SQLite a statement whose placeholders are `$1, $2, ... $n`, in that order and each once (as
/// `values_list` and `placeholders` write them), goes with `?` instead; any other statement
/// goes as written. PostgreSQL has no such cost and only knows `$N`.
pub fn statement(on: &(impl Target + ?Sized), sql: String) -> String {
    if on.is_sqlite() {
        positional(&sql).unwrap_or(sql)
    } else {
        sql
    }
}

/// `sql` with `$1, $2, ... $n` turned into `?`, if they appear in that order and each once
/// (outside quoted text) and no `?` is there already.
fn positional(sql: &str) -> Option<String> {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut next = 1u64;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '?' if !quoted => return None,
            '$' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = 0u64;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n.checked_mul(10)?.checked_add(u64::from(d))?;
                    chars.next();
                }
                if n != next {
                    return None;
                }
                next += 1;
                out.push('?');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_placeholders_become_positional_only_when_in_order() {
        assert_eq!(super::positional("INSERT INTO t VALUES ($1, $2), ($3, $4)").as_deref(), Some("INSERT INTO t VALUES (?, ?), (?, ?)"));
        assert_eq!(super::positional("SELECT 1 WHERE a = '$2' AND b = $1").as_deref(), Some("SELECT 1 WHERE a = '$2' AND b = ?"));
        // Reused, out of order, or already positional: as written.
        assert_eq!(super::positional("SELECT $1 WHERE a = $1"), None);
        assert_eq!(super::positional("SELECT $2, $1"), None);
        assert_eq!(super::positional("SELECT ?, $1"), None);
    }

    #[test]
    fn values_list_numbers_every_placeholder_once() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values_list(1, 1), "($1)");
        assert_eq!(super::placeholders(3, 2), "$3, $4");
    }
}
