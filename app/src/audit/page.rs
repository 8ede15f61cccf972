//! The audit log page: filters in the address bar (so a filtered view can be bookmarked and
//! works without JavaScript), newest first, 50 a page.

use super::api::audit_list;
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::{Form, Route, A};
use leptos_router::hooks::use_query_map;
use leptos_router::path;

#[component(transparent)]
pub fn AuditRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/admin/audit") view=AuditPage/> }.into_inner()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <RequireUser><AuditLog/></RequireUser> }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let rows = Resource::new(
        move || (get("actor"), get("action"), get("entity"), get("from"), get("to"), get("page").parse::<i64>().unwrap_or(0)),
        |(actor, action, entity, from, to, page)| audit_list(actor, action, entity, from, to, page),
    );
    let locale = use_locale();
    let page_link = move |delta: i64| {
        let page = (get("page").parse::<i64>().unwrap_or(0) + delta).max(0);
        query.with(|q| {
            let mut params: Vec<String> = ["actor", "action", "entity", "from", "to"]
                .iter()
                .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", urlencode(&v))))
                .collect();
            params.push(format!("page={page}"));
            format!("/admin/audit?{}", params.join("&"))
        })
    };
    view! {
        <section class="card">
            <h1>{t(Msg::AuditLog)}</h1>
            <Form method="GET" action="" attr:class="filters">
                <label>{t(Msg::Who)}<input name="actor" value=move || get("actor") placeholder=t(Msg::Login)/></label>
                <label>{t(Msg::Action)}<input name="action" value=move || get("action") placeholder="user."/></label>
                <label>{t(Msg::Object)}<input name="entity" value=move || get("entity") placeholder="user"/></label>
                <label>{t(Msg::From)}<input type="date" name="from" value=move || get("from")/></label>
                <label>{t(Msg::To)}<input type="date" name="to" value=move || get("to")/></label>
                <button type="submit">{t(Msg::Filter)}</button>
            </Form>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <p class="muted">{t(Msg::NothingFound)}</p> }.into_any(),
                    Ok(p) => {
                        let (has_prev, has_more) = (p.page > 0, p.has_more);
                        view! {
                            <div class="table-wrap">
                                <table class="audit">
                                    <thead><tr>
                                        <th>{t(Msg::When)}</th><th>{t(Msg::Who)}</th><th>{t(Msg::Address)}</th>
                                        <th>{t(Msg::Action)}</th><th>{t(Msg::Object)}</th><th>{t(Msg::Before)}</th><th>{t(Msg::After)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td data-label=move || Msg::When.text(locale.get())><time>{format_datetime(r.at)}</time></td>
                                                <td data-label=move || Msg::Who.text(locale.get())>{match r.actor_login.clone() {
                                                    Some(l) => l.into_any(),
                                                    None => t(Msg::Anonymous).into_any(),
                                                }}</td>
                                                <td data-label=move || Msg::Address.text(locale.get())><code>{r.ip.clone()}</code></td>
                                                <td data-label=move || Msg::Action.text(locale.get())><code>{r.action.clone()}</code></td>
                                                <td data-label=move || Msg::Object.text(locale.get())>{
                                                    let (entity, id) = (r.entity.clone(), r.entity_id.clone());
                                                    move || format!("{} #{}", entity_name(&entity).map(|m| m.text(locale.get())).unwrap_or(&entity), id)
                                                }</td>
                                                <td data-label=move || Msg::Before.text(locale.get())><code class="json">{r.before_json.clone().unwrap_or_default()}</code></td>
                                                <td data-label=move || Msg::After.text(locale.get())><code class="json">{r.after_json.clone().unwrap_or_default()}</code></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <nav class="pager">
                                <Show when=move || has_prev><A href=move || page_link(-1)>{t(Msg::Previous)}</A></Show>
                                <Show when=move || has_more><A href=move || page_link(1)>{t(Msg::Next)}</A></Show>
                            </nav>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// The translated name of an audited kind of record (unknown kinds show their code).
fn entity_name(entity: &str) -> Option<Msg> {
    match entity {
        "user" => Some(Msg::EntityUser),
        "organisation" => Some(Msg::EntityOrganisation),
        "installation" => Some(Msg::EntityInstallation),
        "certificate" => Some(Msg::EntityCertificate),
        "exam" => Some(Msg::EntityExam),
        "exam_attempt" => Some(Msg::EntityExamAttempt),
        "exam_bank" => Some(Msg::EntityExamBank),
        "exam_question" => Some(Msg::EntityExamQuestion),
        "exam_sitting" => Some(Msg::EntityExamSitting),
        "journal" => Some(Msg::EntityJournal),
        "olympiad_campaign" => Some(Msg::EntityOlympiadCampaign),
        "olympiad_participant" => Some(Msg::EntityOlympiadParticipant),
        "proctor_violation" => Some(Msg::EntityProctorViolation),
        "school_directory" => Some(Msg::EntitySchoolDirectory),
        _ => None,
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
