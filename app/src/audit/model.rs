use serde::{Deserialize, Serialize};

/// One row of the audit log as the reviewer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_login: Option<String>,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub page: i64,
    pub has_more: bool,
}

pub const AUDIT_PAGE_SIZE: i64 = 50;
