//! Server functions of administration. Each starts by naming who may call it.

use super::model::{GroupDetail, OrgNode, UserDetail, UserRow};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::model::{OrgKind, ROOT_ORG_ID};
    use crate::auth::model::{Permission, Role};
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::error::AppError;

    /// Organisations the caller reaches with `perm` (their subtrees).
    pub async fn scope(db: &Db, caller: &Caller, perm: Permission) -> Result<Vec<i64>, AppError> {
        crate::admin::store::subtree(db, &caller.scope_roots(perm)).await
    }

    /// Permissions the caller holds on `org_id` (through grants on it or above it).
    pub async fn perms_at(db: &Db, caller: &Caller, org_id: i64) -> Result<Vec<Permission>, AppError> {
        let ancestors = crate::admin::store::ancestors(db, org_id).await?;
        let mut perms: Vec<Permission> =
            caller.grants.iter().filter(|g| ancestors.contains(&g.1)).flat_map(|g| g.2.iter().copied()).collect();
        perms.sort_by_key(|p| p.code());
        perms.dedup();
        Ok(perms)
    }

    /// A grant may not carry more than the granter holds there: no climbing by delegation.
    pub async fn check_grantable(db: &Db, caller: &Caller, role: Role, org_id: i64) -> Result<(), AppError> {
        let mine = perms_at(db, caller, org_id).await?;
        let theirs = crate::admin::store::role_permissions(db, role).await?;
        if theirs.iter().all(|p| mine.contains(p)) {
            Ok(())
        } else {
            Err(AppError::field("role", crate::i18n::Msg::ErrRoleAboveYours))
        }
    }

    /// May the caller manage this user (see their contacts, change their roles, deactivate
    /// them)? Installation administrators may manage anyone. Anybody else only when every
    /// grant the user holds lies inside the caller's user.manage scope: one grant at the
    /// caller's school must not open the user's grants elsewhere (another organisation, the
    /// installation) to the caller. Someone without any grant, or with one on the root, is an
    /// installation-level account: nobody below that level touches it. Unknown ids get the
    /// same refusal, so ids outside the scope tell nothing.
    pub async fn require_manages_user(db: &Db, caller: &Caller, user_id: i64) -> Result<(), AppError> {
        let roots = caller.scope_roots(Permission::UserManage);
        if roots.is_empty() {
            return Err(AppError::Forbidden);
        }
        if roots.contains(&ROOT_ORG_ID) {
            return if crate::admin::store::user_exists(db, user_id).await? { Ok(()) } else { Err(AppError::NotFound) };
        }
        let orgs = crate::admin::store::grant_orgs_of(db, user_id).await?;
        if orgs.is_empty() || orgs.contains(&ROOT_ORG_ID) {
            return Err(AppError::Forbidden);
        }
        let scope = scope(db, caller, Permission::UserManage).await?;
        if orgs.iter().all(|o| scope.contains(o)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn parse_kind(kind: &str) -> Result<OrgKind, crate::i18n::Msg> {
        OrgKind::from_code(kind).filter(|k| *k != OrgKind::Root).ok_or(crate::i18n::Msg::ErrOrgKindNotAllowed)
    }
}

/// The organisations the caller administers (org.manage or user.manage), as a tree.
#[server(prefix = "/api", endpoint = "admin/orgs")]
pub async fn list_orgs() -> Result<Vec<OrgNode>, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        let mut roots = caller.scope_roots(Permission::OrgManage);
        roots.extend(caller.scope_roots(Permission::UserManage));
        if roots.is_empty() {
            return Err(AppError::Forbidden);
        }
        let st = crate::api::state()?;
        let ids = crate::admin::store::subtree(&st.db, &roots).await?;
        let nodes = crate::admin::store::load(&st.db, &ids).await?;
        // Scope roots are those whose parent is outside the scope.
        let tops: Vec<i64> = nodes.iter().filter(|n| n.1.map_or(true, |p| !ids.contains(&p))).map(|n| n.0).collect();
        Ok(super::model::tree_order(nodes, &tops))
    })
    .await
}

