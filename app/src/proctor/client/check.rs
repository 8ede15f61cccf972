//! The device check's steps in the browser (PRC-3): camera permission, then the live picture in
//! the preview, then a test snapshot that the server must decode and answer with its face count,
//! and, on a separate click, the entire-screen share. Each failure is the message the candidate
//! reads, and each step can be tried again.

use super::capture::{self, Canvas};
use super::rules::{DETECT_HEIGHT, DETECT_WIDTH, PHONE_DETECT_BOX, WEBCAM_QUALITY};
use super::status::{CheckSteps, Step};
use super::{camera, detect, devices, http, screen};
use crate::i18n::Msg;
use leptos::prelude::*;
use web_sys::HtmlVideoElement;

/// Turns the camera on and runs the preview and the test snapshot after it.
pub fn start_camera(steps: CheckSteps, video: Option<HtmlVideoElement>) {
    steps.camera.set(Step::Running);
    steps.preview.set(Step::Waiting);
    steps.snapshot.set(Step::Waiting);
    steps.faces.set(None);
    leptos::task::spawn_local(async move {
        match camera::open().await {
            Ok(stream) => {
                devices::set_camera(Some(stream));
                steps.camera.try_set(Step::Passed);
                preview(steps, video).await;
            }
            Err(msg) => {
                steps.camera.try_set(Step::Failed(msg));
            }
        }
    });
}

async fn preview(steps: CheckSteps, video: Option<HtmlVideoElement>) {
    steps.preview.try_set(Step::Running);
    let (Some(video), Some(stream)) = (video, devices::camera()) else {
        steps.preview.try_set(Step::Failed(Msg::ErrNoPicture));
        return;
    };
    capture::attach(&video, &stream);
    if !capture::wait_for_picture(&video, 8000).await {
        steps.preview.try_set(Step::Failed(Msg::ErrNoPicture));
        return;
    }
    steps.preview.try_set(Step::Passed);
    snapshot(steps, video).await;
}

/// Tries the test snapshot again (its own button).
pub fn retry_snapshot(steps: CheckSteps, video: Option<HtmlVideoElement>) {
    if let Some(video) = video {
        leptos::task::spawn_local(snapshot(steps, video));
    }
}

async fn snapshot(steps: CheckSteps, video: HtmlVideoElement) {
    steps.snapshot.try_set(Step::Running);
    steps.faces.try_set(None);
    // A browser that will not share its screen is a phone: it counts faces in a small frame.
    let result = send_snapshot(&video, !steps.require_screen.try_get_untracked().unwrap_or(true)).await;
    match result {
        Ok(faces) => {
            steps.faces.try_set(Some(faces));
            steps.snapshot.try_set(Step::Passed);
        }
        Err(msg) => {
            steps.snapshot.try_set(Step::Failed(msg));
        }
    }
}

async fn send_snapshot(video: &HtmlVideoElement, phone: bool) -> Result<u32, Msg> {
    let canvas = Canvas::new(true).ok_or(Msg::ErrNoPicture)?;
    canvas.draw(video, DETECT_WIDTH, DETECT_HEIGHT).ok_or(Msg::ErrNoPicture)?;
    // The browser's own count of the same picture: loads the detector before the exam starts
    // and times it (the server's count is the one shown).
    let small = if phone { Canvas::new(true) } else { None };
    let gray = match &small {
        Some(c) => c.draw(video, PHONE_DETECT_BOX, PHONE_DETECT_BOX).and_then(|_| c.gray()),
        None => canvas.gray(),
    };
    if let Some((gray, w, h)) = gray {
        if detect::load().await {
            super::js::yield_now().await;
            let _ = detect::count(&gray, w, h);
        }
    }
    let jpeg = canvas.jpeg(WEBCAM_QUALITY).await.ok_or(Msg::ErrNoPicture)?;
    let (status, text) = http::post(crate::proctor::wire::CHECK_PATH, &[("content-type", "image/jpeg")], &http::bytes_body(&jpeg))
        .await
        .map_err(|_| Msg::ErrSnapshotNotSent)?;
    match status {
        200 => serde_json::from_str::<crate::proctor::wire::CheckResult>(&text).map(|r| r.faces).map_err(|_| Msg::ErrSnapshotNotSent),
        401 => Err(Msg::ErrUnauthorized),
        _ => Err(Msg::ErrSnapshotNotSent),
    }
}

/// Asks for the entire screen (inside the button's click: browsers require it).
pub fn share_screen(steps: CheckSteps) {
    steps.screen.set(Step::Running);
    match screen::request() {
        Ok(promise) => leptos::task::spawn_local(async move {
            match screen::finish(promise).await {
                Ok(stream) => {
                    devices::set_screen(Some(stream));
                    steps.second_screen.try_set(screen::is_extended() == Some(true));
                    steps.screen.try_set(Step::Passed);
                }
                Err(msg) => {
                    steps.screen.try_set(Step::Failed(msg));
                }
            }
        }),
        Err(msg) => steps.screen.set(Step::Failed(msg)),
    }
}
