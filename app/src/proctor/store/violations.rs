//! What the violations are derived from (webcam frames, capture times, device checks, the
//! exam's settings), the open violations that derivation replaces, and the attempts' risk
//! scores. Set-based: a handful of statements for a whole batch of attempts, each IN list
//! bound (SQLite takes up to 32 766 parameters a statement). Called once the caller is checked:
//! by ingest (the attempt is the caller's own), a reviewer's decision (the caller reviews the
//! attempt's group), and by the server's own re-check, hand-in and live job.

use crate::db::batch::{placeholders, statement, values_list};
use crate::db::Db;
use crate::error::AppError;
use crate::proctor::settings::ProctorColumns;
use crate::proctor::violations::{Found, Frame, Kind};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct FrameLine {
    id: i64,
    attempt_id: i64,
    captured_at: i64,
    faces_client: Option<i64>,
    faces_server: Option<i64>,
}

/// The attempts' webcam snapshots by attempt, each in capture order.
pub async fn webcam_frames_of(tx: &mut Transaction<'_, Any>, attempt_ids: &[i64]) -> Result<HashMap<i64, Vec<Frame>>, AppError> {
    let sql = statement(
        &**tx,
        format!(
            "SELECT id, attempt_id, captured_at, faces_client, faces_server FROM proctor_evidence
             WHERE kind = 'webcam' AND attempt_id IN ({}) ORDER BY attempt_id, captured_at, id",
            placeholders(1, attempt_ids.len())
        ),
    );
    let mut q = sqlx::query_as::<_, FrameLine>(&sql);
    for id in attempt_ids {
        q = q.bind(*id);
    }
    let mut frames: HashMap<i64, Vec<Frame>> = HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        frames.entry(r.attempt_id).or_default().push(Frame {
            evidence_id: r.id,
            at: r.captured_at,
            faces_client: r.faces_client.map(|n| n as u32),
            faces_server: r.faces_server.map(|n| n as u32),
        });
    }
    Ok(frames)
}

/// An attempt with what its exam asks it to capture: the row the account of missing evidence
/// starts from.
#[derive(sqlx::FromRow)]
pub struct CaptureDuty {
    pub id: i64,
    pub student_id: i64,
    pub started_at: i64,
    pub deadline_at: i64,
    pub submitted_at: Option<i64>,
    /// The attempt was sat proctored (0/1).
    pub attempt_proctored: i64,
    /// "screen" or "camera" (`settings::Capture`).
    pub capture: String,
    /// "test", "ticket" or "offline".
    pub form: String,
    /// The exam's `missing_frames`: how many intervals make a gap.
    pub missing_frames: i64,
    /// The exam's proctoring settings (its `proctored` included).
    #[sqlx(flatten)]
    pub settings: ProctorColumns,
}

