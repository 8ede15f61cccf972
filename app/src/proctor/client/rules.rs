//! The client's decisions that need no browser, so they are unit-tested on the server side:
//! frame sizes, which browser error means what for the candidate, what an upload's status means
//! for the outbox, how long to wait before the next try, and the events' codes.

use crate::i18n::Msg;

/// Webcam snapshots: small (a face in 320x240 is what the reviewer needs; ~10..20 KB as JPEG).
pub const WEBCAM_WIDTH: u32 = 320;
pub const WEBCAM_HEIGHT: u32 = 240;
pub const WEBCAM_QUALITY: f64 = 0.7;
/// Screenshots: readable text at most 1280 wide (~60..200 KB as JPEG, under the 1 MiB cap).
pub const SCREEN_MAX_WIDTH: u32 = 1280;
pub const SCREEN_MAX_HEIGHT: u32 = 1280;
pub const SCREEN_QUALITY: f64 = 0.6;
/// The frame the browser's face detector reads: the webcam snapshot itself, 320x240, which is
/// also the size the server re-checks at (it scales to 320 wide), so both count the same pixels.
/// Measured in headless Chromium (fake camera, debug wasm with rustface optimised): 160x120 took
/// 1.4..9.5 ms (median 2), so the full snapshot size stays far below a 50 ms long task; a face
/// needs `faces::MIN_FACE_SIZE` = 40 px of 240, a candidate leaning back still counts.
pub const DETECT_WIDTH: u32 = WEBCAM_WIDTH;
pub const DETECT_HEIGHT: u32 = WEBCAM_HEIGHT;
/// Events sent in one request (the server takes at most 200).
pub const EVENTS_PER_BATCH: usize = 200;
/// Outbox items read at a time when flushing.
pub const FLUSH_CHUNK: u32 = 50;

/// The largest size of `width` x `height` that fits in `max_w` x `max_h`, keeping its shape;
/// never enlarged, never zero.
pub fn fit(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (max_w.max(1), max_h.max(1));
    }
    let scale = (f64::from(max_w) / f64::from(width)).min(f64::from(max_h) / f64::from(height)).min(1.0);
    (((f64::from(width) * scale).round() as u32).max(1), ((f64::from(height) * scale).round() as u32).max(1))
}

/// What the candidate is told when the camera cannot be opened, from the DOMException's name.
pub fn camera_error(name: &str) -> Msg {
    match name {
        "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => Msg::ErrCameraNotFound,
        "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => Msg::ErrCameraDenied,
        "NotReadableError" | "TrackStartError" | "AbortError" => Msg::ErrCameraBusy,
        _ => Msg::ErrCameraUnsupported,
    }
}

/// What the candidate is told when the screen share fails, from the DOMException's name.
pub fn screen_error(name: &str) -> Msg {
    match name {
        "NotAllowedError" | "AbortError" | "InvalidStateError" => Msg::ErrScreenRefused,
        "NotFoundError" | "NotReadableError" => Msg::ErrScreenRefused,
        _ => Msg::ErrScreenUnsupported,
    }
}

/// Whether a shared surface is the entire screen. Chromium and Firefox report
/// `displaySurface` ("monitor", "window", "browser"); a browser that reports nothing cannot be
/// told apart and is let through (its screenshots still show the reviewer what was shared).
pub fn is_entire_screen(display_surface: Option<&str>) -> bool {
    matches!(display_surface, None | Some("monitor"))
}

/// The feedback on the faces the server saw in the test snapshot.
pub fn faces_msg(faces: u32) -> Msg {
    match faces {
        0 => Msg::FacesNone,
        1 => Msg::FacesOne,
        _ => Msg::FacesMany,
    }
}

/// What an upload's answer means for the item in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (or already stored): remove it.
    Done,
    /// Refused for good (bad request, another's attempt, attempt closed): remove it, never retry.
    Refused,
    /// Not now (server error, rate limit, signed out for a moment, no network): keep and retry.
    Retry,
}

pub fn outcome(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Done,
        401 | 408 | 425 | 429 => Outcome::Retry,
        400..=499 => Outcome::Refused,
        _ => Outcome::Retry,
    }
}

/// Exponential backoff between failed uploads: 1 s, 2 s, 4 s ... at most a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    next_ms: u32,
}

impl Backoff {
    pub const FIRST_MS: u32 = 1_000;
    pub const MAX_MS: u32 = 60_000;

    pub fn new() -> Backoff {
        Backoff { next_ms: Self::FIRST_MS }
    }

    /// The wait after one more failure.
    pub fn fail(&mut self) -> u32 {
        let wait = self.next_ms;
        self.next_ms = (self.next_ms.saturating_mul(2)).min(Self::MAX_MS);
        wait
    }

