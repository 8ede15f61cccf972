//! The outbox: every snapshot, screenshot and browser event of an attempt is written to
//! IndexedDB first and removed only once the server has acknowledged it (or refused it for
//! good), so a reload, a crash or a lost network loses nothing. One sender per page sends the
//! oldest items first, events in batches, with exponential backoff after a failure; it starts
//! again at once when the browser comes back online, and on page load for the attempt's leftovers.
//! Items carry their idempotency key from the moment they are made: a retry of something the
//! server already stored is answered "duplicate" and stored once.

use super::idb::Idb;
use super::js;
use super::rules::{outcome, Backoff, BrowserEvent, Outcome, EVENTS_PER_BATCH, FLUSH_CHUNK};
use super::status::CaptureStatus;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;

thread_local! {
    /// The exam page's answers not yet acknowledged by the server (`answers_waiting`).
    static ANSWERS_WAITING: Cell<u32> = const { Cell::new(0) };
}

/// Told by the exam page how many answers wait for the server. While any does, images hold
/// back (up to `ANSWERS_FIRST_MS` each): on a slow mobile uplink a 20 KB snapshot would otherwise
/// share the wire with the answer the candidate just gave, and the answer is what counts.
pub fn answers_waiting(n: u32) {
    ANSWERS_WAITING.with(|a| a.set(n));
}

/// How long one image waits for answers at most: an answer that cannot land (the server is
/// down) must not stop the evidence for good; both then retry on their own.
const ANSWERS_FIRST_MS: u32 = 10_000;

pub struct Outbox {
    attempt: i64,
    /// Where items wait: IndexedDB ...
    db: Option<Idb>,
    /// ... or memory, where the browser has none or refuses to store (quota); then only a reload
    /// loses them.
    memory: RefCell<Vec<JsValue>>,
    running: Cell<bool>,
    /// Set by `kick` (a new item): the sender looks at the outbox again before it stops.
    more: Cell<bool>,
    /// Set by `wake` (back online): the sender stops waiting out its backoff.
    woken: Cell<bool>,
    backoff: Cell<Backoff>,
    status: RefCell<Option<CaptureStatus>>,
}

thread_local! {
    static OUTBOXES: RefCell<HashMap<i64, Rc<Outbox>>> = RefCell::new(HashMap::new());
}

/// The page's outbox for an attempt (opened once per page).
pub async fn for_attempt(attempt: i64) -> Rc<Outbox> {
    if let Some(o) = OUTBOXES.with(|m| m.borrow().get(&attempt).cloned()) {
        return o;
    }
    let db = Idb::open().await.ok();
    // Another task may have opened it while this one awaited.
    OUTBOXES.with(|m| {
        m.borrow_mut()
            .entry(attempt)
            .or_insert_with(|| {
                Rc::new(Outbox {
                    attempt,
                    db,
                    memory: RefCell::new(Vec::new()),
                    running: Cell::new(false),
                    more: Cell::new(false),
                    woken: Cell::new(false),
                    backoff: Cell::new(Backoff::new()),
                    status: RefCell::new(None),
                })
            })
            .clone()
    })
}

/// Sends what an earlier page of this attempt left behind (called when the attempt page loads).
pub fn flush_on_load(attempt: i64) {
    leptos::task::spawn_local(async move {
        for_attempt(attempt).await.kick();
    });
}

fn set(obj: &js_sys::Object, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(name), value);
}

fn get_str(obj: &JsValue, name: &str) -> String {
    js::prop(obj, name).and_then(|v| v.as_string()).unwrap_or_default()
}

fn get_num(obj: &JsValue, name: &str) -> Option<f64> {
    js::prop(obj, name).and_then(|v| v.as_f64())
}

impl Outbox {
    /// Shows the outbox's counts in a panel.
    pub fn attach(self: &Rc<Self>, status: CaptureStatus) {
        *self.status.borrow_mut() = Some(status);
        let this = self.clone();
        leptos::task::spawn_local(async move { this.refresh_count().await });
    }