/// Adds an organisation under `parent_id` (org.manage on the parent).
#[server(prefix = "/api", endpoint = "admin/org/create")]
pub async fn create_org(parent_id: i64, kind: String, name: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::audit::store::{json, record, Entry};
        use crate::auth::model::{parse_name, Permission};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::OrgManage)?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let kind = fields.check("kind", ssr::parse_kind(&kind));
        let name = fields.check("name", parse_name(&name));
        let parent_kind = crate::admin::store::kind_of(&st.db, parent_id).await?;
        if parent_kind.is_none() {
            fields.add("parent_id", Msg::ErrUnknownOrganisation);
        }
        if let (Some(pk), Some(k)) = (parent_kind, kind) {
            if !pk.may_contain(k) {
                fields.add("kind", Msg::ErrOrgKindNotAllowed);
            }
        }
        fields.finish()?;
        caller.require(&st.db, Permission::OrgManage, parent_id).await?;
        let (kind, name) = (kind.ok_or(AppError::Internal)?, name.ok_or(AppError::Internal)?);
        let mut tx = st.db.begin().await?;
        let id = crate::admin::store::insert_org(&mut tx, parent_id, kind, &name, crate::api::now_ms()).await?;
        record(
            &mut tx,
            Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "org.create",
                entity: "organisation",
                entity_id: id.to_string(),
                org_id: Some(id),
                before: None,
                after: json(&serde_json::json!({"parent_id": parent_id, "kind": kind.code(), "name": name})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Users the caller manages, filtered by a search text (login, name, email, phone).
#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users(query: String) -> Result<Vec<UserRow>, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::UserManage)?;
        if query.chars().count() > 100 {
            return Err(AppError::field("query", crate::i18n::Msg::ErrTooLong));
        }
        let st = crate::api::state()?;
        let pattern = format!("%{}%", query.trim().to_lowercase());
        let everyone = caller.scope_roots(Permission::UserManage).contains(&super::model::ROOT_ORG_ID);
        let ids = if everyone {
            crate::admin::store::search_users(&st.db, &pattern, None).await?
        } else {
            // Only users the caller may manage (`require_manages_user`): at least one grant, and
            // none outside the scope, so a user with a grant elsewhere is not listed.
            let scope = ssr::scope(&st.db, &caller, Permission::UserManage).await?;
            crate::admin::store::search_users(&st.db, &pattern, Some(&scope)).await?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(crate::admin::store::user_row(&st.db, id).await?);
        }
        Ok(out)
    })
    .await
}

#[server(prefix = "/api", endpoint = "admin/user")]
pub async fn get_user(user_id: i64) -> Result<UserDetail, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::require_manages_user(&st.db, &caller, user_id).await?;
        let user = crate::admin::store::user_row(&st.db, user_id).await?;
        let grants = crate::auth::store::grants_of(&st.db, user_id).await?;
        Ok(UserDetail { user, grants })
    })
    .await
}

/// Creates an account with a first role on an organisation. With `invite`, no password is set:
/// the person gets a code by email or SMS and sets it themselves (the code is valid 24 h).
#[server(prefix = "/api", endpoint = "admin/user/create")]
#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    login: String,
    full_name: String,
    email: String,
    phone: String,
    org_id: i64,
    role: String,
    invite: Option<String>,
    password: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{check_new_password, optional, parse_name, Email, Login, Permission, Phone, Role};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::UserManage)?;
        let st = crate::api::state()?;
        let invite = invite.is_some_and(|v| !v.is_empty() && v != "false");
        let mut fields = crate::error::Fields::new();
        let login = fields.check("login", Login::parse_chosen(&login));
        let full_name = fields.check("full_name", parse_name(&full_name));
        let email = fields.check("email", optional(&email, Email::parse)).flatten();
        let phone = fields.check("phone", optional(&phone, Phone::parse)).flatten();
        let role = fields.check("role", Role::from_code(&role).ok_or(Msg::ErrUnknownRole));
        if crate::admin::store::kind_of(&st.db, org_id).await?.is_none() {
            fields.add("org_id", Msg::ErrUnknownOrganisation);
        }
        if invite && email.is_none() && phone.is_none() {
            fields.add("email", Msg::ErrNoContactForChannel);
        }
        if !invite {
            let l = login.as_ref().map(|l| l.as_str()).unwrap_or("");
            fields.check("password", check_new_password(&password, l));
        }
        fields.finish()?;
        caller.require(&st.db, Permission::UserManage, org_id).await?;
        let (login, full_name, role) =
            (login.ok_or(AppError::Internal)?, full_name.ok_or(AppError::Internal)?, role.ok_or(AppError::Internal)?);
        ssr::check_grantable(&st.db, &caller, role, org_id).await?;
        let hash = if invite {
            // Unusable until the invitee sets a password with the code.
            format!("!invited:{}", crate::auth::ssr::random_token())
        } else {
            crate::auth::ssr::hash_password(&password).await?
        };
        let mut tx = st.db.begin().await?;
        let user_id =
            crate::auth::store::insert_user(&mut tx, &login, &full_name, email.as_ref(), phone.as_ref(), &hash, crate::i18n::Locale::Kk)
                .await?;
        crate::auth::store::grant(&mut tx, user_id, role, org_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: if invite { "user.invite" } else { "user.create" },
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(org_id),
                before: None,
                after: crate::audit::store::json(&serde_json::json!({
                    "login": login.as_str(), "full_name": full_name, "email": email.as_ref().map(|e| e.as_str()),
                    "phone": phone.as_ref().map(|p| p.as_str()), "role": role.code(), "org_id": org_id })),
            },
        )
        .await?;
        if invite {
            crate::auth::store::send_invitation(&mut tx, user_id, &login, email.as_ref(), phone.as_ref()).await?;
        }
        tx.commit().await?;
        Ok(user_id)
    })
    .await
}

