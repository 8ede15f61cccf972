//! Admission's plain routes (a browser download needs a URL), checked like server functions:
//! an application's supporting document and its receipt, for the applicant and the committee
//! of the application's college only.

use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::edge::{Download, Routes};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::extract::{Path, State};

pub fn routes() -> Routes {
    Routes::new().get("/files/admission/{id}", document).get("/export/admission/{id}/{file}", receipt)
}

/// The applicant's, or the committee's of the campaign's college: refused alike otherwise.
/// Returns the application's campaign.
async fn allowed(st: &AppState, caller: &Caller, id: i64) -> Result<i64, AppError> {
    let (owner, campaign_id, college) = super::store::owner(&st.db, id).await?.ok_or(AppError::NotFound)?;
    if owner != caller.user_id {
        caller.require(&st.db, Permission::AdmissionManage, college).await?;
    }
    Ok(campaign_id)
}

async fn document(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Download, AppError> {
    allowed(&st, &caller, id).await?;
    let (name, key) = super::store::document(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let bytes = st.media.get(&key).await?;
    Ok(crate::exam::tickets::checked_download(name, bytes))
}

/// The check page a receipt's QR code opens, at the configured public address (never the
/// request's Host: a forged one would send whoever checks the paper elsewhere).
pub fn verify_url(public_url: &str, code: &str) -> String {
    format!("{}/admission/check/{code}", public_url.trim_end_matches('/'))
}

/// "/export/admission/{id}/receipt-kk.pdf" (or `-ru`): the receipt, once the committee has
/// accepted the documents; 404 before.
async fn receipt(State(st): State<AppState>, caller: Caller, Path((id, file)): Path<(i64, String)>) -> Result<Download, AppError> {
    let locale = match file.as_str() {
        "receipt-kk.pdf" => Locale::Kk,
        "receipt-ru.pdf" => Locale::Ru,
        _ => return Err(AppError::NotFound),
    };
    let campaign_id = allowed(&st, &caller, id).await?;
    let a = super::store::application_read(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let campaign = super::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
    let code = a.receipt_code.clone().ok_or(AppError::NotFound)?;
    let r = super::receipt::Receipt::of(&a, &campaign, locale, verify_url(&st.settings.public_url, &code)).ok_or(AppError::NotFound)?;
    Ok(Download::shown(format!("receipt-{}.pdf", a.number), super::receipt::receipt_pdf(&r, locale)))
}
