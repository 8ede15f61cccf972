//! Stage 1 (OLY-3). `window.rs` sets a region's window, `seating.rs` seats participants in the
//! variants, `sitting.rs` prepares and closes the stage on the exam engine, `store.rs` holds
//! their SQL, and `pages.rs` is the operator's stage section of a campaign.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod seating;
pub mod sitting;
#[cfg(feature = "ssr")]
pub mod store;
pub mod window;
