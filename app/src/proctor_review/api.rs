//! The proctor's side: a live board of attempts, an attempt's timeline (images, events,
//! violations), confirming or dismissing each violation, the verdict on the attempt, and the
//! candidate's one appeal (filed from the attempt's page: `proctor::appeal`), decided by a
//! second reviewer. Everything is scoped: a reviewer holds
//! proctor.review over the exam's group (or above it); every decision is audited.
//!
//! Once appealed, the verdict leaves its first reviewer's hands: while the appeal waits only a
//! second reviewer decides it, and once decided it is final. Only a reviewer above both who
//! decided (proctor.review on an organisation higher up the group's path than where either of
//! them holds it) may reopen it and decide anew, which is audited like any decision.

use crate::error::AppError;
use leptos::prelude::*;

pub use super::dto::{AppealItem, BoardPage, BoardRow, EventItem, EvidenceItem, Timeline, ViolationItem};

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::auth::model::Permission;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::proctor_review::store;

    pub use crate::proctor::access::{attempt_group, require_reviewer};

    /// Rows a page of the board holds.
    pub const BOARD_PAGE: i64 = 100;

    /// Attempts in the caller's scope: the ones in progress, and finished ones still waiting
    /// for a verdict or an appeal decision. Highest risk first, a page at a time (the scope is
    /// applied before the page is cut: `store::review::board`).
    pub async fn board(db: &Db, caller: &Caller, page: i64) -> Result<BoardPage, AppError> {
        let roots = caller.scope_roots(Permission::ProctorReview);
        let page = page.max(0);
        if roots.is_empty() {
            return Ok(BoardPage { rows: Vec::new(), page, total: 0, page_size: BOARD_PAGE, recheck_waiting: 0, recheck_oldest_s: 0 });
        }
        let (total, rows) = store::review::board(db, &roots, BOARD_PAGE, page.saturating_mul(BOARD_PAGE)).await?;
        let lag = crate::proctor::recheck::lag(db, crate::api::now_ms()).await?;
        Ok(BoardPage { rows, page, total, page_size: BOARD_PAGE, recheck_waiting: lag.waiting, recheck_oldest_s: lag.oldest_s })
    }

    pub async fn timeline(db: &Db, caller: &Caller, attempt_id: i64) -> Result<Timeline, AppError> {
        require_reviewer(db, caller, attempt_id).await?;
        load_timeline(db, caller, attempt_id).await
    }

    /// The timeline without the reviewer check: for callers that checked already (the
    /// attempt's PDF report, which the exam's teacher may download too).
    pub async fn load_timeline(db: &Db, caller: &Caller, attempt_id: i64) -> Result<Timeline, AppError> {
        let head = store::review::board_row(db, attempt_id).await?;
        let extra = store::review::verdict_facts(db, attempt_id).await?;
        let evidence = store::review::evidence_of(db, attempt_id).await?;
        let events = store::review::events_of(db, attempt_id).await?;
        let violations = store::review::violations_of(db, attempt_id).await?;
        let appeal = store::review::appeal_of(db, attempt_id).await?;
        let may_reopen = above_both(db, caller, attempt_id).await?;
        Ok(Timeline {
            head,
            score: extra.score_milli.map(|m| m as f64 / 1000.0),
            max_points: extra.max_points,
            verdict_comment: extra.verdict_comment,
            verdict_by: extra.verdict_name,
            verdict_is_mine: extra.verdict_by == Some(caller.user_id),
            may_reopen,
            evidence,
            events,
            violations,
            appeal,
        })
    }

    /// How far above the attempt's group `user` reviews proctoring: the place on the group's
    /// path up (`path[0]` is the group, the last one the root) of the highest organisation where
    /// they hold proctor.review now; None when nowhere on it.
    pub async fn reach(db: &Db, path: &[i64], user_id: i64) -> Result<Option<usize>, AppError> {
        let orgs = store::review::orgs_reviewed_by(db, user_id).await?;
        Ok(path.iter().rposition(|o| orgs.contains(o)))
    }

    /// Whether the caller stands above both who decided a decided appeal: the reviewer whose
    /// verdict was appealed and the one who decided the appeal. Neither of them, and holding
    /// proctor.review strictly higher up the group's path than either does.
    pub async fn above_both(db: &Db, caller: &Caller, attempt_id: i64) -> Result<bool, AppError> {
        let Some(row) = store::review::appeal_deciders(db, attempt_id).await? else { return Ok(false) };
        if row.status == "pending" {
            return Ok(false);
        }
        let deciders: Vec<i64> = [row.verdict_by, row.reviewer_id].into_iter().flatten().collect();
        if deciders.contains(&caller.user_id) {
            return Ok(false);
        }
        let path = crate::admin::store::ancestors(db, attempt_group(db, attempt_id).await?).await?;
        let roots = caller.scope_roots(Permission::ProctorReview);
        let Some(mine) = path.iter().rposition(|o| roots.contains(o)) else { return Ok(false) };
        for user in deciders {
            if reach(db, &path, user).await?.is_some_and(|theirs| theirs >= mine) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Attempts in progress or awaiting a decision, in the caller's scope (empty for others), one
/// page (from 0) at a time.
#[server(prefix = "/api", endpoint = "proctor/board")]
pub async fn proctor_board(page: Option<i64>) -> Result<BoardPage, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::board(&st.db, &caller, page.unwrap_or(0)).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "proctor/timeline")]
pub async fn attempt_timeline(attempt_id: i64) -> Result<Timeline, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::timeline(&st.db, &caller, attempt_id).await
    })
    .await
}

