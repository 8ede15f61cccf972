//! The candidate's answers on their way to the server: sent one at a time in order, retried with
//! back-off until acknowledged (only the server's explicit refusal ends a try), one latest
//! answer per question, mirrored in localStorage so a reload or a crash of the tab loses
//! nothing. Used by the test's questions and the ticket's written answer alike.

use super::api::save_answer;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ui::save_queue::{SaveQueue, Settled};
use crate::ui::sleep;
use leptos::prelude::*;
use std::collections::HashMap;

/// One answer waiting to reach the server.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct PendingAnswer {
    pub(crate) question_id: i64,
    pub(crate) answer: String,
}

/// The server's clock as the page last heard it: the attempt's deadline and the server's time
/// then, set against the page's own monotonic clock (the computer's date may be wrong). Every
/// saved answer brings it afresh, so extra time given while sitting reaches the countdown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ServerClock {
    pub(crate) deadline_at: i64,
    pub(crate) server_now: i64,
    heard_at: f64,
}

impl ServerClock {
    pub(crate) fn heard(deadline_at: i64, server_now: i64) -> ServerClock {
        ServerClock { deadline_at, server_now, heard_at: monotonic_ms() }
    }

    /// Milliseconds left by the server's deadline.
    pub(crate) fn left_ms(&self) -> i64 {
        let elapsed = (monotonic_ms() - self.heard_at) as i64;
        (self.deadline_at - self.server_now - elapsed).max(0)
    }
}

/// Milliseconds on a clock that only moves forward (the page's own, not the computer's date).
pub(crate) fn monotonic_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    0.0
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SaveState {
    Idle,
    Saving,
    Saved,
    Refused(Msg),
}

/// The answers queue: sent one at a time in order, retried with back-off until acknowledged
/// (only the server's explicit refusal ends a try), one latest answer per question, and
/// mirrored in localStorage so a reload or a crash of the tab loses nothing.
#[derive(Clone, Copy)]
pub(crate) struct AnswerQueue {
    pub(crate) attempt_id: i64,
    /// Question id -> the latest answer not yet acknowledged.
    pub(crate) jobs: StoredValue<SaveQueue<i64, String>>,
    pub(crate) running: StoredValue<bool>,
    pub(crate) pending: RwSignal<usize>,
    pub(crate) retrying: RwSignal<bool>,
    pub(crate) states: StoredValue<HashMap<i64, RwSignal<SaveState>>>,
    pub(crate) time_up: RwSignal<bool>,
    /// The server's deadline as last heard (the attempt's load, then each saved answer).
    pub(crate) clock: RwSignal<ServerClock>,
}

impl AnswerQueue {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn storage_key(&self) -> String {
        format!("talap-answers-{}", self.attempt_id)
    }

    fn persist(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let Some(list) = self.jobs.try_with_value(|q| {
                q.unacknowledged_changes()
                    .into_iter()
                    .map(|(question_id, answer)| PendingAnswer { question_id, answer })
                    .collect::<Vec<_>>()
            }) else {
                return;
            };
            if list.is_empty() {
                let _ = s.remove_item(&self.storage_key());
            } else if let Ok(json) = serde_json::to_string(&list) {
                let _ = s.set_item(&self.storage_key(), &json);
            }
        }
    }

    /// Answers a previous load of this page had not delivered.
    pub(crate) fn restore(&self) -> Vec<PendingAnswer> {
        #[cfg(feature = "hydrate")]
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            if let Ok(Some(json)) = s.get_item(&self.storage_key()) {
                return serde_json::from_str(&json).unwrap_or_default();
            }
        }
        Vec::new()
    }

    pub(crate) fn push(self, question_id: i64, answer: String) {
        if let Some(s) = self.states.with_value(|m| m.get(&question_id).copied()) {
            s.set(SaveState::Saving);
        }
        self.jobs.update_value(|q| q.push(question_id, answer));
        self.persist();
        self.update_pending();
        if !self.running.get_value() {
            self.running.set_value(true);
            leptos::task::spawn_local(self.run());
        }
    }

    fn update_pending(self) {
        if let Some(n) = self.jobs.try_with_value(|q| q.unacknowledged()) {
            self.pending.set(n);
            // Proctoring's images wait while answers do (answers first on a slow network).
            #[cfg(feature = "hydrate")]
            crate::proctor::client::outbox::answers_waiting(n as u32);
        }
    }

    /// Is every answer typed acknowledged or refused by the server?
    pub(crate) fn settled(self) -> bool {
        self.jobs.try_with_value(|q| q.is_empty()).unwrap_or(true)
    }

    async fn run(self) {
        let mut backoff: u32 = 500;
        while let Some((question_id, answer)) = self.jobs.try_update_value(|q| q.next()).flatten() {
            let state = self.states.try_with_value(|m| m.get(&question_id).copied()).flatten();
            let result = save_answer(self.attempt_id, question_id, answer).await;
            // The page may have gone while the request was out (the answers stay in storage).
            if self.jobs.try_with_value(|_| ()).is_none() {
                return;
            }
            match result {
                Ok(saved) => {
                    backoff = 500;
                    if self.clock.try_with_untracked(|c| c.deadline_at != saved.deadline_at) == Some(true) {
                        self.clock.set(ServerClock::heard(saved.deadline_at, saved.saved_at));
                    }
                    self.retrying.set(false);
                    let settled = self.jobs.try_update_value(|q| q.acknowledged()).flatten();
                    // "Saved" only when the server holds the latest answer given.
                    if let (Some(s), Some(Settled::Saved(_))) = (state, settled) {
                        s.set(SaveState::Saved);
                    }
                }
                Err(e) if e.is_refusal() => {
                    self.retrying.set(false);
                    let newer = self.jobs.try_update_value(|q| q.refused()).flatten().is_some_and(|(_, newer)| newer);
                    if matches!(e, AppError::Refused(Msg::ErrTimeUp)) {
                        self.time_up.set(true);
                    }
                    if let (Some(s), false) = (state, newer) {
                        s.set(SaveState::Refused(e.summary()));
                    }
                }
                Err(_) => {
                    // No answer from the server, a server error, an ended session: the answer is
                    // kept and sent again, first.
                    self.jobs.update_value(|q| q.not_delivered());
                    self.retrying.set(true);
                    self.update_pending();
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(8_000);
                }
            }
            self.persist();
            self.update_pending();
        }
        let _ = self.running.try_set_value(false);
    }
}
