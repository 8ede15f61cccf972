//! The candidate's side of proctoring: the device check (PRC-3), before an attempt and on its own
//! page (`/proctor/check`, to try the devices before the exam day), and the small capture panel
//! shown while sitting. The work is done by `client` in the browser; these components show it.

use super::client::rules::{clock, faces_msg, screen_step, ScreenNeed, ScreenStep};
use super::client::status::{CaptureStatus, CheckSteps, Step};
use super::settings::{Capture, ProctorMode, ProctorSettings};
use crate::auth::shell::RequireUser;
use crate::consent::model::Purpose;
use crate::consent::page::ConsentGate;
use crate::i18n::{t, use_locale, Msg};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn DeviceCheckRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/proctor/check") view=DeviceCheckPage/> }.into_inner()
}

#[component]
pub fn DeviceCheckPage() -> impl IntoView {
    // The devices opened here are this page's: stopped when it is left.
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        super::client::devices::stop_all();
    });
    view! {
        <RequireUser>
            <section class="card device-check-page">
                <h1>{t(Msg::DeviceCheckTitle)}</h1>
                <p>{t(Msg::DeviceCheckPageIntro)}</p>
                <DeviceCheck need=ScreenNeed::IfPossible without=Msg::ConsentWithoutCheck/>
            </section>
        </RequireUser>
    }
    .into_any()
}

/// One line of the check: the step's name, its state, its message and a "try again".
#[component]
fn StepRow(
    name: Msg,
    step: RwSignal<Step>,
    testid: &'static str,
    #[prop(optional)] action: Option<(Msg, Callback<()>)>,
    #[prop(optional)] retry: Option<Callback<()>>,
    /// "Try again" also once passed (another test photo).
    #[prop(optional)]
    retake: bool,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class=move || format!("check-step {}", step.get().class()) data-testid=testid data-state=move || step.get().class()>
            <span class="check-name">{t(name)}</span>
            <span class="check-state">{move || step.get().label().text(locale.get())}</span>
            {move || step.get().error().map(|m| view! { <p class="banner error" role="alert" data-testid=format!("{testid}-error")>{t(m)}</p> })}
            {action.map(|(label, run)| view! {
                <Show when=move || matches!(step.get(), Step::Waiting)>
                    <button type="button" class="primary" data-testid=format!("{testid}-start") on:click=move |_| run.run(())>{t(label)}</button>
                </Show>
            })}
            {retry.map(|run| view! {
                <Show when=move || matches!(step.get(), Step::Failed(_)) || (retake && step.get().passed())>
                    <button type="button" data-testid=format!("{testid}-retry") on:click=move |_| run.run(())>{t(Msg::TryAgain)}</button>
                </Show>
            })}
        </li>
    }
    .into_any()
}

/// The device check: camera permission, live picture, a test snapshot the server acknowledges
/// (with its face count), and the entire-screen share where `need` asks for it and the browser
/// can give it. A browser that cannot share (every phone) skips that step where the exam allows
/// any device, and is told the exam needs a computer where it does not, before anything starts.
/// With `on_start`, a start button is enabled once every required step has passed (it also
/// puts the page in full screen) and reports what the capture will be; without, the candidate
/// is told the devices are ready. The opened streams stay with the page (`client::devices`) for
/// the capture panel.
///
/// Nothing is opened before the person consents to proctoring (`ConsentGate`): `without` says
/// what happens without consent on this page, `kept_days` how long the exam keeps its images.
#[component]
pub fn DeviceCheck(
    need: ScreenNeed,
    without: Msg,
    #[prop(optional)] kept_days: Option<i64>,
    #[prop(optional)] on_start: Option<Callback<Capture>>,
) -> impl IntoView {
    // The server renders the check as for a computer; the browser knows whether it can share.
    let screen_mode = RwSignal::new(screen_step(need, true));
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        screen_mode.set(screen_step(need, super::client::screen::can_share()));
    });
    // A phone that cannot sit this exam is told so first, before any consent is asked for.
    view! {
        <Show
            when=move || screen_mode.get() != ScreenStep::NeedsComputer
            fallback=|| view! { <p class="banner error" role="alert" data-testid="needs-computer">{t(Msg::ErrExamNeedsComputer)}</p> }
        >
            <ConsentGate purpose=Purpose::Proctoring without=without kept_days=kept_days>
                <DeviceSteps screen_mode=screen_mode on_start=on_start/>
            </ConsentGate>
        </Show>
    }
}