#[server(prefix = "/api", endpoint = "admin/role/assign")]
pub async fn assign_role(user_id: i64, role: String, org_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{Permission, Role};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::UserManage)?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let role = fields.check("role", Role::from_code(&role).ok_or(Msg::ErrUnknownRole));
        if crate::admin::store::kind_of(&st.db, org_id).await?.is_none() {
            fields.add("org_id", Msg::ErrUnknownOrganisation);
        }
        fields.finish()?;
        let role = role.ok_or(AppError::Internal)?;
        caller.require(&st.db, Permission::UserManage, org_id).await?;
        // The organisation being in scope is not enough: the person must be, too.
        match ssr::require_manages_user(&st.db, &caller, user_id).await {
            Err(AppError::NotFound) => return Err(AppError::field("user_id", Msg::ErrUnknownUser)),
            other => other?,
        }
        ssr::check_grantable(&st.db, &caller, role, org_id).await?;
        let mut tx = st.db.begin().await?;
        // Granting what is already granted is not an error and writes nothing.
        if crate::auth::store::grant(&mut tx, user_id, role, org_id).await? {
            crate::audit::store::record(
                &mut tx,
                crate::audit::store::Entry::user("role.assign", Some(caller.user_id), &caller.ip, user_id)
                    .org(Some(org_id))
                    .after(serde_json::json!({"role": role.code(), "org_id": org_id})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "admin/role/revoke")]
pub async fn revoke_role(grant_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{Permission, Role};
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::UserManage)?;
        let st = crate::api::state()?;
        let super::store::GrantRecord { user_id, role, org_id } =
            super::store::grant_record(&st.db, grant_id).await?.ok_or(AppError::NotFound)?;
        caller.require(&st.db, Permission::UserManage, org_id).await?;
        ssr::require_manages_user(&st.db, &caller, user_id).await?;
        // Same rule as granting: you cannot take away more than you could give.
        if let Some(r) = Role::from_code(&role) {
            ssr::check_grantable(&st.db, &caller, r, org_id).await?;
        }
        let mut tx = st.db.begin().await?;
        super::store::delete_grant(&mut tx, grant_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("role.revoke", Some(caller.user_id), &caller.ip, user_id)
                .org(Some(org_id))
                .before(serde_json::json!({"role": role, "org_id": org_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Deactivates or reactivates an account. Deactivation signs the person out everywhere.
#[server(prefix = "/api", endpoint = "admin/user/active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::require_manages_user(&st.db, &caller, user_id).await?;
        if user_id == caller.user_id && !active {
            return Err(AppError::Refused(crate::i18n::Msg::ErrCannotDeactivateSelf));
        }
        let before = crate::admin::store::user_row(&st.db, user_id).await?;
        if before.active == active {
            return Ok(());
        }
        // The row is filed under the user's first organisation so its administrators see it.
        let org_id = super::store::first_grant_org_of(&st.db, user_id).await?;
        let mut tx = st.db.begin().await?;
        super::store::set_active(&mut tx, user_id, active).await?;
        if !active {
            crate::auth::store::sessions::end_all_of(&mut tx, user_id).await?;
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: if active { "user.activate" } else { "user.deactivate" },
                entity: "user",
                entity_id: user_id.to_string(),
                org_id,
                before: crate::audit::store::json(&serde_json::json!({"active": before.active})),
                after: crate::audit::store::json(&serde_json::json!({"active": active})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// A group with its profile, for the group's page (records.manage over the group).
#[server(prefix = "/api", endpoint = "admin/group")]
pub async fn get_group(group_id: i64) -> Result<GroupDetail, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        caller.require(&st.db, Permission::RecordsManage, group_id).await?;
        let (name, parent_name) = super::store::group_names(&st.db, group_id).await?.ok_or(AppError::NotFound)?;
        let profile = super::store::group_profile(&st.db.pool, group_id).await?;
        Ok(GroupDetail { id: group_id, name, parent_name, profile })
    })
    .await
}

/// Sets a group's profile: specialty (code and name), course, form and language of study
/// (records.manage over the group: the college's director, the administrator). Each field is
/// checked at its field; the change is audited with what it replaced; saving the same profile
/// again writes nothing.
#[server(prefix = "/api", endpoint = "admin/group/profile")]
pub async fn save_group_profile(
    group_id: i64,
    specialty_code: String,
    specialty_name: String,
    course: String,
    study_form: String,
    study_language: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::RecordsManage)?;
        let st = crate::api::state()?;
        caller.require(&st.db, Permission::RecordsManage, group_id).await?;
        if super::store::group_names(&st.db, group_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let profile = super::model::GroupProfile::check(&specialty_code, &specialty_name, &course, &study_form, &study_language).map_err(
            |errors| {
                AppError::Invalid(
                    errors.into_iter().map(|(field, msg)| crate::error::FieldError { field: field.to_string(), msg }).collect(),
                )
            },
        )?;
        let mut tx = st.db.begin().await?;
        let before = super::store::group_profile(&mut *tx, group_id).await?;
        if before.as_ref() == Some(&profile) {
            return Ok(());
        }
        super::store::save_group_profile(&mut tx, group_id, &profile).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "group.profile",
                entity: "organisation",
                entity_id: group_id.to_string(),
                org_id: Some(group_id),
                before: before.as_ref().and_then(crate::audit::store::json),
                after: crate::audit::store::json(&profile),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
