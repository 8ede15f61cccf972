//! The public page a receipt's QR code opens: the application's number, the person's masked
//! name, college, campaign, the date the documents were accepted and whether the receipt is
//! valid now, without signing in.

use crate::admission::api::verify_receipt;
use crate::i18n::{t, use_locale, Msg};
use leptos::prelude::*;

#[component]
pub fn CheckPage() -> impl IntoView {
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let receipt = Resource::new(code, verify_receipt);
    view! {
        <section class="card narrow" data-testid="receipt-check">
            <h1>{t(Msg::AdmCheckTitle)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || receipt.get().map(|r| match r {
                    Err(_) => view! { <p class="banner error" role="alert">{t(Msg::AdmCheckNotFound)}</p> }.into_any(),
                    Ok(d) => {
                        let status = d.status;
                        view! {
                            {if d.valid {
                                view! { <p class="banner ok" role="status" data-testid="check-verdict">{t(Msg::AdmCheckValid)}</p> }.into_any()
                            } else {
                                view! { <p class="banner error" role="alert" data-testid="check-verdict">{t(Msg::AdmCheckNotValid)}</p> }.into_any()
                            }}
                            <dl class="facts">
                                <dt>{t(Msg::AdmNumber)}</dt><dd data-testid="check-number">{d.number.clone()}</dd>
                                <dt>{t(Msg::SvcApplicant)}</dt><dd data-testid="check-person">{d.person.clone()}</dd>
                                <dt>{t(Msg::KindCollege)}</dt><dd>{d.college.clone()}</dd>
                                <dt>{t(Msg::AdmCampaign)}</dt><dd>{d.campaign.clone()}</dd>
                                <dt>{t(Msg::PdfDate)}</dt><dd>{crate::journal::semester::Date::from_epoch_ms(d.accepted_at).dotted()}</dd>
                                <dt>{t(Msg::AdmStatus)}</dt><dd>{move || status.msg().text(locale.get())}</dd>
                            </dl>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
