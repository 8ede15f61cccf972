//! Server functions of student records. Every one needs `records.manage` (a college's
//! director, the administrator) over the college, group or student it touches: a caller
//! reaches only their own subtree.

use super::model::{CollegeGroups, GroupLine, StudentCard, StudentLine};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A group's page of the records: where it is, its profile and its students.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStudents {
    pub group: GroupLine,
    pub college: String,
    pub students: Vec<StudentLine>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::auth::model::Permission;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::error::AppError;

    /// The student's group now, or else the group of their last movement: where their record
    /// belongs, and so whose records.manage reaches it. None for an account that is no student.
    pub async fn record_group(db: &Db, student_id: i64) -> Result<Option<(Option<i64>, i64)>, AppError> {
        let current = super::super::store::student_groups(&db.pool, student_id).await?.first().copied();
        if let Some(g) = current {
            return Ok(Some((Some(g), g)));
        }
        let last = super::super::store::last_movement(&db.pool, student_id).await?;
        Ok(last.and_then(|l| l.group()).map(|g| (None, g)))
    }

    /// Refuses unless the caller keeps the records of this student's group (the same refusal for
    /// an account that is no student, so ids outside the scope tell nothing).
    pub async fn require_student(db: &Db, caller: &Caller, student_id: i64) -> Result<(Option<i64>, i64), AppError> {
        let Some((current, group)) = record_group(db, student_id).await? else { return Err(AppError::Forbidden) };
        caller.require(db, Permission::RecordsManage, group).await?;
        Ok((current, group))
    }
}

/// The colleges of the caller's scope with their groups.
#[server(prefix = "/api", endpoint = "records/colleges")]
pub async fn list_colleges() -> Result<Vec<CollegeGroups>, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(Permission::RecordsManage)).await?;
        let mut out = Vec::new();
        for (id, name) in super::store::colleges_among(&st.db, &scope).await? {
            let groups = super::store::groups_of(&st.db, id).await?;
            out.push(CollegeGroups { id, name, groups });
        }
        Ok(out)
    })
    .await
}

/// A group's students.
#[server(prefix = "/api", endpoint = "records/group")]
pub async fn students_of_group(group_id: i64) -> Result<GroupStudents, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        caller.require(&st.db, Permission::RecordsManage, group_id).await?;
        let (college_id, college) = super::store::college_of(&st.db.pool, group_id).await?.ok_or(AppError::NotFound)?;
        let group = super::store::groups_of(&st.db, college_id).await?.into_iter().find(|g| g.id == group_id).ok_or(AppError::NotFound)?;
        let students = super::store::students_of(&st.db, group_id).await?;
        Ok(GroupStudents { group, college, students })
    })
    .await
}

/// Imports students and groups into a college from XLSX or CSV (layout in `records/file.rs`).
/// Fields: `college_id`, `dry_run` (anything but "false" only reports), `file`. Every row is
/// checked, against the file and against what is stored, before anything is written: a file
/// with any problem comes back as "row.N.column" field errors and writes nothing. Applied,
/// everything is written in one transaction with one audit row; new students get an
/// invitation code by email or SMS, as an administrator's invitation.
#[server(prefix = "/api", endpoint = "records/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_students(data: leptos::server_fn::codec::MultipartData) -> Result<super::model::ImportReport, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, super::file::MAX_FILE).await?;
        let college_id = upload.id("college_id").ok_or(AppError::field("college_id", Msg::ErrUnknownOrganisation))?;
        let dry_run = upload.fields.get("dry_run").is_none_or(|v| v.trim() != "false");
        caller.require(&st.db, Permission::RecordsManage, college_id).await?;
        if crate::admin::store::kind_of(&st.db, college_id).await? != Some(crate::admin::model::OrgKind::College) {
            return Err(AppError::field("college_id", Msg::ErrUnknownOrganisation));
        }
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let to_fields = |errors: Vec<super::file::RowError>| {
            AppError::Invalid(errors.into_iter().map(|(field, msg)| crate::error::FieldError { field, msg }).collect())
        };
        let rows = super::file::parse_students(&upload.file_name, &upload.bytes).map_err(to_fields)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        // One import of a college at a time (the same file sent twice at once): the second
        // plans after the first committed and finds its groups and students. A preview takes
        // the lock too, so that it reads what an import running now will have written.
        st.db.lock_row(&mut tx, "organisations", college_id).await?;
        // The importer's scope is read under the lock too: the groups an import just made are
        // in it, so the students it put there are found as the college's own.
        let roots = caller.scope_roots(Permission::RecordsManage);
        let scope = crate::admin::store::subtree(&st.db, &roots).await?;
        let importer = super::import::Importer {
            user_id: caller.user_id,
            ip: &caller.ip,
            scope: &scope,
            everyone: roots.contains(&crate::admin::model::ROOT_ORG_ID),
        };
        let (mut report, accounts) = super::import::plan(&mut tx, &importer, college_id, &rows).await?.map_err(to_fields)?;
        report.dry_run = dry_run;
        if dry_run || report.changes() == 0 {
            // Nothing to write: the transaction only read, and is dropped.
            return Ok(report);
        }
        super::import::apply(&mut tx, &importer, college_id, &rows, &accounts, &upload.file_name, now).await?;
        tx.commit().await?;
        Ok(report)
    })
    .await
}

