//! What every server function shares on the server: the state, the caller's address, the
//! clock, and turning an `AppError` into the HTTP status the client sees.

use crate::error::AppError;
use crate::state::AppState;
use leptos::prelude::*;
use std::future::Future;

/// The application state, provided to every server function by the server.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The request being served.
pub fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or(AppError::Internal)
}

/// Sets the status of the response being built (no-op outside a request).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Runs a server function's body and maps its error to the matching HTTP status, so that
/// clients other than our pages (and the access test) see 401/403/422 rather than 500.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(err) = &result {
        set_error_status(err.status());
    }
    result
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

/// Milliseconds since the Unix epoch: the one time format stored in the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The caller's address: the socket peer, or the first X-Forwarded-For hop when the server is
/// configured to sit behind a trusted proxy (a load balancer in front of several app nodes).
pub fn client_ip(parts: &http::request::Parts, trust_proxy: bool) -> String {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|ci| ci.0);
    client_ip_from(&parts.headers, peer, trust_proxy)
}

pub fn client_ip_from(headers: &http::HeaderMap, peer: Option<std::net::SocketAddr>, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()) {
            let ip = first.trim();
            if !ip.is_empty() && ip.len() <= 45 {
                return ip.to_string();
            }
        }
    }
    peer.map(|p| p.ip().to_string()).unwrap_or_else(|| "unknown".to_string())
}
