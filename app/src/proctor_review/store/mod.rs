//! Every SQL statement of the review: the board, timelines, decisions on violations, verdicts
//! and appeals (`review`), and the reports with the retention purge (`report`). Server
//! functions and routes check the caller first (`proctor::access`); nothing here checks anyone.

pub mod report;
pub mod review;
