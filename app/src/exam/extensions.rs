//! Extra time while a candidate sits (issue 19's follow-up): the exam's teacher, or a proctor
//! who reviews the candidate's group, gives one running attempt N more minutes with a reason.
//! The server's deadline moves (`store::extensions`), so every later save and the hand-in are
//! judged by the new one; the candidate's page hears it with the next saved answer or its next
//! look at the clock (`attempt_clock`: every minute while the page is shown, when it is shown
//! again, and at the 5/1/0-minute marks), or on a reload. Audited like an accommodation (who,
//! whom, how many minutes, why); an accommodation is given before the start, this after it.
//!
//! Two places give it: the exam's results page (`RunningAttemptsSection`, its teacher, any
//! running attempt) and the proctor's timeline of one attempt (`ExtendAttemptForm`).

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most minutes one extension gives (four hours; another extension may follow).
pub const MAX_EXTEND_MIN: i64 = 240;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningAttemptView {
    pub attempt_id: i64,
    pub name: String,
    pub attempt_no: i64,
    pub started_at: i64,
    pub deadline_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningAttemptsData {
    /// May the caller extend them (the exam's teacher; readers of the journal only look).
    pub editable: bool,
    pub list: Vec<RunningAttemptView>,
}

/// The server's clock of the caller's own attempt: what the candidate's countdown runs from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptDeadline {
    pub deadline_at: i64,
    pub server_now: i64,
    pub submitted: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::exam::store::extensions as stored;
    use crate::exam::store::schedule::journal_of_exam;

    pub async fn running(db: &Db, caller: &Caller, exam_id: i64, now: i64) -> Result<RunningAttemptsData, AppError> {
        let journal_id = journal_of_exam(db, exam_id).await?;
        let (_, access) = crate::journal::store::access(db, caller, journal_id).await?;
        let list = stored::running(db, exam_id, now)
            .await?
            .into_iter()
            .map(|r| RunningAttemptView {
                attempt_id: r.attempt_id,
                name: r.full_name,
                attempt_no: r.attempt_no,
                started_at: r.started_at,
                deadline_at: r.deadline_at,
            })
            .collect();
        Ok(RunningAttemptsData { editable: access == crate::journal::store::Access::Edit, list })
    }

    /// The group the attempt's exam is for, when the caller may extend it: the exam's teacher,
    /// or a proctor who reviews the group.
    async fn may_extend(db: &Db, caller: &Caller, exam_id: i64, attempt_id: i64) -> Result<i64, AppError> {
        let journal_id = journal_of_exam(db, exam_id).await?;
        match crate::journal::store::editable(db, caller, journal_id).await {
            Ok(j) => Ok(j.group_id),
            Err(AppError::Forbidden) => crate::proctor::access::require_reviewer(db, caller, attempt_id).await,
            Err(e) => Err(e),
        }
    }

    /// Gives the running attempt `minutes` more; the new deadline. One transaction with its
    /// audit line; a handed-in or timed-out attempt is refused.
    pub async fn extend(db: &Db, caller: &Caller, attempt_id: i64, minutes: i64, reason: String, now: i64) -> Result<i64, AppError> {
        let a = crate::exam::store::attempt_row(db, attempt_id).await?;
        let group_id = may_extend(db, caller, a.exam_id, attempt_id).await?;
        let mut tx = db.begin().await?;
        let deadline = stored::extend(&mut tx, attempt_id, minutes * 60_000, now).await?.ok_or(AppError::Refused(Msg::ErrExtendClosed))?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.attempt.extend",
                entity: "exam_attempt",
                entity_id: attempt_id.to_string(),
                org_id: Some(group_id),
                before: Some(serde_json::json!({ "deadline": deadline - minutes * 60_000 })),
                after: Some(serde_json::json!({
                    "deadline": deadline, "student": a.student_id, "exam": a.exam_id, "minutes": minutes, "reason": reason,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(deadline)
    }

    /// The candidate's own attempt's deadline as the server holds it now (closed first if its
    /// time is up, as every read of one's attempt does).
    pub async fn clock(db: &Db, caller: &Caller, attempt_id: i64, now: i64) -> Result<AttemptDeadline, AppError> {
        let a = crate::exam::store::own_attempt(db, caller, attempt_id, now).await?;
        Ok(AttemptDeadline { deadline_at: a.deadline_at, server_now: now, submitted: a.submitted_at.is_some() })
    }
}

/// The exam's attempts under way (its teacher and readers of its journal).
#[server(prefix = "/api", endpoint = "exam/running")]
pub async fn running_attempts(exam_id: i64) -> Result<RunningAttemptsData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::running(&st.db, &caller, exam_id, crate::api::now_ms()).await
    })
    .await
}

