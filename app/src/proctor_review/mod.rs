//! The proctors' side of proctoring (PRC-2, PRC-3): a live board of attempts, an attempt's
//! timeline (images, events, violations), violations confirmed or dismissed, the verdict on an
//! attempt and its consequences (the exam's grade and journal mark, an olympiad's result), the
//! candidate's appeal decided by a second reviewer, and the attempt's PDF report with the
//! retention purge. Above `exam` and `olympiad`, whose results a verdict changes; what the
//! sitting itself uses (capture, ingest, who may look at an attempt) is `proctor`.

pub mod api;
pub mod dto;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod store;
