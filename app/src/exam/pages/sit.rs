//! The proctoring part of sitting an exam. The device check (PRC-3) comes before the attempt
//! exists (`/exams/:id/sit`), so its minutes do not count against the time limit; the streams it
//! opened are handed to the attempt page, whose capture panel runs beside the questions for the
//! rest of the attempt. After a reload of the attempt page the check runs again there (the
//! browser may grant the devices again without asking) while the server's timer goes on; the
//! outbox sends what the previous page left at once, check or not.

use crate::auth::shell::RequireUser;
use crate::exam::api::{before_start, StartAttempt};
use crate::exam::dto::StartInfo;
use crate::i18n::{t, Msg};
use crate::proctor::client::rules::ScreenNeed;
use crate::proctor::pages::{DeviceCheck, ProctorPanel};
use crate::proctor::settings::{Capture, ProctorMode, ProctorSettings};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[component]
pub fn ExamProctoring(attempt_id: i64, settings: ProctorSettings, started: RwSignal<bool>) -> impl IntoView {
    // Whether the candidate passed the check (false: chose to go on without proctoring).
    let capturing = RwSignal::new(false);
    // Whether the browser has looked for the sit page's streams. Until then no check is shown:
    // coming from the sit page (every candidate at a synchronised start) it is not needed, and
    // its consent step would ask the server for nothing.
    let decided = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::proctor::client::devices;
            crate::proctor::client::outbox::flush_on_load(attempt_id);
            // Coming from the check before the start: its streams are still live, go on with them.
            let live = |s: Option<web_sys::MediaStream>| s.is_some_and(|s| devices::is_live(&s));
            if live(devices::camera()) && (!settings.require_screen || live(devices::screen())) {
                capturing.set(true);
                started.set(true);
            } else if settings.allow_unproctored && unproctored_chosen(attempt_id) {
                started.set(true);
            }
            decided.set(true);
        }
    });
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        crate::proctor::client::devices::stop_all();
    });
    // The attempt's capture was fixed at its start: a reload asks for the same devices.
    let need = if settings.require_screen { ScreenNeed::Required } else { ScreenNeed::Never };
    let on_start = Callback::new(move |_: Capture| {
        capturing.set(true);
        started.set(true);
    });
    view! {
        <Show
            when=move || !started.get()
            fallback=move || view! { <Show when=move || capturing.get()><ProctorPanel attempt_id=attempt_id settings=settings/></Show> }
        >
            <Show when=move || decided.get()>
                <section class="device-check-box">
                    <h2>{t(Msg::DeviceCheckTitle)}</h2>
                    <DeviceCheck need=need without=without_consent(settings.allow_unproctored) on_start=on_start/>
                    {settings.allow_unproctored.then(|| view! {
                        <p><button type="button" class="link" data-testid="continue-unproctored" on:click=move |_| { remember_unproctored(attempt_id); started.set(true); }>{t(Msg::ContinueUnproctored)}</button></p>
                    })}
                </section>
            </Show>
        </Show>
    }
    .into_any()
}

/// What the consent step says happens without consent: the exam may be sat without
/// proctoring, or cannot be sat online at all.
fn without_consent(allow_unproctored: bool) -> Msg {
    if allow_unproctored {
        Msg::ConsentWithoutUnproctored
    } else {
        Msg::ConsentWithoutNoOnline
    }
}

/// The candidate chose to sit without proctoring (the exam allows it): remembered for the tab,
/// so the attempt page does not ask for the devices again.
fn remember_unproctored(attempt_id: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(&format!("talap-unproctored-{attempt_id}"), "1");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = attempt_id;
}

#[cfg(feature = "hydrate")]
fn unproctored_chosen(attempt_id: i64) -> bool {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(&format!("talap-unproctored-{attempt_id}")).ok().flatten())
        .is_some()
}

/// "/exams/:id/sit": the exam's facts and the device check; the attempt (and its timer) starts
/// only from here, once the check has passed (or without proctoring where the exam allows it).
#[component]
pub fn SitPage() -> impl IntoView {
    view! { <RequireUser><BeforeStartLoader/></RequireUser> }
}

