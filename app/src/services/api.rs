//! Server functions of the e-services. An applicant is any signed-in person (their own
//! applications only); the clerk's work needs `services.manage` over the application's college.
//! The check behind a result's QR code is public.

use super::model::{ApplicationLine, ApplicationView, CheckedDocument, CollegeChoice};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::model::{self, Action, Answers, MovementEffect, ServiceDef, Status};
    use super::super::store;
    use crate::auth::model::Permission;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::i18n::Msg;
    use sqlx::{Any, Transaction};
    use std::collections::HashMap;

    /// A submission as the form sends it: text fields (answers are `f_<name>`) and documents
    /// (`doc_<kind>`), each document checked for size as it streams in.
    pub struct Parts {
        pub fields: HashMap<String, String>,
        pub files: Vec<(String, String, Vec<u8>)>,
    }

    impl Parts {
        pub fn text(&self, name: &str) -> &str {
            self.fields.get(name).map_or("", String::as_str)
        }
        pub fn answers(&self) -> Answers {
            self.fields.iter().filter_map(|(k, v)| k.strip_prefix("f_").map(|n| (n.to_string(), v.clone()))).collect()
        }
    }

    pub async fn read_parts(data: leptos::server_fn::codec::MultipartData) -> Result<Parts, AppError> {
        let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
        let mut parts = Parts { fields: HashMap::new(), files: Vec::new() };
        let mut total = 0usize;
        while let Some(mut field) = multipart.next_field().await.map_err(|_| AppError::BadRequest)? {
            let name = field.name().unwrap_or_default().to_string();
            let is_file = name.starts_with("doc_");
            if !is_file && parts.fields.len() >= crate::media::MAX_TEXT_FIELDS {
                return Err(AppError::BadRequest);
            }
            let file_name = field.file_name().unwrap_or_default().to_string();
            let (limit, msg) =
                if is_file { (model::MAX_FILE, Msg::ErrFileTooLarge) } else { (crate::media::MAX_TEXT_FIELD, Msg::ErrTooLong) };
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
                if bytes.len() + chunk.len() > limit {
                    return Err(AppError::field(&name, msg));
                }
                total += chunk.len();
                if total > model::MAX_UPLOAD {
                    return Err(AppError::field(&name, Msg::ErrFileTooLarge));
                }
                bytes.extend_from_slice(&chunk);
            }
            if is_file {
                // An empty file input sends a part with no name and no bytes: nothing chosen.
                if !bytes.is_empty() || !file_name.is_empty() {
                    parts.files.push((name, file_name, bytes));
                }
            } else {
                parts.fields.insert(name, String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?);
            }
        }
        Ok(parts)
    }

    /// A checked document: (kind, file name, content type, bytes).
    pub type Doc = (&'static str, String, &'static str, Vec<u8>);

    /// Checks the documents against the service: each a kind it asks for, a PDF, JPEG or PNG by
    /// its content; with `all_required`, every required kind present.
    pub fn check_docs(def: &ServiceDef, parts: &mut Parts, all_required: bool, fields: &mut crate::error::Fields) -> Vec<Doc> {
        let mut out: Vec<Doc> = Vec::new();
        let mut sent: Vec<String> = Vec::new();
        for (name, file_name, bytes) in std::mem::take(&mut parts.files) {
            sent.push(name.clone());
            let Some(doc) = name.strip_prefix("doc_").and_then(|k| def.doc(k)) else {
                fields.add(&name, Msg::ErrSvcDocumentKind);
                continue;
            };
            match crate::exam::tickets::sniff_file(&file_name, &bytes) {
                Ok(kind @ ("application/pdf" | "image/jpeg" | "image/png")) => {
                    out.retain(|d| d.0 != doc.kind);
                    out.push((doc.kind, crate::media::safe_name(&file_name), kind, bytes));
                }
                Err(Msg::ErrRequired) => fields.add(&name, Msg::ErrRequired),
                _ => fields.add(&name, Msg::ErrSvcDocumentType),
            }
        }
        if all_required {
            for d in def.docs.iter().filter(|d| d.required) {
                // A document sent but refused has its own error already.
                if !out.iter().any(|o| o.0 == d.kind) && !sent.iter().any(|n| n.strip_prefix("doc_") == Some(d.kind)) {
                    fields.add(&format!("doc_{}", d.kind), Msg::ErrRequired);
                }
            }
        }
        out
    }

    pub fn result_lang(raw: &str, caller_locale: crate::i18n::Locale) -> &'static str {
        match raw.trim() {
            "kk" => "kk",
            "ru" => "ru",
            _ if caller_locale == crate::i18n::Locale::Kk => "kk",
            _ => "ru",
        }
    }

    /// A form (a submission or a correction) checked: its answers and documents, every problem
    /// at its field (`f_<name>`, `doc_<kind>`), with what else the caller checked (`fields`).
    /// Nothing is written; a refusal names every field at once.
    pub struct CheckedForm {
        /// The answers as stored (JSON).
        pub json: String,
        pub docs: Vec<Doc>,
        pub result_lang: &'static str,
        pub now: i64,
        /// The statutory deadline, counted from now.
        pub due: String,
    }

    pub fn check_form(
        def: &ServiceDef,
        parts: &mut Parts,
        all_docs_required: bool,
        mut fields: crate::error::Fields,
    ) -> Result<CheckedForm, AppError> {
        let answers = match def.check(&parts.answers()) {
            Ok(a) => Some(a),
            Err(errors) => {
                for (f, m) in errors {
                    fields.add(&format!("f_{f}"), m);
                }
                None
            }
        };
        let docs = check_docs(def, parts, all_docs_required, &mut fields);
        fields.finish()?;
        let answers = answers.ok_or(AppError::Internal)?;
        let result_lang = result_lang(parts.text("result_lang"), crate::i18n::request_locale(&crate::api::request_parts()?));
        let now = crate::api::now_ms();
        let due = model::due_date(crate::journal::semester::Date::from_epoch_ms(now), def.term).to_string();
        let json = serde_json::to_string(&answers).map_err(|_| AppError::Internal)?;
        Ok(CheckedForm { json, docs, result_lang, now, due })
    }

    /// Stores the documents in the media store and their rows in the transaction; returns the
    /// keys of documents they replaced (deleted after the commit).
    pub async fn store_docs(
        st: &crate::state::AppState,
        tx: &mut Transaction<'_, Any>,
        id: i64,
        docs: Vec<Doc>,
        now: i64,
    ) -> Result<Vec<String>, AppError> {
        let mut replaced = Vec::new();
        for (kind, name, content_type, bytes) in docs {
            let key = format!("services/{id}/{now}-{kind}-{name}");
            let size = bytes.len() as i64;
            st.media.put(&key, bytes).await?;
            let f = store::NewFile { application_id: id, kind, file_name: &name, media_key: &key, content_type, bytes: size, now };
            replaced.extend(store::put_file(tx, &f).await?);
        }
        Ok(replaced)
    }

    /// One step of the status path with its audit row; refused when the path does not allow it
    /// from where the application is.
    pub async fn step(
        tx: &mut Transaction<'_, Any>,
        caller: &Caller,
        row: &store::Row,
        from: Status,
        action: Action,
        comment: &str,
        now: i64,
    ) -> Result<Status, AppError> {
        let to = model::next(from, action).ok_or(AppError::Refused(Msg::ErrSvcTransition))?;
        if !store::set_status(tx, row.id, from, to, comment, now).await? {
            return Err(AppError::Refused(Msg::ErrSvcTransition));
        }
        audit(tx, caller, row, action, from, to, comment).await?;
        Ok(to)
    }

    pub async fn audit(
        tx: &mut Transaction<'_, Any>,
        caller: &Caller,
        row: &store::Row,
        action: Action,
        from: Status,
        to: Status,
        comment: &str,
    ) -> Result<(), AppError> {
        let action_name = format!("service.{}", action.code());
        crate::audit::store::record(
            tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: &action_name,
                entity: store::ENTITY,
                entity_id: row.id.to_string(),
                org_id: Some(row.college_id),
                before: Some(serde_json::json!({ "status": from.code() })),
                after: Some(serde_json::json!({ "status": to.code(), "comment": comment, "service": row.service })),
            },
        )
        .await
    }

    /// The application, if the caller may handle it (services.manage over its college).
    pub async fn require_clerk(db: &Db, caller: &Caller, id: i64) -> Result<store::Row, AppError> {
        let row = store::get(&db.pool, id).await?.ok_or(AppError::NotFound)?;
        caller.require(db, Permission::ServicesManage, row.college_id).await?;
        Ok(row)
    }

    /// What an approval writes on the student card: an academic leave, or a transfer or a
    /// reinstatement into the group the clerk chose, with the membership moved, as the card's
    /// own form does (`records::api::record_movement`), in the approval's transaction.
    pub async fn write_movement(
        tx: &mut Transaction<'_, Any>,
        caller: &Caller,
        row: &store::Row,
        def: &ServiceDef,
        to_group: Option<i64>,
        number: &str,
        now: i64,
    ) -> Result<(), AppError> {
        use crate::records::model::{MovementKind, Standing};
        use crate::records::store as rec;
        let kind = match def.movement {
            MovementEffect::None => return Ok(()),
            MovementEffect::AcademicLeave => MovementKind::AcademicLeave,
            MovementEffect::TransferOrReinstatement => {
                if row.answers().get("kind").map(String::as_str) == Some("reinstatement") {
                    MovementKind::Reinstated
                } else {
                    MovementKind::Transferred
                }
            }
        };
        let student = row.applicant_id;
        let current = rec::student_groups(&mut **tx, student).await?.first().copied();
        let last = rec::last_movement(&mut **tx, student).await?;
        let standing = Standing::after(last.as_ref().and_then(|l| l.kind()));
        let no_record = || AppError::Refused(Msg::ErrSvcNoStudentRecord);
        if !standing.allows(kind) {
            return Err(no_record());
        }
        let to_group = if kind.needs_group() {
            let g = to_group.ok_or(AppError::field("to_group", Msg::ErrRequired))?;
            if rec::college_of(&mut **tx, g).await?.map(|c| c.0) != Some(row.college_id) {
                return Err(AppError::field("to_group", Msg::ErrRecGroupNotInCollege));
            }
            if current == Some(g) {
                return Err(AppError::field("to_group", Msg::ErrRecSameGroup));
            }
            Some(g)
        } else {
            None
        };
        let from_group = match kind {
            MovementKind::AcademicLeave => {
                // Leave is the college's own student's: their group must be one of its groups.
                let g = current.ok_or_else(no_record)?;
                if rec::college_of(&mut **tx, g).await?.map(|c| c.0) != Some(row.college_id) {
                    return Err(no_record());
                }
                Some(g)
            }
            MovementKind::Transferred => Some(current.ok_or_else(no_record)?),
            _ => {
                if current.is_some() || last.is_none() {
                    return Err(no_record());
                }
                None
            }
        };
        if let Some(g) = current {
            rec::leave_group(tx, student, g).await?;
        }
        if let Some(g) = to_group {
            crate::auth::store::grant(tx, student, crate::auth::model::Role::Student, g).await?;
        }
        let on_date = crate::journal::semester::Date::from_epoch_ms(now).to_string();
        let reason = format!("№ {number}");
        let m = rec::NewMovement {
            student_id: student,
            kind,
            on_date: &on_date,
            from_group,
            to_group,
            reason: &reason,
            recorded_by: caller.user_id,
            recorded_at: now,
        };
        rec::add_movement(tx, &m).await?;
        crate::audit::store::record(
            tx,
            crate::audit::store::Entry::user("student.movement", Some(caller.user_id), &caller.ip, student)
                .org(Some(row.college_id))
                .before(serde_json::json!({ "standing": format!("{standing:?}"), "group_id": current }))
                .after(serde_json::json!({ "kind": kind.code(), "on_date": on_date, "from_group": from_group,
                    "to_group": to_group, "reason": reason, "application": row.id })),
        )
        .await
    }

    /// The result's number: the year and the application's id.
    pub fn result_number(id: i64, now: i64) -> String {
        let year = crate::journal::semester::Date::from_epoch_ms(now).to_string()[..4].to_string();
        format!("{year}-{id:06}")
    }
}

