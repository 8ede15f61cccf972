//! How an exam is proctored, as the page and the capture client need it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProctorSettings {
    pub proctored: bool,
    pub allow_unproctored: bool,
    pub snapshot_interval_s: u32,
    pub screen_interval_s: u32,
    pub require_screen: bool,
}

impl Default for ProctorSettings {
    fn default() -> Self {
        ProctorSettings { proctored: true, allow_unproctored: false, snapshot_interval_s: 30, screen_interval_s: 60, require_screen: true }
    }
}
