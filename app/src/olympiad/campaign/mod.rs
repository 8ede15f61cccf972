//! Campaigns (OLY-8): their stages, grades, subjects and eligibility. `store.rs` holds their
//! SQL, `api.rs` the operator's functions, and `pages.rs` the new campaign's form.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
