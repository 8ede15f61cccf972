//! The teacher's part after the sitting: grading what a machine cannot (essays of a test, the
//! written answer and files of a ticket) with a comment, and entering the marks of an offline
//! exam (EXM-4). Every mark lands on the exam's lesson in the journal (EXM-5), with the same
//! history line as an automatic one.
//!
//! Only the journal's teacher grades; readers of the journal see the same pages read-only.
//! A grade is one transaction: points, score, mark, comment and the journal cell together.

use super::dto::{AttemptBrief, ExamSummary, TicketPaper};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An essay of a test-form attempt, as the grader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EssayToGrade {
    pub question_id: i64,
    pub number: usize,
    pub text: String,
    pub answer: String,
    pub max_points: u32,
    /// The question's picture, as the candidate saw it.
    pub picture: Option<String>,
    /// Points given so far (None: not graded yet).
    pub points: Option<f64>,
}

/// The grading page of one attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradingView {
    pub attempt_id: i64,
    pub exam_id: i64,
    pub exam_title: String,
    pub student_name: String,
    pub form: String,
    pub submitted: bool,
    pub ticket: Option<TicketPaper>,
    pub essays: Vec<EssayToGrade>,
    /// Points of the automatically scored questions, and the paper's maximum (test form).
    pub auto_points: Option<f64>,
    pub max_points: Option<i64>,
    pub mark: Option<String>,
    pub comment: String,
    pub needs_grading: bool,
    pub verdict: String,
    /// "five" or "hundred": what the mark field accepts.
    pub scale: String,
    pub can_grade: bool,
}

/// Points the grader gives one essay, as typed ("3", "2,5").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EssayPoints {
    pub question_id: i64,
    pub points: String,
}

