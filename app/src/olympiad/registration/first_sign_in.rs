//! A pupil's first sign-in with the code on their registration card (OLY-2): the login (their
//! IIN) and the card's code set the first password, and the pupil is signed in.
//!
//! This is not the password reset: a card's code is a `FirstSignIn` code, which `/forgot`
//! refuses, and it works only for an account that the pupil's registration created and that
//! has never had a password. Once the password is set the account is the pupil's, and a card
//! printed later carries no code for it.

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::{action_error, Field, FormStatus};
use leptos::prelude::*;

/// The page a card's QR code opens.
pub const PATH: &str = "/olympiad/first-sign-in";

#[server(prefix = "/api", endpoint = "olympiad/first-sign-in")]
pub async fn first_sign_in(login: String, code: String, new_password: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::account::api::LOGIN_LIMIT_PER_ADDRESS;
        use crate::auth::store::CodePurpose;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        // Six digits are guessable: tries are limited per address, and per code (5) below.
        if !crate::auth::ssr::rate_limit(&st.db, &format!("first:ip:{ip}"), LOGIN_LIMIT_PER_ADDRESS, 15 * 60_000).await? {
            return Err(AppError::RateLimited);
        }
        let login = login.trim().to_string();
        let mut fields = crate::error::Fields::new();
        if login.is_empty() {
            fields.add("login", Msg::ErrRequired);
        }
        if code.trim().is_empty() {
            fields.add("code", Msg::ErrRequired);
        }
        fields.check("new_password", crate::auth::model::check_new_password(&new_password, &login));
        fields.finish()?;
        let mut tx = st.db.begin().await?;
        let account = super::store::first_sign_in_account(&mut tx, &login).await?;
        tx.commit().await?;
        // Any other login answers like a wrong code: the form does not tell who has an account.
        let Some(user_id) = account else { return Err(AppError::field("code", Msg::ErrWrongCode)) };
        crate::auth::store::consume_code(&st.db, user_id, CodePurpose::FirstSignIn, &code).await?;
        let hash = crate::auth::ssr::hash_password(&new_password).await?;
        let mut tx = st.db.begin().await?;
        // Still without a password (a second code of the same card cannot race this one).
        let set = super::store::cards::set_first_password(&mut tx, user_id, &hash).await?;
        if set != 1 {
            return Err(AppError::field("code", Msg::ErrWrongCode));
        }
        crate::audit::store::record(&mut tx, crate::audit::store::Entry::user("user.first_sign_in", Some(user_id), &ip, user_id)).await?;
        tx.commit().await?;
        let locale = super::store::cards::account_locale(&st.db, user_id).await?;
        crate::auth::ssr::start_session(&st.db, user_id, crate::i18n::Locale::from_code(&locale).unwrap_or_default()).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// The public page: login, the card's code and a new password, then the home page signed in.
#[component]
pub fn FirstSignInPage() -> impl IntoView {
    let action = ServerAction::<FirstSignIn>::new();
    crate::ui::reload_home_on_success(action);
    let error = action_error(action);
    view! {
        <section class="card narrow" data-testid="olympiad-first-sign-in">
            <h1>{t(Msg::OlyFirstSignInTitle)}</h1>
            <p class="hint">{t(Msg::OlyFirstSignInHint)}</p>
            <ActionForm action=action>
                <FormStatus error=error/>
                <Field label=Msg::Login name="login" error=error autocomplete="username" required=true/>
                <Field label=Msg::OlyFirstCode name="code" error=error autocomplete="one-time-code" required=true/>
                <Field label=Msg::NewPassword name="new_password" kind="password" hint=Msg::PasswordHint error=error autocomplete="new-password" required=true/>
                <button type="submit" class="primary" disabled=move || action.pending().get()>{t(Msg::OlyFirstSignInTitle)}</button>
            </ActionForm>
        </section>
    }
}
