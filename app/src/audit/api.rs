//! Reading the audit log: for holders of `audit.read`, limited to their organisations' rows
//! (the whole log, including sign-ins and self-registrations, for those who hold it on the root).

use super::model::AuditPage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn audit_list(actor: String, action: String, entity: String, from: String, to: String, page: i64) -> Result<AuditPage, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AuditRead)?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let from_ms = fields.check("from", crate::ui::time::parse_day_start(&from)).flatten();
        let to_ms = fields.check("to", crate::ui::time::parse_day_start(&to)).flatten().map(|t| t + 86_400_000);
        for (name, value) in [("actor", &actor), ("action", &action), ("entity", &entity)] {
            if value.chars().count() > 100 {
                fields.add(name, crate::i18n::Msg::ErrTooLong);
            }
        }
        fields.finish()?;
        let roots = caller.scope_roots(Permission::AuditRead);
        let orgs =
            if roots.contains(&crate::auth::model::ROOT_ORG_ID) { None } else { Some(crate::auth::store::subtree(&st.db, &roots).await?) };
        let filter = super::store::Filter { actor, action, entity, from_ms, to_ms, orgs, page };
        super::store::list(&st.db, &filter).await
    })
    .await
}
