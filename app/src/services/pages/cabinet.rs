//! The applicant's cabinet, in the egov.kz manner: the catalogue of services with their terms,
//! and my applications with their status, what is asked of me and the result to download.

use super::{service_name, Due, StatusTag};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::services::api::my_applications;
use crate::services::model::{Term, ADMISSION_SERVICES, SERVICES};
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CabinetPage() -> impl IntoView {
    view! { <RequireUser><Cabinet/></RequireUser> }
}

fn term_text(term: Term, l: crate::i18n::Locale) -> String {
    match term {
        Term::WorkingDays(n) => Msg::SvcTermWorking.text(l).replace("{n}", &n.to_string()),
        Term::CalendarDays(n) => Msg::SvcTermCalendar.text(l).replace("{n}", &n.to_string()),
    }
}

#[component]
fn Cabinet() -> impl IntoView {
    let locale = use_locale();
    let mine = Resource::new(|| (), |_| my_applications());
    view! {
        <h1>{t(Msg::SvcEServices)}</h1>
        <section class="card">
            <h2>{t(Msg::SvcMyApplications)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || mine.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::SvcNoApplications)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" data-testid="my-applications">
                            <thead><tr>
                                <th>"№"</th><th>{t(Msg::SvcService)}</th><th>{t(Msg::SvcStatus)}</th>
                                <th>{t(Msg::SvcDeadline)}</th><th>{t(Msg::SvcAskedOfYou)}</th><th>{t(Msg::SvcResult)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|a| {
                                    let service = a.service.clone();
                                    let returned = a.status.asks_applicant();
                                    let comment = a.comment.clone();
                                    view! {
                                        <tr data-application=a.id>
                                            <td data-label="№"><A href=format!("/services/applications/{}", a.id)>{a.id}</A></td>
                                            <td data-label=move || Msg::SvcService.text(locale.get())>{move || service_name(&service, locale.get())}</td>
                                            <td data-label=move || Msg::SvcStatus.text(locale.get())><StatusTag status=a.status/></td>
                                            <td data-label=move || Msg::SvcDeadline.text(locale.get())><Due due_on=a.due_on.clone() due=a.due/></td>
                                            <td data-label=move || Msg::SvcAskedOfYou.text(locale.get())>
                                                {returned.then(|| view! {
                                                    <p class="banner warn">{comment.clone()}</p>
                                                    <A href=format!("/services/applications/{}", a.id)>{t(Msg::SvcCorrect)}</A>
                                                })}
                                            </td>
                                            <td data-label=move || Msg::SvcResult.text(locale.get())>
                                                {a.result_number.clone().map(|n| view! {
                                                    <a href=format!("/export/service/{}.pdf", a.id) rel="external" download data-testid="result-pdf">{t(Msg::SvcDownloadResult)}" № "{n}</a>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t(Msg::SvcCatalogue)}</h2>
            <ul class="catalogue" data-testid="service-catalogue">
                {SERVICES.iter().map(|s| {
                    let (name, term) = (s.name, s.term);
                    view! {
                        <li>
                            <A href=format!("/services/apply/{}", s.code)>{move || name.text(locale.get())}</A>
                            " "<small class="muted">{move || term_text(term, locale.get())}</small>
                        </li>
                    }
                }).collect_view()}
                {ADMISSION_SERVICES.iter().map(|m| {
                    let m = *m;
                    view! { <li><a href="/admission">{move || m.text(locale.get())}</a></li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
