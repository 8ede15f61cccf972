//! Exam pages: the exams list (sit / teach / create / import questions), the attempt with
//! autosave and the server's timer, and the teacher's results.

use super::answer_queue::{AnswerQueue, SaveState};
use super::api::*;
use super::dto::*;
use super::model::{score_text, verdict_msg, PaperAnswer};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::id_param;
use crate::ui::save_queue::SaveQueue;
use crate::ui::sleep;
use crate::ui::time::format_datetime;
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus, RequireUser};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;
use std::collections::HashMap;

/// A candidate's pages (my exams, the exam's page with its device check, the paper): in the
/// candidate's bundle too (`crate::CandidateApp`).
#[component(transparent)]
pub fn SittingRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/exams") view=ExamsPage/>
        <Route path=path!("/exams/attempt/:id") view=AttemptPage/>
        <Route path=path!("/exams/:id/sit") view=super::proctoring::SitPage/>
    }
    .into_inner()
}

/// A teacher's pages: the bank, results, grading and offline marks (the whole app only).
#[component(transparent)]
pub fn ExamRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/exams/bank") view=super::pages_bank::BankPage/>
        <Route path=path!("/exams/:id/results") view=ResultsPage/>
        <Route path=path!("/exams/attempt/:id/grade") view=super::pages_grading::GradePage/>
        <Route path=path!("/exams/:id/marks") view=super::pages_grading::OfflineMarksPage/>
    }
    .into_inner()
}

#[component]
pub fn ExamsPage() -> impl IntoView {
    view! { <RequireUser><Exams/></RequireUser> }
}

