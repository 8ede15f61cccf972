//! Certificates on request (JRN-11): a student asks for a справка ("is a student of ..."), the
//! office issues it with a number, and its PDF carries a QR code that opens a public check page
//! where anyone can confirm it is genuine. Also the student's transcript of final marks (JRN-9)
//! as PDF, built from the journals.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CertificateRow {
    pub id: i64,
    pub group_id: i64,
    pub student_name: String,
    pub group_name: String,
    pub purpose: String,
    /// requested, issued, rejected
    pub status: String,
    pub number: Option<String>,
    pub requested_at: i64,
    pub issued_at: Option<i64>,
}

/// What the public check page shows about a certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    pub number: String,
    pub student_name: String,
    pub group_name: String,
    pub org_name: String,
    pub issued_at: i64,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use sqlx::Row;

    pub async fn rows(db: &crate::db::Db, where_sql: &str, id: i64) -> Result<Vec<CertificateRow>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.group_id, u.full_name, g.name AS group_name, c.purpose, c.status, c.number, c.requested_at, c.issued_at
             FROM certificates c JOIN users u ON u.id = c.student_id JOIN organisations g ON g.id = c.group_id
             WHERE {where_sql} ORDER BY CASE c.status WHEN 'requested' THEN 0 ELSE 1 END, c.requested_at DESC LIMIT 500"
        ))
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CertificateRow {
                    id: r.try_get("id")?,
                    group_id: r.try_get("group_id")?,
                    student_name: r.try_get("full_name")?,
                    group_name: r.try_get("group_name")?,
                    purpose: r.try_get("purpose")?,
                    status: r.try_get("status")?,
                    number: r.try_get("number")?,
                    requested_at: r.try_get("requested_at")?,
                    issued_at: r.try_get("issued_at")?,
                })
            })
            .collect()
    }

    /// The group's profile and its college (the group's parent organisation).
    pub async fn group_facts(db: &crate::db::Db, group_id: i64) -> Result<(String, String, i64, String, String), AppError> {
        let r = sqlx::query(
            "SELECT g.name, COALESCE(p.name, '') AS college, COALESCE(s.course, 1) AS course,
                    COALESCE(s.specialty_code, '') AS code, COALESCE(s.specialty_name, '') AS specialty, COALESCE(s.study_form, 'full_time') AS form
             FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id LEFT JOIN study_groups s ON s.group_id = g.id WHERE g.id = $1",
        )
        .bind(group_id)
        .fetch_one(&db.pool)
        .await?;
        let code: String = r.try_get("code")?;
        let specialty: String = r.try_get("specialty")?;
        Ok((
            r.try_get("name")?,
            r.try_get("college")?,
            r.try_get("course")?,
            format!("{code} {specialty}").trim().to_string(),
            r.try_get("form")?,
        ))
    }
}

/// Asks the office for a certificate (the student's own group).
#[server(prefix = "/api", endpoint = "certificate/request")]
pub async fn request_certificate(purpose: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let group = caller.grants.iter().find(|g| g.0 == crate::auth::model::Role::Student).map(|g| g.1).ok_or(AppError::Forbidden)?;
        let purpose = purpose.trim().to_string();
        if purpose.is_empty() {
            return Err(AppError::field("purpose", Msg::ErrRequired));
        }
        if purpose.chars().count() > 300 {
            return Err(AppError::field("purpose", Msg::ErrTooLong));
        }
        let st = crate::api::state()?;
        // One open request per purpose: a double click or a retry does not make two (the
        // look-up and the insert in one writer transaction, so two at once cannot both miss).
        let mut tx = st.db.begin().await?;
        let open: Option<i64> = sqlx::query_scalar("SELECT id FROM certificates WHERE student_id = $1 AND purpose = $2 AND status = 'requested'")
            .bind(caller.user_id)
            .bind(&purpose)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = open {
            return Ok(id);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO certificates (student_id, group_id, purpose, status, requested_at) VALUES ($1, $2, $3, 'requested', $4) RETURNING id",
        )
        .bind(caller.user_id)
        .bind(group)
        .bind(&purpose)
        .bind(crate::api::now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let entry = crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action: "certificate.request",
            entity: "certificate",
            entity_id: id.to_string(),
            org_id: Some(group),
            before: None,
            after: Some(serde_json::json!({ "purpose": purpose })),
        };
        crate::audit::store::record(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// The signed-in student's requests and certificates.
#[server(prefix = "/api", endpoint = "certificate/mine")]
pub async fn my_certificates() -> Result<Vec<CertificateRow>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::rows(&st.db, "c.student_id = $1", caller.user_id).await
    })
    .await
}

