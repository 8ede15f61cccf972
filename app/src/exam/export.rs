//! Exam downloads: the results of an exam as XLSX or CSV, and the question template.

use crate::i18n::Msg;
use crate::journal::xlsx::{workbook, Sheet, XCell};
use crate::proctor::report::{caller_of, csv, download, locale_of, refuse};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/export/exam/{file}", get(results_file)).route("/export/exam-template.xlsx", get(template))
}

async fn template() -> Response {
    download("questions-template.xlsx", super::import::template_xlsx())
}

/// "/export/exam/12.xlsx" or ".csv": one row per candidate, for the exam's teacher and readers.
async fn results_file(State(st): State<AppState>, Path(file): Path<String>, Query(q): Query<HashMap<String, String>>, headers: HeaderMap) -> Response {
    let l = locale_of(&q, &headers);
    let Some((id, ext)) = file.rsplit_once('.').and_then(|(id, ext)| Some((id.parse::<i64>().ok()?, ext.to_string()))) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let results = match caller_of(&st, &headers).await {
        Ok(caller) => super::store::results(&st.db, &caller, id).await,
        Err(e) => Err(e),
    };
    let r = match results {
        Ok(r) => r,
        Err(e) => return refuse(e, l),
    };
    let heads: Vec<String> = [Msg::Student, Msg::Started, Msg::Submitted, Msg::Score, Msg::Mark, Msg::Risk, Msg::Violations, Msg::Verdict]
        .iter()
        .map(|m| m.text(l).to_string())
        .chain(std::iter::once("%".to_string()))
        .collect();
    let rows: Vec<Vec<XCell>> = r
        .candidates
        .iter()
        .map(|c| {
            vec![
                XCell::Text(c.student_name.clone()),
                XCell::Text(crate::ui::time::format_datetime(c.started_at)),
                c.submitted_at.map_or(XCell::Empty, |t| XCell::Text(crate::ui::time::format_datetime(t))),
                c.score.map_or(XCell::Empty, XCell::Number),
                c.mark.clone().map_or(XCell::Empty, XCell::Text),
                XCell::Number(c.risk as f64),
                XCell::Number(c.violations as f64),
                XCell::Text(crate::exam::pages::verdict_msg(&c.verdict).text(l).to_string()),
                c.percent.map_or(XCell::Empty, XCell::Number),
            ]
        })
        .collect();
    let name = format!("exam-{id}");
    match ext.as_str() {
        "csv" => download(&format!("{name}.csv"), csv(&heads, &rows)),
        "xlsx" => download(
            &format!("{name}.xlsx"),
            workbook(&[Sheet { name: name.clone(), title: r.exam.title.clone(), headers: heads, rows, freeze_first_column: true }]),
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
