//! What the pages show of the client: the device check's steps and the capture panel's state.
//! Plain signals, so the server renders the same markup the browser hydrates, and the client
//! (hydrate only) writes them from its tasks with `try_set` (a page left meanwhile has disposed
//! them, which must not panic).

use crate::i18n::Msg;
use leptos::prelude::*;

/// One step of the device check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Waiting,
    Running,
    Passed,
    Failed(Msg),
}

impl Step {
    pub fn passed(self) -> bool {
        self == Step::Passed
    }

    /// The step's state as a word for people, and as a class and a test id for pages.
    pub fn label(self) -> Msg {
        match self {
            Step::Waiting => Msg::CheckWaiting,
            Step::Running => Msg::CheckRunning,
            Step::Passed => Msg::CheckPassed,
            Step::Failed(_) => Msg::CheckFailed,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Step::Waiting => "waiting",
            Step::Running => "running",
            Step::Passed => "passed",
            Step::Failed(_) => "failed",
        }
    }

    pub fn error(self) -> Option<Msg> {
        match self {
            Step::Failed(m) => Some(m),
            _ => None,
        }
    }
}

/// The device check (PRC-3): camera permission, live picture, a test snapshot the server
/// acknowledged, and the entire-screen share where it is asked for.
#[derive(Clone, Copy)]
pub struct CheckSteps {
    pub camera: RwSignal<Step>,
    pub preview: RwSignal<Step>,
    pub snapshot: RwSignal<Step>,
    pub screen: RwSignal<Step>,
    /// Faces the server saw in the test snapshot.
    pub faces: RwSignal<Option<u32>>,
    /// The browser says a second screen is attached (a warning, not a failure).
    pub second_screen: RwSignal<bool>,
    /// The screen step is part of the check (known once the page knows the browser).
    pub require_screen: RwSignal<bool>,
}

impl CheckSteps {
    /// `require_screen`: whether the screen step is shown until the page knows the browser.
    pub fn new(require_screen: bool) -> CheckSteps {
        CheckSteps {
            camera: RwSignal::new(Step::Waiting),
            preview: RwSignal::new(Step::Waiting),
            snapshot: RwSignal::new(Step::Waiting),
            screen: RwSignal::new(Step::Waiting),
            faces: RwSignal::new(None),
            second_screen: RwSignal::new(false),
            require_screen: RwSignal::new(require_screen),
        }
    }

    /// Every required step has passed: the exam may start.
    pub fn ready(&self) -> bool {
        self.camera.get().passed()
            && self.preview.get().passed()
            && self.snapshot.get().passed()
            && (!self.require_screen.get() || self.screen.get().passed())
    }
}

/// The capture panel while sitting the exam.
#[derive(Clone, Copy)]
pub struct CaptureStatus {
    pub camera_on: RwSignal<bool>,
    pub screen_on: RwSignal<bool>,
    pub require_screen: bool,
    /// Snapshots and events kept in the outbox, not yet acknowledged by the server.
    pub queued: RwSignal<u32>,
    /// Items the server acknowledged during this page's life.
    pub sent: RwSignal<u32>,
    /// When the server last acknowledged an item (epoch ms).
    pub last_sent_at: RwSignal<Option<i64>>,
    /// Faces counted in the last webcam frame (None before the first, or without a detector).
    pub faces: RwSignal<Option<u32>>,
    pub online: RwSignal<bool>,
    /// Why turning the camera or the screen share back on failed.
    pub problem: RwSignal<Option<Msg>>,
}

impl CaptureStatus {
    pub fn new(require_screen: bool) -> CaptureStatus {
        CaptureStatus {
            // On until the session's first look at the streams says otherwise (within a second),
            // so the "turn it back on" prompt does not flash at the start.
            camera_on: RwSignal::new(true),
            screen_on: RwSignal::new(true),
            require_screen,
            queued: RwSignal::new(0),
            sent: RwSignal::new(0),
            last_sent_at: RwSignal::new(None),
            faces: RwSignal::new(None),
            online: RwSignal::new(true),
            problem: RwSignal::new(None),
        }
    }
}
