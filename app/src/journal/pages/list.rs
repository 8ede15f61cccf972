use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::api::{keepable_groups, list_journals, CreateJournal};
use crate::ui::{action_error, field_error, ErrorNote, Field, FormStatus};
use leptos::prelude::*;

#[component]
pub fn JournalsPage() -> impl IntoView {
    view! { <RequireUser><Journals/></RequireUser> }
}

#[component]
fn Journals() -> impl IntoView {
    let create = ServerAction::<CreateJournal>::new();
    let error = action_error(create);
    let journals = Resource::new(move || create.version().get(), |_| list_journals());
    let groups = Resource::new(|| (), |_| keepable_groups());
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/journals/{id}/plan"), Default::default());
        }
    });
    view! {
        <div class="grid two">
            <section class="card">
                <h1>{t(Msg::Journals)}</h1>
                <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    {move || journals.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoJournals)}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="list" data-testid="journals">
                                <thead><tr>
                                    <th>{t(Msg::Journal)}</th><th>{t(Msg::Teacher)}</th><th>{t(Msg::Semester)}</th><th>{t(Msg::Lessons)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|j| view! {
                                        <tr>
                                            <td><a href=format!("/journals/{}", j.id)>{j.title.clone()}</a></td>
                                            <td>{j.teacher_name.clone()}</td>
                                            <td>{super::dotted(&j.semester_start)}" – "{super::dotted(&j.semester_end)}</td>
                                            <td class="num">{j.lessons}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            <Transition fallback=|| ()>
                {move || groups.get().and_then(|r| r.ok()).filter(|g| !g.is_empty()).map(|groups| view! {
                    <section class="card">
                        <p><a href="/journals/timesheet">{t(Msg::Timesheet)}</a></p>
                        <h2>{t(Msg::NewJournal)}</h2>
                        <ActionForm action=create>
                            <FormStatus error=error/>
                            <GroupSelect groups=groups error=error/>
                            <Field label=Msg::Subject name="subject" error=error required=true/>
                            <Field label=Msg::SemesterStart name="semester_start" kind="date" error=error required=true/>
                            <Field label=Msg::SemesterEnd name="semester_end" kind="date" error=error required=true/>
                            <ScaleSelect/>
                            <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::NewJournal)}</button>
                        </ActionForm>
                    </section>
                })}
            </Transition>
        </div>
    }
}

#[component]
fn GroupSelect(groups: Vec<crate::journal::dto::GroupOption>, error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let msg = field_error(error, "group_id");
    let locale = use_locale();
    view! {
        <div class="field" class:invalid=move || msg.get().is_some()>
            <label for="f-group_id">{t(Msg::Group)}</label>
            <select id="f-group_id" name="group_id">
                {groups.into_iter().map(|g| view! { <option value=g.id>{g.name.clone()}" — "{g.college.clone()}</option> }).collect_view()}
            </select>
            {move || msg.get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })}
        </div>
    }
}

#[component]
fn ScaleSelect() -> impl IntoView {
    view! {
        <div class="field">
            <label for="f-scale">{t(Msg::Scale)}</label>
            <select id="f-scale" name="scale">
                <option value="five">{t(Msg::ScaleFive)}</option>
                <option value="hundred">{t(Msg::ScaleHundred)}</option>
            </select>
        </div>
    }
}
