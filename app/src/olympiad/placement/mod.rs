//! Winners' placement into specialised schools (OLY-5). `applications.rs` holds the registry,
//! the applications, the placing and the families' look-up; `store.rs` their SQL; `pages.rs`
//! their pages.

pub mod applications;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
