//! The exams page: what a candidate may sit, what a teacher teaches, a new exam, and the import
//! of questions into the bank.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::exam::api::*;
use crate::exam::dto::*;
use crate::exam::model::score_text;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, action_ok, ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn ExamsPage() -> impl IntoView {
    view! { <RequireUser><Exams/></RequireUser> }
}

#[component]
fn Exams() -> impl IntoView {
    let create = ServerAction::<CreateExam>::new();
    let archive = ServerAction::<crate::exam::manage::ArchiveExam>::new();
    let overview = Resource::new(move || (create.version().get(), archive.version().get()), |_| exams_overview());
    view! {
        <section class="card wide">
            <h1>{t(Msg::Exams)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(o) => view! { <Overview o=o create=create archive=archive/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Overview(o: ExamsPageData, create: ServerAction<CreateExam>, archive: ServerAction<crate::exam::manage::ArchiveExam>) -> impl IntoView {
    let now = o.now;
    let has_journals = !o.journals.is_empty();
    let sitting = o.sitting.clone();
    let teaching = o.teaching.clone();
    view! {
        <Show when={let s = sitting.clone(); move || !s.is_empty() || !has_journals}>
            <h2>{t(Msg::MyExams)}</h2>
            <p><a href="/proctor/check" data-testid="device-check-link">{t(Msg::DeviceCheckLink)}</a></p>
            {if sitting.is_empty() {
                view! { <p class="muted">{t(Msg::NoExams)}</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="my-exams">
                        <thead><tr><th>{t(Msg::Exam)}</th><th>{t(Msg::Subject)}</th><th>{t(Msg::ExamWindow)}</th><th>{t(Msg::Status)}</th><th></th></tr></thead>
                        <tbody>
                            {sitting.clone().into_iter().map(|e| {
                                let open = now >= e.opens_at && now < e.closes_at;
                                let eid = e.id;
                                // Another attempt while the window is open and some are left (the
                                // start decides for certain: an annulment, the candidate's own window).
                                let another = e.attempts_made < e.attempts_allowed && open;
                                let action = match &e.attempt {
                                    Some(a) if a.submitted && another && a.verdict != "annulled" => view! {
                                        <a href=format!("/exams/attempt/{}", a.id)>{t(Msg::ExamResult)}</a>" "
                                        <a class="button primary" href=format!("/exams/{eid}/sit") data-testid="start-another-attempt">{t(Msg::StartAnotherAttempt)}</a>
                                    }.into_any(),
                                    Some(a) if a.submitted => view! { <a href=format!("/exams/attempt/{}", a.id)>{t(Msg::ExamResult)}</a> }.into_any(),
                                    Some(a) => view! { <a class="button primary" href=format!("/exams/attempt/{}", a.id)>{t(Msg::ContinueExam)}</a> }.into_any(),
                                    None if e.form == "offline" => view! { <span class="muted">{t(Msg::FormOffline)}</span> }.into_any(),
                                    // The device check (or, unproctored, a last look at the rules) comes first.
                                    None if open => view! {
                                        <a class="button primary" href=format!("/exams/{eid}/sit") data-testid="start-exam">{t(Msg::StartExam)}</a>
                                    }.into_any(),
                                    None => view! { <span class="muted">{t(if now < e.opens_at { Msg::ExamNotOpenYet } else { Msg::ExamClosedStatus })}</span> }.into_any(),
                                };
                                let awaiting = e.attempt.as_ref().is_some_and(|a| a.needs_grading);
                                let status = e.attempt.as_ref().map(|a| {
                                    if a.submitted { format!("{} {}", score_text(a.score, a.max_points), a.mark.clone().map(|m| format!("· {m}")).unwrap_or_default()) } else { String::new() }
                                });
                                let status = move || if awaiting { Some(t(Msg::AwaitingGrading)().to_string()) } else { status.clone() };
                                let several = (e.attempts_allowed > 1 && e.attempts_made > 0).then(|| view! {
                                    <br/><span class="muted" data-testid="attempts-made">{attempt_of(Msg::AttemptsMade, e.attempts_made, e.attempts_allowed)}</span>
                                    " · "{t(Msg::GradeSoFar)}": "<span data-testid="grade-so-far">{grade_text(e.grade)}</span>
                                });
                                view! {
                                    <tr>
                                        <td>{e.title.clone()}</td>
                                        <td>{e.subject.clone()}</td>
                                        <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}" · "{e.duration_min}" "{t(Msg::Minutes)}
                                            {(e.extra_min > 0).then(|| view! { " ("<span data-testid="extra-time">{t(Msg::ExtraTimeIncluded)}": +"{e.extra_min}</span>")" })}</td>
                                        <td>{status}{several}</td>
                                        <td>{action}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Show>
        <Show when=move || has_journals>
            <h2>{t(Msg::ExamsITeach)}</h2>
            {if teaching.is_empty() {
                view! { <p class="muted">{t(Msg::NoExams)}</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="teaching-exams">
                        <thead><tr><th>{t(Msg::Exam)}</th><th>{t(Msg::Group)}</th><th>{t(Msg::ExamWindow)}</th><th>{t(Msg::Questions)}</th><th>{t(Msg::Submitted)}</th><th></th></tr></thead>
                        <tbody>
                            {teaching.clone().into_iter().map(|e| view! {
                                <tr>
                                    <td>{e.title.clone()}</td>
                                    <td>{e.group_name.clone()}</td>
                                    <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}</td>
                                    <td>{e.questions}</td>
                                    <td>{e.submitted}" / "{e.started}</td>
                                    <td>
                                        <a href=format!("/exams/{}/results", e.id)>{t(Msg::Results)}</a>" · "
                                        <a href=format!("/exams/{}/edit", e.id) data-testid="edit-exam">{t(Msg::Edit)}</a>" · "
                                        <a href=format!("/exams/{}/duplicate", e.id)>{t(Msg::DuplicateExam)}</a>
                                        {(e.form == "offline").then(|| view! { " · "<a href=format!("/exams/{}/marks", e.id) data-testid="enter-marks">{t(Msg::EnterMarks)}</a> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <NewExam journals=o.journals.clone() create=create/>
            <ImportQuestions journals=o.journals.clone()/>
        </Show>
        <Archived sitting=o.sitting_archived.clone() teaching=o.teaching_archived.clone() archive=archive/>
    }
}

#[component]
fn NewExam(journals: Vec<JournalChoice>, create: ServerAction<CreateExam>) -> impl IntoView {
    let error = action_error(create);
    let first = journals.first().map(|j| j.id).unwrap_or_default();
    let chosen = RwSignal::new(first);
    let js = StoredValue::new(journals.clone());
    let journal = Signal::derive(move || js.with_value(|js| js.iter().find(|j| j.id == chosen.get()).cloned()));
    view! {
        <h2>{t(Msg::NewExam)}</h2>
        <ActionForm action=create attr:data-testid="exam-form">
            <FormStatus error=error ok=(action_ok(create), Msg::Saved)/>
            <div class="field">
                <label for="f-journal_id">{t(Msg::Journal)}</label>
                <select id="f-journal_id" name="journal_id" on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or_default())>
                    {journals.iter().map(|j| view! { <option value=j.id>{j.title.clone()}</option> }).collect_view()}
                </select>
            </div>
            <super::settings_form::ExamSettingsFields initial=crate::exam::settings::ExamSettings::blank(first) journal=journal error=error choose_form=true/>
            <button type="submit" class="primary">{t(Msg::NewExam)}</button>
        </ActionForm>
    }
}

/// "Attempt {n} of {of}" and the like, in the reader's language.
pub fn attempt_of(msg: Msg, n: i64, of: i64) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let text = t(msg);
    move || text().replace("{n}", &n.to_string()).replace("{of}", &of.to_string())
}

/// A grade by the exam's method: the mark, "awaiting the teacher's grade", or a dash.
pub fn grade_text(grade: crate::exam::attempts::Grade) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let waits = t(Msg::AwaitingGrading);
    move || match grade {
        crate::exam::attempts::Grade::Mark(m) => m.to_string(),
        crate::exam::attempts::Grade::Waits => waits().to_string(),
        crate::exam::attempts::Grade::Empty => "—".to_string(),
    }
}

/// Archived exams, behind a toggle: the caller's as a candidate and as a teacher, each with
/// what it needs (the result; restoring).
#[component]
fn Archived(
    sitting: Vec<ExamSummary>,
    teaching: Vec<ExamSummary>,
    archive: ServerAction<crate::exam::manage::ArchiveExam>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let count = sitting.len() + teaching.len();
    (count > 0).then(move || view! {
        <p><button type="button" data-testid="archived-toggle" on:click=move |_| open.update(|o| *o = !*o)>{t(Msg::ArchivedExams)}" ("{count}")"</button></p>
        <Show when=move || open.get()>
            <table class="list" data-testid="archived-exams">
                <thead><tr><th>{t(Msg::Exam)}</th><th>{t(Msg::Group)}</th><th>{t(Msg::ExamWindow)}</th><th></th></tr></thead>
                <tbody>
                    {sitting.clone().into_iter().map(|e| view! {
                        <tr>
                            <td>{e.title.clone()}</td>
                            <td>{e.subject.clone()}</td>
                            <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}</td>
                            <td>{e.attempt.as_ref().filter(|a| a.submitted).map(|a| view! { <a href=format!("/exams/attempt/{}", a.id)>{t(Msg::ExamResult)}</a> })}</td>
                        </tr>
                    }).collect_view()}
                    {teaching.clone().into_iter().map(|e| view! {
                        <tr>
                            <td>{e.title.clone()}</td>
                            <td>{e.group_name.clone()}</td>
                            <td>{format_datetime(e.opens_at)}" – "{format_datetime(e.closes_at)}</td>
                            <td>
                                <a href=format!("/exams/{}/results", e.id)>{t(Msg::Results)}</a>" · "
                                <ActionForm action=archive attr:class="inline">
                                    <input type="hidden" name="exam_id" value=e.id/>
                                    <input type="hidden" name="archived" value="false"/>
                                    <button type="submit">{t(Msg::RestoreExam)}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Show>
    })
}

#[component]
fn ImportQuestions(journals: Vec<JournalChoice>) -> impl IntoView {
    let mut subjects: Vec<String> = journals.iter().map(|j| j.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                result.set(Some(import_questions(data.into()).await));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, result, busy);
    };
    view! {
        <h2>{t(Msg::QuestionBank)}</h2>
        <p><a href="/exams/bank" data-testid="open-bank">{t(Msg::OpenBank)}</a></p>
        <p class="hint">{t(Msg::ImportQuestionsHint)}" "<a href="/export/exam-template.xlsx" rel="external" download>{t(Msg::DownloadTemplate)}</a></p>
        <form on:submit=on_submit data-testid="import-form" enctype="multipart/form-data">
            <div class="field">
                <label for="f-subject">{t(Msg::Subject)}</label>
                <select id="f-subject" name="subject">
                    {subjects.into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-file">{t(Msg::File)}</label>
                <input id="f-file" type="file" name="file" accept=".gift,.txt,.xml,.xlsx" required/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::ImportQuestions)}</button>
            {move || result.get().map(|r| match r {
                Ok(report) => view! {
                    <p class="ok" data-testid="import-ok">{t(Msg::QuestionsImported)}": "{report.questions}</p>
                    {(report.pictures > 0).then(|| view! {
                        <p class="ok" data-testid="import-pictures">{t(Msg::QuestionPicturesImported)}": "{report.pictures}</p>
                    })}
                    {(!report.notes.is_empty()).then(|| view! {
                        <div class="banner warning" data-testid="import-notes">
                            <p>{t(Msg::ImportNotesHeading)}</p>
                            <ul>{report.notes.iter().map(|n| view! { <li>{n.line}": "{t(n.problem)}</li> }).collect_view()}</ul>
                        </div>
                    })}
                }.into_any(),
                Err(AppError::Invalid(errors)) => view! {
                    <div class="error" data-testid="import-errors">
                        <p>{t(Msg::ErrImportNothing)}</p>
                        <ul>{errors.into_iter().map(|e| {
                            let line = e.field.strip_prefix("row.").map(str::to_string);
                            view! { <li>{line.map(|l| format!("{l}: "))}{t(e.msg)}</li> }
                        }).collect_view()}</ul>
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
            })}
        </form>
    }
}
