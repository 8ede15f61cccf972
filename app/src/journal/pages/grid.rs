//! The journal grid: students x lessons, keyboard first. Arrows move between cells, typing
//! replaces the cell, Enter moves down to the next student. Each change is saved at once
//! through one ordered queue: a save the server did not answer (network down, server restarting,
//! a 5xx) is retried with back-off until it lands, only the server's explicit refusal stays red
//! with its message, a cell shows "saved" only once the server acknowledged the value it shows,
//! and nothing typed is dropped silently. On a phone the same cells show as one student's list
//! of lessons.

use super::JournalNav;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::journal::api::{get_journal, save_cell, RenameJournal};
use crate::journal::dto::{JournalView, LessonHead};
use crate::journal::model::{average, format_2dp, parse_cell, Attendance, Cell, LessonType, Scale};
use crate::ui::save_queue::{SaveQueue, Settled};
use crate::ui::sleep;
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;
use std::collections::HashMap;

#[component]
pub fn JournalPage() -> impl IntoView {
    view! { <RequireUser><Journal/></RequireUser> }
}

#[component]
fn Journal() -> impl IntoView {
    let (id, _) = super::journal_id_param();
    let rename = ServerAction::<RenameJournal>::new();
    let journal = Resource::new(move || (id(), rename.version().get()), |(id, _)| get_journal(id));
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || journal.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(view) => view! { <Grid view=view rename=rename/> }.into_any(),
            })}
        </Transition>
    }
}

/// Where a cell's save stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SaveState {
    Clean,
    Saving,
    /// The network or the server failed; the queue keeps trying.
    Retrying,
    Saved,
    Refused(Msg),
    /// Waiting for the teacher to give a reason (a past lesson's mark changes).
    NeedsReason,
}

/// One cell's signals: what it shows, what the server holds, and the save state.
#[derive(Clone, Copy)]
struct CellSignals {
    text: RwSignal<String>,
    saved_code: RwSignal<String>,
    state: RwSignal<SaveState>,
}

/// A change waiting to be sent.
#[derive(Clone, Debug)]
struct Job {
    lesson: i64,
    student: i64,
    value: String,
    reason: String,
}

/// A cell: (lesson, student).
type CellKey = (i64, i64);

#[derive(Clone, Copy)]
struct Queue {
    jobs: StoredValue<SaveQueue<CellKey, Job>>,
    running: StoredValue<bool>,
    /// Cells whose latest value the server has not acknowledged (sent, waiting or awaiting a
    /// reason): the bar shows this number and never "All changes saved" while it is not 0.
    pending: RwSignal<usize>,
    retrying: RwSignal<bool>,
    /// The changes that need a reason before they can be saved, one per cell, the first shown.
    awaiting: RwSignal<Vec<Job>>,
    /// The page's language, for labelling saved cells (the queue runs outside any component).
    locale: RwSignal<Locale>,
}

