//! Every SQL statement of stage 1 (OLY-3): the stage's own row, the regions' windows, the
//! variant groups and exams seating makes, the operator's overview of the variants, and closing
//! the stage with its results. `seating`, `sitting` and `window` call these, in their callers'
//! transactions; the server functions check the operator first, and nothing here checks anyone.

use crate::db::Db;
use crate::error::AppError;
use crate::olympiad::model::Variant;
use crate::proctor::settings::ProctorMode;
use sqlx::{Any, Transaction};

// ---- The stage ----

/// A prepared stage: whose bank its papers are drawn from and what a paper is.
pub struct Stage {
    pub owner_id: i64,
    pub questions: i64,
    pub duration_min: i64,
    pub proctor_mode: ProctorMode,
}

/// A stage as stored: its devices are a code, read leniently.
#[derive(sqlx::FromRow)]
struct StoredStage {
    owner_id: i64,
    questions: i64,
    duration_min: i64,
    proctor_mode: String,
}

impl From<StoredStage> for Stage {
    fn from(r: StoredStage) -> Self {
        Stage {
            owner_id: r.owner_id,
            questions: r.questions,
            duration_min: r.duration_min,
            proctor_mode: ProctorMode::from_code(&r.proctor_mode).unwrap_or_default(),
        }
    }
}

