//! The proctoring wire contract: what the capture client in the browser (`client/`) sends and
//! what the ingest on the server (`ingest.rs`) reads, written once for both sides, so neither
//! can change a header, a path or a field without the other following.
//!
//! - an image: `POST EVIDENCE_PATH`, the JPEG as the body, the headers below; answered with
//!   [`Stored`] (a retry with the same key answers `duplicate: true` and stores nothing);
//! - browser events: `POST EVENTS_PATH` with an [`EventBatch`] as JSON, answered with
//!   [`Accepted`];
//! - the device check's test snapshot: `POST CHECK_PATH`, answered with [`CheckResult`].
//!
//! Refusals come back as the app's error JSON; only an explicit refusal drops a capture, anything
//! else leaves it in the browser's queue to be sent again (`client::rules::outcome`).

use serde::{Deserialize, Serialize};

pub const EVIDENCE_PATH: &str = "/api/proctor/evidence";
pub const EVENTS_PATH: &str = "/api/proctor/events";
pub const CHECK_PATH: &str = "/api/proctor/check";

/// Headers of an image upload.
pub const ATTEMPT_HEADER: &str = "x-talap-attempt";
/// [`EvidenceKind::as_str`].
pub const KIND_HEADER: &str = "x-talap-kind";
/// The capture's idempotency key ([`valid_key`]).
pub const KEY_HEADER: &str = "x-talap-key";
/// When the browser captured it, in ms since the epoch.
pub const CAPTURED_AT_HEADER: &str = "x-talap-captured-at";
/// Faces the browser counted in a webcam snapshot (absent when it could not count).
pub const FACES_HEADER: &str = "x-talap-faces";

/// Largest evidence image accepted. A 1280-wide JPEG screenshot of a busy screen is ~150 KB; a
/// webcam snapshot ~15 KB. 1 MiB leaves room for odd screens and refuses anything abusive.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// Events in one batch.
pub const MAX_EVENTS: usize = 200;
/// Largest event batch body.
pub const MAX_EVENTS_BYTES: usize = 64 * 1024;

/// What an image shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    Webcam,
    Screen,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Webcam => "webcam",
            EvidenceKind::Screen => "screen",
        }
    }

    pub fn parse(s: &str) -> Option<EvidenceKind> {
        match s {
            "webcam" => Some(EvidenceKind::Webcam),
            "screen" => Some(EvidenceKind::Screen),
            _ => None,
        }
    }
}

/// A capture's idempotency key: 16..64 of [0-9a-zA-Z_-] (it becomes part of a media key).
pub fn valid_key(k: &str) -> bool {
    (16..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Browser events of one attempt.
#[derive(Deserialize, Serialize, Debug)]
pub struct EventBatch {
    pub attempt: i64,
    pub events: Vec<EventIn>,
}

#[derive(Deserialize, Serialize, Debug)]
pub struct EventIn {
    /// Idempotency key ([`valid_key`]): an event sent twice is stored once.
    pub key: String,
    /// One of `violations::EVENT_KINDS`.
    pub kind: String,
    pub at: i64,
    #[serde(default)]
    pub detail: String,
}

/// An image stored (or found stored under its key).
#[derive(Serialize, Deserialize, Debug)]
pub struct Stored {
    pub id: i64,
    pub duplicate: bool,
}

/// Events of a batch newly stored (those sent before are not counted again).
#[derive(Serialize, Deserialize, Debug)]
pub struct Accepted {
    pub accepted: usize,
}

/// What the device check's test snapshot showed the server.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckResult {
    pub width: u32,
    pub height: u32,
    pub faces: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_kinds_read_as_both_sides_write_them() {
        assert!(valid_key("k-0123456789abcdef"));
        assert!(!valid_key("short"));
        assert!(!valid_key("../../etc/passwd-0123456789"));
        for kind in [EvidenceKind::Webcam, EvidenceKind::Screen] {
            assert_eq!(EvidenceKind::parse(kind.as_str()), Some(kind));
        }
        let batch: EventBatch = serde_json::from_str(r#"{"attempt":7,"events":[{"key":"k","kind":"tab_hidden","at":1}]}"#).unwrap();
        assert_eq!((batch.attempt, batch.events[0].detail.as_str()), (7, ""), "detail may be left out");
    }
}
