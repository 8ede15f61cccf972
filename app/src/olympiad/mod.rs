//! The national olympiad "Мың бала" (OLY-1..8): the school directory, campaigns with their
//! stages and eligibility, teacher registration, IIN checks, results with their import and
//! export, the ranking and winners, and certificates with their public verification.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cards;
#[cfg(feature = "ssr")]
pub mod certificates;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod downloads;
pub mod first_sign_in;
pub mod iin;
pub mod join;
pub mod model;
pub mod pages;
pub mod people;
pub mod placement;
pub mod placement_pages;
#[cfg(feature = "ssr")]
pub mod pupils;
pub mod ranking;
pub mod results;
pub mod results_api;
pub mod results_pages;
#[cfg(feature = "ssr")]
pub mod seating;
pub mod stage;
pub mod stage_pages;
#[cfg(feature = "ssr")]
pub mod standings;
pub mod statistics;
pub mod statistics_pages;
#[cfg(feature = "ssr")]
pub mod store;

/// Largest pupil list accepted.
pub const MAX_PUPIL_FILE: usize = 1024 * 1024;
/// Largest directory file accepted (a national directory of ~7 000 schools is ~1 MiB as CSV).
pub const MAX_DIRECTORY_FILE: usize = 4 * 1024 * 1024;
