//! Proctoring 2.0 (PRC-1..3), what an exam's sitting uses: the proctoring settings, the
//! browser's device check and capture client, evidence ingest, face checks, violations and the
//! risk, the server's re-check, the candidate's "last seen", who may look at an attempt
//! (`access`) and the candidate's appeal. The proctors' side, which acts on the exam's grade
//! and an olympiad's result (the board, timelines, verdicts, appeals decided, the attempt's
//! report), is `proctor_review`, above the exam and the olympiad.

#[cfg(feature = "ssr")]
pub mod access;
pub mod appeal;
pub mod client;
pub mod faces;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod recheck;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;
pub mod violations;
pub mod wire;
