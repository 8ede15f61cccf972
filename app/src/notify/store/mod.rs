//! All SQL of sending notifications: the outbox (enqueueing and delivery) in [`outbox`], the
//! choices and told events of notifications on events in [`preferences`]. The in-app inbox
//! that people read is `inbox`.

pub mod outbox;
pub mod preferences;
