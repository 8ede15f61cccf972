//! Registration: teachers (OLY-1) and their pupils (OLY-2). `api.rs` holds the server
//! functions of both, `store/` all the phase's SQL (by feature: teachers, pupils, join,
//! cards), and `pages.rs` the public teacher registration and the teacher's page; `pupils.rs`
//! reads a school's pupil list, `join.rs` lets a pupil register themself with their teacher's
//! code, `cards.rs` prints the registration cards, and `first_sign_in.rs` is the first sign-in
//! with a card's code.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cards;
pub mod first_sign_in;
pub mod join;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pupils;
#[cfg(feature = "ssr")]
pub mod store;
