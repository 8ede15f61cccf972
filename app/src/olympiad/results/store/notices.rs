//! Who is told about a campaign's results and certificates (issue 20): the participants'
//! accounts and the campaign's title, read inside the telling transaction.

use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The campaign's title.
pub async fn campaign_title(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT title FROM olympiad_campaigns WHERE id = $1").bind(campaign_id).fetch_one(&mut **tx).await?)
}

/// Every participant's account, once each.
pub async fn participant_users(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT DISTINCT user_id FROM olympiad_participants WHERE campaign_id = $1 ORDER BY user_id")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// The participant's account.
pub async fn user_of_participant(tx: &mut Transaction<'_, Any>, participant_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT user_id FROM olympiad_participants WHERE id = $1").bind(participant_id).fetch_optional(&mut **tx).await?)
}
