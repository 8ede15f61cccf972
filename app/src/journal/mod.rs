//! The electronic journal: lessons and their academic hours, marks and attendance, filling a
//! semester from the timetable, the history of every change, and the reports built from it.

pub mod api;
pub mod assignments;
pub mod certificates;
#[cfg(feature = "ssr")]
pub mod documents;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod ktp_file;
pub mod model;
pub mod pages;
pub mod report;
pub mod semester;
#[cfg(feature = "ssr")]
pub mod store;

/// Largest KTP file accepted for import (a plan is a few hundred rows).
pub const MAX_KTP_FILE: usize = 2 * 1024 * 1024;

/// A text field as typed: trimmed; refused when required and empty, or longer than `max`
/// characters.
#[cfg(feature = "ssr")]
pub(crate) fn field_text(raw: &str, max: usize, required: bool) -> Result<String, crate::i18n::Msg> {
    let s = raw.trim();
    if required && s.is_empty() {
        return Err(crate::i18n::Msg::ErrRequired);
    }
    if s.chars().count() > max {
        return Err(crate::i18n::Msg::ErrTooLong);
    }
    Ok(s.to_string())
}
