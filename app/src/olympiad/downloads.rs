//! The olympiad's downloads (plain GET routes: a browser download needs a URL), checked like
//! server functions: the session first, then the same rules.
//! - `/export/olympiad/results/{campaign}.xlsx|csv`: the results file (layout in
//!   `results.rs`), for holders of `olympiad.operate`;
//! - `/export/olympiad/certificate/{number}.pdf`: a certificate, for its holder and operators;
//!   `/export/olympiad/certificate.pdf?number=…` is the same for the operator's look-up form
//!   (a plain GET form cannot put the typed number into the path);
//! - `/export/olympiad/directory/schools.xlsx|csv`: the school directory in the layout its
//!   import reads (directory.rs), so it can be corrected and imported back; with no schools yet
//!   it is the empty template. For holders of `olympiad.operate`;
//! - `/export/olympiad/statistics/{campaign}.xlsx|csv?level=&region=&subject=`: the statistics
//!   table as the page shows it, for holders of `olympiad.operate`.

use super::results::{results_csv, results_xlsx};
use crate::auth::model::Permission;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/olympiad/results/{file}", get(results_file))
        .route("/export/olympiad/certificate/{file}", get(certificate_file))
        .route("/export/olympiad/certificate.pdf", get(certificate_by_query))
        .route("/export/olympiad/statistics/{file}", get(statistics_file))
        .route("/export/olympiad/directory/{file}", get(directory_file))
}

fn locale(headers: &HeaderMap) -> Locale {
    crate::request::cookie(headers, crate::i18n::LOCALE_COOKIE).and_then(|c| Locale::from_code(&c)).unwrap_or_default()
}

async fn caller(st: &AppState, headers: &HeaderMap) -> Result<crate::auth::ssr::Caller, AppError> {
    let ip = crate::api::client_ip_from(headers, None, st.settings.trusted_proxies);
    crate::auth::ssr::resolve(&st.db, headers, ip).await?.ok_or(AppError::Unauthorized)
}

fn refuse(e: AppError, l: Locale) -> Response {
    (e.status(), e.summary().text(l).to_string()).into_response()
}

async fn results_file(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let l = locale(&headers);
    let Some((id, ext)) = file.rsplit_once('.').and_then(|(id, ext)| Some((id.parse::<i64>().ok()?, ext))) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if ext != "xlsx" && ext != "csv" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let result = async {
        let caller = caller(&st, &headers).await?;
        caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
        let campaign = super::store::campaign(&st.db, id).await?.ok_or(AppError::NotFound)?;
        let rows = super::standings::export_rows(&st.db, id).await?;
        let people: std::collections::HashSet<&str> = rows.iter().map(|r| r.iin.as_str()).collect();
        crate::audit::views::record_file(&st.db, &caller, crate::audit::views::Seen::IinExport, "olympiad_campaign", id, people.len())
            .await?;
        let bytes = if ext == "csv" {
            results_csv(&rows, l)
        } else {
            results_xlsx(&rows, &campaign.title, l).map_err(|e| {
                tracing::error!(error = %e, "results xlsx");
                AppError::Internal
            })?
        };
        Ok::<_, AppError>((format!("{}.{ext}", campaign.title), bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => crate::proctor::report::download(&name, bytes),
        Err(e) => refuse(e, l),
    }
}

async fn certificate_file(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    match file.strip_suffix(".pdf") {
        Some(number) => certificate(&st, number, &headers).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn certificate_by_query(
    State(st): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    certificate(&st, q.get("number").map(String::as_str).unwrap_or(""), &headers).await
}

async fn certificate(st: &AppState, typed: &str, headers: &HeaderMap) -> Response {
    let l = locale(headers);
    let Some(number) = super::certificates::normalize_number(typed) else {
        return refuse(AppError::NotFound, l);
    };
    let result = async {
        let caller = caller(st, headers).await?;
        let issued = super::certificates::find(&st.db, &number).await?;
        // Someone else's number answers like an operator's refusal, not "no such number": a
        // signed-in stranger learns nothing the public page would not tell them anyway.
        let holder = issued.as_ref().is_some_and(|c| c.holder_id == caller.user_id);
        if !holder {
            caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
        }
        let issued = issued.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(super::certificates::pdf(&issued, &st.settings.public_url))
    }
    .await;
    match result {
        Ok(bytes) => crate::proctor::report::download(&format!("{number}.pdf"), bytes),
        Err(e) => refuse(e, l),
    }
}

async fn statistics_file(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    use super::statistics::{Level, StatsQuery};
    let l = locale(&headers);
    let Some((id, ext)) = file.rsplit_once('.').and_then(|(id, ext)| Some((id.parse::<i64>().ok()?, ext))) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if ext != "xlsx" && ext != "csv" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let query = StatsQuery {
        campaign_id: id,
        level: q.get("level").and_then(|v| Level::from_code(v)).unwrap_or_default(),
        region_id: q.get("region").and_then(|v| v.parse().ok()).unwrap_or(0),
        subject: q.get("subject").cloned().unwrap_or_default(),
    };
    let result = async {
        let caller = caller(&st, &headers).await?;
        caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
        let stats = super::statistics::ssr::statistics(&st.db, &query).await?;
        let (heads, rows) = super::statistics::ssr::table(&stats, query.level, l);
        let name = format!("{} · {}", stats.campaign, crate::i18n::Msg::OlyStatistics.text(l));
        let bytes = if ext == "csv" {
            crate::proctor::report::csv(&heads, &rows)
        } else {
            crate::journal::xlsx::workbook(&[crate::journal::xlsx::Sheet {
                name: crate::i18n::Msg::OlyStatistics.text(l).to_string(),
                title: name.clone(),
                headers: heads,
                rows,
                freeze_first_column: true,
            }])
        };
        Ok::<_, AppError>((format!("{name}.{ext}"), bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => crate::proctor::report::download(&name, bytes),
        Err(e) => refuse(e, l),
    }
}

async fn directory_file(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    use crate::i18n::Msg;
    use crate::journal::xlsx::XCell;
    let l = locale(&headers);
    let ext = match file.as_str() {
        "schools.xlsx" => "xlsx",
        "schools.csv" => "csv",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let result = async {
        let caller = caller(&st, &headers).await?;
        caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
        let rows = super::store::directory_rows(&st.db).await?;
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
            crate::proctor::report::csv(&heads, &body)
        } else {
            crate::journal::xlsx::workbook(&[crate::journal::xlsx::Sheet {
                name: name.clone(),
                title: String::new(),
                headers: heads,
                rows: body,
                freeze_first_column: false,
            }])
        };
        Ok::<_, AppError>((format!("{name}.{ext}"), bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => crate::proctor::report::download(&name, bytes),
        Err(e) => refuse(e, l),
    }
}
