//! Consent to the processing of personal data (issue 21; Kazakhstan's law 94-V, articles 7-8).
//! Proctoring takes webcam snapshots of a face (biometric data) and screenshots, so nothing is
//! captured before the person agrees: the device check and every proctored sitting show the
//! consent step first (`page::ConsentGate`), and the server refuses evidence and test snapshots
//! from a person without an open consent (`proctor::ingest`). A minor's consent is given by a
//! parent or legal guardian, whose name is recorded; the IIN, where the account has one, tells
//! who is a minor. Consent is withdrawn on the profile page; giving and withdrawing are audited.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod store;
