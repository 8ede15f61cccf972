//! Admission's pages: the applicant's (`/admission`), the committee's
//! (`/admission/committee`, a campaign's `/admission/committee/{id}`) and the public ranked
//! lists (`/admission/lists`, a specialty's `/admission/lists/{offer}`) and the check page of a
//! receipt (`/admission/check/{code}`).

mod apply;
mod check;
mod committee;
mod lists;

use crate::admission::model::{Category, ListLine, Outcome};
use crate::i18n::{t, use_locale, Locale, Msg};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn AdmissionRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/admission") view=apply::ApplyPage/>
        <Route path=path!("/admission/committee") view=committee::CommitteePage/>
        <Route path=path!("/admission/committee/:id") view=committee::CampaignPage/>
        <Route path=path!("/admission/lists") view=lists::ListsPage/>
        <Route path=path!("/admission/lists/:id") view=lists::ListPage/>
        <Route path=path!("/admission/check/:code") view=check::CheckPage/>
    }
    .into_inner()
}

/// "Orphans, rural youth" or "—".
fn categories_text(cats: &[Category], l: Locale) -> String {
    if cats.is_empty() {
        "—".to_string()
    } else {
        cats.iter().map(|c| c.msg().text(l)).collect::<Vec<_>>().join(", ")
    }
}

fn outcome_text(o: Outcome, l: Locale) -> String {
    match o {
        Outcome::Quota(c) => format!("{} ({})", o.msg().text(l), c.msg().text(l)),
        _ => o.msg().text(l).to_string(),
    }
}

/// The competition's rules as the public page and the committee's preview state them.
#[component]
fn Rules() -> impl IntoView {
    view! {
        <details class="card" data-testid="admission-rules">
            <summary>{t(Msg::AdmRulesTitle)}</summary>
            <ol>
                <li>{t(Msg::AdmRuleScore)}</li>
                <li>{t(Msg::AdmRuleTies)}</li>
                <li>{t(Msg::AdmRuleQuotas)}</li>
                <li>{t(Msg::AdmRulePreferences)}</li>
            </ol>
        </details>
    }
}

/// A ranked list as a table; `committee` adds the name, the tie-break facts and the time.
#[component]
fn ListTable(lines: Vec<ListLine>, #[prop(optional)] committee: bool) -> impl IntoView {
    let locale = use_locale();
    if lines.is_empty() {
        return view! { <p class="muted">{t(Msg::AdmListEmpty)}</p> }.into_any();
    }
    view! {
        <table class="list" data-testid="admission-list">
            <thead><tr>
                <th>{t(Msg::AdmPlace)}</th>
                <th>{t(Msg::AdmNumber)}</th>
                <th>{t(Msg::FullName)}</th>
                <th>{t(Msg::AdmScore)}</th>
                {committee.then(|| view! { <th>{t(Msg::AdmHonours)}</th><th>{t(Msg::AdmProfileScore)}</th><th>{t(Msg::AdmSubmittedAt)}</th> })}
                <th>{t(Msg::AdmCategories)}</th>
                <th>{t(Msg::AdmOutcome)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|l| {
                    let cats = l.categories.clone();
                    let outcome = l.outcome;
                    let extra = committee.then(|| {
                        let honours = l.honours.unwrap_or(false);
                        let profile = l.profile_score.filter(|p| *p > 0).map(super::model::show_score).unwrap_or_else(|| "—".into());
                        let at = l.submitted_at.map(crate::ui::time::format_datetime).unwrap_or_default();
                        view! {
                            <td data-label=move || Msg::AdmHonours.text(locale.get())>{move || if honours { Msg::Yes.text(locale.get()) } else { "—" }}</td>
                            <td data-label=move || Msg::AdmProfileScore.text(locale.get())>{profile}</td>
                            <td data-label=move || Msg::AdmSubmittedAt.text(locale.get())>{at}</td>
                        }
                    });
                    view! {
                        <tr class:placed=outcome.placed()>
                            <td data-label=move || Msg::AdmPlace.text(locale.get())>{l.position}</td>
                            <td data-label=move || Msg::AdmNumber.text(locale.get())>{l.number}</td>
                            <td data-label=move || Msg::FullName.text(locale.get())>{l.name}</td>
                            <td data-label=move || Msg::AdmScore.text(locale.get())>{super::model::show_score(l.score)}</td>
                            {extra}
                            <td data-label=move || Msg::AdmCategories.text(locale.get())>{move || categories_text(&cats, locale.get())}</td>
                            <td data-label=move || Msg::AdmOutcome.text(locale.get())>{move || outcome_text(outcome, locale.get())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The receipt of the accepted documents, in Kazakh and in Russian (the languages of the state
/// service's documents); before acceptance, when it will come.
#[component]
fn ReceiptLinks(id: i64, ready: bool) -> impl IntoView {
    if !ready {
        return view! { <p class="muted" data-testid="receipt-later">{t(Msg::AdmReceiptLater)}</p> }.into_any();
    }
    view! {
        <p class="actions" data-testid="receipt">
            {t(Msg::AdmReceiptDownload)}": "
            <a href=format!("/export/admission/{id}/receipt-kk.pdf") rel="external" data-testid="receipt-kk">{crate::i18n::Locale::Kk.native_name()}</a>
            " · "
            <a href=format!("/export/admission/{id}/receipt-ru.pdf") rel="external" data-testid="receipt-ru">{crate::i18n::Locale::Ru.native_name()}</a>
        </p>
    }
    .into_any()
}
