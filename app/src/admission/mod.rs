//! Admission and grants (issue 20, TVT-1): a college's admission campaign with state-order
//! places per specialty and language of study and the quota places of the legal categories;
//! applicants' applications (the acceptance of documents) with specialties in order of
//! preference; the committee's ranking (`ranking.rs`), its publication as public ranked lists,
//! and the enrolment of placed applicants into groups through student records.

pub mod api;
#[cfg(feature = "ssr")]
pub mod downloads;
pub mod model;
pub mod pages;
pub mod ranking;
#[cfg(feature = "ssr")]
pub mod receipt;
#[cfg(feature = "ssr")]
pub mod store;
