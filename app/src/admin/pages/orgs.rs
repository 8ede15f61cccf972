use super::OrgSelect;
use crate::admin::api::{list_orgs, CreateOrg};
use crate::admin::model::OrgKind;
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn OrgsPage() -> impl IntoView {
    view! { <RequireUser><Orgs/></RequireUser> }
}

#[component]
fn Orgs() -> impl IntoView {
    let create = ServerAction::<CreateOrg>::new();
    let error = action_error(create);
    let orgs = Resource::new(move || create.version().get(), |_| list_orgs());
    let locale = use_locale();
    let kind_error = crate::ui::field_error(error, "kind");
    view! {
        <div class="grid two">
            <section class="card">
                <h1>{t(Msg::Organisations)}</h1>
                <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    {move || orgs.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) => view! {
                            <ul class="tree" data-testid="org-tree">
                                {list.into_iter().map(|o| {
                                    let kind = o.kind;
                                    view! {
                                        <li class=format!("depth-{}", o.depth.min(6))>
                                            <span class="kind">{move || kind.msg().text(locale.get())}</span>
                                            {if kind == OrgKind::Group {
                                                view! { <A href=format!("/admin/groups/{}", o.id)>{o.name.clone()}</A> }.into_any()
                                            } else {
                                                view! { <span>{o.name.clone()}</span> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            <section class="card">
                <h2>{t(Msg::CreateOrganisation)}</h2>
                <Transition fallback=|| ()>
                    {move || orgs.get().and_then(|r| r.ok()).map(|list| view! {
                        <ActionForm action=create>
                            <FormStatus error=error ok=(action_ok(create), Msg::OrgCreated)/>
                            <OrgSelect name="parent_id" label=Msg::Parent orgs=list error=error/>
                            <div class="field" class:invalid=move || kind_error.get().is_some()>
                                <label for="f-kind">{t(Msg::Kind)}</label>
                                <select id="f-kind" name="kind">
                                    {OrgKind::CREATABLE.into_iter().map(|k| view! {
                                        <option value=k.code()>{move || k.msg().text(locale.get())}</option>
                                    }).collect_view()}
                                </select>
                                {move || kind_error.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
                            </div>
                            <Field label=Msg::Name name="name" error=error required=true/>
                            <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::CreateOrganisation)}</button>
                        </ActionForm>
                    })}
                </Transition>
            </section>
        </div>
    }
}
