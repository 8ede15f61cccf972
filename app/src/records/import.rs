//! The import of students and groups into one college: what each checked row of the file
//! (`file.rs`) would do against what is stored, then the writes, in the caller's transaction.
//! Groups are found under the college by name (or made, with the file's profile); students by
//! IIN, so importing the same file again finds everyone and writes nothing.

use super::file::{RowError, StudentRow};
use super::model::{ImportLine, ImportReport, MovementKind, RowOutcome, Standing};
use super::store;
use crate::admin::model::OrgKind;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

/// Who imports, and where their records.manage reaches.
pub struct Importer<'a> {
    pub user_id: i64,
    pub ip: &'a str,
    /// The organisations of the caller's records.manage scope.
    pub scope: &'a [i64],
    /// The scope is the whole installation.
    pub everyone: bool,
}

/// What applying the file does to each row, or every row that cannot be imported.
pub async fn plan(
    tx: &mut Transaction<'_, Any>,
    importer: &Importer<'_>,
    college_id: i64,
    rows: &[StudentRow],
) -> Result<Result<(ImportReport, Vec<Option<i64>>), Vec<RowError>>, AppError> {
    let mut report = ImportReport::default();
    let mut errors: Vec<RowError> = Vec::new();
    // Each group of the file: its id when it is stored.
    let mut groups: HashMap<String, Option<i64>> = HashMap::new();
    let mut accounts: Vec<Option<i64>> = Vec::with_capacity(rows.len());
    let (mut emails, mut phones) = (HashSet::new(), HashSet::new());
    for r in rows {
        let at = |column: &str| format!("row.{}.{column}", r.row);
        if !groups.contains_key(&r.group) {
            let id = store::group_named(tx, college_id, &r.group).await?;
            let before = match id {
                Some(id) => crate::admin::store::group_profile(&mut **tx, id).await?,
                None => None,
            };
            if id.is_none() {
                report.groups_added += 1;
            } else if before.as_ref() != Some(&r.profile) {
                report.profiles_changed += 1;
            }
            groups.insert(r.group.clone(), id);
        }
        let group_id = groups.get(&r.group).copied().flatten();
        let account = store::account_with_iin(tx, r.iin.as_str()).await?;
        let outcome = match account {
            None => {
                let email = r.email.as_ref().map(|e| e.as_str().to_lowercase());
                let phone = r.phone.as_ref().map(|p| p.as_str().to_string());
                if email.is_none() && phone.is_none() {
                    errors.push((at("email"), Msg::ErrRecNoContact));
                }
                let (email_taken, phone_taken) = store::contact_taken(tx, email.as_deref(), phone.as_deref()).await?;
                if email_taken || email.as_ref().is_some_and(|e| !emails.insert(e.clone())) {
                    errors.push((at("email"), Msg::ErrEmailTaken));
                }
                if phone_taken || phone.as_ref().is_some_and(|p| !phones.insert(p.clone())) {
                    errors.push((at("phone"), Msg::ErrPhoneTaken));
                }
                RowOutcome::NewStudent
            }
            Some(user_id) => {
                let ties = store::ties_of(tx, user_id).await?;
                let manageable = importer.everyone || (!ties.is_empty() && ties.iter().all(|t| importer.scope.contains(t)));
                let in_groups = store::student_groups(&mut **tx, user_id).await?;
                let last = store::last_movement(&mut **tx, user_id).await?;
                if !manageable {
                    // Someone else's account (another college's, a teacher's whose login is
                    // their IIN): never taken over by a file.
                    errors.push((at("iin"), Msg::ErrRecIinOutside));
                    RowOutcome::Unchanged
                } else if group_id.is_some_and(|g| in_groups.contains(&g)) {
                    RowOutcome::Unchanged
                } else if !in_groups.is_empty() {
                    errors.push((at("group"), Msg::ErrRecInOtherGroup));
                    RowOutcome::Unchanged
                } else if Standing::after(last.as_ref().and_then(|l| l.kind())) != Standing::Studying {
                    errors.push((at("iin"), Msg::ErrRecStudentLeft));
                    RowOutcome::Unchanged
                } else {
                    RowOutcome::Enrolled
                }
            }
        };
        match outcome {
            RowOutcome::NewStudent => report.students_added += 1,
            RowOutcome::Enrolled => report.students_enrolled += 1,
            RowOutcome::Unchanged => report.unchanged += 1,
        }
        report.lines.push(ImportLine {
            row: r.row,
            iin: r.iin.as_str().to_string(),
            full_name: r.full_name.clone(),
            group: r.group.clone(),
            new_group: group_id.is_none(),
            outcome,
        });
        accounts.push(account);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok((report, accounts)))
}

