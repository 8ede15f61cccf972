//! An application opened: where it stands and its deadline, the answers and documents, the
//! history; for the applicant the correction a clerk asked for, for the clerk the decisions the
//! status path allows from here.

use super::{service_name, Due, ServiceFields, StatusTag};
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::services::api::{get_application, ActOnApplication, CancelApplication};
use crate::services::model::{next, Action, ApplicationView, MovementEffect, Status};
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ApplicationPage() -> impl IntoView {
    view! { <RequireUser><Application/></RequireUser> }
}

#[component]
fn Application() -> impl IntoView {
    let id = crate::ui::id_param();
    let act = ServerAction::<ActOnApplication>::new();
    let cancel = ServerAction::<CancelApplication>::new();
    let corrected = RwSignal::new(0u32);
    let app = Resource::new(move || (id(), act.version().get(), cancel.version().get(), corrected.get()), |(id, ..)| get_application(id));
    view! {
        <p><A href="/services">{t(Msg::SvcEServices)}</A></p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || app.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(v) => view! {
                    <div class="grid two">
                        <Facts data=v.clone()/>
                        <div>
                            {(v.mine && v.line.status == Status::Returned).then(|| view! { <Correction data=v.clone() corrected=corrected/> })}
                            {(v.mine && next(v.line.status, Action::Cancel).is_some()).then(|| view! { <Withdrawal id=v.line.id cancel=cancel/> })}
                            {v.clerk.then(|| view! { <ClerkActions data=v.clone() act=act/> })}
                        </div>
                    </div>
                    <History data=v/>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Facts(data: ApplicationView) -> impl IntoView {
    let locale = use_locale();
    let v = data;
    let def = crate::services::model::service(&v.line.service);
    let service = v.line.service.clone();
    let answers: Vec<(String, String)> = v.answers.clone().into_iter().collect();
    let line = v.line.clone();
    let returned = line.status == Status::Returned || line.status == Status::Refused || line.status == Status::Withdrawn;
    view! {
        <section class="card" data-testid="application">
            <p class="muted">{t(Msg::SvcApplication)}" № "{line.id}</p>
            <h1>{move || service_name(&service, locale.get())}</h1>
            <dl class="facts">
                <dt>{t(Msg::SvcStatus)}</dt><dd data-testid="application-status"><StatusTag status=line.status/></dd>
                {returned.then(|| view! { <dt>{t(Msg::SvcComment)}</dt><dd data-testid="application-comment">{line.comment.clone()}</dd> })}
                <dt>{t(Msg::SvcApplicant)}</dt><dd>{line.applicant.clone()}</dd>
                <dt>{t(Msg::KindCollege)}</dt><dd>{line.college.clone()}</dd>
                <dt>{t(Msg::SvcSubmittedAt)}</dt><dd>{crate::ui::time::format_datetime(line.submitted_at)}</dd>
                <dt>{t(Msg::SvcDeadline)}</dt><dd><Due due_on=line.due_on.clone() due=line.due/></dd>
                {answers.into_iter().map(|(k, val)| {
                    let label = def.and_then(|d| d.fields.iter().find(|f| f.name == k)).map(|f| f.label);
                    let k2 = k.clone();
                    view! {
                        <dt>{move || label.map(|m| m.text(locale.get()).to_string()).unwrap_or_else(|| k.clone())}</dt>
                        <dd>{move || def.map(|d| d.answer_text(&k2, &val, locale.get())).unwrap_or_else(|| val.clone())}</dd>
                    }
                }).collect_view()}
            </dl>
            <h2>{t(Msg::SvcDocuments)}</h2>
            <ul data-testid="application-files">
                {v.files.into_iter().map(|f| {
                    let label = def.and_then(|d| d.doc(&f.kind)).map(|d| d.label);
                    view! {
                        <li>
                            {move || label.map(|m| m.text(locale.get()).to_string()).unwrap_or_default()}": "
                            <a href=format!("/files/service/{}/{}", v.line.id, f.kind) rel="external" target="_blank">{f.file_name.clone()}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {line.result_number.clone().map(|n| view! {
                <p><a href=format!("/export/service/{}.pdf", line.id) rel="external" download data-testid="result-pdf">
                    {t(Msg::SvcDownloadResult)}" № "{n}
                </a></p>
            })}
        </section>
    }
}

/// The applicant's correction of a returned application: the form again, filled in; documents
/// sent replace those of their kind.
#[component]
fn Correction(data: ApplicationView, corrected: RwSignal<u32>) -> impl IntoView {
    let view_data = data;
    let locale = use_locale();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let key = StoredValue::new(String::new());
    let Some(def) = crate::services::model::service(&view_data.line.service) else { return ().into_any() };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, key, corrected);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = super::keyed_form(&ev, key) else { return };
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let r = crate::services::api::resubmit_application(data.into()).await;
                busy.set(false);
                match r {
                    Ok(_) => corrected.update(|n| *n += 1),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <section class="card">
            <h2>{t(Msg::SvcCorrect)}</h2>
            <p class="banner warn" data-testid="asked-of-you">{view_data.line.comment.clone()}</p>
            <form on:submit=on_submit data-testid="correction-form">
                {move || error.get().map(|e| view! { <p class="banner error" role="alert">{e.summary().text(locale.get())}</p> })}
                <input type="hidden" name="id" value=view_data.line.id/>
                <ServiceFields def=def answers=view_data.answers.clone() error=error.into() correction=true/>
                <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::SvcResubmit)}</button>
            </form>
        </section>
    }
    .into_any()
}

/// The applicant's own withdrawal, while nothing is decided.
#[component]
fn Withdrawal(id: i64, cancel: ServerAction<CancelApplication>) -> impl IntoView {
    let error = action_error(cancel);
    view! {
        <section class="card" data-testid="withdrawal">
            <FormStatus error=error/>
            <p class="muted">{t(Msg::SvcCancelHint)}</p>
            <ActionForm action=cancel>
                <input type="hidden" name="id" value=id/>
                <button type="submit" data-testid="cancel-application" disabled=move || cancel.pending().get()>{t(Msg::SvcCancel)}</button>
            </ActionForm>
        </section>
    }
}

/// The clerk's decisions that the status path allows from here.
#[component]
fn ClerkActions(data: ApplicationView, act: ServerAction<ActOnApplication>) -> impl IntoView {
    let locale = use_locale();
    let error = action_error(act);
    let status = data.line.status;
    let id = data.line.id;
    let can = move |a: Action| next(status, a).is_some();
    let needs_group =
        crate::services::model::service(&data.line.service).is_some_and(|d| d.movement == MovementEffect::TransferOrReinstatement);
    let groups = data.groups.clone();
    let comment_form = move |action: &'static str, label: Msg, button: Msg, testid: &'static str| {
        view! {
            <ActionForm action=act attr:data-testid=testid>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="action" value=action/>
                <div class="field">
                    <label for=format!("f-comment-{action}")>{t(label)}</label>
                    <textarea id=format!("f-comment-{action}") name="comment" rows="3" maxlength="500" required></textarea>
                </div>
                <button type="submit" disabled=move || act.pending().get()>{t(button)}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="card" data-testid="clerk-actions">
            <h2>{t(Msg::SvcDecision)}</h2>
            <FormStatus error=error/>
            {move || error.get().and_then(|e| e.field_msg("comment").or(e.field_msg("to_group"))).map(|m| view! {
                <p class="banner error" role="alert">{move || m.text(locale.get())}</p>
            })}
            {can(Action::Take).then(|| view! {
                <ActionForm action=act attr:data-testid="take-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="action" value="take"/>
                    <input type="hidden" name="comment" value=""/>
                    <button type="submit" class="primary" disabled=move || act.pending().get()>{t(Msg::SvcTake)}</button>
                </ActionForm>
            })}
            {can(Action::Approve).then(|| view! {
                <ActionForm action=act attr:data-testid="approve-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="action" value="approve"/>
                    <input type="hidden" name="comment" value=""/>
                    {needs_group.then(|| view! {
                        <div class="field">
                            <label for="f-to_group">{t(Msg::RecToGroup)}</label>
                            <select id="f-to_group" name="to_group" required>
                                <option value="">"—"</option>
                                {groups.clone().into_iter().map(|(gid, name)| view! { <option value=gid>{name}</option> }).collect_view()}
                            </select>
                        </div>
                    })}
                    <button type="submit" class="primary" disabled=move || act.pending().get()>{t(Msg::SvcApprove)}</button>
                </ActionForm>
            })}
            {can(Action::Return).then(|| comment_form("return", Msg::SvcReturnComment, Msg::SvcReturn, "return-form"))}
            {can(Action::Refuse).then(|| comment_form("refuse", Msg::SvcRefuseReason, Msg::SvcRefuse, "refuse-form"))}
            {can(Action::Withdraw).then(|| comment_form("withdraw", Msg::SvcWithdrawReason, Msg::SvcWithdraw, "withdraw-form"))}
        </section>
    }
}

#[component]
fn History(data: ApplicationView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card">
            <h2>{t(Msg::SvcHistory)}</h2>
            <table class="list" data-testid="application-history">
                <thead><tr><th>{t(Msg::SvcWhen)}</th><th>{t(Msg::SvcStatus)}</th><th>{t(Msg::SvcWho)}</th><th>{t(Msg::SvcComment)}</th></tr></thead>
                <tbody>
                    {data.history.into_iter().map(|h| view! {
                        <tr>
                            <td data-label=move || Msg::SvcWhen.text(locale.get())>{crate::ui::time::format_datetime(h.at)}</td>
                            <td data-label=move || Msg::SvcStatus.text(locale.get())><StatusTag status=h.status/></td>
                            <td data-label=move || Msg::SvcWho.text(locale.get())>{h.actor.clone()}</td>
                            <td data-label=move || Msg::SvcComment.text(locale.get())>{h.comment.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
