//! The regrade panel of an exam's results page (issue 19, `exam::regrade`): shown to the exam's
//! teacher once papers drew an older version of a question whose key has since changed: which
//! questions, how many attempts, and per candidate the score, mark and grade before and after;
//! then "Regrade". Readers of the journal see no panel.

use crate::error::AppError;
use crate::exam::model::{score_text, verdict_msg};
use crate::exam::pages::list::grade_text;
use crate::exam::regrade::RegradePreview;
use crate::exam::regrade_api::{preview_regrade, ApplyRegrade};
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn RegradeSection(exam_id: i64) -> impl IntoView {
    let apply = ServerAction::<ApplyRegrade>::new();
    // Created with the page (see the results page), read again after each apply.
    let preview = Resource::new(move || apply.version().get(), move |_| preview_regrade(exam_id));
    let error = action_error(apply);
    let locale = use_locale();
    let done = move || {
        apply
            .value()
            .get()
            .and_then(|r| r.ok())
            .map(|o| Msg::RegradeDone.text(locale.get()).replace("{n}", &o.attempts.to_string()).replace("{g}", &o.grades.to_string()))
    };
    view! {
        <Transition fallback=|| ()>
            {move || preview.get().map(|r| match r {
                Err(AppError::Forbidden) => ().into_any(),
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(p) if p.questions.is_empty() => ().into_any(),
                Ok(p) => view! { <Panel preview=p apply=apply exam_id=exam_id/> }.into_any(),
            })}
        </Transition>
        {move || done().map(|text| view! { <p class="banner ok" role="status" data-testid="regrade-done">{text}</p> })}
        <FormStatus error=error/>
    }
}

#[component]
fn Panel(preview: RegradePreview, apply: ServerAction<ApplyRegrade>, exam_id: i64) -> impl IntoView {
    let locale = use_locale();
    let version = move |n: i64| move || Msg::QuestionVersion.text(locale.get()).replace("{n}", &n.to_string());
    let arrow = |old: String, new: String| if old == new { old } else { format!("{old} → {new}") };
    let questions = preview
        .questions
        .iter()
        .cloned()
        .map(|q| {
            view! {
                <tr data-testid="regrade-question">
                    <td>{q.text.clone()}</td>
                    <td>{version(q.from_version)}" → "{version(q.to_version)}</td>
                    <td>{q.attempts}</td>
                    <td>{q.running}</td>
                    <td>{q.problem.map(t)}</td>
                </tr>
            }
        })
        .collect_view();
    let rows = preview
        .candidates
        .iter()
        .flat_map(|c| {
            let c = c.clone();
            c.attempts.clone().into_iter().enumerate().map(move |(i, a)| {
                let first = i == 0;
                let (was, now) = c.grade;
                view! {
                    <tr data-testid="regrade-row">
                        <td>{first.then(|| c.name.clone())}</td>
                        <td>{a.attempt_no}</td>
                        <td data-testid="regrade-score">
                            {arrow(score_text(Some(a.score.0), Some(a.max_points.0)), score_text(Some(a.score.1), Some(a.max_points.1)))}
                        </td>
                        <td data-testid="regrade-mark">
                            {arrow(a.mark.0.clone().unwrap_or_default(), a.mark.1.clone().unwrap_or_default())}
                            {a.mark_kept.then(|| view! { " ("{t(Msg::RegradeMarkKept)}")" })}
                            {a.annulled.then(|| view! { " ("{t(verdict_msg("annulled"))}")" })}
                        </td>
                        <td data-testid="regrade-grade">
                            {first.then(|| view! { {grade_text(was)}{(was != now).then(|| view! { " → "{grade_text(now)} })} })}
                        </td>
                    </tr>
                }
            })
        })
        .collect_view();
    view! {
        <section data-testid="regrade">
            <h2>{t(Msg::RegradeTitle)}</h2>
            <p class="hint">{t(Msg::RegradeHint)}</p>
            <table class="list" data-testid="regrade-questions">
                <thead><tr><th>{t(Msg::Question)}</th><th>{t(Msg::RegradeVersions)}</th><th>{t(Msg::RegradeAttempts)}</th><th>{t(Msg::RegradeRunning)}</th><th>{t(Msg::RegradeProblem)}</th></tr></thead>
                <tbody>{questions}</tbody>
            </table>
            {if preview.attempts > 0 {
                view! {
                    <h3>{t(Msg::RegradePreviewTitle)}</h3>
                    <table class="list" data-testid="regrade-preview">
                        <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::AttemptNo)}</th><th>{t(Msg::Score)}</th><th>{t(Msg::Mark)}</th><th>{t(Msg::FinalGrade)}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p>
                        <button type="button" class="primary" data-testid="regrade-apply" disabled=move || apply.pending().get()
                            on:click=move |_| { apply.dispatch(ApplyRegrade { exam_id }); }>{t(Msg::RegradeAction)}</button>
                    </p>
                }
                .into_any()
            } else {
                view! { <p class="muted">{t(Msg::RegradeNothing)}</p> }.into_any()
            }}
        </section>
    }
}
