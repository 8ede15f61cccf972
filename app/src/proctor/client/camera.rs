//! The webcam: a small video stream (320x240 is all a snapshot needs), no microphone.

use super::js;
use super::rules::camera_error;
use crate::i18n::Msg;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MediaStream, MediaStreamConstraints};

/// Asks for the camera (the browser's permission prompt the first time). A failure is the
/// message the candidate reads: no camera, permission denied, camera busy, or no support.
pub async fn open() -> Result<MediaStream, Msg> {
    let devices = js::window()
        .map(|w| w.navigator())
        .and_then(|n| n.media_devices().ok())
        .filter(|d| !JsValue::from(d.clone()).is_undefined())
        .ok_or(Msg::ErrCameraUnsupported)?;
    // Constraints as JSON: web-sys' builders cannot express `{ideal: ...}` values.
    let constraints: MediaStreamConstraints = js_sys::JSON::parse(
        r#"{"audio":false,"video":{"width":{"ideal":320},"height":{"ideal":240},"frameRate":{"ideal":15},"facingMode":"user"}}"#,
    )
    .map_err(|_| Msg::ErrCameraUnsupported)?
    .unchecked_into();
    let promise = devices.get_user_media_with_constraints(&constraints).map_err(|e| camera_error(&js::error_name(&e)))?;
    let stream = js::wait(promise).await.map_err(|e| camera_error(&js::error_name(&e)))?;
    stream.dyn_into::<MediaStream>().map_err(|_| Msg::ErrCameraUnsupported)
}