/// The colleges an application may go to; the caller's own college (where they study) first.
#[server(prefix = "/api", endpoint = "services/colleges")]
pub async fn service_colleges() -> Result<Vec<CollegeChoice>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let own = super::store::student_colleges(&st.db, caller.user_id).await?;
        let mut all: Vec<CollegeChoice> =
            super::store::colleges(&st.db).await?.into_iter().map(|(id, name)| CollegeChoice { id, name }).collect();
        all.sort_by_key(|c| !own.contains(&c.id));
        Ok(all)
    })
    .await
}

/// Submits an application (multipart: `service`, `college_id`, `request_key`, `result_lang`,
/// answers as `f_<field>`, documents as `doc_<kind>`). Everything is checked before anything is
/// written; the application, its documents and its audit row are written in one transaction. A
/// submit sent again with the same request key (a retry) returns the first application.
#[server(prefix = "/api", endpoint = "services/submit", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn submit_application(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::Status;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut parts = ssr::read_parts(data).await?;
        let def = super::model::service(parts.text("service")).ok_or(AppError::field("service", Msg::ErrSvcChoice))?;
        let key = parts.text("request_key").trim().to_string();
        if !crate::proctor::wire::valid_key(&key) {
            return Err(AppError::BadRequest);
        }
        // A retry finds the first application before anything is checked again (a plain read:
        // no write transaction, which on SQLite would hold the one writer for nothing).
        if let Some(id) = super::store::by_request_key(&st.db.pool, caller.user_id, &key).await? {
            return Ok(id);
        }
        let mut fields = crate::error::Fields::new();
        let college_id: Option<i64> = parts.text("college_id").trim().parse().ok();
        let college_ok = match college_id {
            Some(c) => super::store::is_college(&st.db, c).await?,
            None => false,
        };
        if !college_ok {
            fields.add("college_id", Msg::ErrUnknownOrganisation);
        }
        let form = ssr::check_form(def, &mut parts, true, fields)?;
        let college_id = college_id.ok_or(AppError::Internal)?;
        let now = form.now;
        let mut tx = st.db.begin().await?;
        // One submit of a person at a time (PostgreSQL; SQLite's writer already is one): the same
        // form sent twice at once finds the first application instead of failing on its key.
        st.db.lock_row(&mut tx, "users", caller.user_id).await?;
        if let Some(id) = super::store::by_request_key(&mut *tx, caller.user_id, &key).await? {
            return Ok(id);
        }
        let new = super::store::NewApplication {
            service: def.code,
            applicant_id: caller.user_id,
            college_id,
            request_key: &key,
            fields: &form.json,
            result_lang: form.result_lang,
            due_on: &form.due,
            now,
        };
        let id = super::store::insert(&mut tx, &new).await?;
        ssr::store_docs(&st, &mut tx, id, form.docs, now).await?;
        let row = super::store::get(&mut *tx, id).await?.ok_or(AppError::Internal)?;
        ssr::audit(&mut tx, &caller, &row, super::model::Action::Submit, Status::Submitted, Status::Submitted, "").await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// The applicant's correction of a returned application (multipart: `id`, `request_key`,
