//! The browser events of an attempt: leaving the tab or the window, leaving full screen, the
//! clipboard, the context menu, losing and regaining the network, a second screen. Each one goes
//! to the outbox (sent in batches); the listeners are removed when the panel goes away.

use super::js;
use super::outbox::Outbox;
use super::rules::BrowserEvent;
use super::status::CaptureStatus;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

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
    {
        let (o, d) = (outbox.clone(), document.clone());
        w.on(&doc, "visibilitychange", move |_| record(&o, if d.hidden() { BrowserEvent::TabHidden } else { BrowserEvent::TabVisible }));
    }
    {
        let o = outbox.clone();
        w.on(&win, "blur", move |_| record(&o, BrowserEvent::WindowBlur));
    }
    {
        let o = outbox.clone();
        w.on(&win, "focus", move |_| record(&o, BrowserEvent::WindowFocus));
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
