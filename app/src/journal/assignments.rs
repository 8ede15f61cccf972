//! Individual assignments (JRN-5): the teacher gives one to some or all students of the
//! journal's group, tied to a lesson; a student answers with text and a file; the teacher
//! returns it for rework with a comment or marks it, and the mark lands in the journal on that
//! lesson (with its history line), so nothing is entered twice.

pub use super::dto::{Assignment, Submission};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// The assignment's journal, for its teacher only.
    pub async fn teacher_journal(
        db: &crate::db::Db,
        caller: &crate::auth::ssr::Caller,
        assignment_id: i64,
    ) -> Result<(crate::journal::store::JournalRow, i64, String), AppError> {
        let a = crate::journal::store::assignments::assignment_head(db, assignment_id).await?.ok_or(AppError::NotFound)?;
        let j = crate::journal::store::editable(db, caller, a.journal_id).await?;
        Ok((j, a.lesson_id, a.title))
    }
}

/// A journal's assignments with every student's submission.
#[server(prefix = "/api", endpoint = "journal/assignments")]
pub async fn journal_assignments(journal_id: i64) -> Result<Vec<Assignment>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (j, _) = super::store::access(&st.db, &caller, journal_id).await?;
        super::store::assignments::assignments_of_journal(&st.db, j.id).await
    })
    .await
}

/// Gives an assignment on a lesson of the journal to the students listed ("all" for the whole group).
#[server(prefix = "/api", endpoint = "journal/assignment/create")]
pub async fn create_assignment(
    journal_id: i64,
    lesson_id: i64,
    title: String,
    description: String,
    due_date: String,
    students: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let mut fields = crate::error::Fields::new();
        let title = fields.check("title", text(&title, 300, true));
        let description = fields.check("description", text(&description, 5000, false));
        let due = fields.check("due_date", super::semester::Date::parse(&due_date));
        if !super::store::plan::has_lesson(&st.db, j.id, lesson_id).await? {
            fields.add("lesson_id", Msg::ErrRequired);
        }
        let group: Vec<i64> = super::store::students(&st.db, j.group_id).await?.into_iter().map(|s| s.id).collect();
        let chosen: Vec<i64> = if students.trim() == "all" {
            group.clone()
        } else {
            students.split(',').filter_map(|s| s.trim().parse().ok()).filter(|id| group.contains(id)).collect()
        };
        if chosen.is_empty() {
            fields.add("students", Msg::ErrRequired);
        }
        fields.finish()?;
        let (Some(title), Some(description), Some(due)) = (title, description, due) else { return Err(AppError::Internal) };
        let now = crate::api::now_ms();
        let new = super::store::assignments::NewAssignment {
            journal_id: j.id,
            lesson_id,
            title: &title,
            description: &description,
            due_date: due.to_string(),
        };
        let mut tx = st.db.begin().await?;
        let id = super::store::assignments::give_assignment(&mut tx, new, &chosen, now).await?;
        let due_text = due.dotted();
        let told = chosen.iter().map(|s| crate::notify::Event::assignment(*s, id, &j.subject, &title, &due_text)).collect();
        crate::notify::events::events(&mut tx, told).await?;
        let after = serde_json::json!({
            "assignment_id": id, "lesson_id": lesson_id, "title": title, "due_date": due.to_string(), "students": chosen,
        });
        super::api::ssr::record(&mut tx, "journal.assignment.create", &caller, &j, None, after).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

#[cfg(feature = "ssr")]
use super::field_text as text;

/// The teacher's decision on a submission: "rework" with a comment, or "mark" with a mark on
/// the journal's scale, which is written into the journal on the assignment's lesson.
#[server(prefix = "/api", endpoint = "journal/assignment/review")]
pub async fn review_submission(
    assignment_id: i64,
    student_id: i64,
    decision: String,
    comment: String,
    mark: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::journal::model::Cell;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (j, lesson_id, title) = ssr::teacher_journal(&st.db, &caller, assignment_id).await?;
        let comment = text(&comment, 2000, decision == "rework").map_err(|m| AppError::field("comment", m))?;
        super::store::assignments::submission_status(&st.db, assignment_id, student_id).await?.ok_or(AppError::NotFound)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        match decision.as_str() {
            "rework" => {
                super::store::assignments::return_for_rework(&mut tx, assignment_id, student_id, &comment, now).await?;
            }
            "mark" => {
                let m = j.scale.parse_mark(&mark).map_err(|m| AppError::field("mark", m))?;
                super::store::assignments::mark_submission(&mut tx, assignment_id, student_id, &comment, i64::from(m.value()), now).await?;
                let write = super::store::CellWrite {
                    journal_id: j.id,
                    scale: j.scale,
                    lesson_id,
                    student_id,
                    new: Cell::Mark(m),
                    reason: super::model::Reason::Assignment(title.clone()),
                    actor_id: caller.user_id,
                    at: now,
                };
                super::store::write_cells(&mut tx, &[write]).await?;
            }
            _ => return Err(AppError::BadRequest),
        }
        let after = serde_json::json!({
            "assignment_id": assignment_id, "student_id": student_id, "decision": decision, "comment": comment, "mark": mark.trim(),
        });
        super::api::ssr::record(&mut tx, "journal.assignment.review", &caller, &j, None, after).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The signed-in student's assignments, with their own submission only.
#[server(prefix = "/api", endpoint = "journal/assignment/mine")]
pub async fn my_assignments() -> Result<Vec<Assignment>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::assignments::assignments_of_student(&st.db, caller.user_id).await
    })
    .await
}

