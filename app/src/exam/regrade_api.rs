//! The regrade's server functions (see `exam::regrade` for what a regrade does and why): the
//! preview and the apply, for the exam's teacher only. Apart from the rules so that the store
//! (`store::regrade`), which reads and writes the rules' types, is not imported by them.

use crate::error::AppError;
use crate::exam::regrade::*;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use std::collections::HashMap;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::exam::attempts::Grade;
    use crate::exam::store::{self, regrade as stored};
    use crate::journal::model::Scale;

    /// The exam and its journal, once the caller is the exam's teacher (as `exam::manage`
    /// checks it): another user gets Forbidden, an unknown exam NotFound.
    async fn owned(db: &Db, caller: &Caller, exam_id: i64) -> Result<(store::ExamRow, crate::journal::store::JournalRow), AppError> {
        let e = store::exam_row(db, exam_id).await?;
        let j = crate::journal::store::editable(db, caller, e.journal_id).await?;
        Ok((e, j))
    }

    /// The exam as stored and what a regrade would change, read on `conn`.
    async fn planned(conn: &mut sqlx::AnyConnection, exam_id: i64, scale: Scale) -> Result<(stored::Stored, Plan), AppError> {
        let mut s = stored::read(conn, exam_id).await?;
        let ids = to_rescore(&s.attempts, &s.drawn, &s.latest);
        stored::answers_of(conn, &mut s.attempts, &ids).await?;
        let p = plan(&s.attempts, &s.drawn, &s.latest, scale);
        Ok((s, p))
    }

    pub async fn preview(db: &Db, caller: &Caller, exam_id: i64) -> Result<RegradePreview, AppError> {
        let (e, j) = owned(db, caller, exam_id).await?;
        let mut conn = db.pool.acquire().await?;
        let (s, p) = planned(&mut conn, exam_id, j.scale).await?;
        let grades = grades(&s.attempts, &p.rescores, e.grading_method);
        let rescored: HashMap<i64, &Rescore> = p.rescores.iter().map(|r| (r.attempt_id, r)).collect();
        // In the order read: by name, then attempt.
        let mut candidates: Vec<(i64, RegradeCandidate)> = Vec::new();
        for a in &s.attempts {
            let Some(r) = rescored.get(&a.id) else { continue };
            if candidates.last().is_none_or(|(student, _)| *student != a.student_id) {
                let name = s.names.get(&a.student_id).cloned().unwrap_or_default();
                let grade = grades.get(&a.student_id).copied().unwrap_or_default();
                candidates.push((a.student_id, RegradeCandidate { name, attempts: Vec::new(), grade }));
            }
            let milli = |m: i64| m as f64 / 1000.0;
            candidates.last_mut().expect("just pushed").1.attempts.push(RegradeAttempt {
                attempt_no: a.attempt_no,
                score: (milli(r.score_milli.0), milli(r.score_milli.1)),
                max_points: r.max_points,
                mark: r.mark.clone(),
                mark_kept: r.mark_kept,
                annulled: a.annulled,
            });
        }
        Ok(RegradePreview {
            questions: p
                .questions
                .iter()
                .map(|c| RegradeQuestion {
                    text: c.text.clone(),
                    from_version: c.from_version,
                    to_version: c.to_version,
                    attempts: c.attempts,
                    running: c.running,
                    problem: c.problem.map(Mismatch::msg),
                })
                .collect(),
            candidates: candidates.into_iter().map(|c| c.1).collect(),
            attempts: p.rescores.len(),
        })
    }

    /// Regrades the exam (see the module's notes) in one transaction; a second call finds
    /// nothing left and writes nothing.
    pub async fn apply(db: &Db, caller: &Caller, exam_id: i64, now: i64) -> Result<RegradeOutcome, AppError> {
        let (e, j) = owned(db, caller, exam_id).await?;
        let mut tx = db.begin().await?;
        // Regrades of one exam go one at a time (SQLite's writes do anyway): the second reads
        // what the first wrote.
        db.lock_row(&mut tx, "exams", exam_id).await?;
        let (s, p) = planned(&mut tx, exam_id, j.scale).await?;
        let skipped = p.questions.iter().filter(|q| q.problem.is_some()).count();
        if p.rescores.is_empty() {
            return Ok(RegradeOutcome { attempts: 0, grades: 0, skipped });
        }
        let waiting: HashMap<i64, bool> = s.attempts.iter().map(|a| (a.id, a.needs_grading)).collect();
        let written = stored::write(&mut tx, &p.rescores, &s.papers, &waiting).await?;
        let applied: Vec<Rescore> = p.rescores.into_iter().filter(|r| written.contains(&r.attempt_id)).collect();
        let mut changed: Vec<(i64, Grade)> = grades(&s.attempts, &applied, e.grading_method)
            .into_iter()
            .filter(|(_, (was, now))| was != now)
            .map(|(s, g)| (s, g.1))
            .collect();
        changed.sort_unstable_by_key(|c| c.0);
        if let Some(lesson_id) = e.lesson_id {
            let writes: Vec<crate::journal::store::CellWrite> = changed
                .iter()
                .filter_map(|&(student_id, grade)| {
                    Some(crate::journal::store::CellWrite {
                        journal_id: j.id,
                        scale: j.scale,
                        lesson_id,
                        student_id,
                        new: store::grade::cell_of(grade, j.scale)?,
                        reason: crate::journal::model::Reason::Regrade(e.title.clone()),
                        actor_id: caller.user_id,
                        at: now,
                    })
                })
                .collect();
            crate::journal::store::write_cells(&mut tx, &writes).await?;
        }
        let questions = p.questions.iter().filter(|q| q.problem.is_none() && q.attempts > 0).count();
        let outcome = RegradeOutcome { attempts: applied.len(), grades: changed.len(), skipped };
        // Counts only: the audit keeps no key and no answer.
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.regrade",
                entity: "exam",
                entity_id: exam_id.to_string(),
                org_id: Some(j.group_id),
                before: None,
                after: Some(serde_json::json!({
                    "attempts": outcome.attempts,
                    "questions": questions,
                    "skipped": skipped,
                    "grades": outcome.grades,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

/// What a regrade of the exam would change, for its teacher.
#[server(prefix = "/api", endpoint = "exam/regrade/preview")]
pub async fn preview_regrade(exam_id: i64) -> Result<RegradePreview, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::preview(&st.db, &caller, exam_id).await
    })
    .await
}

/// Regrades the exam's handed-in attempts against the latest versions, by its teacher.
#[server(prefix = "/api", endpoint = "exam/regrade/apply")]
pub async fn apply_regrade(exam_id: i64) -> Result<RegradeOutcome, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::apply(&st.db, &caller, exam_id, crate::api::now_ms()).await
    })
    .await
}
