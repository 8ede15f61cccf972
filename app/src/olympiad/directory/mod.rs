//! The school directory (OLY-8): regions, districts and schools with the facts the olympiad
//! needs. `file.rs` reads and checks the directory file, `store.rs` holds its SQL, `api.rs`
//! imports it, and `pages.rs` is the operator's section of it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod file;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