/// `result_lang`, answers `f_<field>`, documents `doc_<kind>` that replace those of their kind).
/// The statutory term counts again from the correction. The same correction sent again (its
/// request key) changes nothing.
#[server(prefix = "/api", endpoint = "services/resubmit", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn resubmit_application(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::{Action, Status};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut parts = ssr::read_parts(data).await?;
        let id: i64 = parts.text("id").trim().parse().map_err(|_| AppError::BadRequest)?;
        let key = parts.text("request_key").trim().to_string();
        if !crate::proctor::wire::valid_key(&key) {
            return Err(AppError::BadRequest);
        }
        let row = super::store::get(&st.db.pool, id).await?.ok_or(AppError::NotFound)?;
        if row.applicant_id != caller.user_id {
            return Err(AppError::Forbidden);
        }
        if row.last_key == key {
            return Ok(id);
        }
        let def = super::model::service(&row.service).ok_or(AppError::Internal)?;
        let form = ssr::check_form(def, &mut parts, false, crate::error::Fields::new())?;
        let now = form.now;
        let mut tx = st.db.begin().await?;
        let row = super::store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
        if row.last_key == key {
            return Ok(id);
        }
        let from = row.status()?;
        if from != Status::Returned {
            return Err(AppError::Refused(Msg::ErrSvcTransition));
        }
        ssr::step(&mut tx, &caller, &row, from, Action::Resubmit, "", now).await?;
        super::store::correct(&mut tx, id, &form.json, form.result_lang, &form.due, &key).await?;
        let replaced = ssr::store_docs(&st, &mut tx, id, form.docs, now).await?;
        tx.commit().await?;
        for k in replaced {
            let _ = st.media.delete(&k).await;
        }
        Ok(id)
    })
    .await
}

