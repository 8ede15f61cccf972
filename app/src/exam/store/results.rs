//! The exam's results for its teacher and the readers of its journal: every candidate's
//! attempts with the grade they make by the exam's method, and the item analysis of the submitted ones. `results` checks the caller's access to
//! the exam's journal before it reads any attempt.

use super::{exam_summary, questions_of};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::exam::dto::*;
use crate::exam::model;

/// A candidate's attempt as the results table lists it.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: i64,
    student_id: i64,
    attempt_no: i64,
    full_name: String,
    started_at: i64,
    submitted_at: Option<i64>,
    score_milli: Option<i64>,
    max_points: Option<i64>,
    mark: Option<String>,
    risk: i64,
    verdict: String,
    needs_grading: i64,
    violations: i64,
}

/// The exam's results for its teacher or a reader of its journal.
pub async fn results(db: &Db, caller: &Caller, exam_id: i64) -> Result<ExamResultsData, AppError> {
    let exam = exam_summary(db, exam_id).await?;
    crate::journal::store::access(db, caller, exam.journal_id).await?;
    let rows = sqlx::query_as::<_, CandidateRow>(
        "SELECT a.id, a.student_id, a.attempt_no, u.full_name, a.started_at, a.submitted_at, a.score_milli, a.max_points, a.mark, a.risk, a.verdict, a.needs_grading,
                (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status <> 'dismissed') AS violations
         FROM exam_attempts a JOIN users u ON u.id = a.student_id WHERE a.exam_id = $1 ORDER BY u.full_name, a.student_id, a.attempt_no",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    // Each candidate's grade by the exam's method, from their attempts listed here.
    let mut attempts: std::collections::HashMap<i64, Vec<crate::exam::attempts::Graded>> = Default::default();
    for r in &rows {
        attempts.entry(r.student_id).or_default().push(crate::exam::attempts::Graded {
            attempt_no: r.attempt_no,
            submitted: r.submitted_at.is_some(),
            annulled: r.verdict == "annulled",
            needs_grading: r.needs_grading != 0,
            mark: r.mark.as_deref().and_then(|m| m.parse().ok()),
        });
    }
    let candidates: Vec<CandidateResult> = rows
        .into_iter()
        .map(|r| {
            let score = r.score_milli.map(|m| m as f64 / 1000.0);
            CandidateResult {
                attempt_id: r.id,
                student_id: r.student_id,
                attempt_no: r.attempt_no,
                grade: crate::exam::attempts::grade(exam.grading_method, attempts.get(&r.student_id).map_or(&[][..], Vec::as_slice)),
                student_name: r.full_name,
                started_at: r.started_at,
                submitted_at: r.submitted_at,
                score,
                max_points: r.max_points,
                percent: match (score, r.max_points) {
                    (Some(s), Some(m)) if m > 0 => Some(crate::journal::model::round2(s * 100.0 / m as f64)),
                    _ => None,
                },
                mark: r.mark,
                risk: r.risk,
                violations: r.violations,
                verdict: r.verdict,
                needs_grading: r.needs_grading != 0,
            }
        })
        .collect();
    // Item analysis over submitted attempts: each question's points against the candidates' totals.
    let answers = sqlx::query_as::<_, (i64, i64, Option<i64>)>(
        "SELECT x.attempt_id, x.question_id, x.points_milli FROM exam_answers x JOIN exam_attempts a ON a.id = x.attempt_id
         WHERE a.exam_id = $1 AND a.submitted_at IS NOT NULL",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    let mut by_question: std::collections::BTreeMap<i64, Vec<(i64, f64)>> = Default::default();
    for (attempt_id, question_id, milli) in answers {
        by_question.entry(question_id).or_default().push((attempt_id, milli.unwrap_or(0) as f64 / 1000.0));
    }
    let totals: std::collections::HashMap<i64, f64> = candidates.iter().filter_map(|c| c.score.map(|s| (c.attempt_id, s))).collect();
    let bank = questions_of(db, &by_question.keys().copied().collect::<Vec<_>>()).await?;
    let mut items = Vec::new();
    for (qid, list) in by_question {
        let Some(q) = bank.get(&qid) else { continue };
        // Unanswered counts as 0 for every candidate who submitted and drew the question.
        let scores: Vec<f64> = list.iter().map(|(_, s)| *s).collect();
        let total: Vec<f64> = list.iter().map(|(a, _)| totals.get(a).copied().unwrap_or(0.0)).collect();
        items.push(ItemStats {
            question_id: qid,
            topic: q.topic.clone(),
            text: q.text.chars().take(120).collect(),
            answered: list.len(),
            facility: model::facility(&scores, f64::from(q.points)).map(crate::journal::model::round2),
            discrimination: model::discrimination(&scores, &total).map(crate::journal::model::round2),
        });
    }
    Ok(ExamResultsData { exam, candidates, items })
}
