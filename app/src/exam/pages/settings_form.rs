//! The fields of an exam's settings, one component for the new exam's form, the duplicate's and
//! the edit page's: a field added here (and to `exam::settings::ExamSettings` and `SettingsForm`)
//! appears in all three. The surrounding form says what it sends to (create or update) and adds
//! its own fields (the journal for a new exam, the exam's id for an edit).

use crate::error::AppError;
use crate::exam::dto::JournalChoice;
use crate::exam::review::{ReviewPart, ReviewWhen};
use crate::exam::settings::ExamSettings;
use crate::i18n::{t, Msg};
use crate::ui::time::format_local_input;
use crate::ui::Field;
use leptos::prelude::*;

/// The settings' fields, filled from `initial`. `journal`: the exam's journal (its lessons for
/// the mark, its bank's topics for the draw plan). `choose_form`: the form (test, ticket,
/// offline) can be chosen; an existing exam's cannot change, and its form then only decides
/// which fields show.
#[component]
pub fn ExamSettingsFields(
    initial: ExamSettings,
    #[prop(into)] journal: Signal<Option<JournalChoice>>,
    error: Signal<Option<AppError>>,
    #[prop(optional)] choose_form: bool,
) -> impl IntoView {
    let form = RwSignal::new(initial.form.clone());
    let time = |ms: i64| if ms > 0 { format_local_input(ms) } else { String::new() };
    let s = initial.clone();
    let field_error = move |name: &'static str| crate::ui::field_error(error, name);
    let lesson_id = initial.lesson_id;
    view! {
        <Field label=Msg::Title name="title" error=error required=true value=s.title.clone()/>
        {if choose_form {
            view! {
                <div class="field">
                    <label for="f-form">{t(Msg::ExamFormLabel)}</label>
                    <select id="f-form" name="form" data-testid="exam-form-kind" on:change=move |ev| form.set(event_target_value(&ev))>
                        <option value="test" selected=s.form == "test">{t(Msg::FormTest)}</option>
                        <option value="ticket" selected=s.form == "ticket">{t(Msg::FormTicket)}</option>
                        <option value="offline" selected=s.form == "offline">{t(Msg::FormOffline)}</option>
                    </select>
                </div>
            }
            .into_any()
        } else {
            let kind = match s.form.as_str() {
                "ticket" => Msg::FormTicket,
                "offline" => Msg::FormOffline,
                _ => Msg::FormTest,
            };
            view! { <p><span class="muted">{t(Msg::ExamFormLabel)}": "</span>{t(kind)}</p> }.into_any()
        }}
        <Field label=Msg::ExamOpens name="opens_at" kind="datetime-local" error=error required=true value=time(s.opens_at)/>
        <Field label=Msg::ExamCloses name="closes_at" kind="datetime-local" error=error required=true value=time(s.closes_at)/>
        {
            let duration = if s.duration_min > 0 { s.duration_min.to_string() } else { String::new() };
            view! {
                <Show when=move || form.get() != "offline" fallback=|| view! { <input type="hidden" name="duration_min" value=""/> }>
                    <Field label=Msg::DurationMinutes name="duration_min" kind="number" error=error required=true value=duration.clone()/>
                </Show>
            }
        }
        <div class="field" class:invalid=move || field_error("tickets").get().is_some() class:hidden=move || form.get() != "ticket">
            <label for="f-tickets">{t(Msg::TicketsLabel)}</label>
            <textarea id="f-tickets" name="tickets" rows="8" data-testid="tickets" prop:value=s.tickets_text()></textarea>
            <p class="hint">{t(Msg::TicketsHint)}</p>
            {move || field_error("tickets").get().map(|m| view! { <p class="error">{t(m)}</p> })}
        </div>
        // Always sent (the server functions take it), shown for the test form only.
        <div class="field" class:invalid=move || field_error("draw").get().is_some() class:hidden=move || form.get() != "test">
            <label for="f-draw">{t(Msg::ExamDraw)}</label>
            <textarea id="f-draw" name="draw" rows="3" placeholder=move || format!("{}: 5", t(Msg::Topic)()) prop:value=s.draw_text()></textarea>
            <p class="hint">{t(Msg::ExamDrawHint)}" "
                {move || journal.get().map(|j| j.topics.iter().map(|(t, n)| format!("{t}: {n}")).collect::<Vec<_>>().join(" · "))}
            </p>
            {move || field_error("draw").get().map(|m| view! { <p class="error">{t(m)}</p> })}
        </div>
        <div class="field" class:invalid=move || field_error("lesson_id").get().is_some()>
            <label for="f-lesson_id">{t(Msg::ExamLesson)}</label>
            <select id="f-lesson_id" name="lesson_id">
                <option value="">"—"</option>
                {move || journal.get().map(|j| j.lessons.iter().map(|(id, label)| {
                    let id = *id;
                    view! { <option value=id selected=lesson_id == Some(id)>{label.clone()}</option> }
                }).collect_view())}
            </select>
            {move || field_error("lesson_id").get().map(|m| view! { <p class="error">{t(m)}</p> })}
        </div>
        <AttemptsFields error=error offline=Signal::derive(move || form.get() == "offline")
            allowed=initial.attempts_allowed method=initial.grading_method/>
        <div class:hidden=move || form.get() == "offline">
            <CheckField name="proctored" label=Msg::Proctored checked=initial.proctored error=error/>
            <CheckField name="allow_unproctored" label=Msg::AllowUnproctored checked=initial.allow_unproctored error=error/>
            <crate::proctor::pages::ProctorModeField selected=initial.proctor_mode/>
            {move || field_error("proctor_mode").get().map(|m| view! { <p class="error">{t(m)}</p> })}
            <details>
                <summary>{t(Msg::ProctorSettingsTitle)}</summary>
                <Field label=Msg::SnapshotInterval name="snapshot_interval_s" kind="number" error=error value=initial.snapshot_interval_s.to_string()/>
                <Field label=Msg::ScreenInterval name="screen_interval_s" kind="number" error=error value=initial.screen_interval_s.to_string()/>
                <Field label=Msg::NoFaceFrames name="no_face_frames" kind="number" error=error value=initial.no_face_frames.to_string()/>
                <Field label=Msg::RetentionDays name="retention_days" kind="number" error=error value=initial.retention_days.to_string()/>
            </details>
        </div>
        <fieldset class="review-options" data-testid="review-options">
            <legend>{t(Msg::ReviewOptionsTitle)}</legend>
            <p class="hint">{t(Msg::ReviewOptionsHint)}</p>
            {ReviewPart::ALL.into_iter().map(|part| {
                let chosen = initial.review.when(part);
                let name = part.field();
                let id = format!("f-{name}");
                view! {
                    <div class="field" class:invalid=move || field_error(name).get().is_some()>
                        <label for=id.clone()>{t(part.msg())}</label>
                        <select id=id name=name>
                            {ReviewWhen::ALL.into_iter().map(|w| view! { <option value=w.code() selected=w == chosen>{t(w.msg())}</option> }).collect_view()}
                        </select>
                        {move || field_error(name).get().map(|m| view! { <p class="error">{t(m)}</p> })}
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A checkbox sent as "on" when ticked, with its error below (an edit refused after opening).
#[component]
fn CheckField(name: &'static str, label: Msg, checked: bool, error: Signal<Option<AppError>>) -> impl IntoView {
    let msg = crate::ui::field_error(error, name);
    view! {
        <label class="check"><input type="checkbox" name=name value="on" checked=checked/>" "{t(label)}</label>
        {move || msg.get().map(|m| view! { <p class="error">{t(m)}</p> })}
    }
}

/// "Attempts allowed" and "grading method" of the exam form (hidden for an offline exam, which
/// is one mark), in the settings every exam form shares.
#[component]
pub fn AttemptsFields(
    error: Signal<Option<AppError>>,
    offline: Signal<bool>,
    #[prop(default = 1)] allowed: i64,
    #[prop(default = crate::exam::attempts::GradingMethod::Highest)] method: crate::exam::attempts::GradingMethod,
) -> impl IntoView {
    use crate::exam::attempts::{GradingMethod, MAX_ATTEMPTS};
    let failed = move |name: &'static str| crate::ui::field_error(error, name);
    view! {
        <div class="field" class:hidden=move || offline.get() class:invalid=move || failed("attempts_allowed").get().is_some()>
            <label for="f-attempts_allowed">{t(Msg::AttemptsAllowed)}</label>
            <input id="f-attempts_allowed" name="attempts_allowed" type="number" min="1" max=MAX_ATTEMPTS value=allowed data-testid="attempts-allowed"/>
            {move || failed("attempts_allowed").get().map(|m| view! { <p class="error">{t(m)}</p> })}
        </div>
        <div class="field" class:hidden=move || offline.get() class:invalid=move || failed("grading_method").get().is_some()>
            <label for="f-grading_method">{t(Msg::GradingMethodLabel)}</label>
            <select id="f-grading_method" name="grading_method" data-testid="grading-method">
                {GradingMethod::ALL.into_iter().map(|m| view! { <option value=m.code() selected={m == method}>{t(m.msg())}</option> }).collect_view()}
            </select>
            <p class="hint">{t(Msg::GradingMethodHint)}</p>
            {move || failed("grading_method").get().map(|m| view! { <p class="error">{t(m)}</p> })}
        </div>
    }
}
