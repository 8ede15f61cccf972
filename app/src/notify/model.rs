use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Email,
    Sms,
    InApp,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::InApp => "inapp",
        }
    }
    pub fn from_code(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            "inapp" => Some(Channel::InApp),
            _ => None,
        }
    }
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::InApp, Channel::Email, Channel::Sms];
}

/// What happened, as far as a person's choice of channels goes: each kind has its own row on
/// the settings page (`preferences`) and its own texts in the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A new or changed mark in the journal (to the student).
    Mark,
    /// A new assignment for the student's group.
    Assignment,
    /// An exam sitting scheduled for the candidate.
    ExamScheduled,
    /// A certificate (a journal certificate, an olympiad certificate) ready to download.
    CertificateReady,
    /// A state e-service's result ready (called by the e-services).
    ServiceResult,
    /// An olympiad's results published (to each participant).
    ResultsPublished,
    /// A placement decision for an olympiad winner.
    Placement,
    /// The progress of the person's own application (an e-service's or admission's): returned
    /// for a correction, documents accepted, the competition's outcome, the enrolment.
    Application,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::Mark,
        EventKind::Assignment,
        EventKind::ExamScheduled,
        EventKind::CertificateReady,
        EventKind::ServiceResult,
        EventKind::ResultsPublished,
        EventKind::Placement,
        EventKind::Application,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Mark => "mark",
            EventKind::Assignment => "assignment",
            EventKind::ExamScheduled => "exam_scheduled",
            EventKind::CertificateReady => "certificate_ready",
            EventKind::ServiceResult => "service_result",
            EventKind::ResultsPublished => "results_published",
            EventKind::Placement => "placement",
            EventKind::Application => "application",
        }
    }

    pub fn from_code(s: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The row's label on the settings page.
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            EventKind::Mark => Msg::NoticeKindMark,
            EventKind::Assignment => Msg::NoticeKindAssignment,
            EventKind::ExamScheduled => Msg::NoticeKindExam,
            EventKind::CertificateReady => Msg::NoticeKindCertificate,
            EventKind::ServiceResult => Msg::NoticeKindService,
            EventKind::ResultsPublished => Msg::NoticeKindResults,
            EventKind::Placement => Msg::NoticeKindPlacement,
            EventKind::Application => Msg::NoticeKindApplication,
        }
    }

    /// The channel's default when the person has not chosen. In-app is always on; email is on
    /// (when there is a confirmed email); SMS only where a missed message costs something (a
    /// sitting's time and room, a placement, a service's result, an application sent back or
    /// decided) and there is a confirmed phone.
    pub fn default_on(self, channel: Channel) -> bool {
        match channel {
            Channel::InApp | Channel::Email => true,
            Channel::Sms => {
                matches!(self, EventKind::ExamScheduled | EventKind::Placement | EventKind::ServiceResult | EventKind::Application)
            }
        }
    }
}

/// One cell of the settings page: whether the channel is on for the kind, and whether it can be
/// (a channel without a confirmed contact is shown off and disabled, with the reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelChoice {
    pub channel: Channel,
    pub on: bool,
}

/// One row of the settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChoices {
    pub kind: EventKind,
    pub channels: Vec<ChannelChoice>,
}

/// The signed-in person's settings: each kind's channels, and which contacts are confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub kinds: Vec<KindChoices>,
    pub has_email: bool,
    pub has_phone: bool,
}

impl Preferences {
    /// Whether the person has a contact the channel can reach.
    pub fn reachable(&self, channel: Channel) -> bool {
        match channel {
            Channel::InApp => true,
            Channel::Email => self.has_email,
            Channel::Sms => self.has_phone,
        }
    }
}