/// The applicant withdraws their own application before it is decided (submitted, under review,
/// returned or corrected): it leaves the clerk's queue and no result is issued. Anyone else is
/// refused; the same withdrawal sent again changes nothing.
#[server(prefix = "/api", endpoint = "services/cancel")]
pub async fn cancel_application(id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::{Action, Status};
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        // A missing application is refused like another's: ids tell nothing.
        let row = super::store::get(&st.db.pool, id).await?.ok_or(AppError::Forbidden)?;
        if row.applicant_id != caller.user_id {
            return Err(AppError::Forbidden);
        }
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        st.db.lock_row(&mut tx, "service_applications", id).await?;
        let row = super::store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
        let from = row.status()?;
        if from == Status::Withdrawn && row.result_number.is_none() {
            // Withdrawn by the applicant already (a retry, a second tab).
            return Ok(());
        }
        ssr::step(&mut tx, &caller, &row, from, Action::Cancel, "", now).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The caller's applications, newest first.
#[server(prefix = "/api", endpoint = "services/mine")]
pub async fn my_applications() -> Result<Vec<ApplicationLine>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let today = crate::journal::semester::Date::from_epoch_ms(crate::api::now_ms());
        super::store::of_applicant(&st.db, caller.user_id).await?.iter().map(|r| r.line(today)).collect()
    })
    .await
}

