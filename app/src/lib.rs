//! Talap: pages, server functions and domain types shared by the server and the browser.
//! `shell` is the HTML document the server renders; `App` is the router. Each domain keeps its
//! pages, server functions and data access in its own folder and mounts its own routes.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod admission;
pub mod audit;
pub mod auth;
pub mod consent;
pub mod error;
pub mod exam;
pub mod home;
pub mod i18n;
pub mod inbox;
pub mod journal;
pub mod notify;
pub mod olympiad;
pub mod proctor;
pub mod proctor_review;
pub mod records;
pub mod services;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod docs;
#[cfg(feature = "ssr")]
pub mod edge;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod state;

use i18n::{t, Locale, Msg};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The document around the whole app, rendered on the server only. The Content-Security-Policy
/// carries this response's nonce, so the only inline scripts that run are Leptos' own.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(options.clone(), options, App)
}

/// The document of a candidate's page: `CandidateApp`, hydrated by the candidate's bundle,
/// whose files `bundle` names (its pkg folder and hash file); the stylesheet is the app's own.
pub fn candidate_shell(options: LeptosOptions, bundle: LeptosOptions) -> impl IntoView {
    document(options, bundle, CandidateApp)
}

fn document<V: IntoView + 'static>(options: LeptosOptions, bundle: LeptosOptions, app: fn() -> V) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_header(matches!(options.env, leptos::config::Env::DEV));
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                // The stylesheet's name carries its content hash in a release build (see
                // `hash-files` in Cargo.toml), which only the server knows: so it is here.
                <HashedStylesheet options=options id="leptos"/>
                <HydrationScripts options=bundle/>
                <MetaTags/>
            </head>
            <body>{app()}</body>
        </html>
    }
}

#[cfg(feature = "ssr")]
mod csp {
    use leptos::nonce::use_nonce;
    use leptos::prelude::*;

    /// Allows only this origin; the wasm needs 'wasm-unsafe-eval'; inline scripts need the nonce.
    pub fn set_header(dev: bool) {
        let nonce = match use_nonce() {
            Some(n) => n,
            None => {
                leptos::nonce::provide_nonce();
                match use_nonce() {
                    Some(n) => n,
                    None => return,
                }
            }
        };
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'{}; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
            // `cargo leptos watch` reloads the page over a websocket on the reload port.
            if dev { " ws://127.0.0.1:3001" } else { "" }
        );
        if let (Some(response), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&policy)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The language the page starts in: on the server from the request, in the browser from the
/// `lang` attribute the server rendered (so hydration sees the same texts).
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|p| i18n::request_locale(&p)).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Locale::from_code(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Locale::default()
        }
    }
}

/// The whole app: every page. The server renders it for every page that is not a candidate's
/// (see `CandidateApp`), and the browser hydrates it with the full bundle (`talap.wasm`).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <NotFound/> }>
                <CandidateRoutes/>
                <account::AccountRoutes/>
                <inbox::page::InboxRoutes/>
                <inbox::preferences::NoticeRoutes/>
                <admin::pages::AdminRoutes/>
                <audit::page::AuditRoutes/>
                <journal::pages::JournalRoutes/>
                <exam::pages::ExamRoutes/>
                <proctor_review::pages::ProctorRoutes/>
                <olympiad::routes::OlympiadRoutes/>
                <records::pages::RecordsRoutes/>
                <services::pages::ServicesRoutes/>
                <admission::pages::AdmissionRoutes/>
            </Routes>
        </Frame>
    }
}

/// Only what signing in and sitting an exam need (issue 15: three quarters of an olympiad's
/// candidates are on a phone, on a mobile network). The server renders these pages with this
/// component and links them to a second bundle built from it (`frontend`'s `candidate`
/// feature; its own project in Cargo.toml), which leaves out every teacher's, proctor's and
/// administrator's page: the linker drops what no route of this list reaches. A link from here
/// to any other page finds no route in the browser and loads that page from the server, which
/// answers with the whole app.
#[component]
pub fn CandidateApp() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <ElsewhereInTheApp/> }>
                <CandidateRoutes/>
            </Routes>
        </Frame>
    }
}

/// The candidate's pages, in both apps: the home page, signing in (with an olympiad card's
/// first sign-in), the list of my exams, the device check, the exam's page and the paper.
#[component(transparent)]
fn CandidateRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/") view=home::HomePage/>
        <account::SignInRoutes/>
        <olympiad::routes::FirstSignInRoutes/>
        <exam::pages::SittingRoutes/>
        <proctor::pages::DeviceCheckRoutes/>
    }
    .into_inner()
}

/// What is around every page: the language, the signed-in user, the header and the footer.
#[component]
fn Frame(children: Children) -> impl IntoView {
    provide_meta_context();
    let locale = RwSignal::new(initial_locale());
    provide_context(locale);
    let user = Resource::new(|| (), |_| auth::api::current_user());
    provide_context(auth::shell::CurrentUser(user));

    view! {
        <Html attr:lang=move || locale.get().code()/>
        <Title text=move || format!("{} · {}", Msg::AppName.text(locale.get()), Msg::Tagline.text(locale.get()))/>
        <Router>
            <account::header::Header/>
            <main id="main">{children()}</main>
            <footer class="foot">
                <span>{t(Msg::AppName)}" · "{t(Msg::Tagline)}</span>
            </footer>
        </Router>
    }
}

/// A page the candidate's bundle does not carry, reached by a link in the browser: the page is
/// loaded from the server, which renders it with the whole app. (The server never renders this:
/// it sends only the candidate's pages to `CandidateApp`.)
#[component]
fn ElsewhereInTheApp() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            let search = location.search.get();
            let search = search.trim_start_matches('?');
            let href = if search.is_empty() { location.pathname.get() } else { format!("{}?{search}", location.pathname.get()) };
            // The router puts the address in the history only after this view is shown: wait
            // for it (briefly), then replace that entry with the page from the server, so the
            // history holds the address once and Back returns to the candidate's page in one
            // step (rather than loading the page while the router still changes the history).
            leptos::task::spawn_local(async move {
                let Some(window) = web_sys::window() else { return };
                let location = window.location();
                let here = || format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
                for _ in 0..50 {
                    if here() == href {
                        break;
                    }
                    ui::sleep(10).await;
                }
                let _ = if here() == href { location.replace(&href) } else { location.assign(&href) };
            });
        });
    }
    view! { <p class="muted">{t(Msg::Loading)}</p> }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <section class="card narrow">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundText)}</p>
            <a href="/">{t(Msg::Home)}</a>
        </section>
    }
}
