//! Certificates on request (JRN-11): a student asks for a справка ("is a student of ..."), the
//! office issues it with a number, and its PDF carries a QR code that opens a public check page
//! where anyone can confirm it is genuine. Also the student's transcript of final marks (JRN-9)
//! as PDF, built from the journals.

pub use super::dto::CertificateRow;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the public check page shows about a certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    pub number: String,
    pub student_name: String,
    pub group_name: String,
    pub org_name: String,
    pub issued_at: i64,
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
        if let Some(id) = super::store::certificates::open_request(&mut tx, caller.user_id, &purpose).await? {
            return Ok(id);
        }
        let id = super::store::certificates::request(&mut tx, caller.user_id, group, &purpose, crate::api::now_ms()).await?;
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
        super::store::certificates::certificates_of_student(&st.db, caller.user_id).await
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
        let all = super::store::certificates::all_certificates(&st.db).await?;
        let mut out = Vec::new();
        for c in all {
            // Just listed, so a certificate missing now is a fault (Internal), not NotFound.
            let group = super::store::certificates::group_of_certificate(&st.db, c.id).await?.ok_or(AppError::Internal)?;
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
        let group = super::store::certificates::group_of_certificate(&st.db, id).await?;
        caller.require(&st.db, Permission::CertificateIssue, group.ok_or(AppError::NotFound)?).await?;
        let now = crate::api::now_ms();
        let year = &crate::journal::semester::Date::from_epoch_ms(now).to_string()[..4];
        let mut tx = st.db.begin().await?;
        let number = format!("{year}-{id:06}");
        let done = if issue {
            let code = crate::auth::ssr::random_token();
            super::store::certificates::issue(&mut tx, id, &number, &code, caller.user_id, now).await?
        } else {
            super::store::certificates::reject(&mut tx, id, caller.user_id).await?
        };
        if !done {
            return Err(AppError::Refused(Msg::ErrAlreadyDecided));
        }
        if issue {
            // The student is told the certificate is ready (issue 20).
            if let Some((student_id, purpose)) = super::store::certificates::holder_in(&mut tx, id).await? {
                crate::notify::event(&mut tx, crate::notify::Event::certificate_ready(student_id, id, &purpose, &number)).await?;
            }
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
        use super::store::certificates::{group_facts, verified};
        let st = crate::api::state()?;
        if code.len() > 100 {
            return Err(AppError::NotFound);
        }
        let r = verified(&st.db, code.trim()).await?.ok_or(AppError::NotFound)?;
        let (group_name, org_name, ..) = group_facts(&st.db, r.group_id).await?;
        Ok(Verified {
            number: r.number.unwrap_or_default(),
            student_name: r.full_name,
            group_name,
            org_name,
            issued_at: r.issued_at.unwrap_or(0),
        })
    })
    .await
}
