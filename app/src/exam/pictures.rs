//! Pictures in questions: a teacher attaches one image (a diagram, a map, a formula) to a
//! question of their bank; every candidate whose paper holds the question sees it.
//!
//! The picture is checked like proctoring evidence (sniffed and fully decoded, JPEG / PNG / WebP
//! only) and kept in the media store under a key named by its content hash, so the same file
//! sent twice is stored once and a replaced picture gets a new address (a browser never shows a
//! stale copy from its cache). Pictures are never public: the bank's owner reads them through
//! `/files/question/{q}`, a candidate (and the teachers and reviewers of the exam's journal)
//! through `/files/attempt/{a}/question/{q}`, which checks that the attempt drew the question.

use crate::error::AppError;
use leptos::prelude::*;

/// Largest picture accepted: a diagram or a photographed formula fits easily, and every
/// candidate of an olympiad downloads it at once.
pub const MAX_PICTURE: usize = 2 * 1024 * 1024;

/// Attaches (or replaces) the picture of one of the caller's questions.
/// Fields: question_id, file. Returns the picture's address.
#[server(prefix = "/api", endpoint = "exam/bank/picture", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn set_question_picture(data: leptos::server_fn::codec::MultipartData) -> Result<String, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, MAX_PICTURE).await?;
        let question_id = upload.id("question_id").ok_or(AppError::BadRequest)?;
        let mut question = super::store::own_question(&st.db, caller.user_id, question_id).await?;
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let checked = crate::proctor::ingest::check_image(&upload.bytes, false)?;
        let key = ssr::picture_key(question_id, &upload.bytes, checked.ext);
        if question.image.as_deref() == Some(key.as_str()) {
            // A retried upload of the picture it already has: nothing to do, nothing to audit.
            return Ok(super::model::bank_picture_url(question_id, &key));
        }
        // Stored before the row points at it: a failure after this leaves an unreferenced file,
        // never a question whose picture is missing. The same bytes give the same key.
        st.media.put(&key, upload.bytes).await?;
        let before = question.image.replace(key.clone());
        let mut tx = st.db.begin().await?;
        super::store::save_question_body(&mut tx, question_id, &question).await?;
        ssr::audit(&mut tx, &caller, question_id, before.as_deref(), Some(&key)).await?;
        tx.commit().await?;
        // This node reads the new body at once; another within its cache time (store::attempt::QUESTIONS).
        super::store::forget_question(&st.db, question_id);
        if let Some(old) = before.filter(|old| *old != key) {
            // Best effort: an old file left behind costs space, not correctness. Another version
            // of the question (drawn by some attempt) may still show it.
            if !super::store::picture_shared(&st.db, question_id, &old).await? {
                let _ = st.media.delete(&old).await;
            }
        }
        Ok(super::model::bank_picture_url(question_id, &key))
    })
    .await
}

/// Takes the picture off one of the caller's questions.
#[server(prefix = "/api", endpoint = "exam/bank/picture/remove")]
pub async fn remove_question_picture(question_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        let mut question = super::store::own_question(&st.db, caller.user_id, question_id).await?;
        let Some(old) = question.image.take() else { return Ok(()) };
        let mut tx = st.db.begin().await?;
        super::store::save_question_body(&mut tx, question_id, &question).await?;
        ssr::audit(&mut tx, &caller, question_id, Some(&old), None).await?;
        tx.commit().await?;
        // This node reads the new body at once; another within its cache time (store::attempt::QUESTIONS).
        super::store::forget_question(&st.db, question_id);
        // Earlier versions keep their picture: attempts that drew them still show it.
        if !super::store::picture_shared(&st.db, question_id, &old).await? {
            let _ = st.media.delete(&old).await;
        }
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::auth::ssr::Caller;
    use crate::error::AppError;
    use sqlx::{Any, Transaction};

    pub fn picture_key(question_id: i64, bytes: &[u8], ext: &str) -> String {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(bytes);
        let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("questions/{question_id}/{hex}.{ext}")
    }

    pub async fn audit(
        tx: &mut Transaction<'_, Any>,
        caller: &Caller,
        question_id: i64,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<(), AppError> {
        crate::audit::store::record(
            tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.question.picture",
                entity: "exam_question",
                entity_id: question_id.to_string(),
                org_id: None,
                before: before.map(|k| serde_json::json!({ "image": k })),
                after: after.map(|k| serde_json::json!({ "image": k })),
            },
        )
        .await?;
        Ok(())
    }
}

#[cfg(feature = "ssr")]
pub fn routes() -> crate::edge::Routes {
    crate::edge::Routes::new()
        .get("/files/question/{question}", bank_picture)
        .get("/files/attempt/{attempt}/question/{question}", paper_picture)
}

#[cfg(feature = "ssr")]
async fn bank_picture(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::ssr::Caller,
    axum::extract::Path(question_id): axum::extract::Path<i64>,
) -> Result<crate::edge::Download, AppError> {
    let q = super::store::own_question(&st.db, caller.user_id, question_id).await?;
    serve(&st, q.image).await
}

#[cfg(feature = "ssr")]
async fn paper_picture(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::ssr::Caller,
    axum::extract::Path((attempt_id, question_id)): axum::extract::Path<(i64, i64)>,
) -> Result<crate::edge::Download, AppError> {
    let a = super::store::readable_attempt(&st.db, &caller, attempt_id).await?;
    // Only a question this attempt drew: an attempt is not a key to the whole bank.
    if !a.paper.iter().any(|(id, _)| *id == question_id) {
        return Err(AppError::NotFound);
    }
    serve(&st, super::store::question_picture(&st.db, question_id).await?).await
}

/// The picture with the type its content is. The address carries the content's version, so a
/// day in the candidate's own cache is safe, and spares the server a second download per page
/// reload.
#[cfg(feature = "ssr")]
async fn serve(st: &crate::state::AppState, key: Option<String>) -> Result<crate::edge::Download, AppError> {
    let bytes = st.media.get(&key.ok_or(AppError::NotFound)?).await?;
    let kind = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    };
    Ok(crate::edge::Download::image(kind, bytes, "private, max-age=86400"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_carry_the_pictures_version() {
        assert_eq!(super::super::model::paper_picture_url(7, 31, "questions/31/0a1b2c.png"), "/files/attempt/7/question/31?v=0a1b2c");
        assert_eq!(super::super::model::bank_picture_url(31, "questions/31/0a1b2c.webp"), "/files/question/31?v=0a1b2c");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_same_bytes_give_the_same_key() {
        let a = ssr::picture_key(5, b"one", "png");
        assert_eq!(a, ssr::picture_key(5, b"one", "png"));
        assert_ne!(a, ssr::picture_key(5, b"two", "png"));
        assert!(a.starts_with("questions/5/") && a.ends_with(".png"));
    }
}
