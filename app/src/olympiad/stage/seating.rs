//! Seating olympiad participants in their stage's variants (OLY-3): the group of their region,
//! grade and language (an organisation under the region, where they hold the
//! `olympiad_participant` role) and one exam per subject in the region's window, made as needed.
//! A participant is seated when the stage is prepared, when they register after that, when their
//! region's window is set, when their grade or language is corrected, and when they give their
//! consent to olympiad participation again; withdrawing it unseats them.
//!
//! Apart from `sitting.rs` (which prepares and closes stages on the exam engine) so that the
//! consent's endpoints can seat and unseat without depending on the exam pages.

use crate::error::AppError;
use crate::proctor::settings::ProctorMode;
use sqlx::{Any, Row, Transaction};

/// The bank topic a variant draws from ("7-kk": each grade and language has its own questions).
pub fn topic(grade: i64, language: &str) -> String {
    format!("{grade}-{language}")
}

/// The region of a school: its district's parent, or its parent when that is the region.
const SCHOOL_REGION: &str = "SELECT CASE WHEN d.kind = 'district' THEN d.parent_id ELSE d.id END
     FROM organisations s JOIN organisations d ON d.id = s.parent_id WHERE s.id = $1";

pub(super) struct Stage {
    pub owner_id: i64,
    pub questions: i64,
    pub duration_min: i64,
    pub proctor_mode: ProctorMode,
}

pub(super) async fn stage(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Option<Stage>, AppError> {
    let row = sqlx::query("SELECT owner_id, questions, duration_min, proctor_mode FROM olympiad_stages WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        Ok(Stage {
            owner_id: r.try_get("owner_id")?,
            questions: r.try_get("questions")?,
            duration_min: r.try_get("duration_min")?,
            proctor_mode: ProctorMode::from_code(&r.try_get::<String, _>("proctor_mode")?).unwrap_or_default(),
        })
    })
    .transpose()
}

/// Seats a participant registered after the stage was prepared (nothing before that).
pub async fn seat_if_prepared(tx: &mut Transaction<'_, Any>, campaign_id: i64, participant_id: i64, now: i64) -> Result<(), AppError> {
    if let Some(stage) = stage(tx, campaign_id).await? {
        seat_with(tx, &stage, participant_id, now).await?;
    }
    Ok(())
}

/// Moves a participant whose grade or language was corrected (before they started a paper)
/// out of their old variant group and, once the stage is prepared, into the new one.
pub async fn reseat(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM role_assignments WHERE user_id = $1 AND role = 'olympiad_participant'
           AND org_id IN (SELECT group_id FROM olympiad_stage_exams WHERE campaign_id = $2)",
    )
    .bind(user_id)
    .bind(campaign_id)
    .execute(&mut **tx)
    .await?;
    let participant: i64 = sqlx::query_scalar("SELECT id FROM olympiad_participants WHERE campaign_id = $1 AND user_id = $2")
        .bind(campaign_id)
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    seat_if_prepared(tx, campaign_id, participant, now).await
}

