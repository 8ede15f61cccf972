//! The journal's lessons and its calendar-thematic plan (KTP): reading them, adding, moving and
//! cancelling lessons, filling the semester, and editing or importing the plan's topics, with
//! what the audit shows of a lesson or topic before a change. Server functions call these after
//! checking the caller.

use super::super::dto::{KtpTopic, LessonHead};
use super::super::ktp_file::KtpRow;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};

pub async fn lessons(db: &Db, journal_id: i64) -> Result<Vec<LessonHead>, AppError> {
    Ok(sqlx::query_as::<_, LessonHead>(
        "SELECT l.id, l.lesson_date AS date, l.pair, l.half_hours, l.lesson_type, l.topic, l.plan, l.homework,
                (SELECT COUNT(*) FROM journal_cells c WHERE c.lesson_id = l.id) AS filled
         FROM lessons l WHERE l.journal_id = $1 ORDER BY l.lesson_date, l.pair",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The day of a lesson of the journal; None when the journal has no such lesson.
pub async fn lesson_date(db: &Db, journal_id: i64, lesson_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT lesson_date FROM lessons WHERE id = $1 AND journal_id = $2")
        .bind(lesson_id)
        .bind(journal_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Whether the journal has this lesson.
pub async fn has_lesson(db: &Db, journal_id: i64, lesson_id: i64) -> Result<bool, AppError> {
    let lesson: Option<i64> = sqlx::query_scalar("SELECT id FROM lessons WHERE id = $1 AND journal_id = $2")
        .bind(lesson_id)
        .bind(journal_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(lesson.is_some())
}

/// A lesson as the audit shows it before a change.
#[derive(sqlx::FromRow)]
pub struct LessonSnapshot {
    pub lesson_date: String,
    pub pair: i64,
    pub half_hours: i64,
    pub lesson_type: String,
    pub topic: Option<String>,
    pub homework: Option<String>,
}

pub async fn lesson_snapshot(tx: &mut Transaction<'_, Any>, journal_id: i64, lesson_id: i64) -> Result<Option<LessonSnapshot>, AppError> {
    Ok(sqlx::query_as::<_, LessonSnapshot>(
        "SELECT lesson_date, pair, half_hours, lesson_type, topic, homework FROM lessons WHERE id = $1 AND journal_id = $2",
    )
    .bind(lesson_id)
    .bind(journal_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A lesson's fields as the teacher typed them, checked by the server function.
pub struct LessonFields<'a> {
    pub date: String,
    pub pair: i64,
    pub half_hours: i64,
    pub lesson_type: &'a str,
    pub topic: &'a str,
    pub plan: &'a str,
    pub homework: &'a str,
}

/// Adds a lesson to the journal. Another lesson on the same day and pair is a field error on
/// the pair.
pub async fn add_lesson(tx: &mut Transaction<'_, Any>, journal_id: i64, l: &LessonFields<'_>, at: i64) -> Result<i64, AppError> {
    let result = sqlx::query_scalar(
        "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, topic, plan, homework, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(journal_id)
    .bind(&l.date)
    .bind(l.pair)
    .bind(l.half_hours)
    .bind(l.lesson_type)
    .bind(l.topic)
    .bind(l.plan)
    .bind(l.homework)
    .bind(at)
    .fetch_one(&mut **tx)
    .await;
    lesson_saved(result)
}

/// Changes a lesson of the journal: NotFound when it has no such lesson, a field error on the
/// pair when it would land on another lesson's day and pair.
pub async fn change_lesson(tx: &mut Transaction<'_, Any>, journal_id: i64, lesson_id: i64, l: &LessonFields<'_>) -> Result<i64, AppError> {
    let result = sqlx::query_scalar(
        "UPDATE lessons SET lesson_date = $1, pair = $2, half_hours = $3, lesson_type = $4, topic = $5, plan = $6, homework = $7
                 WHERE id = $8 AND journal_id = $9 RETURNING id",
    )
    .bind(&l.date)
    .bind(l.pair)
    .bind(l.half_hours)
    .bind(l.lesson_type)
    .bind(l.topic)
    .bind(l.plan)
    .bind(l.homework)
    .bind(lesson_id)
    .bind(journal_id)
    .fetch_optional(&mut **tx)
    .await
    .and_then(|id: Option<i64>| id.ok_or(sqlx::Error::RowNotFound));
    lesson_saved(result)
}

fn lesson_saved(result: Result<i64, sqlx::Error>) -> Result<i64, AppError> {
    match result {
        Ok(id) => Ok(id),
        Err(sqlx::Error::RowNotFound) => Err(AppError::NotFound),
        Err(e) if crate::db::is_unique_violation(&e, "lessons") || crate::db::is_unique_violation(&e, "pair") => {
            Err(AppError::field("pair", Msg::ErrLessonSlotTaken))
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether anything hangs on the lesson: a mark or attendance code, an assignment, or a line
/// of history.
pub async fn lesson_in_use(tx: &mut Transaction<'_, Any>, lesson_id: i64) -> Result<bool, AppError> {
    let used: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM journal_cells WHERE lesson_id = $1) + (SELECT COUNT(*) FROM assignments WHERE lesson_id = $1)
                  + (SELECT COUNT(*) FROM mark_history WHERE lesson_id = $1)",
    )
    .bind(lesson_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(used > 0)
}

pub async fn cancel_lesson(tx: &mut Transaction<'_, Any>, journal_id: i64, lesson_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM lessons WHERE id = $1 AND journal_id = $2").bind(lesson_id).bind(journal_id).execute(&mut **tx).await?;
    Ok(())
}

/// A lesson the semester fill creates (JRN-3).
pub struct FilledLesson<'a> {
    pub date: String,
    pub pair: i64,
    pub half_hours: i64,
    pub lesson_type: &'a str,
    pub topic: &'a str,
    pub homework: &'a str,
}

/// Creates the lessons whose day and pair are free, leaving the others as they are; returns
/// how many were created.
pub async fn fill_lessons(tx: &mut Transaction<'_, Any>, journal_id: i64, lessons: &[FilledLesson<'_>], at: i64) -> Result<i64, AppError> {
    let mut created = 0i64;
    for l in lessons {
        let done = sqlx::query(
            "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, topic, homework, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (journal_id, lesson_date, pair) DO NOTHING",
        )
        .bind(journal_id)
        .bind(&l.date)
        .bind(l.pair)
        .bind(l.half_hours)
        .bind(l.lesson_type)
        .bind(l.topic)
        .bind(l.homework)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        created += done.rows_affected() as i64;
    }
    Ok(created)
}

pub async fn ktp(db: &Db, journal_id: i64) -> Result<Vec<KtpTopic>, AppError> {
    Ok(sqlx::query_as::<_, KtpTopic>(
        "SELECT id, position, title, half_hours, lesson_type, homework FROM ktp_topics WHERE journal_id = $1 ORDER BY position, id",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A plan topic as the audit shows it before a change.
#[derive(sqlx::FromRow)]
pub struct TopicSnapshot {
    pub position: i64,
    pub title: String,
    pub half_hours: i64,
    pub lesson_type: String,
    pub homework: Option<String>,
}

pub async fn topic_snapshot(tx: &mut Transaction<'_, Any>, journal_id: i64, topic_id: i64) -> Result<Option<TopicSnapshot>, AppError> {
    Ok(sqlx::query_as::<_, TopicSnapshot>(
        "SELECT position, title, half_hours, lesson_type, homework FROM ktp_topics WHERE id = $1 AND journal_id = $2",
    )
    .bind(topic_id)
    .bind(journal_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A topic's fields as the teacher typed them, checked by the server function.
pub struct TopicFields<'a> {
    pub title: &'a str,
    pub half_hours: i64,
    pub lesson_type: &'a str,
    pub homework: &'a str,
}

/// Adds a topic at the end of the plan.
pub async fn add_topic(tx: &mut Transaction<'_, Any>, journal_id: i64, t: &TopicFields<'_>) -> Result<i64, AppError> {
    let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM ktp_topics WHERE journal_id = $1")
        .bind(journal_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO ktp_topics (journal_id, position, title, half_hours, lesson_type, homework) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(journal_id)
    .bind(next)
    .bind(t.title)
    .bind(t.half_hours)
    .bind(t.lesson_type)
    .bind(t.homework)
    .fetch_one(&mut **tx)
    .await?)
}

/// Changes a topic of the plan; false when the journal has no such topic.
pub async fn change_topic(tx: &mut Transaction<'_, Any>, journal_id: i64, topic_id: i64, t: &TopicFields<'_>) -> Result<bool, AppError> {
    let done =
        sqlx::query("UPDATE ktp_topics SET title = $1, half_hours = $2, lesson_type = $3, homework = $4 WHERE id = $5 AND journal_id = $6")
            .bind(t.title)
            .bind(t.half_hours)
            .bind(t.lesson_type)
            .bind(t.homework)
            .bind(topic_id)
            .bind(journal_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete_topic(tx: &mut Transaction<'_, Any>, journal_id: i64, topic_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM ktp_topics WHERE id = $1 AND journal_id = $2").bind(topic_id).bind(journal_id).execute(&mut **tx).await?;
    Ok(())
}

/// Replaces the whole plan with the imported rows, numbered from 1 in file order.
pub async fn replace_plan(tx: &mut Transaction<'_, Any>, journal_id: i64, rows: &[KtpRow]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM ktp_topics WHERE journal_id = $1").bind(journal_id).execute(&mut **tx).await?;
    for (n, r) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ktp_topics (journal_id, position, title, half_hours, lesson_type, homework) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(journal_id)
        .bind(n as i64 + 1)
        .bind(r.topic.title())
        .bind(i64::from(r.topic.hours().half_hours()))
        .bind(r.lesson_type.code())
        .bind(&r.homework)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
