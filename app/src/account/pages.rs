//! Sign-in, registration, password reset and profile pages.

use super::api::{
    ChangePassword, ConfirmContact, ConfirmRegistration, Login, Register, RequestPasswordReset, ResetPassword, UpdateProfile,
};
use crate::auth::shell::{use_user, RequireUser};
use crate::consent::page::MyConsentsSection;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::ui::{action_error, action_ok, field_error, reload_home_on_success, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    reload_home_on_success(action);
    let error = action_error(action);
    view! {
        <section class="card narrow">
            <h1>{t(Msg::SignInTitle)}</h1>
            <ActionForm action=action>
                <FormStatus error=error/>
                <Field label=Msg::Login name="login" error=error autocomplete="username" required=true/>
                <Field label=Msg::Password name="password" kind="password" error=error autocomplete="current-password" required=true/>
                <button type="submit" class="primary" disabled=move || action.pending().get()>{t(Msg::SignIn)}</button>
            </ActionForm>
            <p class="links">
                <A href="/forgot">{t(Msg::ForgotPassword)}</A>
                <span>{t(Msg::NoAccount)}" "<A href="/register">{t(Msg::Register)}</A></span>
            </p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let confirm = ServerAction::<ConfirmRegistration>::new();
    reload_home_on_success(confirm);
    let error = action_error(register);
    let confirm_error = action_error(confirm);
    let registered = action_ok(register);
    let login = RwSignal::new(String::new());
    view! {
        <section class="card narrow">
            <h1>{t(Msg::CreateAccount)}</h1>
            // Step 1, then step 2 (the code from the email); both stay in the page, hidden in
            // turn, so going back keeps what was typed.
            <div hidden=move || registered.get()>
                <ActionForm action=register>
                    <FormStatus error=error/>
                    <Field label=Msg::Login name="login" hint=Msg::LoginHint error=error autocomplete="username" required=true
                        on_input=Callback::new(move |v: String| login.set(v))/>
                    <Field label=Msg::FullName name="full_name" error=error autocomplete="name" required=true/>
                    <Field label=Msg::Email name="email" kind="email" error=error autocomplete="email" required=true/>
                    <Field label=Msg::Password name="password" kind="password" hint=Msg::PasswordHint error=error autocomplete="new-password" required=true/>
                    <button type="submit" class="primary" disabled=move || register.pending().get()>{t(Msg::Register)}</button>
                </ActionForm>
            </div>
            <div hidden=move || !registered.get()>
                <p class="banner ok" role="status">{t(Msg::RegisterCodeSent)}</p>
                <ActionForm action=confirm>
                    <FormStatus error=confirm_error/>
                    <input type="hidden" name="login" prop:value=move || login.get()/>
                    <Field label=Msg::Code name="code" error=confirm_error autocomplete="one-time-code" input_id="f-register-code" required=true/>
                    <button type="submit" class="primary" disabled=move || confirm.pending().get()>{t(Msg::Confirm)}</button>
                </ActionForm>
            </div>
            <p class="links"><span>{t(Msg::HaveAccount)}" "<A href="/login">{t(Msg::SignIn)}</A></span></p>
        </section>
    }
}

/// Step 1 asks for a code by email or SMS; step 2 (same page) sets the new password with it.
/// Invited users come here too, with the code from their invitation.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let request_error = action_error(request);
    let reset_error = action_error(reset);
    let channel_error = field_error(request_error, "channel");
    let locale = use_locale();
    view! {
        <section class="card narrow">
            <h1>{t(Msg::ResetPasswordTitle)}</h1>
            <p class="muted">{t(Msg::ResetPasswordIntro)}</p>
            <ActionForm action=request>
                <FormStatus error=request_error ok=(action_ok(request), Msg::CodeSent)/>
                <Field label=Msg::LoginOrContact name="contact" error=request_error autocomplete="username" required=true/>
                <fieldset class="choice">
                    <legend>{t(Msg::SendCodeBy)}</legend>
                    <label><input type="radio" name="channel" value="email" checked=true/>{t(Msg::ByEmail)}</label>
                    <label><input type="radio" name="channel" value="sms"/>{t(Msg::BySms)}</label>
                    {move || channel_error.get().map(|m| view! { <small class="error">{m.text(locale.get())}</small> })}
                </fieldset>
                <button type="submit" disabled=move || request.pending().get()>{t(Msg::SendCode)}</button>
            </ActionForm>
            <hr/>
            <h2>{t(Msg::SetNewPassword)}</h2>
            <ActionForm action=reset>
                <FormStatus error=reset_error ok=(action_ok(reset), Msg::PasswordResetDone)/>
                <Field label=Msg::LoginOrContact name="contact" input_id="f-reset-contact" error=reset_error autocomplete="username" required=true/>
                <Field label=Msg::Code name="code" error=reset_error autocomplete="one-time-code" required=true/>
                <Field label=Msg::NewPassword name="new_password" kind="password" hint=Msg::PasswordHint error=reset_error autocomplete="new-password" required=true/>
                <button type="submit" class="primary" disabled=move || reset.pending().get()>{t(Msg::SetNewPassword)}</button>
            </ActionForm>
            <Show when=move || action_ok(reset).get()>
                <A href="/login">{t(Msg::SignIn)}</A>
            </Show>
        </section>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <RequireUser>
            <ProfileForms/>
        </RequireUser>
    }
}