#[component]
fn DeviceSteps(screen_mode: RwSignal<ScreenStep>, on_start: Option<Callback<Capture>>) -> impl IntoView {
    let steps = CheckSteps::new(screen_mode.get_untracked() == ScreenStep::Ask);
    Effect::new(move |_| steps.require_screen.set(screen_mode.get() == ScreenStep::Ask));
    let video = NodeRef::<leptos::html::Video>::new();
    let camera = Callback::new(move |_: ()| {
        #[cfg(feature = "hydrate")]
        super::client::check::start_camera(steps, video.get_untracked());
        #[cfg(not(feature = "hydrate"))]
        let _ = (steps, video);
    });
    let snapshot = Callback::new(move |_: ()| {
        #[cfg(feature = "hydrate")]
        super::client::check::retry_snapshot(steps, video.get_untracked());
    });
    let screen = Callback::new(move |_: ()| {
        #[cfg(feature = "hydrate")]
        super::client::check::share_screen(steps);
    });
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        super::client::session::enter_fullscreen();
        if let Some(f) = on_start {
            f.run(if steps.require_screen.get_untracked() { Capture::Screen } else { Capture::Camera });
        }
    };
    let locale = use_locale();
    view! {
        <div class="device-check" data-testid="device-check" data-capture=move || if steps.require_screen.get() { "screen" } else { "camera" }>
            <p class="muted">{t(Msg::DeviceCheckIntro)}</p>
            <ol class="check-steps">
                <StepRow name=Msg::CheckStepCamera step=steps.camera testid="check-camera" action=(Msg::TurnOnCamera, camera) retry=camera/>
                <StepRow name=Msg::CheckStepPreview step=steps.preview testid="check-preview" retry=camera/>
                <StepRow name=Msg::CheckStepSnapshot step=steps.snapshot testid="check-snapshot" retry=snapshot retake=true/>
                <Show when=move || steps.require_screen.get()>
                    <StepRow name=Msg::CheckStepScreen step=steps.screen testid="check-screen" action=(Msg::ShareEntireScreen, screen) retry=screen/>
                </Show>
            </ol>
            <Show when=move || !steps.require_screen.get()>
                <p class="hint" data-testid="camera-only-hint">{t(Msg::CameraOnlyHint)}</p>
            </Show>
            <video class="check-preview" node_ref=video width="320" height="240" muted=true autoplay=true playsinline=true
                class:live=move || steps.preview.get().passed() data-testid="check-video"></video>
            {move || steps.faces.get().map(|n| view! {
                <p class=if n == 1 { "banner ok" } else { "banner warning" } data-testid="check-faces" data-faces=n>{faces_msg(n).text(locale.get())}</p>
            })}
            <Show when=move || steps.second_screen.get()>
                <p class="banner warning" data-testid="check-second-screen">{t(Msg::SecondScreenWarning)}</p>
            </Show>
            {match on_start {
                Some(_) => view! {
                    <button type="button" class="primary" data-testid="begin-exam" disabled=move || !steps.ready() on:click=start>{t(Msg::StartExam)}</button>
                }.into_any(),
                None => view! {
                    <Show when=move || steps.ready()>
                        <p class="banner ok" data-testid="devices-ready">{t(Msg::DevicesReady)}</p>
                    </Show>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

/// The teacher's or the operator's choice of devices for a proctored exam or olympiad stage.
#[component]
pub fn ProctorModeField(
    #[prop(into)] selected: Signal<ProctorMode>,
    /// The select's id, where a page holds several of these forms.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| "f-proctor_mode".to_string());
    view! {
        <div class="field">
            <label for=id.clone()>{t(Msg::ProctorModeLabel)}</label>
            <select id=id name="proctor_mode" data-testid="proctor-mode-field">
                {ProctorMode::ALL.into_iter().map(|m| view! { <option value=m.code() selected=move || selected.get() == m>{t(m.msg())}</option> }).collect_view()}
            </select>
            <p class="hint">{t(Msg::ProctorModeHint)}</p>
        </div>
    }
}

/// The status while sitting: camera and screen on or off, the faces in the last frame, when
/// evidence last reached the server and what still waits in the outbox; a prompt to turn the
/// camera or the screen share back on when it stopped. Starts the capture session on mount and
/// stops it when the attempt page is left.
#[component]
pub fn ProctorPanel(attempt_id: i64, settings: ProctorSettings) -> impl IntoView {
    let status = CaptureStatus::new(settings.require_screen);
    let preview = NodeRef::<leptos::html::Video>::new();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        super::client::session::start(attempt_id, settings, status, preview.get_untracked());
        #[cfg(not(feature = "hydrate"))]
        let _ = (attempt_id, settings, preview);
    });
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        super::client::session::stop();
    });
    let locale = use_locale();
    let on_off = move |on: bool| if on { Msg::StateOn.text(locale.get()) } else { Msg::StateOff.text(locale.get()) };
    let reopen_camera = move |_| {
        #[cfg(feature = "hydrate")]
        super::client::session::reopen_camera(status);
    };
    let reshare_screen = move |_| {
        #[cfg(feature = "hydrate")]
        super::client::session::reshare_screen(status);
    };
    view! {
        <aside class="proctor-panel" data-testid="proctor-panel" aria-label=move || Msg::ProctorPanelTitle.text(locale.get())>
            <strong>{t(Msg::ProctorPanelTitle)}</strong>
            // What the camera sends, small and inline (a phone would otherwise open its player).
            <video class="panel-preview" node_ref=preview width="64" height="64" muted=true autoplay=true playsinline=true
                aria-hidden="true" data-testid="panel-preview"></video>
            <dl>
                <dt>{t(Msg::PanelCamera)}</dt>
                <dd data-testid="proctor-camera" class:off=move || !status.camera_on.get()>{move || on_off(status.camera_on.get())}</dd>
                {settings.require_screen.then(|| view! {
                    <dt>{t(Msg::PanelScreen)}</dt>
                    <dd data-testid="proctor-screen" class:off=move || !status.screen_on.get()>{move || on_off(status.screen_on.get())}</dd>
                })}
                <dt>{t(Msg::PanelFaces)}</dt>
                <dd data-testid="proctor-faces">{move || status.faces.get().map_or_else(|| "—".to_string(), |n| n.to_string())}</dd>
                <dt>{t(Msg::PanelLastSent)}</dt>
                <dd data-testid="proctor-last-sent">{move || status.last_sent_at.get().map_or_else(|| "—".to_string(), clock)}</dd>
                <dt>{t(Msg::PanelQueued)}</dt>
                <dd data-testid="proctor-queued">{move || status.queued.get()}</dd>
                <dt>{t(Msg::PanelSent)}</dt>
                <dd data-testid="proctor-sent">{move || status.sent.get()}</dd>
            </dl>
            <Show when=move || !status.online.get()>
                <p class="banner warning" data-testid="proctor-offline">{t(Msg::PanelOffline)}</p>
            </Show>
            <Show when=move || !status.camera_on.get()>
                <div class="reshare" data-testid="reshare-camera">
                    <p>{t(Msg::CameraStoppedPrompt)}</p>
                    <button type="button" class="primary" on:click=reopen_camera>{t(Msg::TurnOnCamera)}</button>
                </div>
            </Show>
            <Show when=move || settings.require_screen && !status.screen_on.get()>
                <div class="reshare" data-testid="reshare-screen">
                    <p>{t(Msg::ScreenStoppedPrompt)}</p>
                    <button type="button" class="primary" on:click=reshare_screen>{t(Msg::ShareEntireScreen)}</button>
                </div>
            </Show>
            {move || status.problem.get().map(|m| view! { <p class="banner error" role="alert">{t(m)}</p> })}
        </aside>
    }
    .into_any()
}
