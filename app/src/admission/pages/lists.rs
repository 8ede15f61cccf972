//! The public ranked lists (TVT-1: "the winners in public access"): no sign-in, and no more
//! than such a list shows: place, application number, masked name, score, categories, outcome.

use crate::admission::api::{public_list, published_campaigns};
use crate::i18n::{t, use_locale, Msg};
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ListsPage() -> impl IntoView {
    let locale = use_locale();
    let campaigns = Resource::new(|| (), |_| published_campaigns());
    view! {
        <section class="card" data-testid="admission-lists">
            <h1>{t(Msg::AdmPublicLists)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || campaigns.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::AdmNoPublished)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|c| view! {
                        <h2>{format!("{} · {} · {}", c.college, c.title, c.year)}</h2>
                        <ul>
                            {c.offers.into_iter().map(|o| {
                                let href = format!("/admission/lists/{}", o.id);
                                view! { <li><A href=href>{move || o.label(locale.get())}</A></li> }
                            }).collect_view()}
                        </ul>
                    }).collect_view().into_any(),
                })}
            </Transition>
        </section>
        <super::Rules/>
    }
}

#[component]
pub fn ListPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::ui::id_param();
    let list = Resource::new(id, public_list);
    view! {
        <p><A href="/admission/lists">{t(Msg::AdmPublicLists)}</A></p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(None) => view! { <section class="card"><p class="muted">{t(Msg::AdmNotPublished)}</p></section> }.into_any(),
                Ok(Some(p)) => {
                    let offer = p.list.offer.clone();
                    let quotas = crate::admission::model::Category::ALL
                        .into_iter()
                        .filter(|c| offer.quota(*c) > 0)
                        .map(|c| (c, offer.quota(c)))
                        .collect::<Vec<_>>();
                    view! {
                        <section class="card" data-testid="admission-public-list">
                            <p class="muted">{format!("{} · {} · {}", p.college, p.campaign, p.year)}</p>
                            <h1>{move || offer.label(locale.get())}</h1>
                            <p>
                                {t(Msg::AdmPlaces)}": "{p.list.offer.places}
                                {quotas.into_iter().map(|(c, n)| view! { " · " {move || c.msg().text(locale.get())} ": " {n} }).collect_view()}
                            </p>
                            <super::ListTable lines=p.list.lines/>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
        <super::Rules/>
    }
}
