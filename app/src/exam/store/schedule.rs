//! The exam schedule as stored: sittings of an exam in a room, the candidates seated in each,
//! and what a booking checks the room against. `exam::schedule` checks the caller's access to
//! the exam's journal before it calls in here; a booking's reads and writes share one
//! transaction.

use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};

/// The college (the group's parent) whose rooms the exam uses.
pub async fn college_of(db: &Db, group_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM organisations WHERE id = $1")
        .bind(group_id)
        .fetch_one(&db.pool)
        .await?
        .unwrap_or(group_id))
}

/// The journal an exam belongs to, or NotFound.
pub async fn journal_of_exam(db: &Db, exam_id: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT journal_id FROM exams WHERE id = $1").bind(exam_id).fetch_optional(&db.pool).await?.ok_or(AppError::NotFound)
}

/// A sitting as the schedule lists it; `started` counts its candidates who have started.
#[derive(sqlx::FromRow)]
pub struct SittingRow {
    pub id: i64,
    pub room: String,
    pub seats: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub started: i64,
}

/// The exam's sittings in time order.
pub async fn sittings_of(db: &Db, exam_id: i64) -> Result<Vec<SittingRow>, AppError> {
    Ok(sqlx::query_as::<_, SittingRow>(
        "SELECT s.id, s.room, s.seats, s.starts_at, s.ends_at,
                (SELECT COUNT(*) FROM exam_seats x JOIN exam_attempts a ON a.student_id = x.student_id AND a.exam_id = s.exam_id
                 AND a.attempt_no = 1 WHERE x.sitting_id = s.id) AS started
         FROM exam_sittings s WHERE s.exam_id = $1 ORDER BY s.starts_at, s.room, s.id",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The names of the candidates seated in a sitting, in name order.
pub async fn seated_names(db: &Db, sitting_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.full_name FROM exam_seats x JOIN users u ON u.id = x.student_id WHERE x.sitting_id = $1 ORDER BY u.full_name, u.id",
    )
    .bind(sitting_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The group's active students without a seat in this exam, in name order.
const UNSEATED: &str = "SELECT u.id, u.full_name FROM role_assignments r JOIN users u ON u.id = r.user_id
     WHERE r.org_id = $1 AND r.role = 'student' AND u.active = 1
       AND NOT EXISTS (SELECT 1 FROM exam_seats x JOIN exam_sittings s ON s.id = x.sitting_id
                       WHERE s.exam_id = $2 AND x.student_id = u.id)
     ORDER BY u.full_name, u.id";

/// The group's students without a seat in this exam (id, name), in name order.
pub async fn unseated(db: &Db, exam_id: i64, group_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>(UNSEATED).bind(group_id).bind(exam_id).fetch_all(&db.pool).await?)
}

/// `unseated`'s ids, read inside the booking's transaction.
pub async fn unseated_ids(tx: &mut Transaction<'_, Any>, exam_id: i64, group_id: i64) -> Result<Vec<i64>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String)>(UNSEATED).bind(group_id).bind(exam_id).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

/// The exam's journal and window (journal, opens_at, closes_at), or NotFound.
pub async fn exam_window(db: &Db, exam_id: i64) -> Result<(i64, i64, i64), AppError> {
    sqlx::query_as::<_, (i64, i64, i64)>("SELECT journal_id, opens_at, closes_at FROM exams WHERE id = $1")
        .bind(exam_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// Makes bookings of one college's rooms wait for each other until `tx` ends.
pub async fn lock_college_rooms(db: &Db, tx: &mut Transaction<'_, Any>, college_id: i64) -> Result<(), AppError> {
    db.lock_row(tx, "organisations", college_id).await?;
    Ok(())
}

/// A sitting of the college overlapping a time range: its room, times and candidates seated.
#[derive(sqlx::FromRow)]
pub struct RoomUse {
    pub room: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub n: i64,
}

/// Every sitting of the college's exams that shares a moment with [starts_at, ends_at).
pub async fn overlapping_sittings(
    tx: &mut Transaction<'_, Any>,
    college_id: i64,
    starts_at: i64,
    ends_at: i64,
) -> Result<Vec<RoomUse>, AppError> {
    Ok(sqlx::query_as::<_, RoomUse>(
        "SELECT s.room, s.starts_at, s.ends_at, (SELECT COUNT(*) FROM exam_seats x WHERE x.sitting_id = s.id) AS n
         FROM exam_sittings s JOIN exams e ON e.id = s.exam_id JOIN journals jj ON jj.id = e.journal_id
         JOIN organisations g ON g.id = jj.group_id
         WHERE g.parent_id = $1 AND s.starts_at < $2 AND s.ends_at > $3",
    )
    .bind(college_id)
    .bind(ends_at)
    .bind(starts_at)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn insert_sitting(
    tx: &mut Transaction<'_, Any>,
    exam_id: i64,
    room: &str,
    seats: i64,
    starts_at: i64,
    ends_at: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("INSERT INTO exam_sittings (exam_id, room, seats, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(exam_id)
        .bind(room)
        .bind(seats)
        .bind(starts_at)
        .bind(ends_at)
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn insert_seat(tx: &mut Transaction<'_, Any>, sitting_id: i64, student_id: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO exam_seats (sitting_id, student_id) VALUES ($1, $2)")
        .bind(sitting_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The sitting's exam and that exam's journal (exam, journal), or NotFound.
pub async fn sitting_exam(db: &Db, sitting_id: i64) -> Result<(i64, i64), AppError> {
    sqlx::query_as::<_, (i64, i64)>("SELECT s.exam_id, e.journal_id FROM exam_sittings s JOIN exams e ON e.id = s.exam_id WHERE s.id = $1")
        .bind(sitting_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// How many of the sitting's candidates have started the exam (their first attempt: a candidate
/// counts once however many they make).
pub async fn started_in_sitting(tx: &mut Transaction<'_, Any>, sitting_id: i64, exam_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM exam_seats x JOIN exam_attempts a ON a.student_id = x.student_id AND a.exam_id = $2 AND a.attempt_no = 1
         WHERE x.sitting_id = $1",
    )
    .bind(sitting_id)
    .bind(exam_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Removes a sitting and unseats its candidates.
pub async fn delete_sitting(tx: &mut Transaction<'_, Any>, sitting_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM exam_seats WHERE sitting_id = $1").bind(sitting_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM exam_sittings WHERE id = $1").bind(sitting_id).execute(&mut **tx).await?;
    Ok(())
}

/// The candidate's own window when the exam is scheduled: Ok(None) when it has no sittings
/// (the exam's window applies), Ok(Some((start, end))) for the candidate's sitting, and
/// Refused when it has sittings but none for this candidate.
pub async fn seat_window(db: &Db, exam_id: i64, student_id: i64) -> Result<Option<(i64, i64)>, AppError> {
    let any: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exam_sittings WHERE exam_id = $1").bind(exam_id).fetch_one(&db.pool).await?;
    if any == 0 {
        return Ok(None);
    }
    let window = sqlx::query_as::<_, (i64, i64)>(
        "SELECT s.starts_at, s.ends_at FROM exam_seats x JOIN exam_sittings s ON s.id = x.sitting_id WHERE s.exam_id = $1 AND x.student_id = $2",
    )
    .bind(exam_id)
    .bind(student_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::Refused(Msg::ErrNotScheduled))?;
    Ok(Some(window))
}

/// The exam's title, read in the scheduling transaction (for the candidates' messages).
pub async fn exam_title_in(tx: &mut Transaction<'_, Any>, exam_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT title FROM exams WHERE id = $1").bind(exam_id).fetch_one(&mut **tx).await?)
}
