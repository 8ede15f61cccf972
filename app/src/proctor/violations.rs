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
    /// A phone's page was hidden: another app, an incoming call, or the screen locked.
    AppHidden,
    WindowBlur,
    FullscreenExit,
    Copy,
    Cut,
    Paste,
    ContextMenu,
    CameraEnded,
    ScreenEnded,
    SecondScreen,
    /// The server received no webcam snapshot for longer than N of the exam's intervals (N = the
    /// exam's `missing_frames`): the camera was off, or the attempt was sat without the browser.
    CameraGap,
    /// The same for screenshots, where the exam asks for the screen.
    ScreenGap,
    /// The server received no device check's test snapshot from the candidate before or during
    /// the attempt.
    NoDeviceCheck,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::NoFace,
        Kind::ManyFaces,
        Kind::FaceCountMismatch,
        Kind::TabHidden,
        Kind::AppHidden,
        Kind::WindowBlur,
        Kind::FullscreenExit,
        Kind::Copy,
        Kind::Cut,
        Kind::Paste,
        Kind::ContextMenu,
        Kind::CameraEnded,
        Kind::ScreenEnded,
        Kind::SecondScreen,
        Kind::CameraGap,
        Kind::ScreenGap,
        Kind::NoDeviceCheck,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::NoFace => "no_face",
            Kind::ManyFaces => "many_faces",
            Kind::FaceCountMismatch => "face_mismatch",
            Kind::TabHidden => "tab_hidden",
            Kind::AppHidden => "app_hidden",
            Kind::WindowBlur => "window_blur",
            Kind::FullscreenExit => "fullscreen_exit",
            Kind::Copy => "copy",
            Kind::Cut => "cut",
            Kind::Paste => "paste",
            Kind::ContextMenu => "context_menu",
            Kind::CameraEnded => "camera_ended",
            Kind::ScreenEnded => "screen_ended",
            Kind::SecondScreen => "second_screen",
            Kind::CameraGap => "camera_gap",
            Kind::ScreenGap => "screen_gap",
            Kind::NoDeviceCheck => "no_device_check",
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
            Kind::AppHidden => Msg::VioAppHidden,
            Kind::WindowBlur => Msg::VioWindowBlur,
            Kind::FullscreenExit => Msg::VioFullscreenExit,
            Kind::Copy => Msg::VioCopy,
            Kind::Cut => Msg::VioCut,
            Kind::Paste => Msg::VioPaste,
            Kind::ContextMenu => Msg::VioContextMenu,
            Kind::CameraEnded => Msg::VioCameraEnded,
            Kind::ScreenEnded => Msg::VioScreenEnded,
            Kind::SecondScreen => Msg::VioSecondScreen,
            Kind::CameraGap => Msg::VioCameraGap,
            Kind::ScreenGap => Msg::VioScreenGap,
            Kind::NoDeviceCheck => Msg::VioNoDeviceCheck,
        }
    }

    /// How sure we are that this is a real violation, in percent. Events the browser reports
    /// directly are certain to have happened but not all are cheating (a blur may be a system
    /// notification); face runs grow more certain with every further frame.
    fn event_confidence(self) -> u8 {
        match self {
            Kind::TabHidden | Kind::CameraEnded | Kind::ScreenEnded => 90,
            Kind::FullscreenExit | Kind::Paste | Kind::AppHidden => 80,
            Kind::SecondScreen => 70,
            Kind::Copy | Kind::Cut => 60,
            Kind::WindowBlur => 50,
            Kind::ContextMenu => 30,
            Kind::NoFace | Kind::ManyFaces | Kind::FaceCountMismatch | Kind::NoDeviceCheck => 90,
            Kind::CameraGap | Kind::ScreenGap => 70,
        }
    }

    /// What one violation adds to the attempt's risk score (0..100 in all).
    fn weight(self) -> u32 {
        match self {
            Kind::NoFace
            | Kind::ManyFaces
            | Kind::FaceCountMismatch
            | Kind::CameraEnded
            | Kind::ScreenEnded
            | Kind::CameraGap
            | Kind::ScreenGap
            | Kind::NoDeviceCheck => 25,
            Kind::TabHidden | Kind::AppHidden | Kind::SecondScreen | Kind::Paste => 20,
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
    // Face runs come from frames, missing evidence from the server's own accounting: a browser
    // cannot report either.
    if matches!(kind, Kind::NoFace | Kind::ManyFaces | Kind::FaceCountMismatch | Kind::CameraGap | Kind::ScreenGap | Kind::NoDeviceCheck) {
        return None;
    }
    Some(Found { kind, at, evidence_id: None, event_id: Some(event_id), confidence: kind.event_confidence() })
}

/// What a proctored attempt owes the server, from its exam. An exam that may be sat without
/// proctoring owes nothing (the candidate's choice is theirs to make).
#[derive(Clone, Copy, Debug)]
pub struct Owed {
    /// Milliseconds between webcam snapshots.
    pub camera_every_ms: i64,
    /// Milliseconds between screenshots; None where the exam does not ask for the screen.
    pub screen_every_ms: Option<i64>,
    /// A gap longer than this many intervals is a violation (the exam's `missing_frames`): the
    /// browser's own pauses (a reload, a re-share of the screen, a slow upload) stay below it.
    pub gap_intervals: u32,
}

/// The evidence missing from an attempt between `start` and `until` (its end, or now while it
/// is in progress), given the capture times of the snapshots and screenshots the server holds
/// and whether it received a device check. A gap is dated by its last evidence before it (or
/// the start), so deriving again while it grows updates one violation; its confidence grows
/// from 70 % by 10 % for every further interval. Pure: the ingest stores the result.
pub fn missing_evidence(owed: Owed, start: i64, until: i64, webcam: &[i64], screen: &[i64], device_checked: bool) -> Vec<Found> {
    let mut found = Vec::new();
    let streams = [(Kind::CameraGap, Some(owed.camera_every_ms), webcam), (Kind::ScreenGap, owed.screen_every_ms, screen)];
    for (kind, every, times) in streams {
        let Some(every) = every else { continue };
        let every = every.max(1000);
        let limit = every * i64::from(owed.gap_intervals.max(1));
        let mut times: Vec<i64> = times.iter().copied().filter(|t| *t <= until).collect();
        times.sort_unstable();
        let mut last = start;
        for t in times.into_iter().chain(std::iter::once(until)) {
            let gap = t - last;
            if gap > limit {
                let extra = (gap - limit) / every;
                found.push(Found { kind, at: last, evidence_id: None, event_id: None, confidence: (70 + 10 * extra).min(100) as u8 });
            }
            last = last.max(t);
        }
    }
    if !device_checked {
        found.push(Found { kind: Kind::NoDeviceCheck, at: start, evidence_id: None, event_id: None, confidence: 90 });
    }
    found.sort_by_key(|v| (v.at, v.kind.code()));
    found
}

/// The attempt's risk score, 0..100: the weights of its violations that a reviewer has not
/// dismissed, scaled by confidence.
pub fn risk(violations: &[(Kind, u8, bool /* dismissed */)]) -> u8 {
    let sum: u32 = violations.iter().filter(|v| !v.2).map(|(k, c, _)| k.weight() * u32::from(*c) / 100).sum();
    sum.min(100) as u8
}

/// Event kinds the browser may send (the violations above plus their harmless counterparts).
pub const EVENT_KINDS: [&str; 21] = [
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
    "app_hidden",
    "app_visible",
    "camera_interrupted",
    "camera_resumed",
    "orientation",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(counts: &[Option<u32>]) -> Vec<Frame> {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| Frame { evidence_id: i as i64 + 1, at: i as i64 * 30_000, faces_client: *c, faces_server: None })
            .collect()
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

    const OWED: Owed = Owed { camera_every_ms: 30_000, screen_every_ms: Some(60_000), gap_intervals: 3 };

    #[test]
    fn evidence_at_the_interval_owes_nothing() {
        let webcam: Vec<i64> = (0..=20).map(|i| 1_000 + i * 30_000).collect();
        let screen: Vec<i64> = (0..=10).map(|i| 2_000 + i * 60_000).collect();
        assert!(missing_evidence(OWED, 0, 600_000, &webcam, &screen, true).is_empty());
        // A few missed snapshots (a reload) stay under the threshold.
        let holed: Vec<i64> = webcam.iter().copied().filter(|t| !(100_000..180_000).contains(t)).collect();
        assert!(missing_evidence(OWED, 0, 600_000, &holed, &screen, true).is_empty());
    }

    #[test]
    fn an_attempt_without_evidence_owes_all_of_it() {
        let v = missing_evidence(OWED, 0, 600_000, &[], &[], false);
        let kinds: Vec<_> = v.iter().map(|f| (f.kind, f.at, f.confidence)).collect();
        assert_eq!(kinds, vec![(Kind::CameraGap, 0, 100), (Kind::NoDeviceCheck, 0, 90), (Kind::ScreenGap, 0, 100)]);
        assert!(risk(&v.iter().map(|f| (f.kind, f.confidence, false)).collect::<Vec<_>>()) > 0);
        // Without the screen asked for, no screenshot is owed.
        let v = missing_evidence(Owed { screen_every_ms: None, ..OWED }, 0, 600_000, &[], &[], true);
        assert_eq!(v.iter().map(|f| f.kind).collect::<Vec<_>>(), vec![Kind::CameraGap]);
    }

    #[test]
    fn a_gap_is_dated_by_its_last_snapshot_and_grows() {
        // Snapshots until 60 s, then nothing until 220 s: one gap from 60 s, 160 s long.
        let webcam = [0, 30_000, 60_000, 220_000, 250_000];
        let v = missing_evidence(Owed { screen_every_ms: None, ..OWED }, 0, 260_000, &webcam, &[], true);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].kind, v[0].at, v[0].confidence), (Kind::CameraGap, 60_000, 90));
        // Still in progress: the trailing gap is one violation that grows with time.
        let early = missing_evidence(Owed { screen_every_ms: None, ..OWED }, 0, 160_000, &webcam[..3], &[], true);
        let later = missing_evidence(Owed { screen_every_ms: None, ..OWED }, 0, 400_000, &webcam[..3], &[], true);
        assert_eq!((early[0].at, early[0].confidence), (60_000, 70));
        assert_eq!((later[0].at, later[0].confidence), (60_000, 100));
        // Evidence from after `until` does not fill a gap before it.
        assert_eq!(missing_evidence(Owed { screen_every_ms: None, ..OWED }, 0, 200_000, &[500_000], &[], true).len(), 1);
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
