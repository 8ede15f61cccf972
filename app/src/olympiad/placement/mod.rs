//! Winners' placement into specialised schools (OLY-5). `applications.rs` holds the registry,
//! the applications, the placing and the families' look-up; `pages.rs` their pages.

pub mod applications;
pub mod pages;
