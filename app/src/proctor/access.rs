//! Who may look at an attempt's proctoring: its reviewers (proctor.review over the exam's
//! group or above it) and, for the evidence, the exam's teacher. Used by the review
//! (`proctor_review`), the attempt's report and images, and the exam's extra time.

use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::proctor::store;

/// The group an attempt's exam belongs to.
pub async fn attempt_group(db: &Db, attempt_id: i64) -> Result<i64, AppError> {
    store::group_of_attempt(db, attempt_id).await?.ok_or(AppError::NotFound)
}

/// Refuses unless the caller reviews proctoring over the attempt's group.
pub async fn require_reviewer(db: &Db, caller: &Caller, attempt_id: i64) -> Result<i64, AppError> {
    caller.require_anywhere(Permission::ProctorReview)?;
    let group = attempt_group(db, attempt_id).await?;
    caller.require(db, Permission::ProctorReview, group).await?;
    Ok(group)
}

/// May see the images of an attempt: its reviewers and the exam's teacher.
pub async fn may_see_evidence(db: &Db, caller: &Caller, attempt_id: i64) -> Result<(), AppError> {
    let teacher = store::teacher_of_attempt(db, attempt_id).await?;
    if teacher.ok_or(AppError::NotFound)? == caller.user_id {
        return Ok(());
    }
    require_reviewer(db, caller, attempt_id).await.map(|_| ())
}
