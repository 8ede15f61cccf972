//! The review of a handed-in attempt (`exam::review`): the candidate's own, with what the
//! exam's review options allow at this moment, or any attempt of a journal the caller keeps or
//! reads, whole. Whether the score may be shown is read here too, for the pages that show it.

use super::{attempt_row, own_attempt, questions_of, saved_answers, DEADLINE_GRACE_MS};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::exam::dto::AttemptBrief;
use crate::exam::model::Answer;
use crate::exam::review::{review_question, AttemptReview, Moment, ReviewOptions, ReviewPart, ReviewWhen, Shown};
use crate::i18n::Msg;

/// Where the exam stands for a handed-in (or not) attempt now.
async fn moment(db: &Db, exam_id: i64, handed_in: bool, now: i64) -> Result<Moment, AppError> {
    let span = super::settings::span(db, exam_id).await?;
    Ok(Moment { handed_in, closed: span.closed(now, DEADLINE_GRACE_MS) })
}

/// Whether the candidate may see the score of their attempt now (`handed_in`: it is). The
/// options come with the exam's row as every start and hand-in of the moment read it (kept 3 s:
/// `attempt::exam_context`), so a hand-in wave reads nothing more for the default options.
pub async fn score_shown(db: &Db, exam_id: i64, handed_in: bool, now: i64) -> Result<bool, AppError> {
    let options = super::exam_context(db, exam_id).await?.exam.review;
    Ok(match options.score {
        // Every exam before review options, and the default: no need to read the windows.
        ReviewWhen::AfterHandIn => handed_in,
        ReviewWhen::Never => false,
        ReviewWhen::AfterClose => options.shows(ReviewPart::Score, moment(db, exam_id, handed_in, now).await?),
    })
}

/// Takes the score and the mark out of an attempt's brief the candidate may not see yet.
pub async fn brief_as_allowed(db: &Db, exam_id: i64, brief: &mut AttemptBrief, now: i64) -> Result<(), AppError> {
    if !score_shown(db, exam_id, brief.submitted, now).await? {
        brief.score = None;
        brief.max_points = None;
        brief.mark = None;
    }
    Ok(())
}

/// The attempt's review for the caller: their own once handed in (refused before), with what
/// the options allow now; another candidate's is refused; the exam's teacher and its journal's
/// readers get all of it.
pub async fn attempt_review(db: &Db, caller: &Caller, attempt_id: i64, now: i64) -> Result<AttemptReview, AppError> {
    let first = attempt_row(db, attempt_id).await?;
    let e = super::exam_row(db, first.exam_id).await?;
    let (a, options, at) = if first.student_id == caller.user_id {
        // Finishes it first if its time ran out: the timer is the server's.
        let a = own_attempt(db, caller, attempt_id, now).await?;
        if a.submitted_at.is_none() {
            return Err(AppError::Refused(Msg::ErrReviewNotHandedIn));
        }
        let options = super::settings::review_options(db, e.id).await?;
        let at = moment(db, e.id, true, now).await?;
        (a, options, at)
    } else {
        // Readers of the journal: the teacher, the head of studies. Anyone else is refused.
        crate::journal::store::access(db, caller, e.journal_id).await?;
        let everything = ReviewOptions {
            score: ReviewWhen::AfterHandIn,
            answers: ReviewWhen::AfterHandIn,
            correct: ReviewWhen::AfterHandIn,
            feedback: ReviewWhen::AfterHandIn,
            general_feedback: ReviewWhen::AfterHandIn,
        };
        (first, everything, Moment { handed_in: true, closed: true })
    };
    let shown = Shown::at(&options, at);
    let score = options.shows(ReviewPart::Score, at);
    let mut questions = Vec::new();
    // Per question there is only something to send when a part of it is shown.
    if shown.answers || shown.correct || shown.feedback || shown.general_feedback {
        let ids: Vec<i64> = a.paper.iter().map(|p| p.0).collect();
        let bank = questions_of(db, &ids).await?;
        let saved = saved_answers(db, a.id).await?;
        let points: std::collections::HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
            "SELECT question_id, points_milli FROM exam_answers WHERE attempt_id = $1 AND points_milli IS NOT NULL",
        )
        .bind(a.id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect();
        for (i, (id, seed)) in a.paper.iter().enumerate() {
            let Some(q) = bank.get(id) else { continue };
            let answer = saved.get(id).and_then(|s| serde_json::from_str::<Answer>(s).ok());
            let stored = points.get(id).map(|m| *m as f64 / 1000.0);
            let mut r = review_question(i + 1, q, *seed, answer.as_ref(), stored, shown);
            r.picture = q.image.as_deref().map(|k| crate::exam::model::paper_picture_url(a.id, *id, k));
            questions.push(r);
        }
    }
    // Parts the options show once the exam closes, not shown yet: the page says so.
    let later = !at.closed && ReviewPart::ALL.into_iter().any(|p| options.when(p) == ReviewWhen::AfterClose && !options.shows(p, at));
    Ok(AttemptReview {
        attempt_id: a.id,
        exam_title: e.title.clone(),
        score: if score { a.brief.score } else { None },
        max_points: if score { a.brief.max_points } else { None },
        mark: if score { a.brief.mark.clone() } else { None },
        score_shown: score,
        questions,
        more_after_close: later,
    })
}

/// The lessons of a journal whose exam mark its candidates may not see yet: the exam's review
/// options hold the score back now (never, or until the exam closes). A student's own marks
/// ("My marks") leave these cells out, as the exam's pages do the score; the teacher's journal
/// shows them. Offline exams are left alone: their marks are typed in by the teacher, as any
/// other mark of the journal.
pub async fn lessons_held_back(db: &Db, journal_id: i64, now: i64) -> Result<Vec<i64>, AppError> {
    let exams: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT id, lesson_id, review FROM exams WHERE journal_id = $1 AND lesson_id IS NOT NULL AND form <> 'offline'")
            .bind(journal_id)
            .fetch_all(&db.pool)
            .await?;
    let mut held = Vec::new();
    for (exam_id, lesson_id, review) in exams {
        // The default shows the score right after hand-in: nothing more to read.
        if ReviewOptions::parse(&review).score == ReviewWhen::AfterHandIn {
            continue;
        }
        if !score_shown(db, exam_id, true, now).await? {
            held.push(lesson_id);
        }
    }
    Ok(held)
}
