//! The directory's server function: the operator imports the school directory file.

#[cfg(feature = "ssr")]
use super::file::row_errors;
use crate::error::AppError;
use crate::olympiad::model::*;
use leptos::prelude::*;

/// Imports the school directory from XLSX or CSV (layout in `directory/file.rs`), all or nothing:
/// every broken cell comes back as a "row.N.column" field error and nothing is written.
#[server(prefix = "/api", endpoint = "olympiad/directory/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_directory(data: leptos::server_fn::codec::MultipartData) -> Result<ImportReport, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let upload = crate::media::read_upload(data, crate::olympiad::MAX_DIRECTORY_FILE).await?;
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let rows = super::file::parse_directory(&upload.file_name, &upload.bytes).map_err(row_errors)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        // Conflicts with stored organisations are found while writing; the transaction is
        // dropped (rolled back) with them, so a refused file leaves nothing behind.
        let report = super::store::import_directory(&mut tx, &rows, now).await?.map_err(row_errors)?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.directory.import",
                entity: "school_directory",
                entity_id: crate::media::safe_name(&upload.file_name),
                org_id: Some(crate::admin::model::ROOT_ORG_ID),
                before: None,
                after: crate::audit::store::json(&report),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    })
    .await
}