    pub fn reset(&mut self) {
        self.next_ms = Self::FIRST_MS;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

/// The browser events the client reports (their codes are `violations::EVENT_KINDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserEvent {
    TabHidden,
    TabVisible,
    WindowBlur,
    WindowFocus,
    FullscreenExit,
    FullscreenEnter,
    Copy,
    Cut,
    Paste,
    ContextMenu,
    CameraEnded,
    ScreenEnded,
    SecondScreen,
    Offline,
    Online,
    CheckPassed,
}

impl BrowserEvent {
    pub const ALL: [BrowserEvent; 16] = [
        BrowserEvent::TabHidden,
        BrowserEvent::TabVisible,
        BrowserEvent::WindowBlur,
        BrowserEvent::WindowFocus,
        BrowserEvent::FullscreenExit,
        BrowserEvent::FullscreenEnter,
        BrowserEvent::Copy,
        BrowserEvent::Cut,
        BrowserEvent::Paste,
        BrowserEvent::ContextMenu,
        BrowserEvent::CameraEnded,
        BrowserEvent::ScreenEnded,
        BrowserEvent::SecondScreen,
        BrowserEvent::Offline,
        BrowserEvent::Online,
        BrowserEvent::CheckPassed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BrowserEvent::TabHidden => "tab_hidden",
            BrowserEvent::TabVisible => "tab_visible",
            BrowserEvent::WindowBlur => "window_blur",
            BrowserEvent::WindowFocus => "window_focus",
            BrowserEvent::FullscreenExit => "fullscreen_exit",
            BrowserEvent::FullscreenEnter => "fullscreen_enter",
            BrowserEvent::Copy => "copy",
            BrowserEvent::Cut => "cut",
            BrowserEvent::Paste => "paste",
            BrowserEvent::ContextMenu => "context_menu",
            BrowserEvent::CameraEnded => "camera_ended",
            BrowserEvent::ScreenEnded => "screen_ended",
            BrowserEvent::SecondScreen => "second_screen",
            BrowserEvent::Offline => "offline",
            BrowserEvent::Online => "online",
            BrowserEvent::CheckPassed => "check_passed",
        }
    }
}

/// Alphabet of the idempotency keys: 64 symbols, so one random byte gives one symbol without
/// bias (`byte & 63`), and every key passes the server's `valid_key`.
const KEY_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const KEY_LEN: usize = 32;

/// An idempotency key from random bytes (the browser's `crypto.getRandomValues`).
pub fn key_from_random(bytes: &[u8; KEY_LEN]) -> String {
    bytes.iter().map(|b| char::from(KEY_ALPHABET[usize::from(b & 63)])).collect()
}

/// "14:05:09", Kazakhstan time (the panel's "last sent").
pub fn clock(ms: i64) -> String {
    let secs = (ms + crate::ui::time::KZ_OFFSET_MS).rem_euclid(86_400_000) / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, (secs % 3600) / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_fit_without_stretching_or_enlarging() {
        assert_eq!(fit(640, 480, 320, 240), (320, 240));
        assert_eq!(fit(1920, 1080, 1280, 1280), (1280, 720));
        assert_eq!(fit(1080, 1920, 1280, 1280), (720, 1280));
        assert_eq!(fit(800, 600, 1280, 1280), (800, 600));
        assert_eq!(fit(1280, 720, 320, 240), (320, 180));
        assert_eq!(fit(0, 0, 320, 240), (320, 240));
    }

    #[test]
    fn every_camera_failure_has_its_message() {
        assert_eq!(camera_error("NotFoundError"), Msg::ErrCameraNotFound);
        assert_eq!(camera_error("NotAllowedError"), Msg::ErrCameraDenied);
        assert_eq!(camera_error("NotReadableError"), Msg::ErrCameraBusy);
        assert_eq!(camera_error("TypeError"), Msg::ErrCameraUnsupported);
        assert_eq!(screen_error("NotAllowedError"), Msg::ErrScreenRefused);
        assert_eq!(screen_error("TypeError"), Msg::ErrScreenUnsupported);
    }

    #[test]
    fn only_the_entire_screen_is_accepted() {
        assert!(is_entire_screen(Some("monitor")));
        assert!(!is_entire_screen(Some("window")));
        assert!(!is_entire_screen(Some("browser")));
        assert!(is_entire_screen(None));
    }

    #[test]
    fn refusals_are_dropped_and_failures_retried() {
        assert_eq!(outcome(200), Outcome::Done);
        for s in [400, 403, 404, 413, 422] {
            assert_eq!(outcome(s), Outcome::Refused, "{s}");
        }
        for s in [0, 401, 429, 500, 502, 503] {
            assert_eq!(outcome(s), Outcome::Retry, "{s}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_a_minute_and_resets() {
        let mut b = Backoff::new();
        let waits: Vec<u32> = (0..8).map(|_| b.fail()).collect();
        assert_eq!(waits, vec![1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
        b.reset();
        assert_eq!(b.fail(), 1_000);
    }

    #[test]
    fn event_codes_are_the_servers() {
        for e in BrowserEvent::ALL {
            assert!(crate::proctor::violations::EVENT_KINDS.contains(&e.code()), "{e:?}");
        }
    }

    #[test]
    fn keys_are_valid_for_the_server() {
        let mut bytes = [0u8; KEY_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i * 37) as u8;
        }
        let k = key_from_random(&bytes);
        assert_eq!(k.len(), KEY_LEN);
        assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(key_from_random(&[255u8; KEY_LEN]), "_".repeat(KEY_LEN));
    }

    #[test]
    fn clock_is_kazakhstan_time() {
        // 2026-11-23 09:05:09 UTC is 14:05:09 in Kazakhstan.
        assert_eq!(clock(1_795_424_709_000), "14:05:09");
        assert_eq!(faces_msg(0), Msg::FacesNone);
        assert_eq!(faces_msg(1), Msg::FacesOne);
        assert_eq!(faces_msg(3), Msg::FacesMany);
    }
}