/// The attempts with their exams' proctoring settings.
pub async fn capture_duties_of(tx: &mut Transaction<'_, Any>, attempt_ids: &[i64]) -> Result<Vec<CaptureDuty>, AppError> {
    let sql = statement(
        &**tx,
        format!(
            "SELECT a.id, a.student_id, a.started_at, a.deadline_at, a.submitted_at, a.proctored AS attempt_proctored, a.capture,
                e.proctored, e.allow_unproctored, e.form, e.snapshot_interval_s, e.screen_interval_s, e.proctor_mode, e.missing_frames
         FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE a.id IN ({})",
            placeholders(1, attempt_ids.len())
        ),
    );
    let mut q = sqlx::query_as::<_, CaptureDuty>(&sql);
    for id in attempt_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

/// When the attempts' evidence was captured, by attempt: (webcam snapshots, screenshots).
pub async fn capture_times_of(tx: &mut Transaction<'_, Any>, attempt_ids: &[i64]) -> Result<HashMap<i64, (Vec<i64>, Vec<i64>)>, AppError> {
    let sql =
        format!("SELECT attempt_id, kind, captured_at FROM proctor_evidence WHERE attempt_id IN ({})", placeholders(1, attempt_ids.len()));
    let mut q = sqlx::query_as::<_, (i64, String, i64)>(&sql);
    for id in attempt_ids {
        q = q.bind(*id);
    }
    let mut captured: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for (attempt, kind, at) in q.fetch_all(&mut **tx).await? {
        let (webcam, screen) = captured.entry(attempt).or_default();
        match kind.as_str() {
            "webcam" => webcam.push(at),
            _ => screen.push(at),
        }
    }
    Ok(captured)
}

/// The device checks (user, checked at) of these users between `from` and `to`, inclusive.
pub async fn device_checks_between(tx: &mut Transaction<'_, Any>, from: i64, to: i64, users: &[i64]) -> Result<Vec<(i64, i64)>, AppError> {
    let sql = statement(
        &**tx,
        format!(
            "SELECT user_id, checked_at FROM proctor_device_checks WHERE checked_at >= $1 AND checked_at <= $2 AND user_id IN ({})",
            placeholders(3, users.len())
        ),
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql).bind(from).bind(to);
    for u in users {
        q = q.bind(*u);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

/// An open violation as derivation compares it with what it found.
#[derive(sqlx::FromRow)]
pub struct OpenViolation {
    pub id: i64,
    pub attempt_id: i64,
    pub kind: String,
    pub at: i64,
}

/// The attempts' open violations of these kinds.
pub async fn open_violations_of(
    tx: &mut Transaction<'_, Any>,
    kinds: [Kind; 3],
    attempt_ids: &[i64],
) -> Result<Vec<OpenViolation>, AppError> {
    let sql = statement(
        &**tx,
        format!(
            "SELECT id, attempt_id, kind, at FROM proctor_violations WHERE status = 'open' AND kind IN ($1, $2, $3) AND attempt_id IN ({})",
            placeholders(4, attempt_ids.len())
        ),
    );
    let mut q = sqlx::query_as::<_, OpenViolation>(&sql).bind(kinds[0].code()).bind(kinds[1].code()).bind(kinds[2].code());
    for id in attempt_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

/// Deletes violations by id, 10 000 a statement.
pub async fn delete_violations(tx: &mut Transaction<'_, Any>, ids: &[i64]) -> Result<(), AppError> {
    for chunk in ids.chunks(10_000) {
        let sql = statement(&**tx, format!("DELETE FROM proctor_violations WHERE id IN ({})", placeholders(1, chunk.len())));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Violations (attempt, found) in one statement per few thousand.
pub async fn insert_violations(tx: &mut Transaction<'_, Any>, found: &[(i64, &Found)]) -> Result<(), AppError> {
    // A longer run keeps its first frame as (attempt, kind, at), so it updates the confidence
    // of the violation already recorded instead of adding one. One statement may not touch a
    // row twice (PostgreSQL refuses it), so a key found twice keeps its last confidence, as
    // writing them one after another would.
    let mut last: HashMap<(i64, &str, i64), usize> = HashMap::new();
    for (i, (attempt, v)) in found.iter().enumerate() {
        last.insert((*attempt, v.kind.code(), v.at), i);
    }
    let mut keep: Vec<usize> = last.into_values().collect();
    keep.sort_unstable();
    // 6 values a row: 4 000 rows stay under SQLite's 32 766 parameters.
    for chunk in keep.chunks(4_000) {
        let sql = statement(
            &**tx,
            format!(
                "INSERT INTO proctor_violations (attempt_id, kind, at, evidence_id, event_id, confidence) VALUES {}
             ON CONFLICT (attempt_id, kind, at) DO UPDATE SET confidence = excluded.confidence",
                values_list(chunk.len(), 6)
            ),
        );
        let mut q = sqlx::query(&sql);
        for &i in chunk {
            let (attempt, v) = found[i];
            q = q.bind(attempt).bind(v.kind.code()).bind(v.at).bind(v.evidence_id).bind(v.event_id).bind(i64::from(v.confidence));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The attempts' violations as their risk is computed from: (attempt, kind, confidence, status).
pub async fn violations_for_risk(tx: &mut Transaction<'_, Any>, attempt_ids: &[i64]) -> Result<Vec<(i64, String, i64, String)>, AppError> {
    let sql = statement(
        &**tx,
        format!(
            "SELECT attempt_id, kind, confidence, status FROM proctor_violations WHERE attempt_id IN ({})",
            placeholders(1, attempt_ids.len())
        ),
    );
    let mut q = sqlx::query_as::<_, (i64, String, i64, String)>(&sql);
    for id in attempt_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

/// Sets the attempts' risk scores, (attempt, risk), in one statement. The caller gives them in
/// id order, as every batch locks attempts (`store::seen::seen`).
pub async fn set_risks(tx: &mut Transaction<'_, Any>, risks: &[(i64, i64)]) -> Result<(), AppError> {
    let cases: String = (0..risks.len()).map(|i| format!(" WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2)).collect();
    let sql = statement(
        &**tx,
        format!("UPDATE exam_attempts SET risk = CASE id{cases} END WHERE id IN ({})", placeholders(2 * risks.len() + 1, risks.len())),
    );
    let mut q = sqlx::query(&sql);
    for (id, risk) in risks {
        q = q.bind(*id).bind(*risk);
    }
    for (id, _) in risks {
        q = q.bind(*id);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Attempts in progress (at most 1 000) whose latest snapshot or screenshot is older than their
/// exam allows at `now`: the ones owing proctored evidence and falling behind.
pub async fn attempts_missing_evidence(db: &Db, now: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT a.id FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
         WHERE a.submitted_at IS NULL AND a.deadline_at >= $1 AND a.proctored = 1 AND e.proctored = 1 AND e.allow_unproctored = 0
           AND e.form <> 'offline'
           AND (COALESCE((SELECT MAX(x.captured_at) FROM proctor_evidence x WHERE x.attempt_id = a.id AND x.kind = 'webcam'), a.started_at)
                  < $1 - e.missing_frames * e.snapshot_interval_s * 1000
             OR (a.capture = 'screen'
                 AND COALESCE((SELECT MAX(x.captured_at) FROM proctor_evidence x WHERE x.attempt_id = a.id AND x.kind = 'screen'), a.started_at)
                  < $1 - e.missing_frames * e.screen_interval_s * 1000))
         ORDER BY a.id LIMIT 1000",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?)
}
