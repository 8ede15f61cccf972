//! The in-app inbox page: the messages grouped by kind (`super::group`).

use super::api::{inbox_list, InboxMarkKindRead, InboxMarkRead};
use super::{InboxGroup, InboxMessage};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
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
    let mark_kind = ServerAction::<InboxMarkKindRead>::new();
    let messages = Resource::new(move || (mark.version().get(), mark_kind.version().get()), |_| inbox_list());
    view! {
        <section class="card">
            <h1>{t(Msg::Inbox)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || messages.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoMessages)}</p> }.into_any(),
                    Ok(list) => super::group(list)
                        .into_iter()
                        .map(|g| view! { <Group group=g mark=mark mark_kind=mark_kind/> })
                        .collect_view()
                        .into_any(),
                })}
            </Transition>
        </section>
    }
}

/// One kind's messages: the newest shown, the earlier ones folded, and the unread count with
/// "mark all read" while any is unread.
#[component]
fn Group(group: InboxGroup, mark: ServerAction<InboxMarkRead>, mark_kind: ServerAction<InboxMarkKindRead>) -> impl IntoView {
    let locale = use_locale();
    let unread = group.unread;
    let kind_code = group.kind.map(|k| k.code()).unwrap_or("");
    let mut messages = group.messages.into_iter();
    let newest = messages.next();
    let earlier: Vec<InboxMessage> = messages.collect();
    let earlier_count = earlier.len();
    view! {
        <section class="message-group" data-testid="message-group" data-kind=kind_code>
            <header>
                <h2>{t(super::group_title(group.kind))}</h2>
                {(unread > 0).then(|| view! {
                    <span class="tag" data-testid="group-unread">{move || Msg::InboxUnread.text(locale.get()).replace("{n}", &unread.to_string())}</span>
                    <ActionForm action=mark_kind attr:class="inline">
                        <input type="hidden" name="kind" value=kind_code/>
                        <button type="submit" class="link" data-testid="group-read-all">{t(Msg::InboxMarkAllRead)}</button>
                    </ActionForm>
                })}
            </header>
            <ul class="messages">{newest.map(|m| view! { <Message m=m mark=mark/> })}</ul>
            {(earlier_count > 0).then(|| view! {
                <details>
                    <summary>{move || Msg::InboxOlder.text(locale.get()).replace("{n}", &earlier_count.to_string())}</summary>
                    <ul class="messages">{earlier.into_iter().map(|m| view! { <Message m=m mark=mark/> }).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}

#[component]
fn Message(m: InboxMessage, mark: ServerAction<InboxMarkRead>) -> impl IntoView {
    view! {
        <li class:unread=!m.read data-testid="message">
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
    }
}
