//! All SQL of the e-services: applications, their documents, and their history (the audit
//! rows written with every change, entity 'service_application'). Server functions call these
//! after checking the caller; writes run in the action's transaction.

use super::model::{ApplicationLine, DueState, FileLine, HistoryLine, Status};
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Executor, Transaction};

/// The audit log's entity for applications.
pub const ENTITY: &str = "service_application";

/// An application as stored.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Row {
    pub id: i64,
    pub service: String,
    pub applicant_id: i64,
    pub college_id: i64,
    pub last_key: String,
    pub fields: String,
    pub result_lang: String,
    pub status: String,
    pub comment: String,
    pub submitted_at: i64,
    pub due_on: String,
    pub result_number: Option<String>,
    pub result_code: Option<String>,
    pub result_at: Option<i64>,
    pub applicant: String,
    pub college: String,
}

impl Row {
    pub fn status(&self) -> Result<Status, AppError> {
        Status::from_code(&self.status).ok_or(AppError::Internal)
    }
    pub fn answers(&self) -> super::model::Answers {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
    pub fn line(&self, today: crate::journal::semester::Date) -> Result<ApplicationLine, AppError> {
        let status = self.status()?;
        let due = crate::journal::semester::Date::parse(&self.due_on).map_err(|_| AppError::Internal)?;
        Ok(ApplicationLine {
            id: self.id,
            service: self.service.clone(),
            applicant: self.applicant.clone(),
            college: self.college.clone(),
            status,
            comment: self.comment.clone(),
            submitted_at: self.submitted_at,
            due_on: self.due_on.clone(),
            due: DueState::of(status, due, today),
            result_number: self.result_number.clone(),
        })
    }
}

const SELECT: &str = "SELECT a.id, a.service, a.applicant_id, a.college_id, a.last_key, a.fields, a.result_lang, a.status, a.comment,
        a.submitted_at, a.due_on, a.result_number, a.result_code, a.result_at, u.full_name AS applicant, o.name AS college
    FROM service_applications a JOIN users u ON u.id = a.applicant_id JOIN organisations o ON o.id = a.college_id";

pub async fn get<'e, E: Executor<'e, Database = Any>>(ex: E, id: i64) -> Result<Option<Row>, AppError> {
    Ok(sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE a.id = $1")).bind(id).fetch_optional(ex).await?)
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Row>, AppError> {
    Ok(sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE a.result_code = $1")).bind(code).fetch_optional(&db.pool).await?)
}

/// The applicant's applications, newest first.
pub async fn of_applicant(db: &Db, user_id: i64) -> Result<Vec<Row>, AppError> {
    Ok(sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE a.applicant_id = $1 ORDER BY a.id DESC"))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Applications to these colleges, the oldest deadline first.
pub async fn of_colleges(db: &Db, colleges: &[i64]) -> Result<Vec<Row>, AppError> {
    if colleges.is_empty() {
        return Ok(Vec::new());
    }
    let list = colleges.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE a.college_id IN ({list}) ORDER BY a.due_on, a.id")).fetch_all(&db.pool).await?)
}

/// The application a request key already made, if any.
pub async fn by_request_key<'e, E: Executor<'e, Database = Any>>(ex: E, applicant_id: i64, key: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM service_applications WHERE applicant_id = $1 AND request_key = $2")
        .bind(applicant_id)
        .bind(key)
        .fetch_optional(ex)
        .await?)
}

pub struct NewApplication<'a> {
    pub service: &'a str,
    pub applicant_id: i64,
    pub college_id: i64,
    pub request_key: &'a str,
    pub fields: &'a str,
    pub result_lang: &'a str,
    pub due_on: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, a: &NewApplication<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO service_applications (service, applicant_id, college_id, request_key, fields, result_lang, status, submitted_at, due_on, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, $7) RETURNING id",
    )
    .bind(a.service)
    .bind(a.applicant_id)
    .bind(a.college_id)
    .bind(a.request_key)
    .bind(a.fields)
    .bind(a.result_lang)
    .bind(a.now)
    .bind(a.due_on)
    .fetch_one(&mut **tx)
    .await?)
}

/// Moves an application from `from` to `to` with the comment; false when it is no longer in
/// `from` (someone else moved it first).
pub async fn set_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    from: Status,
    to: Status,
    comment: &str,
    now: i64,
) -> Result<bool, AppError> {
    let r = sqlx::query("UPDATE service_applications SET status = $1, comment = $2, updated_at = $3 WHERE id = $4 AND status = $5")
        .bind(to.code())
        .bind(comment)
        .bind(now)
        .bind(id)
        .bind(from.code())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The applicant's correction: new answers, the term counted again, the request's key.
pub async fn correct(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    fields: &str,
    result_lang: &str,
    due_on: &str,
    key: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE service_applications SET fields = $1, result_lang = $2, due_on = $3, last_key = $4 WHERE id = $5")
        .bind(fields)
        .bind(result_lang)
        .bind(due_on)
        .bind(key)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the result's number and check code, once: false when it has them already.
pub async fn set_result(tx: &mut Transaction<'_, Any>, id: i64, number: &str, code: &str, now: i64) -> Result<bool, AppError> {
    let r = sqlx::query(
        "UPDATE service_applications SET result_number = $1, result_code = $2, result_at = $3 WHERE id = $4 AND result_number IS NULL",
    )
    .bind(number)
    .bind(code)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub struct NewFile<'a> {
    pub application_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub media_key: &'a str,
    pub content_type: &'a str,
    pub bytes: i64,
    pub now: i64,
}

/// Stores a document; one of the same kind is replaced. Returns the key of the replaced one.
pub async fn put_file(tx: &mut Transaction<'_, Any>, f: &NewFile<'_>) -> Result<Option<String>, AppError> {
    let old: Option<String> = sqlx::query_scalar("SELECT media_key FROM service_application_files WHERE application_id = $1 AND kind = $2")
        .bind(f.application_id)
        .bind(f.kind)
        .fetch_optional(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM service_application_files WHERE application_id = $1 AND kind = $2")
        .bind(f.application_id)
        .bind(f.kind)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO service_application_files (application_id, kind, file_name, media_key, content_type, bytes, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(f.application_id)
    .bind(f.kind)
    .bind(f.file_name)
    .bind(f.media_key)
    .bind(f.content_type)
    .bind(f.bytes)
    .bind(f.now)
    .execute(&mut **tx)
    .await?;
    Ok(old.filter(|k| k != f.media_key))
}

pub async fn files(db: &Db, id: i64) -> Result<Vec<FileLine>, AppError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT kind, file_name, bytes FROM service_application_files WHERE application_id = $1 ORDER BY kind")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(kind, file_name, bytes)| FileLine { kind, file_name, bytes }).collect())
}

/// A document's (media key, file name, content type).
pub async fn file(db: &Db, id: i64, kind: &str) -> Result<Option<(String, String, String)>, AppError> {
    Ok(sqlx::query_as("SELECT media_key, file_name, content_type FROM service_application_files WHERE application_id = $1 AND kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_optional(&db.pool)
        .await?)
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    at: i64,
    actor: Option<String>,
    after_json: Option<String>,
}

/// The history: every status change of the application, oldest first, from its audit rows.
pub async fn history(db: &Db, id: i64) -> Result<Vec<HistoryLine>, AppError> {
    let rows = sqlx::query_as::<_, HistoryRow>(
        "SELECT l.at, u.full_name AS actor, l.after_json FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
         WHERE l.entity = $1 AND l.entity_id = $2 ORDER BY l.id",
    )
    .bind(ENTITY)
    .bind(id.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let after: serde_json::Value = r.after_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
        let Some(status) = after["status"].as_str().and_then(Status::from_code) else { continue };
        out.push(HistoryLine {
            at: r.at,
            status,
            actor: r.actor.unwrap_or_default(),
            comment: after["comment"].as_str().unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

/// Every college, by name (where an application may go).
pub async fn colleges(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as("SELECT id, name FROM organisations WHERE kind = 'college' ORDER BY name").fetch_all(&db.pool).await?)
}

/// The colleges whose groups the account is a student of.
pub async fn student_colleges(db: &Db, user_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT g.parent_id FROM role_assignments ra JOIN organisations g ON g.id = ra.org_id
         WHERE ra.user_id = $1 AND ra.role = 'student' AND g.kind = 'group'",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Whether the organisation is a college.
pub async fn is_college(db: &Db, id: i64) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE id = $1 AND kind = 'college'").bind(id).fetch_one(&db.pool).await?;
    Ok(n > 0)
}