/// The student card: the student, their group and its profile, and every movement.
#[server(prefix = "/api", endpoint = "records/student")]
pub async fn get_student_card(student_id: i64) -> Result<StudentCard, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        let (current, group) = ssr::require_student(&st.db, &caller, student_id).await?;
        let (iin, full_name) = super::store::person(&st.db, student_id).await?.ok_or(AppError::NotFound)?;
        let birth_date = crate::auth::iin::Iin::parse(&iin).ok().map(|i| {
            let b = i.birth_date();
            format!("{:02}.{:02}.{:04}", b.day, b.month, b.year)
        });
        let (college_id, college) = super::store::college_of(&st.db.pool, group).await?.ok_or(AppError::NotFound)?;
        let movements = super::store::movements(&st.db, student_id).await?;
        let last = movements.last().map(|m| m.kind);
        let current_group = match current {
            Some(g) => super::store::group_name(&st.db.pool, g).await?.map(|name| super::model::GroupChoice { id: g, name }),
            None => None,
        };
        Ok(StudentCard {
            id: student_id,
            iin,
            full_name,
            birth_date,
            college,
            group: current_group,
            profile: crate::admin::store::group_profile(&st.db.pool, group).await?,
            standing: super::model::Standing::after(last),
            movements,
            groups: super::store::group_choices(&st.db, college_id).await?,
        })
    })
    .await
}

/// Records a movement of a student from the card: transferred (to another group of the
/// college: the membership moves), academic leave, reinstated (into a group of the college),
/// expelled or graduated (the membership ends), each only where the student's standing allows
/// it. The same movement sent again (a retry) is found and not written twice. Audited.
#[server(prefix = "/api", endpoint = "records/movement")]
pub async fn record_movement(student_id: i64, kind: String, on_date: String, to_group: String, reason: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::{parse_reason, MovementKind, Standing};
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        ssr::require_student(&st.db, &caller, student_id).await?;
        let mut fields = crate::error::Fields::new();
        let kind = fields
            .check("kind", MovementKind::from_code(&kind).filter(|k| MovementKind::RECORDABLE.contains(k)).ok_or(Msg::ErrRecMovementKind));
        let on_date = fields.check("on_date", crate::journal::semester::Date::parse(&on_date));
        let reason = fields.check("reason", parse_reason(&reason));
        let to_group: Option<i64> = to_group.trim().parse().ok().filter(|g| *g > 0);
        if kind.is_some_and(|k| k.needs_group()) && to_group.is_none() {
            fields.add("to_group", Msg::ErrRequired);
        }
        fields.finish()?;
        let (kind, on_date, reason) =
            (kind.ok_or(AppError::Internal)?, on_date.ok_or(AppError::Internal)?.to_string(), reason.unwrap_or_default());
        let to_group = if kind.needs_group() { to_group } else { None };
        let mut tx = st.db.begin().await?;
        // Read again inside the transaction, with the student's row locked: two movements at
        // once (a retry racing its original) go one after the other, and the second finds
        // the first. (SQLite's transaction already holds the one write lock.)
        st.db.lock_row(&mut tx, "users", student_id).await?;
        let current = super::store::student_groups(&mut *tx, student_id).await?.first().copied();
        let last = super::store::last_movement(&mut *tx, student_id).await?;
        let last_group = current.or(last.as_ref().and_then(|l| l.group())).ok_or(AppError::Forbidden)?;
        if let Some(l) = &last {
            if l.kind() == Some(kind) && l.on_date == on_date && l.reason == reason && (!kind.needs_group() || l.to_group == to_group) {
                return Ok(());
            }
        }
        let standing = Standing::after(last.as_ref().and_then(|l| l.kind()));
        if !standing.allows(kind) {
            return Err(AppError::field("kind", Msg::ErrRecMovementNotAllowed));
        }
        let (college_id, _) = super::store::college_of(&mut *tx, last_group).await?.ok_or(AppError::Internal)?;
        if let Some(g) = to_group {
            if super::store::college_of(&mut *tx, g).await?.map(|c| c.0) != Some(college_id) {
                return Err(AppError::field("to_group", Msg::ErrRecGroupNotInCollege));
            }
            caller.require(&st.db, Permission::RecordsManage, g).await?;
            if current == Some(g) {
                return Err(AppError::field("to_group", Msg::ErrRecSameGroup));
            }
        }
        if let Some(g) = current {
            super::store::leave_group(&mut tx, student_id, g).await?;
        }
        if let Some(g) = to_group {
            crate::auth::store::grant(&mut tx, student_id, crate::auth::model::Role::Student, g).await?;
        }
        let from_group = if kind == MovementKind::Reinstated { None } else { Some(last_group) };
        let now = crate::api::now_ms();
        let movement = super::store::NewMovement {
            student_id,
            kind,
            on_date: &on_date,
            from_group,
            to_group,
            reason: &reason,
            recorded_by: caller.user_id,
            recorded_at: now,
        };
        super::store::add_movement(&mut tx, &movement).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("student.movement", Some(caller.user_id), &caller.ip, student_id)
                .org(Some(to_group.unwrap_or(last_group)))
                .before(serde_json::json!({ "standing": format!("{standing:?}"), "group_id": current }))
                .after(serde_json::json!({ "kind": kind.code(), "on_date": on_date, "from_group": from_group,
                    "to_group": to_group, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
