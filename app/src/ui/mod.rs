//! Building blocks every page uses: form fields with their translated errors, form status,
//! page errors, timers, the two-step import of a file. What knows the signed-in user is above:
//! the sign-in guard (`auth::shell`), the header and language switch (`account::header`);
//! nothing here imports a domain.

pub mod save_queue;
pub mod time;
pub mod two_step_import;

use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A text as a query value in a link (a plain GET form encodes it the same way).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The error of the last run of an action (None while it has not failed).
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// Did the last run of the action succeed?
pub fn action_ok<S>(action: ServerAction<S>) -> Signal<bool>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

/// Once the action succeeds, loads the home page afresh, as happens without JavaScript: after
/// signing in, registering or signing out, the header, the page and the language (the account's
/// saved one) all follow the new session. Client-side navigation alone kept the old user.
pub fn reload_home_on_success<S>(action: ServerAction<S>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let ok = action_ok(action);
    Effect::new(move |_| {
        if ok.get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign("/");
            }
        }
    });
}

pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<Msg>> {
    Signal::derive(move || error.get().and_then(|e| e.field_msg(field)))
}

/// A labelled input with its hint and its error, tied together for screen readers.
#[component]
pub fn Field(
    label: Msg,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(optional, into)] value: Signal<String>,
    error: Signal<Option<AppError>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    /// The input's id when `f-{name}` is not unique on the page (two forms with a same-named field).
    #[prop(optional)]
    input_id: Option<&'static str>,
    /// Told what is typed (a later step of the form needs it).
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = input_id.map(str::to_string).unwrap_or_else(|| format!("f-{name}"));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let msg = field_error(error, name);
    let describedby = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if msg.get().is_some() {
                ids.push(err_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:invalid=move || msg.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                prop:value=move || value.get()
                autocomplete=autocomplete
                required=required
                aria-invalid=move || if msg.get().is_some() { "true" } else { "false" }
                aria-describedby=describedby
                on:input=move |ev| {
                    if let Some(f) = on_input {
                        f.run(event_target_value(&ev))
                    }
                }
            />
            {hint.map(|h| view! { <small id=hint_id.clone() class="hint">{t(h)}</small> })}
            <Show when=move || msg.get().is_some()>
                <small id=err_id.clone() class="error" role="alert">
                    {move || { let l = use_locale().get(); msg.get().map(|m| m.text(l)) }}
                </small>
            </Show>
        </div>
    }
}

/// The error of a field that is not an input (a select, a group of radio buttons) under it;
/// the `Field` component shows its own.
#[component]
pub fn SelectError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let locale = use_locale();
    let msg = field_error(error, field);
    view! {
        {move || msg.get().map(|m| view! { <small class="error" role="alert" id=format!("f-{field}-error")>{m.text(locale.get())}</small> })}
    }
}

/// The summary line above a form: what went wrong, or that it worked.
#[component]
pub fn FormStatus(error: Signal<Option<AppError>>, #[prop(optional)] ok: Option<(Signal<bool>, Msg)>) -> impl IntoView {
    let locale = use_locale();
    view! {
        {move || error.get().map(|e| view! { <p class="banner error" role="alert">{e.summary().text(locale.get())}</p> })}
        {move || ok.and_then(|(ok, msg)| ok.get().then(|| view! { <p class="banner ok" role="status">{msg.text(locale.get())}</p> }))}
    }
}

/// "Row 5, Code: <message>" from a field error named "row.5.code", for the row report of a file
/// import; `column` names the file's column in the reader's language. Row 0 is the whole file.
pub fn row_error(field: &str, msg: Msg, l: Locale, column: fn(&str) -> Option<Msg>) -> String {
    let mut parts = field.split('.');
    let (Some("row"), Some(row), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return msg.text(l).to_string();
    };
    if row == "0" {
        return msg.text(l).to_string();
    }
    let column = column(name).map(|m| m.text(l)).unwrap_or("");
    format!("{}, {column}: {}", Msg::RowN.text(l).replace("{n}", row), msg.text(l))
}

/// A page-level error (for loads that failed), translated.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let locale = use_locale();
    view! { <p class="banner error" role="alert">{move || error.summary().text(locale.get())}</p> }
}

/// The data of the form an event was submitted from, for uploads: a form with a file is sent
/// as multipart straight from the browser (server functions with `MultipartFormData` input).
#[cfg(feature = "hydrate")]
pub fn form_data(ev: &leptos::ev::SubmitEvent) -> Option<leptos::web_sys::FormData> {
    use leptos::wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<leptos::web_sys::HtmlFormElement>().ok()?;
    leptos::web_sys::FormData::new_with_form(&form).ok()
}

/// The route's `:id`, as a number (0 when it is not one: the page then finds nothing).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
}

/// Waits `ms` milliseconds: a browser timer in the page (retry back-off of the save queues),
/// tokio's on the server, so code shared by both compiles on each.
#[cfg(feature = "hydrate")]
pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[cfg(not(feature = "hydrate"))]
pub async fn sleep(ms: u32) {
    #[cfg(feature = "ssr")]
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(ms))).await;
    #[cfg(not(feature = "ssr"))]
    let _ = ms;
}
