//! The server's own re-check of webcam snapshots, off the upload's request path (issue 16).
//!
//! The browser counts faces and may be tampered with, so the server decodes a share of the
//! snapshots and counts again (every frame the browser flagged, and `recheck_percent` of the
//! rest). At 20 000 candidates that is more than a node's CPU (11 ms a frame here), so the
//! upload only marks a frame `due` and workers on every node take frames from the database
//! within a CPU budget: flagged frames first, samples when there is room. A frame the budget
//! could not reach within `max_lag` is marked `missed` and shown as "not re-checked", never
//! dropped silently. The queue lives in the database, so a frame is checked once across a
//! cluster: a worker holds it under a lease, and a node that dies lets it go when it expires.

use super::{ingest, store};
use crate::db::Db;
use crate::error::AppError;
use crate::media::MediaStore;
use std::time::{Duration, Instant};

/// How long a worker holds a frame before another may take it.
const LEASE_MS: i64 = 60_000;
/// Frames one worker takes at a time.
const BATCH: i64 = 8;

/// This node's re-check work since it started, for `/metrics`: frames it decoded and counted,
/// and frames whose outcome it recorded. Summed over a cluster, "recorded" equals the frames
/// re-checked in the database (each is recorded once, by the guarded update); "checked" minus
/// "recorded" is work thrown away (a lease that ran out, a node stopped before recording).
pub static CHECKED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
pub static RECORDED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What the re-check may spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// CPU for re-checks on this node, in percent of one core (150 = one and a half cores).
    pub cpu_percent: u32,
    /// A frame waiting longer than this is marked "not re-checked".
    pub max_lag_ms: i64,
}

impl Budget {
    /// A quarter of the node's cores, and ten minutes: a proctor reviewing the board during the
    /// exam sees checks that are minutes old at most, and the rest of the node serves requests.
    pub fn default_for_node() -> Budget {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        Budget { cpu_percent: 25 * cores, max_lag_ms: 10 * 60 * 1000 }
    }

    /// Workers and the share of its own time each may be busy: at most a core each.
    fn workers(self) -> (u32, f64) {
        let pct = self.cpu_percent.clamp(1, 6400);
        let workers = pct.div_ceil(100);
        (workers, f64::from(pct) / f64::from(workers) / 100.0)
    }
}

/// A frame taken by a worker.
#[derive(Debug, Clone)]
struct Due {
    id: i64,
    attempt_id: i64,
    media_key: String,
    faces_client: Option<u32>,
}

/// What the server found in a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Faces(u32),
    /// The frame looked whole but did not decode (or the detector could not run on it).
    Undecodable,
}

/// Takes up to `limit` due frames, flagged ones first, for `LEASE_MS`; a frame another node
/// took meanwhile is skipped (`store::recheck::claim_due_frames`).
async fn claim(db: &Db, now: i64, limit: i64) -> Result<Vec<Due>, AppError> {
    let rows = store::recheck::claim_due_frames(db, now + LEASE_MS, now, limit).await?;
    let mut due = Vec::with_capacity(rows.len());
    for r in rows {
        due.push((
            r.recheck_rank,
            Due { id: r.id, attempt_id: r.attempt_id, media_key: r.media_key, faces_client: r.faces_client.map(|n| n as u32) },
        ));
    }
    due.sort_by_key(|(rank, d)| (*rank, d.id));
    Ok(due.into_iter().map(|(_, d)| d).collect())
}

/// Decodes a frame and counts its faces (CPU work: on a blocking thread).
fn count(bytes: &[u8]) -> Outcome {
    match ingest::check_image(bytes, true) {
        Ok(c) => match c.gray.as_ref().and_then(|(g, w, h)| ingest::count_faces(g, *w, *h)) {
            Some(n) => Outcome::Faces(n),
            None => Outcome::Undecodable,
        },
        Err(_) => Outcome::Undecodable,
    }
}

/// Records the outcomes of a worker's frames in one transaction (one turn of SQLite's one
/// writer for the batch, not one per frame); where the server's count differs from the
/// browser's, the attempt's face violations are derived again in it, once per attempt. Returns
/// how many were recorded: a frame no longer due (marked missed, or recorded by another worker
/// after this one's lease ran out) is not.
async fn record(db: &Db, checked: &[(Due, Outcome)]) -> Result<usize, AppError> {
    if checked.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let mut recorded = 0;
    let mut differ: Vec<i64> = Vec::new();
    for (due, outcome) in checked {
        let (faces, state) = match outcome {
            Outcome::Faces(n) => (Some(i64::from(*n)), "done"),
            Outcome::Undecodable => (None, "failed"),
        };
        if store::recheck::record_recheck(&mut tx, due.id, faces, state).await? {
            recorded += 1;
            if faces.map(|f| f as u32) != due.faces_client && !differ.contains(&due.attempt_id) {
                differ.push(due.attempt_id);
            }
        }
    }
    let mut attempts = Vec::with_capacity(differ.len());
    for attempt_id in differ {
        attempts.push(ingest::attempt_row(db, attempt_id).await?);
    }
    ingest::derive_frames_many(&mut tx, &attempts.iter().collect::<Vec<_>>()).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// Frames waiting longer than the budget allows become "not re-checked".
pub async fn mark_missed(db: &Db, now: i64, max_lag_ms: i64) -> Result<u64, AppError> {
    store::recheck::mark_missed_before(db, now - max_lag_ms).await
}

/// The queue as proctors and the logs see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lag {
    /// Frames waiting for the server's re-check.
    pub waiting: i64,
    /// How long the oldest of them has waited, in seconds.
    pub oldest_s: i64,
}

