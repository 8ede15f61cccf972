//! The records' first page: the import of students and groups into a college (a preview, then
//! the same file applied), and the colleges' groups with their profiles.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::records::api::{import_students, list_colleges};
use crate::records::model::{import_column, ImportReport};
use crate::ui::two_step_import::{ImportErrors, ImportOutcome, TwoStepImport};
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
    // The import's answer lives here, above the list that an import reloads (and the form with
    // it): the report stays on the page after the list is drawn again.
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(None);
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
                            <ImportForm colleges=choices imported=imported result=result/>
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

/// The upload, in two steps (`ui::TwoStepImport`): a preview, then "Import" writes the same file.
#[component]
fn ImportForm(
    colleges: Vec<(i64, String)>,
    imported: RwSignal<u32>,
    result: RwSignal<Option<Result<ImportReport, AppError>>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <TwoStepImport send=import_students result=result imported=imported apply=Msg::Import testid="records-import">
            <label>{t(Msg::KindCollege)}
                <select name="college_id">
                    {colleges.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="grow">{t(Msg::RecImportFile)}
                <input type="file" name="file" accept=".xlsx,.csv" required/>
            </label>
        </TwoStepImport>
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
            Err(AppError::Invalid(errors)) => view! { <ImportErrors errors=errors column=import_column testid="records-import-errors"/> }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })}
    }
}

impl ImportOutcome for ImportReport {
    fn dry_run(&self) -> bool {
        self.dry_run
    }
    fn changes(&self) -> u32 {
        ImportReport::changes(self)
    }
}
