//! What a regrade reads and writes (`exam::regrade` decides what changes): the exam's attempts,
//! the versions their papers drew and their families' latest versions, the answers of the
//! attempts that change; then each changed attempt, written only if it is still as read, and
//! its answers moved to the latest versions. `exam::regrade_api::ssr` checks the caller first.

use crate::error::AppError;
use crate::exam::model::Question;
use crate::exam::regrade::{Rescore, Sat, Saved, Version};
use sqlx::{Any, AnyConnection, Transaction};
use std::collections::HashMap;

/// An attempt as the regrade reads it.
#[derive(sqlx::FromRow)]
struct SatRow {
    id: i64,
    student_id: i64,
    full_name: String,
    attempt_no: i64,
    submitted_at: Option<i64>,
    verdict: String,
    needs_grading: i64,
    questions: String,
    score_milli: Option<i64>,
    max_points: Option<i64>,
    mark: Option<String>,
}

/// A version of a question as stored.
#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    family_id: i64,
    version: i64,
    body: String,
}

impl TryFrom<VersionRow> for Version {
    type Error = AppError;
    fn try_from(r: VersionRow) -> Result<Version, AppError> {
        let question: Question = serde_json::from_str(&r.body).map_err(|_| AppError::Internal)?;
        Ok(Version { id: r.id, family_id: r.family_id, version: r.version, question })
    }
}

/// The exam's attempts as stored (each with the paper as its text, for the write's check), the
/// versions they drew and the latest version of each of those families, and the candidates'
/// names.
pub struct Stored {
    pub attempts: Vec<Sat>,
    /// Each attempt's `questions` column as read.
    pub papers: HashMap<i64, String>,
    pub drawn: HashMap<i64, Version>,
    pub latest: HashMap<i64, Version>,
    pub names: HashMap<i64, String>,
}

/// Rows per IN list (well under SQLite's 32 766 parameters).
const CHUNK: usize = 1_000;

async fn versions(conn: &mut AnyConnection, sql: &str, ids: &[i64]) -> Result<Vec<Version>, AppError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = crate::db::batch::statement(&*conn, sql.replace("{IN}", &crate::db::batch::placeholders(1, chunk.len())));
        let mut q = sqlx::query_as::<_, VersionRow>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push(r.try_into()?);
        }
    }
    Ok(out)
}

/// Everything a regrade plan reads of the exam (answers come with `answers_of`).
pub async fn read(conn: &mut AnyConnection, exam_id: i64) -> Result<Stored, AppError> {
    let rows = sqlx::query_as::<_, SatRow>(
        "SELECT a.id, a.student_id, u.full_name, a.attempt_no, a.submitted_at, a.verdict, a.needs_grading, a.questions, a.score_milli,
                a.max_points, a.mark
         FROM exam_attempts a JOIN users u ON u.id = a.student_id WHERE a.exam_id = $1 ORDER BY u.full_name, a.student_id, a.attempt_no",
    )
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut attempts = Vec::with_capacity(rows.len());
    let mut papers = HashMap::new();
    let mut names = HashMap::new();
    for r in rows {
        names.insert(r.student_id, r.full_name);
        attempts.push(Sat {
            id: r.id,
            student_id: r.student_id,
            attempt_no: r.attempt_no,
            submitted: r.submitted_at.is_some(),
            annulled: r.verdict == "annulled",
            needs_grading: r.needs_grading != 0,
            paper: serde_json::from_str(&r.questions).unwrap_or_default(),
            score_milli: r.score_milli,
            max_points: r.max_points,
            mark: r.mark,
            answers: HashMap::new(),
        });
        papers.insert(r.id, r.questions);
    }
    let mut ids: Vec<i64> = attempts.iter().flat_map(|a| a.paper.iter().map(|p| p.0)).collect();
    ids.sort_unstable();
    ids.dedup();
    let drawn: HashMap<i64, Version> = versions(conn, "SELECT id, family_id, version, body FROM exam_questions WHERE id IN ({IN})", &ids)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    // A row written around `insert_question` (family 0) has no other versions.
    let mut families: Vec<i64> = drawn.values().map(|v| v.family_id).filter(|f| *f != 0).collect();
    families.sort_unstable();
    families.dedup();
    let latest = versions(
        conn,
        "SELECT id, family_id, version, body FROM exam_questions q WHERE family_id IN ({IN})
         AND version = (SELECT MAX(f.version) FROM exam_questions f WHERE f.family_id = q.family_id)",
        &families,
    )
    .await?
    .into_iter()
    .map(|v| (v.family_id, v))
    .collect();
    Ok(Stored { attempts, papers, drawn, latest, names })
}

