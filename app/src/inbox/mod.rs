//! The signed-in user's in-app inbox (PLT-3): the messages that `notify` delivered to the
//! in-app channel, newest first, and marking one read. Apart from `notify`, which every domain
//! (sign-in codes included) uses to send, because reading one's inbox needs a signed-in user.
//! The person's settings of what reaches them and how are here too (`preferences`).

pub mod api;
pub mod page;
pub mod preferences;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// A message in the user's in-app inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub read: bool,
}
