//! Server-side helpers that every phase shares: the operator's check, the audit of an
//! operator's action on a campaign, and random codes a person reads and types.

use crate::error::AppError;

pub(super) async fn require_operator() -> Result<(crate::auth::ssr::Caller, crate::state::AppState), AppError> {
    let caller = crate::auth::ssr::require_user().await?;
    let st = crate::api::state()?;
    caller.require(&st.db, crate::auth::model::Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await?;
    Ok((caller, st))
}

/// Records an operator's action on a campaign (every olympiad action is audited this way).
pub(crate) async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    caller: &crate::auth::ssr::Caller,
    action: &'static str,
    campaign_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    crate::audit::store::record(
        tx,
        crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action,
            entity: "olympiad_campaign",
            entity_id: campaign_id.to_string(),
            org_id: Some(crate::admin::model::ROOT_ORG_ID),
            before,
            after,
        },
    )
    .await
}

/// Characters of the random part: digits and capitals that cannot be misread for each other.
pub(super) const CHECK_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// `len` random characters a person reads and types without mistaking one for another (a
/// certificate number's random part, see `results/certificates.rs`; also a teacher's join
/// code, see `registration/join.rs`).
pub(crate) fn random_code(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..len).map(|_| CHECK_ALPHABET[rng.gen_range(0..CHECK_ALPHABET.len())] as char).collect()
}