/// Requests and certificates of students in the caller's certificate.issue scope.
#[server(prefix = "/api", endpoint = "certificate/queue")]
pub async fn certificate_queue() -> Result<Vec<CertificateRow>, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::CertificateIssue)?;
        let st = crate::api::state()?;
        let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(Permission::CertificateIssue)).await?;
        let all = ssr::rows(&st.db, "c.id > $1", 0).await?;
        let mut out = Vec::new();
        for c in all {
            let group: i64 =
                sqlx::query_scalar("SELECT group_id FROM certificates WHERE id = $1").bind(c.id).fetch_one(&st.db.pool).await?;
            if scope.contains(&group) {
                out.push(c);
            }
        }
        Ok(out)
    })
    .await
}

/// Issues (`issue` true) or rejects a requested certificate.
#[server(prefix = "/api", endpoint = "certificate/decide")]
pub async fn decide_certificate(id: i64, issue: bool) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::CertificateIssue)?;
        let st = crate::api::state()?;
        let group: Option<i64> =
            sqlx::query_scalar("SELECT group_id FROM certificates WHERE id = $1").bind(id).fetch_optional(&st.db.pool).await?;
        caller.require(&st.db, Permission::CertificateIssue, group.ok_or(AppError::NotFound)?).await?;
        let now = crate::api::now_ms();
        let year = &crate::journal::semester::Date::from_epoch_ms(now).to_string()[..4];
        let mut tx = st.db.begin().await?;
        let done = if issue {
            sqlx::query(
                "UPDATE certificates SET status = 'issued', number = $1, verify_code = $2, issued_at = $3, issued_by = $4
                 WHERE id = $5 AND status = 'requested'",
            )
            .bind(format!("{year}-{id:06}"))
            .bind(crate::auth::ssr::random_token())
            .bind(now)
            .bind(caller.user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("UPDATE certificates SET status = 'rejected', issued_by = $1 WHERE id = $2 AND status = 'requested'")
                .bind(caller.user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
        };
        if done.rows_affected() == 0 {
            return Err(AppError::Refused(Msg::ErrAlreadyDecided));
        }
        let entry = crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action: if issue { "certificate.issue" } else { "certificate.reject" },
            entity: "certificate",
            entity_id: id.to_string(),
            org_id: group,
            before: None,
            after: None,
        };
        crate::audit::store::record(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The public check behind the QR code: the certificate the code names, if it was issued.
#[server(prefix = "/api", endpoint = "certificate/verify")]
pub async fn verify_certificate(code: String) -> Result<Verified, AppError> {
    crate::api::respond(async move {
        use sqlx::Row;
        let st = crate::api::state()?;
        if code.len() > 100 {
            return Err(AppError::NotFound);
        }
        let r = sqlx::query(
            "SELECT c.number, c.issued_at, c.group_id, u.full_name FROM certificates c JOIN users u ON u.id = c.student_id
             WHERE c.verify_code = $1 AND c.status = 'issued'",
        )
        .bind(code.trim())
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
        let (group_name, org_name, ..) = ssr::group_facts(&st.db, r.try_get("group_id")?).await?;
        Ok(Verified {
            number: r.try_get::<Option<String>, _>("number")?.unwrap_or_default(),
            student_name: r.try_get("full_name")?,
            group_name,
            org_name,
            issued_at: r.try_get::<Option<i64>, _>("issued_at")?.unwrap_or(0),
        })
    })
    .await
}
