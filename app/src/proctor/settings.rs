//! How an exam is proctored, as the page and the capture client need it.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// An exam's proctoring columns as stored: `proctored` and `allow_unproctored` are 0/1 flags, the
/// intervals seconds, the mode its code (the `Any` driver decodes BIGINT and TEXT on both
/// backends, so the conversion happens here).
#[cfg(feature = "ssr")]
#[derive(sqlx::FromRow)]
pub struct ProctorColumns {
    pub proctored: i64,
    pub allow_unproctored: i64,
    pub snapshot_interval_s: i64,
    pub screen_interval_s: i64,
    pub proctor_mode: String,
}

#[cfg(feature = "ssr")]
impl From<ProctorColumns> for ProctorSettings {
    /// The screen is required until an attempt's capture says otherwise
    /// (`ProctorSettings::for_capture`).
    fn from(c: ProctorColumns) -> ProctorSettings {
        ProctorSettings {
            proctored: c.proctored != 0,
            allow_unproctored: c.allow_unproctored != 0,
            snapshot_interval_s: c.snapshot_interval_s.clamp(5, 3600) as u32,
            screen_interval_s: c.screen_interval_s.clamp(5, 3600) as u32,
            mode: ProctorMode::from_code(&c.proctor_mode).unwrap_or_default(),
            require_screen: true,
        }
    }
}

/// Which devices an exam may be sat on (issue 15), chosen by the teacher or the olympiad's
/// operator. Phone and tablet browsers cannot share their screen at all, so "computer" keeps
/// them out and "any device" proctors them by the camera and the page's events alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProctorMode {
    /// A computer whose browser shares the entire screen (the screen is always captured).
    #[default]
    Computer,
    /// A phone or a computer: the camera and the events everywhere, the screen wherever the
    /// browser can share it.
    AnyDevice,
}

impl ProctorMode {
    pub const ALL: [ProctorMode; 2] = [ProctorMode::Computer, ProctorMode::AnyDevice];

    pub fn code(self) -> &'static str {
        match self {
            ProctorMode::Computer => "computer",
            ProctorMode::AnyDevice => "any_device",
        }
    }

    pub fn from_code(code: &str) -> Option<ProctorMode> {
        ProctorMode::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            ProctorMode::Computer => Msg::ProctorModeComputer,
            ProctorMode::AnyDevice => Msg::ProctorModeAnyDevice,
        }
    }
}

/// What one attempt's capture ran with, fixed when it starts: the camera and the entire screen,
/// or the camera alone (a browser that cannot share its screen, under `ProctorMode::AnyDevice`).
/// A camera-only attempt owes no screenshots, so it gets no violation for a screen it cannot share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capture {
    #[default]
    Screen,
    Camera,
}

impl Capture {
    pub fn code(self) -> &'static str {
        match self {
            Capture::Screen => "screen",
            Capture::Camera => "camera",
        }
    }

    /// Unknown or empty codes are the screen: the stricter capture.
    pub fn from_code(code: &str) -> Capture {
        if code == "camera" {
            Capture::Camera
        } else {
            Capture::Screen
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            Capture::Screen => Msg::CaptureScreen,
            Capture::Camera => Msg::CaptureCameraOnly,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProctorSettings {
    pub proctored: bool,
    pub allow_unproctored: bool,
    pub snapshot_interval_s: u32,
    pub screen_interval_s: u32,
    pub mode: ProctorMode,
    /// Screenshots are owed: always before an attempt under `Computer`, and during an attempt
    /// whose capture is the screen (see `for_capture`).
    pub require_screen: bool,
}

impl ProctorSettings {
    /// The settings an attempt runs under, once its capture is known.
    pub fn for_capture(self, capture: Capture) -> ProctorSettings {
        ProctorSettings { require_screen: capture == Capture::Screen, ..self }
    }
}

impl Default for ProctorSettings {
    fn default() -> Self {
        ProctorSettings {
            proctored: true,
            allow_unproctored: false,
            snapshot_interval_s: 30,
            screen_interval_s: 60,
            mode: ProctorMode::Computer,
            require_screen: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_capture_is_the_screen() {
        for m in ProctorMode::ALL {
            assert_eq!(ProctorMode::from_code(m.code()), Some(m));
        }
        assert_eq!(ProctorMode::from_code("phone"), None);
        assert_eq!(Capture::from_code("camera"), Capture::Camera);
        assert_eq!(Capture::from_code("screen"), Capture::Screen);
        assert_eq!(Capture::from_code(""), Capture::Screen);
        let s = ProctorSettings { mode: ProctorMode::AnyDevice, ..ProctorSettings::default() };
        assert!(!s.for_capture(Capture::Camera).require_screen);
        assert!(s.for_capture(Capture::Screen).require_screen);
    }
}
