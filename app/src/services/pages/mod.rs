//! The e-services' pages: the applicant's cabinet (`/services`: the catalogue and my
//! applications), a service's form, an application (its history, the correction asked for, the
//! clerk's decisions), the clerk's queue, and the public check page of a result.

mod application;
mod apply;
mod cabinet;
mod check;
mod queue;

use crate::i18n::{use_locale, Msg};
use crate::services::model::{DueState, FieldKind, ServiceDef, Status};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn ServicesRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/services") view=cabinet::CabinetPage/>
        <Route path=path!("/services/apply/:code") view=apply::ApplyPage/>
        <Route path=path!("/services/applications/:id") view=application::ApplicationPage/>
        <Route path=path!("/services/queue") view=queue::QueuePage/>
        <Route path=path!("/services/check/:code") view=check::CheckPage/>
    }
    .into_inner()
}

/// A service's name by its code, in the reader's language.
fn service_name(code: &str, l: crate::i18n::Locale) -> String {
    crate::services::model::service(code).map(|s| s.name.text(l).to_string()).unwrap_or_else(|| code.to_string())
}

/// The status as a tag.
#[component]
fn StatusTag(status: Status) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        Status::Issued | Status::Approved => "tag ok",
        Status::Refused | Status::Withdrawn => "tag bad",
        Status::Returned => "tag warn",
        _ => "tag",
    };
    view! { <span class=class data-status=status.code()>{move || status.msg().text(locale.get())}</span> }
}

/// The deadline, with a warning when it is near or past.
#[component]
fn Due(due_on: String, due: DueState) -> impl IntoView {
    let locale = use_locale();
    let shown = crate::journal::semester::Date::parse(&due_on).map(|d| d.dotted()).unwrap_or(due_on);
    let (class, note) = match due {
        DueState::Fine => ("", None),
        DueState::Near => ("tag warn", Some(Msg::SvcDueNear)),
        DueState::Overdue => ("tag bad", Some(Msg::SvcDueOver)),
    };
    view! {
        <span data-due=format!("{due:?}")>{shown}</span>
        {note.map(|m| view! { " " <span class=class>{move || m.text(locale.get())}</span> })}
    }
}

/// A service's form fields (`f_<name>`) and document inputs (`doc_<kind>`), with the errors
/// the server named; `answers` fills them in (a correction).
#[component]
fn ServiceFields(
    def: &'static ServiceDef,
    answers: crate::services::model::Answers,
    error: Signal<Option<crate::error::AppError>>,
    /// A correction: documents already given need not be sent again.
    correction: bool,
) -> impl IntoView {
    let locale = use_locale();
    let err = move |name: String| move || error.get().and_then(|e| e.field_msg(&name)).map(|m| m.text(locale.get()));
    view! {
        {def.fields.iter().map(|f| {
            let name = format!("f_{}", f.name);
            let id = format!("f-{}", f.name);
            let value = answers.get(f.name).cloned().unwrap_or_default();
            let label = f.label;
            let input = match f.kind {
                FieldKind::Choice(options) => view! {
                    <select id=id.clone() name=name.clone() required=f.required>
                        <option value="">"—"</option>
                        {options.iter().map(|(code, m)| {
                            let m = *m;
                            view! { <option value=*code selected=value == *code>{move || m.text(locale.get())}</option> }
                        }).collect_view()}
                    </select>
                }.into_any(),
                FieldKind::Date => view! { <input id=id.clone() name=name.clone() type="date" value=value required=f.required/> }.into_any(),
                FieldKind::Number(lo, hi) => view! {
                    <input id=id.clone() name=name.clone() type="number" min=lo max=hi value=value required=f.required/>
                }.into_any(),
                FieldKind::Text(max) => view! {
                    <input id=id.clone() name=name.clone() type="text" maxlength=max value=value required=f.required/>
                }.into_any(),
            };
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label.text(locale.get())}</label>
                    {input}
                    <small class="error" role="alert">{err(name.clone())}</small>
                </div>
            }
        }).collect_view()}
        {def.docs.iter().map(|d| {
            let name = format!("doc_{}", d.kind);
            let id = format!("f-doc-{}", d.kind);
            let label = d.label;
            let required = d.required && !correction;
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label.text(locale.get())}{(d.required).then_some(" *")}</label>
                    <input id=id.clone() name=name.clone() type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required=required/>
                    <small class="hint">{move || Msg::SvcDocHint.text(locale.get())}</small>
                    <small class="error" role="alert">{err(name.clone())}</small>
                </div>
            }
        }).collect_view()}
        <div class="field">
            <label for="f-result_lang">{move || Msg::SvcResultLang.text(locale.get())}</label>
            <select id="f-result_lang" name="result_lang">
                <option value="kk" selected=move || locale.get() == crate::i18n::Locale::Kk>"Қазақша"</option>
                <option value="ru" selected=move || locale.get() != crate::i18n::Locale::Kk>"Русский"</option>
            </select>
        </div>
    }
}

/// The submitted form's data with its request key: made once per form and kept, so a resend of
/// the same form (a retry after no answer) is the same submit to the server.
#[cfg(feature = "hydrate")]
fn keyed_form(ev: &leptos::ev::SubmitEvent, key: StoredValue<String>) -> Option<leptos::web_sys::FormData> {
    let data = crate::ui::form_data(ev)?;
    if key.with_value(String::is_empty) {
        key.set_value(crate::proctor::client::js::random_key().unwrap_or_default());
    }
    let _ = data.set_with_str("request_key", &key.get_value());
    Some(data)
}