/// Gives a running attempt 1..=240 more minutes, with a reason (the exam's teacher, or a proctor
/// of the candidate's group). Returns the new deadline.
#[server(prefix = "/api", endpoint = "exam/attempt/extend")]
pub async fn extend_attempt(attempt_id: i64, minutes: String, reason: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let minutes = fields
            .check("minutes", minutes.trim().parse::<i64>().ok().filter(|n| (1..=MAX_EXTEND_MIN).contains(n)).ok_or(Msg::ErrNumberRange));
        let reason = fields.check("reason", crate::journal::field_text(&reason, 200, true));
        fields.finish()?;
        let (Some(minutes), Some(reason)) = (minutes, reason) else {
            return Err(AppError::Internal);
        };
        ssr::extend(&st.db, &caller, attempt_id, minutes, reason, crate::api::now_ms()).await
    })
    .await
}

/// The caller's own attempt's deadline now: the candidate's page asks every minute while it is
/// shown, when it is shown again and at its warnings, so extra time given meanwhile reaches the
/// countdown. Three numbers, so asking that often costs little.
#[server(prefix = "/api", endpoint = "exam/attempt/clock")]
pub async fn attempt_clock(attempt_id: i64) -> Result<AttemptDeadline, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::clock(&st.db, &caller, attempt_id, crate::api::now_ms()).await
    })
    .await
}

/// How many times `extend` gave time: what a page reads its deadlines again after. Not after
/// a refusal, which would draw the form anew and lose what was typed.
pub fn times_given(extend: ServerAction<ExtendAttempt>) -> Memo<u32> {
    Memo::new(move |n: Option<&u32>| {
        let n = n.copied().unwrap_or(0);
        if extend.value().get().is_some_and(|r| r.is_ok()) {
            n + 1
        } else {
            n
        }
    })
}

/// The running attempts section of the exam's results page, with the extension form.
#[component]
pub fn RunningAttemptsSection(exam_id: i64) -> impl IntoView {
    let extend = ServerAction::<ExtendAttempt>::new();
    let given = times_given(extend);
    let data = Resource::new(move || given.get(), move |_| running_attempts(exam_id));
    let error = action_error(extend);
    let extended = Signal::derive(move || extend.value().get().is_some_and(|r| r.is_ok()));
    view! {
        <h2>{t(Msg::RunningAttempts)}</h2>
        <p class="hint">{t(Msg::RunningAttemptsHint)}</p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(d) if d.list.is_empty() => view! { <p class="muted" data-testid="no-running">{t(Msg::NoRunningAttempts)}</p> }.into_any(),
                Ok(d) => {
                    let choices = d.list.clone();
                    view! {
                        <table class="list" data-testid="running-attempts">
                            <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::AttemptNo)}</th><th>{t(Msg::Started)}</th><th>{t(Msg::AttemptDeadline)}</th></tr></thead>
                            <tbody>
                                {d.list.into_iter().map(|a| view! {
                                    <tr data-testid="running-row">
                                        <td>{a.name}</td>
                                        <td>{a.attempt_no}</td>
                                        <td>{format_datetime(a.started_at)}</td>
                                        <td data-testid="running-deadline">{format_datetime(a.deadline_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {d.editable.then(|| view! {
                            <ActionForm action=extend attr:data-testid="extend-form" attr:class="inline-form">
                                <div class="field">
                                    <label for="extend-attempt">{t(Msg::Student)}</label>
                                    <select id="extend-attempt" name="attempt_id" required>
                                        {choices.into_iter().map(|a| view! {
                                            <option value=a.attempt_id.to_string()>{format!("{} · {}", a.name, a.attempt_no)}</option>
                                        }).collect_view()}
                                    </select>
                                    <SelectError error=error field="attempt_id"/>
                                </div>
                                <Field label=Msg::MoreMinutes name="minutes" kind="number" error=error required=true input_id="extend-minutes"/>
                                <Field label=Msg::Reason name="reason" error=error required=true input_id="extend-reason"/>
                                <button type="submit" class="primary">{t(Msg::ExtendAttempt)}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                }
            })}
        </Transition>
        <FormStatus error=error ok=(extended, Msg::AttemptExtended)/>
    }
}

/// Extra time for one running attempt (the proctor's timeline): minutes and a reason, each
/// refused at its field; `extend` is the page's action, so the page reads its deadline again
/// once the time is given.
#[component]
pub fn ExtendAttemptForm(attempt_id: i64, extend: ServerAction<ExtendAttempt>) -> impl IntoView {
    let error = action_error(extend);
    let extended = Signal::derive(move || extend.value().get().is_some_and(|r| r.is_ok()));
    view! {
        <section class="extend-attempt" data-testid="extend-attempt">
            <h2>{t(Msg::ExtraTimeTitle)}</h2>
            <p class="hint">{t(Msg::ExtraTimeHint)}</p>
            <ActionForm action=extend attr:data-testid="extend-form" attr:class="inline-form">
                <input type="hidden" name="attempt_id" value=attempt_id/>
                <Field label=Msg::MoreMinutes name="minutes" kind="number" error=error required=true input_id="extend-minutes"/>
                <Field label=Msg::Reason name="reason" error=error required=true input_id="extend-reason"/>
                <button type="submit" class="primary" disabled=move || extend.pending().get()>{t(Msg::ExtendAttempt)}</button>
            </ActionForm>
            <FormStatus error=error ok=(extended, Msg::AttemptExtended)/>
        </section>
    }
}
