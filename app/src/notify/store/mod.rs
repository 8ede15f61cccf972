//! All SQL of sending notifications: the outbox (enqueueing and delivery) in [`outbox`]. The
//! in-app inbox that people read is `inbox`.

pub mod outbox;
