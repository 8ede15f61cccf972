//! Online exams (EXM-1..5): the question bank and its import, exam forms (test, tickets,
//! offline), the schedule, attempts with a server-side timer, scoring, and marks into the journal.

pub mod accommodations;
mod answer_queue;
pub mod api;
pub mod attempts;
pub mod calculated;
pub mod calculated_form;
#[cfg(feature = "ssr")]
pub mod calculated_xml;
pub mod dto;
pub mod editor;
#[cfg(feature = "ssr")]
pub mod export;
pub mod extensions;
pub mod gaps;
#[cfg(feature = "ssr")]
pub mod gift_export;
pub mod grading;
#[cfg(feature = "ssr")]
pub mod import;
pub mod limits;
pub mod manage;
pub mod model;
#[cfg(feature = "ssr")]
mod moodle_node;
#[cfg(feature = "ssr")]
mod moodle_pictures;
#[cfg(feature = "ssr")]
pub mod moodle_xml;
pub mod pages;
pub mod pictures;
#[cfg(feature = "ssr")]
pub mod question_files;
pub mod regrade;
pub mod regrade_api;
pub mod review;
pub mod rng;
pub mod schedule;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;
pub mod tickets;
pub mod typed;
pub mod units;
pub mod units_form;
#[cfg(feature = "ssr")]
pub mod units_xml;

/// Largest question file accepted for import: a Moodle XML bank carries its pictures inside it,
/// in base64 (4/3 of their size), so a few pictures of up to 2 MB must fit beside the questions.
pub const MAX_IMPORT_FILE: usize = 16 * 1024 * 1024;
