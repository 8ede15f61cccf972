//! The olympiad's downloads (plain GET routes: a browser download needs a URL), checked like
//! server functions: the session first, then the same rules.
//! - `/export/olympiad/results/{campaign}.xlsx|csv`: the results file (layout in
//!   `results/file.rs`), for holders of `olympiad.operate`;
//! - `/export/olympiad/certificate/{number}.pdf`: a certificate, for its holder and operators;
//!   `/export/olympiad/certificate.pdf?number=…` is the same for the operator's look-up form
//!   (a plain GET form cannot put the typed number into the path);
//! - `/export/olympiad/directory/schools.xlsx|csv`: the school directory in the layout its
//!   import reads (directory/file.rs), so it can be corrected and imported back; with no schools yet
//!   it is the empty template. For holders of `olympiad.operate`;
//! - `/export/olympiad/statistics/{campaign}.xlsx|csv?level=&region=&subject=`: the statistics
//!   table as the page shows it, for holders of `olympiad.operate`.

use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::edge::{id_and_ext, Download, Lang, Routes};
use crate::error::AppError;
use crate::olympiad::results::file::{results_csv, results_xlsx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};

pub fn routes() -> Routes {
    Routes::new()
        .get("/export/olympiad/results/{file}", results_file)
        .get("/export/olympiad/certificate/{file}", certificate_file)
        .get("/export/olympiad/certificate.pdf", certificate_by_query)
        .get("/export/olympiad/statistics/{file}", statistics_file)
        .get("/export/olympiad/directory/{file}", directory_file)
}

/// "xlsx" or "csv", else no such file.
fn table_ext(ext: &str) -> Result<&str, AppError> {
    if ext == "xlsx" || ext == "csv" {
        Ok(ext)
    } else {
        Err(AppError::NotFound)
    }
}

async fn results_file(State(st): State<AppState>, caller: Caller, Path(file): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    let (id, ext) = id_and_ext(&file).ok_or(AppError::NotFound)?;
    let ext = table_ext(ext)?;
    caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
    let campaign = crate::olympiad::campaign::store::campaign(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let rows = crate::olympiad::results::standings::export_rows(&st.db, id).await?;
    let people: std::collections::HashSet<&str> = rows.iter().map(|r| r.iin.as_str()).collect();
    crate::audit::views::record_file(&st.db, &caller, crate::audit::views::Seen::IinExport, "olympiad_campaign", id, people.len()).await?;
    let bytes = if ext == "csv" {
        results_csv(&rows, l)
    } else {
        results_xlsx(&rows, &campaign.title, l).map_err(|e| {
            tracing::error!(error = %e, "results xlsx");
            AppError::Internal
        })?
    };
    Ok(Download::file(format!("{}.{ext}", campaign.title), bytes))
}

async fn certificate_file(State(st): State<AppState>, caller: Caller, Path(file): Path<String>) -> Result<Download, AppError> {
    certificate(&st, &caller, file.strip_suffix(".pdf").ok_or(AppError::NotFound)?).await
}

async fn certificate_by_query(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Download, AppError> {
    certificate(&st, &caller, q.get("number").map(String::as_str).unwrap_or("")).await
}

async fn certificate(st: &AppState, caller: &Caller, typed: &str) -> Result<Download, AppError> {
    let number = crate::olympiad::results::certificates::normalize_number(typed).ok_or(AppError::NotFound)?;
    let issued = crate::olympiad::results::certificates::find(&st.db, &number).await?;
    // Someone else's number answers like an operator's refusal, not "no such number": a
    // signed-in stranger learns nothing the public page would not tell them anyway.
    let holder = issued.as_ref().is_some_and(|c| c.holder_id == caller.user_id);
    if !holder {
        caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
    }
    let issued = issued.ok_or(AppError::NotFound)?;
    Ok(Download::file(format!("{number}.pdf"), crate::olympiad::results::certificates::pdf(&issued, &st.settings.public_url)))
}

async fn statistics_file(
    State(st): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Lang(l): Lang,
) -> Result<Download, AppError> {
    use crate::olympiad::statistics::figures::{Level, StatsQuery};
    let (id, ext) = id_and_ext(&file).ok_or(AppError::NotFound)?;
    let ext = table_ext(ext)?;
    let query = StatsQuery {
        campaign_id: id,
        level: q.get("level").and_then(|v| Level::from_code(v)).unwrap_or_default(),
        region_id: q.get("region").and_then(|v| v.parse().ok()).unwrap_or(0),
        subject: q.get("subject").cloned().unwrap_or_default(),
    };
    caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
    let stats = crate::olympiad::statistics::figures::ssr::statistics(&st.db, &query).await?;
    let (heads, rows) = crate::olympiad::statistics::figures::ssr::table(&stats, query.level, l);
    let name = format!("{} · {}", stats.campaign, crate::i18n::Msg::OlyStatistics.text(l));
    let bytes = if ext == "csv" {
        crate::docs::csv::table(&heads, &rows)
    } else {
        crate::docs::xlsx::workbook(&[crate::docs::xlsx::Sheet {
            name: crate::i18n::Msg::OlyStatistics.text(l).to_string(),
            title: name.clone(),
            headers: heads,
            rows,
            freeze_first_column: true,
        }])
    };
    Ok(Download::file(format!("{name}.{ext}"), bytes))
}

async fn directory_file(State(st): State<AppState>, caller: Caller, Path(file): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    use crate::docs::xlsx::XCell;
    use crate::i18n::Msg;
    let ext = match file.as_str() {
        "schools.xlsx" => "xlsx",
        "schools.csv" => "csv",
        _ => return Err(AppError::NotFound),
    };
    caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
    let rows = crate::olympiad::directory::store::directory_rows(&st.db).await?;
    let heads: Vec<String> = [Msg::OlyRegion, Msg::OlyDistrict, Msg::OlySchoolCode, Msg::OlySchool, Msg::OlyRural, Msg::OlyLanguages]
        .iter()
        .map(|m| m.text(l).to_string())
        .collect();
    let body: Vec<Vec<XCell>> = rows
        .into_iter()
        .map(|r| {
            vec![
                XCell::Text(r.region),
                XCell::Text(r.district.unwrap_or_default()),
                XCell::Text(r.code),
                XCell::Text(r.name),
                XCell::Number(f64::from(u8::from(r.rural))),
                XCell::Text(r.languages.code().replace(',', ", ")),
            ]
        })
        .collect();
    let name = Msg::OlyDirectory.text(l).to_string();
    let bytes = if ext == "csv" {
        crate::docs::csv::table(&heads, &body)
    } else {
        crate::docs::xlsx::workbook(&[crate::docs::xlsx::Sheet {
            name: name.clone(),
            title: String::new(),
            headers: heads,
            rows: body,
            freeze_first_column: false,
        }])
    };
    Ok(Download::file(format!("{name}.{ext}"), bytes))
}