pub async fn lag(db: &Db, now: i64) -> Result<Lag, AppError> {
    let q = store::recheck::queue(db).await?;
    Ok(Lag { waiting: q.n, oldest_s: q.oldest.map_or(0, |o| ((now - o) / 1000).max(0)) })
}

/// Takes and checks due frames until none is left or `limit` were checked, without pausing:
/// one step of a worker, and what tests call to drain the queue. Returns the frames recorded.
pub async fn run_once(db: &Db, media: &MediaStore, limit: usize) -> Result<usize, AppError> {
    let mut done = 0;
    while done < limit {
        let batch = claim(db, crate::api::now_ms(), BATCH.min((limit - done) as i64)).await?;
        if batch.is_empty() {
            break;
        }
        let mut checked = Vec::with_capacity(batch.len());
        for due in batch {
            let (outcome, _) = check(media, &due).await?;
            checked.push((due, outcome));
        }
        done += record(db, &checked).await?;
    }
    Ok(done)
}

/// Reads and checks one frame; returns the outcome and the CPU time it took.
async fn check(media: &MediaStore, due: &Due) -> Result<(Outcome, Duration), AppError> {
    let bytes = match media.get(&due.media_key).await {
        Ok(b) => b,
        // Purged already (retention) or lost: nothing to check.
        Err(AppError::NotFound) => return Ok((Outcome::Undecodable, Duration::ZERO)),
        Err(e) => return Err(e),
    };
    tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let o = count(&bytes);
        (o, t.elapsed())
    })
    .await
    .map_err(|_| AppError::Internal)
}

/// Starts this node's re-check workers. Each pauses after every frame so that its busy share
/// stays within the budget (checked 11 ms, paused 33 ms at 25 %).
pub fn spawn(db: Db, media: MediaStore, budget: Budget) {
    let (workers, duty) = budget.workers();
    tracing::info!(cpu_percent = budget.cpu_percent, workers, max_lag_s = budget.max_lag_ms / 1000, "server re-check of snapshots");
    for worker in 0..workers {
        let (db, media) = (db.clone(), media.clone());
        tokio::spawn(async move {
            let mut last_sweep = Instant::now() - Duration::from_secs(3600);
            let mut checked: u64 = 0;
            loop {
                // One worker sweeps and reports for the node (every node does; both are idempotent).
                if worker == 0 && last_sweep.elapsed() >= Duration::from_secs(30) {
                    last_sweep = Instant::now();
                    let now = crate::api::now_ms();
                    match mark_missed(&db, now, budget.max_lag_ms).await {
                        Ok(0) => {}
                        Ok(n) => tracing::warn!(frames = n, "server re-check fell behind: frames marked not re-checked"),
                        Err(e) => tracing::warn!(error = ?e, "marking frames not re-checked failed"),
                    }
                    match lag(&db, now).await {
                        Ok(l) if l.waiting > 0 => {
                            tracing::info!(waiting = l.waiting, oldest_s = l.oldest_s, checked, "server re-check queue")
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = ?e, "reading the re-check queue failed"),
                    }
                }
                let batch = match claim(&db, crate::api::now_ms(), BATCH).await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!(error = ?e, "taking frames to re-check failed");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                };
                if batch.is_empty() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
                let mut outcomes = Vec::with_capacity(batch.len());
                for due in batch {
                    match check(&media, &due).await {
                        Ok((outcome, busy)) => {
                            outcomes.push((due, outcome));
                            if duty < 1.0 {
                                tokio::time::sleep(busy.mul_f64((1.0 - duty) / duty)).await;
                            }
                        }
                        Err(e) => tracing::warn!(error = ?e, evidence = due.id, "reading a frame to re-check failed"),
                    }
                }
                CHECKED.fetch_add(outcomes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                match record(&db, &outcomes).await {
                    Ok(n) => {
                        checked += n as u64;
                        RECORDED.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                    }
                    // The leases run out and the frames are taken again.
                    Err(e) => tracing::warn!(error = ?e, frames = outcomes.len(), "recording re-checks failed"),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_split_into_workers_of_at_most_a_core() {
        assert_eq!(Budget { cpu_percent: 50, max_lag_ms: 1 }.workers(), (1, 0.5));
        assert_eq!(Budget { cpu_percent: 100, max_lag_ms: 1 }.workers(), (1, 1.0));
        assert_eq!(Budget { cpu_percent: 150, max_lag_ms: 1 }.workers(), (2, 0.75));
        assert_eq!(Budget { cpu_percent: 0, max_lag_ms: 1 }.workers().0, 1, "never none: flagged frames need a check");
    }

    #[test]
    fn a_frame_that_does_not_decode_is_not_counted() {
        assert_eq!(count(b"\xFF\xD8\xFF\xE0 broken \xFF\xD9"), Outcome::Undecodable);
        let mut jpeg = Vec::new();
        image::DynamicImage::new_luma8(320, 240).write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        assert_eq!(count(&jpeg), Outcome::Faces(0));
    }
}
