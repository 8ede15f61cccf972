//! The olympiad's statistics (OLY-7). `figures.rs` counts them, `pages.rs` shows them.

pub mod figures;
pub mod pages;
