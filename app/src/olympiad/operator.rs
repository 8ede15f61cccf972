//! The operator's page (OLY-8), at `/olympiad/operator`: the school directory, the campaigns
//! with their stage-1 windows, and each campaign's sections of the later phases (stage,
//! results, placement), gathered here so that no phase's pages depend on a later phase. One
//! column on a phone: forms stack, tables become cards (the `list` class does that).

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::olympiad::campaign::api::{operator_page, CreateCampaign};
use crate::olympiad::campaign::pages::CampaignForm;
use crate::olympiad::directory::pages::{DirectoryCounts, DirectoryImport};
use crate::olympiad::model::Campaign;
use crate::olympiad::stage::window::SetStageWindow;
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn OperatorPageView() -> impl IntoView {
    view! {
        <RequireUser>
            <OperatorPanel/>
        </RequireUser>
    }
}

#[component]
fn OperatorPanel() -> impl IntoView {
    let create = ServerAction::<CreateCampaign>::new();
    let window = ServerAction::<SetStageWindow>::new();
    let imported = RwSignal::new(0u32);
    let page = Resource::new(move || (create.version().get(), window.version().get(), imported.get()), |_| operator_page());
    view! {
        <section class="card wide" data-testid="olympiad-operator">
            <h1>{t(Msg::OlyOperator)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(p) => view! {
                        <h2>{t(Msg::OlyDirectory)}</h2>
                        <DirectoryCounts d=p.directory.clone()/>
                        <DirectoryImport imported=imported/>
                        <h2>{t(Msg::OlyCampaigns)}</h2>
                        <CampaignList campaigns=p.campaigns.clone() regions=p.regions.clone() window=window/>
                    }.into_any(),
                })}
            </Transition>
            <h2>{t(Msg::OlyNewCampaign)}</h2>
            <CampaignForm create=create/>
        </section>
    }
}

#[component]
fn CampaignList(campaigns: Vec<Campaign>, regions: Vec<(i64, String)>, window: ServerAction<SetStageWindow>) -> impl IntoView {
    let locale = use_locale();
    let error = action_error(window);
    if campaigns.is_empty() {
        return view! { <p class="muted">{t(Msg::OlyNoCampaigns)}</p> }.into_any();
    }
    // One window form per campaign shares this action, so its field errors are listed here,
    // by name, rather than under one of the forms.
    let window_problems = move || match error.get() {
        Some(AppError::Invalid(list)) => list
            .into_iter()
            .map(|e| {
                let label = match e.field.as_str() {
                    "opens_at" => Msg::ExamOpens,
                    "closes_at" => Msg::ExamCloses,
                    _ => Msg::OlyRegion,
                };
                view! { <li>{move || format!("{}: {}", label.text(locale.get()), e.msg.text(locale.get()))}</li> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    view! {
        <FormStatus error=error/>
        <ul class="errors" data-testid="window-errors">{window_problems}</ul>
        {campaigns.into_iter().map(|c| {
            let s = c.stages;
            let stage = move |label: Msg, from: i64, to: Option<i64>| view! {
                <tr>
                    <td data-label=move || Msg::OlyStage.text(locale.get())>{t(label)}</td>
                    <td data-label=move || Msg::ExamWindow.text(locale.get())>{format_datetime(from)}{to.map(|to| format!(" – {}", format_datetime(to)))}</td>
                </tr>
            };
            let regions = regions.clone();
            let stage_regions = regions.clone();
            view! {
                <article class="card" data-testid="campaign">
                    <h3>{c.title.clone()}</h3>
                    <p class="muted">
                        {move || Msg::OlyGradesRange.text(locale.get()).replace("{from}", &c.grade_min.to_string()).replace("{to}", &c.grade_max.to_string())}
                        {c.rural_only.then(|| view! { " · "{t(Msg::OlyRuralOnly)} })}
                        " · "{c.subjects.join(", ")}
                    </p>
                    <table class="list">
                        <thead><tr><th>{t(Msg::OlyStage)}</th><th>{t(Msg::ExamWindow)}</th></tr></thead>
                        <tbody>
                            {stage(Msg::OlyTeacherRegistration, s.teacher_reg_opens, Some(s.teacher_reg_closes))}
                            {stage(Msg::OlyParticipantRegistration, s.participant_reg_opens, Some(s.participant_reg_closes))}
                            {c.windows.iter().map(|w| {
                                let region = w.region.clone();
                                view! {
                                    <tr>
                                        <td data-label=move || Msg::OlyStage.text(locale.get())>{t(Msg::OlyStageOne)}" · "{region}</td>
                                        <td data-label=move || Msg::ExamWindow.text(locale.get())>{format_datetime(w.opens_at)}" – "{format_datetime(w.closes_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                            {stage(Msg::OlyResultsAt, s.results_at, None)}
                            {stage(Msg::OlyApplications, s.applications_opens, Some(s.applications_closes))}
                        </tbody>
                    </table>
                    <ActionForm action=window attr:class="row-form">
                        <input type="hidden" name="campaign_id" value=c.id/>
                        <label>{t(Msg::OlyRegion)}
                            <select name="region_id">
                                {regions.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>{t(Msg::ExamOpens)}<input type="datetime-local" name="opens_at" required/></label>
                        <label>{t(Msg::ExamCloses)}<input type="datetime-local" name="closes_at" required/></label>
                        <button type="submit" disabled=move || window.pending().get()>{t(Msg::OlySetWindow)}</button>
                    </ActionForm>
                    <p><a href=format!("/olympiad/statistics?campaign={}", c.id) data-testid="statistics-link">{t(Msg::OlyStatistics)}</a></p>
                    <p><a href=format!("/olympiad/people?campaign={}", c.id) data-testid="people-link">{t(Msg::OlyPeopleLink)}</a></p>
                    <super::stage::pages::CampaignStage campaign_id=c.id regions=stage_regions subjects=c.subjects.clone()/>
                    <super::results::pages::CampaignResults campaign_id=c.id/>
                    <super::placement::pages::CampaignPlacement campaign_id=c.id/>
                </article>
            }
        }).collect_view()}
    }
    .into_any()
}