/// An application: for its applicant, or a clerk of its college.
#[server(prefix = "/api", endpoint = "services/application")]
pub async fn get_application(id: i64) -> Result<ApplicationView, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        // A missing application is refused like another's: ids tell nothing.
        let row = super::store::get(&st.db.pool, id).await?.ok_or(AppError::Forbidden)?;
        let mine = row.applicant_id == caller.user_id;
        let clerk = caller.require(&st.db, Permission::ServicesManage, row.college_id).await.is_ok();
        if !mine && !clerk {
            return Err(AppError::Forbidden);
        }
        let today = crate::journal::semester::Date::from_epoch_ms(crate::api::now_ms());
        let groups = if clerk {
            crate::records::store::group_choices(&st.db, row.college_id).await?.into_iter().map(|g| (g.id, g.name)).collect()
        } else {
            Vec::new()
        };
        Ok(ApplicationView {
            line: row.line(today)?,
            college_id: row.college_id,
            answers: row.answers(),
            result_lang: row.result_lang.clone(),
            files: super::store::files(&st.db, id).await?,
            history: super::store::history(&st.db, id).await?,
            mine,
            clerk,
            groups,
        })
    })
    .await
}

/// The clerk's queue: applications to the colleges of the caller's services.manage scope, the
/// nearest deadline first; `service` and `status` ("" for any) filter it.
#[server(prefix = "/api", endpoint = "services/queue")]
pub async fn service_queue(service: String, status: String) -> Result<Vec<ApplicationLine>, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::ServicesManage)?;
        let st = crate::api::state()?;
        let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(Permission::ServicesManage)).await?;
        let today = crate::journal::semester::Date::from_epoch_ms(crate::api::now_ms());
        let mut out = Vec::new();
        for r in super::store::of_colleges(&st.db, &scope).await? {
            if (!service.is_empty() && r.service != service) || (!status.is_empty() && r.status != status) {
                continue;
            }
            out.push(r.line(today)?);
        }
        Ok(out)
    })
    .await
}

