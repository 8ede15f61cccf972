//! The operator's stage-1 section of a campaign (OLY-3): prepare the stage (paper length and
//! duration; every participant seated in their variant), watch each variant's progress and
//! whether the bank holds enough questions, and close the window to collect the results. The
//! candidates themselves sit each variant on the exam pages (`/exams`).

use super::sitting::*;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, field_error, ErrorNote, FormStatus};
use leptos::prelude::*;

/// A number input of the prepare form, with its error (ids carry the campaign: a page lists
/// several campaigns).
#[component]
fn NumberField(campaign_id: i64, label: Msg, name: &'static str, value: Signal<String>, error: Signal<Option<AppError>>) -> impl IntoView {
    let id = format!("stage-{name}-{campaign_id}");
    let msg = field_error(error, name);
    view! {
        <div class="field" class:invalid=move || msg.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            <input id=id name=name type="number" inputmode="numeric" required prop:value=move || value.get()
                aria-invalid=move || if msg.get().is_some() { "true" } else { "false" }/>
            <Show when=move || msg.get().is_some()>
                <small class="error" role="alert">{move || { let l = use_locale().get(); msg.get().map(|m| m.text(l)) }}</small>
            </Show>
        </div>
    }
}

#[component]
pub fn CampaignStage(campaign_id: i64, regions: Vec<(i64, String)>, subjects: Vec<String>) -> impl IntoView {
    let locale = use_locale();
    let prepare = ServerAction::<PrepareStage>::new();
    let close = ServerAction::<CloseStage>::new();
    // Fetched after hydration, for the reason given in results::pages::CampaignResults.
    let overview: RwSignal<Option<Result<StageState, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let _ = (prepare.version().get(), close.version().get());
        leptos::task::spawn_local(async move {
            let r = stage_overview(campaign_id).await;
            let _ = overview.try_set(Some(r));
        });
    });
    let setup = move || overview.get().and_then(|o| o.ok()).and_then(|o| o.setup);
    let questions = Signal::derive(move || setup().map(|s| s.questions.to_string()).unwrap_or_default());
    let duration = Signal::derive(move || setup().map(|s| s.duration_min.to_string()).unwrap_or_default());
    // A stage not prepared yet is offered for phones: most candidates sit on one.
    let mode = Signal::derive(move || setup().map_or(crate::proctor::settings::ProctorMode::AnyDevice, |s| s.proctor_mode));
    let prepare_error = action_error(prepare);
    view! {
        <section class="stage" data-testid="campaign-stage">
            <h4>{t(Msg::OlyStageSection)}</h4>
            {move || match overview.get() {
                None => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(o)) => view! { <StageFacts o=o subjects=subjects.clone()/> }.into_any(),
            }}
            <ActionForm action=prepare attr:class="row-form" attr:data-testid="stage-prepare">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <NumberField campaign_id=campaign_id label=Msg::OlyStageQuestions name="questions" value=questions error=prepare_error/>
                <NumberField campaign_id=campaign_id label=Msg::OlyStageDuration name="duration_min" value=duration error=prepare_error/>
                <crate::proctor::pages::ProctorModeField selected=mode id=format!("stage-proctor_mode-{campaign_id}")/>
                <button type="submit" disabled=move || prepare.pending().get()>{t(Msg::OlyStagePrepare)}</button>
            </ActionForm>
            <FormStatus error=prepare_error/>
            {move || prepare.value().get().and_then(|r| r.ok()).map(|r| view! {
                <p class="banner ok" role="status">{move || Msg::OlyStagePrepared.text(locale.get())
                    .replace("{seated}", &r.seated.to_string()).replace("{variants}", &r.variants.to_string()).replace("{unseated}", &r.unseated.to_string())}</p>
            })}
            <ActionForm action=close attr:class="row-form" attr:data-testid="stage-close">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <label>{t(Msg::OlyRegion)}
                    <select name="region_id">
                        <option value="all">{t(Msg::OlyAllRegions)}</option>
                        {regions.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" disabled=move || close.pending().get()>{t(Msg::OlyStageClose)}</button>
            </ActionForm>
            <FormStatus error=action_error(close)/>
            {move || close.value().get().and_then(|r| r.ok()).map(|r| view! {
                <p class="banner ok" role="status">{move || Msg::OlyStageClosed.text(locale.get())
                    .replace("{closed}", &r.closed_attempts.to_string()).replace("{results}", &r.results.to_string())
                    .replace("{kept}", &r.kept_corrections.to_string())}</p>
            })}
        </section>
    }
}

#[component]
fn StageFacts(o: StageState, subjects: Vec<String>) -> impl IntoView {
    let locale = use_locale();
    let Some(setup) = o.setup else {
        return view! { <p class="muted">{t(Msg::OlyStageNotPrepared)}</p> }.into_any();
    };
    let owner = setup.owner.clone();
    let unseated = o.unseated;
    let label = move |m: Msg| move || m.text(locale.get());
    view! {
        <p class="hint">{move || Msg::OlyStageBankHint.text(locale.get()).replace("{owner}", &owner)}</p>
        // A plain GET form: the browser encodes the subject into the bank page's address.
        <form method="get" action="/exams/bank" class="row-form">
            <label>{t(Msg::OlyStageBankLink)}
                <select name="subject">
                    {subjects.into_iter().map(|s| { let v = s.clone(); view! { <option value=v>{s}</option> } }).collect_view()}
                </select>
            </label>
            <button type="submit">{t(Msg::OlyOpenBank)}</button>
        </form>
        {setup.collected_at.map(|at| view! {
            <p>{move || Msg::OlyStageCollectedOn.text(locale.get()).replace("{date}", &format_datetime(at))}</p>
        })}
        {(unseated > 0).then(|| view! {
            <p class="banner warning" role="status">{move || Msg::OlyStageUnseated.text(locale.get()).replace("{n}", &unseated.to_string())}</p>
        })}
        <table class="list" data-testid="stage-variants">
            <thead><tr>
                <th>{t(Msg::OlyVariant)}</th><th>{t(Msg::ExamWindow)}</th><th>{t(Msg::OlyCandidates)}</th>
                <th>{t(Msg::OlyStarted)}</th><th>{t(Msg::OlyFinished)}</th><th>{t(Msg::OlyInBank)}</th>
            </tr></thead>
            <tbody>
                {o.variants.into_iter().map(|v| {
                    let short = v.in_bank < v.needed;
                    let name = format!("{} · {} · {} · {}", v.region, v.subject, v.grade, v.language);
                    view! {
                        <tr>
                            <td data-label=label(Msg::OlyVariant)><a href=format!("/exams/{}/results", v.exam_id)>{name}</a></td>
                            <td data-label=label(Msg::ExamWindow)>{format_datetime(v.opens_at)}" – "{format_datetime(v.closes_at)}</td>
                            <td data-label=label(Msg::OlyCandidates)>{v.candidates}</td>
                            <td data-label=label(Msg::OlyStarted)>{v.started}</td>
                            <td data-label=label(Msg::OlyFinished)>{v.finished}</td>
                            <td data-label=label(Msg::OlyInBank) class:error=short>
                                {format!("{} / {}", v.in_bank, v.needed)}
                                {short.then(|| view! { " · "{t(Msg::OlyBankShort)} })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
