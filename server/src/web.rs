//! HTTP plumbing around the Leptos app: health endpoints, security headers, and the
//! cross-site request check for server functions.

use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready to serve: the database answers and the media folder is writable.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let db_ok = state.db.ping().await;
    let media_ok = state.media.writable().await;
    let body = serde_json::json!({
        "database": if db_ok { "ok" } else { "unreachable" },
        "media": if media_ok { "ok" } else { "unwritable" },
    });
    let status = if db_ok && media_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(body)).into_response()
}

/// Headers every response carries. Pages set their own Content-Security-Policy with a nonce
/// (see `app::shell`); anything else gets a policy that allows nothing to run.
pub async fn security_headers(State(secure): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // The exam pages will use the camera and screen capture of this origin only.
    h.insert("permissions-policy", HeaderValue::from_static("camera=(self), display-capture=(self), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    }
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// How long browsers keep the site's files (issue 15). On exam day 20 000 phones open the site
/// at once; each should fetch the wasm once per release, not once per page. A name with a
/// content hash (`/pkg/talap.<hash>.wasm`, `.js`, `.css`: cargo-leptos' `hash-files`) never
/// changes under that name: kept a year, never asked again. The face model's name carries its
/// version: a week. Other files are asked again each time (`no-cache`). Pages and API answers
/// are not touched. (The files come precompressed, brotli or gzip, when the build made them:
/// `cargo leptos build --release --precompress`; leptos_axum's file handler picks them.)
pub async fn site_file_caching(req: Request, next: Next) -> Response {
    let policy = site_file_policy(req.uri().path());
    let mut res = next.run(req).await;
    if let Some(policy) = policy {
        if res.status() == StatusCode::OK && !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    res
}

/// The Cache-Control of a site file by its path; None for what is not a site file.
fn site_file_policy(path: &str) -> Option<&'static str> {
    // The whole app's files, and the candidate's bundle (see `candidate_bundle` in lib.rs).
    if let Some(name) = path.strip_prefix("/pkg/").or_else(|| path.strip_prefix("/candidate/pkg/")) {
        // talap.<MD5 in 22 characters of base64url>.wasm
        let parts: Vec<&str> = name.split('.').collect();
        let hashed =
            parts.len() >= 3 && parts[1].len() == 22 && parts[1].chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        return Some(if hashed { "public, max-age=31536000, immutable" } else { "no-cache" });
    }
    if path.starts_with("/proctor/") {
        return Some("public, max-age=604800");
    }
    if path == "/favicon.svg" {
        return Some("public, max-age=86400");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::site_file_policy;

    #[test]
    fn hashed_names_are_kept_for_a_year_and_plain_ones_are_asked_again() {
        assert_eq!(site_file_policy("/pkg/talap.Xq3vT0a9bC1dE2fG3hI4jK.wasm"), Some("public, max-age=31536000, immutable"));
        assert_eq!(site_file_policy("/pkg/talap.Xq3vT0a9bC1dE2fG3hI4jK.js"), Some("public, max-age=31536000, immutable"));
        assert_eq!(site_file_policy("/pkg/talap.wasm"), Some("no-cache"));
        assert_eq!(site_file_policy("/candidate/pkg/talap.Xq3vT0a9bC1dE2fG3hI4jK.wasm"), Some("public, max-age=31536000, immutable"));
        assert_eq!(site_file_policy("/candidate/pkg/talap.wasm"), Some("no-cache"));
        assert_eq!(site_file_policy("/pkg/talap.short.css"), Some("no-cache"));
        assert_eq!(site_file_policy("/proctor/seeta_fd_frontal_v1.0.bin"), Some("public, max-age=604800"));
        assert_eq!(site_file_policy("/exams"), None);
        assert_eq!(site_file_policy("/api/auth/me"), None);
    }
}

/// Refuses state-changing requests that come from another site. Browsers send
/// `Sec-Fetch-Site` and `Origin` with every POST; a forged cross-site form post carries a
/// foreign origin (and, with SameSite=Lax, no session cookie either).
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD && req.method() != Method::OPTIONS {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let cross_by_fetch = matches!(fetch_site, Some("cross-site") | Some("same-site"));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let cross_by_origin = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(|origin| {
                let origin_host = origin.split("://").nth(1).unwrap_or("");
                origin == "null" || origin_host != host
            })
            .unwrap_or(false);
        if cross_by_fetch || cross_by_origin {
            tracing::warn!(path = %req.uri().path(), ?fetch_site, "refused a cross-site request");
            return (StatusCode::FORBIDDEN, Body::from("cross-site request refused")).into_response();
        }
    }
    next.run(req).await
}

/// Deny by default for server functions: resolves the session once, refuses any `/api/` call
/// that is not public when nobody is signed in, and hands the caller to the function.
pub async fn api_guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let ip = app::api::client_ip_from(req.headers(), peer, state.settings.trusted_proxies);
    let caller = match app::auth::ssr::resolve(&state.db, req.headers(), ip).await {
        Ok(c) => c,
        Err(e) => return api_error(e),
    };
    if caller.is_none() && !app::auth::PUBLIC_ENDPOINTS.contains(&path.as_str()) {
        return api_error(app::error::AppError::Unauthorized);
    }
    req.extensions_mut().insert(app::auth::ssr::ResolvedCaller(caller));
    next.run(req).await
}

/// An error in the same JSON shape server functions answer with, so the pages can show it.
fn api_error(e: app::error::AppError) -> Response {
    app::edge::json(&e)
}
