//! The attempt: the paper with autosave (each answer acknowledged by the server before it shows
//! "saved"), the server's timer, the proctoring panel beside it, and the result once handed in.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::exam::answer_queue::{AnswerQueue, SaveState, ServerClock};
use crate::exam::api::*;
use crate::exam::dto::*;
use crate::exam::model::{score_text, verdict_msg, PaperAnswer};
use crate::i18n::{t, Msg};
use crate::ui::id_param;
use crate::ui::save_queue::SaveQueue;
use crate::ui::sleep;
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use std::collections::HashMap;

#[component]
pub fn AttemptPage() -> impl IntoView {
    view! { <RequireUser><Attempt/></RequireUser> }
}

#[component]
fn Attempt() -> impl IntoView {
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let view_res = Resource::new(move || (id(), reload.get()), |(id, _)| load_attempt(id));
    view! {
        <section class="card wide exam">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || view_res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok((v, Some(review))) => view! { <AttemptResult v=v review=review/> }.into_any(),
                    Ok((v, None)) => view! { <Sitting v=v reload=reload/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The attempt and, once handed in, its review: one resource for both, created with the page.
/// (A resource of its own inside the result's Transition ran on the server outside the
/// request's context, and hydrating the page failed.)
async fn load_attempt(id: i64) -> Result<(AttemptView, Option<crate::exam::review::AttemptReview>), AppError> {
    let v = get_attempt(id).await?;
    let review = if v.submitted { Some(review_attempt(id).await?) } else { None };
    Ok((v, review))
}

#[component]
fn AttemptResult(v: AttemptView, review: crate::exam::review::AttemptReview) -> impl IntoView {
    let appeal = ServerAction::<crate::proctor::appeal::AppealVerdict>::new();
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
        <ReviewSection review=review/>
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

/// The review of the handed-in attempt: each question in the candidate's order with what the
/// exam's review options let the server send now (the page shows what came, nothing more).
#[component]
fn ReviewSection(review: crate::exam::review::AttemptReview) -> impl IntoView {
    let section = |r: crate::exam::review::AttemptReview| {
        let nothing = r.questions.is_empty();
        view! {
            {(!r.score_shown).then(|| view! { <p class="muted" data-testid="score-hidden">{t(Msg::ReviewScoreHidden)}</p> })}
            {(!nothing).then(|| view! {
                <h2>{t(Msg::ReviewTitle)}</h2>
                <ol class="review" data-testid="attempt-review">
                    {r.questions.into_iter().map(|q| view! {
                        <li class="review-question">
                            <p class="stem">{q.text.clone()}</p>
                            {q.picture.clone().map(|src| view! { <img class="question-picture" src=src alt=""/> })}
                            {q.answer.clone().map(|lines| view! {
                                <p>
                                    <span class="muted">{t(Msg::ReviewYourAnswer)}": "</span>
                                    {if lines.is_empty() { view! { <em>{t(Msg::ReviewNoAnswer)}</em> }.into_any() } else { lines.join("; ").into_any() }}
                                    {q.outcome.map(|o| view! { " · "<strong data-testid="review-outcome">{t(o.msg())}</strong> })}
                                    {q.awarded.map(|p| view! { " · "{t(Msg::ReviewPoints)}": "{crate::exam::model::score_text(Some(p), Some(i64::from(q.points)))} })}
                                </p>
                            })}
                            {q.correct.clone().filter(|c| !c.is_empty()).map(|lines| view! {
                                <p data-testid="review-correct"><span class="muted">{t(Msg::ReviewCorrectAnswer)}": "</span>{lines.join("; ")}</p>
                            })}
                            {q.feedback.iter().map(|f| view! { <p class="feedback">{f.clone()}</p> }).collect_view()}
                            {q.general_feedback.clone().map(|f| view! { <p class="feedback general">{f}</p> })}
                        </li>
                    }).collect_view()}
                </ol>
            })}
            {r.more_after_close.then(|| view! { <p class="hint" data-testid="review-later">{t(Msg::ReviewMoreAfterClose)}</p> })}
        }
    };
    section(review)
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
        clock: RwSignal::new(ServerClock::heard(v.deadline_at, v.server_now)),
    };
    // The countdown: what the server last said was left, measured on the page's monotonic clock.
    let clock = queue.clock;
    let left_ms = RwSignal::new(clock.get_untracked().left_ms());
    // Extra time given while sitting: its minutes said once they arrive (and heard by a screen
    // reader), from whichever answer of the server brought the later deadline.
    let extended = RwSignal::new(None::<i64>);
    Effect::new(move |before: Option<i64>| {
        let deadline = clock.get().deadline_at;
        if let Some(b) = before.filter(|b| deadline > *b) {
            extended.set(Some(((deadline - b + 30_000) / 60_000).max(1)));
        }
        deadline
    });
    let extended_text = move || extended.get().map(|n| t(Msg::TimeExtendedBy)().replace("{n}", &n.to_string()));
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
        for p in queue.restore() {
            queue.push(p.question_id, p.answer);
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::exam::answer_queue::monotonic_ms;
            // The page asks the server for the deadline (extra time may have been given
            // meanwhile): every minute while it is shown, at once when it is shown again (a
            // hidden tab's timers are slowed), and at 5 minutes, 1 minute and the end, once per mark.
            let shown_again = PageShown::watch();
            let mut asked: Option<i64> = None;
            let mut last_asked = monotonic_ms();
            loop {
                sleep(500).await;
                // The page may have gone (handed in, left): the countdown ends with it.
                let Some(mut left) = clock.try_with_untracked(|c| c.left_ms()) else { break };
                let mark = [0, 60_000, 300_000].into_iter().find(|m| left <= *m);
                let at_mark = mark.is_some() && mark != asked;
                if at_mark {
                    asked = mark;
                } else if mark.is_none() {
                    asked = None;
                }
                let due = shown_again.take() || (shown_again.visible() && monotonic_ms() - last_asked >= CLOCK_EVERY_MS);
                if at_mark || due {
                    last_asked = monotonic_ms();
                    match crate::exam::extensions::attempt_clock(attempt_id).await {
                        Ok(c) if c.submitted => {
                            let _ = reload.try_update(|n| *n += 1);
                            break;
                        }
                        Ok(c) => {
                            if clock.try_set(ServerClock::heard(c.deadline_at, c.server_now)).is_some() {
                                break;
                            }
                            left = ServerClock::heard(c.deadline_at, c.server_now).left_ms();
                        }
                        // Not reached: the deadline as last heard stands.
                        Err(_) => {}
                    }
                }
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
            // A screen reader is not told every second (role=timer is not live); it hears the
            // warnings below, once each, when 5 minutes and 1 minute are left.
            <div class="timer" class:urgent=move || left_ms.get() < 60_000 data-testid="timer" role="timer" aria-label=t(Msg::TimeLeft)>
                {move || { let s = left_ms.get() / 1000; format!("{:02}:{:02}", s / 60, s % 60) }}
            </div>
            <p class="sr-only" aria-live="assertive" data-testid="timer-warning">{move || {
                let left = left_ms.get();
                if left == 0 { None }
                else if left <= 60_000 { Some(t(Msg::OneMinuteLeft)().to_string()) }
                else if left <= 300_000 { Some(t(Msg::FiveMinutesLeft)().to_string()) }
                else { None }
            }}</p>
            <p class="sr-only" aria-live="polite" data-testid="time-extended-said">{extended_text}</p>
            <Show when=move || extended.get().is_some()><p class="ok" data-testid="time-extended">{extended_text}</p></Show>
            <div class="save-bar" role="status" data-testid="answers-status" data-waiting=move || queue.pending.get()>
                {move || if queue.pending.get() == 0 { t(Msg::AllAnswersSaved)().to_string() } else if queue.retrying.get() {
                    format!("{} ({})", t(Msg::AnswersNotSavedRetrying)(), queue.pending.get())
                } else {
                    format!("{} {}", t(Msg::SavingAnswers)(), queue.pending.get())
                }}
            </div>
        </div>
        {v.proctored.then(|| view! { <super::sit::ExamProctoring attempt_id=attempt_id settings=settings started=started/> })}
        <Show when=move || started.get()>
            {match ticket.clone() {
                Some(tp) => view! { <super::grading::TicketSheet attempt_id=attempt_id ticket=tp queue=queue/> }.into_any(),
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

/// How often the sitting page asks the server's clock while shown: extra time given by a
/// teacher or a proctor reaches the countdown within this.
#[cfg(feature = "hydrate")]
const CLOCK_EVERY_MS: f64 = 60_000.0;

/// Whether the page is shown, and whether it was shown again since last asked: a listener of
/// `visibilitychange` on the document, removed when this is dropped (the countdown's end).
#[cfg(feature = "hydrate")]
struct PageShown {
    again: std::rc::Rc<std::cell::Cell<bool>>,
    listener: Option<(web_sys::Document, wasm_bindgen::closure::Closure<dyn FnMut()>)>,
}

#[cfg(feature = "hydrate")]
impl PageShown {
    fn watch() -> PageShown {
        use wasm_bindgen::JsCast;
        let again = std::rc::Rc::new(std::cell::Cell::new(false));
        let listener = web_sys::window().and_then(|w| w.document()).and_then(|doc| {
            let (flag, d) = (again.clone(), doc.clone());
            let f = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if !d.hidden() {
                    flag.set(true);
                }
            });
            doc.add_event_listener_with_callback("visibilitychange", f.as_ref().unchecked_ref()).ok()?;
            Some((doc, f))
        });
        PageShown { again, listener }
    }

    /// Shown again since the last call.
    fn take(&self) -> bool {
        self.again.replace(false)
    }

    fn visible(&self) -> bool {
        self.listener.as_ref().is_none_or(|(doc, _)| !doc.hidden())
    }
}

#[cfg(feature = "hydrate")]
impl Drop for PageShown {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some((doc, f)) = self.listener.take() {
            let _ = doc.remove_event_listener_with_callback("visibilitychange", f.as_ref().unchecked_ref());
        }
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
    // The stem names the question's controls for a screen reader (and its group of options).
    let stem_id = format!("q{qid}-stem");
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
            match q.units.clone() {
                Some(units) => {
                    let on_change = Callback::new(move |text| send(PaperAnswer::Text(text)));
                    view! { <super::unit_answer::NumberWithUnit name=name labelled_by=stem_id.clone() units=units saved=value on_change=on_change/> }
                        .into_any()
                }
                None => view! { <input class="answer" name=name value=value aria-labelledby=stem_id.clone() on:change=move |ev| send(PaperAnswer::Text(event_target_value(&ev)))/> }
                    .into_any(),
            }
        }
        "essay" => {
            let value = match &saved {
                Some(PaperAnswer::Text(s)) => s.clone(),
                _ => String::new(),
            };
            view! { <textarea class="answer" name=name rows="6" aria-labelledby=stem_id.clone() on:change=move |ev| send(PaperAnswer::Text(event_target_value(&ev)))>{value}</textarea> }.into_any()
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
                .enumerate()
                .map(|(n, (left, text))| {
                    let left = left.clone();
                    let sel = current.iter().find(|(l, _)| *l == left).map(|(_, r)| r.clone());
                    let label_id = format!("q{qid}-left{n}");
                    view! {
                        <div class="match-row">
                            <span id=label_id.clone()>{text.clone()}</span>
                            <select aria-labelledby=label_id on:change=move |ev| {
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
                    {move || order.get().into_iter().enumerate().map(|(pos, i)| {
                        let text = texts.with_value(|t| t.get(&i).cloned().unwrap_or_default());
                        // "↑" says nothing to a screen reader: the buttons name what they move.
                        let up = format!("{}: {text}", t(Msg::MoveUp)());
                        let down = format!("{}: {text}", t(Msg::MoveDown)());
                        view! {
                            <li>
                                <span>{text.clone()}</span>
                                <button type="button" class="small" aria-label=up on:click=move |_| shift(pos, true)><span aria-hidden="true">"↑"</span></button>
                                <button type="button" class="small" aria-label=down on:click=move |_| shift(pos, false)><span aria-hidden="true">"↓"</span></button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }
            .into_any()
        }
        "cloze" | "drag_text" => {
            let start = match &saved {
                Some(PaperAnswer::Gaps(g)) => g.clone(),
                _ => Vec::new(),
            };
            let on_change = Callback::new(move |picks| send(PaperAnswer::Gaps(picks)));
            view! { <super::gap_text::GapText name=name pieces=q.pieces.clone() gaps=q.gaps.clone() saved=start on_change=on_change/> }
                .into_any()
        }
        "calculated" => {
            let value = match &saved {
                Some(PaperAnswer::Text(s)) => s.clone(),
                _ => String::new(),
            };
            // A number typed as text: "2,5" and "2.5" both read (model::parse_number).
            let unit = q.unit.clone();
            view! {
                <span class="numeric-answer">
                    <input class="answer" name=name value=value inputmode="decimal" aria-labelledby=stem_id.clone() data-testid="calculated-answer"
                        on:change=move |ev| send(PaperAnswer::Text(event_target_value(&ev)))/>
                    {(!unit.is_empty()).then(|| view! { " "<span class="unit">{unit}</span> })}
                </span>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    // A gap question's text is shown with its gaps, in the answers.
    let stem = if q.gaps.is_empty() { q.text.clone() } else { String::new() };
    view! {
        <li class="question" data-testid="question" data-question=qid>
            <p class="stem" id=stem_id.clone()>{stem}<small class="muted">" ("{q.points}")"</small></p>
            {q.picture.clone().map(|src| view! {
                <img class="question-picture" src=src alt=t(Msg::QuestionPicture) data-testid="question-picture"/>
            })}
            <div class="answers" role="group" aria-labelledby=stem_id>{body}</div>
            <small class="save-state" data-testid="save-state">{move || match state.get() {
                SaveState::Idle => String::new(),
                SaveState::Saving => t(Msg::Saving)().to_string(),
                SaveState::Saved => t(Msg::Saved)().to_string(),
                SaveState::Refused(m) => t(m)().to_string(),
            }}</small>
        </li>
    }
}
