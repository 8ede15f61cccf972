//! The journal's plan and lessons: the calendar-thematic plan (typed in, or imported from a
//! file), filling the semester from the weekly timetable with a preview first (JRN-3), and the
//! lessons themselves, each of which can be moved, edited or cancelled.

use super::JournalNav;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::api::{
    fill_semester, get_journal, get_ktp, preview_fill, CancelLesson, DeleteTopic, SaveLesson, SaveSyllabus, SaveTopic,
};
use crate::journal::dto::{FillPreview, KtpTopic, LessonHead};
use crate::journal::model::{Hours, LessonType};
use crate::ui::{action_error, action_ok, field_error, ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn PlanPage() -> impl IntoView {
    view! { <RequireUser><Plan/></RequireUser> }
}

#[component]
fn Plan() -> impl IntoView {
    let (id, nav_id) = super::journal_id_param();
    let save_topic = ServerAction::<SaveTopic>::new();
    let delete_topic = ServerAction::<DeleteTopic>::new();
    let save_lesson = ServerAction::<SaveLesson>::new();
    let cancel_lesson = ServerAction::<CancelLesson>::new();
    let syllabus = ServerAction::<SaveSyllabus>::new();
    let filled = RwSignal::new(0u32);
    let imported = RwSignal::new(0u32);
    // The journal as it was when the page opened (who may edit, the semester, the syllabus);
    // each section below reloads only its own part, so a saved topic does not reset the
    // timetable being typed in.
    let base = Resource::new(id, get_journal);
    let ktp = Resource::new(
        move || (id(), save_topic.version().get(), delete_topic.version().get(), imported.get()),
        |(id, _, _, _)| get_ktp(id),
    );
    let journal = Resource::new(
        move || (id(), save_lesson.version().get(), cancel_lesson.version().get(), filled.get()),
        |(id, _, _, _)| get_journal(id),
    );
    view! {
        <section class="card wide">
            <JournalNav id=nav_id active="plan"/>
            <h1>{t(Msg::PlanAndLessons)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || base.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(j) => {
                        let can_edit = j.head.can_edit;
                        let journal_id = j.head.id;
                        let holidays = default_holidays(&j.head.semester_start, &j.head.semester_end);
                        view! {
                            <h2>{t(Msg::Ktp)}</h2>
                            <Transition fallback=|| ()>
                                {move || ktp.get().map(|r| match r {
                                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                                    Ok((topics, _)) => view! {
                                        <Topics topics=topics journal_id=journal_id can_edit=can_edit save=save_topic delete=delete_topic/>
                                    }.into_any(),
                                })}
                            </Transition>
                            <Show when=move || can_edit>
                                <KtpImport journal_id=journal_id imported=imported/>
                                <h2>{t(Msg::FillSemester)}</h2>
                                <Fill journal_id=journal_id holidays=holidays.clone() filled=filled/>
                            </Show>
                            <h2>{t(Msg::Lessons)}</h2>
                            <Transition fallback=|| ()>
                                {move || journal.get().map(|r| match r {
                                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                                    Ok(j) => view! {
                                        <Lessons lessons=j.lessons journal_id=journal_id can_edit=can_edit save=save_lesson cancel=cancel_lesson/>
                                    }.into_any(),
                                })}
                            </Transition>
                            <h2>{t(Msg::Syllabus)}</h2>
                            <Syllabus text=j.head.syllabus.clone() journal_id=journal_id can_edit=can_edit action=syllabus/>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// The fixed public holidays inside the semester, one per line, as the fill form takes them.
fn default_holidays(start: &str, end: &str) -> String {
    use crate::journal::semester::{public_holidays, Date, Semester};
    match (Date::parse(start), Date::parse(end)) {
        (Ok(s), Ok(e)) => Semester::new(s, e)
            .map(|sem| public_holidays(sem).iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn type_options(selected: String) -> impl IntoView {
    let locale = use_locale();
    LessonType::ALL
        .into_iter()
        .map(|lt| {
            let sel = lt.code() == selected;
            view! { <option value=lt.code() selected=sel>{move || lt.msg().text(locale.get())}</option> }
        })
        .collect_view()
}

fn type_label(code: &str) -> impl Fn() -> &'static str + Send + Sync + 'static {
    let lt = LessonType::from_code(code).unwrap_or_default();
    t(lt.msg())
}

#[component]
fn Topics(
    topics: Vec<KtpTopic>,
    journal_id: i64,
    can_edit: bool,
    save: ServerAction<SaveTopic>,
    delete: ServerAction<DeleteTopic>,
) -> impl IntoView {
    let locale = use_locale();
    let error = Signal::derive(move || action_error(save).get().or_else(|| action_error(delete).get()));
    let editing = RwSignal::new(None::<KtpTopic>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    let total: i64 = topics.iter().map(|t| t.half_hours).sum();
    view! {
        <table class="list" data-testid="ktp">
            <thead><tr><th>"№"</th><th>{t(Msg::Topic)}</th><th>{t(Msg::Hours)}</th><th>{t(Msg::LessonTypeLabel)}</th><th>{t(Msg::Homework)}</th><th></th></tr></thead>
            <tbody>
                {topics.into_iter().enumerate().map(|(n, topic)| {
                    let half = topic.half_hours;
                    let edit = topic.clone();
                    view! {
                        <tr>
                            <td class="num">{n + 1}</td>
                            <td>{topic.title.clone()}</td>
                            <td class="num">{move || Hours::from_half_hours(half as u32).label(locale.get())}</td>
                            <td>{type_label(&topic.lesson_type)}</td>
                            <td>{topic.homework.clone()}</td>
                            <td>
                                <Show when=move || can_edit>
                                    <button class="link" on:click={let edit = edit.clone(); move |_| editing.set(Some(edit.clone()))}>{t(Msg::Edit)}</button>
                                    <ActionForm action=delete attr:class="inline">
                                        <input type="hidden" name="journal_id" value=journal_id/>
                                        <input type="hidden" name="topic_id" value=topic.id/>
                                        <button type="submit" class="link">{t(Msg::Delete)}</button>
                                    </ActionForm>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
            <tfoot><tr><th></th><th>{t(Msg::Total)}</th><th class="num" data-testid="ktp-total">{move || Hours::from_half_hours(total as u32).label(locale.get())}</th><th colspan="3"></th></tr></tfoot>
        </table>
        <Show when=move || can_edit>
            {move || {
                let e = editing.get();
                let (topic_id, title, hours, kind, homework) = match &e {
                    Some(k) => (k.id, k.title.clone(), Hours::from_half_hours(k.half_hours as u32).label(locale.get_untracked()), k.lesson_type.clone(), k.homework.clone()),
                    None => (0, String::new(), "2".to_string(), "theory".to_string(), String::new()),
                };
                let title_err = field_error(error, "title");
                let hours_err = field_error(error, "hours");
                view! {
                    <ActionForm action=save attr:class="row-form" attr:data-testid="topic-form">
                        <FormStatus error=error/>
                        <input type="hidden" name="journal_id" value=journal_id/>
                        <input type="hidden" name="topic_id" value=topic_id/>
                        <label class="grow">{t(Msg::Topic)}
                            <input name="title" value=title required maxlength="500" aria-invalid=move || title_err.get().is_some().to_string()/>
                            {move || title_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
                        </label>
                        <label class="narrow">{t(Msg::Hours)}
                            <input name="hours" value=hours required inputmode="decimal" size="4" aria-invalid=move || hours_err.get().is_some().to_string()/>
                            {move || hours_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
                        </label>
                        <label>{t(Msg::LessonTypeLabel)}<select name="lesson_type">{type_options(kind)}</select></label>
                        <label class="grow">{t(Msg::Homework)}<input name="homework" value=homework maxlength="1000"/></label>
                        <button type="submit" class="primary">{move || if topic_id == 0 { t(Msg::AddTopic)() } else { t(Msg::Save)() }}</button>
                    </ActionForm>
                }
            }}
        </Show>
    }
}

/// Import of the plan from a spreadsheet (replaces the current plan). Every broken row of the
/// file is listed with its row number and column; nothing is imported then.
#[component]
fn KtpImport(journal_id: i64, imported: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let result: RwSignal<Option<Result<i64, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (imported, result);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = crate::journal::api::import_ktp(data.into()).await;
                if r.is_ok() {
                    imported.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        <form class="row-form" on:submit=on_submit data-testid="ktp-import">
            <input type="hidden" name="journal_id" value=journal_id/>
            <label class="grow">{t(Msg::ImportKtp)}<input type="file" name="file" accept=".xlsx,.csv" required/></label>
            <button type="submit" disabled=move || busy.get()>{t(Msg::Import)}</button>
            <a href="/export/ktp-template.xlsx" rel="external" download>{t(Msg::DownloadTemplate)}</a>
        </form>
        {move || result.get().map(|r| match r {
            Ok(n) => view! { <p class="banner ok" role="status">{move || Msg::TopicsImported.text(locale.get()).replace("{n}", &n.to_string())}</p> }.into_any(),
            Err(AppError::Invalid(errors)) => view! {
                <div class="banner error" role="alert" data-testid="ktp-errors">
                    <p>{t(Msg::KtpFileRefused)}</p>
                    <ul>{errors.into_iter().map(|e| view! { <li>{move || row_error(&e.field, e.msg, locale.get())}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })}
    }
}

/// "Row 5, Hours: <message>" from a field error named "row.5.hours".
fn row_error(field: &str, msg: Msg, l: crate::i18n::Locale) -> String {
    let mut parts = field.split('.');
    let (Some("row"), Some(row), Some(column)) = (parts.next(), parts.next(), parts.next()) else {
        return msg.text(l).to_string();
    };
    let column = match column {
        "number" => "№",
        "topic" => Msg::Topic.text(l),
        "hours" => Msg::Hours.text(l),
        "type" => Msg::LessonTypeLabel.text(l),
        "homework" => Msg::Homework.text(l),
        _ => Msg::ImportKtp.text(l),
    };
    if row == "0" {
        return msg.text(l).to_string();
    }
    format!("{}, {column}: {}", Msg::RowN.text(l).replace("{n}", row), msg.text(l))
}

/// One row of the weekly timetable being typed in.
#[derive(Clone, Debug, PartialEq)]
struct Slot {
    weekday: u8,
    pair: u8,
    hours: String,
    weeks: &'static str,
}

fn encode(slots: &[Slot]) -> String {
    slots.iter().map(|s| format!("{}:{}:{}:{}", s.weekday, s.pair, s.hours.trim(), s.weeks)).collect::<Vec<_>>().join(";")
}

const WEEKDAYS: [Msg; 6] = [Msg::Monday, Msg::Tuesday, Msg::Wednesday, Msg::Thursday, Msg::Friday, Msg::Saturday];

#[component]
fn Fill(journal_id: i64, holidays: String, filled: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let slots = RwSignal::new(vec![Slot { weekday: 1, pair: 1, hours: "2".into(), weeks: "all" }]);
    let holidays = RwSignal::new(holidays);
    let preview = Action::new(move |(tt, hol): &(String, String)| preview_fill(journal_id, tt.clone(), hol.clone()));
    let commit = Action::new(move |(tt, hol): &(String, String)| fill_semester(journal_id, tt.clone(), hol.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = commit.value().get() {
            filled.update(|n| *n += 1);
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || commit.value().get().and_then(|r| r.err()).or_else(|| preview.value().get().and_then(|r| r.err())));
    let field = move |name: String| Signal::derive(move || error.get().and_then(|e| e.field_msg(&name)));
    let args = move || (encode(&slots.get_untracked()), holidays.get_untracked());
    view! {
        <div class="fill" data-testid="fill">
            <p class="hint">{t(Msg::FillHint)}</p>
            <FormStatus error=error/>
            {move || field("timetable".into()).get().map(|m| view! { <p class="banner error" role="alert">{m.text(locale.get())}</p> })}
            <table class="list slots">
                <thead><tr><th>{t(Msg::Weekday)}</th><th>{t(Msg::Pair)}</th><th>{t(Msg::Hours)}</th><th>{t(Msg::Weeks)}</th><th></th></tr></thead>
                <tbody>
                    {move || slots.get().into_iter().enumerate().map(|(n, s)| {
                        let hours_err = field(format!("timetable.{n}.hours"));
                        let pair_err = field(format!("timetable.{n}.pair"));
                        view! {
                            <tr>
                                <td><select aria-label=t(Msg::Weekday) data-testid=format!("slot-day-{n}") on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(1); slots.update(|s| s[n].weekday = v) }>
                                    {WEEKDAYS.iter().enumerate().map(|(i, m)| { let d = (i + 1) as u8; view! { <option value=d selected=d == s.weekday>{t(*m)}</option> } }).collect_view()}
                                </select></td>
                                <td><select aria-label=t(Msg::Pair) data-testid=format!("slot-pair-{n}") on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(1); slots.update(|s| s[n].pair = v) }>
                                    {(1..=8u8).map(|p| view! { <option value=p selected=p == s.pair>{p}</option> }).collect_view()}
                                </select>
                                {move || pair_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}</td>
                                <td><input aria-label=t(Msg::Hours) size="4" inputmode="decimal" data-testid=format!("slot-hours-{n}") value=s.hours.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); slots.update(|s| s[n].hours = v) }/>
                                {move || hours_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}</td>
                                <td><select aria-label=t(Msg::Weeks) on:change=move |ev| { let v = match event_target_value(&ev).as_str() { "odd" => "odd", "even" => "even", _ => "all" }; slots.update(|s| s[n].weeks = v) }>
                                    <option value="all" selected=s.weeks == "all">{t(Msg::WeeksAll)}</option>
                                    <option value="odd" selected=s.weeks == "odd">{t(Msg::WeeksOdd)}</option>
                                    <option value="even" selected=s.weeks == "even">{t(Msg::WeeksEven)}</option>
                                </select></td>
                                <td><button class="link" on:click=move |_| slots.update(|s| { if s.len() > 1 { s.remove(n); } })>{t(Msg::Delete)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button data-testid="add-slot" on:click=move |_| slots.update(|s| s.push(Slot { weekday: 3, pair: 2, hours: "2".into(), weeks: "all" }))>{t(Msg::AddSlot)}</button>
            <div class="field" class:invalid=move || field("holidays".into()).get().is_some()>
                <label for="f-holidays">{t(Msg::Holidays)}</label>
                <textarea id="f-holidays" rows="5" prop:value=move || holidays.get() on:input=move |ev| holidays.set(event_target_value(&ev))></textarea>
                <small class="hint">{t(Msg::HolidaysHint)}</small>
                {move || field("holidays".into()).get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
            </div>
            <button class="primary" data-testid="preview" on:click=move |_| { commit.value().set(None); preview.dispatch(args()); }>{t(Msg::Preview)}</button>
            {move || preview.value().get().and_then(|r| r.ok()).map(|p| view! { <PreviewTable preview=p.clone()/>
                <button class="primary" data-testid="create-lessons" disabled=move || commit.pending().get()
                    on:click=move |_| { commit.dispatch(args()); }>
                    {move || Msg::CreateNLessons.text(locale.get()).replace("{n}", &p.lessons.iter().filter(|l| !l.exists).count().to_string())}
                </button>
            })}
            {move || commit.value().get().and_then(|r| r.ok()).map(|n| view! {
                <p class="banner ok" role="status" data-testid="fill-done">{move || Msg::LessonsCreated.text(locale.get()).replace("{n}", &n.to_string())}</p>
            })}
        </div>
    }
}

#[component]
fn PreviewTable(preview: FillPreview) -> impl IntoView {
    let locale = use_locale();
    let given = Hours::from_half_hours(preview.timetable_half_hours as u32);
    let planned = Hours::from_half_hours(preview.planned_half_hours as u32);
    let summary = crate::journal::semester::FillSummary {
        lessons: preview.lessons.len(),
        timetable_hours: given,
        planned_hours: planned,
        lessons_without_topic: preview.lessons_without_topic as usize,
        topics_without_lesson: preview.topics_without_lesson as usize,
    };
    let n = preview.lessons.len();
    view! {
        <div class="preview" data-testid="fill-preview">
            <p>
                <strong data-testid="preview-count">{move || Msg::PreviewSummary.text(locale.get()).replace("{n}", &n.to_string()).replace("{hours}", &given.label(locale.get()))}</strong>
                " · "{move || summary.balance().text(locale.get())}
            </p>
            <div class="scroll"><table class="list">
                <thead><tr><th>{t(Msg::LessonDate)}</th><th>{t(Msg::Pair)}</th><th>{t(Msg::Hours)}</th><th>{t(Msg::Topic)}</th></tr></thead>
                <tbody>
                    {preview.lessons.into_iter().map(|l| {
                        let half = l.half_hours;
                        view! {
                            <tr class:muted=l.exists>
                                <td>{super::dotted(&l.date)}</td>
                                <td class="num">{l.pair}</td>
                                <td class="num">{move || Hours::from_half_hours(half as u32).label(locale.get())}</td>
                                <td>{l.topic.clone()}{l.exists.then(|| view! { " " <em>{t(Msg::AlreadyThere)}</em> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </div>
    }
}

#[component]
fn Lessons(
    lessons: Vec<LessonHead>,
    journal_id: i64,
    can_edit: bool,
    save: ServerAction<SaveLesson>,
    cancel: ServerAction<CancelLesson>,
) -> impl IntoView {
    let locale = use_locale();
    let editing = RwSignal::new(None::<LessonHead>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    let error = action_error(save);
    let cancel_error = action_error(cancel);
    view! {
        <FormStatus error=cancel_error/>
        <div class="scroll"><table class="list" data-testid="lessons">
            <thead><tr><th>{t(Msg::LessonDate)}</th><th>{t(Msg::Pair)}</th><th>{t(Msg::Hours)}</th><th>{t(Msg::LessonTypeLabel)}</th><th>{t(Msg::Topic)}</th><th></th></tr></thead>
            <tbody>
                {lessons.into_iter().map(|l| {
                    let half = l.half_hours;
                    let edit = l.clone();
                    view! {
                        <tr>
                            <td>{super::dotted(&l.date)}</td>
                            <td class="num">{l.pair}</td>
                            <td class="num">{move || Hours::from_half_hours(half as u32).label(locale.get())}</td>
                            <td>{type_label(&l.lesson_type)}</td>
                            <td>{l.topic.clone()}</td>
                            <td>
                                <Show when=move || can_edit>
                                    <button class="link" on:click={let edit = edit.clone(); move |_| editing.set(Some(edit.clone()))}>{t(Msg::Edit)}</button>
                                    <ActionForm action=cancel attr:class="inline">
                                        <input type="hidden" name="journal_id" value=journal_id/>
                                        <input type="hidden" name="lesson_id" value=l.id/>
                                        <button type="submit" class="link" disabled=l.filled > 0 title=if l.filled > 0 { Msg::ErrLessonHasMarks.text(locale.get_untracked()) } else { "" }>{t(Msg::CancelLesson)}</button>
                                    </ActionForm>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <Show when=move || can_edit>
            {move || {
                let e = editing.get();
                let l = e.clone().unwrap_or(LessonHead { id: 0, date: String::new(), pair: 1, half_hours: 4, lesson_type: "theory".into(), topic: String::new(), plan: String::new(), homework: String::new(), filled: 0 });
                let hours = Hours::from_half_hours(l.half_hours as u32).label(locale.get_untracked());
                let err = move |f: &'static str| field_error(error, f);
                let (date_err, pair_err, hours_err) = (err("date"), err("pair"), err("hours"));
                view! {
                    <h3>{let new = l.id == 0; move || if new { t(Msg::AddLesson)() } else { t(Msg::EditLesson)() }}</h3>
                    <ActionForm action=save attr:class="row-form" attr:data-testid="lesson-form">
                        <FormStatus error=error ok=(action_ok(save), Msg::Saved)/>
                        <input type="hidden" name="journal_id" value=journal_id/>
                        <input type="hidden" name="lesson_id" value=l.id/>
                        <label>{t(Msg::LessonDate)}<input type="date" name="date" value=l.date.clone() required/>
                            {move || date_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}</label>
                        <label class="narrow">{t(Msg::Pair)}<input name="pair" value=l.pair size="2" inputmode="numeric" required/>
                            {move || pair_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}</label>
                        <label class="narrow">{t(Msg::Hours)}<input name="hours" value=hours size="4" inputmode="decimal" required/>
                            {move || hours_err.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}</label>
                        <label>{t(Msg::LessonTypeLabel)}<select name="lesson_type">{type_options(l.lesson_type.clone())}</select></label>
                        <label class="grow">{t(Msg::Topic)}<input name="topic" value=l.topic.clone() maxlength="500"/></label>
                        <label class="grow">{t(Msg::LessonPlan)}<textarea name="plan" rows="2" maxlength="5000">{l.plan.clone()}</textarea></label>
                        <label class="grow">{t(Msg::Homework)}<input name="homework" value=l.homework.clone() maxlength="1000"/></label>
                        <button type="submit" class="primary">{t(Msg::Save)}</button>
                    </ActionForm>
                }
            }}
        </Show>
    }
}

#[component]
fn Syllabus(text: String, journal_id: i64, can_edit: bool, action: ServerAction<SaveSyllabus>) -> impl IntoView {
    let error = action_error(action);
    let shown = text.clone();
    let text = StoredValue::new(text);
    view! {
        <Show when=move || can_edit fallback=move || if shown.trim().is_empty() { view! { <p class="muted">"—"</p> }.into_any() } else { view! { <pre class="syllabus">{shown.clone()}</pre> }.into_any() }>
            <ActionForm action=action>
                <FormStatus error=error ok=(action_ok(action), Msg::Saved)/>
                <input type="hidden" name="journal_id" value=journal_id/>
                <textarea name="syllabus" rows="6" aria-label=t(Msg::Syllabus)>{text.get_value()}</textarea>
                <button type="submit">{t(Msg::Save)}</button>
            </ActionForm>
        </Show>
    }
}
