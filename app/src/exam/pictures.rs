//! Pictures in questions: a teacher attaches one image (a diagram, a map, a formula) to a
//! question of their bank; every candidate whose paper holds the question sees it.
//!
//! The picture is checked like proctoring evidence (sniffed and fully decoded, JPEG / PNG / WebP
//! only) and kept in the media store under a key named by its content hash, so the same file
//! sent twice is stored once and a replaced picture gets a new address (a browser never shows a
//! stale copy from its cache). Pictures are never public: the bank's owner reads them through
//! `/files/question/{q}`, a candidate (and the teachers and reviewers of the exam's journal)
//! through `/files/attempt/{a}/question/{q}`, which checks that the attempt drew the question.
//!
//! A picture attached, replaced or removed is a new version of the question, like an edit
//! (`store::versions`): an attempt that drew the old version keeps seeing the old picture, and
//! a picture's file is deleted only once no version shows it (so, as versions are kept, the
//! file of a replaced picture stays while its version does).

use crate::error::AppError;
use leptos::prelude::*;

/// Largest picture accepted: a diagram or a photographed formula fits easily, and every
/// candidate of an olympiad downloads it at once.
pub const MAX_PICTURE: usize = 2 * 1024 * 1024;

/// Attaches (or replaces) the picture of one of the caller's questions: a new version of it.
/// Fields: question_id, file. Returns the picture's address (of the new version).
#[server(prefix = "/api", endpoint = "exam/bank/picture", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn set_question_picture(data: leptos::server_fn::codec::MultipartData) -> Result<String, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, MAX_PICTURE).await?;
        let question_id = upload.id("question_id").ok_or(AppError::BadRequest)?;
        let question = ssr::current(&st.db, caller.user_id, question_id).await?;
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let checked = crate::proctor::ingest::check_image(&upload.bytes, false)?;
        let key = ssr::picture_key(question_id, &upload.bytes, checked.ext);
        if let Some((latest, q)) = &question.retried {
            if q.image.as_deref() == Some(key.as_str()) {
                // A retried upload whose first try made the version: nothing to do, nothing to audit.
                return Ok(super::model::bank_picture_url(*latest, &key));
            }
        }
        let question = question.latest()?;
        if question.image.as_deref() == Some(key.as_str()) {
            return Ok(super::model::bank_picture_url(question_id, &key));
        }
        // Stored before the row points at it: a failure after this leaves an unreferenced file,
        // never a question whose picture is missing. The same bytes give the same key.
        st.media.put(&key, upload.bytes).await?;
        let id = ssr::new_version(&st, &caller, question_id, question, Some(key.clone())).await?;
        Ok(super::model::bank_picture_url(id, &key))
    })
    .await
}

/// Takes the picture off one of the caller's questions: a new version without it.
#[server(prefix = "/api", endpoint = "exam/bank/picture/remove")]
pub async fn remove_question_picture(question_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        let question = ssr::current(&st.db, caller.user_id, question_id).await?;
        if question.retried.as_ref().is_some_and(|(_, q)| q.image.is_none()) {
            // A retried removal whose first try made the version.
            return Ok(());
        }
        let question = question.latest()?;
        if question.image.is_none() {
            return Ok(());
        }
        ssr::new_version(&st, &caller, question_id, question, None).await?;
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::auth::ssr::Caller;
    use crate::error::AppError;
    use sqlx::{Any, Transaction};

    use crate::exam::model::Question;

    /// The question a picture change was sent for: the caller's latest version, or, when that
    /// version was replaced already (a retry whose first try got through), its family's latest.
    pub struct Current {
        latest: Option<Question>,
        pub retried: Option<(i64, Question)>,
    }

    impl Current {
        pub fn latest(self) -> Result<Question, AppError> {
            self.latest.ok_or(AppError::NotFound)
        }
    }

    pub async fn current(db: &crate::db::Db, owner_id: i64, question_id: i64) -> Result<Current, AppError> {
        match crate::exam::store::own_question(db, owner_id, question_id).await {
            Ok(q) => Ok(Current { latest: Some(q), retried: None }),
            Err(AppError::NotFound) => match crate::exam::store::latest_of_family(db, owner_id, question_id).await? {
                Some(latest) => Ok(Current { latest: None, retried: Some(latest) }),
                None => Err(AppError::NotFound),
            },
            Err(e) => Err(e),
        }
    }

    /// The next version of `question_id` with picture `image`, audited, in one transaction; its
    /// id. The old version keeps its picture (attempts that drew it still show it); a picture
    /// file goes only when no version shows it.
    pub async fn new_version(
        st: &crate::state::AppState,
        caller: &Caller,
        question_id: i64,
        mut question: Question,
        image: Option<String>,
    ) -> Result<i64, AppError> {
        let before = std::mem::replace(&mut question.image, image.clone());
        let mut tx = st.db.begin().await?;
        let v = crate::exam::store::save_new_version(&mut tx, caller.user_id, question_id, &question, crate::api::now_ms()).await?;
        // save_new_version keeps the replaced version's picture; this version's is the new one.
        crate::exam::store::save_question_body(&mut tx, v.id, &question).await?;
        audit(&mut tx, caller, v.id, before.as_deref(), image.as_deref()).await?;
        tx.commit().await?;
        // New papers draw the new version from their next start on.
        crate::exam::store::forget_bank_exams(&st.db, caller.user_id, &v.subject).await?;
        if let Some(old) = before.filter(|old| Some(old) != image.as_ref()) {
            // Best effort: an old file left behind costs space, not correctness.
            if !crate::exam::store::picture_shared(&st.db, v.id, &old).await? {
                let _ = st.media.delete(&old).await;
            }
        }
        Ok(v.id)
    }

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
