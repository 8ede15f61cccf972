//! The signed-in user's in-app inbox (PLT-3): the messages that `notify` delivered to the
//! in-app channel, newest first, and marking one read. Apart from `notify`, which every domain
//! (sign-in codes included) uses to send, because reading one's inbox needs a signed-in user.
//! The person's settings of what reaches them and how are here too (`preferences`).
//!
//! A student can get a dozen marks in a day: the page groups messages by the kind of event
//! they tell (`group`), the group with the newest message first, each with its unread count
//! and one "mark all read".

pub mod api;
pub mod page;
pub mod preferences;
#[cfg(feature = "ssr")]
pub mod store;

use crate::i18n::Msg;
use crate::notify::model::EventKind;
use serde::{Deserialize, Serialize};

/// A message in the user's in-app inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub read: bool,
    /// The kind of event it tells; None for messages that tell none (notes to the person).
    pub kind: Option<EventKind>,
}

/// The messages of one kind, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxGroup {
    pub kind: Option<EventKind>,
    pub unread: usize,
    pub messages: Vec<InboxMessage>,
}

/// Groups messages (newest first, as listed) by kind; the groups keep the order of their newest
/// messages, so what came last stays on top.
pub fn group(messages: Vec<InboxMessage>) -> Vec<InboxGroup> {
    let mut groups: Vec<InboxGroup> = Vec::new();
    for m in messages {
        let i = match groups.iter().position(|g| g.kind == m.kind) {
            Some(i) => i,
            None => {
                groups.push(InboxGroup { kind: m.kind, unread: 0, messages: Vec::new() });
                groups.len() - 1
            }
        };
        groups[i].unread += usize::from(!m.read);
        groups[i].messages.push(m);
    }
    groups
}

/// A group's title.
pub fn group_title(kind: Option<EventKind>) -> Msg {
    match kind {
        Some(EventKind::Mark) => Msg::InboxGroupMarks,
        Some(EventKind::Assignment) => Msg::InboxGroupAssignments,
        Some(EventKind::ExamScheduled) => Msg::InboxGroupExams,
        Some(EventKind::CertificateReady) => Msg::InboxGroupCertificates,
        Some(EventKind::ServiceResult) => Msg::InboxGroupServices,
        Some(EventKind::ResultsPublished) => Msg::InboxGroupResults,
        Some(EventKind::Placement) => Msg::InboxGroupPlacement,
        Some(EventKind::Application) => Msg::InboxGroupApplications,
        None => Msg::InboxGroupOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, kind: Option<EventKind>, read: bool) -> InboxMessage {
        InboxMessage { id, subject: format!("s{id}"), body: String::new(), created_at: id, read, kind }
    }

    #[test]
    fn messages_group_by_kind_newest_group_first_with_unread_counts() {
        let mark = Some(EventKind::Mark);
        let listed = vec![
            message(9, mark, false),
            message(8, Some(EventKind::Assignment), false),
            message(7, mark, false),
            message(6, None, true),
            message(5, mark, true),
        ];
        let groups = group(listed);
        let shape: Vec<(Option<EventKind>, usize, Vec<i64>)> =
            groups.iter().map(|g| (g.kind, g.unread, g.messages.iter().map(|m| m.id).collect())).collect();
        assert_eq!(
            shape,
            vec![(mark, 2, vec![9, 7, 5]), (Some(EventKind::Assignment), 1, vec![8]), (None, 0, vec![6])],
            "three marks make one group of two unread, under its newest message's place"
        );
        assert!(group(Vec::new()).is_empty());
    }

    #[test]
    fn every_kind_has_its_own_group_title() {
        let mut titles: Vec<Msg> = EventKind::ALL.iter().map(|k| group_title(Some(*k))).collect();
        titles.push(group_title(None));
        let distinct: std::collections::BTreeSet<&str> = titles.iter().map(|m| m.name()).collect();
        assert_eq!(distinct.len(), EventKind::ALL.len() + 1);
    }
}
