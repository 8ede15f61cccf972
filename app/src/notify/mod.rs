//! Notifications (PLT-3): one way to send a message to a person by email, SMS or the in-app
//! inbox. Server functions only *enqueue* into the outbox table inside their transaction;
//! the server's delivery worker sends, records the status, and retries failures with backoff.
//! So a message is never sent for a change that was rolled back, and never lost when a
//! gateway is down. Reading the in-app messages is `inbox`.

pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
/// Every domain enqueues its messages as `notify::outbox::enqueue`.
#[cfg(feature = "ssr")]
pub use store::outbox;