/// The clerk's decision on one application: `take` under review, `return` for a correction
/// (`comment` required), `approve` (the result is issued at once; a transfer or reinstatement
/// names the group, `to_group`), `refuse` (`comment`, the reason, required), `withdraw` an
/// issued result (`comment` required). Anything the status path does not allow is refused.
#[server(prefix = "/api", endpoint = "services/act")]
pub async fn act_on_application(id: i64, action: String, comment: String, #[server(default)] to_group: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::Action;
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::ServicesManage)?;
        let st = crate::api::state()?;
        let row = ssr::require_clerk(&st.db, &caller, id).await?;
        let action = match action.as_str() {
            "take" => Action::Take,
            "return" => Action::Return,
            "approve" => Action::Approve,
            "refuse" => Action::Refuse,
            "withdraw" => Action::Withdraw,
            _ => return Err(AppError::BadRequest),
        };
        let comment = comment.trim().to_string();
        if action.needs_comment() && comment.is_empty() {
            return Err(AppError::field("comment", Msg::ErrSvcCommentRequired));
        }
        if comment.chars().count() > super::model::MAX_TEXT {
            return Err(AppError::field("comment", Msg::ErrTooLong));
        }
        let def = super::model::service(&row.service).ok_or(AppError::Internal)?;
        let to_group: Option<i64> = to_group.trim().parse().ok().filter(|g| *g > 0);
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        st.db.lock_row(&mut tx, "service_applications", id).await?;
        // Read again inside the transaction: two clerks at once go one after the other.
        let row = super::store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
        let from = row.status()?;
        let to = ssr::step(&mut tx, &caller, &row, from, action, &comment, now).await?;
        if action == Action::Return {
            // The applicant's turn: they hear what to correct by the channels they chose.
            let what = crate::notify::events::Arg::Msg(def.name);
            let told = crate::notify::Event::returned(row.applicant_id, &format!("service:{id}"), now, what, &id.to_string(), &comment);
            crate::notify::event(&mut tx, told).await?;
        }
        if action == Action::Approve || action == Action::Refuse {
            let number = ssr::result_number(id, now);
            if !super::store::set_result(&mut tx, id, &number, &crate::auth::ssr::random_token(), now).await? {
                return Err(AppError::Refused(Msg::ErrSvcTransition));
            }
            if action == Action::Approve {
                ssr::write_movement(&mut tx, &caller, &row, def, to_group, &number, now).await?;
                ssr::step(&mut tx, &caller, &row, to, Action::Issue, "", now).await?;
            }
            // The applicant is told that the result (the document, or the refusal with its
            // reason) is ready, by the channels they chose; once per application.
            crate::notify::service_result_ready(&mut tx, row.applicant_id, id, def.name, &number).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Takes several new or corrected applications under review at once (the safe bulk action:
/// nothing is decided). Applications not waiting to be taken are left as they are. Returns how
/// many were taken.
#[server(prefix = "/api", endpoint = "services/take", input = leptos::server_fn::codec::Json)]
pub async fn take_applications(ids: Vec<i64>) -> Result<usize, AppError> {
    crate::api::respond(async move {
        use super::model::{Action, Status};
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::ServicesManage)?;
        let st = crate::api::state()?;
        if ids.len() > 500 {
            return Err(AppError::BadRequest);
        }
        for id in &ids {
            ssr::require_clerk(&st.db, &caller, *id).await?;
        }
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let mut taken = 0;
        for id in ids {
            st.db.lock_row(&mut tx, "service_applications", id).await?;
            let row = super::store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
            let from = row.status()?;
            if matches!(from, Status::Submitted | Status::Resubmitted) {
                ssr::step(&mut tx, &caller, &row, from, Action::Take, "", now).await?;
                taken += 1;
            }
        }
        tx.commit().await?;
        Ok(taken)
    })
    .await
}

/// The public check behind a result's QR code: the document the code names. A refused or
/// withdrawn one is shown as not valid.
#[server(prefix = "/api", endpoint = "services/verify")]
pub async fn verify_service_document(code: String) -> Result<CheckedDocument, AppError> {
    crate::api::respond(async move {
        use super::model::Status;
        let st = crate::api::state()?;
        if code.len() > 100 || code.trim().is_empty() {
            return Err(AppError::NotFound);
        }
        let r = super::store::by_code(&st.db, code.trim()).await?.ok_or(AppError::NotFound)?;
        let status = r.status()?;
        Ok(CheckedDocument {
            number: r.result_number.clone().unwrap_or_default(),
            service: r.service.clone(),
            person: super::model::mask_name(&r.applicant),
            college: r.college.clone(),
            issued_at: r.result_at.unwrap_or(0),
            status,
            valid: status == Status::Issued,
        })
    })
    .await
}
