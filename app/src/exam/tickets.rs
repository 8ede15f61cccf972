//! The ticket form (EXM-3): the teacher writes the exam's tickets, each candidate draws one at
//! random when starting, writes the answer in the browser (autosaved like test answers) and
//! attaches files; the teacher grades it with a comment (`grading`).
//!
//! Attached files are checked twice: by size as they stream in, and by content (the first bytes
//! must be those of an accepted format, whatever the name says), so a renamed executable or a
//! web page cannot reach the teacher's computer as "answer.pdf".

use super::dto::AttachedFile;
use crate::error::AppError;
use crate::i18n::Msg;
use leptos::prelude::*;

pub use super::model::TICKET_ANSWER;

/// Largest attached file.
pub const MAX_TICKET_FILE: usize = 10 * 1024 * 1024;
/// Files one candidate may attach to a ticket.
pub const MAX_TICKET_FILES: i64 = 5;
/// Tickets of one exam, and the length of one.
pub const MAX_TICKETS: usize = 300;
pub const MAX_TICKET_CHARS: usize = 5_000;

/// The tickets as the teacher types them: separated by a line of three (or more) dashes.
/// Numbers are given in this order, starting at 1.
pub fn parse_tickets(text: &str) -> Result<Vec<String>, Msg> {
    let mut tickets = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.len() >= 3 && trimmed.chars().all(|c| c == '-') {
            tickets.push(std::mem::take(&mut current));
        } else {
            current.push_str(line.trim_end());
            current.push('\n');
        }
    }
    tickets.push(current);
    let tickets: Vec<String> = tickets.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    if tickets.is_empty() {
        return Err(Msg::ErrTicketsRequired);
    }
    if tickets.len() > MAX_TICKETS || tickets.iter().any(|t| t.chars().count() > MAX_TICKET_CHARS) {
        return Err(Msg::ErrTooLong);
    }
    Ok(tickets)
}

/// The accepted formats by their first bytes: PDF, JPEG, PNG, WebP, Office Open XML and
/// OpenDocument (zip containers, told apart by the name), and plain UTF-8 text. Returns the
/// content type the file is served with.
pub fn sniff_file(name: &str, bytes: &[u8]) -> Result<&'static str, Msg> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        return Err(Msg::ErrRequired);
    }
    if starts(b"%PDF-") {
        return Ok("application/pdf");
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok("image/jpeg");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if bytes.len() > 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok("image/webp");
    }
    if starts(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "xlsx" => Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "pptx" => Ok("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            "odt" => Ok("application/vnd.oasis.opendocument.text"),
            "ods" => Ok("application/vnd.oasis.opendocument.spreadsheet"),
            _ => Err(Msg::ErrFileType),
        };
    }
    let text_like = matches!(ext.as_str(), "txt" | "md" | "csv" | "py" | "rs" | "c" | "cpp" | "java" | "js" | "sql" | "pas");
    if text_like && std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
        return Ok("text/plain; charset=utf-8");
    }
    Err(Msg::ErrFileType)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::Db;
    pub use crate::exam::store::tickets::{files, insert_tickets, media_key, paper};

    /// An audit line about a candidate's file, under the exam's group (so the college's
    /// administration reads it with the rest of the exam's rows).
    pub(crate) async fn record_file(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        caller: &crate::auth::ssr::Caller,
        a: &super::super::store::AttemptRow,
        action: &str,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        let group = crate::exam::store::group_of_exam(tx, a.exam_id).await?;
        let entry = crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action,
            entity: "exam_attempt",
            entity_id: a.id.to_string(),
            org_id: group,
            before: None,
            after: Some(after),
        };
        crate::audit::store::record(tx, entry).await
    }

    /// The caller's own open ticket attempt (files change only while it runs).
    pub(crate) async fn open_ticket_attempt(
        db: &Db,
        caller: &crate::auth::ssr::Caller,
        attempt_id: i64,
    ) -> Result<super::super::store::AttemptRow, AppError> {
        let a = super::super::store::own_attempt(db, caller, attempt_id, crate::api::now_ms()).await?;
        if a.ticket_id.is_none() {
            return Err(AppError::NotFound);
        }
        if a.submitted_at.is_some() {
            return Err(AppError::Refused(Msg::ErrTimeUp));
        }
        Ok(a)
    }
}

