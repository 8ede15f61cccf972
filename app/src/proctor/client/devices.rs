//! The page's camera and screen streams. A page has at most one of each: the device check opens
//! them, the capture session of the attempt page goes on with the same ones (no second
//! permission prompt, no second screen picker), and the page that opened them stops them when it
//! is left. Kept here rather than in signals because MediaStreams are browser objects that
//! cannot cross Leptos' thread-safe signals, and the wasm has one thread.

use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{MediaStream, MediaStreamTrack};

thread_local! {
    static CAMERA: RefCell<Option<MediaStream>> = const { RefCell::new(None) };
    static SCREEN: RefCell<Option<MediaStream>> = const { RefCell::new(None) };
}

pub fn camera() -> Option<MediaStream> {
    CAMERA.with(|c| c.borrow().clone())
}

pub fn screen() -> Option<MediaStream> {
    SCREEN.with(|c| c.borrow().clone())
}

/// Keeps `stream` as the page's camera, stopping the one it replaces.
pub fn set_camera(stream: Option<MediaStream>) {
    if let Some(old) = CAMERA.with(|c| c.replace(stream.clone())) {
        if stream.as_ref().is_none_or(|s| s.id() != old.id()) {
            stop(&old);
        }
    }
}

/// Keeps `stream` as the page's screen share, stopping the one it replaces.
pub fn set_screen(stream: Option<MediaStream>) {
    if let Some(old) = SCREEN.with(|c| c.replace(stream.clone())) {
        if stream.as_ref().is_none_or(|s| s.id() != old.id()) {
            stop(&old);
        }
    }
}

/// Stops both (the page is left): the camera light goes off, the browser's sharing bar goes.
pub fn stop_all() {
    set_camera(None);
    set_screen(None);
}

pub fn first_video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into::<MediaStreamTrack>().ok()
}

pub fn stop(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(t) = t.dyn_into::<MediaStreamTrack>() {
            t.stop();
        }
    }
}

/// Whether the stream still delivers video (its track has not ended).
pub fn is_live(stream: &MediaStream) -> bool {
    first_video_track(stream).is_some_and(|t| t.ready_state() == web_sys::MediaStreamTrackState::Live)
}
