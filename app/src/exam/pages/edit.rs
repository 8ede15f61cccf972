//! A teacher's exam after it was created: edit its settings (all of them until anyone could
//! start, then only the safe ones: the server refuses the rest at their fields), archive it once
//! it is over, and duplicate it into a new exam whose form opens prefilled.

use super::settings_form::ExamSettingsFields;
use crate::auth::shell::RequireUser;
use crate::exam::api::CreateExam;
use crate::exam::manage::{read_exam_settings, ArchiveExam, UpdateExam};
use crate::exam::settings::ExamEditData;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, id_param, ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn EditExamPage() -> impl IntoView {
    view! { <RequireUser><EditExam/></RequireUser> }
}

#[component]
pub fn DuplicateExamPage() -> impl IntoView {
    view! { <RequireUser><DuplicateExam/></RequireUser> }
}

#[component]
fn EditExam() -> impl IntoView {
    let id = id_param();
    let update = ServerAction::<UpdateExam>::new();
    let archive = ServerAction::<ArchiveExam>::new();
    let data = Resource::new(move || (id(), update.version().get(), archive.version().get()), |(id, _, _)| read_exam_settings(id));
    view! {
        <section class="card wide">
            <h1>{t(Msg::EditExam)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(d) => view! { <EditForm d=d update=update archive=archive/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EditForm(d: ExamEditData, update: ServerAction<UpdateExam>, archive: ServerAction<ArchiveExam>) -> impl IntoView {
    let error = action_error(update);
    let archive_error = action_error(archive);
    let choice = d.journal.clone();
    let journal = Signal::derive(move || Some(choice.clone()));
    let exam_id = d.exam_id;
    view! {
        <p>
            <a href=format!("/exams/{exam_id}/results")>{t(Msg::Results)}</a>" · "
            <a href=format!("/exams/{exam_id}/duplicate") data-testid="duplicate-exam">{t(Msg::DuplicateExam)}</a>
        </p>
        {d.opened.then(|| view! { <p class="hint" data-testid="exam-opened-note">{t(Msg::ExamOpenedNote)}</p> })}
        <ActionForm action=update attr:data-testid="exam-edit-form">
            <FormStatus error=error ok=(action_ok(update), Msg::Saved)/>
            <input type="hidden" name="exam_id" value=exam_id/>
            <ExamSettingsFields initial=d.settings.clone() journal=journal error=error/>
            <button type="submit" class="primary">{t(Msg::Save)}</button>
        </ActionForm>
        // Archiving: an exam over for everyone goes out of the main lists; back at any time.
        {(d.closed || d.archived).then(|| view! {
            <ActionForm action=archive attr:data-testid="exam-archive-form">
                <FormStatus error=archive_error/>
                <input type="hidden" name="exam_id" value=exam_id/>
                <input type="hidden" name="archived" value={if d.archived { "false" } else { "true" }}/>
                <button type="submit">{t(if d.archived { Msg::RestoreExam } else { Msg::ArchiveExam })}</button>
            </ActionForm>
        })}
    }
}

#[component]
fn DuplicateExam() -> impl IntoView {
    let id = id_param();
    let create = ServerAction::<CreateExam>::new();
    let data = Resource::new(move || id(), read_exam_settings);
    view! {
        <section class="card wide">
            <h1>{t(Msg::DuplicateExam)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(d) => view! { <DuplicateForm d=d create=create/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The new exam's form filled with the original's settings: its title marked as a copy, its
/// window empty (a copy is for another sitting). Attempts, sittings and accommodations stay with
/// the original.
#[component]
fn DuplicateForm(d: ExamEditData, create: ServerAction<CreateExam>) -> impl IntoView {
    let error = action_error(create);
    let locale = use_locale();
    let mut copy = d.settings.clone();
    copy.title = Msg::ExamCopyTitle.text(locale.get_untracked()).replace("{title}", &copy.title);
    copy.opens_at = 0;
    copy.closes_at = 0;
    let choice = d.journal.clone();
    let journal = Signal::derive(move || Some(choice.clone()));
    let created = move || create.value().get().and_then(|r| r.ok());
    view! {
        <ActionForm action=create attr:data-testid="exam-duplicate-form">
            <FormStatus error=error/>
            <input type="hidden" name="journal_id" value=d.settings.journal_id/>
            <input type="hidden" name="form" value=d.settings.form.clone()/>
            <ExamSettingsFields initial=copy journal=journal error=error/>
            <button type="submit" class="primary">{t(Msg::NewExam)}</button>
        </ActionForm>
        {move || created().map(|id| view! {
            <p class="ok" data-testid="exam-duplicated">{t(Msg::Saved)}" · "<a href=format!("/exams/{id}/edit")>{t(Msg::EditExam)}</a>" · "<a href="/exams">{t(Msg::Exams)}</a></p>
        })}
    }
}
