//! Certificates on request (JRN-11): a student's request, the office's decision, the issued
//! certificate behind its PDF and its public check, and the facts of a group that certificates
//! and transcripts print. Server functions and download routes call these after checking the
//! caller (the public check needs no caller: its code is the secret).

use crate::db::Db;
use crate::error::AppError;
use crate::journal::dto::CertificateRow;
use sqlx::{Any, Transaction};

async fn rows(db: &Db, where_sql: &str, id: i64) -> Result<Vec<CertificateRow>, AppError> {
    Ok(sqlx::query_as::<_, CertificateRow>(&format!(
        "SELECT c.id, c.group_id, u.full_name AS student_name, g.name AS group_name, c.purpose, c.status, c.number, c.requested_at, c.issued_at
             FROM certificates c JOIN users u ON u.id = c.student_id JOIN organisations g ON g.id = c.group_id
             WHERE {where_sql} ORDER BY CASE c.status WHEN 'requested' THEN 0 ELSE 1 END, c.requested_at DESC LIMIT 500"
    ))
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

/// The student's requests and certificates, open requests first.
pub async fn certificates_of_student(db: &Db, student_id: i64) -> Result<Vec<CertificateRow>, AppError> {
    rows(db, "c.student_id = $1", student_id).await
}

/// Every request and certificate, open requests first; the caller keeps those in its scope.
pub async fn all_certificates(db: &Db) -> Result<Vec<CertificateRow>, AppError> {
    rows(db, "c.id > $1", 0).await
}

/// The group of the certificate's student when it was requested; None when there is no such
/// certificate.
pub async fn group_of_certificate(db: &Db, id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT group_id FROM certificates WHERE id = $1").bind(id).fetch_optional(&db.pool).await?)
}

/// The student's open request for this purpose, if any.
pub async fn open_request(tx: &mut Transaction<'_, Any>, student_id: i64, purpose: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM certificates WHERE student_id = $1 AND purpose = $2 AND status = 'requested'")
        .bind(student_id)
        .bind(purpose)
        .fetch_optional(&mut **tx)
        .await?)
}

pub async fn request(tx: &mut Transaction<'_, Any>, student_id: i64, group_id: i64, purpose: &str, at: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO certificates (student_id, group_id, purpose, status, requested_at) VALUES ($1, $2, $3, 'requested', $4) RETURNING id",
    )
    .bind(student_id)
    .bind(group_id)
    .bind(purpose)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?)
}

/// Issues a requested certificate with its number and the code its QR check carries; false
/// when it is no longer requested (decided already).
pub async fn issue(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    number: &str,
    verify_code: &str,
    issuer_id: i64,
    at: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE certificates SET status = 'issued', number = $1, verify_code = $2, issued_at = $3, issued_by = $4
                 WHERE id = $5 AND status = 'requested'",
    )
    .bind(number)
    .bind(verify_code)
    .bind(at)
    .bind(issuer_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The certificate's student and purpose, read in the deciding transaction.
pub async fn holder_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>("SELECT student_id, purpose FROM certificates WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Rejects a requested certificate; false when it is no longer requested (decided already).
pub async fn reject(tx: &mut Transaction<'_, Any>, id: i64, issuer_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE certificates SET status = 'rejected', issued_by = $1 WHERE id = $2 AND status = 'requested'")
        .bind(issuer_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An issued certificate as its public check shows it.
#[derive(sqlx::FromRow)]
pub struct VerifiedRow {
    pub number: Option<String>,
    pub issued_at: Option<i64>,
    pub group_id: i64,
    pub full_name: String,
}

/// The issued certificate the check code names.
pub async fn verified(db: &Db, code: &str) -> Result<Option<VerifiedRow>, AppError> {
    Ok(sqlx::query_as::<_, VerifiedRow>(
        "SELECT c.number, c.issued_at, c.group_id, u.full_name FROM certificates c JOIN users u ON u.id = c.student_id
             WHERE c.verify_code = $1 AND c.status = 'issued'",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?)
}

/// An issued certificate as its PDF prints it.
#[derive(sqlx::FromRow)]
pub struct IssuedCertificate {
    pub student_id: i64,
    pub group_id: i64,
    pub purpose: String,
    pub number: Option<String>,
    pub verify_code: Option<String>,
    pub issued_at: Option<i64>,
    pub full_name: String,
}

pub async fn issued_certificate(db: &Db, id: i64) -> Result<Option<IssuedCertificate>, AppError> {
    Ok(sqlx::query_as::<_, IssuedCertificate>(
        "SELECT c.student_id, c.group_id, c.purpose, c.number, c.verify_code, c.issued_at, u.full_name
             FROM certificates c JOIN users u ON u.id = c.student_id WHERE c.id = $1 AND c.status = 'issued'",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct GroupFacts {
    name: String,
    college: String,
    course: i64,
    code: String,
    specialty: String,
    form: String,
}

/// The group's profile and its college (the group's parent organisation): (group, college,
/// course, "code specialty", form of study).
pub async fn group_facts(db: &Db, group_id: i64) -> Result<(String, String, i64, String, String), AppError> {
    let r = sqlx::query_as::<_, GroupFacts>(
        "SELECT g.name, COALESCE(p.name, '') AS college, COALESCE(s.course, 1) AS course,
                    COALESCE(s.specialty_code, '') AS code, COALESCE(s.specialty_name, '') AS specialty, COALESCE(s.study_form, 'full_time') AS form
             FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id LEFT JOIN study_groups s ON s.group_id = g.id WHERE g.id = $1",
    )
    .bind(group_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((r.name, r.college, r.course, format!("{} {}", r.code, r.specialty).trim().to_string(), r.form))
}
