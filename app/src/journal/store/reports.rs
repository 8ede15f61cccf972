//! What the reports read from the journals: a teacher's timesheet, the attestations behind the
//! performance report (JRN-6), a student's transcript (JRN-9) and the name book (JRN-7).
//! Server functions and download routes call these after checking the caller; the readers of a
//! whole college's rows keep those in the caller's scope themselves.

use super::super::dto::TimesheetRow;
use super::super::model::Scale;
use crate::db::Db;
use crate::error::AppError;

/// The teacher's journals running in the month [`first`, `next`), with their planned hours and
/// the hours given in the month and since the semester began, counting lessons up to `today`.
pub async fn timesheet(db: &Db, teacher_id: i64, first: &str, next: &str, today: &str) -> Result<Vec<TimesheetRow>, AppError> {
    // The sums are cast: PostgreSQL's SUM of a BIGINT is a NUMERIC, which `Any` does not decode.
    Ok(sqlx::query_as::<_, TimesheetRow>(
        "SELECT j.id AS journal_id, j.title,
                    (SELECT CAST(COALESCE(SUM(half_hours), 0) AS BIGINT) FROM ktp_topics k WHERE k.journal_id = j.id) AS planned_half_hours,
                    (SELECT CAST(COALESCE(SUM(half_hours), 0) AS BIGINT) FROM lessons l WHERE l.journal_id = j.id AND l.lesson_date >= $2 AND l.lesson_date < $3 AND l.lesson_date <= $4) AS month_half_hours,
                    (SELECT CAST(COALESCE(SUM(half_hours), 0) AS BIGINT) FROM lessons l WHERE l.journal_id = j.id AND l.lesson_date < $3 AND l.lesson_date <= $4) AS to_date_half_hours
             FROM journals j WHERE j.teacher_id = $1 AND j.semester_start < $3 AND j.semester_end >= $2 ORDER BY j.title",
    )
    .bind(teacher_id)
    .bind(first)
    .bind(next)
    .bind(today)
    .fetch_all(&db.pool)
    .await?)
}

/// An attestation day or exam lesson, with its journal's group and scale.
pub struct AttestationLesson {
    pub id: i64,
    pub group_id: i64,
    pub scale: Scale,
}

#[derive(sqlx::FromRow)]
struct StoredAttestationLesson {
    id: i64,
    group_id: i64,
    scale: String,
}

/// Every attestation day and exam lesson of the period, in every journal.
pub async fn attestation_lessons(db: &Db, from: &str, to: &str) -> Result<Vec<AttestationLesson>, AppError> {
    let rows = sqlx::query_as::<_, StoredAttestationLesson>(
        "SELECT l.id, j.group_id, j.scale FROM lessons l JOIN journals j ON j.id = l.journal_id
         WHERE l.lesson_type IN ('attestation', 'exam') AND l.lesson_date >= $1 AND l.lesson_date <= $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| AttestationLesson { id: r.id, group_id: r.group_id, scale: super::scale(&r.scale) }).collect())
}

/// A mark given on an attestation day or exam.
#[derive(sqlx::FromRow)]
pub struct AttestationMark {
    pub lesson_id: i64,
    pub student_id: i64,
    pub mark: i64,
}

