//! The national olympiad "Мың бала" (OLY-1..8): the school directory, campaigns with their
//! stages and eligibility, teacher registration, IIN checks, results with their import and
//! export, the ranking and winners, and certificates with their public verification.
//!
//! One folder a phase, in the order a campaign goes through them; a phase uses `model`, the IIN
//! (`auth::iin`) and the phases before it:
//! - `directory/`: the school directory: its file, its SQL, the import and the operator's
//!   section of it (OLY-8);
//! - `campaign/`: campaigns, their stages, subjects and eligibility (OLY-8);
//! - `registration/`: teachers (OLY-1) and their pupils (OLY-2): the forms, the pupil list file,
//!   the teacher's join code, the registration cards and the first sign-in with a card's code;
//! - `stage/`: stage 1 (OLY-3): the regions' windows, seating participants in the variants,
//!   and the proctored sitting on the exam engine;
//! - `results/`: the results file, the ranking and winners, publication and certificates
//!   (OLY-5..7);
//! - `placement/`: winners' applications and placement into specialised schools (OLY-5);
//! - `statistics/`: the campaign's statistics (OLY-7).
//!
//! Beside them: `people/` (the operator's search and correction of a campaign's people, OLY-8,
//! with its SQL), `model.rs` (what pages and server functions exchange, for the server and the
//! browser), `iin.rs`, `operator.rs` (the operator's page, which gathers every phase's section
//! of a campaign), `routes.rs` (the pages' routes), `downloads.rs` (the plain GET downloads) and
//! `ssr.rs` (the server-side helpers every phase shares: the operator's check, the audit of
//! an operator's action, random codes).
//!
//! Two phases reach a later one, where a change must follow at once: a registered pupil is
//! seated in the stage (`registration::store` → `stage::seating`), and closing a stage or a
//! proctor's verdict ranks a ranked campaign again (`stage::sitting` → `results::standings`).

pub mod campaign;
pub mod directory;
#[cfg(feature = "ssr")]
pub mod downloads;
pub mod model;
pub mod operator;
pub mod people;
pub mod placement;
pub mod registration;
pub mod results;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod stage;
pub mod statistics;

/// Largest pupil list accepted.
pub const MAX_PUPIL_FILE: usize = 1024 * 1024;
/// Largest directory file accepted (a national directory of ~7 000 schools is ~1 MiB as CSV).
pub const MAX_DIRECTORY_FILE: usize = 4 * 1024 * 1024;
/// Lists past this many filled rows are refused whole (a national directory is ~7 000 schools;
/// a school's pupil list a few hundred).
#[cfg(feature = "ssr")]
pub const LIST_ROWS: crate::docs::sheet::Limit = crate::docs::sheet::Limit { rows: 20_000, msg: crate::i18n::Msg::ErrOlyTooManyRows };
