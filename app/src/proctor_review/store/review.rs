//! The review's reads and writes: the board of attempts, an attempt's timeline (images, events,
//! violations, appeal), the reviewers' decisions on violations, verdicts and appeals. The
//! server functions and the report routes call these after checking the caller (a reviewer
//! over the attempt's group, the exam's teacher, or the candidate for their own appeal).

use crate::auth::model::Permission;
use crate::db::Db;
use crate::error::AppError;
use crate::proctor::settings::Capture;
use crate::proctor_review::dto::{AppealItem, BoardRow, EventItem, EvidenceItem, ViolationItem};
use sqlx::{Any, Transaction};

const BOARD_SQL: &str =
    "SELECT a.id, u.full_name, e.title, o.name AS group_name, a.started_at, a.deadline_at, a.submitted_at, a.last_seen_at,
            a.risk, a.verdict, a.capture, j.group_id,
            (SELECT MAX(id) FROM proctor_evidence x WHERE x.attempt_id = a.id AND x.kind = 'webcam' AND x.purged_at IS NULL) AS last_webcam,
            (SELECT MAX(id) FROM proctor_evidence x WHERE x.attempt_id = a.id AND x.kind = 'screen' AND x.purged_at IS NULL) AS last_screen,
            (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status = 'open') AS open_violations,
            (SELECT p.status FROM proctor_appeals p WHERE p.attempt_id = a.id) AS appeal
         FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id
         JOIN organisations o ON o.id = j.group_id JOIN users u ON u.id = a.student_id";

#[derive(sqlx::FromRow)]
struct BoardLine {
    id: i64,
    full_name: String,
    title: String,
    group_name: String,
    started_at: i64,
    deadline_at: i64,
    submitted_at: Option<i64>,
    last_seen_at: i64,
    last_webcam: Option<i64>,
    last_screen: Option<i64>,
    capture: String,
    open_violations: i64,
    risk: i64,
    verdict: String,
    appeal: Option<String>,
}

impl From<BoardLine> for BoardRow {
    fn from(r: BoardLine) -> BoardRow {
        BoardRow {
            attempt_id: r.id,
            student_name: r.full_name,
            exam_title: r.title,
            group_name: r.group_name,
            started_at: r.started_at,
            deadline_at: r.deadline_at,
            submitted: r.submitted_at.is_some(),
            last_seen_at: r.last_seen_at,
            last_webcam: r.last_webcam,
            last_screen: r.last_screen,
            capture: Capture::from_code(&r.capture),
            open_violations: r.open_violations,
            risk: r.risk,
            verdict: r.verdict,
            appeal: r.appeal,
        }
    }
}

/// Attempts under the organisations `roots` (and below them): the ones in progress, and
/// finished ones still waiting for a verdict or an appeal decision. Returns how many there are
/// and `limit` of them from `offset`, highest risk first. The scope is applied in SQL before the
/// page is cut: filtering a capped list afterwards would hide a regional proctor's attempts
/// behind other regions' riskier ones. `roots` is not empty.
pub async fn board(db: &Db, roots: &[i64], limit: i64, offset: i64) -> Result<(i64, Vec<BoardRow>), AppError> {
    let marks: Vec<String> = (1..=roots.len()).map(|i| format!("${i}")).collect();
    let scope = format!(
        "WITH RECURSIVE scope(id) AS (
                 SELECT id FROM organisations WHERE id IN ({})
                 UNION
                 SELECT o.id FROM organisations o JOIN scope s ON o.parent_id = s.id)",
        marks.join(",")
    );
    let filter = "j.group_id IN (SELECT id FROM scope)
               AND (a.submitted_at IS NULL OR a.verdict = 'pending'
                    OR EXISTS (SELECT 1 FROM proctor_appeals p WHERE p.attempt_id = a.id AND p.status = 'pending'))";
    let count_sql =
        format!("{scope} SELECT COUNT(*) FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id WHERE {filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for r in roots {
        count = count.bind(*r);
    }
    let total = count.fetch_one(&db.pool).await?;
    let n = roots.len();
    let rows_sql =
        format!("{scope} {BOARD_SQL} WHERE {filter} ORDER BY a.risk DESC, a.started_at DESC, a.id DESC LIMIT ${} OFFSET ${}", n + 1, n + 2);
    let mut q = sqlx::query_as::<_, BoardLine>(&rows_sql);
    for r in roots {
        q = q.bind(*r);
    }
    let rows = q.bind(limit).bind(offset).fetch_all(&db.pool).await?;
    Ok((total, rows.into_iter().map(BoardRow::from).collect()))
}

