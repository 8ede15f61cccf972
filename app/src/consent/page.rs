//! The consent step shown before anything is captured, and the person's consents on the
//! profile page, where they are withdrawn.

use super::api::{my_consents, GiveConsent, WithdrawConsent};
use super::model::{Consent, GivenBy, PersonConsents, Purpose};
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;

/// Shows `children` (the device check) once the signed-in person has an open consent to
/// `purpose`; until then, what is captured, why, who sees it, how long it is kept, how to
/// withdraw, and what happens without consent (`without`, which the page knows), with the form
/// that records it. `kept_days`: the exam's retention period, where there is an exam.
#[component]
pub fn ConsentGate(purpose: Purpose, without: Msg, kept_days: Option<i64>, children: ChildrenFn) -> impl IntoView {
    let (mine, reload) = consents_in_browser();
    let give = ServerAction::<GiveConsent>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = give.value().get() {
            reload.run(());
        }
    });
    let children = StoredValue::new(children);
    move || match mine.get() {
        None => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
        Some(Ok(m)) if m.open(purpose).is_some() => children.with_value(|c| c()).into_any(),
        Some(Ok(m)) => view! { <ConsentForm purpose=purpose without=without kept_days=kept_days minor=m.minor give=give/> }.into_any(),
    }
}

/// The caller's consents, read by the browser once the page has hydrated (`None` until then,
/// and on the server), and a way to read them again. Not a resource: read while the server
/// rendered, nested under the pages' own loads, it now and then ran without the request's
/// context ("AppState missing from context"), and a suspense of its own inside theirs did not
/// hydrate; the pages that show it are behind a sign-in and their own loads anyway.
fn consents_in_browser() -> (RwSignal<Option<Result<PersonConsents, AppError>>>, Callback<()>) {
    let state = RwSignal::new(None);
    let load = Callback::new(move |_: ()| {
        leptos::task::spawn_local(async move { state.set(Some(my_consents().await)) });
    });
    Effect::new(move |_| load.run(()));
    (state, load)
}

#[component]
fn ConsentForm(purpose: Purpose, without: Msg, kept_days: Option<i64>, minor: bool, give: ServerAction<GiveConsent>) -> impl IntoView {
    let error = action_error(give);
    let locale = use_locale();
    // A minor's IIN leaves only the guardian's consent; otherwise the person chooses.
    let by_guardian = RwSignal::new(minor);
    let kept = move || match kept_days {
        Some(days) => Msg::ConsentKeptDays.text(locale.get()).replace("{days}", &days.to_string()),
        None => Msg::ConsentKeptByExam.text(locale.get()).to_string(),
    };
    view! {
        <section class="consent" data-testid="consent-step" data-purpose=purpose.code() aria-labelledby="consent-title">
            <h2 id="consent-title">{t(Msg::ConsentTitle)}</h2>
            <p>{t(Msg::ConsentProctoringWhat)}</p>
            <p>{t(Msg::ConsentProctoringWho)}</p>
            <p data-testid="consent-kept">{kept}</p>
            <p>{t(Msg::ConsentWithdrawHint)}</p>
            <p class="banner info" data-testid="consent-without">{t(without)}</p>
            <ActionForm action=give>
                <input type="hidden" name="purpose" value=purpose.code()/>
                <FormStatus error=error/>
                <fieldset class="choice">
                    <legend>{t(Msg::ConsentWho)}</legend>
                    <label><input type="radio" name="given_by" value="person" disabled=minor data-testid="consent-by-person"
                        on:change=move |_| by_guardian.set(false)/>{t(Msg::ConsentByPerson)}</label>
                    <label><input type="radio" name="given_by" value="guardian" checked=minor data-testid="consent-by-guardian"
                        on:change=move |_| by_guardian.set(true)/>{t(Msg::ConsentByGuardian)}</label>
                    {minor.then(|| view! { <small class="hint" data-testid="consent-minor">{t(Msg::ConsentMinorHint)}</small> })}
                    <SelectError error=error field="given_by"/>
                </fieldset>
                <Show when=move || by_guardian.get()>
                    <Field label=Msg::ConsentGuardianName name="guardian_name" hint=Msg::ConsentGuardianHint error=error autocomplete="off" required=true/>
                </Show>
                <button type="submit" class="primary" data-testid="consent-agree" disabled=move || give.pending().get()>{t(Msg::ConsentAgree)}</button>
            </ActionForm>
        </section>
    }
}

/// The profile's list of consents: each purpose with its open consent (and a button to
/// withdraw it) and the earlier records.
#[component]
pub fn MyConsentsSection() -> impl IntoView {
    let (mine, reload) = consents_in_browser();
    let withdraw = ServerAction::<WithdrawConsent>::new();
    let error = action_error(withdraw);
    Effect::new(move |_| {
        if let Some(Ok(())) = withdraw.value().get() {
            reload.run(());
        }
    });
    view! {
        <section class="card" data-testid="my-consents">
            <h2>{t(Msg::ConsentsTitle)}</h2>
            <FormStatus error=error/>
            {move || match mine.get() {
                    None => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                    Some(Ok(m)) => Purpose::ALL.into_iter().map(|p| {
                        let open = m.open(p).cloned();
                        let earlier: Vec<Consent> = m.records.iter().filter(|c| c.purpose == p && c.withdrawn_at.is_some()).cloned().collect();
                        view! {
                            <h3>{t(p.msg())}</h3>
                            {match open {
                                Some(c) => view! {
                                    <p data-testid="consent-open" data-purpose=p.code()><ConsentLine c=c/></p>
                                    <p class="hint">{t(Msg::ConsentWithdrawEffect)}</p>
                                    <ActionForm action=withdraw>
                                        <input type="hidden" name="purpose" value=p.code()/>
                                        <button type="submit" data-testid="consent-withdraw" disabled=move || withdraw.pending().get()>{t(Msg::ConsentWithdraw)}</button>
                                    </ActionForm>
                                }.into_any(),
                                None => view! { <p class="muted" data-testid="consent-none" data-purpose=p.code()>{t(Msg::ConsentNone)}</p> }.into_any(),
                            }}
                            {(!earlier.is_empty()).then(|| view! {
                                <ul class="consent-history">
                                    {earlier.into_iter().map(|c| view! { <li><ConsentLine c=c/></li> }).collect_view()}
                                </ul>
                            })}
                        }
                    }).collect_view().into_any(),
            }}
        </section>
    }
}

/// "Given 04.12.2026 10:15 by Aigerim Serikovna (parent or guardian); withdrawn ...".
#[component]
fn ConsentLine(c: Consent) -> impl IntoView {
    let locale = use_locale();
    let text = move || {
        let l = locale.get();
        let mut s = Msg::ConsentGivenAt.text(l).replace("{at}", &format_datetime(c.given_at));
        if c.given_by == GivenBy::Guardian {
            s.push_str(&Msg::ConsentGivenByGuardian.text(l).replace("{name}", c.guardian_name.as_deref().unwrap_or("")));
        }
        if let Some(w) = c.withdrawn_at {
            s.push_str(&Msg::ConsentWithdrawnAt.text(l).replace("{at}", &format_datetime(w)));
        }
        s
    };
    view! { <span>{text}</span> }
}
