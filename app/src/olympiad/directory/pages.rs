//! The directory's section of the operator's page (OLY-8): its counts, and the upload of the
//! directory file with every refused cell listed.

#[cfg(feature = "hydrate")]
use super::api::import_directory;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::olympiad::model::*;
use crate::ui::ErrorNote;
use leptos::prelude::*;

#[component]
pub(crate) fn DirectoryCounts(d: DirectorySummary) -> impl IntoView {
    view! {
        <dl class="facts" data-testid="directory-counts">
            <dt>{t(Msg::OlyRegions)}</dt><dd>{d.regions}</dd>
            <dt>{t(Msg::OlyDistricts)}</dt><dd>{d.districts}</dd>
            <dt>{t(Msg::OlySchools)}</dt><dd>{d.schools}</dd>
            <dt>{t(Msg::OlyRuralSchools)}</dt><dd>{d.rural_schools}</dd>
        </dl>
    }
}

fn directory_column(name: &str) -> Option<Msg> {
    Some(match name {
        "region" => Msg::OlyRegion,
        "district" => Msg::OlyDistrict,
        "code" => Msg::OlySchoolCode,
        "name" => Msg::OlySchool,
        "rural" => Msg::OlyRural,
        "languages" => Msg::OlyLanguages,
        _ => return None,
    })
}

/// The answer to an upload: what it did, or every refused cell with its row and column.
#[component]
pub(crate) fn UploadResult<T: Clone + Send + Sync + 'static>(
    result: RwSignal<Option<Result<T, AppError>>>,
    done: fn(&T, Locale) -> String,
    column: fn(&str) -> Option<Msg>,
    testid: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    move || {
        result.get().map(|r| match r {
            Ok(value) => view! { <p class="banner ok" role="status">{move || done(&value, locale.get())}</p> }.into_any(),
            Err(AppError::Invalid(errors)) => view! {
                <div class="banner error" role="alert" data-testid=testid>
                    <p>{t(Msg::KtpFileRefused)}</p>
                    <ul>{errors.into_iter().map(|e| view! { <li>{move || crate::ui::row_error(&e.field, e.msg, locale.get(), column)}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })
    }
}

fn directory_imported(report: &ImportReport, l: Locale) -> String {
    Msg::OlyDirectoryImported
        .text(l)
        .replace("{added}", &report.schools_added.to_string())
        .replace("{updated}", &report.schools_updated.to_string())
}

/// The directory upload: sent as multipart straight from the browser; a refused file lists
/// every broken row, and nothing is imported.
#[component]
pub(crate) fn DirectoryImport(imported: RwSignal<u32>) -> impl IntoView {
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(None);
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
                let r = import_directory(data.into()).await;
                if r.is_ok() {
                    imported.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        <form class="row-form" on:submit=on_submit data-testid="directory-import">
            <label class="grow">{t(Msg::OlyDirectoryFile)}<input type="file" name="file" accept=".xlsx,.csv" required/></label>
            <button type="submit" disabled=move || busy.get()>{t(Msg::Import)}</button>
        </form>
        <p class="hint">{t(Msg::OlyDirectoryFormat)}</p>
        // The directory as it stands, in the layout the import reads (the template when empty).
        <p>{t(Msg::OlyDirectory)}": "
            <a href="/export/olympiad/directory/schools.xlsx" rel="external" download>"XLSX"</a>" · "
            <a href="/export/olympiad/directory/schools.csv" rel="external" download>"CSV"</a></p>
        <UploadResult result=result done=directory_imported column=directory_column testid="directory-errors"/>
    }
}