#[component]
fn BeforeStartLoader() -> impl IntoView {
    let id = crate::ui::id_param();
    let info = Resource::new(id, before_start);
    view! {
        <section class="card wide exam">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || info.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(b) => view! { <BeforeStartView b=b/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BeforeStartView(b: StartInfo) -> impl IntoView {
    let start = ServerAction::<StartAttempt>::new();
    let error = action_error(start);
    let exam_id = b.exam.id;
    let settings = b.settings;
    // Set when the attempt page takes the streams over; otherwise leaving stops them.
    let handed_over = Arc::new(AtomicBool::new(false));
    let unproctored = Arc::new(AtomicBool::new(false));
    let navigate = leptos_router::hooks::use_navigate();
    {
        let (handed_over, unproctored) = (handed_over.clone(), unproctored.clone());
        Effect::new(move |_| {
            if let Some(Ok(id)) = start.value().get() {
                handed_over.store(true, Ordering::Relaxed);
                if unproctored.load(Ordering::Relaxed) {
                    remember_unproctored(id);
                }
                navigate(&format!("/exams/attempt/{id}"), Default::default());
            }
        });
    }
    {
        let handed_over = handed_over.clone();
        on_cleanup(move || {
            #[cfg(feature = "hydrate")]
            if !handed_over.load(Ordering::Relaxed) {
                crate::proctor::client::devices::stop_all();
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = handed_over;
        });
    }
    let go = Callback::new(move |capture: Capture| {
        start.dispatch(StartAttempt { exam_id, capture: capture.code().to_string() });
    });
    let go_unproctored = move |_| {
        unproctored.store(true, Ordering::Relaxed);
        start.dispatch(StartAttempt { exam_id, capture: String::new() });
    };
    // A computer-only exam asks for the screen; one for any device asks where the browser can.
    let need = match settings.mode {
        ProctorMode::Computer => ScreenNeed::Required,
        ProctorMode::AnyDevice => ScreenNeed::IfPossible,
    };
    let e = b.exam.clone();
    view! {
        <h1>{e.title.clone()}</h1>
        <dl class="facts">
            <dt>{t(Msg::Subject)}</dt><dd>{e.subject.clone()}</dd>
            <dt>{t(Msg::ExamWindow)}</dt><dd>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}</dd>
            <dt>{t(Msg::DurationMinutes)}</dt><dd>{e.duration_min}{(e.extra_min > 0).then(|| view! { " ("{t(Msg::ExtraTimeIncluded)}": +"{e.extra_min}")" })}</dd>
            {settings.proctored.then(|| view! {
                <dt>{t(Msg::ProctorModeLabel)}</dt><dd data-testid="proctor-mode" data-mode=settings.mode.code()>{t(settings.mode.msg())}</dd>
            })}
        </dl>
        {(e.attempts_allowed > 1).then(|| {
            use crate::exam::pages::list::{attempt_of, grade_text};
            let n = b.next_attempt.unwrap_or(e.attempts_made);
            view! {
                <dl class="facts" data-testid="attempts">
                    <dt>{t(Msg::AttemptsAllowed)}</dt><dd data-testid="attempt-of">{attempt_of(Msg::AttemptOf, n, e.attempts_allowed)}</dd>
                    <dt>{t(Msg::GradingMethodLabel)}</dt><dd>{t(e.grading_method.msg())}</dd>
                    {(e.attempts_made > 0).then(|| view! { <dt>{t(Msg::GradeSoFar)}</dt><dd data-testid="grade-so-far">{grade_text(e.grade)}</dd> })}
                </dl>
            }
        })}
        <p class="hint" data-testid="timer-starts-hint">{t(Msg::TimerStartsHint)}</p>
        <FormStatus error=error/>
        {match (b.attempt_id, b.no_start) {
            (Some(id), Some(why)) => view! {
                <p class="banner" role="status" data-testid="no-start">{t(why)}</p>
                <p><a href=format!("/exams/attempt/{id}")>{t(Msg::ExamResult)}</a></p>
            }.into_any(),
            (Some(id), _) => view! { <p><a class="button primary" href=format!("/exams/attempt/{id}")>{t(Msg::ContinueExam)}</a></p> }.into_any(),
            (None, Some(why)) => view! { <p class="banner" role="status" data-testid="no-start">{t(why)}</p> }.into_any(),
            (None, None) if settings.proctored => view! {
                <section class="device-check-box">
                    <h2>{t(Msg::DeviceCheckTitle)}</h2>
                    <DeviceCheck need=need without=without_consent(settings.allow_unproctored) kept_days=b.retention_days on_start=go/>
                    {settings.allow_unproctored.then(|| view! {
                        <p><button type="button" class="link" data-testid="continue-unproctored" on:click=go_unproctored.clone()>{t(Msg::ContinueUnproctored)}</button></p>
                    })}
                </section>
            }.into_any(),
            (None, None) => view! {
                <button type="button" class="primary" data-testid="begin-exam" on:click=move |_| go.run(Capture::Screen) disabled=move || start.pending().get()>
                    {t(if b.next_attempt.unwrap_or(1) > 1 { Msg::StartAnotherAttempt } else { Msg::StartExam })}
                </button>
            }.into_any(),
        }}
        <p><a href="/exams">{t(Msg::Exams)}</a></p>
    }
    .into_any()
}
