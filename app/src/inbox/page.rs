//! The in-app inbox page.

use super::api::{inbox_list, InboxMarkRead};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn InboxRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/inbox") view=InboxPage/> }.into_inner()
}

#[component]
pub fn InboxPage() -> impl IntoView {
    view! { <RequireUser><Inbox/></RequireUser> }
}

#[component]
fn Inbox() -> impl IntoView {
    let mark = ServerAction::<InboxMarkRead>::new();
    let messages = Resource::new(move || mark.version().get(), |_| inbox_list());
    view! {
        <section class="card">
            <h1>{t(Msg::Inbox)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || messages.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoMessages)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="messages">
                            {list.into_iter().map(|m| view! {
                                <li class:unread=!m.read>
                                    <div class="meta"><time>{format_datetime(m.created_at)}</time></div>
                                    <strong>{m.subject.clone()}</strong>
                                    <p>{m.body.clone()}</p>
                                    <Show when=move || !m.read>
                                        <ActionForm action=mark attr:class="inline">
                                            <input type="hidden" name="id" value=m.id/>
                                            <button type="submit" class="link">{t(Msg::MarkRead)}</button>
                                        </ActionForm>
                                    </Show>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