/// Follows a participant's consent to olympiad participation (issue 21). Withdrawn: they
/// leave every variant group whose paper they have not started, so no stage paper can be
/// started (the start checks the group); what they started stays, with its result. Given
/// again: seated as at registration in every campaign they are registered in.
pub async fn follow_consent(tx: &mut Transaction<'_, Any>, user_id: i64, open: bool, now: i64) -> Result<(), AppError> {
    if !open {
        sqlx::query(
            "DELETE FROM role_assignments WHERE user_id = $1 AND role = 'olympiad_participant'
               AND org_id IN (SELECT group_id FROM olympiad_stage_exams)
               AND NOT EXISTS (SELECT 1 FROM exam_attempts a JOIN olympiad_stage_exams se ON se.exam_id = a.exam_id
                               WHERE a.student_id = $1 AND se.group_id = role_assignments.org_id)",
        )
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    let registrations: Vec<(i64, i64)> = sqlx::query_as("SELECT campaign_id, id FROM olympiad_participants WHERE user_id = $1 ORDER BY id")
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?;
    for (campaign_id, participant_id) in registrations {
        seat_if_prepared(tx, campaign_id, participant_id, now).await?;
    }
    Ok(())
}

/// What seating a participant came to.
pub(super) enum Seat {
    Seated,
    /// Their region has no window yet (the operator's panel counts them).
    NoWindow,
    /// They withdrew their consent to olympiad participation.
    Withdrawn,
}

/// Puts a participant into their variant group, creating the group and its exams as needed.
pub(super) async fn seat_with(tx: &mut Transaction<'_, Any>, stage: &Stage, participant_id: i64, now: i64) -> Result<Seat, AppError> {
    let p = sqlx::query(
        "SELECT op.campaign_id, op.user_id, op.school_id, op.grade, op.language, c.title
         FROM olympiad_participants op JOIN olympiad_campaigns c ON c.id = op.campaign_id WHERE op.id = $1",
    )
    .bind(participant_id)
    .fetch_one(&mut **tx)
    .await?;
    let campaign_id: i64 = p.try_get("campaign_id")?;
    let grade: i64 = p.try_get("grade")?;
    let language: String = p.try_get("language")?;
    let title: String = p.try_get("title")?;
    let school_id: i64 = p.try_get("school_id")?;
    let user_id: i64 = p.try_get("user_id")?;
    if crate::consent::store::withdrew(tx, user_id, crate::consent::model::Purpose::Olympiad).await? {
        return Ok(Seat::Withdrawn);
    }
    let Some(region_id) = sqlx::query_scalar::<_, Option<i64>>(SCHOOL_REGION).bind(school_id).fetch_optional(&mut **tx).await?.flatten()
    else {
        return Ok(Seat::NoWindow);
    };
    let Some(window) = sqlx::query("SELECT opens_at, closes_at FROM olympiad_stage_windows WHERE campaign_id = $1 AND region_id = $2")
        .bind(campaign_id)
        .bind(region_id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(Seat::NoWindow);
    };
    let (opens_at, closes_at): (i64, i64) = (window.try_get("opens_at")?, window.try_get("closes_at")?);
    let group_name = format!("{title} · {grade} · {language}");
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE parent_id = $1 AND name = $2")
        .bind(region_id)
        .bind(&group_name)
        .fetch_optional(&mut **tx)
        .await?;
    let group_id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, 'group', $2, $3) RETURNING id")
                .bind(region_id)
                .bind(&group_name)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?
        }
    };
    crate::auth::store::grant(tx, user_id, crate::auth::model::Role::OlympiadParticipant, group_id).await?;
    let subjects: Vec<String> = sqlx::query_scalar("SELECT name FROM olympiad_subjects WHERE campaign_id = $1 ORDER BY position")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?;
    for subject in subjects {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM olympiad_stage_exams WHERE campaign_id = $1 AND subject = $2 AND region_id = $3 AND grade = $4 AND language = $5",
        )
        .bind(campaign_id)
        .bind(&subject)
        .bind(region_id)
        .bind(grade)
        .bind(&language)
        .fetch_one(&mut **tx)
        .await?;
        if exists > 0 {
            continue;
        }
        let day = |ms: i64| crate::ui::time::format_local_input(ms).chars().take(10).collect::<String>();
        let journal_id: i64 = sqlx::query_scalar(
            "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, 'hundred', $6, $3, $7) RETURNING id",
        )
        .bind(group_id)
        .bind(&subject)
        .bind(stage.owner_id)
        .bind(day(opens_at))
        .bind(day(closes_at))
        .bind(format!("{subject} · {group_name}"))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let draw = serde_json::json!([[topic(grade, &language), stage.questions]]).to_string();
        let exam_id: i64 = sqlx::query_scalar(
            "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, draw, proctored, created_by, created_at, proctor_mode)
             VALUES ($1, $2, 'test', $3, $4, $5, $6, 1, $7, $8, $9) RETURNING id",
        )
        .bind(journal_id)
        .bind(format!("{title}: {subject}"))
        .bind(opens_at)
        .bind(closes_at)
        .bind(stage.duration_min)
        .bind(draw)
        .bind(stage.owner_id)
        .bind(now)
        .bind(stage.proctor_mode.code())
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO olympiad_stage_exams (exam_id, campaign_id, subject, region_id, grade, language, group_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(exam_id)
        .bind(campaign_id)
        .bind(&subject)
        .bind(region_id)
        .bind(grade)
        .bind(&language)
        .bind(group_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Seat::Seated)
}

/// A region's new window reaches its variants' exams, and the region's participants not
/// seated yet (no window before) are seated (called where the window is set).
pub async fn follow_window(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE exams SET opens_at = $1, closes_at = $2
         WHERE id IN (SELECT exam_id FROM olympiad_stage_exams WHERE campaign_id = $3 AND region_id = $4)",
    )
    .bind(opens_at)
    .bind(closes_at)
    .bind(campaign_id)
    .bind(region_id)
    .execute(&mut **tx)
    .await?;
    let Some(stage) = stage(tx, campaign_id).await? else { return Ok(()) };
    let participants: Vec<i64> = sqlx::query_scalar(
        "SELECT op.id FROM olympiad_participants op JOIN organisations s ON s.id = op.school_id JOIN organisations d ON d.id = s.parent_id
         WHERE op.campaign_id = $1 AND (CASE WHEN d.kind = 'district' THEN d.parent_id ELSE d.id END) = $2 ORDER BY op.id",
    )
    .bind(campaign_id)
    .bind(region_id)
    .fetch_all(&mut **tx)
    .await?;
    for id in participants {
        seat_with(tx, &stage, id, now).await?;
    }
    Ok(())
}