#[component]
fn ProfileForms() -> impl IntoView {
    let user = use_user();
    let locale = use_locale();
    let update = ServerAction::<UpdateProfile>::new();
    let change = ServerAction::<ChangePassword>::new();
    let update_error = action_error(update);
    let change_error = action_error(change);
    // After saving, the header shows the new name; a new language applies at once.
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            user.0.refetch();
        }
    });
    let me = move || user.0.get().and_then(|u| u.ok()).flatten();
    view! {
        <div class="grid two">
            <section class="card">
                <h1>{t(Msg::Profile)}</h1>
                {move || me().map(|u| {
                    let u_locale = u.locale;
                    view! {
                        <p class="muted">{t(Msg::Login)}": "<strong>{u.login.clone()}</strong></p>
                        <ActionForm action=update>
                            <FormStatus error=update_error ok=(action_ok(update), Msg::ProfileSaved)/>
                            <Field label=Msg::FullName name="full_name" value=Signal::stored(u.full_name.clone()) error=update_error autocomplete="name" required=true/>
                            <Field label=Msg::Email name="email" kind="email" value=Signal::stored(u.email.clone().unwrap_or_default()) error=update_error autocomplete="email"/>
                            <Field label=Msg::Phone name="phone" kind="tel" hint=Msg::PhoneHint value=Signal::stored(u.phone.clone().unwrap_or_default()) error=update_error autocomplete="tel"/>
                            <Field label=Msg::PasswordForContacts name="current_password" kind="password" error=update_error autocomplete="current-password"/>
                            <div class="field">
                                <label for="f-locale">{t(Msg::PreferredLanguage)}</label>
                                <select id="f-locale" name="locale" on:change=move |ev| {
                                    if let Some(l) = Locale::from_code(&event_target_value(&ev)) { locale.set(l) }
                                }>
                                    {Locale::ALL.into_iter().map(|l| view! {
                                        <option value=l.code() selected=l == u_locale>{l.native_name()}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="primary" disabled=move || update.pending().get()>{t(Msg::Save)}</button>
                        </ActionForm>
                        {u.new_email.clone().map(|c| view! { <PendingContact channel="email" contact=c/> })}
                        {u.new_phone.clone().map(|c| view! { <PendingContact channel="phone" contact=c/> })}
                        <crate::inbox::preferences::NoticeSettingsLink/>
                        <h2>{t(Msg::YourRoles)}</h2>
                        <ul class="roles">
                            {u.grants.iter().map(|g| {
                                let (role, org) = (g.role, g.org_name.clone());
                                view! { <li><strong>{t(role.msg())}</strong>" — "{org}</li> }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </section>
            <section class="card">
                <h2>{t(Msg::ChangePassword)}</h2>
                <ActionForm action=change>
                    <FormStatus error=change_error ok=(action_ok(change), Msg::PasswordChanged)/>
                    <Field label=Msg::CurrentPassword name="current" kind="password" error=change_error autocomplete="current-password" required=true/>
                    <Field label=Msg::NewPassword name="new_password" kind="password" hint=Msg::PasswordHint error=change_error autocomplete="new-password" required=true/>
                    <button type="submit" disabled=move || change.pending().get()>{t(Msg::ChangePassword)}</button>
                </ActionForm>
            </section>
            <MyConsentsSection/>
        </div>
    }
}

/// A new email or phone waiting for its code: the code field, and the account shows the new
/// contact once it is confirmed.
#[component]
fn PendingContact(channel: &'static str, contact: String) -> impl IntoView {
    let user = use_user();
    let locale = use_locale();
    let confirm = ServerAction::<ConfirmContact>::new();
    let error = action_error(confirm);
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            user.0.refetch();
        }
    });
    view! {
        <ActionForm action=confirm attr:data-testid=if channel == "email" { "confirm-email" } else { "confirm-phone" }>
            <p class="banner" role="status">{move || Msg::ContactWaiting.text(locale.get()).replace("{contact}", &contact)}</p>
            <FormStatus error=error ok=(action_ok(confirm), Msg::ContactConfirmed)/>
            <input type="hidden" name="channel" value=channel/>
            <Field label=Msg::Code name="code" error=error autocomplete="one-time-code" input_id=if channel == "email" { "f-email-code" } else { "f-phone-code" } required=true/>
            <button type="submit" disabled=move || confirm.pending().get()>{t(Msg::Confirm)}</button>
        </ActionForm>
    }
}
