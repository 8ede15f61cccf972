//! Server-side state shared by every request (and every app node's copy of it is
//! interchangeable: sessions, rate limits and the outbox live in the database).

use crate::db::Db;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings the pages and server functions need (the server's full configuration lives in the
/// server crate and fills this in).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure`: set when the public URL is https.
    pub secure_cookies: bool,
    /// How many proxies in front of the app append to X-Forwarded-For (`--trusted-proxies`);
    /// 0: the header is ignored and the socket peer is the client. See `api::client_ip_from`.
    pub trusted_proxies: usize,
    /// How long a sign-in lasts without activity, in hours.
    pub session_hours: i64,
    /// How people reach the site, without a trailing slash (`--public-url`): documents that
    /// leave the site (a certificate's QR code) carry absolute links built from it, not from
    /// whatever Host header the request that printed them had.
    pub public_url: String,
}

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Uploads and proctoring images (local folder or S3-compatible storage).
    pub media: crate::media::MediaStore,
}
