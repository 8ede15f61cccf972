//! The records' first page: the import of students and groups into a college (a preview, then
//! the same file applied), and the colleges' groups with their profiles.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
#[cfg(feature = "hydrate")]
use crate::records::api::import_students;
use crate::records::api::list_colleges;
use crate::records::model::{import_column, ImportReport};
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn RecordsPage() -> impl IntoView {
    view! { <RequireUser><Records/></RequireUser> }
}

#[component]
fn Records() -> impl IntoView {
    let imported = RwSignal::new(0u32);
    let colleges = Resource::new(move || imported.get(), |_| list_colleges());
    let locale = use_locale();
    view! {
        <h1>{t(Msg::StudentRecords)}</h1>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || colleges.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::RecNoColleges)}</p> }.into_any(),
                Ok(list) => {
                    let choices: Vec<(i64, String)> = list.iter().map(|c| (c.id, c.name.clone())).collect();
                    view! {
                        <section class="card">
                            <h2>{t(Msg::RecImportTitle)}</h2>
                            <ImportForm colleges=choices imported=imported/>
                        </section>
                        {list.into_iter().map(|c| view! {
                            <section class="card">
                                <h2>{c.name.clone()}</h2>
                                <table class="list" data-testid="records-groups">
                                    <thead><tr><th>{t(Msg::Group)}</th><th>{t(Msg::GroupProfileTitle)}</th><th>{t(Msg::Students)}</th><th></th></tr></thead>
                                    <tbody>
                                        {c.groups.into_iter().map(|g| {
                                            let profile = g.profile.clone();
                                            view! {
                                                <tr>
                                                    <td data-label=move || Msg::Group.text(locale.get())><A href=format!("/records/groups/{}", g.id)>{g.name.clone()}</A></td>
                                                    <td data-label=move || Msg::GroupProfileTitle.text(locale.get())>{move || super::profile_text(&profile, locale.get())}</td>
                                                    <td data-label=move || Msg::Students.text(locale.get())>{g.students}</td>
                                                    <td><A href=format!("/admin/groups/{}", g.id)>{t(Msg::GroupProfileTitle)}</A></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }).collect_view()}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

fn report_text(r: &ImportReport, l: Locale) -> String {
    let counts = Msg::RecImportCounts
        .text(l)
        .replace("{groups}", &r.groups_added.to_string())
        .replace("{profiles}", &r.profiles_changed.to_string())
        .replace("{new}", &r.students_added.to_string())
        .replace("{enrolled}", &r.students_enrolled.to_string())
        .replace("{unchanged}", &r.unchanged.to_string());
    let head = if r.dry_run { Msg::RecImportPreview } else { Msg::RecImportApplied };
    format!("{} {counts}", head.text(l))
}

/// The upload: "Preview" sends the file with `dry_run`; only a preview without errors that
/// would change something enables "Import", which sends the same file to be written.
#[component]
fn ImportForm(colleges: Vec<(i64, String)>, imported: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    // Which button sent the form (its click comes before the submit event).
    let apply = RwSignal::new(false);
    let previewed = move || matches!(result.get(), Some(Ok(ref r)) if r.dry_run && r.changes() > 0);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (imported, result, apply);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            let dry_run = !apply.get_untracked();
            let _ = data.set_with_str("dry_run", if dry_run { "true" } else { "false" });
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = import_students(data.into()).await;
                if matches!(r, Ok(ref r) if !r.dry_run) {
                    imported.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        <form class="row-form" on:submit=on_submit data-testid="records-import">
            <label>{t(Msg::KindCollege)}
                <select name="college_id" on:change=move |_| result.set(None)>
                    {colleges.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="grow">{t(Msg::RecImportFile)}
                <input type="file" name="file" accept=".xlsx,.csv" required on:change=move |_| result.set(None)/>
            </label>
            <button type="submit" disabled=move || busy.get() on:click=move |_| apply.set(false)>{t(Msg::OlyPreview)}</button>
            <button type="submit" class="primary" disabled=move || busy.get() || !previewed() on:click=move |_| apply.set(true)>{t(Msg::Import)}</button>
        </form>
        <p class="hint">{t(Msg::RecImportFormat)}</p>
        <p class="hint">{t(Msg::RecInviteNote)}</p>
        <p><a href="/export/students-template.xlsx" rel="external" download>{t(Msg::RecTemplate)}</a></p>
        {move || result.get().map(|r| match r {
            Ok(report) => {
                let summary = report.clone();
                view! {
                    <p class="banner ok" role="status" data-testid="records-import-report">{move || report_text(&summary, locale.get())}</p>
                    <table class="list" data-testid="records-import-rows">
                        <thead><tr>
                            <th>{t(Msg::OlyRow)}</th><th>{t(Msg::Iin)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::Group)}</th><th>{t(Msg::RecOutcome)}</th>
                        </tr></thead>
                        <tbody>
                            {report.lines.into_iter().map(|line| {
                                let outcome = line.outcome;
                                let new_group = line.new_group;
                                view! {
                                    <tr>
                                        <td data-label=move || Msg::OlyRow.text(locale.get())>{line.row}</td>
                                        <td data-label=move || Msg::Iin.text(locale.get())>{line.iin}</td>
                                        <td data-label=move || Msg::FullName.text(locale.get())>{line.full_name}</td>
                                        <td data-label=move || Msg::Group.text(locale.get())>
                                            {line.group}
                                            {new_group.then(|| view! { " " <span class="tag">{t(Msg::RecNewGroup)}</span> })}
                                        </td>
                                        <td data-label=move || Msg::RecOutcome.text(locale.get())>{move || outcome.msg().text(locale.get())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
            Err(AppError::Invalid(errors)) => view! {
                <div class="banner error" role="alert" data-testid="records-import-errors">
                    <p>{t(Msg::KtpFileRefused)}</p>
                    <ul>{errors.into_iter().map(|e| view! { <li>{move || crate::ui::row_error(&e.field, e.msg, locale.get(), import_column)}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })}
    }
}
