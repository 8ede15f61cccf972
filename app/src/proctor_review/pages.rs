//! The proctor's pages: the live board and one attempt's timeline with its decisions.

use super::api::*;
use crate::auth::shell::RequireUser;
use crate::exam::extensions::{times_given, ExtendAttempt, ExtendAttemptForm};
use crate::exam::model::verdict_msg;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::components::{Route, A};
use leptos_router::path;

#[component(transparent)]
pub fn ProctorRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/proctor") view=BoardPage/>
        <Route path=path!("/proctor/attempt/:id") view=TimelinePage/>
    }
    .into_inner()
}

pub(crate) fn violation_msg(code: &str) -> Msg {
    crate::proctor::violations::Kind::from_code(code).map_or(Msg::Violation, |k| k.msg())
}

/// A browser event as the timeline names it: a violation's own name, or its harmless
/// counterpart (back to the tab, full screen again...).
pub(crate) fn event_msg(code: &str) -> Msg {
    match code {
        "tab_visible" => Msg::EvTabVisible,
        "window_focus" => Msg::EvWindowFocus,
        "fullscreen_enter" => Msg::EvFullscreenEnter,
        "offline" => Msg::EvOffline,
        "online" => Msg::EvOnline,
        "check_passed" => Msg::EvCheckPassed,
        "app_visible" => Msg::EvAppVisible,
        "camera_interrupted" => Msg::EvCameraInterrupted,
        "camera_resumed" => Msg::EvCameraResumed,
        "orientation" => Msg::EvOrientation,
        other => violation_msg(other),
    }
}

