//! Student records of colleges (issue 20, TVT-9): the import of students and groups from a
//! file, the student card with the movement history (enrolled, transferred, academic leave,
//! reinstated, expelled, graduated). A group's profile (specialty, course, form and language
//! of study) is administration's (`admin::model::GroupProfile`); this domain reads it.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod downloads;
#[cfg(feature = "ssr")]
pub mod file;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod store;
