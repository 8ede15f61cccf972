use super::{OrgSelect, RoleSelect};
use crate::admin::api::{list_orgs, list_users, CreateUser};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! { <RequireUser><Users/></RequireUser> }
}

#[component]
fn Users() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let create = ServerAction::<CreateUser>::new();
    let error = action_error(create);
    let users = Resource::new(move || (q(), create.version().get()), |(q, _)| list_users(q));
    let orgs = Resource::new(|| (), |_| list_orgs());
    let locale = use_locale();
    view! {
        <div class="grid two">
            <section class="card">
                <h1>{t(Msg::Users)}</h1>
                <Form method="GET" action="" attr:class="filters">
                    <label class="grow">{t(Msg::Search)}
                        <input type="search" name="q" value=q placeholder=t(Msg::SearchUsersHint)/>
                    </label>
                    <button type="submit">{t(Msg::Search)}</button>
                </Form>
                <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    {move || users.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NothingFound)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="people" data-testid="users">
                                {list.into_iter().map(|u| {
                                    let roles = u.roles.clone();
                                    view! {
                                        <li class:inactive=!u.active>
                                            <A href=format!("/admin/users/{}", u.id)><strong>{u.full_name.clone()}</strong></A>
                                            <span class="muted">{u.login.clone()}</span>
                                            <span class="roles-inline">{move || roles.iter().map(|r| r.msg().text(locale.get())).collect::<Vec<_>>().join(", ")}</span>
                                            <Show when=move || !u.active><span class="tag">{t(Msg::Inactive)}</span></Show>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            <section class="card">
                <h2>{t(Msg::CreateUser)}</h2>
                <Transition fallback=|| ()>
                    {move || orgs.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) => view! {
                            <ActionForm action=create>
                                <FormStatus error=error ok=(action_ok(create), Msg::UserCreated)/>
                                <Field label=Msg::Login name="login" hint=Msg::LoginHint error=error required=true/>
                                <Field label=Msg::FullName name="full_name" error=error required=true/>
                                <Field label=Msg::Email name="email" kind="email" error=error/>
                                <Field label=Msg::Phone name="phone" kind="tel" hint=Msg::PhoneHint error=error/>
                                <OrgSelect name="org_id" orgs=list error=error/>
                                <RoleSelect error=error/>
                                <label class="check"><input type="checkbox" name="invite" value="true"/>{t(Msg::InviteByCode)}</label>
                                <Field label=Msg::InitialPassword name="password" kind="password" hint=Msg::PasswordHint error=error autocomplete="new-password"/>
                                <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::CreateUser)}</button>
                            </ActionForm>
                        }.into_any(),
                    })}
                </Transition>
            </section>
        </div>
    }
}
