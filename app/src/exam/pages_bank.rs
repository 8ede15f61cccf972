//! The teacher's question bank page (`/exams/bank?subject=…`): the questions of one subject by
//! topic, each with its picture (attach, replace, remove) and a way to take it out of the bank.

use super::api::{archive_question, exam_bank, exams_overview};
use super::dto::BankQuestion;
use super::model::QuestionKind;
use super::pictures::remove_question_picture;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::{ErrorNote, RequireUser};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BankPage() -> impl IntoView {
    view! { <RequireUser><Bank/></RequireUser> }
}

#[component]
fn Bank() -> impl IntoView {
    let query = use_query_map();
    let overview = Resource::new(|| (), |_| exams_overview());
    view! {
        <section class="card wide">
            <p><a href="/exams">{t(Msg::Exams)}</a></p>
            <h1>{t(Msg::QuestionBank)}</h1>
            <Suspense fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(o) => {
                        let mut subjects: Vec<String> = o.journals.iter().map(|j| j.subject.clone()).collect();
                        subjects.sort();
                        subjects.dedup();
                        let asked = query.with_untracked(|q| q.get("subject")).filter(|s| subjects.contains(s));
                        match asked.or_else(|| subjects.first().cloned()) {
                            None => view! { <p class="muted">{t(Msg::NoBankSubjects)}</p> }.into_any(),
                            Some(subject) => view! { <SubjectBank subjects=subjects subject=subject/> }.into_any(),
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SubjectBank(subjects: Vec<String>, subject: String) -> impl IntoView {
    // Bumped after every change, so the list shows what the server now holds.
    let changed = RwSignal::new(0u32);
    let shown = subject.clone();
    let bank = Resource::new(move || changed.get(), move |_| exam_bank(shown.clone()));
    view! {
        // A plain GET form: choosing a subject is an address of its own (bookmarkable, works
        // before the page is hydrated).
        <form method="get" action="/exams/bank" class="inline">
            <label for="bank-subject">{t(Msg::Subject)}</label>" "
            <select id="bank-subject" name="subject">
                {subjects.into_iter().map(|s| {
                    let selected = s == subject;
                    view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                }).collect_view()}
            </select>" "
            <button type="submit">{t(Msg::Show)}</button>
        </form>
        <p class="hint">{t(Msg::QuestionPictureHint)}</p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || bank.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::BankEmpty)}</p> }.into_any(),
                Ok(list) => view! {
                    <table class="list" data-testid="bank">
                        <thead><tr>
                            <th>{t(Msg::Topic)}</th><th>{t(Msg::Kind)}</th><th>{t(Msg::Question)}</th>
                            <th>{t(Msg::Score)}</th><th>{t(Msg::QuestionPicture)}</th><th></th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|q| view! { <BankRow q=q changed=changed/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn BankRow(q: BankQuestion, changed: RwSignal<u32>) -> impl IntoView {
    let id = q.id;
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    // Every change on the row goes through here: one at a time, the error shown at the row.
    let run = move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = call.await;
            busy.set(false);
            match r {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(data) = crate::ui::form_data(&ev) {
            run(Box::pin(async move { super::pictures::set_question_picture(data.into()).await.map(|_| ()) }));
        }
    };
    let kind = QuestionKind::from_code(&q.kind).map(|k| k.msg());
    view! {
        <tr data-testid="bank-question" data-question=id>
            <td>{q.topic.clone()}</td>
            <td>{kind.map(t)}</td>
            <td class="bank-text">{q.text.clone()}</td>
            <td>{q.points}</td>
            <td>
                {q.picture.clone().map(|src| view! {
                    <img class="bank-picture" src=src alt=t(Msg::QuestionPicture) data-testid="bank-picture"/>
                    <button type="button" class="small" disabled=move || busy.get()
                        on:click=move |_| run(Box::pin(remove_question_picture(id)))>{t(Msg::RemovePicture)}</button>
                })}
                <form on:submit=on_upload enctype="multipart/form-data" class="picture-form">
                    <input type="hidden" name="question_id" value=id/>
                    <input type="file" name="file" accept="image/jpeg,image/png,image/webp" required
                        aria-label=t(Msg::QuestionPicture)/>
                    <button type="submit" class="small" disabled=move || busy.get()>{t(Msg::Upload)}</button>
                </form>
                {move || error.get().map(|e| {
                    // The field's own message ("not an image", "too large"), not "check the fields".
                    let msg = match &e {
                        AppError::Invalid(fields) => fields.first().map(|f| f.msg).unwrap_or(e.summary()),
                        other => other.summary(),
                    };
                    view! { <p class="error" role="alert" data-testid="picture-error">{t(msg)}</p> }
                })}
            </td>
            <td>
                <button type="button" class="small" disabled=move || busy.get()
                    on:click=move |_| run(Box::pin(archive_question(id)))>{t(Msg::RemoveFromBank)}</button>
            </td>
        </tr>
    }
}