#[component]
fn Exams() -> impl IntoView {
    let create = ServerAction::<CreateExam>::new();
    let overview = Resource::new(move || create.version().get(), |_| exams_overview());
    view! {
        <section class="card wide">
            <h1>{t(Msg::Exams)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(o) => view! { <Overview o=o create=create/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Overview(o: ExamsPageData, create: ServerAction<CreateExam>) -> impl IntoView {
    let now = o.now;
    let has_journals = !o.journals.is_empty();
    let sitting = o.sitting.clone();
    let teaching = o.teaching.clone();
    view! {
        <Show when={let s = sitting.clone(); move || !s.is_empty() || !has_journals}>
            <h2>{t(Msg::MyExams)}</h2>
            <p><a href="/proctor/check" data-testid="device-check-link">{t(Msg::DeviceCheckLink)}</a></p>
            {if sitting.is_empty() {
                view! { <p class="muted">{t(Msg::NoExams)}</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="my-exams">
                        <thead><tr><th>{t(Msg::Exam)}</th><th>{t(Msg::Subject)}</th><th>{t(Msg::ExamWindow)}</th><th>{t(Msg::Status)}</th><th></th></tr></thead>
                        <tbody>
                            {sitting.clone().into_iter().map(|e| {
                                let open = now >= e.opens_at && now < e.closes_at;
                                let eid = e.id;
                                let action = match &e.attempt {
                                    Some(a) if a.submitted => view! { <a href=format!("/exams/attempt/{}", a.id)>{t(Msg::ExamResult)}</a> }.into_any(),
                                    Some(a) => view! { <a class="button primary" href=format!("/exams/attempt/{}", a.id)>{t(Msg::ContinueExam)}</a> }.into_any(),
                                    None if e.form == "offline" => view! { <span class="muted">{t(Msg::FormOffline)}</span> }.into_any(),
                                    // The device check (or, unproctored, a last look at the rules) comes first.
                                    None if open => view! {
                                        <a class="button primary" href=format!("/exams/{eid}/sit") data-testid="start-exam">{t(Msg::StartExam)}</a>
                                    }.into_any(),
                                    None => view! { <span class="muted">{t(if now < e.opens_at { Msg::ExamNotOpenYet } else { Msg::ExamClosedStatus })}</span> }.into_any(),
                                };
                                let awaiting = e.attempt.as_ref().is_some_and(|a| a.needs_grading);
                                let status = e.attempt.as_ref().map(|a| {
                                    if a.submitted { format!("{} {}", score_text(a.score, a.max_points), a.mark.clone().map(|m| format!("· {m}")).unwrap_or_default()) } else { String::new() }
                                });
                                let status = move || if awaiting { Some(t(Msg::AwaitingGrading)().to_string()) } else { status.clone() };
                                view! {
                                    <tr>
                                        <td>{e.title.clone()}</td>
                                        <td>{e.subject.clone()}</td>
                                        <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}" · "{e.duration_min}" "{t(Msg::Minutes)}</td>
                                        <td>{status}</td>
                                        <td>{action}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Show>
        <Show when=move || has_journals>
            <h2>{t(Msg::ExamsITeach)}</h2>
            {if teaching.is_empty() {
                view! { <p class="muted">{t(Msg::NoExams)}</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="teaching-exams">
                        <thead><tr><th>{t(Msg::Exam)}</th><th>{t(Msg::Group)}</th><th>{t(Msg::ExamWindow)}</th><th>{t(Msg::Questions)}</th><th>{t(Msg::Submitted)}</th><th></th></tr></thead>
                        <tbody>
                            {teaching.clone().into_iter().map(|e| view! {
                                <tr>
                                    <td>{e.title.clone()}</td>
                                    <td>{e.group_name.clone()}</td>
                                    <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}</td>
                                    <td>{e.questions}</td>
                                    <td>{e.submitted}" / "{e.started}</td>
                                    <td>
                                        <a href=format!("/exams/{}/results", e.id)>{t(Msg::Results)}</a>
                                        {(e.form == "offline").then(|| view! { " · "<a href=format!("/exams/{}/marks", e.id) data-testid="enter-marks">{t(Msg::EnterMarks)}</a> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <NewExam journals=o.journals.clone() create=create/>
            <ImportQuestions journals=o.journals.clone()/>
        </Show>
    }
}

#[component]
fn NewExam(journals: Vec<JournalChoice>, create: ServerAction<CreateExam>) -> impl IntoView {
    let error = action_error(create);
    let first = journals.first().map(|j| j.id).unwrap_or_default();
    let chosen = RwSignal::new(first);
    let form = RwSignal::new("test".to_string());
    let js = StoredValue::new(journals.clone());
    view! {
        <h2>{t(Msg::NewExam)}</h2>
        <ActionForm action=create attr:data-testid="exam-form">
            <FormStatus error=error ok=(action_ok(create), Msg::Saved)/>
            <div class="field">
                <label for="f-journal_id">{t(Msg::Journal)}</label>
                <select id="f-journal_id" name="journal_id" on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or_default())>
                    {journals.iter().map(|j| view! { <option value=j.id>{j.title.clone()}</option> }).collect_view()}
                </select>
            </div>
            <Field label=Msg::Title name="title" error=error required=true/>
            <div class="field">
                <label for="f-form">{t(Msg::ExamFormLabel)}</label>
                <select id="f-form" name="form" data-testid="exam-form-kind" on:change=move |ev| form.set(event_target_value(&ev))>
                    <option value="test">{t(Msg::FormTest)}</option>
                    <option value="ticket">{t(Msg::FormTicket)}</option>
                    <option value="offline">{t(Msg::FormOffline)}</option>
                </select>
            </div>
            <Field label=Msg::ExamOpens name="opens_at" kind="datetime-local" error=error required=true/>
            <Field label=Msg::ExamCloses name="closes_at" kind="datetime-local" error=error required=true/>
            <Show when=move || form.get() != "offline" fallback=|| view! { <input type="hidden" name="duration_min" value=""/> }>
                <Field label=Msg::DurationMinutes name="duration_min" kind="number" error=error required=true/>
            </Show>
            <Show when=move || form.get() == "ticket">
                <div class="field" class:invalid=move || crate::ui::field_error(error, "tickets").get().is_some()>
                    <label for="f-tickets">{t(Msg::TicketsLabel)}</label>
                    <textarea id="f-tickets" name="tickets" rows="8" data-testid="tickets"></textarea>
                    <p class="hint">{t(Msg::TicketsHint)}</p>
                    {move || crate::ui::field_error(error, "tickets").get().map(|m| view! { <p class="error">{t(m)}</p> })}
                </div>
            </Show>
            // Always sent (the server function takes it), shown for the test form only.
            <div class="field" class:invalid=move || crate::ui::field_error(error, "draw").get().is_some() class:hidden=move || form.get() != "test">
                <label for="f-draw">{t(Msg::ExamDraw)}</label>
                <textarea id="f-draw" name="draw" rows="3" placeholder=move || format!("{}: 5", t(Msg::Topic)())></textarea>
                <p class="hint">{t(Msg::ExamDrawHint)}" "
                    {move || js.with_value(|js| js.iter().find(|j| j.id == chosen.get()).map(|j| j.topics.iter().map(|(t, n)| format!("{t}: {n}")).collect::<Vec<_>>().join(" · ")))}
                </p>
                {move || crate::ui::field_error(error, "draw").get().map(|m| view! { <p class="error">{t(m)}</p> })}
            </div>
            <div class="field">
                <label for="f-lesson_id">{t(Msg::ExamLesson)}</label>
                <select id="f-lesson_id" name="lesson_id">
                    <option value="">"—"</option>
                    {move || js.with_value(|js| js.iter().find(|j| j.id == chosen.get()).map(|j| j.lessons.iter().map(|(id, label)| view! { <option value=*id>{label.clone()}</option> }).collect_view()))}
                </select>
            </div>
            <Show when=move || form.get() != "offline">
            <label class="check"><input type="checkbox" name="proctored" value="on" checked/>" "{t(Msg::Proctored)}</label>
            <label class="check"><input type="checkbox" name="allow_unproctored" value="on"/>" "{t(Msg::AllowUnproctored)}</label>
            <crate::proctor::pages::ProctorModeField selected=crate::proctor::settings::ProctorMode::Computer/>
            <details>
                <summary>{t(Msg::ProctorSettingsTitle)}</summary>
                <Field label=Msg::SnapshotInterval name="snapshot_interval_s" kind="number" error=error value="30".to_string()/>
                <Field label=Msg::ScreenInterval name="screen_interval_s" kind="number" error=error value="60".to_string()/>
                <Field label=Msg::NoFaceFrames name="no_face_frames" kind="number" error=error value="2".to_string()/>
                <Field label=Msg::RetentionDays name="retention_days" kind="number" error=error value="90".to_string()/>
            </details>
            </Show>
            <button type="submit" class="primary">{t(Msg::NewExam)}</button>
        </ActionForm>
    }
}

#[component]
fn ImportQuestions(journals: Vec<JournalChoice>) -> impl IntoView {
    let mut subjects: Vec<String> = journals.iter().map(|j| j.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    let result: RwSignal<Option<Result<usize, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                result.set(Some(import_questions(data.into()).await));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, result, busy);
    };
    view! {
        <h2>{t(Msg::QuestionBank)}</h2>
        <p><a href="/exams/bank" data-testid="open-bank">{t(Msg::OpenBank)}</a></p>
        <p class="hint">{t(Msg::ImportQuestionsHint)}" "<a href="/export/exam-template.xlsx" rel="external" download>{t(Msg::DownloadTemplate)}</a></p>
        <form on:submit=on_submit data-testid="import-form" enctype="multipart/form-data">
            <div class="field">
                <label for="f-subject">{t(Msg::Subject)}</label>
                <select id="f-subject" name="subject">
                    {subjects.into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-file">{t(Msg::File)}</label>
                <input id="f-file" type="file" name="file" accept=".gift,.txt,.xlsx" required/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::ImportQuestions)}</button>
            {move || result.get().map(|r| match r {
                Ok(n) => view! { <p class="ok" data-testid="import-ok">{t(Msg::QuestionsImported)}": "{n}</p> }.into_any(),
                Err(AppError::Invalid(errors)) => view! {
                    <div class="error" data-testid="import-errors">
                        <p>{t(Msg::ErrImportNothing)}</p>
                        <ul>{errors.into_iter().map(|e| {
                            let line = e.field.strip_prefix("row.").map(str::to_string);
                            view! { <li>{line.map(|l| format!("{l}: "))}{t(e.msg)}</li> }
                        }).collect_view()}</ul>
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
            })}
        </form>
    }
}

#[component]
pub fn AttemptPage() -> impl IntoView {
    view! { <RequireUser><Attempt/></RequireUser> }
}

#[component]
fn Attempt() -> impl IntoView {
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let view_res = Resource::new(move || (id(), reload.get()), |(id, _)| get_attempt(id));
    view! {
        <section class="card wide exam">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || view_res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(v) if v.submitted => view! { <AttemptResult v=v/> }.into_any(),
                    Ok(v) => view! { <Sitting v=v reload=reload/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AttemptResult(v: AttemptView) -> impl IntoView {
    let appeal = ServerAction::<crate::proctor::review::AppealVerdict>::new();
    let error = action_error(appeal);
    let r = v.result.clone();
    let can_appeal = r.as_ref().is_some_and(|r| r.verdict != "pending" && !r.appealed);
    let attempt_id = v.id;
    view! {
        <h1>{v.exam_title.clone()}</h1>
        <p class="ok" data-testid="attempt-submitted">{t(Msg::ExamSubmitted)}</p>
        {r.map(|r| view! {
            <dl class="facts">
                <dt>{t(Msg::Score)}</dt><dd data-testid="attempt-score">{score_text(r.score, r.max_points)}</dd>
                <dt>{t(Msg::Mark)}</dt><dd data-testid="attempt-mark">{let (awaiting, mark) = (r.needs_grading, r.mark.clone().unwrap_or_else(|| "—".into())); move || if awaiting { t(Msg::AwaitingGrading)().to_string() } else { mark.clone() }}</dd>
                <dt>{t(Msg::Verdict)}</dt><dd data-testid="attempt-verdict">{t(verdict_msg(&r.verdict))}</dd>
            </dl>
        })}
        {(!v.grader_comment.is_empty()).then(|| view! {
            <h2>{t(Msg::GraderComment)}</h2>
            <p class="grader-comment" data-testid="grader-comment">{v.grader_comment.clone()}</p>
        })}
        <Show when=move || can_appeal && !action_ok(appeal).get()>
            <h2>{t(Msg::Appeal)}</h2>
            <ActionForm action=appeal>
                <FormStatus error=error/>
                <input type="hidden" name="attempt_id" value=attempt_id/>
                <Field label=Msg::AppealText name="text" error=error required=true/>
                <button type="submit">{t(Msg::SendAppeal)}</button>
            </ActionForm>
        </Show>
        <Show when=move || action_ok(appeal).get()>
            <p class="ok">{t(Msg::AppealSent)}</p>
        </Show>
        <p><a href="/exams">{t(Msg::Exams)}</a></p>
    }
}

/// Milliseconds on a clock that only moves forward (the page's own, not the computer's date).
fn monotonic_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    0.0
}

#[component]
fn Sitting(v: AttemptView, reload: RwSignal<u32>) -> impl IntoView {
    let attempt_id = v.id;
    let queue = AnswerQueue {
        attempt_id,
        jobs: StoredValue::new(SaveQueue::new()),
        running: StoredValue::new(false),
        pending: RwSignal::new(0),
        retrying: RwSignal::new(false),
        states: StoredValue::new(
            v.questions
                .iter()
                .map(|q| (q.question_id, RwSignal::new(if q.saved.is_some() { SaveState::Saved } else { SaveState::Idle })))
                .collect(),
        ),
        time_up: RwSignal::new(false),
    };
    // The countdown: what the server said was left, measured on the page's monotonic clock.
    let left_at_load = (v.deadline_at - v.server_now).max(0);
    let loaded_at = StoredValue::new(0.0f64);
    let left_ms = RwSignal::new(left_at_load);
    let started = RwSignal::new(!v.proctored);
    let submit = ServerAction::<SubmitAttempt>::new();
    Effect::new(move |_| {
        if submit.value().get().is_some_and(|r| r.is_ok()) {
            #[cfg(feature = "hydrate")]
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.remove_item(&queue.storage_key());
            }
            reload.update(|n| *n += 1);
        }
    });
    let submit_now = move || {
        // Hand in only once everything typed has reached the server (or been refused): handing
        // in first would close the attempt under answers still on their way. While the server
        // does not answer, the hand-in could not reach it either; the bar says what waits.
        leptos::task::spawn_local(async move {
            while !queue.settled() {
                sleep(250).await;
            }
            if queue.jobs.try_with_value(|_| ()).is_some() {
                submit.dispatch(SubmitAttempt { attempt_id });
            }
        });
    };
    Effect::new(move |_| {
        loaded_at.set_value(monotonic_ms());
        for p in queue.restore() {
            queue.push(p.question_id, p.answer);
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            loop {
                sleep(500).await;
                // The page may have gone (handed in, left): the countdown ends with it.
                let Some(t0) = loaded_at.try_get_value() else { break };
                let elapsed = (monotonic_ms() - t0) as i64;
                let left = (left_at_load - elapsed).max(0);
                if left_ms.try_set(left).is_some() {
                    break;
                }
                if left == 0 {
                    submit_now();
                    break;
                }
            }
        });
    });
    let questions = v.questions.clone();
    let ticket = v.ticket.clone();
    let settings = v.settings;
    view! {
        <div class="exam-head">
            <h1>{v.exam_title.clone()}</h1>
            <div class="timer" class:urgent=move || left_ms.get() < 60_000 data-testid="timer">
                {move || { let s = left_ms.get() / 1000; format!("{:02}:{:02}", s / 60, s % 60) }}
            </div>
            <div class="save-bar" data-testid="answers-status" data-waiting=move || queue.pending.get()>
                {move || if queue.pending.get() == 0 { t(Msg::AllAnswersSaved)().to_string() } else if queue.retrying.get() {
                    format!("{} ({})", t(Msg::AnswersNotSavedRetrying)(), queue.pending.get())
                } else {
                    format!("{} {}", t(Msg::SavingAnswers)(), queue.pending.get())
                }}
            </div>
        </div>
        {v.proctored.then(|| view! { <crate::exam::proctoring::ExamProctoring attempt_id=attempt_id settings=settings started=started/> })}
        <Show when=move || started.get()>
            {match ticket.clone() {
                Some(tp) => view! { <super::pages_grading::TicketSheet attempt_id=attempt_id ticket=tp queue=queue/> }.into_any(),
                None => view! {
                    <ol class="paper">
                        {questions.clone().into_iter().map(|q| view! { <QuestionView q=q queue=queue/> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
            <p class="warning" data-testid="time-up">{move || queue.time_up.get().then(|| t(Msg::ErrTimeUp)())}</p>
            <button type="button" class="primary" data-testid="submit-exam" on:click=move |_| submit_now() disabled=move || submit.pending().get()>{t(Msg::SubmitExam)}</button>
        </Show>
    }
}

#[component]
fn QuestionView(q: PaperQuestion, queue: AnswerQueue) -> impl IntoView {
    let qid = q.question_id;
    let state = queue.states.with_value(|m| m.get(&qid).copied()).unwrap_or_else(|| RwSignal::new(SaveState::Idle));
    // Options are named by this paper's opaque ids, never by their place in the bank.
    let saved: Option<PaperAnswer> = q.saved.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let send = move |a: PaperAnswer| {
        if let Ok(json) = serde_json::to_string(&a) {
            queue.push(qid, json);
        }
    };
    let name = format!("q{qid}");
    let body = match q.kind.as_str() {
        "single" | "multiple" => {
            let multiple = q.kind == "multiple";
            let chosen: Vec<String> = match &saved {
                Some(PaperAnswer::Choice(c)) => c.clone(),
                _ => Vec::new(),
            };
            let picked = StoredValue::new(chosen.clone());
            q.options
                .iter()
                .map(|(id, text)| {
                    let checked = chosen.contains(id);
                    let name = name.clone();
                    let value = id.clone();
                    let id = id.clone();
                    view! {
                        <label class="option">
                            <input type=if multiple { "checkbox" } else { "radio" } name=name value=value checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    picked.update_value(|p| {
                                        if !multiple { p.clear(); }
                                        p.retain(|x| *x != id);
                                        if on { p.push(id.clone()); }
                                    });
                                    send(PaperAnswer::Choice(picked.get_value()));
                                }/>
                            " "{text.clone()}
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        "short" => {
            let value = match &saved {
                Some(PaperAnswer::Text(s)) => s.clone(),
                _ => String::new(),
            };
            view! { <input class="answer" name=name value=value on:change=move |ev| send(PaperAnswer::Text(event_target_value(&ev)))/> }
                .into_any()
        }
        "essay" => {
            let value = match &saved {
                Some(PaperAnswer::Text(s)) => s.clone(),
                _ => String::new(),
            };
            view! { <textarea class="answer" name=name rows="6" on:change=move |ev| send(PaperAnswer::Text(event_target_value(&ev)))>{value}</textarea> }.into_any()
        }
        "matching" => {
            // (left id, right id) per matched left item.
            let current: Vec<(String, String)> = match &saved {
                Some(PaperAnswer::Matching(m)) => m.clone(),
                _ => Vec::new(),
            };
            let picks = StoredValue::new(current.clone());
            let right = q.right.clone();
            q.options
                .iter()
                .map(|(left, text)| {
                    let left = left.clone();
                    let sel = current.iter().find(|(l, _)| *l == left).map(|(_, r)| r.clone());
                    view! {
                        <div class="match-row">
                            <span>{text.clone()}</span>
                            <select on:change=move |ev| {
                                let v = event_target_value(&ev);
                                picks.update_value(|p| {
                                    p.retain(|(l, _)| *l != left);
                                    if !v.is_empty() { p.push((left.clone(), v)); }
                                });
                                send(PaperAnswer::Matching(picks.get_value()));
                            }>
                                <option value="">"—"</option>
                                {right.iter().map(|(ri, rt)| view! { <option value=ri.clone() selected=sel.as_deref() == Some(ri.as_str())>{rt.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        }
        "ordering" => {
            let start: Vec<String> = match &saved {
                Some(PaperAnswer::Order(o)) if o.len() == q.options.len() => o.clone(),
                _ => q.options.iter().map(|(id, _)| id.clone()).collect(),
            };
            let order = RwSignal::new(start);
            let texts: HashMap<String, String> = q.options.iter().cloned().collect();
            let texts = StoredValue::new(texts);
            let shift = move |pos: usize, up: bool| {
                order.update(|o| {
                    let other = if up { pos.checked_sub(1) } else { Some(pos + 1).filter(|p| *p < o.len()) };
                    if let Some(other) = other {
                        o.swap(pos, other);
                    }
                });
                send(PaperAnswer::Order(order.get_untracked()));
            };
            view! {
                <ol class="ordering">
                    {move || order.get().into_iter().enumerate().map(|(pos, i)| view! {
                        <li>
                            <span>{texts.with_value(|t| t.get(&i).cloned().unwrap_or_default())}</span>
                            <button type="button" class="small" on:click=move |_| shift(pos, true)>"↑"</button>
                            <button type="button" class="small" on:click=move |_| shift(pos, false)>"↓"</button>
                        </li>
                    }).collect_view()}
                </ol>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <li class="question" data-testid="question" data-question=qid>
            <p class="stem">{q.text.clone()}<small class="muted">" ("{q.points}")"</small></p>
            {q.picture.clone().map(|src| view! {
                <img class="question-picture" src=src alt=t(Msg::QuestionPicture) data-testid="question-picture"/>
            })}
            <div class="answers">{body}</div>
            <small class="save-state" data-testid="save-state">{move || match state.get() {
                SaveState::Idle => String::new(),
                SaveState::Saving => t(Msg::Saving)().to_string(),
                SaveState::Saved => t(Msg::Saved)().to_string(),
                SaveState::Refused(m) => t(m)().to_string(),
            }}</small>
        </li>
    }
}

#[component]
pub fn ResultsPage() -> impl IntoView {
    view! { <RequireUser><Results/></RequireUser> }
}

#[component]
fn Results() -> impl IntoView {
    let id = id_param();
    let res = Resource::new(id, exam_results);
    // Its own resource, created with the page (not inside the results' reactive closure, where
    // a resource created on each run would not match the server's during hydration).
    let exam_id = untrack(id);
    view! {
        <section class="card wide">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(r) => {
                        let eid = r.exam.id;
                        view! {
                            <h1>{r.exam.title.clone()}</h1>
                            <p class="muted">{r.exam.group_name.clone()}" · "{format_datetime(r.exam.opens_at)}</p>
                            <p class="actions">
                                <a href=format!("/export/exam/{eid}.xlsx") rel="external" download>"XLSX"</a>" "
                                <a href=format!("/export/exam/{eid}.csv") rel="external" download>"CSV"</a>" · "
                                {t(Msg::ProctorReport)}": "
                                <a href=format!("/export/proctor/exam/{eid}.xlsx") rel="external" download>"XLSX"</a>" "
                                <a href=format!("/export/proctor/exam/{eid}.csv") rel="external" download>"CSV"</a>" "
                                <a href=format!("/export/proctor/exam/{eid}.pdf") rel="external" download>"PDF"</a>
                            </p>
                            {(r.exam.form == "offline").then(|| view! {
                                <p><a class="button primary" href=format!("/exams/{eid}/marks") data-testid="enter-marks">{t(Msg::EnterMarks)}</a></p>
                            })}
                            <table class="list" data-testid="results">
                                <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::Started)}</th><th>{t(Msg::Submitted)}</th><th>{t(Msg::Score)}</th><th>"%"</th><th>{t(Msg::Mark)}</th><th>{t(Msg::Risk)}</th><th>{t(Msg::Verdict)}</th><th></th></tr></thead>
                                <tbody>
                                    {r.candidates.into_iter().map(|c| { let offline_form = r.exam.form.clone(); let proctored = r.exam.proctored; view! {
                                        <tr>
                                            <td>{c.student_name.clone()}</td>
                                            <td>{format_datetime(c.started_at)}</td>
                                            <td>{c.submitted_at.map(format_datetime)}</td>
                                            <td>{score_text(c.score, c.max_points)}</td>
                                            <td>{c.percent.map(|p| format!("{p}"))}</td>
                                            <td>{c.mark.clone()}</td>
                                            <td>{c.risk}" ("{c.violations}")"
                                                {proctored.then(|| view! { " "<a href=format!("/export/proctor/attempt/{}.pdf", c.attempt_id) rel="external" download>"PDF"</a> })}
                                            </td>
                                            <td>{t(verdict_msg(&c.verdict))}</td>
                                            <td>{(c.submitted_at.is_some() && offline_form != "offline").then(|| view! {
                                                <a href=format!("/exams/attempt/{}/grade", c.attempt_id) class:button=c.needs_grading data-testid="grade-link">
                                                    {t(if c.needs_grading { Msg::GradeAction } else { Msg::GradeTitle })}
                                                </a>
                                            })}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            <h2>{t(Msg::ItemAnalysis)}</h2>
                            <p class="hint">{t(Msg::ItemAnalysisHint)}</p>
                            <table class="list" data-testid="items">
                                <thead><tr><th>{t(Msg::Topic)}</th><th>{t(Msg::Question)}</th><th>{t(Msg::Answered)}</th><th>{t(Msg::Facility)}</th><th>{t(Msg::Discrimination)}</th></tr></thead>
                                <tbody>
                                    {r.items.into_iter().map(|i| view! {
                                        <tr>
                                            <td>{i.topic.clone()}</td>
                                            <td>{i.text.clone()}</td>
                                            <td>{i.answered}</td>
                                            <td>{i.facility.map(|f| format!("{f}"))}</td>
                                            <td>{i.discrimination.map(|d| format!("{d}"))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                })}
            </Transition>
            <super::schedule::ScheduleSection exam_id=exam_id/>
        </section>
    }
}
