//! The HTTP edge of the plain routes: the downloads, the files and the proctoring uploads that
//! are axum handlers rather than server functions (a browser download needs a URL; an upload's
//! body is the image itself). Everything such a route shares is here, once:
//!
//! - `Caller` as an extractor: a handler that names it never runs for an anonymous request
//!   (401), and the session is looked up once per request, by the API guard for `/api/` paths
//!   and here for the rest;
//! - `Lang`, the language a file is written in (`?lang=`, else the page's language);
//! - `AppError` as a response, rendered by `refusals` in the caller's language as text, or for
//!   `/api/` paths as the JSON the pages and the capture client read;
//! - `Download`, a file with its type, name and caching;
//! - `Routes`, which keeps the list of every plain route, so the access test can call each one
//!   anonymously and as a user without roles (`server/tests/suite/access.rs`).
//!
//! It imports no domain: the domains build their routes from it.

use crate::auth::ssr::{resolve, Caller, ResolvedCaller};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request};
use axum::handler::Handler;
use axum::http::{header, request::Parts, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    /// The signed-in caller, or 401. Under `/api/` the guard has resolved the session already
    /// (one statement for all requests of that moment), so nothing is read twice.
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        let caller = match parts.extensions.get::<ResolvedCaller>() {
            Some(ResolvedCaller(resolved)) => resolved.clone(),
            None => resolve(&st.db, &parts.headers, crate::api::client_ip(parts, st.settings.trusted_proxies)).await?,
        };
        let caller = caller.ok_or(AppError::Unauthorized)?;
        tracing::Span::current().record("user", caller.user_id);
        Ok(caller)
    }
}

/// The language a downloaded file is written in: `?lang=` (the page's links carry it), else
/// the language the page would be shown in.
#[derive(Clone, Copy, Debug)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(locale_of(parts)))
    }
}

fn locale_of(parts: &Parts) -> Locale {
    parts
        .uri
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("lang="))
        .and_then(Locale::from_code)
        .unwrap_or_else(|| crate::i18n::request_locale(parts))
}

/// A refusal travels to `refusals` in the response's extensions, which renders it in the
/// caller's language (a handler need not know it). Without that layer the text is Kazakh.
#[derive(Clone)]
struct Refusal(AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), self.summary().text(Locale::default())).into_response();
        r.extensions_mut().insert(Refusal(self));
        r
    }
}

/// Renders refusals: as the server functions' JSON under `/api/` (the pages and the capture
/// client decode it into `AppError`), as a translated line of text elsewhere (a download link
/// that fails shows it in the browser's tab). One span per request, with the caller's id.
pub async fn refusals(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let (parts, body) = req.into_parts();
    // Only a download's refusal is worded (under /api/ it is JSON): the uploads, a thousand a
    // second on exam day, skip reading the language.
    let locale = (!api).then(|| locale_of(&parts));
    let span = tracing::info_span!("plain", method = %parts.method, path = %parts.uri.path(), user = tracing::field::Empty);
    let mut res = tracing::Instrument::instrument(next.run(Request::from_parts(parts, body)), span.clone()).await;
    let Some(Refusal(e)) = res.extensions_mut().remove::<Refusal>() else {
        return res;
    };
    let _in = span.enter();
    if e.status().is_server_error() {
        tracing::warn!(status = e.status().as_u16(), "refused");
    } else {
        tracing::debug!(status = e.status().as_u16(), "refused");
    }
    let mut out = if api {
        json(&e)
    } else {
        let text = e.summary().text(locale.unwrap_or_default());
        (e.status(), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
    };
    // What the handler added for the client (Retry-After on a busy node) stays.
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

/// A refusal as the JSON the server functions answer with (`AppError` serialised), which the
/// pages and the capture client decode.
pub fn json(e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_else(|_| "\"Internal\"".into());
    (e.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A file answered to a plain route. Never cached by a shared cache; a download unless
/// `shown` (a PDF opened in the browser's viewer) or `image` (a picture in a page).
pub struct Download {
    name: String,
    bytes: Vec<u8>,
    kind: String,
    disposition: &'static str,
    cache: &'static str,
}

impl Download {
    /// A document to save: PDF, XLSX or CSV, typed by the name's extension.
    pub fn file(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let name = name.into();
        let kind = match name.rsplit('.').next() {
            Some("pdf") => "application/pdf",
            Some("csv") => "text/csv; charset=utf-8",
            // A question bank as Moodle XML or GIFT.
            Some("xml") => "application/xml; charset=utf-8",
            Some("txt") => "text/plain; charset=utf-8",
            _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        };
        Download { kind: kind.to_string(), name, bytes, disposition: "attachment", cache: "private, no-store" }
    }

    /// A PDF shown in the browser's viewer rather than saved.
    pub fn shown(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Download { disposition: "inline", ..Download::file(name, bytes) }
    }

    /// A file someone uploaded, saved under its own name with the type given: the type its
    /// content was checked as, never the one its uploader claimed, so a browser cannot be made
    /// to run it as a page.
    pub fn uploaded(name: impl Into<String>, bytes: Vec<u8>, kind: &str) -> Self {
        Download { kind: kind.to_string(), ..Download::file(name, bytes) }
    }

    /// A picture shown in a page, kept in the viewer's own cache for `cache` (a
    /// `Cache-Control` value: "private, max-age=...").
    pub fn image(kind: &str, bytes: Vec<u8>, cache: &'static str) -> Self {
        Download { name: String::new(), bytes, kind: kind.to_string(), disposition: "", cache }
    }
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let mut r = self.bytes.into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&self.kind).unwrap_or(HeaderValue::from_static("application/octet-stream")));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(self.cache));
        if !self.disposition.is_empty() {
            if let Ok(v) = HeaderValue::from_str(&disposition(self.disposition, &self.name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
        }
        r
    }
}

/// The ASCII name for old clients, and the real one (RFC 6266 / 5987) for the rest: a
/// student's "Жауап.docx" downloads under its own name.
fn disposition(how: &str, name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// "12.xlsx" -> (12, "xlsx"): the id and extension of a file in a download's path.
pub fn id_and_ext(file: &str) -> Option<(i64, &str)> {
    let (id, ext) = file.rsplit_once('.')?;
    Some((id.parse().ok()?, ext))
}

/// The plain routes of a domain, and the list of them (method, path) the access test walks.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    listed: Vec<(Method, &'static str)>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.route(Method::GET, path, axum::routing::get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.route(Method::POST, path, axum::routing::post(handler))
    }

    /// A route whose method router carries its own layers (a body limit). `method` is the one
    /// it answers.
    pub fn route(mut self, method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, handler);
        self.listed.push((method, path));
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// Every route: (method, path as written, with `{placeholders}`).
    pub fn listed(&self) -> &[(Method, &'static str)] {
        &self.listed
    }

    /// The router, with refusals rendered and each request in a span.
    pub fn into_router(self) -> Router<AppState> {
        self.router.layer(axum::middleware::from_fn(refusals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_its_own_name_and_an_ascii_one() {
        let d = disposition("attachment", "Жауап 1.docx");
        assert!(d.starts_with("attachment; filename=\"______1.docx\"; filename*=UTF-8''%D0%96"), "{d}");
        assert_eq!(id_and_ext("12.xlsx"), Some((12, "xlsx")));
        assert_eq!(id_and_ext("x.xlsx"), None);
    }
}
