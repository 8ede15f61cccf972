//! Violations from what the browser reported: face counts of consecutive webcam snapshots
//! (multi-frame confirmation, so one blurred frame is not a violation) and browser events.
//! Pure functions: the ingest stores their output with ON CONFLICT DO NOTHING on
//! (attempt, kind, time), so deriving again after every upload never duplicates a violation.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The kinds of violation, with the weight each adds to an attempt's risk score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// No face in N consecutive snapshots (N = the exam's `no_face_frames`).
    NoFace,
    /// Two or more faces in N consecutive snapshots.
    ManyFaces,
    /// The browser said one face, the server's own detector found none: a tampered or broken client.
    FaceCountMismatch,
    TabHidden,
    WindowBlur,
    FullscreenExit,
    Copy,
    Cut,
    Paste,
    ContextMenu,
    CameraEnded,
    ScreenEnded,
    SecondScreen,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::NoFace,
        Kind::ManyFaces,
        Kind::FaceCountMismatch,
        Kind::TabHidden,
        Kind::WindowBlur,
        Kind::FullscreenExit,
        Kind::Copy,
        Kind::Cut,
        Kind::Paste,
        Kind::ContextMenu,
        Kind::CameraEnded,
        Kind::ScreenEnded,
        Kind::SecondScreen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::NoFace => "no_face",
            Kind::ManyFaces => "many_faces",
            Kind::FaceCountMismatch => "face_mismatch",
            Kind::TabHidden => "tab_hidden",
            Kind::WindowBlur => "window_blur",
            Kind::FullscreenExit => "fullscreen_exit",
            Kind::Copy => "copy",
            Kind::Cut => "cut",
            Kind::Paste => "paste",
            Kind::ContextMenu => "context_menu",
            Kind::CameraEnded => "camera_ended",
            Kind::ScreenEnded => "screen_ended",
            Kind::SecondScreen => "second_screen",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            Kind::NoFace => Msg::VioNoFace,
            Kind::ManyFaces => Msg::VioManyFaces,
            Kind::FaceCountMismatch => Msg::VioFaceMismatch,
            Kind::TabHidden => Msg::VioTabHidden,
            Kind::WindowBlur => Msg::VioWindowBlur,
            Kind::FullscreenExit => Msg::VioFullscreenExit,
            Kind::Copy => Msg::VioCopy,
            Kind::Cut => Msg::VioCut,
            Kind::Paste => Msg::VioPaste,
            Kind::ContextMenu => Msg::VioContextMenu,
            Kind::CameraEnded => Msg::VioCameraEnded,
            Kind::ScreenEnded => Msg::VioScreenEnded,
            Kind::SecondScreen => Msg::VioSecondScreen,
        }
    }

    /// How sure we are that this is a real violation, in percent. Events the browser reports
    /// directly are certain to have happened but not all are cheating (a blur may be a system
    /// notification); face runs grow more certain with every further frame.
    fn event_confidence(self) -> u8 {
        match self {
            Kind::TabHidden | Kind::CameraEnded | Kind::ScreenEnded => 90,
            Kind::FullscreenExit | Kind::Paste => 80,
            Kind::SecondScreen => 70,
            Kind::Copy | Kind::Cut => 60,
            Kind::WindowBlur => 50,
            Kind::ContextMenu => 30,
            Kind::NoFace | Kind::ManyFaces | Kind::FaceCountMismatch => 90,
        }
    }

    /// What one violation adds to the attempt's risk score (0..100 in all).
    fn weight(self) -> u32 {
        match self {
            Kind::NoFace | Kind::ManyFaces | Kind::FaceCountMismatch | Kind::CameraEnded | Kind::ScreenEnded => 25,
            Kind::TabHidden | Kind::SecondScreen | Kind::Paste => 20,
            Kind::FullscreenExit => 15,
            Kind::Copy | Kind::Cut => 10,
            Kind::WindowBlur => 5,
            Kind::ContextMenu => 2,
        }
    }
}

/// The thresholds of one exam.
#[derive(Clone, Copy, Debug)]
pub struct Thresholds {
    pub no_face_frames: u32,
    pub many_faces_frames: u32,
}

/// One webcam snapshot as the derivation sees it.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub evidence_id: i64,
    pub at: i64,
    pub faces_client: Option<u32>,
    pub faces_server: Option<u32>,
}

