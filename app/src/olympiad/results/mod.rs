//! Results, winners and certificates (OLY-5..7). `file.rs` is the results file and the types
//! the pages and server functions exchange, `ranking.rs` decides the places and winners,
//! `standings.rs` loads and stores them, `certificates.rs` issues certificates, `store/` holds
//! their SQL, `api.rs` the server functions, and `pages.rs` the public winners' list, the
//! certificate pages and the operator's results section of a campaign.

pub mod api;
#[cfg(feature = "ssr")]
pub mod certificates;
pub mod file;
pub mod pages;
pub mod ranking;
#[cfg(feature = "ssr")]
pub mod standings;
#[cfg(feature = "ssr")]
pub mod store;