/// Every mark given on an attestation day or exam of the period, in every journal.
pub async fn attestation_marks(db: &Db, from: &str, to: &str) -> Result<Vec<AttestationMark>, AppError> {
    Ok(sqlx::query_as::<_, AttestationMark>(
        "SELECT c.lesson_id, c.student_id, c.mark FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
         WHERE c.mark IS NOT NULL AND l.lesson_type IN ('attestation', 'exam') AND l.lesson_date >= $1 AND l.lesson_date <= $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?)
}

/// A group's name and its specialty, as the performance report lists it.
#[derive(sqlx::FromRow)]
pub struct GroupProfile {
    pub name: String,
    pub code: String,
    #[sqlx(rename = "name2")]
    pub specialty: String,
}

pub async fn group_profile(db: &Db, group_id: i64) -> Result<GroupProfile, AppError> {
    Ok(sqlx::query_as::<_, GroupProfile>(
        "SELECT g.name, COALESCE(s.specialty_code, '') AS code, COALESCE(s.specialty_name, '') AS name2
             FROM organisations g LEFT JOIN study_groups s ON s.group_id = g.id WHERE g.id = $1",
    )
    .bind(group_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The group a transcript is for: the student's first student grant.
pub async fn first_group_of_student(db: &Db, student_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT org_id FROM role_assignments WHERE user_id = $1 AND role = 'student' ORDER BY id LIMIT 1")
        .bind(student_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A journal of the group, as the transcript lists it.
pub struct GroupJournal {
    pub id: i64,
    pub subject: String,
    pub scale: Scale,
}

#[derive(sqlx::FromRow)]
struct StoredGroupJournal {
    id: i64,
    subject: String,
    scale: String,
}

/// The group's journals by semester, then subject.
pub async fn journals_of_group(db: &Db, group_id: i64) -> Result<Vec<GroupJournal>, AppError> {
    let rows = sqlx::query_as::<_, StoredGroupJournal>(
        "SELECT id, subject, scale FROM journals WHERE group_id = $1 ORDER BY semester_start, subject",
    )
    .bind(group_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| GroupJournal { id: r.id, subject: r.subject, scale: super::scale(&r.scale) }).collect())
}

/// The half hours of all the journal's lessons.
pub async fn taught_half_hours(db: &Db, journal_id: i64) -> Result<i64, AppError> {
    // Cast: PostgreSQL's SUM of a BIGINT is a NUMERIC, which `Any` does not decode.
    Ok(sqlx::query_scalar("SELECT CAST(COALESCE(SUM(half_hours), 0) AS BIGINT) FROM lessons WHERE journal_id = $1")
        .bind(journal_id)
        .fetch_one(&db.pool)
        .await?)
}

/// A mark of the student, with the type of the lesson it was given on.
#[derive(sqlx::FromRow)]
pub struct LessonMark {
    pub mark: i64,
    pub lesson_type: String,
}

/// The student's marks in the journal, in lesson order.
pub async fn marks_of_student(db: &Db, journal_id: i64, student_id: i64) -> Result<Vec<LessonMark>, AppError> {
    Ok(sqlx::query_as::<_, LessonMark>(
        "SELECT c.mark, l.lesson_type FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
                 WHERE l.journal_id = $1 AND c.student_id = $2 AND c.mark IS NOT NULL ORDER BY l.lesson_date, l.pair",
    )
    .bind(journal_id)
    .bind(student_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A line of the name book: an active student and their group's profile.
#[derive(sqlx::FromRow)]
pub struct NameBookLine {
    pub group_id: i64,
    pub group_name: String,
    pub code: String,
    pub specialty: String,
    pub course: i64,
    pub form: String,
    pub full_name: String,
    pub login: String,
    pub email: String,
    pub phone: String,
}

/// Every active student of every group, by specialty code, group and name; the caller keeps
/// the groups in its scope.
pub async fn name_book(db: &Db) -> Result<Vec<NameBookLine>, AppError> {
    Ok(sqlx::query_as::<_, NameBookLine>(
        "SELECT g.id AS group_id, g.name AS group_name, COALESCE(s.specialty_code, '') AS code, COALESCE(s.specialty_name, '') AS specialty,
                    COALESCE(s.course, 1) AS course, COALESCE(s.study_form, 'full_time') AS form,
                    u.full_name, u.login, COALESCE(u.email, '') AS email, COALESCE(u.phone, '') AS phone
             FROM role_assignments ra JOIN organisations g ON g.id = ra.org_id JOIN users u ON u.id = ra.user_id
             LEFT JOIN study_groups s ON s.group_id = g.id
             WHERE ra.role = 'student' AND u.active = 1 ORDER BY code, g.name, u.full_name",
    )
    .fetch_all(&db.pool)
    .await?)
}