impl Frame {
    /// The server's count wins where it exists: the client may be tampered with.
    fn faces(&self) -> Option<u32> {
        self.faces_server.or(self.faces_client)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    pub at: i64,
    pub evidence_id: Option<i64>,
    pub event_id: Option<i64>,
    pub confidence: u8,
}

/// Violations in a run of snapshots ordered by capture time: a run of at least `threshold`
/// frames without a face (or with several) is one violation, dated and evidenced by its first
/// frame; confidence grows from 70 % at the threshold by 10 % a further frame. Frames without
/// any count (detection failed) break no run and extend none.
pub fn from_frames(frames: &[Frame], t: Thresholds) -> Vec<Found> {
    let mut found = Vec::new();
    for (kind, threshold, hit) in [
        (Kind::NoFace, t.no_face_frames.max(1), (|n: u32| n == 0) as fn(u32) -> bool),
        (Kind::ManyFaces, t.many_faces_frames.max(1), |n: u32| n >= 2),
    ] {
        let mut run: Vec<&Frame> = Vec::new();
        let flush = |run: &mut Vec<&Frame>, found: &mut Vec<Found>| {
            if run.len() as u32 >= threshold {
                let extra = run.len() as u32 - threshold;
                found.push(Found {
                    kind,
                    at: run[0].at,
                    evidence_id: Some(run[0].evidence_id),
                    event_id: None,
                    confidence: (70 + 10 * extra).min(100) as u8,
                });
            }
            run.clear();
        };
        for f in frames {
            match f.faces() {
                Some(n) if hit(n) => run.push(f),
                Some(_) => flush(&mut run, &mut found),
                None => {}
            }
        }
        flush(&mut run, &mut found);
    }
    for f in frames {
        if f.faces_client.is_some_and(|c| c >= 1) && f.faces_server == Some(0) {
            found.push(Found { kind: Kind::FaceCountMismatch, at: f.at, evidence_id: Some(f.evidence_id), event_id: None, confidence: 90 });
        }
    }
    found.sort_by_key(|v| (v.at, v.kind.code()));
    found
}

/// The violation a browser event is, if it is one (focus regained, online again... are not).
pub fn from_event(event_id: i64, kind: &str, at: i64) -> Option<Found> {
    let kind = Kind::from_code(kind)?;
    if matches!(kind, Kind::NoFace | Kind::ManyFaces | Kind::FaceCountMismatch) {
        return None;
    }
    Some(Found { kind, at, evidence_id: None, event_id: Some(event_id), confidence: kind.event_confidence() })
}

/// The attempt's risk score, 0..100: the weights of its violations that a reviewer has not
/// dismissed, scaled by confidence.
pub fn risk(violations: &[(Kind, u8, bool /* dismissed */)]) -> u8 {
    let sum: u32 = violations.iter().filter(|v| !v.2).map(|(k, c, _)| k.weight() * u32::from(*c) / 100).sum();
    sum.min(100) as u8
}

/// Event kinds the browser may send (the violations above plus their harmless counterparts).
pub const EVENT_KINDS: [&str; 16] = [
    "tab_hidden",
    "tab_visible",
    "window_blur",
    "window_focus",
    "fullscreen_exit",
    "fullscreen_enter",
    "copy",
    "cut",
    "paste",
    "context_menu",
    "camera_ended",
    "screen_ended",
    "second_screen",
    "offline",
    "online",
    "check_passed",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(counts: &[Option<u32>]) -> Vec<Frame> {
        counts.iter().enumerate().map(|(i, c)| Frame { evidence_id: i as i64 + 1, at: i as i64 * 30_000, faces_client: *c, faces_server: None }).collect()
    }
    const T: Thresholds = Thresholds { no_face_frames: 2, many_faces_frames: 2 };

    #[test]
    fn one_empty_frame_is_not_a_violation_two_are() {
        assert!(from_frames(&frames(&[Some(1), Some(0), Some(1)]), T).is_empty());
        let v = from_frames(&frames(&[Some(1), Some(0), Some(0), Some(1)]), T);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, Kind::NoFace);
        assert_eq!(v[0].evidence_id, Some(2), "evidenced by the first frame of the run");
        assert_eq!(v[0].at, 30_000);
        assert_eq!(v[0].confidence, 70);
    }

    #[test]
    fn longer_runs_are_more_certain_and_stay_one_violation() {
        let v = from_frames(&frames(&[Some(0), Some(0), Some(0), Some(0)]), T);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].confidence, 90);
    }

    #[test]
    fn frames_without_a_count_neither_break_nor_extend_a_run() {
        let v = from_frames(&frames(&[Some(0), None, Some(0)]), T);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].confidence, 70);
    }

    #[test]
    fn many_faces_and_separate_runs() {
        let v = from_frames(&frames(&[Some(2), Some(3), Some(1), Some(0), Some(0), Some(1), Some(0), Some(0)]), T);
        let kinds: Vec<_> = v.iter().map(|f| (f.kind, f.evidence_id.unwrap())).collect();
        assert_eq!(kinds, vec![(Kind::ManyFaces, 1), (Kind::NoFace, 4), (Kind::NoFace, 7)]);
    }

    #[test]
    fn the_server_count_wins_and_a_contradiction_is_flagged() {
        let mut f = frames(&[Some(1), Some(1)]);
        f[0].faces_server = Some(0);
        f[1].faces_server = Some(0);
        let v = from_frames(&f, T);
        assert_eq!(v.iter().filter(|x| x.kind == Kind::NoFace).count(), 1);
        assert_eq!(v.iter().filter(|x| x.kind == Kind::FaceCountMismatch).count(), 2);
    }

    #[test]
    fn threshold_of_one_flags_a_single_frame() {
        let v = from_frames(&frames(&[Some(0)]), Thresholds { no_face_frames: 1, many_faces_frames: 3 });
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn events_map_to_violations_or_nothing() {
        assert_eq!(from_event(5, "tab_hidden", 10).unwrap().kind, Kind::TabHidden);
        assert_eq!(from_event(5, "paste", 10).unwrap().event_id, Some(5));
        assert!(from_event(5, "tab_visible", 10).is_none());
        assert!(from_event(5, "no_face", 10).is_none(), "face violations come from frames only");
        assert!(from_event(5, "bogus", 10).is_none());
        for k in EVENT_KINDS {
            assert!(k.len() < 20);
        }
    }

    #[test]
    fn risk_ignores_dismissed_and_caps_at_100() {
        assert_eq!(risk(&[]), 0);
        assert_eq!(risk(&[(Kind::TabHidden, 90, false)]), 18);
        assert_eq!(risk(&[(Kind::TabHidden, 90, true)]), 0);
        let many: Vec<_> = (0..10).map(|_| (Kind::NoFace, 100, false)).collect();
        assert_eq!(risk(&many), 100);
    }
}
