//! Identity: accounts and their roles, sessions, one-time codes, rate limits, and the caller
//! checks every other domain starts with (`ssr::require_user`, `Caller::require`). What a
//! person does with their account (signing in, registration, the profile) is `account`.

pub mod api;
pub mod iin;
pub mod model;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod store;

/// Server functions anyone may call without signing in. Every other `/api/` path is refused
/// with 401 by the server's guard before its arguments are even read (deny by default); the
/// function itself then checks the caller's role and scope.
pub const PUBLIC_ENDPOINTS: &[&str] = &[
    "/api/auth/me",
    "/api/auth/login",
    "/api/auth/register",
    "/api/auth/register/confirm",
    "/api/auth/reset/request",
    "/api/auth/reset/confirm",
    "/api/locale",
    // The check page a certificate's QR code opens (JRN-11): anyone holding the code.
    "/api/certificate/verify",
    // The check page an e-service result's QR code opens (TVT-3).
    "/api/services/verify",
    // Olympiad teacher registration (OLY-1): teachers have no account before it.
    "/api/olympiad/registration/open",
    "/api/olympiad/schools",
    "/api/olympiad/teacher/register",
    "/api/olympiad/teacher/confirm",
    // The published winners (OLY-7) and the check behind a certificate's QR code (OLY-6).
    "/api/olympiad/winners",
    "/api/olympiad/certificate/verify",
    // A family's look-up of a winner's placement (OLY-5): IIN and diploma number together.
    "/api/olympiad/placement/lookup",
    // A pupil registering with their teacher's code (OLY-2) has no account yet.
    "/api/olympiad/join",
    // A pupil's first sign-in with their registration card's code has no session yet.
    "/api/olympiad/first-sign-in",
    // The published ranked lists of admission (TVT-1): anyone may read them.
    "/api/admission/lists",
    "/api/admission/list",
    // The check page an admission receipt's QR code opens (TVT-1).
    "/api/admission/verify",
];
