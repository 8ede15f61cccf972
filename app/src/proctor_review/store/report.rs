//! The reports' rows, the stored images as the image route and the attempt report read them,
//! and the retention purge's claims. The routes and the purge job call these after checking
//! the caller (the purge is the server's own).

use crate::db::Db;
use crate::error::AppError;
use crate::proctor::settings::Capture;
use sqlx::{Any, Transaction};

/// One attempt's line in a report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub attempt_id: i64,
    pub student: String,
    pub exam: String,
    pub group: String,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    /// The camera and the screen, or the camera alone (a phone).
    pub capture: crate::proctor::settings::Capture,
    pub score: Option<f64>,
    pub risk: i64,
    /// Violations by status: (open, confirmed, dismissed).
    pub open: i64,
    pub confirmed: i64,
    pub dismissed: i64,
    pub verdict: String,
}

#[derive(sqlx::FromRow)]
struct ReportLine {
    id: i64,
    full_name: String,
    title: String,
    group_name: String,
    started_at: i64,
    submitted_at: Option<i64>,
    capture: String,
    score_milli: Option<i64>,
    risk: i64,
    open_n: i64,
    confirmed_n: i64,
    dismissed_n: i64,
    verdict: String,
}

impl From<ReportLine> for ReportRow {
    fn from(r: ReportLine) -> ReportRow {
        ReportRow {
            attempt_id: r.id,
            student: r.full_name,
            exam: r.title,
            group: r.group_name,
            started_at: r.started_at,
            submitted_at: r.submitted_at,
            capture: Capture::from_code(&r.capture),
            score: r.score_milli.map(|m| m as f64 / 1000.0),
            risk: r.risk,
            open: r.open_n,
            confirmed: r.confirmed_n,
            dismissed: r.dismissed_n,
            verdict: r.verdict,
        }
    }
}

/// Report rows for the attempts of one exam, or of the exams of the given groups (the caller's
/// review scope). The scope is filtered in SQL: a national scope holds every attempt of the
/// country, and only the caller's part is read. Group ids are our own integers, written into
/// the statement as numbers (a bound list is not portable across the two backends).
pub async fn report_rows(db: &Db, exam_id: Option<i64>, groups: Option<&[i64]>) -> Result<Vec<ReportRow>, AppError> {
    let scope = match groups {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!(" AND j.group_id IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
    };
    let sql = format!(
        "SELECT a.id, u.full_name, e.title, o.name AS group_name, j.group_id, a.started_at, a.submitted_at, a.score_milli, a.risk, a.verdict,
            a.capture,
            (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status = 'open') AS open_n,
            (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status = 'confirmed') AS confirmed_n,
            (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status = 'dismissed') AS dismissed_n
         FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id
         JOIN organisations o ON o.id = j.group_id JOIN users u ON u.id = a.student_id
         WHERE ($1 < 0 OR a.exam_id = $1){scope} ORDER BY e.opens_at, e.id, u.full_name, a.id"
    );
    let list = sqlx::query_as::<_, ReportLine>(&sql).bind(exam_id.unwrap_or(-1)).fetch_all(&db.pool).await?;
    Ok(list.into_iter().map(ReportRow::from).collect())
}

/// Where an evidence image is stored, and when it was purged (None while it is kept).
#[derive(sqlx::FromRow)]
pub struct StoredImage {
    pub media_key: String,
    pub purged_at: Option<i64>,
}

/// An evidence image's place in the media store; None for an unknown id. The database's own
/// error, unconverted: a report leaves out a picture it cannot read, without an error logged.
pub async fn stored_image(db: &Db, evidence_id: i64) -> Result<Option<StoredImage>, sqlx::Error> {
    sqlx::query_as::<_, StoredImage>("SELECT media_key, purged_at FROM proctor_evidence WHERE id = $1")
        .bind(evidence_id)
        .fetch_optional(&db.pool)
        .await
}

/// An evidence image with what its route checks and logs: the attempt, its candidate and group.
#[derive(sqlx::FromRow)]
pub struct EvidenceImage {
    pub attempt_id: i64,
    pub media_key: String,
    pub content_type: String,
    pub purged_at: Option<i64>,
    pub student_id: i64,
    pub group_id: i64,
}

/// An evidence image and the attempt it belongs to; None for an unknown id.
pub async fn evidence_image(db: &Db, evidence_id: i64) -> Result<Option<EvidenceImage>, AppError> {
    Ok(sqlx::query_as::<_, EvidenceImage>(
        "SELECT x.attempt_id, x.media_key, x.content_type, x.purged_at, a.student_id, j.group_id
             FROM proctor_evidence x JOIN exam_attempts a ON a.id = x.attempt_id JOIN exams e ON e.id = a.exam_id
             JOIN journals j ON j.id = e.journal_id WHERE x.id = $1",
    )
    .bind(evidence_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Exams whose retention period (counted from their close) has passed by `now`.
pub async fn exams_past_retention(db: &Db, now: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM exams WHERE closes_at + retention_days * 86400000 < $1").bind(now).fetch_all(&db.pool).await?)
}

/// An image claimed for purging: its object is to be deleted.
#[derive(sqlx::FromRow)]
pub struct PurgedImage {
    pub media_key: String,
    pub bytes: i64,
}

/// Marks up to `limit` of an exam's images purged at `now` and returns them. The guarded
/// `UPDATE ... WHERE purged_at IS NULL` is the claim: on PostgreSQL a second node running the
/// purge at the same moment waits for this transaction, then skips the rows it took.
pub async fn claim_images_to_purge(
    tx: &mut Transaction<'_, Any>,
    exam_id: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<PurgedImage>, AppError> {
    Ok(sqlx::query_as::<_, PurgedImage>(
        "UPDATE proctor_evidence SET purged_at = $1
         WHERE id IN (SELECT x.id FROM proctor_evidence x JOIN exam_attempts a ON a.id = x.attempt_id
                      WHERE a.exam_id = $2 AND x.purged_at IS NULL ORDER BY x.id LIMIT $3)
           AND purged_at IS NULL
         RETURNING id, media_key, bytes",
    )
    .bind(now)
    .bind(exam_id)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?)
}

/// Logs one purged chunk of an exam's images in proctor_purges.
pub async fn log_purge(tx: &mut Transaction<'_, Any>, exam_id: i64, images: i64, bytes: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO proctor_purges (exam_id, images, bytes, purged_at) VALUES ($1, $2, $3, $4)")
        .bind(exam_id)
        .bind(images)
        .bind(bytes)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
