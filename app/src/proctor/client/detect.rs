//! Face counting in the browser: the shared `faces::FaceCounter`, with the model fetched once
//! from our own origin (1.2 MB, cached by the browser) when a check or an attempt starts.
//! Each detection is one synchronous call (rustface cannot be paused), so the frame it reads is
//! small (`rules::DETECT_WIDTH`) and the capture yields to the event loop before and after it.

use super::js;
use crate::proctor::faces::{FaceCounter, MODEL_URL};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

thread_local! {
    static COUNTER: RefCell<Option<FaceCounter>> = const { RefCell::new(None) };
    static LOADING: Cell<bool> = const { Cell::new(false) };
}

/// Name of the performance measure of one detection (read by the browser tests).
pub const MEASURE: &str = "talap-face-detect";

/// Loads the detector if it is not loaded yet; false if the model could not be had (the
/// snapshots are then sent without a count, which makes the server count them all; the next
/// frame tries again).
pub async fn load() -> bool {
    loop {
        if COUNTER.with(|c| c.borrow().is_some()) {
            return true;
        }
        if !LOADING.with(|l| l.replace(true)) {
            break;
        }
        // Another task is loading it.
        js::sleep(100).await;
    }
    let counter = fetch_model().await.and_then(|bytes| FaceCounter::from_model(&bytes));
    let ok = counter.is_some();
    COUNTER.with(|c| *c.borrow_mut() = counter);
    LOADING.with(|l| l.set(false));
    ok
}

async fn fetch_model() -> Option<Vec<u8>> {
    let window = js::window()?;
    let response: web_sys::Response = js::wait(window.fetch_with_str(MODEL_URL)).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let buffer = js::wait(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Faces in a grayscale frame, None without a detector. Timed as `MEASURE`.
pub fn count(gray: &[u8], width: u32, height: u32) -> Option<u32> {
    COUNTER.with(|c| {
        let mut slot = c.borrow_mut();
        let counter = slot.as_mut()?;
        let start = "talap-face-detect-start";
        js::mark(start);
        let n = counter.count(gray, width, height);
        js::measure(MEASURE, start);
        n
    })
}
