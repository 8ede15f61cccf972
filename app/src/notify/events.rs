//! Notifications on events (PLT-3): the one entry point, [`event`], that every domain calls
//! inside the transaction of the change it tells about. It reads the recipient's language and
//! chosen channels, renders the subject and body from the catalogue in that language, and
//! enqueues one message per chosen channel that the person has a confirmed contact for. Each
//! event has a key (kind, object, recipient; the object names the value's version where the
//! value can change again): telling an event whose key was told already does nothing, so a
//! retried request or a re-run never sends twice, while a real change (a mark changed to
//! another value) is a new object version and a new message.

use super::model::{Channel, EventKind};
use super::outbox::{enqueue_of_kind, Outgoing};
use super::store::preferences as stored;
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use sqlx::{Any, Transaction};

/// A value put into a message's `{name}` placeholder: a text as stored (a subject, a title), or
/// a catalogue message rendered in the recipient's language (a service's name).
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

/// One event to tell one person. Build it with the constructors below (each picks the kind,
/// the texts and the key's object); `event` tells it.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: EventKind,
    pub recipient_user_id: i64,
    /// What the event is about (and its version where it can change): with the kind and the
    /// recipient, the dedupe key.
    pub object: String,
    pub subject: Msg,
    pub body: Msg,
    pub args: Vec<(&'static str, Arg)>,
}

fn text(s: impl Into<String>) -> Arg {
    Arg::Text(s.into())
}

impl Event {
    /// A new or changed mark. `version` is the cell's number of changes so far (its history
    /// lines), so the same change told again is one event and a later change another.
    pub fn mark(student_id: i64, lesson_id: i64, version: i64, subject: &str, lesson_date: &str, mark: &str) -> Event {
        Event {
            kind: EventKind::Mark,
            recipient_user_id: student_id,
            object: format!("lesson:{lesson_id}:v{version}"),
            subject: Msg::NoticeMarkSubject,
            body: Msg::NoticeMarkBody,
            args: vec![("subject", text(subject)), ("date", text(lesson_date)), ("mark", text(mark))],
        }
    }

    /// A new assignment for a student of the group.
    pub fn assignment(student_id: i64, assignment_id: i64, subject: &str, title: &str, due_date: &str) -> Event {
        Event {
            kind: EventKind::Assignment,
            recipient_user_id: student_id,
            object: format!("assignment:{assignment_id}"),
            subject: Msg::NoticeAssignmentSubject,
            body: Msg::NoticeAssignmentBody,
            args: vec![("subject", text(subject)), ("title", text(title)), ("due", text(due_date))],
        }
    }

    /// A sitting of an exam scheduled for the candidate (seated in it). Moving the candidate to
    /// another sitting is a new event; seating them again in the same one is not.
    pub fn exam_scheduled(student_id: i64, sitting_id: i64, exam: &str, starts_at: i64, room: &str) -> Event {
        Event {
            kind: EventKind::ExamScheduled,
            recipient_user_id: student_id,
            object: format!("sitting:{sitting_id}:{starts_at}"),
            subject: Msg::NoticeExamSubject,
            body: Msg::NoticeExamBody,
            args: vec![("exam", text(exam)), ("when", text(crate::ui::time::format_datetime(starts_at))), ("room", text(room))],
        }
    }

    /// A journal certificate (a reference from the college) issued.
    pub fn certificate_ready(student_id: i64, certificate_id: i64, purpose: &str, number: &str) -> Event {
        Event {
            kind: EventKind::CertificateReady,
            recipient_user_id: student_id,
            object: format!("certificate:{certificate_id}"),
            subject: Msg::NoticeCertificateSubject,
            body: Msg::NoticeCertificateBody,
            args: vec![("purpose", text(purpose)), ("number", text(number))],
        }
    }

    /// An olympiad certificate (a diploma or a participant's certificate) issued.
    pub fn olympiad_certificate(user_id: i64, certificate_id: i64, campaign: &str) -> Event {
        Event {
            kind: EventKind::CertificateReady,
            recipient_user_id: user_id,
            object: format!("olympiad-certificate:{certificate_id}"),
            subject: Msg::NoticeCertificateSubject,
            body: Msg::NoticeOlyCertificateBody,
            args: vec![("campaign", text(campaign))],
        }
    }

    /// An olympiad's results published: told to each participant once.
    pub fn results_published(user_id: i64, campaign_id: i64, campaign: &str) -> Event {
        Event {
            kind: EventKind::ResultsPublished,
            recipient_user_id: user_id,
            object: format!("campaign:{campaign_id}"),
            subject: Msg::NoticeResultsSubject,
            body: Msg::NoticeResultsBody,
            args: vec![("campaign", text(campaign))],
        }
    }

