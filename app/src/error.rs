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
    /// request the server could not read, or (in the browser) a failed fetch.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Request(_) => {
                #[cfg(feature = "ssr")]
                crate::api::set_error_status(http::StatusCode::BAD_REQUEST);
                AppError::BadRequest
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                crate::api::set_error_status(http::StatusCode::BAD_REQUEST);
                AppError::BadRequest
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
