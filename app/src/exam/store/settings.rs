//! An exam's settings as stored, for the edit form and its update (`exam::settings`), the span
//! of windows that says whether anyone could have started or still sits, and archiving.

use crate::db::Db;
use crate::error::AppError;
use crate::exam::review::ReviewOptions;
use crate::exam::settings::{ExamSettings, Span};
use crate::proctor::settings::ProctorMode;
use sqlx::{Any, Transaction};

/// The exam's columns a teacher sets.
#[derive(sqlx::FromRow)]
struct SettingsRow {
    journal_id: i64,
    form: String,
    title: String,
    lesson_id: Option<i64>,
    opens_at: i64,
    closes_at: i64,
    duration_min: i64,
    draw: String,
    proctored: i64,
    allow_unproctored: i64,
    proctor_mode: String,
    snapshot_interval_s: i64,
    screen_interval_s: i64,
    no_face_frames: i64,
    retention_days: i64,
    review: String,
    archived_at: Option<i64>,
    attempts_allowed: i64,
    grading_method: String,
}

/// The exam's settings and when it was archived, if it was.
pub async fn read(db: &Db, exam_id: i64) -> Result<(ExamSettings, Option<i64>), AppError> {
    let r = sqlx::query_as::<_, SettingsRow>(
        "SELECT journal_id, form, title, lesson_id, opens_at, closes_at, duration_min, draw, proctored, allow_unproctored, proctor_mode,
                snapshot_interval_s, screen_interval_s, no_face_frames, retention_days, review, archived_at,
                attempts_allowed, grading_method
         FROM exams WHERE id = $1",
    )
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let tickets: Vec<String> =
        sqlx::query_scalar("SELECT body FROM exam_tickets WHERE exam_id = $1 ORDER BY number").bind(exam_id).fetch_all(&db.pool).await?;
    Ok((
        ExamSettings {
            journal_id: r.journal_id,
            form: r.form,
            title: r.title,
            lesson_id: r.lesson_id,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            duration_min: r.duration_min,
            draw: serde_json::from_str(&r.draw).unwrap_or_default(),
            tickets,
            proctored: r.proctored != 0,
            allow_unproctored: r.allow_unproctored != 0,
            proctor_mode: ProctorMode::from_code(&r.proctor_mode).unwrap_or_default(),
            snapshot_interval_s: r.snapshot_interval_s,
            screen_interval_s: r.screen_interval_s,
            no_face_frames: r.no_face_frames,
            retention_days: r.retention_days,
            review: ReviewOptions::parse(&r.review),
            attempts_allowed: r.attempts_allowed,
            grading_method: crate::exam::attempts::GradingMethod::from_code(&r.grading_method).unwrap_or_default(),
        },
        r.archived_at,
    ))
}

/// The exam's windows for anyone (its own, its candidates', its sittings') and its attempts.
pub async fn span(db: &Db, exam_id: i64) -> Result<Span, AppError> {
    sqlx::query_as::<_, Span>(
        "SELECT e.opens_at, e.closes_at,
                (SELECT MIN(c.opens_at) FROM exam_accommodations c WHERE c.exam_id = e.id) AS own_opens,
                (SELECT MAX(c.closes_at) FROM exam_accommodations c WHERE c.exam_id = e.id) AS own_closes,
                (SELECT MIN(s.starts_at) FROM exam_sittings s WHERE s.exam_id = e.id) AS sit_opens,
                (SELECT MAX(s.ends_at) FROM exam_sittings s WHERE s.exam_id = e.id) AS sit_closes,
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = e.id) AS attempts,
                (SELECT MAX(a.deadline_at) FROM exam_attempts a WHERE a.exam_id = e.id AND a.submitted_at IS NULL) AS running_deadline
         FROM exams e WHERE e.id = $1",
    )
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// Writes the settings (all but the journal and the form, which never change). With
/// `only_unstarted`, only while the exam has no attempt; false when that stopped it.
pub async fn update(tx: &mut Transaction<'_, Any>, exam_id: i64, s: &ExamSettings, only_unstarted: bool) -> Result<bool, AppError> {
    let guard = if only_unstarted { " AND NOT EXISTS (SELECT 1 FROM exam_attempts a WHERE a.exam_id = exams.id)" } else { "" };
    let n = sqlx::query(&format!(
        "UPDATE exams SET title = $1, lesson_id = $2, opens_at = $3, closes_at = $4, duration_min = $5, draw = $6, proctored = $7,
                allow_unproctored = $8, proctor_mode = $9, snapshot_interval_s = $10, screen_interval_s = $11, no_face_frames = $12,
                retention_days = $13, review = $14, attempts_allowed = $15, grading_method = $16
         WHERE id = $17{guard}"
    ))
    .bind(&s.title)
    .bind(s.lesson_id)
    .bind(s.opens_at)
    .bind(s.closes_at)
    .bind(s.duration_min)
    .bind(serde_json::to_string(&s.draw).map_err(|_| AppError::Internal)?)
    .bind(i64::from(s.proctored))
    .bind(i64::from(s.allow_unproctored))
    .bind(s.proctor_mode.code())
    .bind(s.snapshot_interval_s)
    .bind(s.screen_interval_s)
    .bind(s.no_face_frames)
    .bind(s.retention_days)
    .bind(s.review.to_json())
    .bind(s.attempts_allowed)
    .bind(s.grading_method.code())
    .bind(exam_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// The ticket form's tickets, replaced (before anyone started: no attempt holds one).
pub async fn replace_tickets(tx: &mut Transaction<'_, Any>, exam_id: i64, tickets: &[String]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM exam_tickets WHERE exam_id = $1").bind(exam_id).execute(&mut **tx).await?;
    super::tickets::insert_tickets(tx, exam_id, tickets).await
}

/// Archives the exam at `at`, or brings it back (None).
pub async fn set_archived(tx: &mut Transaction<'_, Any>, exam_id: i64, at: Option<i64>) -> Result<(), AppError> {
    sqlx::query("UPDATE exams SET archived_at = $1 WHERE id = $2").bind(at).bind(exam_id).execute(&mut **tx).await?;
    Ok(())
}

/// The exam's review options.
pub async fn review_options(db: &Db, exam_id: i64) -> Result<ReviewOptions, AppError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT review FROM exams WHERE id = $1").bind(exam_id).fetch_optional(&db.pool).await?;
    Ok(ReviewOptions::parse(&stored.ok_or(AppError::NotFound)?))
}
