//! The applicant's page (the acceptance of documents, seed 000 1.3.1 and 1.3.8): their
//! applications with status, the committee's comment, the outcome and a withdrawal, and the
//! form for each campaign accepting applications.

use crate::admission::api::{applicant_view, ApplicantHome, Withdraw};
use crate::admission::model::{show_score, Application, ApplicationStatus, Campaign, Category, Offer};
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ApplyPage() -> impl IntoView {
    view! {
        <RequireUser><Applicant/></RequireUser>
        <p><A href="/admission/lists">{t(Msg::AdmPublicLists)}</A></p>
    }
}

#[component]
fn Applicant() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let view_data = Resource::new(move || changed.get(), |_| applicant_view());
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || view_data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(v) => view! { <Mine v=v.clone() changed=changed/> <Campaigns v=v changed=changed/> }.into_any(),
            })}
        </Transition>
    }
}

fn offer_label(offers: &[Offer], id: i64, l: crate::i18n::Locale) -> String {
    offers.iter().find(|o| o.id == id).map(|o| o.label(l)).unwrap_or_default()
}

#[component]
fn Mine(v: ApplicantHome, changed: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let withdraw = ServerAction::<Withdraw>::new();
    let error = action_error(withdraw);
    Effect::new(move |_| {
        if let Some(Ok(())) = withdraw.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let open: Vec<i64> = v.campaigns.iter().map(|c| c.id).collect();
    view! {
        <section class="card" data-testid="my-admission">
            <h1>{t(Msg::AdmMyApplications)}</h1>
            <FormStatus error=error/>
            {if v.mine.is_empty() {
                view! { <p class="muted">{t(Msg::AdmNoApplications)}</p> }.into_any()
            } else {
                v.mine.into_iter().map(|a| {
                    let offers = v.offers.clone();
                    let offers2 = v.offers.clone();
                    let status = a.status;
                    let can_withdraw = open.contains(&a.campaign_id) && status != ApplicationStatus::Withdrawn;
                    let choices = a.choices.clone();
                    let placed = a.placed;
                    let comment = a.comment.clone();
                    view! {
                        <article class="card" data-testid="my-application">
                            <h2>{t(Msg::AdmApplication)}" " {a.number.clone()}</h2>
                            <dl class="facts">
                                <dt>{t(Msg::AdmStatus)}</dt>
                                <dd data-testid="application-status">{move || status.msg().text(locale.get())}</dd>
                                {(!comment.is_empty()).then(|| view! { <dt>{t(Msg::AdmComment)}</dt><dd data-testid="application-comment">{comment.clone()}</dd> })}
                                <dt>{t(Msg::AdmCertificateScore)}</dt><dd>{show_score(a.certificate_score)}</dd>
                                <dt>{t(Msg::AdmChoices)}</dt>
                                <dd><ol>{choices.into_iter().map(|o| {
                                    let offers = offers.clone();
                                    view! { <li>{move || offer_label(&offers, o, locale.get())}</li> }
                                }).collect_view()}</ol></dd>
                                <dt>{t(Msg::AdmOutcome)}</dt>
                                <dd data-testid="application-outcome">{move || match placed {
                                    Some(o) => Msg::AdmPlacedOn.text(locale.get()).replace("{specialty}", &offer_label(&offers2, o, locale.get())),
                                    None => Msg::AdmNotRankedYet.text(locale.get()).to_string(),
                                }}</dd>
                                {a.enrolled_group.clone().map(|g| view! { <dt>{t(Msg::AdmEnrolledInto)}</dt><dd>{g}</dd> })}
                                {a.document_name.clone().map(|n| view! {
                                    <dt>{t(Msg::AdmDocument)}</dt>
                                    <dd><a href=format!("/files/admission/{}", a.id) rel="external">{n}</a></dd>
                                })}
                            </dl>
                            {(status != ApplicationStatus::Withdrawn).then(|| {
                                view! { <super::ReceiptLinks id=a.id ready=a.receipt_code.is_some() && status == ApplicationStatus::Accepted/> }
                            })}
                            {can_withdraw.then(|| view! {
                                <ActionForm action=withdraw>
                                    <input type="hidden" name="application_id" value=a.id/>
                                    <button type="submit" data-testid="withdraw">{t(Msg::AdmWithdraw)}</button>
                                </ActionForm>
                            })}
                        </article>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn Campaigns(v: ApplicantHome, changed: RwSignal<u32>) -> impl IntoView {
    if v.campaigns.is_empty() {
        return view! { <section class="card"><p class="muted">{t(Msg::AdmNoOpenCampaigns)}</p></section> }.into_any();
    }
    v.campaigns
        .into_iter()
        .map(|c| {
            let mine = v.mine.iter().find(|a| a.campaign_id == c.id).cloned();
            view! { <ApplicationForm campaign=c mine=mine changed=changed/> }
        })
        .collect_view()
        .into_any()
}

#[component]
fn ApplicationForm(campaign: Campaign, mine: Option<Application>, changed: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let result: RwSignal<Option<Result<i64, AppError>>> = RwSignal::new(None);
    let error = Signal::derive(move || result.get().and_then(|r| r.err()));
    let busy = RwSignal::new(false);
    let request_key = StoredValue::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (changed, request_key);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            if request_key.with_value(String::is_empty) {
                request_key.set_value(crate::proctor::client::js::random_key().unwrap_or_default());
            }
            let _ = data.set_with_str("request_key", &request_key.get_value());
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = crate::admission::api::apply(data.into()).await;
                if r.is_ok() {
                    // A later correction is a new request.
                    request_key.set_value(String::new());
                    changed.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    let has_test = campaign.offers.iter().any(|o| o.entrance_test);
    let m = mine.clone();
    let value = move |f: fn(&Application) -> String| {
        Signal::derive({
            let m = m.clone();
            move || m.as_ref().map(f).unwrap_or_default()
        })
    };
    let claimed = mine.as_ref().map(|a| a.categories.clone()).unwrap_or_default();
    let chosen = mine.as_ref().map(|a| a.choices.clone()).unwrap_or_default();
    let offers = campaign.offers.clone();
    let title = format!("{} · {} · {}", campaign.college, campaign.title, campaign.year);
    view! {
        <section class="card" data-testid="admission-form">
            <p class="muted">{title}</p>
            <h2>{if mine.is_some() { t(Msg::AdmCorrectApplication) } else { t(Msg::AdmApply) }}</h2>
            <form on:submit=on_submit>
                <FormStatus error=error/>
                {move || matches!(result.get(), Some(Ok(_))).then(|| view! { <p class="banner ok" role="status" data-testid="admission-submitted">{t(Msg::AdmSubmitted)}</p> })}
                <input type="hidden" name="campaign_id" value=campaign.id/>
                <Field label=Msg::Iin name="iin" error=error required=true value=value(|a| a.iin.clone())/>
                <Field label=Msg::FullName name="full_name" error=error required=true value=value(|a| a.full_name.clone())/>
                <Field label=Msg::Phone name="phone" kind="tel" error=error required=true value=value(|a| a.phone.clone())/>
                <Field label=Msg::AdmCertificateScore name="certificate_score" hint=Msg::AdmCertificateScoreHint error=error required=true
                    value=value(|a| show_score(a.certificate_score))/>
                <div class="field">
                    <label><input type="checkbox" name="honours" checked=mine.as_ref().is_some_and(|a| a.honours)/>" " {t(Msg::AdmHonoursLong)}</label>
                </div>
                <Field label=Msg::AdmProfileScore name="profile_score" hint=Msg::AdmProfileScoreHint error=error
                    value=value(|a| if a.profile_score > 0 { show_score(a.profile_score) } else { String::new() })/>
                {has_test.then(|| view! {
                    <Field label=Msg::AdmTestScore name="test_score" hint=Msg::AdmTestScoreHint error=error
                        value=value(|a| a.test_score.map(show_score).unwrap_or_default())/>
                })}
                <fieldset class="field">
                    <legend>{t(Msg::AdmCategories)}</legend>
                    <small class="hint">{t(Msg::AdmCategoriesHint)}</small>
                    {Category::ALL.into_iter().map(|c| view! {
                        <label><input type="checkbox" name=format!("cat_{}", c.code()) checked=claimed.contains(&c)/>" " {move || c.msg().text(locale.get())}</label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="f-file">{t(Msg::AdmDocument)}</label>
                    <input id="f-file" type="file" name="file" accept=".pdf,.jpg,.jpeg,.png"/>
                    <small class="hint">{t(Msg::AdmDocumentHint)}</small>
                    <SelectError error=error field="file"/>
                </div>
                <fieldset class="field">
                    <legend>{t(Msg::AdmChoices)}</legend>
                    <small class="hint">{t(Msg::AdmChoicesHint)}</small>
                    {(1..=campaign.max_choices).map(|n| {
                        let field: &'static str = ["choice1", "choice2", "choice3", "choice4", "choice5"][(n as usize - 1).min(4)];
                        let offers = offers.clone();
                        let selected = chosen.get(n as usize - 1).copied();
                        view! {
                            <div class="field">
                                <label for=format!("f-{field}")>{move || Msg::AdmChoiceN.text(locale.get()).replace("{n}", &n.to_string())}</label>
                                <select id=format!("f-{field}") name=field>
                                    <option value="">"—"</option>
                                    {offers.into_iter().map(|o| {
                                        let id = o.id;
                                        view! { <option value=id selected={selected == Some(id)}>{move || o.label(locale.get())}</option> }
                                    }).collect_view()}
                                </select>
                                <SelectError error=error field=field/>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::AdmSubmit)}</button>
            </form>
        </section>
    }
}
