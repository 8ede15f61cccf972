//! The header of every page: the brand, the menu the signed-in user's rights open, signing
//! out, and the language switch (saved to the account when someone is signed in).

use crate::auth::shell::use_user;
use crate::i18n::{t, use_locale, Locale, Msg};
use leptos::prelude::*;
use leptos_router::components::A;

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
                                let admin = u.can(crate::auth::model::Permission::OrgManage) || u.can(crate::auth::model::Permission::UserManage);
                                let audit = u.can(crate::auth::model::Permission::AuditRead);
                                let journals = u.can(crate::auth::model::Permission::JournalKeep) || u.can(crate::auth::model::Permission::JournalRead);
                                let student = u.grants.iter().any(|g| g.role == crate::auth::model::Role::Student);
                                let exams = u.grants.iter().any(|g| g.role.sits_exams())
                                    || u.can(crate::auth::model::Permission::JournalKeep)
                                    || u.can(crate::auth::model::Permission::OlympiadOperate);
                                let proctor = u.can(crate::auth::model::Permission::ProctorReview);
                                let services_queue = u.can(crate::auth::model::Permission::ServicesManage);
                                let committee = u.can(crate::auth::model::Permission::AdmissionManage);
                                // An account with no role is an applicant: admission is what it has to do.
                                let applicant = u.grants.is_empty();
                                view! {
                                    <Show when=move || journals><A href="/journals">{t(Msg::Journals)}</A></Show>
                                    <Show when=move || student><A href="/my/marks">{t(Msg::MyMarks)}</A></Show>
                                    <Show when=move || exams><A href="/exams">{t(Msg::Exams)}</A></Show>
                                    <Show when=move || proctor><A href="/proctor">{t(Msg::ProctorBoard)}</A></Show>
                                    <Show when=move || applicant><A href="/admission">{t(Msg::AdmAdmission)}</A></Show>
                                    <Show when=move || committee><A href="/admission/committee">{t(Msg::AdmCommittee)}</A></Show>
                                    <A href="/services">{t(Msg::SvcEServices)}</A>
                                    <Show when=move || services_queue><A href="/services/queue">{t(Msg::SvcQueue)}</A></Show>
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