    /// A placement decision on a winner's application: `school_id` is the school it places the
    /// winner in (None: no seat), so running the placement again with the same outcome tells
    /// nothing, and a different outcome is a new event.
    pub fn placement(user_id: i64, application_id: i64, school_id: Option<i64>, campaign: &str) -> Event {
        Event {
            kind: EventKind::Placement,
            recipient_user_id: user_id,
            object: format!("application:{application_id}:school:{}", school_id.unwrap_or(0)),
            subject: Msg::NoticePlacementSubject,
            body: Msg::NoticePlacementBody,
            args: vec![("campaign", text(campaign))],
        }
    }

    /// A state e-service's result ready for the applicant. `service` is the service's name in
    /// the catalogue (rendered in the applicant's language), `number` the application's number.
    pub fn service_result(user_id: i64, application_id: i64, service: Msg, number: &str) -> Event {
        Event {
            kind: EventKind::ServiceResult,
            recipient_user_id: user_id,
            object: format!("application:{application_id}"),
            subject: Msg::NoticeServiceSubject,
            body: Msg::NoticeServiceBody,
            args: vec![("service", Arg::Msg(service)), ("number", text(number))],
        }
    }

    /// An application sent back to its applicant for a correction. `what` names the service or
    /// the admission campaign; `version` tells one return from a later one (the time of the
    /// return), so each return is told once.
    pub fn returned(user_id: i64, object: &str, version: i64, what: Arg, number: &str, comment: &str) -> Event {
        Event {
            kind: EventKind::Application,
            recipient_user_id: user_id,
            object: format!("{object}:returned:{version}"),
            subject: Msg::NoticeReturnedSubject,
            body: Msg::NoticeReturnedBody,
            args: vec![("what", what), ("number", text(number)), ("comment", text(comment))],
        }
    }

    /// Admission: the committee accepted the application's documents (the receipt exists).
    /// `version`: the time of the acceptance.
    pub fn admission_accepted(user_id: i64, application_id: i64, version: i64, campaign: &str, number: &str) -> Event {
        Event {
            kind: EventKind::Application,
            recipient_user_id: user_id,
            object: format!("admission:{application_id}:accepted:{version}"),
            subject: Msg::NoticeAdmAcceptedSubject,
            body: Msg::NoticeAdmAcceptedBody,
            args: vec![("campaign", text(campaign)), ("number", text(number))],
        }
    }

    /// Admission: the ranking is published; `specialty` is the one the applicant won a grant
    /// on (None: no grant). Told once per application (a campaign is published once).
    pub fn admission_outcome(user_id: i64, application_id: i64, campaign: &str, number: &str, specialty: Option<&str>) -> Event {
        let mut args = vec![("campaign", text(campaign)), ("number", text(number))];
        if let Some(s) = specialty {
            args.push(("specialty", text(s)));
        }
        Event {
            kind: EventKind::Application,
            recipient_user_id: user_id,
            object: format!("admission:{application_id}:outcome"),
            subject: Msg::NoticeAdmOutcomeSubject,
            body: if specialty.is_some() { Msg::NoticeAdmPlacedBody } else { Msg::NoticeAdmNotPlacedBody },
            args,
        }
    }

    /// Admission: the applicant is enrolled into a group (once per application).
    pub fn admission_enrolled(user_id: i64, application_id: i64, campaign: &str, group: &str) -> Event {
        Event {
            kind: EventKind::Application,
            recipient_user_id: user_id,
            object: format!("admission:{application_id}:enrolled"),
            subject: Msg::NoticeAdmEnrolledSubject,
            body: Msg::NoticeAdmEnrolledBody,
            args: vec![("campaign", text(campaign)), ("group", text(group))],
        }
    }

    /// The dedupe key: kind, object, recipient.
    pub fn key(&self) -> String {
        format!("{}:{}:u{}", self.kind.code(), self.object, self.recipient_user_id)
    }

