//! Frames: a stream played into a video element, drawn to a canvas at the size wanted, and
//! encoded as JPEG by the browser (`toBlob`, which encodes off the main thread) or read back as
//! grayscale pixels for the face detector.

use super::js;
use super::rules::fit;
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

/// A muted, inline video element playing `stream`, not attached to the page (a frame source).
pub fn video_for(stream: &MediaStream) -> Option<HtmlVideoElement> {
    let video: HtmlVideoElement = js::document()?.create_element("video").ok()?.dyn_into().ok()?;
    attach(&video, stream);
    Some(video)
}

/// Plays `stream` in `video` (muted and inline, so no autoplay policy stops it).
pub fn attach(video: &HtmlVideoElement, stream: &MediaStream) {
    video.set_muted(true);
    video.set_autoplay(true);
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(stream));
    if let Ok(p) = video.play() {
        // Awaited so that a rejected play() (the stream ended meanwhile) is handled, not an
        // "uncaught in promise" line in the console; `has_picture` tells the rest.
        leptos::task::spawn_local(async move {
            let _ = js::wait(p).await;
        });
    }
}

/// Whether the video shows pictures: its size is known and a frame has been decoded.
pub fn has_picture(video: &HtmlVideoElement) -> bool {
    video.video_width() > 0 && video.video_height() > 0 && video.ready_state() >= 2
}

/// Waits up to `timeout_ms` for the first picture.
pub async fn wait_for_picture(video: &HtmlVideoElement, timeout_ms: u32) -> bool {
    let mut waited = 0;
    while !has_picture(video) {
        if waited >= timeout_ms {
            return false;
        }
        js::sleep(100).await;
        waited += 100;
    }
    true
}

/// A canvas of its own for one kind of frame (webcam, screen, detector input).
pub struct Canvas {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
}

impl Canvas {
    /// `read_back`: the pixels will be read (`getImageData`), so the browser keeps them in memory
    /// instead of on the GPU.
    pub fn new(read_back: bool) -> Option<Canvas> {
        let canvas: HtmlCanvasElement = js::document()?.create_element("canvas").ok()?.dyn_into().ok()?;
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &JsValue::from_str("willReadFrequently"), &JsValue::from_bool(read_back)).ok()?;
        let ctx = canvas.get_context_with_context_options("2d", &options).ok()??.dyn_into().ok()?;
        Some(Canvas { canvas, ctx })
    }

    /// Draws the video's current frame scaled to fit `max_w` x `max_h`; its size, or None while
    /// the video has no picture.
    pub fn draw(&self, video: &HtmlVideoElement, max_w: u32, max_h: u32) -> Option<(u32, u32)> {
        if !has_picture(video) {
            return None;
        }
        let (w, h) = fit(video.video_width(), video.video_height(), max_w, max_h);
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
        }
        self.ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, f64::from(w), f64::from(h)).ok()?;
        Some((w, h))
    }

    /// The drawn frame as grayscale pixels.
    pub fn gray(&self) -> Option<(Vec<u8>, u32, u32)> {
        let (w, h) = (self.canvas.width(), self.canvas.height());
        let data = self.ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)).ok()?.data();
        Some((crate::proctor::faces::rgba_to_gray(&data), w, h))
    }

    /// The drawn frame as JPEG bytes.
    pub async fn jpeg(&self, quality: f64) -> Option<Vec<u8>> {
        let canvas = self.canvas.clone();
        let mut failed = false;
        let promise = Promise::new(&mut |resolve, _reject| {
            failed = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(quality)).is_err();
        });
        if failed {
            return None;
        }
        // toBlob hands null to the callback when it cannot encode.
        let blob: web_sys::Blob = js::wait(promise).await.ok()?.dyn_into().ok()?;
        let buffer = js::wait(blob.array_buffer()).await.ok()?;
        Some(Uint8Array::new(&buffer).to_vec())
    }
}
