//! The browser events of an attempt: leaving the tab or the window, leaving full screen, the
//! clipboard, the context menu, losing and regaining the network, a second screen. Each one goes
//! to the outbox (sent in batches); the listeners are removed when the panel goes away.
//!
//! A camera-only capture (a phone) reports what a phone does instead of tabs and windows: the
//! page hidden is another app, an incoming call or the screen locked (`app_hidden`), and turning
//! the phone is recorded but is no violation. When the page comes back, a camera the phone took
//! away is opened again without a tap, so the sitting goes on in the same attempt.

use super::js;
use super::outbox::Outbox;
use super::rules::BrowserEvent;
use super::status::CaptureStatus;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

thread_local! {
    /// When the page was last hidden or shown again (epoch ms): a camera that ends around then
    /// was taken by the phone (locked, another app), not switched off.
    static LAST_HIDDEN: std::cell::Cell<i64> = const { std::cell::Cell::new(i64::MIN / 2) };
}

/// The page is hidden now, or was within the last `ms`.
pub fn hidden_within(ms: i64) -> bool {
    js::document().is_some_and(|d| d.hidden()) || js::now_ms() - LAST_HIDDEN.with(|h| h.get()) <= ms
}

/// Listeners in place; dropping it removes them.
pub struct Watch {
    listeners: Vec<(EventTarget, &'static str, Closure<dyn FnMut(web_sys::Event)>)>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        for (target, name, f) in &self.listeners {
            let _ = target.remove_event_listener_with_callback(name, f.as_ref().unchecked_ref());
        }
    }
}

impl Watch {
    fn on(&mut self, target: &EventTarget, name: &'static str, f: impl FnMut(web_sys::Event) + 'static) {
        let f = Closure::<dyn FnMut(web_sys::Event)>::new(f);
        if target.add_event_listener_with_callback(name, f.as_ref().unchecked_ref()).is_ok() {
            self.listeners.push((target.clone(), name, f));
        }
    }
}

/// Starts reporting the page's events to `outbox`.
pub fn watch(outbox: Rc<Outbox>, status: CaptureStatus) -> Watch {
    let mut w = Watch { listeners: Vec::new() };
    let (Some(window), Some(document)) = (js::window(), js::document()) else {
        return w;
    };
    let win: EventTarget = window.clone().into();
    let doc: EventTarget = document.clone().into();

    let record = move |outbox: &Rc<Outbox>, e: BrowserEvent| outbox.add_event(e, "");
    let phone = !status.require_screen;
    {
        let (o, d) = (outbox.clone(), document.clone());
        w.on(&doc, "visibilitychange", move |_| {
            let hidden = d.hidden();
            LAST_HIDDEN.with(|h| h.set(js::now_ms()));
            record(
                &o,
                match (phone, hidden) {
                    (false, true) => BrowserEvent::TabHidden,
                    (false, false) => BrowserEvent::TabVisible,
                    (true, true) => BrowserEvent::AppHidden,
                    (true, false) => BrowserEvent::AppVisible,
                },
            );
            if !hidden {
                camera_back(status);
            }
        });
    }
    // A phone has no windows: its blur is the page being hidden, reported above.
    if !phone {
        let o = outbox.clone();
        w.on(&win, "blur", move |_| record(&o, BrowserEvent::WindowBlur));
        let o = outbox.clone();
        w.on(&win, "focus", move |_| record(&o, BrowserEvent::WindowFocus));
    }
    // Turning the device: recorded with the new orientation ("portrait-primary"...).
    if let Some(orientation) = window.screen().ok().and_then(|s| js::prop(&s, "orientation")) {
        let o = outbox.clone();
        let target: EventTarget = orientation.clone().unchecked_into();
        w.on(&target, "change", move |_| {
            let kind = js::prop(&orientation, "type").and_then(|t| t.as_string()).unwrap_or_default();
            o.add_event(BrowserEvent::Orientation, &kind);
        });
    }
    {
        let (o, d) = (outbox.clone(), document.clone());
        w.on(&doc, "fullscreenchange", move |_| {
            record(&o, if d.fullscreen_element().is_some() { BrowserEvent::FullscreenEnter } else { BrowserEvent::FullscreenExit })
        });
    }
    for (name, e) in [
        ("copy", BrowserEvent::Copy),
        ("cut", BrowserEvent::Cut),
        ("paste", BrowserEvent::Paste),
        ("contextmenu", BrowserEvent::ContextMenu),
    ] {
        let o = outbox.clone();
        w.on(&doc, name, move |_| record(&o, e));
    }
    {
        let o = outbox.clone();
        w.on(&win, "offline", move |_| {
            status.online.try_set(false);
            record(&o, BrowserEvent::Offline);
        });
    }
    {
        let o = outbox.clone();
        w.on(&win, "online", move |_| {
            status.online.try_set(true);
            record(&o, BrowserEvent::Online);
            o.wake();
        });
    }
    // A screen attached during the attempt: the Window Management API fires `change` on
    // `window.screen` when `isExtended` changes (Chromium only).
    if let Ok(screen) = window.screen() {
        let o = outbox.clone();
        let mut reported = false;
        let target: EventTarget = screen.into();
        w.on(&target, "change", move |_| {
            if !reported && super::screen::is_extended() == Some(true) {
                reported = true;
                record(&o, BrowserEvent::SecondScreen);
            }
        });
    }
    status.online.try_set(window.navigator().on_line());
    w
}

/// The page is visible again: a camera that ended meanwhile (a phone locked, a call took it)
/// is asked for again at once. The permission is granted already, so no prompt and no tap is
/// needed; where the browser still refuses, the panel's button remains.
fn camera_back(status: CaptureStatus) {
    if super::devices::camera().is_some_and(|s| super::devices::is_live(&s)) {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(stream) = super::camera::open().await {
            super::devices::set_camera(Some(stream));
            status.problem.try_set(None);
        }
    });
}