/// Confirms or dismisses one violation; a dismissal needs a comment.
#[server(prefix = "/api", endpoint = "proctor/violation")]
pub async fn review_violation(violation_id: i64, decision: String, comment: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let attempt_id =
            crate::proctor_review::store::review::attempt_of_violation(&st.db, violation_id).await?.ok_or(AppError::NotFound)?;
        let group = ssr::require_reviewer(&st.db, &caller, attempt_id).await?;
        let status = match decision.as_str() {
            "confirm" => "confirmed",
            "dismiss" => "dismissed",
            _ => return Err(AppError::BadRequest),
        };
        let comment = comment.trim().to_string();
        if status == "dismissed" && comment.is_empty() {
            return Err(AppError::field("comment", Msg::ErrRequired));
        }
        if comment.chars().count() > 1000 {
            return Err(AppError::field("comment", Msg::ErrTooLong));
        }
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let before = crate::proctor_review::store::review::violation_status(&mut tx, violation_id).await?;
        crate::proctor_review::store::review::review_violation(&mut tx, violation_id, status, caller.user_id, &comment, now).await?;
        crate::proctor::ingest::update_risk(&mut tx, attempt_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "proctor.violation.review",
                entity: "proctor_violation",
                entity_id: violation_id.to_string(),
                org_id: Some(group),
                before: Some(serde_json::json!({ "status": before })),
                after: Some(serde_json::json!({ "status": status, "comment": comment })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The verdict on a finished attempt: valid, or annulled (which clears the exam's mark from the
/// journal, with a history line). Audited.
#[server(prefix = "/api", endpoint = "proctor/verdict")]
pub async fn give_verdict(attempt_id: i64, verdict: String, comment: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let group = ssr::require_reviewer(&st.db, &caller, attempt_id).await?;
        if verdict != "valid" && verdict != "annulled" {
            return Err(AppError::BadRequest);
        }
        let comment = comment.trim().to_string();
        if verdict == "annulled" && comment.is_empty() {
            return Err(AppError::field("comment", crate::i18n::Msg::ErrRequired));
        }
        let mut tx = st.db.begin().await?;
        // An appealed verdict is no longer its reviewer's: a second reviewer decides the appeal,
        // and a decided appeal is final (only reopen_appeal, from above both, changes it).
        let appeal = crate::proctor_review::store::review::appeal_status(&mut tx, attempt_id).await?;
        match appeal.as_deref() {
            None => {}
            Some("pending") => return Err(AppError::Refused(crate::i18n::Msg::ErrVerdictUnderAppeal)),
            Some(_) => return Err(AppError::Refused(crate::i18n::Msg::ErrAppealFinal)),
        }
        apply_verdict(&mut tx, &caller, attempt_id, group, &verdict, &comment, "proctor.verdict").await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
async fn apply_verdict(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    caller: &crate::auth::ssr::Caller,
    attempt_id: i64,
    group: i64,
    verdict: &str,
    comment: &str,
    action: &str,
) -> Result<(), AppError> {
    let now = crate::api::now_ms();
    let r = crate::proctor_review::store::review::verdict_target(tx, attempt_id).await?;
    if r.submitted_at.is_none() {
        return Err(AppError::Refused(crate::i18n::Msg::ErrAttemptNotFinished));
    }
    let before = r.verdict;
    crate::proctor_review::store::review::set_verdict(tx, attempt_id, verdict, caller.user_id, comment, now).await?;
    // The journal follows the verdict: the candidate's grade is made again without an annulled
    // attempt (with one attempt allowed: no mark), with a reinstated one.
    let db = &crate::api::state()?.db;
    crate::exam::store::grade::regrade(
        tx,
        db,
        r.exam_id,
        r.student_id,
        crate::journal::model::Reason::Verdict(r.title),
        caller.user_id,
        now,
    )
    .await?;
    // So does an olympiad result collected from this attempt (nothing for other exams).
    crate::olympiad::stage::sitting::ssr::follow_verdict(tx, attempt_id, now).await?;
    crate::audit::store::record(
        tx,
        crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action,
            entity: "exam_attempt",
            entity_id: attempt_id.to_string(),
            org_id: Some(group),
            before: Some(serde_json::json!({ "verdict": before })),
            after: Some(serde_json::json!({ "verdict": verdict, "comment": comment })),
        },
    )
    .await?;
    Ok(())
}

/// A second reviewer (not the one who gave the verdict) decides the appeal: "upheld" makes the
/// attempt valid, "rejected" keeps the verdict. Audited.
#[server(prefix = "/api", endpoint = "proctor/appeal/decide")]
pub async fn decide_appeal(attempt_id: i64, decision: String, comment: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let group = ssr::require_reviewer(&st.db, &caller, attempt_id).await?;
        if decision != "upheld" && decision != "rejected" {
            return Err(AppError::BadRequest);
        }
        let comment = crate::journal::field_text(&comment, 2000, true).map_err(|m| AppError::field("comment", m))?;
        let verdict_by = crate::proctor_review::store::review::verdict_by(&st.db, attempt_id).await?;
        if verdict_by == Some(caller.user_id) {
            return Err(AppError::Refused(Msg::ErrSecondReviewer));
        }
        let mut tx = st.db.begin().await?;
        let now = crate::api::now_ms();
        if !crate::proctor_review::store::review::decide_pending_appeal(&mut tx, attempt_id, &decision, caller.user_id, &comment, now)
            .await?
        {
            return Err(AppError::NotFound);
        }
        if decision == "upheld" {
            apply_verdict(&mut tx, &caller, attempt_id, group, "valid", &comment, "proctor.appeal.upheld").await?;
        } else {
            crate::audit::store::record(
                &mut tx,
                crate::audit::store::Entry {
                    actor_id: Some(caller.user_id),
                    ip: &caller.ip,
                    action: "proctor.appeal.rejected",
                    entity: "exam_attempt",
                    entity_id: attempt_id.to_string(),
                    org_id: Some(group),
                    before: None,
                    after: Some(serde_json::json!({ "comment": comment })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Reopens a decided appeal and decides it anew: only for a reviewer above both who decided it
/// (see [`ssr::above_both`]). "upheld" makes the attempt valid; "rejected" restores the verdict
/// that was appealed. The comment is required; the earlier decision goes to the audit log.
#[server(prefix = "/api", endpoint = "proctor/appeal/reopen")]
pub async fn reopen_appeal(attempt_id: i64, decision: String, comment: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let group = ssr::require_reviewer(&st.db, &caller, attempt_id).await?;
        if decision != "upheld" && decision != "rejected" {
            return Err(AppError::BadRequest);
        }
        let comment = crate::journal::field_text(&comment, 2000, true).map_err(|m| AppError::field("comment", m))?;
        let mut tx = st.db.begin().await?;
        let before = crate::proctor_review::store::review::appeal_decision(&mut tx, attempt_id).await?.ok_or(AppError::NotFound)?;
        let status = before.status;
        if status == "pending" {
            return Err(AppError::Refused(Msg::ErrVerdictUnderAppeal));
        }
        if !ssr::above_both(&st.db, &caller, attempt_id).await? {
            return Err(AppError::Refused(Msg::ErrNotAboveReviewers));
        }
        let appealed = before.verdict;
        let previous = serde_json::json!({
            "status": status,
            "reviewer": before.reviewer_id,
            "comment": before.comment,
        });
        let now = crate::api::now_ms();
        if !crate::proctor_review::store::review::redecide_appeal(&mut tx, attempt_id, &status, &decision, caller.user_id, &comment, now)
            .await?
        {
            // Someone else reopened it at the same moment.
            return Err(AppError::Refused(Msg::ErrAppealFinal));
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "proctor.appeal.reopen",
                entity: "exam_attempt",
                entity_id: attempt_id.to_string(),
                org_id: Some(group),
                before: Some(previous),
                after: Some(serde_json::json!({ "status": decision, "comment": comment })),
            },
        )
        .await?;
        let verdict = if decision == "upheld" { "valid" } else { appealed.as_deref().unwrap_or("annulled") };
        apply_verdict(&mut tx, &caller, attempt_id, group, verdict, &comment, "proctor.appeal.reopened").await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
