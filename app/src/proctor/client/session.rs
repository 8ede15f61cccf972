//! The capture session of an attempt, from the device check's "start" to leaving the page: a
//! webcam snapshot (with its face count) every `snapshot_interval_s`, a screenshot every
//! `screen_interval_s`, the first of each at once; the streams watched (an ended camera or
//! screen share is reported and the panel asks for it again); the page's events. Everything
//! runs in its own tasks and goes through the outbox: the questions never wait on it.

use super::capture::{self, Canvas};
use super::events::{self, Watch};
use super::outbox::{self, Outbox};
use super::rules::*;
use super::status::CaptureStatus;
use super::{camera, detect, devices, js, screen};
use crate::proctor::settings::ProctorSettings;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::{HtmlVideoElement, MediaStream};

struct Session {
    alive: Rc<Cell<bool>>,
    watch: Rc<RefCell<Option<Watch>>>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Starts capturing for `attempt` with the streams the device check opened; `preview` (the
/// panel's small video) shows the camera as it is sent.
pub fn start(attempt: i64, settings: ProctorSettings, status: CaptureStatus, preview: Option<HtmlVideoElement>) {
    stop();
    let alive = Rc::new(Cell::new(true));
    let watch = Rc::new(RefCell::new(None));
    SESSION.with(|s| *s.borrow_mut() = Some(Session { alive: alive.clone(), watch: watch.clone() }));
    leptos::task::spawn_local(async move {
        let outbox = outbox::for_attempt(attempt).await;
        if !alive.get() {
            return;
        }
        outbox.attach(status);
        *watch.borrow_mut() = Some(events::watch(outbox.clone(), status));
        outbox.add_event(BrowserEvent::CheckPassed, "");
        if screen::is_extended() == Some(true) {
            outbox.add_event(BrowserEvent::SecondScreen, "");
        }
        leptos::task::spawn_local(watch_devices(alive.clone(), outbox.clone(), status, preview));
        leptos::task::spawn_local(webcam_loop(alive.clone(), outbox.clone(), status, settings.snapshot_interval_s.max(5) * 1000));
        if settings.require_screen {
            leptos::task::spawn_local(screen_loop(alive.clone(), outbox.clone(), settings.screen_interval_s.max(10) * 1000));
        }
        outbox.kick();
    });
}

/// Stops capturing (the page is left); the outbox goes on sending what it holds.
pub fn stop() {
    if let Some(s) = SESSION.with(|s| s.borrow_mut().take()) {
        s.alive.set(false);
        s.watch.borrow_mut().take();
    }
}

/// Asks for the camera again after it stopped (the panel's button).
pub fn reopen_camera(status: CaptureStatus) {
    status.problem.try_set(None);
    leptos::task::spawn_local(async move {
        match camera::open().await {
            Ok(stream) => devices::set_camera(Some(stream)),
            Err(msg) => {
                status.problem.try_set(Some(msg));
            }
        }
    });
}

/// Asks for the entire screen again (the panel's button: must run inside the click).
pub fn reshare_screen(status: CaptureStatus) {
    status.problem.try_set(None);
    match screen::request() {
        Ok(promise) => leptos::task::spawn_local(async move {
            match screen::finish(promise).await {
                Ok(stream) => devices::set_screen(Some(stream)),
                Err(msg) => {
                    status.problem.try_set(Some(msg));
                }
            }
        }),
        Err(msg) => {
            status.problem.try_set(Some(msg));
        }
    }
}

/// Puts the page in full screen (inside the start button's click). `requestFullscreen`'s
/// promise is read by name: web-sys declares it as returning nothing, and a refusal left
/// unawaited would be an uncaught rejection.
pub fn enter_fullscreen() {
    let Some(el) = js::document().and_then(|d| d.document_element()) else { return };
    let Some(f) = js::prop(&el, "requestFullscreen").and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok()) else {
        return;
    };
    if let Ok(p) = f.call0(&el) {
        if let Ok(p) = wasm_bindgen::JsCast::dyn_into::<js_sys::Promise>(p) {
            leptos::task::spawn_local(async move {
                let _ = js::wait(p).await;
            });
        }
    }
}

/// Sleeps `ms` in short steps; false as soon as the session has stopped.
async fn pause(alive: &Cell<bool>, ms: u32) -> bool {
    let mut waited = 0;
    while waited < ms {
        if !alive.get() {
            return false;
        }
        js::sleep(500.min(ms - waited)).await;
        waited += 500;
    }
    alive.get()
}

/// Reports a camera or a screen share that ended (the candidate stopped it, unplugged the
/// camera, closed the sharing bar) and one that came back, once a second.
async fn watch_devices(alive: Rc<Cell<bool>>, outbox: Rc<Outbox>, status: CaptureStatus, preview: Option<HtmlVideoElement>) {
    let mut camera_was = None;
    let mut previewed: Option<String> = None;
    let mut screen_was = None;
    let mut muted_was = false;
    loop {
        let camera_now = devices::camera().is_some_and(|s| devices::is_live(&s));
        if camera_was != Some(camera_now) {
            status.camera_on.try_set(camera_now);
            if camera_was == Some(true) {
                // On a phone the camera ends with the page hidden (locked, a call): that is the
                // app_hidden already reported, and the camera comes back with the page.
                let taken = !status.require_screen && events::hidden_within(5_000);
                outbox.add_event(if taken { BrowserEvent::CameraInterrupted } else { BrowserEvent::CameraEnded }, "");
            }
            camera_was = Some(camera_now);
        }
        // The preview follows the camera (opened again after a lock or a call).
        if let (Some(video), Some(stream)) = (preview.as_ref(), devices::camera().filter(|_| camera_now)) {
            if previewed.as_deref() != Some(stream.id().as_str()) {
                capture::attach(video, &stream);
                previewed = Some(stream.id());
            }
        }
        // A live camera that gives no pictures: another app or a call holds it.
        let muted_now = camera_now && devices::camera().and_then(|s| devices::first_video_track(&s)).is_some_and(|t| t.muted());
        if muted_now != muted_was {
            outbox.add_event(if muted_now { BrowserEvent::CameraInterrupted } else { BrowserEvent::CameraResumed }, "");
            muted_was = muted_now;
        }
        if status.require_screen {
            let screen_now = devices::screen().is_some_and(|s| devices::is_live(&s));
            if screen_was != Some(screen_now) {
                status.screen_on.try_set(screen_now);
                if screen_was == Some(true) {
                    outbox.add_event(BrowserEvent::ScreenEnded, "");
                }
                screen_was = Some(screen_now);
            }
        }
        if !pause(&alive, 1000).await {
            return;
        }
    }
}

/// A video element for the current stream, made anew when the stream changed (re-shared).
fn source(slot: &mut Option<(String, HtmlVideoElement)>, stream: &MediaStream) -> Option<HtmlVideoElement> {
    if slot.as_ref().is_none_or(|(id, _)| *id != stream.id()) {
        *slot = capture::video_for(stream).map(|v| (stream.id(), v));
    }
    slot.as_ref().map(|(_, v)| v.clone())
}

async fn webcam_loop(alive: Rc<Cell<bool>>, outbox: Rc<Outbox>, status: CaptureStatus, every_ms: u32) {
    let Some(canvas) = Canvas::new(true) else { return };
    // A phone counts faces in a smaller frame of its own (see `PHONE_DETECT_BOX`).
    let small = if status.require_screen { None } else { Canvas::new(true) };
    let mut video = None;
    loop {
        let live = devices::camera().filter(devices::is_live);
        if let Some(v) = live.as_ref().and_then(|s| source(&mut video, s)) {
            if capture::wait_for_picture(&v, 3000).await {
                webcam_frame(&v, &canvas, small.as_ref(), &outbox, status).await;
            }
        }
        if !pause(&alive, every_ms).await {
            return;
        }
    }
}

/// One webcam snapshot: drawn once, then counted and encoded in separate tasks (the event loop
/// gets a turn between them).
async fn webcam_frame(video: &HtmlVideoElement, canvas: &Canvas, small: Option<&Canvas>, outbox: &Rc<Outbox>, status: CaptureStatus) {
    let at = js::now_ms();
    // Smaller and lighter while uploads lag behind (a slow mobile network).
    let (quality, width, height) = webcam_quality(status.queued.try_get_untracked().unwrap_or(0));
    if canvas.draw(video, width.min(DETECT_WIDTH), height.min(DETECT_HEIGHT)).is_none() {
        return;
    }
    let gray = match small {
        Some(c) => c.draw(video, PHONE_DETECT_BOX, PHONE_DETECT_BOX).and_then(|_| c.gray()),
        None => canvas.gray(),
    };
    let mut faces = None;
    if let Some((gray, w, h)) = gray {
        if detect::load().await {
            js::yield_now().await;
            faces = detect::count(&gray, w, h);
            js::yield_now().await;
        }
    }
    status.faces.try_set(faces);
    if let Some(jpeg) = canvas.jpeg(quality).await {
        outbox.add_image(crate::proctor::wire::EvidenceKind::Webcam, at, faces, &jpeg).await;
    }
}

async fn screen_loop(alive: Rc<Cell<bool>>, outbox: Rc<Outbox>, every_ms: u32) {
    let Some(canvas) = Canvas::new(false) else { return };
    let mut video = None;
    loop {
        let live = devices::screen().filter(devices::is_live);
        if let Some(v) = live.as_ref().and_then(|s| source(&mut video, s)) {
            if capture::wait_for_picture(&v, 3000).await {
                let at = js::now_ms();
                if canvas.draw(&v, SCREEN_MAX_WIDTH, SCREEN_MAX_HEIGHT).is_some() {
                    if let Some(jpeg) = canvas.jpeg(SCREEN_QUALITY).await {
                        outbox.add_image(crate::proctor::wire::EvidenceKind::Screen, at, None, &jpeg).await;
                    }
                }
            }
        }
        if !pause(&alive, every_ms).await {
            return;
        }
    }
}
