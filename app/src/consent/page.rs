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
    let kept = move || match (purpose, kept_days) {
        (Purpose::Olympiad, _) => Msg::ConsentOlympiadKept.text(locale.get()).to_string(),
        (Purpose::Proctoring, Some(days)) => Msg::ConsentKeptDays.text(locale.get()).replace("{days}", &days.to_string()),
        (Purpose::Proctoring, None) => Msg::ConsentKeptByExam.text(locale.get()).to_string(),
    };
    let [what, who] = purpose.texts();
    view! {
        <section class="consent" data-testid="consent-step" data-purpose=purpose.code() aria-labelledby="consent-title">
            <h2 id="consent-title">{t(Msg::ConsentTitle)}</h2>
            <p>{t(what)}</p>
            <p>{t(who)}</p>
            <p data-testid="consent-kept">{kept}</p>
            <p>{t(Msg::ConsentWithdrawHint)}</p>
            <p class="banner info" data-testid="consent-without">{t(without)}</p>
            <ActionForm action=give>
                <input type="hidden" name="purpose" value=purpose.code()/>
                <FormStatus error=error/>
                <ConsentChoice purpose=purpose minor=minor error=error short=true/>
                <button type="submit" class="primary" data-testid="consent-agree" disabled=move || give.pending().get()>{t(Msg::ConsentAgree)}</button>
            </ActionForm>
        </section>
    }
}

/// Who agrees (the person, or their parent or guardian by name), as part of a form that sends
/// `given_by` and `guardian_name`. `minor`: the IIN already says so, leaving only the guardian.
/// Unless `short` (the texts are shown around it already), the purpose's two paragraphs come
/// first, folded: the registration form carries it.
#[component]
pub fn ConsentChoice(purpose: Purpose, minor: bool, error: Signal<Option<AppError>>, #[prop(optional)] short: bool) -> impl IntoView {
    let by_guardian = RwSignal::new(minor);
    let [what, who] = purpose.texts();
    view! {
        {(!short).then(|| view! {
            <details class="consent-text" data-testid="consent-text" data-purpose=purpose.code()>
                <summary>{t(Msg::ConsentTitle)}": "{t(purpose.msg())}</summary>
                <p>{t(what)}</p>
                <p>{t(who)}</p>
                <p>{t(Msg::ConsentWithdrawHint)}</p>
            </details>
        })}
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
    }
}

/// A teacher's statement, on a registration form, that they hold each pupil's signed paper
/// consent: to olympiad participation (`consent`, required) and, optionally, to proctoring.
#[component]
pub fn PaperConsentFields(error: Signal<Option<AppError>>, id: String) -> impl IntoView {
    view! {
        <fieldset class="choice paper-consent" data-testid="paper-consent">
            <legend>{t(Msg::ConsentPaperTitle)}</legend>
            <label><input type="checkbox" name="consent" value="on" id=format!("{id}-consent") data-testid="paper-consent-olympiad"/>
                {t(Msg::ConsentPaperOlympiad)}</label>
            <SelectError error=error field="consent"/>
            <label><input type="checkbox" name="proctoring" value="on" id=format!("{id}-proctoring") data-testid="paper-consent-proctoring"/>
                {t(Msg::ConsentPaperProctoring)}</label>
            <small class="hint">{t(Msg::ConsentPaperHint)}</small>
        </fieldset>
    }
}

/// The profile's list of consents: each purpose with its open consent (and a button to
/// withdraw it) and the earlier records.
#[component]
pub fn MyConsentsSection() -> impl IntoView {
    let (mine, reload) = consents_in_browser();
    let withdraw = ServerAction::<WithdrawConsent>::new();
    let give = ServerAction::<GiveConsent>::new();
    let error = action_error(withdraw);
    Effect::new(move |_| {
        if let Some(Ok(())) = withdraw.value().get() {
            reload.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = give.value().get() {
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
                    Some(Ok(m)) => m.purposes.iter().copied().map(|p| {
                        let open = m.open(p).cloned();
                        let earlier: Vec<Consent> = m.records.iter().filter(|c| c.purpose == p && c.withdrawn_at.is_some()).cloned().collect();
                        view! {
                            <h3>{t(p.msg())}</h3>
                            {match open {
                                Some(c) => view! {
                                    <p data-testid="consent-open" data-purpose=p.code()><ConsentLine c=c/></p>
                                    <p class="hint">{t(p.withdraw_effect())}</p>
                                    <ActionForm action=withdraw>
                                        <input type="hidden" name="purpose" value=p.code()/>
                                        <button type="submit" data-testid="consent-withdraw" disabled=move || withdraw.pending().get()>{t(Msg::ConsentWithdraw)}</button>
                                    </ActionForm>
                                }.into_any(),
                                // The olympiad's consent is given here again after a withdrawal
                                // (proctoring's is asked before the next capture anyway).
                                None if p == Purpose::Olympiad => view! {
                                    <p class="muted" data-testid="consent-none" data-purpose=p.code()>{t(Msg::ConsentNone)}</p>
                                    <ConsentForm purpose=p without=Msg::ConsentOlympiadWithout kept_days=None minor=m.minor give=give/>
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
        match (c.given_by, c.guardian_name.as_deref()) {
            (GivenBy::Guardian, Some(name)) => s.push_str(&Msg::ConsentGivenByGuardian.text(l).replace("{name}", name)),
            // A paper form recorded by the school: the form itself names the guardian.
            (GivenBy::Guardian, None) => s.push_str(Msg::ConsentGivenByAGuardian.text(l)),
            (GivenBy::Person, _) => {}
        }
        if let Some(teacher) = &c.recorded_by {
            s.push_str(&Msg::ConsentRecordedBy.text(l).replace("{name}", teacher));
        }
        if let Some(w) = c.withdrawn_at {
            s.push_str(&Msg::ConsentWithdrawnAt.text(l).replace("{at}", &format_datetime(w)));
        }
        s
    };
    view! { <span>{text}</span> }
}