    /// Keeps a webcam snapshot or a screenshot until it is acknowledged.
    pub async fn add_image(self: &Rc<Self>, kind: crate::proctor::wire::EvidenceKind, captured_at: i64, faces: Option<u32>, jpeg: &[u8]) {
        let Some(key) = js::random_key() else { return };
        let rec = js_sys::Object::new();
        set(&rec, "key", &JsValue::from_str(&key));
        set(&rec, "attempt", &JsValue::from_f64(self.attempt as f64));
        set(&rec, "kind", &JsValue::from_str(kind.as_str()));
        set(&rec, "at", &JsValue::from_f64(captured_at as f64));
        set(&rec, "faces", &faces.map_or(JsValue::NULL, |n| JsValue::from_f64(f64::from(n))));
        set(&rec, "body", &js_sys::Uint8Array::from(jpeg).into());
        self.keep(rec.into()).await;
    }

    /// Keeps a browser event until it is acknowledged (sent in batches).
    pub fn add_event(self: &Rc<Self>, event: BrowserEvent, detail: &str) {
        let Some(key) = js::random_key() else { return };
        let rec = js_sys::Object::new();
        set(&rec, "key", &JsValue::from_str(&key));
        set(&rec, "attempt", &JsValue::from_f64(self.attempt as f64));
        set(&rec, "kind", &JsValue::from_str("event"));
        set(&rec, "event", &JsValue::from_str(event.code()));
        set(&rec, "at", &JsValue::from_f64(js::now_ms() as f64));
        set(&rec, "detail", &JsValue::from_str(&detail.chars().take(500).collect::<String>()));
        let this = self.clone();
        leptos::task::spawn_local(async move { this.keep(rec.into()).await });
    }

    async fn keep(self: &Rc<Self>, rec: JsValue) {
        let stored = match &self.db {
            Some(db) => db.put(&rec).await.is_ok(),
            None => false,
        };
        if !stored {
            self.memory.borrow_mut().push(rec);
        }
        self.refresh_count().await;
        self.kick();
    }

    /// Starts the sender if it is not running (a running one picks the new item up).
    pub fn kick(self: &Rc<Self>) {
        self.more.set(true);
        if self.running.replace(true) {
            return;
        }
        let this = self.clone();
        leptos::task::spawn_local(async move {
            // An item kept while the sender was finding the outbox empty woke it: go round again.
            loop {
                this.send_all().await;
                if !this.more.get() {
                    break;
                }
            }
            this.running.set(false);
        });
    }

    /// Back online: try again now, from the shortest wait.
    pub fn wake(self: &Rc<Self>) {
        let mut b = self.backoff.get();
        b.reset();
        self.backoff.set(b);
        self.woken.set(true);
        self.kick();
    }

    async fn pending(&self) -> Vec<JsValue> {
        let mut items: Vec<JsValue> = match &self.db {
            Some(db) => db.of_attempt(self.attempt, FLUSH_CHUNK).await.unwrap_or_default(),
            None => Vec::new(),
        };
        items.extend(self.memory.borrow().iter().take(FLUSH_CHUNK as usize).cloned());
        items.sort_by(|a, b| get_num(a, "at").unwrap_or(0.0).total_cmp(&get_num(b, "at").unwrap_or(0.0)));
        items
    }

    async fn remove(&self, keys: &[String]) {
        if let Some(db) = &self.db {
            for key in keys {
                let _ = db.delete(key).await;
            }
        }
        self.memory.borrow_mut().retain(|r| !keys.contains(&get_str(r, "key")));
    }

    async fn refresh_count(&self) {
        let stored = match &self.db {
            Some(db) => db.count(self.attempt).await.unwrap_or(0),
            None => 0,
        };
        let n = stored + self.memory.borrow().len() as u32;
        if let Some(s) = *self.status.borrow() {
            s.queued.try_set(n);
        }
    }

    fn acknowledged(&self, n: u32) {
        if let Some(s) = *self.status.borrow() {
            s.sent.try_update(|c| *c += n);
            s.last_sent_at.try_set(Some(js::now_ms()));
        }
    }