/// Fills in the saved answers of these attempts.
pub async fn answers_of(conn: &mut AnyConnection, attempts: &mut [Sat], ids: &[i64]) -> Result<(), AppError> {
    let mut by_attempt: HashMap<i64, HashMap<i64, Saved>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = crate::db::batch::statement(
            &*conn,
            format!(
                "SELECT attempt_id, question_id, answer, points_milli FROM exam_answers WHERE attempt_id IN ({})",
                crate::db::batch::placeholders(1, chunk.len())
            ),
        );
        let mut q = sqlx::query_as::<_, (i64, i64, String, Option<i64>)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for (attempt, question, raw, points_milli) in q.fetch_all(&mut *conn).await? {
            by_attempt.entry(attempt).or_default().insert(question, Saved { raw, points_milli });
        }
    }
    for a in attempts {
        if let Some(answers) = by_attempt.remove(&a.id) {
            a.answers = answers;
        }
    }
    Ok(())
}

/// Writes the rescored attempts that are still as they were read (`papers`, `before`: paper,
/// score, mark, waiting for grading), and moves their answers; returns the attempts written.
/// Another regrade, a grade or an appeal in between leaves its attempt to the next regrade.
pub async fn write(
    tx: &mut Transaction<'_, Any>,
    rescores: &[Rescore],
    papers: &HashMap<i64, String>,
    waiting: &HashMap<i64, bool>,
) -> Result<std::collections::HashSet<i64>, AppError> {
    let mut written = std::collections::HashSet::new();
    for chunk in rescores.chunks(CHUNK) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "UPDATE exam_attempts SET questions = v.column2, score_milli = v.column3, max_points = v.column4, mark = v.column5
                 FROM (VALUES {}) AS v
                 WHERE exam_attempts.id = v.column1 AND exam_attempts.submitted_at IS NOT NULL AND exam_attempts.questions = v.column6
                   AND COALESCE(exam_attempts.score_milli, -1) = v.column7 AND COALESCE(exam_attempts.mark, '') = v.column8
                   AND exam_attempts.needs_grading = v.column9
                 RETURNING exam_attempts.id",
                crate::db::batch::values_list(chunk.len(), 9)
            ),
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for r in chunk {
            let paper = serde_json::to_string(&r.paper).map_err(|_| AppError::Internal)?;
            let read = papers.get(&r.attempt_id).ok_or(AppError::Internal)?;
            q = q
                .bind(r.attempt_id)
                .bind(paper)
                .bind(r.score_milli.1)
                .bind(r.max_points.1)
                .bind(r.mark.1.clone())
                .bind(read.clone())
                .bind(r.score_milli.0)
                .bind(r.mark.0.clone().unwrap_or_default())
                .bind(i64::from(waiting.get(&r.attempt_id).copied().unwrap_or(false)));
        }
        written.extend(q.fetch_all(&mut **tx).await?);
    }
    // The answers of the attempts written, moved to the versions their papers now name.
    let moved: Vec<(i64, &crate::exam::regrade::Moved)> =
        rescores.iter().filter(|r| written.contains(&r.attempt_id)).flat_map(|r| r.moved.iter().map(move |m| (r.attempt_id, m))).collect();
    for chunk in moved.chunks(CHUNK) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "UPDATE exam_answers SET question_id = v.column3, answer = v.column4, points_milli = v.column5 FROM (VALUES {}) AS v
                 WHERE exam_answers.attempt_id = v.column1 AND exam_answers.question_id = v.column2",
                crate::db::batch::values_list(chunk.len(), 5)
            ),
        );
        let mut q = sqlx::query(&sql);
        for (attempt, m) in chunk {
            q = q.bind(*attempt).bind(m.from).bind(m.to).bind(m.answer.clone()).bind(m.points_milli);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(written)
}