/// The mark sheet of an offline exam.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfflineSheet {
    pub exam: ExamSummary,
    pub scale: String,
    pub rows: Vec<OfflineRow>,
    pub can_edit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfflineRow {
    pub student_id: i64,
    pub name: String,
    /// The stored value: a mark ("5", "87") or an attendance code ("n" absent), or "".
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfflineMark {
    pub student_id: i64,
    pub value: String,
}

/// Points typed by a grader: a number from 0 to `max` in steps of a half ("2,5" or "2.5").
pub fn parse_points(raw: &str, max: u32) -> Result<f64, crate::i18n::Msg> {
    let s = raw.trim().replace(',', ".");
    if s.is_empty() {
        return Err(crate::i18n::Msg::ErrRequired);
    }
    let p: f64 = s.parse().map_err(|_| crate::i18n::Msg::ErrPointsRange)?;
    if !p.is_finite() || p < 0.0 || p > f64::from(max) || (p * 2.0).fract() != 0.0 {
        return Err(crate::i18n::Msg::ErrPointsRange);
    }
    Ok(p)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::exam::model::{self, Answer, QuestionKind};
    use crate::exam::store::{self, grading as graded, AttemptRow};
    use crate::i18n::Msg;

    pub async fn view(db: &Db, caller: &Caller, attempt_id: i64) -> Result<GradingView, AppError> {
        let a = store::attempt_row(db, attempt_id).await?;
        let e = store::exam_row(db, a.exam_id).await?;
        let (j, access) = crate::journal::store::access(db, caller, e.journal_id).await?;
        let essays = essays(db, &a).await?;
        let auto_points = match (e.form.as_str(), a.brief.score) {
            ("test", Some(score)) => Some(score - essays.iter().filter_map(|x| x.points).sum::<f64>()),
            _ => None,
        };
        let ticket = match a.ticket_id {
            Some(t) => Some(store::tickets::paper(db, a.id, t).await?),
            None => None,
        };
        Ok(GradingView {
            attempt_id: a.id,
            exam_id: e.id,
            exam_title: e.title,
            student_name: crate::journal::store::user_name(db, a.student_id).await?,
            form: e.form,
            submitted: a.submitted_at.is_some(),
            ticket,
            essays,
            auto_points,
            max_points: a.brief.max_points,
            mark: a.brief.mark.clone(),
            comment: a.grader_comment.clone(),
            needs_grading: a.brief.needs_grading,
            verdict: a.brief.verdict.clone(),
            scale: j.scale.code().to_string(),
            can_grade: access == crate::journal::store::Access::Edit,
        })
    }

    /// The essays on the paper with the candidate's answers and the points given so far (an
    /// essay is graded once the attempt no longer waits for grading).
    async fn essays(db: &Db, a: &AttemptRow) -> Result<Vec<EssayToGrade>, AppError> {
        let ids: Vec<i64> = a.paper.iter().map(|p| p.0).collect();
        let bank = store::questions_of(db, &ids).await?;
        let saved = store::saved_answers(db, a.id).await?;
        let points = graded::answer_points_of(db, a.id).await?;
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(q) = bank.get(id) else { continue };
            if q.kind != QuestionKind::Essay {
                continue;
            }
            let answer = match saved.get(id).and_then(|s| serde_json::from_str(s).ok()) {
                Some(Answer::Text(t)) => t,
                _ => String::new(),
            };
            let given = points.get(id).copied().flatten().map(|m| m as f64 / 1000.0);
            out.push(EssayToGrade {
                question_id: *id,
                number: i + 1,
                text: q.text.clone(),
                answer,
                max_points: q.points,
                picture: q.image.as_deref().map(|k| crate::exam::model::paper_picture_url(a.id, *id, k)),
                points: if a.brief.needs_grading { None } else { given.or(Some(0.0)) },
            });
        }
        Ok(out)
    }

    pub async fn grade(
        db: &Db,
        caller: &Caller,
        attempt_id: i64,
        points: &[EssayPoints],
        mark_raw: &str,
        comment: &str,
        now: i64,
    ) -> Result<AttemptBrief, AppError> {
        let a = store::attempt_row(db, attempt_id).await?;
        let e = store::exam_row(db, a.exam_id).await?;
        let j = crate::journal::store::editable(db, caller, e.journal_id).await?;
        if a.submitted_at.is_none() {
            return Err(AppError::Refused(Msg::ErrAttemptNotFinished));
        }
        if a.brief.verdict == "annulled" {
            return Err(AppError::Refused(Msg::ErrAttemptAnnulled));
        }
        let mut fields = crate::error::Fields::new();
        let comment = fields.check("comment", crate::journal::field_text(comment, 2000, false)).unwrap_or_default();
        // Test form: the essays' points, and the score they make with the automatic ones.
        let ids: Vec<i64> = a.paper.iter().map(|p| p.0).collect();
        let bank = store::questions_of(db, &ids).await?;
        let answered = store::saved_answers(db, a.id).await?;
        let mut given: Vec<(i64, i64)> = Vec::new();
        let mut max_points: i64 = 0;
        for id in &ids {
            let Some(q) = bank.get(id) else { continue };
            max_points += i64::from(q.points);
            if q.kind != QuestionKind::Essay {
                continue;
            }
            let raw = points.iter().find(|p| p.question_id == *id).map_or("", |p| p.points.as_str());
            match parse_points(raw, q.points) {
                Ok(p) if !answered.contains_key(id) && p > 0.0 => fields.add(&format!("points.{id}"), Msg::ErrPointsUnanswered),
                Ok(p) => given.push((*id, (p * 1000.0).round() as i64)),
                Err(m) => fields.add(&format!("points.{id}"), m),
            }
        }
        let auto_milli: i64 = if e.form == "test" {
            let mut sum = 0;
            for (qid, milli) in graded::answer_points_of(db, a.id).await? {
                if bank.get(&qid).is_some_and(|q| q.kind != QuestionKind::Essay) {
                    sum += milli.unwrap_or(0);
                }
            }
            sum
        } else {
            0
        };
        let total_milli = auto_milli + given.iter().map(|g| g.1).sum::<i64>();
        let mark = if mark_raw.trim().is_empty() && e.form == "test" {
            // The mark follows from the score unless the teacher types another.
            let percent = if max_points > 0 { total_milli as f64 / 10.0 / max_points as f64 } else { 0.0 };
            let value = match j.scale {
                crate::journal::model::Scale::FivePoint => model::percent_to_five(percent),
                crate::journal::model::Scale::Hundred => model::percent_to_hundred(percent),
            };
            j.scale.mark(value).ok()
        } else {
            fields.check("mark", j.scale.parse_mark(mark_raw))
        };
        fields.finish()?;
        let mark = mark.ok_or(AppError::Internal)?;
        let mut tx = db.begin().await?;
        for (qid, milli) in &given {
            graded::set_answer_points(&mut tx, a.id, *qid, *milli).await?;
        }
        let on_test = e.form == "test";
        graded::set_grade(
            &mut tx,
            a.id,
            on_test.then_some(total_milli),
            on_test.then_some(max_points),
            &mark.value().to_string(),
            &comment,
        )
        .await?;
        // The journal gets the candidate's grade by the exam's method: this mark, if the exam
        // allows one attempt.
        store::grade::regrade(&mut tx, db, e.id, a.student_id, crate::journal::model::Reason::Exam(e.title.clone()), caller.user_id, now)
            .await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.attempt.grade",
                entity: "exam_attempt",
                entity_id: a.id.to_string(),
                org_id: Some(j.group_id),
                before: Some(serde_json::json!({ "mark": a.brief.mark, "comment": a.grader_comment })),
                after: Some(serde_json::json!({ "mark": mark.value(), "comment": comment, "essays": given })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(store::attempt_row(db, attempt_id).await?.brief)
    }

    async fn offline_exam(
        db: &Db,
        caller: &Caller,
        exam_id: i64,
    ) -> Result<(store::ExamRow, crate::journal::store::JournalRow, crate::journal::store::Access), AppError> {
        let e = store::exam_row(db, exam_id).await?;
        let (j, access) = crate::journal::store::access(db, caller, e.journal_id).await?;
        if e.form != "offline" {
            return Err(AppError::NotFound);
        }
        Ok((e, j, access))
    }

    pub async fn offline_sheet(db: &Db, caller: &Caller, exam_id: i64) -> Result<OfflineSheet, AppError> {
        let (e, j, access) = offline_exam(db, caller, exam_id).await?;
        let now = graded::marks_of_exam(db, e.id).await?;
        let rows = crate::journal::store::students(db, j.group_id)
            .await?
            .into_iter()
            .map(|s| OfflineRow { value: now.get(&s.id).cloned().unwrap_or_default(), student_id: s.id, name: s.name })
            .collect();
        Ok(OfflineSheet {
            exam: store::exam_summary(db, e.id).await?,
            scale: j.scale.code().to_string(),
            rows,
            can_edit: access == crate::journal::store::Access::Edit,
        })
    }

    /// Saves the sheet, all or nothing: every value a mark on the journal's scale, an
    /// attendance code or empty; a refused one comes back as "mark.{student}".
    pub async fn save_offline(db: &Db, caller: &Caller, exam_id: i64, marks: &[OfflineMark], now: i64) -> Result<usize, AppError> {
        use crate::journal::model::{parse_cell, Cell};
        let (e, j, access) = offline_exam(db, caller, exam_id).await?;
        if access != crate::journal::store::Access::Edit {
            return Err(AppError::Forbidden);
        }
        let students: std::collections::HashSet<i64> =
            crate::journal::store::students(db, j.group_id).await?.into_iter().map(|s| s.id).collect();
        let before = graded::marks_of_exam(db, e.id).await?;
        let mut fields = crate::error::Fields::new();
        let mut changes: Vec<(i64, Cell)> = Vec::new();
        for m in marks {
            if !students.contains(&m.student_id) {
                return Err(AppError::BadRequest);
            }
            match parse_cell(j.scale, &m.value) {
                Ok(cell) => {
                    let old = before.get(&m.student_id).map(|v| Cell::from_store_code(j.scale, v)).unwrap_or_default();
                    if cell != old {
                        changes.push((m.student_id, cell));
                    }
                }
                Err(msg) => fields.add(&format!("mark.{}", m.student_id), msg),
            }
        }
        fields.finish()?;
        let mut tx = db.begin().await?;
        let mut journal_writes = Vec::new();
        for (student, cell) in &changes {
            if *cell == Cell::Empty {
                graded::delete_offline_mark(&mut tx, e.id, *student).await?;
            } else {
                graded::set_offline_mark(&mut tx, e.id, *student, &cell.store_code(), caller.user_id, now).await?;
            }
            if let Some(lesson) = e.lesson_id {
                journal_writes.push(store::journal_mark(&j, lesson, *student, *cell, &e.title, caller.user_id, now));
            }
        }
        crate::journal::store::write_cells(&mut tx, &journal_writes).await?;
        if !changes.is_empty() {
            crate::audit::store::record(
                &mut tx,
                crate::audit::store::Entry {
                    actor_id: Some(caller.user_id),
                    ip: &caller.ip,
                    action: "exam.offline.marks",
                    entity: "exam",
                    entity_id: e.id.to_string(),
                    org_id: Some(j.group_id),
                    before: None,
                    after: Some(serde_json::json!(changes.iter().map(|(s, c)| (s, c.store_code())).collect::<Vec<_>>())),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changes.len())
    }
}

/// What the grader of an attempt sees (the journal's teacher grades; its readers look).
#[server(prefix = "/api", endpoint = "exam/grading")]
pub async fn attempt_grading(attempt_id: i64) -> Result<GradingView, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::view(&st.db, &caller, attempt_id).await
    })
    .await
}

