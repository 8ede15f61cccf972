//! What a person does with their account: signing in and out, registration, the profile
//! (name, contacts confirmed by a code, password, consents), a forgotten password, the language,
//! and the header every page shows. Built on `auth`, the identity core.

pub mod api;
pub mod header;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

/// Signing in and a forgotten password: in the candidate's bundle too (`crate::CandidateApp`).
#[component(transparent)]
pub fn SignInRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/login") view=pages::LoginPage/>
        <Route path=path!("/forgot") view=pages::ForgotPage/>
    }
    .into_inner()
}

/// Registration and one's profile: in the whole app only.
#[component(transparent)]
pub fn AccountRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/register") view=pages::RegisterPage/>
        <Route path=path!("/profile") view=pages::ProfilePage/>
    }
    .into_inner()
}
