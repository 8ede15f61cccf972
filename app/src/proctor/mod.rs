//! Proctoring 2.0 (PRC-1..3): the browser's device check and capture client, evidence ingest,
//! face checks, violations, review with verdicts and appeals, and reports.

pub mod client;
pub mod dto;
pub mod faces;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod pages;
pub mod pages_review;
#[cfg(feature = "ssr")]
pub mod recheck;
#[cfg(feature = "ssr")]
pub mod report;
pub mod review;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;
pub mod violations;
pub mod wire;
