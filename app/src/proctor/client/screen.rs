//! The screen share: the candidate must share the entire screen (a window or a tab would hide
//! what else is open), and a second screen is reported when the browser can tell.

use super::devices::{first_video_track, stop};
use super::js;
use super::rules::{is_entire_screen, screen_error};
use crate::i18n::Msg;
use js_sys::Promise;
use wasm_bindgen::JsCast;
use web_sys::{DisplayMediaStreamConstraints, MediaStream};

/// Whether this browser can share a screen at all: no phone or tablet browser has
/// `getDisplayMedia` (Android Chrome and iOS Safari alike).
pub fn can_share() -> bool {
    js::window()
        .map(|w| w.navigator())
        .and_then(|n| n.media_devices().ok())
        .filter(|d| !wasm_bindgen::JsValue::from(d.clone()).is_undefined())
        .is_some_and(|d| js::prop(&d, "getDisplayMedia").is_some_and(|f| f.is_function()))
}

/// Starts the share. Browsers allow `getDisplayMedia` only while handling a click, so this is
/// called synchronously from the button's handler; `finish` awaits the candidate's choice.
pub fn request() -> Result<Promise, Msg> {
    let devices = js::window()
        .map(|w| w.navigator())
        .and_then(|n| n.media_devices().ok())
        .filter(|d| js::prop(d, "getDisplayMedia").is_some())
        .ok_or(Msg::ErrScreenUnsupported)?;
    // Offer the entire screen first and leave this tab and surface switching out of the
    // picker (Chromium reads these hints; other browsers ignore them).
    let constraints: DisplayMediaStreamConstraints = js_sys::JSON::parse(
        r#"{"audio":false,"video":{"displaySurface":"monitor","frameRate":{"ideal":5}},"monitorTypeSurfaces":"include","selfBrowserSurface":"exclude","surfaceSwitching":"exclude"}"#,
    )
    .map_err(|_| Msg::ErrScreenUnsupported)?
    .unchecked_into();
    devices.get_display_media_with_constraints(&constraints).map_err(|e| screen_error(&js::error_name(&e)))
}

/// The shared stream, if it is the entire screen; a window or a tab is stopped and refused.
pub async fn finish(promise: Promise) -> Result<MediaStream, Msg> {
    let stream: MediaStream =
        js::wait(promise).await.map_err(|e| screen_error(&js::error_name(&e)))?.dyn_into().map_err(|_| Msg::ErrScreenUnsupported)?;
    let Some(track) = first_video_track(&stream) else {
        return Err(Msg::ErrScreenUnsupported);
    };
    // `displaySurface` is missing from web-sys' MediaTrackSettings: read it by name.
    let surface = js::prop(&track.get_settings(), "displaySurface").and_then(|v| v.as_string());
    if !is_entire_screen(surface.as_deref()) {
        stop(&stream);
        return Err(Msg::ErrScreenNotEntire);
    }
    Ok(stream)
}

/// Whether the computer has more than one screen: `screen.isExtended` (Window Management
/// API, Chromium only; not in web-sys), None where the browser cannot tell.
pub fn is_extended() -> Option<bool> {
    let screen = js::window()?.screen().ok()?;
    js::prop(&screen, "isExtended")?.as_bool()
}
