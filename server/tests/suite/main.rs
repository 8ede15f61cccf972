//! The server's database and HTTP tests, one module per domain, in one test binary: each
//! integration-test file used to be a binary of its own that linked the whole server (twelve
//! links of several hundred megabytes each on every change, and a CI disk that filled up).
//! Run one domain with `cargo test -p server --features app/ssr --test suite -- exams::`.
//!
//! Every database test runs on SQLite and on PostgreSQL (`backends!`, in `common`).

#[macro_use]
mod common;

mod access;
mod admission;
mod db;
mod exams;
mod gap_questions;
mod http;
mod journal;
mod notices;
mod notify;
mod numerical_units;
mod olympiad;
mod operations;
mod records;
mod regrade;
mod services;
