//! The client's decisions that need no browser, so they are unit-tested on the server side:
//! frame sizes, which browser error means what for the candidate, what an upload's status means
//! for the outbox, how long to wait before the next try, and the events' codes.

use crate::i18n::Msg;

/// Webcam snapshots: small (a face in 320x240 is what the reviewer needs; ~10..20 KB as JPEG).
/// The box is square so that a phone held upright gives a portrait frame of 240x320, as many
/// pixels as a computer's 320x240, instead of a shrunken 180x240.
pub const WEBCAM_WIDTH: u32 = 320;
pub const WEBCAM_HEIGHT: u32 = 320;
pub const WEBCAM_QUALITY: f64 = 0.7;
/// Screenshots: readable text at most 1280 wide (~60..200 KB as JPEG, under the 1 MiB cap).
pub const SCREEN_MAX_WIDTH: u32 = 1280;
pub const SCREEN_MAX_HEIGHT: u32 = 1280;
pub const SCREEN_QUALITY: f64 = 0.6;
/// The frame the browser's face detector reads: the webcam snapshot itself, 320x240 (240x320
/// upright on a phone), which is also the size the server re-checks at (it scales to 320
/// wide), so both count the same pixels. Its time per frame is measured by the phone browser
/// test with the CPU slowed 4x (BENCHMARKS.md); a face needs `faces::MIN_FACE_SIZE` = 40 px of
/// 240, a candidate leaning back still counts.
pub const DETECT_WIDTH: u32 = WEBCAM_WIDTH;
pub const DETECT_HEIGHT: u32 = WEBCAM_HEIGHT;
/// On a phone faces are counted in a frame of at most 160x160 (160x120, or 120x160 upright): a
/// quarter of the pixels. Measured in the phone browser test with the CPU slowed 4x, the full
/// 320 frame took 56..87 ms per detection, a task long enough to swallow a tap; a face held at
/// arm's length fills far more than `faces::MIN_FACE_SIZE` of it. The snapshot sent stays
/// 320, and the server re-counts any frame the phone saw no face in, at its own size.
pub const PHONE_DETECT_BOX: u32 = 160;
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

/// Whether a device check asks for the screen: the exam's or the attempt's need, decided
/// before the page knows the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenNeed {
    /// A computer-only exam, or an attempt that started with the screen.
    Required,
    /// An exam for any device (and the device check's own page): the screen where it can be shared.
    IfPossible,
    /// An attempt that started with the camera alone.
    Never,
}

/// What the device check does about the screen once the browser is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenStep {
    /// The entire-screen step is shown and must pass.
    Ask,
    /// No screen step: the capture is the camera alone.
    Skip,
    /// This browser cannot take part: the exam needs a computer, and the check says so instead.
    NeedsComputer,
}

/// `can_share`: the browser has `getDisplayMedia` (no phone or tablet browser has).
pub fn screen_step(need: ScreenNeed, can_share: bool) -> ScreenStep {
    match (need, can_share) {
        (ScreenNeed::Never, _) => ScreenStep::Skip,
        (_, true) => ScreenStep::Ask,
        (ScreenNeed::IfPossible, false) => ScreenStep::Skip,
        (ScreenNeed::Required, false) => ScreenStep::NeedsComputer,
    }
}

/// Webcam snapshots shrink while uploads lag behind (a slow mobile network): the JPEG quality
/// and the frame's size for the number of images the outbox still holds. A few queued images
/// are a normal upload in flight; a backlog means each further image should cost less, so the
/// answers (sent apart from the outbox, and first) and the evidence both get through.
pub fn webcam_quality(images_queued: u32) -> (f64, u32, u32) {
    match images_queued {
        0..=3 => (WEBCAM_QUALITY, WEBCAM_WIDTH, WEBCAM_HEIGHT),
        4..=11 => (0.5, WEBCAM_WIDTH, WEBCAM_HEIGHT),
        _ => (0.4, 240, 240),
    }
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
    /// A phone's page hidden: another app, an incoming call, the screen locked.
    AppHidden,
    AppVisible,
    /// The camera stopped giving pictures for a while (another app or a call took it).
    CameraInterrupted,
    CameraResumed,
    /// The device was turned (detail: the new orientation). Not a violation.
    Orientation,
}

impl BrowserEvent {
    pub const ALL: [BrowserEvent; 21] = [
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
        BrowserEvent::AppHidden,
        BrowserEvent::AppVisible,
        BrowserEvent::CameraInterrupted,
        BrowserEvent::CameraResumed,
        BrowserEvent::Orientation,
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
            BrowserEvent::AppHidden => "app_hidden",
            BrowserEvent::AppVisible => "app_visible",
            BrowserEvent::CameraInterrupted => "camera_interrupted",
            BrowserEvent::CameraResumed => "camera_resumed",
            BrowserEvent::Orientation => "orientation",
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
    fn a_phone_skips_the_screen_only_where_the_exam_allows_it() {
        assert_eq!(screen_step(ScreenNeed::Required, true), ScreenStep::Ask);
        assert_eq!(screen_step(ScreenNeed::Required, false), ScreenStep::NeedsComputer);
        assert_eq!(screen_step(ScreenNeed::IfPossible, true), ScreenStep::Ask);
        assert_eq!(screen_step(ScreenNeed::IfPossible, false), ScreenStep::Skip);
        assert_eq!(screen_step(ScreenNeed::Never, true), ScreenStep::Skip);
        assert_eq!(screen_step(ScreenNeed::Never, false), ScreenStep::Skip);
    }

    #[test]
    fn snapshots_cost_less_as_uploads_lag() {
        assert_eq!(webcam_quality(0), (WEBCAM_QUALITY, WEBCAM_WIDTH, WEBCAM_HEIGHT));
        let (q1, _, _) = webcam_quality(5);
        let (q2, w2, h2) = webcam_quality(40);
        assert!(q1 < WEBCAM_QUALITY && q2 < q1);
        assert!(w2 * h2 < WEBCAM_WIDTH * WEBCAM_HEIGHT);
        // A phone held upright keeps its portrait frame at full size.
        assert_eq!(fit(480, 640, WEBCAM_WIDTH, WEBCAM_HEIGHT), (240, 320));
        assert_eq!(fit(640, 480, WEBCAM_WIDTH, WEBCAM_HEIGHT), (320, 240));
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
