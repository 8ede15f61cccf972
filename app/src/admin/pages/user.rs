use super::{OrgSelect, RoleSelect};
use crate::admin::api::{get_user, list_orgs, AssignRole, RevokeRole, SetUserActive};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, FormStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn UserPage() -> impl IntoView {
    view! { <RequireUser><User/></RequireUser> }
}

#[component]
fn User() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let assign = ServerAction::<AssignRole>::new();
    let revoke = ServerAction::<RevokeRole>::new();
    let active = ServerAction::<SetUserActive>::new();
    let assign_error = action_error(assign);
    let other_error = Signal::derive(move || action_error(revoke).get().or_else(|| action_error(active).get()));
    let detail =
        Resource::new(move || (id(), assign.version().get(), revoke.version().get(), active.version().get()), |(id, _, _, _)| get_user(id));
    let orgs = Resource::new(|| (), |_| list_orgs());
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || detail.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(d) => {
                    let u = d.user.clone();
                    let user_id = u.id;
                    let is_active = u.active;
                    view! {
                        <div class="grid two">
                            <section class="card">
                                <h1>{u.full_name.clone()}</h1>
                                <dl class="facts">
                                    <dt>{t(Msg::Login)}</dt><dd>{u.login.clone()}</dd>
                                    <dt>{t(Msg::Email)}</dt><dd>{u.email.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>{t(Msg::Phone)}</dt><dd>{u.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>{t(Msg::Status)}</dt><dd data-testid="user-status">{if is_active { t(Msg::Active).into_any() } else { t(Msg::Inactive).into_any() }}</dd>
                                </dl>
                                <FormStatus error=other_error/>
                                <ActionForm action=active>
                                    <input type="hidden" name="user_id" value=user_id/>
                                    <input type="hidden" name="active" value=if is_active { "false" } else { "true" }/>
                                    <button type="submit" class=if is_active { "danger" } else { "" }>
                                        {if is_active { t(Msg::Deactivate).into_any() } else { t(Msg::Activate).into_any() }}
                                    </button>
                                </ActionForm>
                                <h2>{t(Msg::Roles)}</h2>
                                <ul class="grants">
                                    {d.grants.into_iter().map(|g| {
                                        let role = g.role;
                                        view! {
                                            <li>
                                                <span><strong>{t(role.msg())}</strong>" — "{g.org_name.clone()}</span>
                                                <ActionForm action=revoke attr:class="inline">
                                                    <input type="hidden" name="grant_id" value=g.id/>
                                                    <button type="submit" class="link">{t(Msg::Revoke)}</button>
                                                </ActionForm>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                            <section class="card">
                                <h2>{t(Msg::AssignRole)}</h2>
                                {move || orgs.get().and_then(|r| r.ok()).map(|list| view! {
                                    <ActionForm action=assign>
                                        <FormStatus error=assign_error ok=(action_ok(assign), Msg::RoleAssigned)/>
                                        <input type="hidden" name="user_id" value=user_id/>
                                        <OrgSelect name="org_id" orgs=list error=assign_error/>
                                        <RoleSelect error=assign_error/>
                                        <button type="submit" class="primary">{t(Msg::AssignRole)}</button>
                                    </ActionForm>
                                })}
                            </section>
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
