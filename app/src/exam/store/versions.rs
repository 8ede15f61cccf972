//! Versions of bank questions (issue 19): an edit is a new row of the question's family and
//! the edited row is archived with it, in one transaction. Rows are never rewritten by an edit,
//! because attempts name the questions they drew by id (`exam_attempts.questions`, answers by
//! `question_id`) and must keep scoring against exactly what they drew.

use super::super::dto::QuestionDraft;
use super::super::model::Question;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// An editable row: the owner's, not archived (so the family's latest version).
#[derive(sqlx::FromRow)]
struct LatestRow {
    id: i64,
    subject: String,
    body: String,
    version: i64,
}

/// One of the owner's latest questions with its key, for the editor; NotFound for an archived
/// or superseded version and for another teacher's question alike.
pub async fn editable_question(db: &Db, owner_id: i64, question_id: i64) -> Result<QuestionDraft, AppError> {
    let r = sqlx::query_as::<_, LatestRow>(
        "SELECT id, subject, body, version FROM exam_questions WHERE id = $1 AND owner_id = $2 AND archived = 0",
    )
    .bind(question_id)
    .bind(owner_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let question: Question = serde_json::from_str(&r.body).map_err(|_| AppError::Internal)?;
    Ok(QuestionDraft { id: Some(r.id), subject: r.subject, version: r.version, question })
}

/// The version an edit replaced and the one it made.
pub struct NewVersion {
    pub id: i64,
    pub version: i64,
    pub replaced_id: i64,
    pub subject: String,
}

/// The version being replaced, as the edit needs it.
#[derive(sqlx::FromRow)]
struct Replaced {
    subject: String,
    family_id: i64,
    version: i64,
    body: String,
}

/// Archives the owner's latest version `question_id` and returns what the next version needs
/// (its subject, family, number and the old body with its picture). The archiving `UPDATE … AND archived = 0`
/// is the check: a second edit of the same version finds nothing (NotFound), as does an edit
/// of another teacher's question, and on PostgreSQL its row lock makes racing edits wait. (A row
/// written around `insert_question`, family 0, is a family of its own.)
async fn archive_for_edit(tx: &mut Transaction<'_, Any>, owner_id: i64, question_id: i64) -> Result<Replaced, AppError> {
    sqlx::query_as::<_, Replaced>(
        "UPDATE exam_questions SET archived = 1 WHERE id = $1 AND owner_id = $2 AND archived = 0
         RETURNING subject, CASE WHEN family_id = 0 THEN id ELSE family_id END AS family_id, version, body",
    )
    .bind(question_id)
    .bind(owner_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)
}

/// Replaces the owner's latest version `question_id` with `q` (the caller validated it): the old
/// row is archived, the new one is the family's next version under the same owner and subject.
/// The picture is the old version's whatever `q` says (a picture key is the server's to give;
/// pictures change through `exam::pictures`).
pub async fn save_new_version(
    tx: &mut Transaction<'_, Any>,
    owner_id: i64,
    question_id: i64,
    q: &Question,
    now: i64,
) -> Result<NewVersion, AppError> {
    let old = archive_for_edit(tx, owner_id, question_id).await?;
    let before: Question = serde_json::from_str(&old.body).map_err(|_| AppError::Internal)?;
    let mut q = q.clone();
    q.image = before.image;
    let body = serde_json::to_string(&q).map_err(|_| AppError::Internal)?;
    let version = old.version + 1;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at, family_id, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(owner_id)
    .bind(&old.subject)
    .bind(q.topic.trim())
    .bind(q.kind.code())
    .bind(body)
    .bind(now)
    .bind(old.family_id)
    .bind(version)
    .fetch_one(&mut **tx)
    .await?;
    Ok(NewVersion { id, version, replaced_id: question_id, subject: old.subject })
}

/// Whether a version of the question's family other than the question itself shows the picture
/// `key`: versions share their picture, so a replaced or removed picture's file may only go once
/// no other version (drawn by some attempt) shows it.
pub async fn picture_shared(db: &Db, question_id: i64, key: &str) -> Result<bool, AppError> {
    let bodies: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM exam_questions WHERE id <> $1 AND family_id = (SELECT family_id FROM exam_questions WHERE id = $1)",
    )
    .bind(question_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(bodies.iter().any(|b| serde_json::from_str::<Question>(b).is_ok_and(|q| q.image.as_deref() == Some(key))))
}

/// The test-form exams whose papers are drawn from this owner's bank for this subject (their
/// journal's teacher and subject), to forget their cached contexts after an edit. Other nodes
/// see the new version within the cache's 3 s.
pub async fn forget_bank_exams(db: &Db, owner_id: i64, subject: &str) -> Result<(), AppError> {
    let exams: Vec<i64> = sqlx::query_scalar(
        "SELECT e.id FROM exams e JOIN journals j ON j.id = e.journal_id WHERE j.teacher_id = $1 AND j.subject = $2 AND e.form = 'test'",
    )
    .bind(owner_id)
    .bind(subject)
    .fetch_all(&db.pool)
    .await?;
    super::forget_exam_contexts(db, &exams);
    Ok(())
}

/// The owner's latest version of `question_id`'s family (the question itself when it is the
/// latest): a retried picture change names the version it was sent for, which the first try
/// may have replaced already.
pub async fn latest_of_family(db: &Db, owner_id: i64, question_id: i64) -> Result<Option<(i64, Question)>, AppError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, body FROM exam_questions WHERE owner_id = $2 AND archived = 0 AND family_id =
             (SELECT CASE WHEN family_id = 0 THEN id ELSE family_id END FROM exam_questions WHERE id = $1 AND owner_id = $2)",
    )
    .bind(question_id)
    .bind(owner_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(id, body)| Ok((id, serde_json::from_str(&body).map_err(|_| AppError::Internal)?))).transpose()
}
