//! The teacher's question bank page (`/exams/bank?subject=…`): the questions of one subject by
//! topic, each with its picture (attach, replace, remove), its version and a way to take it out
//! of the bank; the question editor (`question_editor`) opens above the list for a new question
//! or an edit (a new version).

use super::question_editor::{EditorStart, QuestionEditor};
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::exam::api::{archive_question, exam_bank, exam_question, exams_overview};
use crate::exam::dto::BankQuestion;
use crate::exam::editor::QuestionForm;
use crate::exam::model::QuestionKind;
use crate::exam::pictures::remove_question_picture;
use crate::i18n::{t, Msg};
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BankPage() -> impl IntoView {
    view! { <RequireUser><Bank/></RequireUser> }
}

/// The subjects the teacher has, the one shown and its questions.
type BankView = Option<(Vec<String>, String, Vec<BankQuestion>)>;

#[component]
fn Bank() -> impl IntoView {
    let asked = use_query_map().with_untracked(|q| q.get("subject"));
    // Bumped after every change, so the list shows what the server now holds.
    let changed = RwSignal::new(0u32);
    // "Saved" after the editor's save: here, as the list below is drawn afresh by it.
    let saved = RwSignal::new(false);
    // The kind "New question" makes: here, so the redraw after a save keeps the teacher's pick.
    let new_kind = RwSignal::new(QuestionKind::Single);
    // One resource for the subjects and the questions, created with the page. (The questions
    // had their own resource, created inside the subjects' Suspense once the subjects were
    // there; the server created it again when that Suspense rendered twice, the browser then
    // read another resource's data, and hydrating the page failed at random.)
    let bank = Resource::new(move || changed.get(), move |_| load_bank(asked.clone()));
    view! {
        <section class="card wide">
            <p><a href="/exams">{t(Msg::Exams)}</a></p>
            <h1>{t(Msg::QuestionBank)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || bank.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(None) => view! { <p class="muted">{t(Msg::NoBankSubjects)}</p> }.into_any(),
                    Ok(Some((subjects, subject, list))) => view! { <SubjectBank subjects subject list changed saved new_kind/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The subject asked for in the address if the teacher has it, else their first one.
async fn load_bank(asked: Option<String>) -> Result<BankView, AppError> {
    let overview = exams_overview().await?;
    let mut subjects: Vec<String> = overview.journals.iter().map(|j| j.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    let Some(subject) = asked.filter(|s| subjects.contains(s)).or_else(|| subjects.first().cloned()) else {
        return Ok(None);
    };
    let list = exam_bank(subject.clone()).await?;
    Ok(Some((subjects, subject, list)))
}

#[component]
fn SubjectBank(
    subjects: Vec<String>,
    subject: String,
    list: Vec<BankQuestion>,
    changed: RwSignal<u32>,
    saved: RwSignal<bool>,
    new_kind: RwSignal<QuestionKind>,
) -> impl IntoView {
    // The editor, when open: a new question or a version being edited (opened by a click only,
    // so the server never renders it and hydration has nothing to match).
    let editor: RwSignal<Option<EditorStart>> = RwSignal::new(None);
    let new_subject = subject.clone();
    let open_new = move |_| {
        editor.set(Some(EditorStart { question_id: None, subject: new_subject.clone(), form: QuestionForm::new(new_kind.get_untracked()) }))
    };
    let on_saved = Callback::new(move |_id: i64| {
        editor.set(None);
        saved.set(true);
        changed.update(|n| *n += 1);
    });
    let on_cancel = Callback::new(move |_| editor.set(None));
    // Another kind picked in the editor: it opens again on the form as that kind.
    let on_kind = Callback::new(move |form: QuestionForm| {
        editor.update(|e| {
            if let Some(e) = e.as_mut() {
                e.form = form
            }
        })
    });
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
        <p class="inline">
            <label for="new-question-kind">{t(Msg::Kind)}</label>" "
            <select id="new-question-kind" data-testid="new-question-kind"
                on:change=move |ev| if let Some(k) = QuestionKind::from_code(&event_target_value(&ev)) { new_kind.set(k) }>
                {QuestionKind::ALL.into_iter().map(|k| view! { <option value=k.code() selected=move || new_kind.get() == k>{t(k.msg())}</option> }).collect_view()}
            </select>" "
            <button type="button" data-testid="new-question" on:click=open_new>{t(Msg::NewQuestion)}</button>
        </p>
        {move || (saved.get() && editor.with(Option::is_none))
            .then(|| view! { <p class="banner ok" role="status" data-testid="question-saved">{t(Msg::QuestionSaved)}</p> })}
        {move || editor.get().map(|start| view! { <QuestionEditor start on_saved on_cancel on_kind/> })}
        {(!list.is_empty()).then(|| {
            let subject = crate::ui::url_encode(&subject);
            let xml = format!("/export/exam-bank.xml?subject={subject}");
            let xlsx = format!("/export/exam-bank.xlsx?subject={subject}");
            let gift = format!("/export/exam-bank.gift?subject={subject}");
            view! {
                <p>
                    <a href=xml rel="external" download data-testid="bank-export">{t(Msg::ExportMoodleXml)}</a>" · "
                    <a href=xlsx rel="external" download data-testid="bank-export-xlsx">{t(Msg::ExportBankXlsx)}</a>" · "
                    <a href=gift rel="external" download data-testid="bank-export-gift">{t(Msg::ExportBankGift)}</a>
                </p>
            }
        })}
        {if list.is_empty() {
            view! { <p class="muted">{t(Msg::BankEmpty)}</p> }.into_any()
        } else {
            view! {
                <table class="list" data-testid="bank">
                    <thead><tr>
                        <th>{t(Msg::Topic)}</th><th>{t(Msg::Kind)}</th><th>{t(Msg::Question)}</th>
                        <th>{t(Msg::Score)}</th><th>{t(Msg::QuestionPicture)}</th><th></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|q| view! { <BankRow q=q changed=changed editor=editor/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn BankRow(q: BankQuestion, changed: RwSignal<u32>, editor: RwSignal<Option<EditorStart>>) -> impl IntoView {
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
            run(Box::pin(async move { crate::exam::pictures::set_question_picture(data.into()).await.map(|_| ()) }));
        }
    };
    // The editor opens with the question as saved, key included (the owner's own).
    let edit = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = exam_question(id).await;
            busy.set(false);
            match r {
                Ok(d) => editor.set(Some(EditorStart { question_id: d.id, subject: d.subject, form: QuestionForm::of(&d.question) })),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let kind = QuestionKind::from_code(&q.kind).map(|k| k.msg());
    let version = q.version;
    view! {
        <tr data-testid="bank-question" data-question=id>
            <td>{q.topic.clone()}</td>
            <td>{kind.map(t)}" "<small class="muted" data-testid="bank-version">{move || t(Msg::QuestionVersion)().replace("{n}", &version.to_string())}</small></td>
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
                <button type="button" class="small" disabled=move || busy.get() data-testid="bank-edit" on:click=edit>{t(Msg::Edit)}</button>" "
                <button type="button" class="small" disabled=move || busy.get()
                    on:click=move |_| run(Box::pin(archive_question(id)))>{t(Msg::RemoveFromBank)}</button>
            </td>
        </tr>
    }
}
