//! The HTTP exchange of the request being served, as the base layer needs it: a cookie of the
//! request, the status of the response. It imports nothing of the app, so the error type, the
//! language and the sessions can all use it without importing each other.

use leptos::prelude::*;

/// The value of the cookie `name` in these request headers.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Sets the status of the response being built (no-op outside a request).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Sets the status of a server function's refusal, except for a plain form post (a page not yet
/// hydrated, or without JavaScript: it accepts text/html). server_fn answers that with a
/// redirect back to the form carrying the error in its URL, which the page's `ServerAction`
/// reads to show the form with its messages; a 4xx status here would replace the redirect and
/// put the raw JSON of the error on screen.
pub fn set_error_status(status: http::StatusCode) {
    let plain_form_post = use_context::<http::request::Parts>()
        .is_some_and(|p| p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html")));
    if !plain_form_post {
        set_status(status);
    }
}