/// Grades an attempt: the essays' points (test form), the mark (computed from the score when
/// left empty on a test; required for a ticket) and a comment the candidate sees.
#[server(prefix = "/api", endpoint = "exam/grade", input = leptos::server_fn::codec::Json)]
pub async fn grade_attempt(attempt_id: i64, points: Vec<EssayPoints>, mark: String, comment: String) -> Result<AttemptBrief, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::grade(&st.db, &caller, attempt_id, &points, &mark, &comment, crate::api::now_ms()).await
    })
    .await
}

/// The mark sheet of an offline exam.
#[server(prefix = "/api", endpoint = "exam/offline")]
pub async fn exam_mark_sheet(exam_id: i64) -> Result<OfflineSheet, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::offline_sheet(&st.db, &caller, exam_id).await
    })
    .await
}

/// Saves an offline exam's marks, all or nothing; returns how many changed.
#[server(prefix = "/api", endpoint = "exam/offline/save", input = leptos::server_fn::codec::Json)]
pub async fn save_offline_marks(exam_id: i64, marks: Vec<OfflineMark>) -> Result<usize, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::save_offline(&st.db, &caller, exam_id, &marks, crate::api::now_ms()).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Msg;

    #[test]
    fn points_are_halves_within_the_question() {
        assert_eq!(parse_points("2,5", 5), Ok(2.5));
        assert_eq!(parse_points(" 0 ", 5), Ok(0.0));
        assert_eq!(parse_points("5", 5), Ok(5.0));
        assert_eq!(parse_points("5.5", 5), Err(Msg::ErrPointsRange));
        assert_eq!(parse_points("-1", 5), Err(Msg::ErrPointsRange));
        assert_eq!(parse_points("2.25", 5), Err(Msg::ErrPointsRange));
        assert_eq!(parse_points("бес", 5), Err(Msg::ErrPointsRange));
        assert_eq!(parse_points("", 5), Err(Msg::ErrRequired));
        assert_eq!(parse_points("NaN", 5), Err(Msg::ErrPointsRange));
    }
}
