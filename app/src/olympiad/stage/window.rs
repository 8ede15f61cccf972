//! A region's stage-1 window (OLY-3): the operator sets it on a campaign, between participant
//! registration and results, and the region's stage exams and seats follow it.

use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use sqlx::{Any, Transaction};

/// Sets a region's stage-1 window (between participant registration and results).
#[server(prefix = "/api", endpoint = "olympiad/campaign/window")]
pub async fn set_stage_window(campaign_id: i64, region_id: i64, opens_at: String, closes_at: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        use crate::ui::time::parse_local_datetime as when;
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let mut fields = crate::error::Fields::new();
        if crate::admin::store::kind_of(&st.db, region_id).await? != Some(crate::admin::model::OrgKind::Region) {
            fields.add("region_id", Msg::ErrUnknownOrganisation);
        }
        let opens = fields.check("opens_at", when(&opens_at));
        let closes = fields.check("closes_at", when(&closes_at));
        if let (Some(o), Some(c)) = (opens, closes) {
            if let Some((field, msg)) = campaign.stages.window_problem(o, c) {
                fields.add(field, msg);
            }
        }
        fields.finish()?;
        let (Some(opens), Some(closes)) = (opens, closes) else { return Err(AppError::Internal) };
        let mut tx = st.db.begin().await?;
        let before = set_window(&mut tx, campaign_id, region_id, opens, closes, crate::api::now_ms()).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.window.set",
                entity: "olympiad_campaign",
                entity_id: campaign_id.to_string(),
                org_id: Some(region_id),
                before: before.map(|(o, c)| serde_json::json!({ "opens_at": o, "closes_at": c })),
                after: Some(serde_json::json!({ "region_id": region_id, "opens_at": opens, "closes_at": closes })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Sets (or moves) a region's stage-1 window, and with it the region's stage exams once the
/// stage is prepared; returns the window it replaced, for the audit.
#[cfg(feature = "ssr")]
pub async fn set_window(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
    now: i64,
) -> Result<Option<(i64, i64)>, AppError> {
    let before = super::store::window(tx, campaign_id, region_id).await?;
    super::store::save_window(tx, campaign_id, region_id, opens_at, closes_at).await?;
    super::seating::follow_window(tx, campaign_id, region_id, opens_at, closes_at, now).await?;
    Ok(before)
}
