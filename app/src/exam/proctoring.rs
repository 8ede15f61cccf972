//! The proctoring part of the attempt page: the device check (PRC-3) must pass before the
//! questions show (unless the exam allows an unproctored attempt), then the capture panel runs
//! beside the questions for the rest of the attempt. After a reload the check runs again (the
//! browser may grant the devices again without asking); the outbox sends what the previous page
//! left at once, check or not. The exam's timer is the server's and runs during the check.

use crate::i18n::{t, Msg};
use crate::proctor::pages::{DeviceCheck, ProctorPanel};
use crate::proctor::settings::ProctorSettings;
use leptos::prelude::*;

#[component]
pub fn ExamProctoring(attempt_id: i64, settings: ProctorSettings, started: RwSignal<bool>) -> impl IntoView {
    // Whether the candidate passed the check (false: chose to go on without proctoring).
    let capturing = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        crate::proctor::client::outbox::flush_on_load(attempt_id);
    });
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        crate::proctor::client::devices::stop_all();
    });
    let on_start = Callback::new(move |_: ()| {
        capturing.set(true);
        started.set(true);
    });
    view! {
        <Show
            when=move || !started.get()
            fallback=move || view! { <Show when=move || capturing.get()><ProctorPanel attempt_id=attempt_id settings=settings/></Show> }
        >
            <section class="device-check-box">
                <h2>{t(Msg::DeviceCheckTitle)}</h2>
                <DeviceCheck require_screen=settings.require_screen on_start=on_start/>
                {settings.allow_unproctored.then(|| view! {
                    <p><button type="button" class="link" data-testid="continue-unproctored" on:click=move |_| started.set(true)>{t(Msg::ContinueUnproctored)}</button></p>
                })}
            </section>
        </Show>
    }
    .into_any()
}
