//! The e-services' plain routes (a browser download needs a URL), checked like server
//! functions: the result document as PDF and an application's documents, for the applicant and
//! the clerks of the application's college only.

use super::store;
use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::edge::{id_and_ext, Download, Routes};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::extract::{Path, State};

pub fn routes() -> Routes {
    Routes::new().get("/export/service/{file}", result_file).get("/files/service/{id}/{kind}", document_file)
}

/// The applicant's, or a clerk's of the college: refused alike otherwise.
async fn allowed(st: &AppState, caller: &Caller, id: i64) -> Result<store::Row, AppError> {
    let row = store::get(&st.db.pool, id).await?.ok_or(AppError::NotFound)?;
    if row.applicant_id != caller.user_id {
        caller.require(&st.db, Permission::ServicesManage, row.college_id).await?;
    }
    Ok(row)
}

/// The check page a result's QR code opens, at the configured public address (never the
/// request's Host: a forged one would send whoever checks the paper elsewhere).
pub fn verify_url(public_url: &str, code: &str) -> String {
    format!("{}/services/check/{code}", public_url.trim_end_matches('/'))
}

async fn result_file(State(st): State<AppState>, caller: Caller, Path(file): Path<String>) -> Result<Download, AppError> {
    let Some((id, "pdf")) = id_and_ext(&file) else { return Err(AppError::NotFound) };
    let row = allowed(&st, &caller, id).await?;
    let (Some(number), Some(code), Some(at)) = (row.result_number.clone(), row.result_code.clone(), row.result_at) else {
        return Err(AppError::NotFound);
    };
    let def = super::model::service(&row.service).ok_or(AppError::Internal)?;
    let locale = if row.result_lang == "kk" { Locale::Kk } else { Locale::Ru };
    let status = row.status()?;
    let refused = status == super::model::Status::Refused;
    let date = |ms: i64| crate::journal::semester::Date::from_epoch_ms(ms).dotted();
    let answers = row
        .answers()
        .iter()
        .filter_map(|(k, v)| {
            let f = def.fields.iter().find(|f| f.name == k)?;
            Some((f.label.text(locale).to_string(), def.answer_text(k, v, locale)))
        })
        .collect();
    let d = super::documents::ResultDocument {
        college: row.college.clone(),
        number: number.clone(),
        issued_on: date(at),
        applicant: row.applicant.clone(),
        application_id: row.id,
        submitted_on: date(row.submitted_at),
        title: if refused { crate::i18n::Msg::SvcResultRefusal } else { def.result_title }.text(locale).to_string(),
        service: def.name.text(locale).to_string(),
        answers,
        refusal: refused.then(|| row.comment.clone()),
        verify_url: verify_url(&st.settings.public_url, &code),
    };
    Ok(Download::shown(format!("result-{number}.pdf"), super::documents::result_pdf(&d, locale)))
}

async fn document_file(State(st): State<AppState>, caller: Caller, Path((id, kind)): Path<(i64, String)>) -> Result<Download, AppError> {
    allowed(&st, &caller, id).await?;
    let (key, name, content_type) = store::file(&st.db, id, &kind).await?.ok_or(AppError::NotFound)?;
    let bytes = st.media.get(&key).await?;
    Ok(Download::uploaded(name, bytes, &content_type))
}
