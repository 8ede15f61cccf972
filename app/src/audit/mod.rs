//! Action journal (PLT-4): every change made through a server function leaves a row with who,
//! what, when, from which address, and the record before and after. Rows are written in the
//! same transaction as the change, so there is never a change without its row.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod views;
