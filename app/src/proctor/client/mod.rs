//! The browser's proctoring client (PRC-3 and the client part of issue 3): the camera and the
//! entire-screen share, frames drawn to a canvas and sent as JPEG, faces counted in the browser
//! with the server's detector, browser events, and an outbox in IndexedDB that keeps every
//! snapshot and event until the server has acknowledged it (a reload or a lost network loses
//! nothing). Nothing here ever blocks the exam page: capture and uploads run in their own tasks,
//! the questions never wait on them.
//!
//! `rules` (decisions that need no browser) and `status` (the signals the pages show) build on
//! both sides so the server renders the same panel; everything else exists only in the wasm.

pub mod rules;
pub mod status;

#[cfg(feature = "hydrate")]
pub mod camera;
#[cfg(feature = "hydrate")]
pub mod capture;
#[cfg(feature = "hydrate")]
pub mod check;
#[cfg(feature = "hydrate")]
pub mod detect;
#[cfg(feature = "hydrate")]
pub mod devices;
#[cfg(feature = "hydrate")]
pub mod events;
#[cfg(feature = "hydrate")]
pub mod http;
#[cfg(feature = "hydrate")]
pub mod idb;
#[cfg(feature = "hydrate")]
pub mod js;
#[cfg(feature = "hydrate")]
pub mod outbox;
#[cfg(feature = "hydrate")]
pub mod screen;
#[cfg(feature = "hydrate")]
pub mod session;