/// A student's answer: text and an optional file. Sending again replaces the answer (while the
/// assignment is not marked), so a retried upload cannot leave two.
#[server(prefix = "/api", endpoint = "journal/assignment/submit", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn submit_assignment(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, super::model::MAX_ANSWER_FILE).await?;
        let (answer, file_name, bytes) = (upload.fields.get("answer").cloned().unwrap_or_default(), &upload.file_name, &upload.bytes);
        let assignment_id = upload.id("assignment_id").ok_or(AppError::BadRequest)?;
        let status = super::store::assignments::submission_status(&st.db, assignment_id, caller.user_id).await?;
        match status.as_deref() {
            None => return Err(AppError::Forbidden),
            Some("marked") => return Err(AppError::Refused(Msg::ErrAlreadyMarked)),
            _ => {}
        }
        let answer = text(&answer, 20_000, bytes.is_empty()).map_err(|m| AppError::field("answer", m))?;
        let stored = if bytes.is_empty() {
            None
        } else {
            let name = crate::media::safe_name(file_name);
            let key = format!("assignments/{assignment_id}/{}/{name}", caller.user_id);
            st.media.put(&key, bytes.clone()).await?;
            Some((name, key))
        };
        let mut tx = st.db.begin().await?;
        super::store::assignments::hand_in(&mut tx, assignment_id, caller.user_id, &answer, stored.as_ref(), crate::api::now_ms()).await?;
        // The student's own change, answerable like a teacher's: under the journal's group.
        let group = super::store::assignments::group_of_assignment(&mut tx, assignment_id).await?;
        let after = serde_json::json!({
            "student_id": caller.user_id, "answer_chars": answer.chars().count(), "file": stored.as_ref().map(|s| s.0.clone()),
        });
        let entry = crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action: "journal.assignment.submit",
            entity: "assignment",
            entity_id: assignment_id.to_string(),
            org_id: Some(group),
            before: None,
            after: Some(after),
        };
        crate::audit::store::record(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The answer file: for its student and for the journal's teacher or readers.
#[cfg(feature = "ssr")]
pub async fn answer_file(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::ssr::Caller,
    axum::extract::Path((assignment_id, student_id)): axum::extract::Path<(i64, i64)>,
) -> Result<crate::edge::Download, AppError> {
    let file = super::store::assignments::answer_file(&st.db, assignment_id, student_id).await?.ok_or(AppError::NotFound)?;
    if caller.user_id != student_id {
        super::store::access(&st.db, &caller, file.journal_id).await?;
    }
    let bytes = st.media.get(&file.file_media.ok_or(AppError::NotFound)?).await?;
    Ok(crate::edge::Download::uploaded(file.file_name.unwrap_or_else(|| "file".into()), bytes, "application/octet-stream"))
}