/// Writes what [`plan`] found, in its transaction, with one audit row listing every group made
/// or changed (its profile before and after) and every student enrolled. Returns the new
/// accounts' ids.
pub async fn apply(
    tx: &mut Transaction<'_, Any>,
    importer: &Importer<'_>,
    college_id: i64,
    rows: &[StudentRow],
    accounts: &[Option<i64>],
    file_name: &str,
    now: i64,
) -> Result<Vec<i64>, AppError> {
    let today = crate::journal::semester::Date::from_epoch_ms(now).to_string();
    let mut group_ids: HashMap<String, i64> = HashMap::new();
    let mut group_audit = Vec::new();
    let mut student_audit = Vec::new();
    let mut created = Vec::new();
    for (r, account) in rows.iter().zip(accounts) {
        let group_id = match group_ids.get(&r.group) {
            Some(id) => *id,
            None => {
                let id = match store::group_named(tx, college_id, &r.group).await? {
                    Some(id) => id,
                    None => crate::admin::store::insert_org(tx, college_id, OrgKind::Group, &r.group, now).await?,
                };
                let before = crate::admin::store::group_profile(&mut **tx, id).await?;
                if before.as_ref() != Some(&r.profile) {
                    crate::admin::store::save_group_profile(tx, id, &r.profile).await?;
                    group_audit.push(serde_json::json!({ "group_id": id, "name": r.group, "before": before, "after": r.profile }));
                }
                group_ids.insert(r.group.clone(), id);
                id
            }
        };
        let user_id = match account {
            Some(id) => *id,
            None => {
                let hash = format!("!invited:{}", crate::auth::ssr::random_token());
                let email = r.email.as_ref().map(|e| e.as_str());
                let phone = r.phone.as_ref().map(|p| p.as_str());
                let id = store::insert_student(tx, r.iin.as_str(), &r.full_name, email, phone, &hash, now).await?;
                let login = crate::auth::model::Login::parse(r.iin.as_str()).map_err(|_| AppError::Internal)?;
                crate::auth::store::send_invitation(tx, id, &login, r.email.as_ref(), r.phone.as_ref()).await?;
                created.push(id);
                id
            }
        };
        if crate::auth::store::grant(tx, user_id, crate::auth::model::Role::Student, group_id).await? {
            store::add_movement(
                tx,
                &store::NewMovement {
                    student_id: user_id,
                    kind: MovementKind::Enrolled,
                    on_date: &today,
                    from_group: None,
                    to_group: Some(group_id),
                    reason: "",
                    recorded_by: importer.user_id,
                    recorded_at: now,
                },
            )
            .await?;
            student_audit.push(serde_json::json!({ "row": r.row, "student_id": user_id, "iin": r.iin.as_str(),
                "group_id": group_id, "new_account": account.is_none() }));
        }
    }
    if !group_audit.is_empty() || !student_audit.is_empty() {
        crate::audit::store::record(
            tx,
            crate::audit::store::Entry {
                actor_id: Some(importer.user_id),
                ip: importer.ip,
                action: "records.import",
                entity: "organisation",
                entity_id: college_id.to_string(),
                org_id: Some(college_id),
                before: None,
                after: Some(
                    serde_json::json!({ "file": crate::media::safe_name(file_name), "groups": group_audit, "students": student_audit }),
                ),
            },
        )
        .await?;
    }
    Ok(created)
}