#[component]
fn Grid(view: JournalView, rename: ServerAction<RenameJournal>) -> impl IntoView {
    let locale = use_locale();
    let JournalView { head, students, lessons, cells, notes, .. } = view;
    let notes = RwSignal::new(notes.into_iter().collect::<std::collections::HashSet<(i64, i64)>>());
    let scale = head.scale;
    let can_edit = head.can_edit;
    let journal_id = head.id;
    let stored: HashMap<(i64, i64), String> = cells.into_iter().map(|(l, s, code)| ((l, s), code)).collect();
    let mut map = HashMap::new();
    for s in &students {
        for l in &lessons {
            let code = stored.get(&(l.id, s.id)).cloned().unwrap_or_default();
            let label = Cell::from_store_code(scale, &code).label(locale.get_untracked());
            map.insert(
                (l.id, s.id),
                CellSignals { text: RwSignal::new(label), saved_code: RwSignal::new(code), state: RwSignal::new(SaveState::Clean) },
            );
        }
    }
    let cells = StoredValue::new(map);
    // Re-label attendance codes when the language changes (н / n, у / с / e, о / к / l).
    Effect::watch(
        move || locale.get(),
        move |l, _, _| {
            cells.with_value(|m| {
                for c in m.values() {
                    // Cells being saved or refused keep what was typed.
                    if matches!(c.state.get_untracked(), SaveState::Clean | SaveState::Saved) {
                        c.text.set(Cell::from_store_code(scale, &c.saved_code.get_untracked()).label(*l));
                    }
                }
            })
        },
        false,
    );
    let queue = Queue {
        jobs: StoredValue::new(SaveQueue::new()),
        running: StoredValue::new(false),
        pending: RwSignal::new(0),
        retrying: RwSignal::new(false),
        awaiting: RwSignal::new(Vec::new()),
        locale,
    };
    let lessons = StoredValue::new(lessons);
    let students = StoredValue::new(students);
    let n_lessons = lessons.with_value(|l| l.len());
    let n_students = students.with_value(|s| s.len());

    // Leaving with unsaved changes asks first.
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if queue.pending.get_untracked() > 0 {
                ev.prevent_default();
                ev.set_return_value("unsaved");
            }
        });
        on_cleanup(move || handle.remove());
    }

    let on_change = move |lesson: i64, student: i64, raw: String| {
        let Some(c) = cells.with_value(|m| m.get(&(lesson, student)).copied()) else { return };
        match parse_cell(scale, &raw) {
            Err(msg) => c.state.set(SaveState::Refused(msg)),
            Ok(cell) => {
                // Typed back to what the server holds, with nothing of this cell unsent: no
                // save. (With another value of the cell still queued, this one is sent too, so
                // the last value typed is the one that lands.)
                let queued = queue.jobs.with_value(|q| q.holds(&(lesson, student)));
                if cell.store_code() == c.saved_code.get_untracked() && !queued {
                    c.state.set(SaveState::Clean);
                    c.text.set(cell.label(locale.get_untracked()));
                    queue.awaiting.update(|a| a.retain(|j| (j.lesson, j.student) != (lesson, student)));
                    update_pending(queue);
                    return;
                }
                enqueue(queue, cells, scale, journal_id, Job { lesson, student, value: cell.store_code(), reason: String::new() });
            }
        }
    };

    let title_edit = RwSignal::new(false);
    let edit_title = StoredValue::new(head.title.clone());
    let rename_error = action_error(rename);
    view! {
        <section class="card wide journal" data-testid="journal">
            <JournalNav id=journal_id active="grid"/>
            <header class="journal-head">
                <Show
                    when=move || title_edit.get()
                    fallback={
                        let title = head.title.clone();
                        move || view! {
                            <h1 data-testid="journal-title">{title.clone()}</h1>
                            <Show when=move || can_edit>
                                <button class="link" on:click=move |_| title_edit.set(true)>{t(Msg::Rename)}</button>
                            </Show>
                        }
                    }
                >
                    <ActionForm action=rename attr:class="inline">
                        <FormStatus error=rename_error/>
                        <input type="hidden" name="journal_id" value=journal_id/>
                        <input name="title" value=edit_title.get_value() aria-label=t(Msg::Title) required/>
                        <button type="submit" class="primary">{t(Msg::Save)}</button>
                    </ActionForm>
                </Show>
                <p class="muted">
                    {head.group_name.clone()}" · "{head.subject.clone()}" · "{head.teacher_name.clone()}" · "
                    {crate::journal::pages::dotted(&head.semester_start)}" – "{crate::journal::pages::dotted(&head.semester_end)}" · "
                    {move || if scale == Scale::FivePoint { t(Msg::ScaleFive)() } else { t(Msg::ScaleHundred)() }}
                </p>
                <Show when=move || can_edit><SaveBar queue=queue/></Show>
            </header>
            <ReasonBar queue=queue cells=cells scale=scale journal_id=journal_id students=students lessons=lessons/>
            {(n_lessons == 0).then(|| view! {
                <p class="banner" data-testid="no-lessons">{t(Msg::NoLessonsYet)}" "
                    <a href=format!("/journals/{journal_id}/plan")>{t(Msg::PlanAndLessons)}</a>
                </p>
            })}
            <p class="hint grid-help">{t(Msg::GridHelp)}</p>
            <div class="grid-wide" role="region" aria-label=t(Msg::Journal) tabindex="-1">
                <table class="marks" data-testid="grid">
                    <thead>
                        <tr>
                            <th class="student" scope="col">{t(Msg::Student)}</th>
                            {lessons.with_value(|ls| ls.iter().map(|l| {
                                let lt = LessonType::from_code(&l.lesson_type).unwrap_or_default();
                                let tip = format!("{} · {}", l.topic, l.date);
                                view! {
                                    <th scope="col" class=format!("lesson {}", lt.code()) title=tip>
                                        <span class="d">{short_date(&l.date)}</span>
                                        <span class="h">{hours_label(l.half_hours)}</span>
                                    </th>
                                }
                            }).collect_view())}
                            <th scope="col" class="avg">{t(Msg::Average)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {students.with_value(|ss| ss.iter().enumerate().map(|(r, s)| {
                            let student = s.id;
                            let row_cells: Vec<CellSignals> = lessons.with_value(|ls| ls.iter().filter_map(|l| cells.with_value(|m| m.get(&(l.id, student)).copied())).collect());
                            let avg_cells = row_cells.clone();
                            view! {
                                <tr>
                                    <th scope="row" class="student">{s.name.clone()}</th>
                                    {lessons.with_value(|ls| ls.iter().enumerate().map(|(c, l)| {
                                        let lesson = l.id;
                                        let Some(cell) = cells.with_value(|m| m.get(&(lesson, student)).copied()) else { return ().into_any() };
                                        let label = format!("{} {}", s.name, l.date);
                                        view! {
                                            <td class=move || state_class(cell.state.get())>
                                                <input
                                                    id=format!("c-{r}-{c}")
                                                    data-r=r
                                                    data-c=c
                                                    aria-label=label
                                                    autocomplete="off"
                                                    inputmode="text"
                                                    maxlength="3"
                                                    readonly=!can_edit
                                                    prop:value=move || cell.text.get()
                                                    title=move || cell_title(cell.state.get(), locale.get())
                                                    on:input=move |ev| cell.text.set(event_target_value(&ev))
                                                    on:focus=move |ev| select_target(&ev)
                                                    on:keydown=move |ev| on_key(ev, r, c, n_students, n_lessons)
                                                    on:change=move |ev| if can_edit { on_change(lesson, student, event_target_value(&ev)) }
                                                />
                                            </td>
                                        }.into_any()
                                    }).collect_view())}
                                    <td class="avg" data-testid=format!("avg-{r}")>{move || row_average(&avg_cells, scale, locale.get())}</td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
            <PhoneView cells=cells students=students lessons=lessons scale=scale can_edit=can_edit on_change=on_change/>
            <Legend/>
            <Excuses cells=cells students=students lessons=lessons notes=notes journal_id=journal_id can_edit=can_edit/>
        </section>
    }
}

/// Adds a change to the queue (replacing a not-yet-sent change of the same cell, never another
/// cell's nor the one on the wire) and starts the worker if it is idle.
fn enqueue(queue: Queue, cells: StoredValue<HashMap<CellKey, CellSignals>>, scale: Scale, journal_id: i64, job: Job) {
    let key = (job.lesson, job.student);
    if let Some(c) = cells.with_value(|m| m.get(&key).copied()) {
        c.state.set(SaveState::Saving);
    }
    queue.awaiting.update(|a| a.retain(|j| (j.lesson, j.student) != key));
    queue.jobs.update_value(|q| q.push(key, job));
    update_pending(queue);
    if !queue.running.get_value() {
        queue.running.set_value(true);
        leptos::task::spawn_local(run_queue(queue, cells, scale, journal_id));
    }
}

fn update_pending(queue: Queue) {
    let (Some(unacknowledged), Some(awaiting)) =
        (queue.jobs.try_with_value(|q| q.unacknowledged()), queue.awaiting.try_with_untracked(|a| a.len()))
    else {
        return;
    };
    queue.pending.set(unacknowledged + awaiting);
}

/// The longest wait between two tries while the server does not answer: short enough that the
/// changes land soon after it is back.
const MAX_BACKOFF_MS: u32 = 8_000;

/// Sends the queued changes one at a time, in order, so a later change of a cell can never be
/// overtaken by an earlier one. Stops when the queue is empty or the page is gone.
async fn run_queue(queue: Queue, cells: StoredValue<HashMap<CellKey, CellSignals>>, scale: Scale, journal_id: i64) {
    let mut backoff_ms: u32 = 500;
    while let Some(((lesson, student), job)) = queue.jobs.try_update_value(|q| q.next()).flatten() {
        let cell = cells.try_with_value(|m| m.get(&(lesson, student)).copied()).flatten();
        let result = save_cell(journal_id, lesson, student, job.value.clone(), job.reason.clone()).await;
        // The page may have gone while the request was out.
        if queue.jobs.try_with_value(|_| ()).is_none() {
            return;
        }
        match result {
            Ok(code) => {
                backoff_ms = 500;
                queue.retrying.set(false);
                let settled = queue.jobs.try_update_value(|q| q.acknowledged()).flatten();
                if let Some(c) = cell {
                    c.saved_code.set(code.clone());
                    // "Saved" only when the server holds the latest value typed in the cell.
                    if matches!(settled, Some(Settled::Saved(_))) {
                        c.state.set(SaveState::Saved);
                        c.text.set(Cell::from_store_code(scale, &code).label(queue.locale.get_untracked()));
                    }
                }
            }
            Err(AppError::Invalid(errors)) if errors.iter().any(|e| e.msg == Msg::ErrReasonRequired) => {
                queue.retrying.set(false);
                let newer = queue.jobs.try_update_value(|q| q.refused()).flatten().is_some_and(|(_, newer)| newer);
                // A newer value of the cell is on its way and asks for its own reason.
                if !newer {
                    if let Some(c) = cell {
                        c.state.set(SaveState::NeedsReason);
                    }
                    queue.awaiting.update(|a| {
                        a.retain(|j| (j.lesson, j.student) != (lesson, student));
                        a.push(job);
                    });
                }
            }
            Err(e) if e.is_refusal() => {
                // Refused for good by the server: the cell keeps what was typed and shows why.
                queue.retrying.set(false);
                let newer = queue.jobs.try_update_value(|q| q.refused()).flatten().is_some_and(|(_, newer)| newer);
                let msg = match &e {
                    AppError::Invalid(errors) => errors.first().map(|f| f.msg).unwrap_or(Msg::ErrCheckFields),
                    other => other.summary(),
                };
                if let (Some(c), false) = (cell, newer) {
                    c.state.set(SaveState::Refused(msg));
                }
            }
            Err(e) => {
                // No answer, a server error, an ended session (signing in again in another tab
                // lets the retries through): nothing is known of this change, so it is kept and
                // sent again, first.
                queue.jobs.update_value(|q| q.not_delivered());
                queue.retrying.set(true);
                if let Some(c) = cell {
                    c.state.set(SaveState::Retrying);
                }
                update_pending(queue);
                sleep(if e == AppError::Unauthorized { 5_000 } else { backoff_ms }).await;
                backoff_ms = (backoff_ms * 2).min(MAX_BACKOFF_MS);
            }
        }
        update_pending(queue);
    }
    let _ = queue.running.try_set_value(false);
    update_pending(queue);
}

/// "All changes saved" / "Saving 3…" / "Not saved yet: retrying".
#[component]
fn SaveBar(queue: Queue) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="savebar" role="status" aria-live="polite" data-testid="savebar"
            class:error=move || { queue.retrying.get() && queue.pending.get() > 0 }
            data-waiting=move || queue.pending.get()
        >
            {move || {
                let l = locale.get();
                let n = queue.pending.get();
                if n == 0 {
                    Msg::AllSaved.text(l).to_string()
                } else if queue.retrying.get() {
                    Msg::SaveRetrying.text(l).replace("{n}", &n.to_string())
                } else {
                    Msg::SavingN.text(l).replace("{n}", &n.to_string())
                }
            }}
        </p>
    }
}

/// Asks why a past lesson's cell changes, then sends the change with the reason; "Undo" puts
/// the saved value back.
#[component]
fn ReasonBar(
    queue: Queue,
    cells: StoredValue<HashMap<CellKey, CellSignals>>,
    scale: Scale,
    journal_id: i64,
    students: StoredValue<Vec<crate::journal::dto::StudentHead>>,
    lessons: StoredValue<Vec<LessonHead>>,
) -> impl IntoView {
    let locale = use_locale();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(false);
    let submit = move || {
        let Some(mut job) = queue.awaiting.with_untracked(|a| a.first().cloned()) else { return };
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            error.set(true);
            return;
        }
        job.reason = text;
        reason.set(String::new());
        error.set(false);
        enqueue(queue, cells, scale, journal_id, job);
    };
    let undo = move || {
        let Some(job) = queue.awaiting.with_untracked(|a| a.first().cloned()) else { return };
        if let Some(c) = cells.with_value(|m| m.get(&(job.lesson, job.student)).copied()) {
            c.text.set(Cell::from_store_code(scale, &c.saved_code.get_untracked()).label(locale.get_untracked()));
            c.state.set(SaveState::Clean);
        }
        queue.awaiting.update(|a| {
            a.remove(0);
        });
        update_pending(queue);
        reason.set(String::new());
        error.set(false);
    };
    view! {
        {move || queue.awaiting.with(|a| a.first().cloned()).map(|job| {
            let who = students.with_value(|s| s.iter().find(|s| s.id == job.student).map(|s| s.name.clone())).unwrap_or_default();
            let when = lessons.with_value(|l| l.iter().find(|l| l.id == job.lesson).map(|l| crate::journal::pages::dotted(&l.date))).unwrap_or_default();
            view! {
                <div class="reasonbar" role="dialog" aria-labelledby="reason-label" data-testid="reason">
                    <label id="reason-label" for="f-reason">
                        {move || Msg::ReasonFor.text(locale.get()).replace("{student}", &who).replace("{date}", &when)}
                    </label>
                    <input id="f-reason" name="reason" maxlength="500" autofocus
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Enter" { submit() }
                        aria-invalid=move || if error.get() { "true" } else { "false" }
                    />
                    <button class="primary" on:click=move |_| submit()>{t(Msg::Save)}</button>
                    <button on:click=move |_| undo()>{t(Msg::Undo)}</button>
                    <Show when=move || error.get()><small class="error" role="alert">{t(Msg::ErrReasonRequired)}</small></Show>
                </div>
            }
        })}
    }
}

/// One student's lessons as a list, for phones.
#[component]
fn PhoneView<F>(
    cells: StoredValue<HashMap<(i64, i64), CellSignals>>,
    students: StoredValue<Vec<crate::journal::dto::StudentHead>>,
    lessons: StoredValue<Vec<LessonHead>>,
    scale: Scale,
    can_edit: bool,
    on_change: F,
) -> impl IntoView
where
    F: Fn(i64, i64, String) + Copy + Send + Sync + 'static,
{
    let locale = use_locale();
    let first = students.with_value(|s| s.first().map(|s| s.id).unwrap_or(0));
    let student = RwSignal::new(first);
    view! {
        <div class="grid-phone">
            <label for="f-phone-student">{t(Msg::Student)}</label>
            <select id="f-phone-student" on:change=move |ev| student.set(event_target_value(&ev).parse().unwrap_or(0))>
                {students.with_value(|ss| ss.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view())}
            </select>
            {move || {
                let sid = student.get();
                let row: Vec<CellSignals> = lessons.with_value(|ls| ls.iter().filter_map(|l| cells.with_value(|m| m.get(&(l.id, sid)).copied())).collect());
                view! {
                    <p class="avg-line">{t(Msg::Average)}": "{move || row_average(&row, scale, locale.get())}</p>
                    <ul class="phone-lessons">
                        {lessons.with_value(|ls| ls.iter().map(|l| {
                            let lesson = l.id;
                            let Some(cell) = cells.with_value(|m| m.get(&(lesson, sid)).copied()) else { return ().into_any() };
                            let label = format!("{} {}", crate::journal::pages::dotted(&l.date), l.topic);
                            view! {
                                <li class=move || state_class(cell.state.get())>
                                    <span class="d">{crate::journal::pages::dotted(&l.date)}</span>
                                    <span class="topic">{l.topic.clone()}</span>
                                    <input aria-label=label maxlength="3" autocomplete="off" readonly=!can_edit
                                        prop:value=move || cell.text.get()
                                        on:input=move |ev| cell.text.set(event_target_value(&ev))
                                        on:focus=move |ev| select_target(&ev)
                                        on:change=move |ev| if can_edit { on_change(lesson, sid, event_target_value(&ev)) }
                                    />
                                </li>
                            }.into_any()
                        }).collect_view())}
                    </ul>
                }
            }}
        </div>
    }
}

/// The excused absences and their notes (a doctor's certificate, an order): a link to the
/// uploaded note, or for the teacher a form to upload it.
#[component]
fn Excuses(
    cells: StoredValue<HashMap<(i64, i64), CellSignals>>,
    students: StoredValue<Vec<crate::journal::dto::StudentHead>>,
    lessons: StoredValue<Vec<LessonHead>>,
    notes: RwSignal<std::collections::HashSet<(i64, i64)>>,
    journal_id: i64,
    can_edit: bool,
) -> impl IntoView {
    let excused = move || {
        let mut out = Vec::new();
        students.with_value(|ss| {
            lessons.with_value(|ls| {
                for s in ss {
                    for l in ls {
                        let is_excused = cells.with_value(|m| m.get(&(l.id, s.id)).map(|c| c.saved_code.get() == "e")).unwrap_or(false);
                        if is_excused {
                            out.push((l.id, s.id, s.name.clone(), crate::journal::pages::dotted(&l.date)));
                        }
                    }
                }
            })
        });
        out
    };
    view! {
        {move || {
            let list = excused();
            (!list.is_empty()).then(|| view! {
                <h2>{t(Msg::ExcusedAbsences)}</h2>
                <ul class="excuses" data-testid="excuses">
                    {list.into_iter().map(|(lesson, student, name, date)| {
                        let has = move || notes.with(|n| n.contains(&(lesson, student)));
                        view! {
                            <li>
                                <span>{name}" · "{date}</span>
                                <Show when=has fallback=move || view! {
                                    <span class="muted">{t(Msg::NoteMissing)}</span>
                                    <Show when=move || can_edit>
                                        <NoteUpload journal_id=journal_id lesson=lesson student=student notes=notes/>
                                    </Show>
                                }>
                                    <a href=format!("/files/excuse/{lesson}/{student}") rel="external" download>{t(Msg::ExcuseNote)}</a>
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn NoteUpload(journal_id: i64, lesson: i64, student: i64, notes: RwSignal<std::collections::HashSet<(i64, i64)>>) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (notes, error);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            leptos::task::spawn_local(async move {
                match crate::journal::api::upload_excuse(data.into()).await {
                    Ok(()) => notes.update(|n| {
                        n.insert((lesson, student));
                    }),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <form class="inline note-upload" on:submit=on_submit>
            <input type="hidden" name="journal_id" value=journal_id/>
            <input type="hidden" name="lesson_id" value=lesson/>
            <input type="hidden" name="student_id" value=student/>
            <input type="file" name="file" required aria-label=t(Msg::ExcuseNote)/>
            <button type="submit">{t(Msg::Upload)}</button>
            <FormStatus error=Signal::derive(move || error.get())/>
        </form>
    }
}

/// What the codes mean, in the current language.
#[component]
fn Legend() -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="legend muted">
            {move || {
                let l = locale.get();
                [Attendance::Absent, Attendance::Excused, Attendance::Late]
                    .iter()
                    .map(|a| format!("{} — {}", a.code(l), a.msg().text(l)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            }}
        </p>
    }
}

fn state_class(s: SaveState) -> &'static str {
    match s {
        SaveState::Clean => "",
        SaveState::Saving => "saving",
        SaveState::Retrying => "retrying",
        SaveState::Saved => "saved",
        SaveState::Refused(_) => "refused",
        SaveState::NeedsReason => "needs-reason",
    }
}

fn cell_title(s: SaveState, l: Locale) -> String {
    match s {
        SaveState::Refused(m) => m.text(l).to_string(),
        SaveState::Retrying => Msg::SaveRetrying.text(l).replace("{n}", "1"),
        SaveState::Saved => Msg::Saved.text(l).to_string(),
        _ => String::new(),
    }
}

/// The row's average of marks, "—" with none.
fn row_average(row: &[CellSignals], scale: Scale, l: Locale) -> String {
    let marks: Vec<_> = row.iter().filter_map(|c| Cell::from_store_code(scale, &c.saved_code.get()).mark()).collect();
    average(&marks).map(|a| format_2dp(a, l)).unwrap_or_else(|| "—".to_string())
}

/// "05.09" from "2026-09-05".
fn short_date(date: &str) -> String {
    let d = crate::journal::pages::dotted(date);
    d.get(..5).unwrap_or(&d).to_string()
}

fn hours_label(half_hours: i64) -> String {
    if half_hours == 1 {
        "½".to_string()
    } else {
        format!("{}", half_hours / 2)
    }
}

fn select_target(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Arrows move between cells; Enter moves down to the next student.
fn on_key(ev: leptos::ev::KeyboardEvent, r: usize, c: usize, rows: usize, cols: usize) {
    let target = match ev.key().as_str() {
        "ArrowUp" if r > 0 => Some((r - 1, c)),
        "ArrowDown" | "Enter" if r + 1 < rows => Some((r + 1, c)),
        "ArrowLeft" if c > 0 => Some((r, c - 1)),
        "ArrowRight" if c + 1 < cols => Some((r, c + 1)),
        "Enter" => Some((r, c)),
        _ => None,
    };
    if let Some((r2, c2)) = target {
        ev.prevent_default();
        focus_cell(r2, c2, (r2, c2) == (r, c));
    }
}

fn focus_cell(r: usize, c: usize, blur_only: bool) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let Some(el) = document().get_element_by_id(&format!("c-{r}-{c}")) else { return };
        let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() else { return };
        if blur_only {
            // Enter on the last row: commit the value (fires change) and stay.
            let _ = el.blur();
            let _ = el.focus();
        } else {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (r, c, blur_only);
}
