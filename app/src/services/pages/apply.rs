//! A service's application form: the college, the service's fields and documents, the language
//! of the result. Sent as one multipart request with an idempotency key made once per form: a
//! submit sent again after its answer was lost finds the first application.

use super::ServiceFields;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::services::api::service_colleges;
use crate::ui::ErrorNote;
use leptos::prelude::*;

#[component]
pub fn ApplyPage() -> impl IntoView {
    view! { <RequireUser><Apply/></RequireUser> }
}

#[component]
fn Apply() -> impl IntoView {
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let colleges = Resource::new(|| (), |_| service_colleges());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let key = StoredValue::new(String::new());
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        {move || match crate::services::model::service(&code()) {
            None => view! { <p class="banner error">{t(Msg::ErrNotFound)}</p> }.into_any(),
            Some(def) => {
                let navigate = navigate.clone();
                let on_submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    #[cfg(not(feature = "hydrate"))]
                    let _ = (&ev, &navigate, key);
                    #[cfg(feature = "hydrate")]
                    {
                        let Some(data) = super::keyed_form(&ev, key) else { return };
                        busy.set(true);
                        error.set(None);
                        let navigate = navigate.clone();
                        leptos::task::spawn_local(async move {
                            let r = crate::services::api::submit_application(data.into()).await;
                            busy.set(false);
                            match r {
                                Ok(id) => navigate(&format!("/services/applications/{id}"), Default::default()),
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    }
                };
                let name = def.name;
                view! {
                    <h1>{move || name.text(locale.get())}</h1>
                    <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                        {move || colleges.get().map(|r| match r {
                            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                            Ok(list) => view! {
                                <section class="card narrow">
                                    <form on:submit=on_submit.clone() data-testid="service-form">
                                        {move || error.get().map(|e| view! { <p class="banner error" role="alert">{e.summary().text(locale.get())}</p> })}
                                        <input type="hidden" name="service" value=def.code/>
                                        <div class="field">
                                            <label for="f-college_id">{t(Msg::KindCollege)}</label>
                                            <select id="f-college_id" name="college_id" required>
                                                {list.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <ServiceFields def=def answers=Default::default() error=error.into() correction=false/>
                                        <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::SvcSubmit)}</button>
                                    </form>
                                </section>
                            }.into_any(),
                        })}
                    </Transition>
                }.into_any()
            }
        }}
    }
}