pub(crate) fn status_msg(s: &str) -> Msg {
    match s {
        "confirmed" => Msg::ViolationConfirmed,
        "dismissed" => Msg::ViolationDismissed,
        _ => Msg::ViolationOpen,
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    view! { <RequireUser><Board/></RequireUser> }
}

#[component]
fn Board() -> impl IntoView {
    // The board refreshes itself every 10 s while open (a live view of the exam room).
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(10_000).await;
                tick.update(|n| *n += 1);
            }
        });
    });
    // The page is in the address bar (?page=N from 0), so it survives the refresh and a reload.
    let query = leptos_router::hooks::use_query_map();
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0));
    let board = Resource::new(move || (tick.get(), page()), |(_, page)| proctor_board(Some(page)));
    view! {
        <section class="card wide">
            <h1>{t(Msg::ProctorBoard)}</h1>
            <p class="actions">{t(Msg::ProctorReport)}": "
                <a href="/export/proctor/organisation.xlsx" rel="external" download>"XLSX"</a>" "
                <a href="/export/proctor/organisation.csv" rel="external" download>"CSV"</a>" "
                <a href="/export/proctor/organisation.pdf" rel="external" download>"PDF"</a>
            </p>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || board.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(p) if p.rows.is_empty() && p.page == 0 => view! { <p class="muted">{t(Msg::NoAttempts)}</p> }.into_any(),
                    Ok(p) => {
                        let (shown, pages) = (p.page, p.pages());
                        let page_of = t(Msg::BoardPageOf);
                        let lag = t(Msg::RecheckLag);
                        let (waiting, oldest) = (p.recheck_waiting, p.recheck_oldest_s);
                        view! {
                        {(waiting > 0).then(|| view! {
                            <p class="muted" data-testid="recheck-lag">{move || lag().replace("{n}", &waiting.to_string()).replace("{s}", &oldest.to_string())}</p>
                        })}
                        <div class="board" data-testid="board">
                            {p.rows.into_iter().map(|b| view! {
                                <a class="tile attempt" class:risky={b.risk >= 50} href=format!("/proctor/attempt/{}", b.attempt_id) data-testid="board-attempt">
                                    {b.last_webcam.map(|id| view! { <img src=format!("/api/proctor/image/{id}") alt="" width="160" height="120"/> })}
                                    <strong>{b.student_name.clone()}</strong>
                                    <span>{b.exam_title.clone()}" · "{b.group_name.clone()}</span>
                                    <span>{t(if b.submitted { Msg::Submitted } else { Msg::InProgress })}" · "{t(Msg::Risk)}": "{b.risk}</span>
                                    <span data-testid="board-capture" data-capture=b.capture.code()>{t(b.capture.msg())}</span>
                                    <span>{t(Msg::ViolationsOpen)}": "{b.open_violations}" · "{t(verdict_msg(&b.verdict))}</span>
                                    <small class="muted">{t(Msg::LastSeen)}": "{format_datetime(b.last_seen_at)}</small>
                                </a>
                            }).collect_view()}
                        </div>
                        {(pages > 1 || shown > 0).then(|| view! {
                            <nav class="pager" data-testid="board-pager">
                                {(shown > 0).then(|| view! {
                                    <A href=format!("/proctor?page={}", (shown - 1).min(pages - 1))>{t(Msg::Previous)}</A>
                                })}
                                <span data-testid="board-page">{move || page_of().replace("{page}", &(shown + 1).to_string()).replace("{pages}", &pages.to_string())}</span>
                                {(shown + 1 < pages).then(|| view! {
                                    <A href=format!("/proctor?page={}", shown + 1)>{t(Msg::Next)}</A>
                                })}
                            </nav>
                        })}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    view! { <RequireUser><TimelineView/></RequireUser> }
}

#[component]
fn TimelineView() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let review = ServerAction::<ReviewViolation>::new();
    let verdict = ServerAction::<GiveVerdict>::new();
    let decide = ServerAction::<DecideAppeal>::new();
    let reopen = ServerAction::<ReopenAppeal>::new();
    let extend = ServerAction::<ExtendAttempt>::new();
    let extended = times_given(extend);
    let data = Resource::new(
        move || (id(), review.version().get(), verdict.version().get(), decide.version().get(), reopen.version().get(), extended.get()),
        |(id, ..)| attempt_timeline(id),
    );
    let review_error = action_error(review);
    let verdict_error = action_error(verdict);
    let decide_error = action_error(decide);
    let reopen_error = action_error(reopen);
    view! {
        <section class="card wide">
            <p><a href="/proctor">{t(Msg::ProctorBoard)}</a></p>
            <FormStatus error=review_error/>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(tl) => {
                        let aid = tl.head.attempt_id;
                        let finished = tl.head.submitted;
                        let appeal_pending = tl.appeal.as_ref().is_some_and(|a| a.status == "pending");
                        let mine = tl.verdict_is_mine;
                        // Once appealed, the verdict form is gone: the appeal decides, and a
                        // decided one is final unless a reviewer above both reopens it.
                        let appealed = tl.appeal.is_some();
                        let appeal_decided = appealed && !appeal_pending;
                        let may_reopen = tl.may_reopen;
                        view! {
                            <h1>{tl.head.student_name.clone()}</h1>
                            <p class="muted">{tl.head.exam_title.clone()}" · "{tl.head.group_name.clone()}" · "{format_datetime(tl.head.started_at)}</p>
                            <p class="actions"><a href=format!("/export/proctor/attempt/{aid}.pdf") rel="external" download data-testid="attempt-pdf">{t(Msg::AttemptReportPdf)}</a></p>
                            <dl class="facts">
                                <dt>{t(Msg::Score)}</dt><dd>{tl.score.map(|s| format!("{s} / {}", tl.max_points.unwrap_or(0)))}</dd>
                                <dt>{t(Msg::CaptureLabel)}</dt><dd data-testid="capture" data-capture=tl.head.capture.code()>{t(tl.head.capture.msg())}</dd>
                                <dt>{t(Msg::Risk)}</dt><dd data-testid="risk">{tl.head.risk}</dd>
                                <dt>{t(Msg::Verdict)}</dt><dd data-testid="verdict">{t(verdict_msg(&tl.head.verdict))}{tl.verdict_by.clone().map(|n| format!(" · {n}"))}" "{tl.verdict_comment.clone()}</dd>
                                {(!finished).then(|| view! {
                                    <dt>{t(Msg::AttemptDeadline)}</dt><dd data-testid="attempt-deadline">{format_datetime(tl.head.deadline_at)}</dd>
                                })}
                            </dl>
                            // While the candidate sits, a proctor of the group may give more time.
                            {(!finished).then(|| view! { <ExtendAttemptForm attempt_id=aid extend=extend/> })}
                            <h2>{t(Msg::Violations)}</h2>
                            <table class="list" data-testid="violations">
                                <thead><tr><th>{t(Msg::Time)}</th><th>{t(Msg::Violation)}</th><th>{t(Msg::Confidence)}</th><th>{t(Msg::Evidence)}</th><th>{t(Msg::Status)}</th><th></th></tr></thead>
                                <tbody>
                                    {tl.violations.iter().cloned().map(|v| {
                                        let vid = v.id;
                                        let open = v.status == "open";
                                        view! {
                                            <tr data-testid="violation" data-kind=v.kind.clone() data-status=v.status.clone()>
                                                <td>{format_datetime(v.at)}</td>
                                                <td>{t(violation_msg(&v.kind))}</td>
                                                <td>{v.confidence}"%"</td>
                                                <td>{v.evidence_id.map(|e| view! { <a href=format!("/api/proctor/image/{e}") rel="external" target="_blank"><img src=format!("/api/proctor/image/{e}") alt="" width="96" height="72"/></a> })}</td>
                                                <td>{t(status_msg(&v.status))}{v.reviewer.clone().map(|n| format!(" · {n}"))}" "{v.comment.clone()}</td>
                                                <td>
                                                    <Show when=move || open>
                                                        <ActionForm action=review attr:class="row-form">
                                                            <input type="hidden" name="violation_id" value=vid/>
                                                            <label>{t(Msg::Comment)}<input name="comment"/></label>
                                                            <button type="submit" name="decision" value="confirm" data-testid="confirm-violation">{t(Msg::Confirm)}</button>
                                                            <button type="submit" name="decision" value="dismiss">{t(Msg::Dismiss)}</button>
                                                        </ActionForm>
                                                    </Show>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Show when=move || finished && !appealed>
                                <h2>{t(Msg::Verdict)}</h2>
                                <ActionForm action=verdict attr:data-testid="verdict-form">
                                    <FormStatus error=verdict_error/>
                                    <input type="hidden" name="attempt_id" value=aid/>
                                    <Field label=Msg::Comment name="comment" error=verdict_error/>
                                    <button type="submit" name="verdict" value="valid" class="primary">{t(Msg::VerdictValid)}</button>" "
                                    <button type="submit" name="verdict" value="annulled">{t(Msg::Annul)}</button>
                                </ActionForm>
                            </Show>
                            {tl.appeal.clone().map(|a| view! {
                                <h2>{t(Msg::Appeal)}</h2>
                                <p>{a.text.clone()}</p>
                                <p class="muted">{format_datetime(a.created_at)}" · "{a.status.clone()}{a.reviewer.clone().map(|n| format!(" · {n}"))}" "{a.comment.clone()}</p>
                                <Show when=move || appeal_pending && !mine>
                                    <ActionForm action=decide>
                                        <FormStatus error=decide_error/>
                                        <input type="hidden" name="attempt_id" value=aid/>
                                        <Field label=Msg::Comment name="comment" error=decide_error required=true/>
                                        <button type="submit" name="decision" value="upheld">{t(Msg::AppealUphold)}</button>" "
                                        <button type="submit" name="decision" value="rejected">{t(Msg::AppealReject)}</button>
                                    </ActionForm>
                                </Show>
                                <Show when=move || appeal_pending && mine>
                                    <p class="hint">{t(Msg::ErrSecondReviewer)}</p>
                                </Show>
                                <Show when=move || appeal_decided && !may_reopen>
                                    <p class="hint" data-testid="appeal-final">{t(Msg::ErrAppealFinal)}</p>
                                </Show>
                                <Show when=move || appeal_decided && may_reopen>
                                    <h3>{t(Msg::AppealReopen)}</h3>
                                    <p class="hint">{t(Msg::AppealReopenHint)}</p>
                                    <ActionForm action=reopen attr:data-testid="reopen-form">
                                        <FormStatus error=reopen_error/>
                                        <input type="hidden" name="attempt_id" value=aid/>
                                        <Field label=Msg::Comment name="comment" error=reopen_error required=true/>
                                        <button type="submit" name="decision" value="upheld">{t(Msg::AppealUphold)}</button>" "
                                        <button type="submit" name="decision" value="rejected">{t(Msg::AppealReject)}</button>
                                    </ActionForm>
                                </Show>
                            })}
                            <h2>{t(Msg::Evidence)}</h2>
                            <div class="evidence" data-testid="evidence">
                                {tl.evidence.iter().cloned().map(|e| view! {
                                    <figure data-kind=e.kind.clone()>
                                        {(!e.purged).then(|| view! { <img src=format!("/api/proctor/image/{}", e.id) alt="" loading="lazy" width=if e.kind == "webcam" { "160" } else { "240" }/> })}
                                        <figcaption>{format_datetime(e.at)}{e.faces_server.or(e.faces_client).map(|n| format!(" · {n}"))}
                                            {recheck_msg(&e.recheck).map(|m| view! { <small class="muted" data-testid="recheck" data-recheck=e.recheck.clone()>" · "{t(m)}</small> })}
                                        </figcaption>
                                    </figure>
                                }).collect_view()}
                            </div>
                            <h2>{t(Msg::Events)}</h2>
                            <ul class="events" data-testid="events">
                                {tl.events.iter().cloned().map(|e| view! { <li data-kind=e.kind.clone()>{format_datetime(e.at)}" · "{t(event_msg(&e.kind))}" "{e.detail.clone()}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// What a reviewer needs to know about the server's re-check of a snapshot: nothing when it
/// was done (the count shown is the server's) or never due (the count is the browser's).
fn recheck_msg(state: &str) -> Option<Msg> {
    match state {
        "due" => Some(Msg::RecheckDue),
        "missed" => Some(Msg::RecheckMissed),
        "failed" => Some(Msg::RecheckFailed),
        _ => None,
    }
}
