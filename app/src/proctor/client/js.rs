//! Small bridges to the browser shared by the client's modules: the window and document, the
//! clock, waiting without blocking, random keys, error names and timing marks.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Window};

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window().and_then(|w| w.document())
}

/// The computer's clock (epoch ms), as the server expects `captured-at`.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The page's monotonic clock (ms), for measuring.
pub fn perf_now() -> f64 {
    window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Gives the event loop a turn (input, rendering) between two pieces of work, so a frame's
/// capture is several short tasks instead of one long one.
pub async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// A fresh idempotency key from `crypto.getRandomValues` (None if the browser has no crypto).
pub fn random_key() -> Option<String> {
    let crypto = window()?.crypto().ok()?;
    let mut bytes = [0u8; super::rules::KEY_LEN];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(super::rules::key_from_random(&bytes))
}

/// The `name` of a rejected promise's value (a DOMException's "NotAllowedError", a TypeError's
/// "TypeError"), empty when there is none.
pub fn error_name(e: &JsValue) -> String {
    if let Some(d) = e.dyn_ref::<web_sys::DomException>() {
        return d.name();
    }
    Reflect::get(e, &JsValue::from_str("name")).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// Awaits a promise.
pub async fn wait(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// A property of a JS object, if it is there.
pub fn prop(obj: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// Records `name` in the page's performance timeline from `start_mark` (set with `mark`) to
/// now: the browser tests read these entries to report how long detection takes.
pub fn mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

pub fn measure(name: &str, start_mark: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start_mark);
        p.clear_marks_with_mark_name(start_mark);
    }
}