/// One attempt as the board shows it (the attempt must exist).
pub async fn board_row(db: &Db, attempt_id: i64) -> Result<BoardRow, AppError> {
    Ok(sqlx::query_as::<_, BoardLine>(&format!("{BOARD_SQL} WHERE a.id = $1")).bind(attempt_id).fetch_one(&db.pool).await?.into())
}

/// An attempt's score and verdict beyond its board row.
#[derive(sqlx::FromRow)]
pub struct VerdictFacts {
    pub score_milli: Option<i64>,
    pub max_points: Option<i64>,
    pub verdict_comment: String,
    /// Who gave the verdict, and their name.
    pub verdict_by: Option<i64>,
    pub verdict_name: Option<String>,
}

/// The attempt's score and verdict (the attempt must exist).
pub async fn verdict_facts(db: &Db, attempt_id: i64) -> Result<VerdictFacts, AppError> {
    Ok(sqlx::query_as::<_, VerdictFacts>(
        "SELECT a.score_milli, a.max_points, a.verdict_comment, a.verdict_by, u.full_name AS verdict_name
             FROM exam_attempts a LEFT JOIN users u ON u.id = a.verdict_by WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_one(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct EvidenceLine {
    id: i64,
    kind: String,
    captured_at: i64,
    faces_client: Option<i64>,
    faces_server: Option<i64>,
    recheck: String,
    purged_at: Option<i64>,
}

impl From<EvidenceLine> for EvidenceItem {
    fn from(r: EvidenceLine) -> EvidenceItem {
        EvidenceItem {
            id: r.id,
            kind: r.kind,
            at: r.captured_at,
            faces_client: r.faces_client,
            faces_server: r.faces_server,
            recheck: r.recheck,
            purged: r.purged_at.is_some(),
        }
    }
}

/// The attempt's images, in capture order (purged ones keep their row).
pub async fn evidence_of(db: &Db, attempt_id: i64) -> Result<Vec<EvidenceItem>, AppError> {
    let rows = sqlx::query_as::<_, EvidenceLine>(
        "SELECT id, kind, captured_at, faces_client, faces_server, recheck, purged_at FROM proctor_evidence WHERE attempt_id = $1 ORDER BY captured_at, id",
    )
    .bind(attempt_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(EvidenceItem::from).collect())
}

/// The attempt's browser events, in time order.
pub async fn events_of(db: &Db, attempt_id: i64) -> Result<Vec<EventItem>, AppError> {
    Ok(sqlx::query_as::<_, EventItem>("SELECT id, kind, at, detail FROM proctor_events WHERE attempt_id = $1 ORDER BY at, id")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The attempt's violations in time order, with their reviewers' names: what the timeline and
/// the reports both count.
pub async fn violations_of(db: &Db, attempt_id: i64) -> Result<Vec<ViolationItem>, AppError> {
    Ok(sqlx::query_as::<_, ViolationItem>(
        "SELECT v.id, v.kind, v.at, v.evidence_id, v.confidence, v.status, v.review_comment AS comment, u.full_name AS reviewer
             FROM proctor_violations v LEFT JOIN users u ON u.id = v.reviewed_by WHERE v.attempt_id = $1 ORDER BY v.at, v.id",
    )
    .bind(attempt_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The attempt's appeal with its reviewer's name; None when it was not appealed.
pub async fn appeal_of(db: &Db, attempt_id: i64) -> Result<Option<AppealItem>, AppError> {
    Ok(sqlx::query_as::<_, AppealItem>(
        "SELECT p.text, p.created_at, p.status, p.comment, u.full_name AS reviewer FROM proctor_appeals p LEFT JOIN users u ON u.id = p.reviewer_id
             WHERE p.attempt_id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The organisations where the user holds proctor.review now.
pub async fn orgs_reviewed_by(db: &Db, user_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT ra.org_id FROM role_assignments ra JOIN role_permissions rp ON rp.role = ra.role
             WHERE ra.user_id = $1 AND rp.permission = $2",
    )
    .bind(user_id)
    .bind(Permission::ProctorReview.code())
    .fetch_all(&db.pool)
    .await?)
}

/// Who decided an appeal: the reviewer whose verdict was appealed and the one who decided it.
#[derive(sqlx::FromRow)]
pub struct AppealDeciders {
    pub status: String,
    pub verdict_by: Option<i64>,
    pub reviewer_id: Option<i64>,
}

/// The attempt's appeal's status and deciders; None when it was not appealed.
pub async fn appeal_deciders(db: &Db, attempt_id: i64) -> Result<Option<AppealDeciders>, AppError> {
    Ok(sqlx::query_as::<_, AppealDeciders>("SELECT status, verdict_by, reviewer_id FROM proctor_appeals WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// The attempt a violation belongs to; None for an unknown violation.
pub async fn attempt_of_violation(db: &Db, violation_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT attempt_id FROM proctor_violations WHERE id = $1").bind(violation_id).fetch_optional(&db.pool).await?)
}

/// A violation's status (the violation must exist).
pub async fn violation_status(tx: &mut Transaction<'_, Any>, violation_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT status FROM proctor_violations WHERE id = $1").bind(violation_id).fetch_one(&mut **tx).await?)
}

/// Records a reviewer's decision on a violation: its new status and the reviewer's comment.
pub async fn review_violation(
    tx: &mut Transaction<'_, Any>,
    violation_id: i64,
    status: &str,
    reviewer_id: i64,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE proctor_violations SET status = $1, reviewed_by = $2, review_comment = $3, reviewed_at = $4 WHERE id = $5")
        .bind(status)
        .bind(reviewer_id)
        .bind(comment)
        .bind(now)
        .bind(violation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The status of the attempt's appeal; None when it was not appealed.
pub async fn appeal_status(tx: &mut Transaction<'_, Any>, attempt_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT status FROM proctor_appeals WHERE attempt_id = $1").bind(attempt_id).fetch_optional(&mut **tx).await?)
}

/// What a verdict changes: the attempt's verdict before it, and where its mark stands.
#[derive(sqlx::FromRow)]
pub struct VerdictTarget {
    pub exam_id: i64,
    pub verdict: String,
    pub submitted_at: Option<i64>,
    pub student_id: i64,
    pub mark: Option<String>,
    /// The journal's lesson the exam's mark is written in, if any.
    pub lesson_id: Option<i64>,
    pub journal_id: i64,
    pub title: String,
}

/// The attempt as a verdict on it needs it (the attempt must exist).
pub async fn verdict_target(tx: &mut Transaction<'_, Any>, attempt_id: i64) -> Result<VerdictTarget, AppError> {
    Ok(sqlx::query_as::<_, VerdictTarget>(
        "SELECT a.exam_id, a.verdict, a.submitted_at, a.student_id, a.mark, e.lesson_id, e.journal_id, e.title FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Sets the attempt's verdict, who gave it, why and when.
pub async fn set_verdict(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    verdict: &str,
    by: i64,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE exam_attempts SET verdict = $1, verdict_by = $2, verdict_comment = $3, verdict_at = $4 WHERE id = $5")
        .bind(verdict)
        .bind(by)
        .bind(comment)
        .bind(now)
        .bind(attempt_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Who gave the attempt's verdict (the attempt must exist).
pub async fn verdict_by(db: &Db, attempt_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT verdict_by FROM exam_attempts WHERE id = $1").bind(attempt_id).fetch_one(&db.pool).await?)
}

/// Decides the attempt's pending appeal. False when it is not pending (decided already, or never
/// filed).
pub async fn decide_pending_appeal(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    decision: &str,
    reviewer_id: i64,
    comment: &str,
    now: i64,
) -> Result<bool, AppError> {
    redecide_appeal(tx, attempt_id, "pending", decision, reviewer_id, comment, now).await
}

/// Decides a decided appeal anew, if its decision is still `status_was`. False when someone
/// else reopened it meanwhile.
pub async fn redecide_appeal(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    status_was: &str,
    decision: &str,
    reviewer_id: i64,
    comment: &str,
    now: i64,
) -> Result<bool, AppError> {
    let n = sqlx::query(
        "UPDATE proctor_appeals SET status = $1, reviewer_id = $2, comment = $3, decided_at = $4 WHERE attempt_id = $5 AND status = $6",
    )
    .bind(decision)
    .bind(reviewer_id)
    .bind(comment)
    .bind(now)
    .bind(attempt_id)
    .bind(status_was)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n != 0)
}

/// An appeal's decision as a reopening replaces it, with the verdict that was appealed.
#[derive(sqlx::FromRow)]
pub struct AppealDecision {
    pub status: String,
    pub verdict: Option<String>,
    pub reviewer_id: Option<i64>,
    pub comment: String,
}

/// The attempt's appeal's decision; None when it was not appealed.
pub async fn appeal_decision(tx: &mut Transaction<'_, Any>, attempt_id: i64) -> Result<Option<AppealDecision>, AppError> {
    Ok(sqlx::query_as::<_, AppealDecision>("SELECT status, verdict, reviewer_id, comment FROM proctor_appeals WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_optional(&mut **tx)
        .await?)
}
