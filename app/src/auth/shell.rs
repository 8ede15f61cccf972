//! What every page knows of who is signed in: the signed-in user's context and the guard that
//! shows a page only to a signed-in user. Above `ui` (which knows no user) and used by every
//! page. The header with the menu and the language switch is `account::header`.

use super::model::SessionUser;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::components::A;

/// The signed-in user, loaded once per page and refreshed after sign-in/out.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn use_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Shows its children only to a signed-in user; otherwise a link to sign in.
///
/// The children are built once, when the user is known. (Inside a reactive closure they were
/// built two or three times while the server rendered the page: the Transition runs its
/// children once to find their resources and again to render them. Every build created the
/// page's resources anew, the client, hydrating once, read the data of a discarded build, and
/// hydration failed at random on the pages behind this guard.)
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let user = use_user();
    let gated = Suspend::new(async move {
        match user.0.await {
            Ok(Some(_)) => children().into_any(),
            _ => view! {
                <section class="card narrow">
                    <p class="banner error">{t(Msg::ErrUnauthorized)}</p>
                    <A href="/login">{t(Msg::SignIn)}</A>
                </section>
            }
            .into_any(),
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {gated}
        </Transition>
    }
}
