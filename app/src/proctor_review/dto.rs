//! What the proctor's pages and server functions exchange (the board, an attempt's timeline),
//! compiled for the server and the browser. The store reads rows straight into the ones that
//! derive `FromRow`; `review` re-exports them under its own name, where the pages use them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub attempt_id: i64,
    pub student_name: String,
    pub exam_title: String,
    pub group_name: String,
    pub started_at: i64,
    pub deadline_at: i64,
    pub submitted: bool,
    pub last_seen_at: i64,
    /// Latest webcam snapshot and screenshot (evidence ids, shown through the image route).
    pub last_webcam: Option<i64>,
    pub last_screen: Option<i64>,
    /// What the attempt's proctoring captured: the screen too, or the camera alone (a phone).
    pub capture: crate::proctor::settings::Capture,
    pub open_violations: i64,
    pub risk: i64,
    pub verdict: String,
    pub appeal: Option<String>,
}

/// One page of the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardPage {
    pub rows: Vec<BoardRow>,
    /// From 0.
    pub page: i64,
    /// Attempts on all pages.
    pub total: i64,
    pub page_size: i64,
    /// Webcam snapshots waiting for the server's re-check on the whole site, and the oldest
    /// one's wait: a proctor reads a face count knowing how far behind the server's check is.
    pub recheck_waiting: i64,
    pub recheck_oldest_s: i64,
}

impl BoardPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.page_size - 1) / self.page_size.max(1)).max(1)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub id: i64,
    pub kind: String,
    pub at: i64,
    pub faces_client: Option<i64>,
    pub faces_server: Option<i64>,
    /// The server's re-check of a snapshot: none, due, done, failed or missed (see `recheck`).
    pub recheck: String,
    pub purged: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventItem {
    pub id: i64,
    pub kind: String,
    pub at: i64,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ViolationItem {
    pub id: i64,
    pub kind: String,
    pub at: i64,
    pub evidence_id: Option<i64>,
    pub confidence: i64,
    pub status: String,
    pub comment: String,
    pub reviewer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AppealItem {
    pub text: String,
    pub created_at: i64,
    pub status: String,
    pub comment: String,
    pub reviewer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub head: BoardRow,
    pub score: Option<f64>,
    pub max_points: Option<i64>,
    pub verdict_comment: String,
    pub verdict_by: Option<String>,
    /// The caller gave the verdict (and so may not decide the appeal).
    pub verdict_is_mine: bool,
    /// The appeal is decided and the caller stands above both who decided: they may reopen it.
    pub may_reopen: bool,
    pub evidence: Vec<EvidenceItem>,
    pub events: Vec<EventItem>,
    pub violations: Vec<ViolationItem>,
    pub appeal: Option<AppealItem>,
}
