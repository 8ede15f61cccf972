//! The public page a result's QR code opens: the document's number, service, the person's
//! masked name, date and status, without signing in. A refused or withdrawn one says it is not
//! valid.

use super::{service_name, StatusTag};
use crate::i18n::{t, use_locale, Msg};
use crate::services::api::verify_service_document;
use leptos::prelude::*;

#[component]
pub fn CheckPage() -> impl IntoView {
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let doc = Resource::new(code, verify_service_document);
    view! {
        <section class="card narrow" data-testid="service-check">
            <h1>{t(Msg::SvcCheckTitle)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || doc.get().map(|r| match r {
                    Err(_) => view! { <p class="banner error" role="alert">{t(Msg::SvcCheckNotFound)}</p> }.into_any(),
                    Ok(d) => {
                        let service = d.service.clone();
                        view! {
                            {if d.valid {
                                view! { <p class="banner ok" role="status" data-testid="check-verdict">{t(Msg::SvcCheckValid)}</p> }.into_any()
                            } else {
                                view! { <p class="banner error" role="alert" data-testid="check-verdict">{t(Msg::SvcCheckNotValid)}</p> }.into_any()
                            }}
                            <dl class="facts">
                                <dt>{t(Msg::PdfNumber)}</dt><dd data-testid="check-number">{d.number.clone()}</dd>
                                <dt>{t(Msg::SvcService)}</dt><dd>{move || service_name(&service, locale.get())}</dd>
                                <dt>{t(Msg::SvcApplicant)}</dt><dd data-testid="check-person">{d.person.clone()}</dd>
                                <dt>{t(Msg::KindCollege)}</dt><dd>{d.college.clone()}</dd>
                                <dt>{t(Msg::PdfDate)}</dt><dd>{crate::journal::semester::Date::from_epoch_ms(d.issued_at).dotted()}</dd>
                                <dt>{t(Msg::SvcStatus)}</dt><dd><StatusTag status=d.status/></dd>
                            </dl>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
