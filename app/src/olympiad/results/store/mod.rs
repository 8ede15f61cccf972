//! Every SQL statement of results, winners and certificates (server only), by feature:
//! `standings` (the campaign's counts and winner rule, the results file's rows, the import's
//! writes, the ranking's places and winners, publication and the public winners' list) and
//! `certificates` (issuing, withdrawing and restoring certificates, and finding them).
//! Rankings are decided by `ranking.rs` and certificate numbers made by `certificates.rs`;
//! these only load what they need and store what they decide. Server functions and routes
//! check the caller first, then call these.

pub mod certificates;
pub mod notices;
pub mod standings;
