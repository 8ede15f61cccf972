//! The olympiad's statistics (OLY-7). `figures.rs` counts them, `store.rs` reads what they
//! count, `pages.rs` shows them.

pub mod figures;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
