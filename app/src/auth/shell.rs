//! The page frame that knows who is signed in: the signed-in user's context, the header with
//! the menu their rights open, the language switch (saved to the account), and the guard that
//! shows a page only to a signed-in user. Above `ui` (which knows no user) and used by every
//! page.

use super::model::SessionUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use leptos::prelude::*;
use leptos_router::components::A;

/// The signed-in user, loaded once per page and refreshed after sign-in/out.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn use_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// The language switch. Works without JavaScript (a form post that sets the cookie) and,
/// hydrated, switches the page at once.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let locale = use_locale();
    let set = ServerAction::<super::api::SetLocale>::new();
    view! {
        <nav class="langs" aria-label=t(Msg::Language)>
            {Locale::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <ActionForm action=set attr:class="lang-form">
                            <input type="hidden" name="locale" value=l.code()/>
                            <button
                                type="submit"
                                lang=l.code()
                                class="lang"
                                aria-pressed=move || if locale.get() == l { "true" } else { "false" }
                                on:click=move |_| locale.set(l)
                            >
                                {l.code().to_uppercase()}
                                <span class="sr-only">{" "}{l.native_name()}</span>
                            </button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Header with the brand, the menu for the signed-in user's rights, and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let user = use_user();
    let logout = ServerAction::<super::api::Logout>::new();
    crate::ui::reload_home_on_success(logout);
    view! {
        <header class="top">
            <a class="brand" href="/">
                <span class="logo" aria-hidden="true">"T"</span>
                <span>{t(Msg::AppName)}</span>
            </a>
            <nav class="menu" aria-label=t(Msg::MainMenu)>
                <Transition fallback=|| ()>
                    {move || {
                        user.0.get().map(|u| match u {
                            Ok(Some(u)) => {
                                let admin = u.can(super::model::Permission::OrgManage) || u.can(super::model::Permission::UserManage);
                                let audit = u.can(super::model::Permission::AuditRead);
                                let journals = u.can(super::model::Permission::JournalKeep) || u.can(super::model::Permission::JournalRead);
                                let student = u.grants.iter().any(|g| g.role == super::model::Role::Student);
                                let exams = u.grants.iter().any(|g| g.role.sits_exams())
                                    || u.can(super::model::Permission::JournalKeep)
                                    || u.can(super::model::Permission::OlympiadOperate);
                                let proctor = u.can(super::model::Permission::ProctorReview);
                                let committee = u.can(super::model::Permission::AdmissionManage);
                                // An account with no role is an applicant: admission is what it has to do.
                                let applicant = u.grants.is_empty();
                                view! {
                                    <Show when=move || journals><A href="/journals">{t(Msg::Journals)}</A></Show>
                                    <Show when=move || student><A href="/my/marks">{t(Msg::MyMarks)}</A></Show>
                                    <Show when=move || exams><A href="/exams">{t(Msg::Exams)}</A></Show>
                                    <Show when=move || proctor><A href="/proctor">{t(Msg::ProctorBoard)}</A></Show>
                                    <Show when=move || applicant><A href="/admission">{t(Msg::AdmAdmission)}</A></Show>
                                    <Show when=move || committee><A href="/admission/committee">{t(Msg::AdmCommittee)}</A></Show>
                                    <A href="/inbox">{t(Msg::Inbox)}</A>
                                    <Show when=move || admin><A href="/admin/users">{t(Msg::Administration)}</A></Show>
                                    <Show when=move || audit><A href="/admin/audit">{t(Msg::AuditLog)}</A></Show>
                                    <A href="/profile"><span class="who">{u.full_name.clone()}</span></A>
                                    <ActionForm action=logout attr:class="inline">
                                        <button type="submit" class="link">{t(Msg::SignOut)}</button>
                                    </ActionForm>
                                }
                                .into_any()
                            }
                            _ => view! {
                                <A href="/login">{t(Msg::SignIn)}</A>
                                <A href="/register">{t(Msg::Register)}</A>
                            }
                            .into_any(),
                        })
                    }}
                </Transition>
            </nav>
            <LangSwitch/>
        </header>
    }
}

/// Shows its children only to a signed-in user; otherwise a link to sign in.
///
/// The children are built once, when the user is known. (Inside a reactive closure they were
/// built two or three times while the server rendered the page: the Transition runs its
/// children once to find their resources and again to render them. Every build created the
/// page's resources anew, the client, hydrating once, read the data of a discarded build, and
/// hydration failed at random on the pages behind this guard.)
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let user = use_user();
    let gated = Suspend::new(async move {
        match user.0.await {
            Ok(Some(_)) => children().into_any(),
            _ => view! {
                <section class="card narrow">
                    <p class="banner error">{t(Msg::ErrUnauthorized)}</p>
                    <A href="/login">{t(Msg::SignIn)}</A>
                </section>
            }
            .into_any(),
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {gated}
        </Transition>
    }
}
