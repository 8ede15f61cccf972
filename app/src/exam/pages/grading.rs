//! Pages of the ticket form and of grading: the candidate's ticket sheet (written answer and
//! attached files), the teacher's grading page of one attempt, and the mark sheet of an
//! offline exam.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::exam::answer_queue::AnswerQueue;
use crate::exam::dto::{AttachedFile, TicketPaper};
use crate::exam::grading::*;
use crate::exam::model::{score_text, verdict_msg};
use crate::i18n::{t, use_locale, Msg};
use crate::ui::id_param;
use crate::ui::{ErrorNote, FormStatus};
use leptos::prelude::*;

fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The files of a ticket answer, with download links (and removal while sitting).
#[component]
fn FileList(attempt_id: i64, files: RwSignal<Vec<AttachedFile>>, #[prop(optional)] removable: bool) -> impl IntoView {
    let remove = move |name: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Ok(list) = crate::exam::tickets::remove_ticket_file(attempt_id, name).await {
                files.set(list);
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = name;
    };
    view! {
        <ul class="file-list" data-testid="ticket-files">
            {move || files.get().into_iter().map(|f| {
                let name = f.name.clone();
                view! {
                    <li>
                        <a href=format!("/files/exam/{attempt_id}/{}", f.name) rel="external" download>{f.name.clone()}</a>
                        <small class="muted">{file_size(f.bytes)}</small>
                        {removable.then(|| view! {
                            <button type="button" class="small" on:click=move |_| remove(name.clone())>{t(Msg::RemoveFile)}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The candidate's ticket while sitting: the ticket, the written answer (saved through the
/// attempt's answer queue a moment after typing stops, and at once when the field is left),
/// and the attached files.
#[component]
pub fn TicketSheet(attempt_id: i64, ticket: TicketPaper, queue: AnswerQueue) -> impl IntoView {
    let files = RwSignal::new(ticket.files.clone());
    let upload_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let typed = StoredValue::new(0u64);
    let save = move |text: String| {
        if let Ok(json) = serde_json::to_string(&crate::exam::model::Answer::Text(text)) {
            queue.push(crate::exam::tickets::TICKET_ANSWER, json);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.update_value(|n| *n += 1);
        let mine = typed.get_value();
        leptos::task::spawn_local(async move {
            crate::ui::sleep(1_200).await;
            if typed.get_value() == mine {
                save(text);
            }
        });
    };
    let on_upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let form = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                match crate::exam::tickets::attach_ticket_file(data.into()).await {
                    Ok(list) => {
                        files.set(list);
                        upload_error.set(None);
                        if let Some(f) = form {
                            f.reset();
                        }
                    }
                    Err(e) => upload_error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let file_error = Signal::derive(move || upload_error.get().and_then(|e| e.field_msg("file").or(Some(e.summary()))));
    view! {
        <section class="ticket" data-testid="ticket">
            <h2>{t(Msg::TicketNo)}" "{ticket.number}</h2>
            <div class="ticket-body" data-testid="ticket-body">{ticket.body.clone()}</div>
            <div class="field ticket-answer">
                <label for="f-written">{t(Msg::WrittenAnswer)}</label>
                <textarea id="f-written" data-testid="written-answer" on:input=on_input
                    on:change=move |ev| { typed.update_value(|n| *n += 1); save(event_target_value(&ev)); }>{ticket.written.clone()}</textarea>
            </div>
            <h3>{t(Msg::AttachedFiles)}</h3>
            <FileList attempt_id=attempt_id files=files removable=true/>
            <form on:submit=on_upload enctype="multipart/form-data" data-testid="ticket-upload" class="inline">
                <input type="hidden" name="attempt_id" value=attempt_id/>
                <div class="field" class:invalid=move || file_error.get().is_some()>
                    <label for="f-ticket-file">{t(Msg::AttachFile)}</label>
                    <input id="f-ticket-file" type="file" name="file" required
                        accept=".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.pptx,.odt,.ods,.txt"/>
                    <p class="hint">{t(Msg::TicketFilesHint)}</p>
                    {move || file_error.get().map(|m| view! { <p class="error" role="alert" data-testid="ticket-file-error">{t(m)}</p> })}
                </div>
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { t(Msg::Uploading)() } else { t(Msg::AttachFile)() }}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn GradePage() -> impl IntoView {
    view! { <RequireUser><Grade/></RequireUser> }
}

#[component]
fn Grade() -> impl IntoView {
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let res = Resource::new(move || (id(), reload.get()), |(id, _)| attempt_grading(id));
    // Kept above the form, which is drawn again with the saved grade: the banner stays.
    let result: RwSignal<Option<Result<(), AppError>>> = RwSignal::new(None);
    view! {
        <section class="card wide">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(g) => view! { <GradeForm g=g reload=reload result=result/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GradeForm(g: GradingView, reload: RwSignal<u32>, result: RwSignal<Option<Result<(), AppError>>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = Signal::derive(move || result.get().and_then(|r| r.err()));
    let attempt_id = g.attempt_id;
    let essay_ids: Vec<i64> = g.essays.iter().map(|e| e.question_id).collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            let value = |name: &str| data.get(name).as_string().unwrap_or_default();
            let points: Vec<EssayPoints> =
                essay_ids.iter().map(|id| EssayPoints { question_id: *id, points: value(&format!("points-{id}")) }).collect();
            let (mark, comment) = (value("mark"), value("comment"));
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = grade_attempt(attempt_id, points, mark, comment).await;
                let ok = r.is_ok();
                result.set(Some(r.map(|_| ())));
                busy.set(false);
                if ok {
                    reload.update(|n| *n += 1);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &essay_ids, busy, reload);
    };
    let locale = use_locale();
    let field_msg = move |name: String| error.get().and_then(|e| e.field_msg(&name));
    let hundred = g.scale == "hundred";
    let g2 = g.clone();
    view! {
        <h1>{t(Msg::GradeTitle)}": "{g.exam_title.clone()}</h1>
        <dl class="facts">
            <dt>{t(Msg::Student)}</dt><dd data-testid="grade-student">{g.student_name.clone()}</dd>
            <dt>{t(Msg::Verdict)}</dt><dd>{t(verdict_msg(&g.verdict))}</dd>
            <dt>{t(Msg::Mark)}</dt><dd data-testid="grade-mark">{let (awaiting, mark) = (g.needs_grading, g.mark.clone().unwrap_or_else(|| "—".into())); move || if awaiting { t(Msg::AwaitingGrading)().to_string() } else { mark.clone() }}</dd>
            {g.auto_points.map(|p| view! { <dt>{t(Msg::AutoPointsLabel)}</dt><dd>{score_text(Some(p), g.max_points)}</dd> })}
        </dl>
        {g2.ticket.clone().map(|tp| {
            let files = RwSignal::new(tp.files.clone());
            view! {
                <h2>{t(Msg::TicketNo)}" "{tp.number}</h2>
                <div class="ticket-body">{tp.body.clone()}</div>
                <h3>{t(Msg::WrittenAnswer)}</h3>
                <p class="essay-answer" data-testid="grade-written">{let written = tp.written.clone(); move || if written.is_empty() { t(Msg::NoAnswerGiven)().to_string() } else { written.clone() }}</p>
                <h3>{t(Msg::AttachedFiles)}</h3>
                <FileList attempt_id=attempt_id files=files/>
            }
        })}
        <form on:submit=on_submit data-testid="grade-form">
            <FormStatus error=error ok=(Signal::derive(move || matches!(result.get(), Some(Ok(())))), Msg::GradeSaved)/>
            {g2.essays.clone().into_iter().map(|e| {
                let name = format!("points-{}", e.question_id);
                let err_name = format!("points.{}", e.question_id);
                let err_name2 = err_name.clone();
                view! {
                    <div class="essay">
                        <p class="stem">{e.number}". "{e.text.clone()}</p>
                        {e.picture.clone().map(|src| view! { <img class="question-picture" src=src alt=t(Msg::QuestionPicture)/> })}
                        <p class="essay-answer">{let answer = e.answer.clone(); move || if answer.is_empty() { t(Msg::NoAnswerGiven)().to_string() } else { answer.clone() }}</p>
                        <div class="field" class:invalid=move || field_msg(err_name.clone()).is_some()>
                            <label for=name.clone()>{t(Msg::EssayPointsLabel)}" (0–"{e.max_points}")"</label>
                            <input id=name.clone() name=name.clone() inputmode="decimal" data-testid="essay-points"
                                value=e.points.map(|p| crate::journal::model::format_2dp(p, locale.get_untracked())).unwrap_or_default()/>
                            {move || field_msg(err_name2.clone()).map(|m| view! { <p class="error" role="alert">{t(m)}</p> })}
                        </div>
                    </div>
                }
            }).collect_view()}
            <div class="field" class:invalid=move || field_msg("mark".into()).is_some()>
                <label for="f-mark">{t(Msg::Mark)}{if hundred { " (0–100)" } else { " (2–5)" }}</label>
                <input id="f-mark" name="mark" inputmode="numeric" data-testid="grade-mark-input" value=g.mark.clone().unwrap_or_default()/>
                {(g.form == "test").then(|| view! { <p class="hint">{t(Msg::MarkFromScoreHint)}</p> })}
                {move || field_msg("mark".into()).map(|m| view! { <p class="error" role="alert">{t(m)}</p> })}
            </div>
            <div class="field" class:invalid=move || field_msg("comment".into()).is_some()>
                <label for="f-comment">{t(Msg::GraderComment)}</label>
                <textarea id="f-comment" name="comment" rows="4" data-testid="grade-comment">{g.comment.clone()}</textarea>
                {move || field_msg("comment".into()).map(|m| view! { <p class="error" role="alert">{t(m)}</p> })}
            </div>
            {g.can_grade.then(|| view! {
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="save-grade">{t(Msg::SaveGrade)}</button>
            })}
        </form>
        <p><a href=format!("/exams/{}/results", g.exam_id)>{t(Msg::Results)}</a></p>
    }
}

#[component]
pub fn OfflineMarksPage() -> impl IntoView {
    view! { <RequireUser><OfflineMarks/></RequireUser> }
}

#[component]
fn OfflineMarks() -> impl IntoView {
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let res = Resource::new(move || (id(), reload.get()), |(id, _)| exam_mark_sheet(id));
    let result: RwSignal<Option<Result<usize, AppError>>> = RwSignal::new(None);
    view! {
        <section class="card wide">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(s) => view! { <MarkSheet s=s reload=reload result=result/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn MarkSheet(s: OfflineSheet, reload: RwSignal<u32>, result: RwSignal<Option<Result<usize, AppError>>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = Signal::derive(move || result.get().and_then(|r| r.err()));
    let exam_id = s.exam.id;
    let students: Vec<i64> = s.rows.iter().map(|r| r.student_id).collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            let marks: Vec<OfflineMark> = students
                .iter()
                .map(|id| OfflineMark { student_id: *id, value: data.get(&format!("mark-{id}")).as_string().unwrap_or_default() })
                .collect();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = save_offline_marks(exam_id, marks).await;
                let ok = r.is_ok();
                result.set(Some(r));
                busy.set(false);
                if ok {
                    reload.update(|n| *n += 1);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &students, busy, reload);
    };
    let field_msg = move |name: String| error.get().and_then(|e| e.field_msg(&name));
    let locale = use_locale();
    let can_edit = s.can_edit;
    view! {
        <h1>{t(Msg::EnterMarks)}": "{s.exam.title.clone()}</h1>
        <p class="muted">{s.exam.group_name.clone()}" · "{crate::ui::time::format_datetime(s.exam.opens_at)}</p>
        <p class="hint">{t(Msg::OfflineMarksHint)}</p>
        <form on:submit=on_submit data-testid="marks-sheet" class="marks-sheet">
            <FormStatus error=error/>
            {move || result.get().and_then(|r| r.ok()).map(|n| view! {
                <p class="banner ok" role="status" data-testid="marks-saved">{Msg::MarksSavedCount.text(locale.get())}": "{n}</p>
            })}
            <table class="list">
                <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::Mark)}</th></tr></thead>
                <tbody>
                    {s.rows.into_iter().map(|r| {
                        let name = format!("mark-{}", r.student_id);
                        let err = format!("mark.{}", r.student_id);
                        let err2 = err.clone();
                        view! {
                            <tr class:invalid=move || field_msg(err.clone()).is_some()>
                                <td><label for=name.clone()>{r.name.clone()}</label></td>
                                <td>
                                    <input id=name.clone() name=name.clone() value=r.value.clone() disabled=!can_edit data-testid="offline-mark"/>
                                    {move || field_msg(err2.clone()).map(|m| view! { <p class="error" role="alert">{t(m)}</p> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {can_edit.then(|| view! { <button type="submit" class="primary" disabled=move || busy.get() data-testid="save-marks">{t(Msg::Save)}</button> })}
        </form>
        <p><a href=format!("/exams/{exam_id}/results")>{t(Msg::Results)}</a></p>
    }
}
