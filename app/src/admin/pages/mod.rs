//! Administration pages: organisations, a group's profile, users, one user.

mod group;
mod orgs;
mod user;
mod users;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/admin/orgs") view=orgs::OrgsPage/>
        <Route path=path!("/admin/users") view=users::UsersPage/>
        <Route path=path!("/admin/users/:id") view=user::UserPage/>
        <Route path=path!("/admin/groups/:id") view=group::GroupPage/>
    }
    .into_inner()
}

/// The organisation picker used by several forms, indented by depth.
#[component]
fn OrgSelect(
    name: &'static str,
    #[prop(default = crate::i18n::Msg::Organisation)] label: crate::i18n::Msg,
    orgs: Vec<super::model::OrgNode>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let msg = crate::ui::field_error(error, name);
    let locale = crate::i18n::use_locale();
    let id = format!("f-{name}");
    view! {
        <div class="field" class:invalid=move || msg.get().is_some()>
            <label for=id.clone()>{crate::i18n::t(label)}</label>
            <select id=id name=name>
                {orgs.into_iter().map(|o| {
                    let indent = "\u{2003}".repeat(o.depth);
                    let kind = o.kind;
                    view! { <option value=o.id>{indent}{o.name.clone()}" ("{move || kind.msg().text(locale.get())}")"</option> }
                }).collect_view()}
            </select>
            {move || msg.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
        </div>
    }
}

/// The role picker: every PLT-1 role (the server refuses those above the granter's rights).
#[component]
fn RoleSelect(error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let msg = crate::ui::field_error(error, "role");
    let locale = crate::i18n::use_locale();
    view! {
        <div class="field" class:invalid=move || msg.get().is_some()>
            <label for="f-role">{crate::i18n::t(crate::i18n::Msg::Role)}</label>
            <select id="f-role" name="role">
                {crate::auth::model::Role::ALL.into_iter().map(|r| view! {
                    <option value=r.code()>{move || r.msg().text(locale.get())}</option>
                }).collect_view()}
            </select>
            {move || msg.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
        </div>
    }
}
