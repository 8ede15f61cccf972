//! The one error type of every server function: what went wrong, as translatable keys.
//! Internal details are logged on the server and never sent to the browser.

use crate::i18n::Msg;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message for one form field (`field` is the input's `name`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Not signed in (401).
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in but without the right (403).
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Input refused; nothing was written (422).
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A refusal that belongs to no single field (422), e.g. wrong credentials.
    #[error("refused")]
    Refused(Msg),
    #[error("too many requests")]
    RateLimited,
    /// The request could not be decoded (400): a malformed call, not a user's typing.
    #[error("bad request")]
    BadRequest,
    #[error("internal error")]
    Internal,
    /// No answer from the server (in the browser: the fetch failed, the connection dropped, or
    /// what came back was not the app's answer, e.g. a proxy's error page; on the server: the
    /// database cannot be reached right now, 503). Nothing is known to be saved; a save is kept
    /// and sent again.
    #[error("server unreachable")]
    Unreachable,
}

impl AppError {
    pub fn field(field: &str, msg: Msg) -> AppError {
        AppError::Invalid(vec![FieldError { field: field.to_string(), msg }])
    }

    /// The message for one field, if the error names it.
    pub fn field_msg(&self, field: &str) -> Option<Msg> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.msg),
            _ => None,
        }
    }

    /// The message shown at the top of a form or page.
    pub fn summary(&self) -> Msg {
        match self {
            AppError::Unauthorized => Msg::ErrUnauthorized,
            AppError::Forbidden => Msg::ErrForbidden,
            AppError::NotFound => Msg::ErrNotFound,
            AppError::Invalid(_) => Msg::ErrCheckFields,
            AppError::Refused(msg) => *msg,
            AppError::RateLimited => Msg::ErrRateLimited,
            AppError::BadRequest => Msg::ErrBadRequest,
            AppError::Internal => Msg::ErrInternal,
            AppError::Unreachable => Msg::ErrUnreachable,
        }
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthorized => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::Invalid(_) | AppError::Refused(_) => S::UNPROCESSABLE_ENTITY,
            AppError::RateLimited => S::TOO_MANY_REQUESTS,
            AppError::BadRequest => S::BAD_REQUEST,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Unreachable => S::SERVICE_UNAVAILABLE,
        }
    }

    /// Is this the server's final word on a change (it answered and refused it: bad input,
    /// no right, gone, a conflict, a malformed call)? Only then does a save queue give up on
    /// it. Everything else (no answer, a server error, the session ended, too many requests)
    /// says nothing about the change itself, so the change is kept and sent again.
    pub fn is_refusal(&self) -> bool {
        match self {
            AppError::Invalid(_) | AppError::Refused(_) | AppError::Forbidden | AppError::NotFound | AppError::BadRequest => true,
            AppError::Unauthorized | AppError::RateLimited | AppError::Internal | AppError::Unreachable => false,
        }
    }

    /// An error answer's body: the app's error as the server sent it, or, when the body is not
    /// one (a proxy's error page, a cut-off body), what the machinery makes of that side's
    /// unreadable input.
    pub fn from_error_body(body: &[u8], on_server: bool) -> AppError {
        serde_json::from_slice(body)
            .unwrap_or_else(|e| AppError::from_machinery(ServerFnErrorErr::Deserialization(e.to_string()), on_server))
    }

    /// An error of the server-function machinery, on the side that met it. On the server it is
    /// the caller's malformed request (400). In the browser it is never the server's answer:
    /// the server's own refusals arrive decoded from its error body, so whatever the machinery
    /// reports there (a failed fetch, an unreadable body, a proxy's page) means "no answer".
    pub fn from_machinery(value: ServerFnErrorErr, on_server: bool) -> AppError {
        if !on_server {
            return AppError::Unreachable;
        }
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

/// Collects field errors while validating a form, so the user sees all of them at once.
#[derive(Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn check<T>(&mut self, field: &str, result: Result<T, Msg>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(msg) => {
                self.0.push(FieldError { field: field.to_string(), msg });
                None
            }
        }
    }
    pub fn add(&mut self, field: &str, msg: Msg) {
        self.0.push(FieldError { field: field.to_string(), msg });
    }
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Errors raised by the server-function machinery itself: undecodable arguments, a
    /// request the server could not read, or (in the browser) a failed fetch or an answer that
    /// is not the app's.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = AppError::from_machinery(value, cfg!(feature = "ssr"));
        #[cfg(feature = "ssr")]
        if error == AppError::BadRequest {
            crate::request::set_error_status(http::StatusCode::BAD_REQUEST);
        }
        error
    }

    /// An error answer's body, read by the side that received it (see `from_error_body`).
    fn de(data: leptos::server_fn::Bytes) -> Self {
        AppError::from_error_body(&data, cfg!(feature = "ssr"))
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// A database that cannot be reached right now (PostgreSQL restarting or failing over, the
    /// pool's connections all lost) is the server's "no answer" (503): nothing was written and
    /// the same request may succeed in a moment, which browsers' queues and load balancers know
    /// to retry. Anything else is a fault of this request (500).
    fn from(err: sqlx::Error) -> Self {
        if is_transient(&err) {
            tracing::warn!(error = %err, "database unreachable");
            return AppError::Unreachable;
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// Errors of reaching the database rather than of the statement: the connection broke or could
/// not be made, the pool gave up waiting for one, or PostgreSQL is shutting down or starting
/// (SQLSTATE class 08, connection exception, and 57P01-57P03, admin or crash shutdown and
/// "cannot connect now").
#[cfg(feature = "ssr")]
pub fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app's error body, as the server sends it with the error's status.
    fn body(e: &AppError) -> Vec<u8> {
        e.ser().to_vec()
    }

    #[test]
    fn in_the_browser_a_failed_fetch_or_an_unreadable_answer_is_no_answer_not_a_refusal() {
        for err in [
            ServerFnErrorErr::Request("TypeError: Failed to fetch".into()),
            ServerFnErrorErr::Deserialization("expected value at line 1".into()),
            ServerFnErrorErr::Response("body stream".into()),
            ServerFnErrorErr::ServerError("reset".into()),
        ] {
            let e = AppError::from_machinery(err, false);
            assert_eq!(e, AppError::Unreachable);
            assert!(!e.is_refusal());
        }
        // A proxy's 502/504 page, an empty or cut-off body from a server going down.
        for raw in ["<html><body>502 Bad Gateway</body></html>", "", "{\"Inval"] {
            assert_eq!(AppError::from_error_body(raw.as_bytes(), false), AppError::Unreachable, "{raw}");
        }
    }

    /// PostgreSQL restarting mid-exam: a save meets a broken connection or an empty pool. The
    /// answer must be "no answer" (retried), never a final refusal and never a plain 500.
    #[cfg(feature = "ssr")]
    #[test]
    fn a_database_out_of_reach_is_no_answer_and_a_bad_statement_is_an_error() {
        for err in [sqlx::Error::PoolTimedOut, sqlx::Error::PoolClosed, sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into())] {
            let e = AppError::from(err);
            assert_eq!(e, AppError::Unreachable);
            assert_eq!(e.status(), http::StatusCode::SERVICE_UNAVAILABLE);
            assert!(!e.is_refusal());
        }
        assert_eq!(AppError::from(sqlx::Error::RowNotFound), AppError::Internal);
        assert_eq!(AppError::from(sqlx::Error::ColumnNotFound("x".into())), AppError::Internal);
    }

    #[test]
    fn on_the_server_a_malformed_call_is_a_bad_request() {
        for err in
            [ServerFnErrorErr::Args("x".into()), ServerFnErrorErr::Deserialization("x".into()), ServerFnErrorErr::MissingArg("x".into())]
        {
            assert_eq!(AppError::from_machinery(err, true), AppError::BadRequest);
        }
        assert_eq!(AppError::from_machinery(ServerFnErrorErr::Response("x".into()), true), AppError::Internal);
    }

    #[test]
    fn only_the_servers_explicit_refusal_is_final() {
        // The app's error bodies of a 4xx refusal: validation, a refusal (e.g. time is up), no
        // right, gone, a malformed call. Final.
        for e in [
            AppError::field("value", Msg::ErrCheckFields),
            AppError::Refused(Msg::ErrTimeUp),
            AppError::Forbidden,
            AppError::NotFound,
            AppError::BadRequest,
        ] {
            let read = AppError::from_error_body(&body(&e), false);
            assert_eq!(read, e);
            assert!(read.is_refusal(), "{e:?}");
        }
        // A 5xx with the app's body, an ended session (401), too many requests (429): nothing
        // said about the change; kept and sent again.
        for e in [AppError::Internal, AppError::Unauthorized, AppError::RateLimited, AppError::Unreachable] {
            let read = AppError::from_error_body(&body(&e), false);
            assert_eq!(read, e);
            assert!(!read.is_refusal(), "{e:?}");
        }
    }
}