    fn render(&self, msg: Msg, locale: Locale) -> String {
        let mut out = msg.text(locale).to_string();
        for (name, value) in &self.args {
            let value = match value {
                Arg::Text(s) => s.as_str(),
                Arg::Msg(m) => m.text(locale),
            };
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// Tells one event to its recipient inside the caller's transaction: once per chosen channel
/// the person can be reached on, in their language. Returns how many messages were queued:
/// 0 when the event was told already, or the recipient is gone or inactive.
pub async fn event(tx: &mut Transaction<'_, Any>, e: Event) -> Result<usize, AppError> {
    let Some(r) = stored::recipient_in(tx, e.recipient_user_id).await? else { return Ok(0) };
    if r.active != 1 {
        return Ok(0);
    }
    let now = crate::api::now_ms();
    if !stored::claim_event(tx, &e.key(), e.kind.code(), e.recipient_user_id, now).await? {
        return Ok(0);
    }
    let locale = Locale::from_code(&r.locale).unwrap_or_default();
    let (subject, body) = (e.render(e.subject, locale), e.render(e.body, locale));
    let choices = stored::choices_in(tx, e.recipient_user_id, e.kind.code()).await?;
    let mut queued = 0;
    for channel in Channel::ALL {
        let chosen = choices.iter().find(|c| c.channel == channel.code()).map_or(e.kind.default_on(channel), |c| c.enabled == 1);
        let address = match channel {
            Channel::InApp => Some(r.login.as_str()),
            Channel::Email => r.email.as_deref(),
            Channel::Sms => r.phone.as_deref(),
        };
        let Some(address) = address.filter(|_| chosen) else { continue };
        let m = Outgoing { channel, user_id: Some(e.recipient_user_id), recipient: address, subject: &subject, body: &body, secret: false };
        enqueue_of_kind(tx, m, Some(e.kind)).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Tells several events (each its own key), e.g. one per participant.
pub async fn events(tx: &mut Transaction<'_, Any>, list: Vec<Event>) -> Result<usize, AppError> {
    let mut queued = 0;
    for e in list {
        queued += event(tx, e).await?;
    }
    Ok(queued)
}

/// For the e-services: the applicant's result is ready. Call it in the transaction that
/// issues the result; calling it again for the same application tells nothing new.
pub async fn service_result_ready(
    tx: &mut Transaction<'_, Any>,
    applicant_id: i64,
    application_id: i64,
    service: Msg,
    number: &str,
) -> Result<usize, AppError> {
    event(tx, Event::service_result(applicant_id, application_id, service, number)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_event() -> Vec<Event> {
        vec![
            Event::mark(1, 2, 1, "Физика", "02.09.2026", "5"),
            Event::assignment(1, 3, "Физика", "Зертханалық жұмыс", "2026-09-30"),
            Event::exam_scheduled(1, 4, "Қорытынды емтихан", 1_800_000_000_000, "204"),
            Event::certificate_ready(1, 5, "Әскери комиссариатқа", "2026-000005"),
            Event::olympiad_certificate(1, 6, "Облыстық олимпиада"),
            Event::results_published(1, 7, "Облыстық олимпиада"),
            Event::placement(1, 8, Some(9), "Облыстық олимпиада"),
            Event::service_result(1, 10, Msg::NoticeKindService, "A-10"),
            Event::returned(1, "service:11", 1_800_000_000_000, Arg::Msg(Msg::NoticeKindService), "11", "Анықтаманың көшірмесі анық емес"),
            Event::admission_accepted(1, 12, 1_800_000_000_000, "Қабылдау 2027", "2027-00012"),
            Event::admission_outcome(1, 12, "Қабылдау 2027", "2027-00012", Some("06120100 Бағдарламалық қамтамасыз ету")),
            Event::admission_outcome(1, 13, "Қабылдау 2027", "2027-00013", None),
            Event::admission_enrolled(1, 12, "Қабылдау 2027", "БҚ-27"),
        ]
    }

    #[test]
    fn every_event_renders_in_every_language_with_its_values() {
        let events = every_event();
        let kinds: std::collections::BTreeSet<&str> = events.iter().map(|e| e.kind.code()).collect();
        assert_eq!(kinds.len(), EventKind::ALL.len(), "every kind has a constructor");
        for e in &events {
            for locale in [Locale::Kk, Locale::Ru, Locale::En] {
                for msg in [e.subject, e.body] {
                    let text = e.render(msg, locale);
                    assert!(!text.contains('{') && !text.contains('}'), "{:?} {locale:?}: {text}", e.kind);
                }
                let all = format!("{} {}", e.render(e.subject, locale), e.render(e.body, locale));
                for (_, arg) in &e.args {
                    let value = match arg {
                        Arg::Text(s) => s.clone(),
                        Arg::Msg(m) => m.text(locale).to_string(),
                    };
                    assert!(all.contains(&value), "{:?} {locale:?} lacks {value}: {all}", e.kind);
                }
            }
        }
    }

    #[test]
    fn a_changed_value_is_a_new_key_and_the_same_one_is_not() {
        let once = Event::mark(7, 2, 1, "Физика", "02.09.2026", "5").key();
        assert_eq!(once, Event::mark(7, 2, 1, "Физика", "02.09.2026", "5").key());
        assert_ne!(once, Event::mark(7, 2, 2, "Физика", "02.09.2026", "4").key(), "the next change of the cell");
        assert_ne!(once, Event::mark(8, 2, 1, "Физика", "02.09.2026", "5").key(), "another student");
        assert_ne!(Event::placement(1, 8, Some(9), "O").key(), Event::placement(1, 8, None, "O").key());
        assert_eq!(Event::placement(1, 8, Some(9), "O").key(), Event::placement(1, 8, Some(9), "P").key());
    }
}