    /// Sends until the outbox is empty; after a failure waits (backoff) and goes on.
    async fn send_all(self: &Rc<Self>) {
        loop {
            self.more.set(false);
            let items = self.pending().await;
            if items.is_empty() {
                return;
            }
            let mut failed = false;
            let events: Vec<&JsValue> = items.iter().filter(|r| get_str(r, "kind") == "event").take(EVENTS_PER_BATCH).collect();
            if !events.is_empty() {
                failed |= !self.send_events(&events).await;
            }
            for rec in items.iter().filter(|r| get_str(r, "kind") != "event") {
                if failed {
                    break;
                }
                let mut held = 0;
                while held < ANSWERS_FIRST_MS && ANSWERS_WAITING.with(|a| a.get()) > 0 {
                    js::sleep(100).await;
                    held += 100;
                }
                failed |= !self.send_image(rec).await;
            }
            self.refresh_count().await;
            if failed {
                let mut b = self.backoff.get();
                let wait = b.fail();
                self.backoff.set(b);
                self.wait(wait).await;
            } else {
                let mut b = self.backoff.get();
                b.reset();
                self.backoff.set(b);
            }
        }
    }

    /// Waits `ms`, or less if woken.
    async fn wait(&self, ms: u32) {
        let mut waited = 0;
        while waited < ms && !self.woken.replace(false) {
            js::sleep(250).await;
            waited += 250;
        }
    }

    /// One image; false if it must be tried again later.
    async fn send_image(&self, rec: &JsValue) -> bool {
        let key = get_str(rec, "key");
        let attempt = self.attempt.to_string();
        let at = (get_num(rec, "at").unwrap_or(0.0) as i64).to_string();
        let kind = get_str(rec, "kind");
        let faces = get_num(rec, "faces").map(|n| (n as u32).to_string()).unwrap_or_default();
        let body = js::prop(rec, "body").unwrap_or(JsValue::NULL);
        use crate::proctor::wire;
        let mut headers = vec![
            ("content-type", "image/jpeg"),
            (wire::ATTEMPT_HEADER, attempt.as_str()),
            (wire::KIND_HEADER, kind.as_str()),
            (wire::KEY_HEADER, key.as_str()),
            (wire::CAPTURED_AT_HEADER, at.as_str()),
        ];
        if kind == wire::EvidenceKind::Webcam.as_str() && !faces.is_empty() {
            headers.push((wire::FACES_HEADER, faces.as_str()));
        }
        let status = super::http::post(wire::EVIDENCE_PATH, &headers, &body).await.map(|(s, _)| s).unwrap_or(0);
        self.settle(outcome(status), &[key]).await
    }

    /// One batch of events; false if it must be tried again later.
    async fn send_events(&self, events: &[&JsValue]) -> bool {
        use crate::proctor::wire::{EventBatch, EventIn, EVENTS_PATH};
        let events_in = events
            .iter()
            .map(|r| EventIn {
                key: get_str(r, "key"),
                kind: get_str(r, "event"),
                at: get_num(r, "at").unwrap_or(0.0) as i64,
                detail: get_str(r, "detail"),
            })
            .collect();
        let body = serde_json::to_string(&EventBatch { attempt: self.attempt, events: events_in }).unwrap_or_default();
        let status = super::http::post(EVENTS_PATH, &[("content-type", "application/json")], &JsValue::from_str(&body))
            .await
            .map(|(s, _)| s)
            .unwrap_or(0);
        let keys: Vec<String> = events.iter().map(|r| get_str(r, "key")).collect();
        self.settle(outcome(status), &keys).await
    }

    async fn settle(&self, result: Outcome, keys: &[String]) -> bool {
        match result {
            Outcome::Done => {
                self.remove(keys).await;
                self.acknowledged(keys.len() as u32);
                true
            }
            Outcome::Refused => {
                self.remove(keys).await;
                true
            }
            Outcome::Retry => false,
        }
    }
}
