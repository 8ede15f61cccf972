//! Notifications (PLT-3): one way to send a message to a person by email, SMS or the in-app
//! inbox. Server functions only *enqueue* into the outbox table inside their transaction;
//! the server's delivery worker sends, records the status, and retries failures with backoff.
//! So a message is never sent for a change that was rolled back, and never lost when a
//! gateway is down. Reading the in-app messages is `inbox`.
//!
//! Notifications on events (a mark, an assignment, an exam, a certificate, results, a
//! placement, a service's result) go through [`event`] (in [`events`]), which follows each
//! person's choice of channels (`store::preferences`; the settings page is
//! `inbox::preferences`, above the accounts it needs) and tells an event once.

#[cfg(feature = "ssr")]
pub mod events;
pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
/// Every domain tells its events as `notify::event(tx, notify::Event::mark(...))`.
#[cfg(feature = "ssr")]
pub use events::{event, service_result_ready, Event};
/// Every domain enqueues its messages as `notify::outbox::enqueue`.
#[cfg(feature = "ssr")]
pub use store::outbox;
