//! Assignments: the teacher's page of one journal, and the student's own list.

use super::JournalNav;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::journal::api::get_journal;
use crate::journal::assignments::{journal_assignments, my_assignments, Assignment, CreateAssignment, ReviewSubmission};
use crate::ui::{action_error, action_ok, field_error, ErrorNote, Field, FormStatus};
use leptos::prelude::*;

fn status_msg(status: &str) -> Msg {
    match status {
        "submitted" => Msg::StatusSubmitted,
        "rework" => Msg::StatusRework,
        "marked" => Msg::StatusMarked,
        _ => Msg::StatusAssigned,
    }
}

#[component]
pub fn JournalAssignmentsPage() -> impl IntoView {
    view! { <RequireUser><JournalAssignments/></RequireUser> }
}

#[component]
fn JournalAssignments() -> impl IntoView {
    let (id, nav_id) = super::journal_id_param();
    let create = ServerAction::<CreateAssignment>::new();
    let review = ServerAction::<ReviewSubmission>::new();
    let list = Resource::new(move || (id(), create.version().get(), review.version().get()), |(id, _, _)| journal_assignments(id));
    let journal = Resource::new(id, get_journal);
    let error = action_error(create);
    let review_error = action_error(review);
    view! {
        <section class="card wide">
            <JournalNav id=nav_id active="assignments"/>
            <h1>{t(Msg::Assignments)}</h1>
            <Transition fallback=|| ()>
                {move || journal.get().and_then(|r| r.ok()).filter(|j| j.head.can_edit).map(|j| {
                    let lesson_err = field_error(error, "lesson_id");
                    view! {
                        <h2>{t(Msg::NewAssignment)}</h2>
                        <ActionForm action=create attr:data-testid="assignment-form">
                            <FormStatus error=error ok=(action_ok(create), Msg::Saved)/>
                            <input type="hidden" name="journal_id" value=j.head.id/>
                            <input type="hidden" name="students" value="all"/>
                            <div class="field" class:invalid=move || lesson_err.get().is_some()>
                                <label for="f-lesson_id">{t(Msg::Lesson)}</label>
                                <select id="f-lesson_id" name="lesson_id">
                                    {j.lessons.iter().map(|l| view! { <option value=l.id>{super::dotted(&l.date)}" · "{l.topic.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <Field label=Msg::AssignmentTitle name="title" error=error required=true/>
                            <Field label=Msg::Description name="description" error=error/>
                            <Field label=Msg::DueDate name="due_date" kind="date" error=error required=true/>
                            <p class="hint">{t(Msg::WholeGroup)}</p>
                            <button type="submit" class="primary">{t(Msg::NewAssignment)}</button>
                        </ActionForm>
                    }
                })}
            </Transition>
            <FormStatus error=review_error/>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoAssignments)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|a| view! { <TeacherAssignment a=a review=review/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TeacherAssignment(a: Assignment, review: ServerAction<ReviewSubmission>) -> impl IntoView {
    let aid = a.id;
    view! {
        <article class="assignment" data-testid="assignment">
            <h3>{a.title.clone()}</h3>
            <p class="muted">{t(Msg::Lesson)}": "{super::dotted(&a.lesson_date)}" · "{t(Msg::DueDate)}": "{super::dotted(&a.due_date)}</p>
            <p>{a.description.clone()}</p>
            <table class="list">
                <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::Answer)}</th><th></th></tr></thead>
                <tbody>
                    {a.submissions.into_iter().map(|s| {
                        let st = status_msg(&s.status);
                        let sid = s.student_id;
                        let can_review = s.status == "submitted";
                        view! {
                            <tr>
                                <td>{s.student_name.clone()}</td>
                                <td>{t(st)}{s.mark.map(|m| format!(" · {m}"))}</td>
                                <td>
                                    {s.answer.clone()}
                                    {s.file_name.clone().map(|n| view! { " " <a href=format!("/files/assignment/{aid}/{sid}") rel="external" download>{n}</a> })}
                                    {(!s.comment.is_empty()).then(|| view! { <br/><small class="muted">{s.comment.clone()}</small> })}
                                </td>
                                <td>
                                    <Show when=move || can_review>
                                        <ActionForm action=review attr:class="row-form">
                                            <input type="hidden" name="assignment_id" value=aid/>
                                            <input type="hidden" name="student_id" value=sid/>
                                            <label>{t(Msg::Comment)}<input name="comment"/></label>
                                            <label class="narrow">{t(Msg::Mark)}<input name="mark" size="3"/></label>
                                            <button type="submit" name="decision" value="mark" class="primary">{t(Msg::GiveMark)}</button>
                                            <button type="submit" name="decision" value="rework">{t(Msg::ReturnForRework)}</button>
                                        </ActionForm>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}

#[component]
pub fn MyAssignmentsPage() -> impl IntoView {
    view! { <RequireUser><MyAssignments/></RequireUser> }
}

#[component]
fn MyAssignments() -> impl IntoView {
    let sent = RwSignal::new(0u32);
    let list = Resource::new(move || sent.get(), |_| my_assignments());
    view! {
        <section class="card wide">
            <h1>{t(Msg::MyAssignments)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoAssignments)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|a| view! { <StudentAssignment a=a sent=sent/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StudentAssignment(a: Assignment, sent: RwSignal<u32>) -> impl IntoView {
    let mine = a.submissions.first().cloned();
    let status = mine.as_ref().map(|s| s.status.clone()).unwrap_or_default();
    let open = status == "assigned" || status == "rework";
    let result: RwSignal<Option<Result<(), AppError>>> = RwSignal::new(None);
    let aid = a.id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (sent, result);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            leptos::task::spawn_local(async move {
                let r = crate::journal::assignments::submit_assignment(data.into()).await;
                let ok = r.is_ok();
                result.set(Some(r));
                if ok {
                    sent.update(|n| *n += 1);
                }
            });
        }
    };
    let error = Signal::derive(move || result.get().and_then(|r| r.err()));
    view! {
        <article class="assignment" data-testid="my-assignment">
            <h3>{a.subject.clone()}": "{a.title.clone()}</h3>
            <p class="muted">{t(Msg::DueDate)}": "{super::dotted(&a.due_date)}" · "{t(status_msg(&status))}
                {mine.as_ref().and_then(|s| s.mark).map(|m| format!(" · {m}"))}</p>
            <p>{a.description.clone()}</p>
            {mine.as_ref().filter(|s| !s.comment.is_empty()).map(|s| view! { <p class="banner">{t(Msg::Comment)}": "{s.comment.clone()}</p> })}
            <Show when=move || open>
                <form class="row-form" on:submit=on_submit>
                    <FormStatus error=error/>
                    <input type="hidden" name="assignment_id" value=aid/>
                    <label class="grow">{t(Msg::Answer)}<textarea name="answer" rows="3">{mine.as_ref().map(|s| s.answer.clone()).unwrap_or_default()}</textarea></label>
                    <label>{t(Msg::AnswerFile)}<input type="file" name="file"/></label>
                    <button type="submit" class="primary">{t(Msg::Send)}</button>
                        </form>
            </Show>
        </article>
    }
}