/// The campaign's stage; None until it is prepared.
pub async fn stage(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Option<Stage>, AppError> {
    let row = sqlx::query_as::<_, StoredStage>(
        "SELECT owner_id, questions, duration_min, proctor_mode FROM olympiad_stages WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(Stage::from))
}

/// Prepares the campaign's stage, or changes its settings: the first operator to prepare it
/// owns the papers' bank, later runs change the settings only.
pub async fn save_stage(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    operator_id: i64,
    questions: i64,
    duration_min: i64,
    proctor_mode: ProctorMode,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO olympiad_stages (campaign_id, owner_id, questions, duration_min, prepared_at, proctor_mode) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (campaign_id) DO UPDATE SET questions = $3, duration_min = $4, prepared_at = $5, proctor_mode = $6",
    )
    .bind(campaign_id)
    .bind(operator_id)
    .bind(questions)
    .bind(duration_min)
    .bind(now)
    .bind(proctor_mode.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The campaign's participants, in registration order.
pub async fn participants(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM olympiad_participants WHERE campaign_id = $1 ORDER BY id")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// How many variants the campaign's stage has.
pub async fn variant_count(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM olympiad_stage_exams WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// A variant's exam and what its papers are drawn for.
#[derive(sqlx::FromRow)]
pub struct VariantPaper {
    pub exam_id: i64,
    pub grade: i64,
    pub language: String,
}

/// Every variant of the campaign's stage.
pub async fn variant_papers(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<VariantPaper>, AppError> {
    Ok(sqlx::query_as::<_, VariantPaper>("SELECT exam_id, grade, language FROM olympiad_stage_exams WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// A variant's exam follows the stage's new settings (papers not drawn yet draw by them).
pub async fn redraw(
    tx: &mut Transaction<'_, Any>,
    exam_id: i64,
    duration_min: i64,
    draw: &str,
    proctor_mode: ProctorMode,
) -> Result<(), AppError> {
    sqlx::query("UPDATE exams SET duration_min = $1, draw = $2, proctor_mode = $3 WHERE id = $4")
        .bind(duration_min)
        .bind(draw)
        .bind(proctor_mode.code())
        .bind(exam_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- Windows ----

/// A region's window (opens_at, closes_at); None until the operator sets one.
pub async fn window(tx: &mut Transaction<'_, Any>, campaign_id: i64, region_id: i64) -> Result<Option<(i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64)>("SELECT opens_at, closes_at FROM olympiad_stage_windows WHERE campaign_id = $1 AND region_id = $2")
        .bind(campaign_id)
        .bind(region_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Sets (or moves) a region's window.
pub async fn save_window(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO olympiad_stage_windows (campaign_id, region_id, opens_at, closes_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, region_id) DO UPDATE SET opens_at = $3, closes_at = $4",
    )
    .bind(campaign_id)
    .bind(region_id)
    .bind(opens_at)
    .bind(closes_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The region's variant exams follow its window.
pub async fn move_variant_exams(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
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
    Ok(())
}

/// The campaign's participants whose school is in the region, in registration order.
pub async fn participants_of_region(tx: &mut Transaction<'_, Any>, campaign_id: i64, region_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT op.id FROM olympiad_participants op JOIN organisations s ON s.id = op.school_id JOIN organisations d ON d.id = s.parent_id
         WHERE op.campaign_id = $1 AND (CASE WHEN d.kind = 'district' THEN d.parent_id ELSE d.id END) = $2 ORDER BY op.id",
    )
    .bind(campaign_id)
    .bind(region_id)
    .fetch_all(&mut **tx)
    .await?)
}

// ---- Seating ----

/// Takes a participant out of the campaign's variant groups (their grade or language changed).
pub async fn leave_variant_groups(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM role_assignments WHERE user_id = $1 AND role = 'olympiad_participant'
           AND org_id IN (SELECT group_id FROM olympiad_stage_exams WHERE campaign_id = $2)",
    )
    .bind(user_id)
    .bind(campaign_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A user's registration in the campaign (it must exist).
pub async fn participant_id(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM olympiad_participants WHERE campaign_id = $1 AND user_id = $2")
        .bind(campaign_id)
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// Takes a user out of every variant group whose paper they have not started.
pub async fn leave_unstarted_groups(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM role_assignments WHERE user_id = $1 AND role = 'olympiad_participant'
           AND org_id IN (SELECT group_id FROM olympiad_stage_exams)
           AND NOT EXISTS (SELECT 1 FROM exam_attempts a JOIN olympiad_stage_exams se ON se.exam_id = a.exam_id
                           WHERE a.student_id = $1 AND se.group_id = role_assignments.org_id)",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A user's registrations (campaign, participant), oldest first.
pub async fn registrations(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64)>("SELECT campaign_id, id FROM olympiad_participants WHERE user_id = $1 ORDER BY id")
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// A participant as seating needs them, with their campaign's title.
#[derive(sqlx::FromRow)]
pub struct ParticipantToSeat {
    pub campaign_id: i64,
    pub user_id: i64,
    pub school_id: i64,
    pub grade: i64,
    pub language: String,
    pub title: String,
}

/// A participant to seat (it must exist).
pub async fn participant_to_seat(tx: &mut Transaction<'_, Any>, participant_id: i64) -> Result<ParticipantToSeat, AppError> {
    Ok(sqlx::query_as::<_, ParticipantToSeat>(
        "SELECT op.campaign_id, op.user_id, op.school_id, op.grade, op.language, c.title
         FROM olympiad_participants op JOIN olympiad_campaigns c ON c.id = op.campaign_id WHERE op.id = $1",
    )
    .bind(participant_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// The region of a school: its district's parent, or its parent when that is the region.
const SCHOOL_REGION: &str = "SELECT CASE WHEN d.kind = 'district' THEN d.parent_id ELSE d.id END
     FROM organisations s JOIN organisations d ON d.id = s.parent_id WHERE s.id = $1";

/// The region of a school; None when the school has none.
pub async fn region_of_school(tx: &mut Transaction<'_, Any>, school_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar::<_, Option<i64>>(SCHOOL_REGION).bind(school_id).fetch_optional(&mut **tx).await?.flatten())
}

/// The organisation of this name under the region (a variant group), if there is one.
pub async fn group_named(tx: &mut Transaction<'_, Any>, region_id: i64, name: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM organisations WHERE parent_id = $1 AND name = $2")
        .bind(region_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Makes a variant group under the region; returns its id.
pub async fn add_group(tx: &mut Transaction<'_, Any>, region_id: i64, name: &str, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, 'group', $2, $3) RETURNING id")
        .bind(region_id)
        .bind(name)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
}

/// The campaign's subjects in their order.
pub async fn subjects(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM olympiad_subjects WHERE campaign_id = $1 ORDER BY position")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// True when the variant (subject × region × grade × language) has its exam already.
pub async fn has_variant(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    subject: &str,
    region_id: i64,
    grade: i64,
    language: &str,
) -> Result<bool, AppError> {
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM olympiad_stage_exams WHERE campaign_id = $1 AND subject = $2 AND region_id = $3 AND grade = $4 AND language = $5",
    )
    .bind(campaign_id)
    .bind(subject)
    .bind(region_id)
    .bind(grade)
    .bind(language)
    .fetch_one(&mut **tx)
    .await?;
    Ok(exists > 0)
}

/// A variant's exam as seating makes it: a journal of the variant's group for the subject, its
/// proctored test-form exam in the region's window, and the exam's place in the stage.
pub struct NewVariant<'a> {
    pub campaign_id: i64,
    pub subject: &'a str,
    pub region_id: i64,
    pub grade: i64,
    pub language: &'a str,
    pub group_id: i64,
    /// The operator whose bank the papers are drawn from: the journal's teacher and the exam's
    /// author.
    pub owner_id: i64,
    /// The journal's semester: the window's first and last days.
    pub semester_start: &'a str,
    pub semester_end: &'a str,
    pub journal_title: &'a str,
    pub exam_title: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_min: i64,
    pub draw: &'a str,
    pub proctor_mode: ProctorMode,
    pub now: i64,
}

/// Makes a variant: its journal, its exam and its row of the stage.
pub async fn add_variant(tx: &mut Transaction<'_, Any>, v: &NewVariant<'_>) -> Result<(), AppError> {
    let journal_id: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'hundred', $6, $3, $7) RETURNING id",
    )
    .bind(v.group_id)
    .bind(v.subject)
    .bind(v.owner_id)
    .bind(v.semester_start)
    .bind(v.semester_end)
    .bind(v.journal_title)
    .bind(v.now)
    .fetch_one(&mut **tx)
    .await?;
    let exam_id: i64 = sqlx::query_scalar(
        "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, draw, proctored, created_by, created_at, proctor_mode)
         VALUES ($1, $2, 'test', $3, $4, $5, $6, 1, $7, $8, $9) RETURNING id",
    )
    .bind(journal_id)
    .bind(v.exam_title)
    .bind(v.opens_at)
    .bind(v.closes_at)
    .bind(v.duration_min)
    .bind(v.draw)
    .bind(v.owner_id)
    .bind(v.now)
    .bind(v.proctor_mode.code())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO olympiad_stage_exams (exam_id, campaign_id, subject, region_id, grade, language, group_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(exam_id)
    .bind(v.campaign_id)
    .bind(v.subject)
    .bind(v.region_id)
    .bind(v.grade)
    .bind(v.language)
    .bind(v.group_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- The operator's overview ----

/// A prepared stage's settings with its owner's name; `proctor_mode` is a code.
#[derive(sqlx::FromRow)]
pub struct SetupRow {
    pub questions: i64,
    pub duration_min: i64,
    pub proctor_mode: String,
    pub collected_at: Option<i64>,
    pub full_name: String,
}

/// The campaign's stage settings; None until it is prepared.
pub async fn setup(db: &Db, campaign_id: i64) -> Result<Option<SetupRow>, AppError> {
    Ok(sqlx::query_as::<_, SetupRow>(
        "SELECT s.questions, s.duration_min, s.proctor_mode, s.collected_at, u.full_name FROM olympiad_stages s JOIN users u ON u.id = s.owner_id WHERE s.campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The campaign's variants by region, grade, language and subject.
/// `needed` is left 0: the caller knows the paper's size.
pub async fn variants(db: &Db, campaign_id: i64) -> Result<Vec<Variant>, AppError> {
    Ok(sqlx::query_as::<_, Variant>(
        "SELECT x.exam_id, x.subject, x.grade, x.language, rg.name AS region, e.opens_at, e.closes_at,
            (SELECT COUNT(*) FROM role_assignments ra WHERE ra.org_id = x.group_id AND ra.role = 'olympiad_participant') AS candidates,
            (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = x.exam_id) AS started,
            (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = x.exam_id AND a.submitted_at IS NOT NULL) AS finished,
            (SELECT COUNT(*) FROM exam_questions q WHERE q.owner_id = s.owner_id AND q.subject = x.subject AND q.archived = 0
                AND q.topic = x.grade || '-' || x.language) AS in_bank
         FROM olympiad_stage_exams x JOIN exams e ON e.id = x.exam_id JOIN organisations rg ON rg.id = x.region_id
         JOIN olympiad_stages s ON s.campaign_id = x.campaign_id
         WHERE x.campaign_id = $1 ORDER BY rg.name, x.grade, x.language, x.subject",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}

/// How many of the campaign's participants are not seated.
pub async fn unseated(db: &Db, campaign_id: i64) -> Result<i64, AppError> {
    // A participant is seated when they hold the role on a group of the campaign's variants.
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM olympiad_participants op WHERE op.campaign_id = $1 AND NOT EXISTS (
            SELECT 1 FROM role_assignments ra JOIN olympiad_stage_exams x ON x.group_id = ra.org_id
            WHERE x.campaign_id = op.campaign_id AND ra.user_id = op.user_id AND ra.role = 'olympiad_participant')",
    )
    .bind(campaign_id)
    .fetch_one(&db.pool)
    .await?)
}

// ---- Closing and results ----

/// The exams of the campaign's variants in one region, or in all of them (None).
pub async fn variant_exams(db: &Db, campaign_id: i64, region: Option<i64>) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT exam_id FROM olympiad_stage_exams WHERE campaign_id = $1 AND ($2 = 0 OR region_id = $2)")
        .bind(campaign_id)
        .bind(region.unwrap_or(0))
        .fetch_all(&db.pool)
        .await?)
}

/// Closes the exams and the windows (one region's, or all: None) at `now` where they close later.
pub async fn close_windows(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region: Option<i64>,
    exams: &[i64],
    now: i64,
) -> Result<(), AppError> {
    for exam in exams {
        sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2 AND closes_at > $1").bind(now).bind(exam).execute(&mut **tx).await?;
    }
    sqlx::query(
        "UPDATE olympiad_stage_windows SET closes_at = $1 WHERE campaign_id = $2 AND ($3 = 0 OR region_id = $3) AND closes_at > $1",
    )
    .bind(now)
    .bind(campaign_id)
    .bind(region.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The exam's attempts not handed in.
pub async fn open_attempts(db: &Db, exam_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM exam_attempts WHERE exam_id = $1 AND submitted_at IS NULL")
        .bind(exam_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The exam's attempts handed in and scored.
pub async fn finished_attempts(tx: &mut Transaction<'_, Any>, exam_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM exam_attempts WHERE exam_id = $1 AND submitted_at IS NOT NULL AND score_milli IS NOT NULL")
        .bind(exam_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// Marks the stage's results collected at `now`.
pub async fn mark_collected(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_stages SET collected_at = $1 WHERE campaign_id = $2")
        .bind(now)
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A stage attempt with what its result is made of: the score (thousandths), the times, the
/// verdict, the violations not dismissed, and the source of the result already stored, if any.
#[derive(sqlx::FromRow)]
pub struct AttemptResult {
    pub campaign_id: i64,
    pub subject: String,
    pub participant_id: i64,
    pub score_milli: Option<i64>,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub verdict: String,
    pub violations: i64,
    pub source: Option<String>,
}

/// The attempt as a stage result; None when it is not an olympiad participant's stage attempt.
pub async fn attempt_result(tx: &mut Transaction<'_, Any>, attempt_id: i64) -> Result<Option<AttemptResult>, AppError> {
    Ok(sqlx::query_as::<_, AttemptResult>(
        "SELECT x.campaign_id, x.subject, op.id AS participant_id, a.score_milli, a.started_at, a.submitted_at, a.verdict,
            (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status <> 'dismissed') AS violations,
            (SELECT r.source FROM olympiad_results r WHERE r.participant_id = op.id AND r.subject = x.subject) AS source
         FROM exam_attempts a JOIN olympiad_stage_exams x ON x.exam_id = a.exam_id
         JOIN olympiad_participants op ON op.campaign_id = x.campaign_id AND op.user_id = a.student_id
         WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Annuls (or restores) a result the operator corrected by import, when it is not so already.
pub async fn annul_correction(
    tx: &mut Transaction<'_, Any>,
    participant_id: i64,
    subject: &str,
    annulled: bool,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_results SET annulled = $1, updated_at = $2 WHERE participant_id = $3 AND subject = $4 AND annulled <> $1")
        .bind(i64::from(annulled))
        .bind(now)
        .bind(participant_id)
        .bind(subject)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes the attempt's result (source `stage1`): its score in hundredths, its time used.
pub async fn save_result(
    tx: &mut Transaction<'_, Any>,
    attempt: &AttemptResult,
    score: i64,
    time_used_ms: i64,
    annulled: bool,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO olympiad_results (campaign_id, participant_id, subject, score, violations, time_used_ms, annulled, source, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'stage1', $8)
         ON CONFLICT (participant_id, subject) DO UPDATE SET score = $4, violations = $5, time_used_ms = $6, annulled = $7,
            source = 'stage1', updated_at = $8",
    )
    .bind(attempt.campaign_id)
    .bind(attempt.participant_id)
    .bind(&attempt.subject)
    .bind(score)
    .bind(attempt.violations)
    .bind(time_used_ms)
    .bind(i64::from(annulled))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The campaign of an attempt's stage result; None when the attempt has no result yet.
pub async fn campaign_of_result(tx: &mut Transaction<'_, Any>, attempt_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT x.campaign_id FROM exam_attempts a JOIN olympiad_stage_exams x ON x.exam_id = a.exam_id
         JOIN olympiad_participants op ON op.campaign_id = x.campaign_id AND op.user_id = a.student_id
         JOIN olympiad_results r ON r.participant_id = op.id AND r.subject = x.subject
         WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&mut **tx)
    .await?)
}