/// Attaches a file to the caller's ticket answer. Fields: attempt_id, file. The same name again
/// replaces the file (a retried upload leaves one copy).
#[server(prefix = "/api", endpoint = "exam/ticket/file", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn attach_ticket_file(data: leptos::server_fn::codec::MultipartData) -> Result<Vec<AttachedFile>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, MAX_TICKET_FILE).await?;
        let attempt_id = upload.id("attempt_id").ok_or(AppError::BadRequest)?;
        let a = ssr::open_ticket_attempt(&st.db, &caller, attempt_id).await?;
        sniff_file(&upload.file_name, &upload.bytes).map_err(|m| AppError::field("file", m))?;
        let name = crate::media::safe_name(&upload.file_name);
        let existing = ssr::files(&st.db, a.id).await?;
        if !existing.iter().any(|f| f.name == name) && existing.len() as i64 >= MAX_TICKET_FILES {
            return Err(AppError::field("file", Msg::ErrTooManyFiles));
        }
        let key = ssr::media_key(a.id, &name);
        st.media.put(&key, upload.bytes.clone()).await?;
        let mut tx = st.db.begin().await?;
        super::store::tickets::save_file(&mut tx, a.id, &name, &key, upload.bytes.len() as i64, crate::api::now_ms()).await?;
        ssr::record_file(&mut tx, &caller, &a, "exam.ticket.file.attach", serde_json::json!({ "file": name, "bytes": upload.bytes.len() }))
            .await?;
        tx.commit().await?;
        ssr::files(&st.db, a.id).await
    })
    .await
}

/// Removes one of the caller's attached files while the attempt runs.
#[server(prefix = "/api", endpoint = "exam/ticket/file/remove")]
pub async fn remove_ticket_file(attempt_id: i64, name: String) -> Result<Vec<AttachedFile>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let a = ssr::open_ticket_attempt(&st.db, &caller, attempt_id).await?;
        let key = super::store::tickets::file_key(&st.db, a.id, &name).await?.ok_or(AppError::NotFound)?;
        let mut tx = st.db.begin().await?;
        super::store::tickets::delete_file(&mut tx, a.id, &name).await?;
        ssr::record_file(&mut tx, &caller, &a, "exam.ticket.file.remove", serde_json::json!({ "file": name })).await?;
        tx.commit().await?;
        st.media.delete(&key).await?;
        ssr::files(&st.db, a.id).await
    })
    .await
}

/// "/files/exam/{attempt}/{name}": an attached file, for its candidate and for the teacher or
/// readers of the exam's journal. Served as a download with the type its content was checked as.
#[cfg(feature = "ssr")]
pub fn routes() -> crate::edge::Routes {
    crate::edge::Routes::new().get("/files/exam/{attempt}/{name}", attached_file)
}

#[cfg(feature = "ssr")]
async fn attached_file(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::ssr::Caller,
    axum::extract::Path((attempt_id, name)): axum::extract::Path<(i64, String)>,
) -> Result<crate::edge::Download, AppError> {
    super::store::readable_attempt(&st.db, &caller, attempt_id).await?;
    let key = super::store::tickets::file_key(&st.db, attempt_id, &name).await?;
    let bytes = st.media.get(&key.ok_or(AppError::NotFound)?).await?;
    Ok(checked_download(name, bytes))
}

/// An uploaded file served as a download, with the type its content is checked as (never the
/// type its uploader claimed), so a browser cannot be made to run it as a page.
#[cfg(feature = "ssr")]
pub fn checked_download(name: String, bytes: Vec<u8>) -> crate::edge::Download {
    let kind = sniff_file(&name, &bytes).unwrap_or("application/octet-stream");
    crate::edge::Download::uploaded(name, bytes, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_split_by_dash_lines() {
        let t = parse_tickets("1. Реляциялық модель\n2. SQL JOIN\n---\n1. Индекстер\n\n2. Транзакциялар\n-----\n\n---\n").unwrap();
        assert_eq!(t, vec!["1. Реляциялық модель\n2. SQL JOIN".to_string(), "1. Индекстер\n\n2. Транзакциялар".to_string()]);
        assert_eq!(parse_tickets("  \n---\n"), Err(Msg::ErrTicketsRequired));
        assert_eq!(parse_tickets(&"x".repeat(MAX_TICKET_CHARS + 1)), Err(Msg::ErrTooLong));
        // Two dashes are text (a dash in a formula), not a separator.
        assert_eq!(parse_tickets("a\n--\nb").unwrap().len(), 1);
    }

    #[test]
    fn files_are_judged_by_content_not_name() {
        assert_eq!(sniff_file("жауап.pdf", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(sniff_file("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok("image/jpeg"));
        assert_eq!(sniff_file("a.png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), Ok("image/png"));
        assert!(sniff_file("a.docx", b"PK\x03\x04rest").is_ok());
        assert_eq!(sniff_file("a.zip", b"PK\x03\x04rest"), Err(Msg::ErrFileType));
        assert_eq!(sniff_file("notes.txt", "Жауап: 42".as_bytes()), Ok("text/plain; charset=utf-8"));
        // A program or a web page renamed to an accepted name is refused.
        assert_eq!(sniff_file("answer.pdf", b"MZ\x90\0\x03"), Err(Msg::ErrFileType));
        assert_eq!(sniff_file("answer.html", b"<html><script>"), Err(Msg::ErrFileType));
        assert_eq!(sniff_file("bin.txt", b"a\0b"), Err(Msg::ErrFileType));
        assert_eq!(sniff_file("empty.pdf", b""), Err(Msg::ErrRequired));
    }
}
