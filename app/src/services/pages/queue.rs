//! The clerk's queue: applications to the colleges of the clerk's scope, the nearest deadline
//! first, filtered by service and status, with the deadline's warning; several new or corrected
//! ones can be taken under review at once (the one bulk action: it decides nothing).

use super::{service_name, Due, StatusTag};
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::services::api::service_queue;
use crate::services::model::{Status, SERVICES};
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn QueuePage() -> impl IntoView {
    view! { <RequireUser><Queue/></RequireUser> }
}

#[component]
fn Queue() -> impl IntoView {
    let locale = use_locale();
    let service = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let taken = RwSignal::new(0u32);
    let queue = Resource::new(move || (service.get(), status.get(), taken.get()), |(s, st, _)| service_queue(s, st));
    let chosen: RwSignal<Vec<i64>> = RwSignal::new(Vec::new());
    let note: RwSignal<Option<Result<usize, AppError>>> = RwSignal::new(None);
    let take = move |_: leptos::ev::MouseEvent| {
        let ids = chosen.get_untracked();
        if ids.is_empty() {
            return;
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ids, taken, note);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let r = crate::services::api::take_applications(ids).await;
            if r.is_ok() {
                chosen.set(Vec::new());
                taken.update(|n| *n += 1);
            }
            note.set(Some(r));
        });
    };
    view! {
        <h1>{t(Msg::SvcQueue)}</h1>
        <section class="card">
            <div class="row-form">
                <label>{t(Msg::SvcService)}
                    <select data-testid="queue-service" on:change=move |ev| service.set(event_target_value(&ev))>
                        <option value="">{t(Msg::SvcAll)}</option>
                        {SERVICES.iter().map(|s| { let m = s.name; view! { <option value=s.code>{move || m.text(locale.get())}</option> } }).collect_view()}
                    </select>
                </label>
                <label>{t(Msg::SvcStatus)}
                    <select data-testid="queue-status" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">{t(Msg::SvcAll)}</option>
                        {Status::ALL.into_iter().map(|s| view! { <option value=s.code()>{move || s.msg().text(locale.get())}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=take disabled=move || chosen.with(Vec::is_empty) data-testid="take-selected">{t(Msg::SvcTakeSelected)}</button>
            </div>
            {move || note.get().map(|r| match r {
                Ok(n) => view! { <p class="banner ok" role="status">{move || Msg::SvcTakenN.text(locale.get()).replace("{n}", &n.to_string())}</p> }.into_any(),
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
            })}
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || queue.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::SvcNoApplications)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" data-testid="service-queue">
                            <thead><tr>
                                <th></th><th>"№"</th><th>{t(Msg::SvcService)}</th><th>{t(Msg::SvcApplicant)}</th>
                                <th>{t(Msg::KindCollege)}</th><th>{t(Msg::SvcStatus)}</th><th>{t(Msg::SvcDeadline)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|a| {
                                    let id = a.id;
                                    let takeable = matches!(a.status, Status::Submitted | Status::Resubmitted);
                                    let service = a.service.clone();
                                    view! {
                                        <tr data-application=id>
                                            <td>{takeable.then(|| view! {
                                                <input type="checkbox" aria-label=move || Msg::SvcTake.text(locale.get())
                                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } });
                                                    }/>
                                            })}</td>
                                            <td data-label="№"><A href=format!("/services/applications/{id}")>{id}</A></td>
                                            <td data-label=move || Msg::SvcService.text(locale.get())>{move || service_name(&service, locale.get())}</td>
                                            <td data-label=move || Msg::SvcApplicant.text(locale.get())>{a.applicant.clone()}</td>
                                            <td data-label=move || Msg::KindCollege.text(locale.get())>{a.college.clone()}</td>
                                            <td data-label=move || Msg::SvcStatus.text(locale.get())><StatusTag status=a.status/></td>
                                            <td data-label=move || Msg::SvcDeadline.text(locale.get())><Due due_on=a.due_on.clone() due=a.due/></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
