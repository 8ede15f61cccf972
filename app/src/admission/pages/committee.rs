//! The admission committee's pages: its campaigns and a new one; a campaign's places per
//! specialty and language with the quotas, the applications to accept or return, the ranking
//! (a preview, then publication) and the enrolment of those placed.

use crate::admin::model::StudyLanguage;
use crate::admission::api::{
    campaign_for_committee, committee_view, preview_ranking, CreateCampaign, Enrol, PublishRanking, Review, SaveOffer,
};
use crate::admission::model::{show_score, ApplicationStatus, CampaignStatus, Category, CommitteeCampaign};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CommitteePage() -> impl IntoView {
    view! { <RequireUser><Campaigns/></RequireUser> }
}

#[component]
fn Campaigns() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateCampaign>::new();
    let error = action_error(create);
    let data = Resource::new(move || create.version().get(), |_| committee_view());
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(v) => view! {
                    <section class="card" data-testid="admission-campaigns">
                        <h1>{t(Msg::AdmCommittee)}</h1>
                        {if v.campaigns.is_empty() {
                            view! { <p class="muted">{t(Msg::AdmNoCampaigns)}</p> }.into_any()
                        } else {
                            view! { <ul>{v.campaigns.into_iter().map(|c| {
                                let status = c.status;
                                view! { <li>
                                    <A href=format!("/admission/committee/{}", c.id)>{format!("{} · {} · {}", c.college, c.title, c.year)}</A>
                                    " " <span class="tag">{move || status_text(status, locale.get())}</span>
                                </li> }
                            }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section class="card">
                        <h2>{t(Msg::AdmNewCampaign)}</h2>
                        <ActionForm action=create attr:data-testid="campaign-form">
                            <FormStatus error=error ok=(action_ok(create), Msg::Saved)/>
                            <div class="field">
                                <label for="f-college_id">{t(Msg::KindCollege)}</label>
                                <select id="f-college_id" name="college_id">
                                    {v.colleges.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                                <SelectError error=error field="college_id"/>
                            </div>
                            <Field label=Msg::AdmYear name="year" kind="number" error=error required=true/>
                            <Field label=Msg::AdmCampaignTitle name="title" error=error required=true/>
                            <Field label=Msg::AdmMaxChoices name="max_choices" kind="number" value=Signal::derive(|| "3".to_string()) error=error required=true/>
                            <button type="submit" class="primary">{t(Msg::AdmNewCampaign)}</button>
                        </ActionForm>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

fn status_text(s: CampaignStatus, l: crate::i18n::Locale) -> &'static str {
    match s {
        CampaignStatus::Open => Msg::AdmCampaignOpen.text(l),
        CampaignStatus::Published => Msg::AdmCampaignPublished.text(l),
    }
}

#[component]
pub fn CampaignPage() -> impl IntoView {
    view! { <RequireUser><Campaign/></RequireUser> }
}

#[component]
fn Campaign() -> impl IntoView {
    let id = crate::ui::id_param();
    let save = ServerAction::<SaveOffer>::new();
    let review = ServerAction::<Review>::new();
    let publish = ServerAction::<PublishRanking>::new();
    let enrol = ServerAction::<Enrol>::new();
    let data = Resource::new(
        move || (id(), save.version().get(), review.version().get(), publish.version().get(), enrol.version().get()),
        |(id, ..)| campaign_for_committee(id),
    );
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(c) => view! {
                    <Offers c=c.clone() save=save/>
                    <Applications c=c.clone() review=review enrol=enrol/>
                    <Ranking c=c publish=publish/>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Offers(c: CommitteeCampaign, save: ServerAction<SaveOffer>) -> impl IntoView {
    let locale = use_locale();
    let error = action_error(save);
    let open = c.campaign.status == CampaignStatus::Open;
    let status = c.campaign.status;
    view! {
        <section class="card" data-testid="admission-offers">
            <p class="muted"><A href="/admission/committee">{t(Msg::AdmCommittee)}</A></p>
            <h1>{format!("{} · {} · {}", c.campaign.college, c.campaign.title, c.campaign.year)}</h1>
            <p><span class="tag">{move || status_text(status, locale.get())}</span></p>
            <table class="list">
                <thead><tr>
                    <th>{t(Msg::Specialty)}</th><th>{t(Msg::AdmPlaces)}</th><th>{t(Msg::AdmEntranceTest)}</th>
                    {Category::ALL.into_iter().map(|cat| view! { <th>{move || cat.msg().text(locale.get())}</th> }).collect_view()}
                    <th>{t(Msg::AdmPublicList)}</th>
                </tr></thead>
                <tbody>
                    {c.campaign.offers.clone().into_iter().map(|o| {
                        let label = o.clone();
                        let test = o.entrance_test;
                        view! { <tr>
                            <td data-label=move || Msg::Specialty.text(locale.get())>{move || label.label(locale.get())}</td>
                            <td data-label=move || Msg::AdmPlaces.text(locale.get())>{o.places}</td>
                            <td data-label=move || Msg::AdmEntranceTest.text(locale.get())>{move || if test { Msg::Yes.text(locale.get()) } else { "—" }}</td>
                            {Category::ALL.into_iter().map(|cat| {
                                let n = o.quota(cat);
                                view! { <td data-label=move || cat.msg().text(locale.get())>{n}</td> }
                            }).collect_view()}
                            <td><A href=format!("/admission/lists/{}", o.id)>{t(Msg::AdmPublicList)}</A></td>
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
            {open.then(|| view! {
                <h2>{t(Msg::AdmSaveOffer)}</h2>
                <ActionForm action=save attr:data-testid="offer-form">
                    <FormStatus error=error ok=(action_ok(save), Msg::Saved)/>
                    <input type="hidden" name="campaign_id" value=c.campaign.id/>
                    <Field label=Msg::RecSpecialtyCode name="specialty_code" error=error required=true/>
                    <Field label=Msg::RecSpecialtyName name="specialty_name" error=error required=true/>
                    <div class="field">
                        <label for="f-study_language">{t(Msg::RecStudyLanguage)}</label>
                        <select id="f-study_language" name="study_language">
                            {StudyLanguage::ALL.into_iter().map(|l| view! { <option value=l.code()>{move || l.msg().text(locale.get())}</option> }).collect_view()}
                        </select>
                        <SelectError error=error field="study_language"/>
                    </div>
                    <Field label=Msg::AdmPlaces name="places" kind="number" error=error required=true/>
                    <div class="field">
                        <label for="f-entrance_test">{t(Msg::AdmEntranceTestLong)}</label>
                        <select id="f-entrance_test" name="entrance_test">
                            <option value="no">{t(Msg::No)}</option>
                            <option value="yes">{t(Msg::Yes)}</option>
                        </select>
                    </div>
                    <Field label=Msg::AdmCatDisability name="quota_disability" kind="number" error=error/>
                    <Field label=Msg::AdmCatOrphan name="quota_orphan" kind="number" error=error/>
                    <Field label=Msg::AdmCatRural name="quota_rural" kind="number" error=error/>
                    <Field label=Msg::AdmCatLargeFamily name="quota_large_family" kind="number" error=error/>
                    <small class="hint">{t(Msg::AdmQuotaHint)}</small>
                    <button type="submit" class="primary">{t(Msg::AdmSaveOffer)}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Applications(c: CommitteeCampaign, review: ServerAction<Review>, enrol: ServerAction<Enrol>) -> impl IntoView {
    let locale = use_locale();
    let review_error = action_error(review);
    let enrol_error = action_error(enrol);
    let open = c.campaign.status == CampaignStatus::Open;
    let offers = c.campaign.offers.clone();
    let groups = c.groups.clone();
    view! {
        <section class="card" data-testid="admission-applications">
            <h2>{t(Msg::AdmApplications)}</h2>
            <FormStatus error=review_error/>
            <FormStatus error=enrol_error ok=(action_ok(enrol), Msg::AdmEnrolled)/>
            {if c.applications.is_empty() {
                view! { <p class="muted">{t(Msg::AdmNoApplications)}</p> }.into_any()
            } else {
                c.applications.into_iter().map(|a| {
                    let status = a.status;
                    let cats = a.categories.clone();
                    let offers_l = offers.clone();
                    let choices = a.choices.clone();
                    let placed_offer = a.placed.and_then(|p| offers.iter().find(|o| o.id == p).cloned());
                    let fitting: Vec<_> = placed_offer.as_ref().map(|o| groups.iter().filter(|g| g.specialty_code == o.specialty_code && g.language == Some(o.language)).cloned().collect()).unwrap_or_default();
                    let enrolled = a.enrolled_group.clone();
                    view! {
                        <article class="card" data-testid="committee-application">
                            <h3>{format!("{} · {}", a.number, a.full_name)}</h3>
                            <dl class="facts">
                                <dt>{t(Msg::Iin)}</dt><dd>{a.iin.clone()}</dd>
                                <dt>{t(Msg::Phone)}</dt><dd>{a.phone.clone()}</dd>
                                <dt>{t(Msg::AdmCertificateScore)}</dt><dd>{show_score(a.certificate_score)}{a.honours.then(|| view! { " " <span class="tag">{t(Msg::AdmHonours)}</span> })}</dd>
                                {(a.profile_score > 0).then(|| view! { <dt>{t(Msg::AdmProfileScore)}</dt><dd>{show_score(a.profile_score)}</dd> })}
                                {a.test_score.map(|s| view! { <dt>{t(Msg::AdmTestScore)}</dt><dd>{show_score(s)}</dd> })}
                                <dt>{t(Msg::AdmCategories)}</dt><dd>{move || super::categories_text(&cats, locale.get())}</dd>
                                {a.document_name.clone().map(|n| view! { <dt>{t(Msg::AdmDocument)}</dt><dd><a href=format!("/files/admission/{}", a.id) rel="external">{n}</a></dd> })}
                                <dt>{t(Msg::AdmChoices)}</dt>
                                <dd><ol>{choices.into_iter().map(|o| {
                                    let offers = offers_l.clone();
                                    view! { <li>{move || offers.iter().find(|x| x.id == o).map(|x| x.label(locale.get())).unwrap_or_default()}</li> }
                                }).collect_view()}</ol></dd>
                                <dt>{t(Msg::AdmStatus)}</dt><dd data-testid="committee-status">{move || status.msg().text(locale.get())}</dd>
                                {(!a.comment.is_empty()).then(|| view! { <dt>{t(Msg::AdmComment)}</dt><dd>{a.comment.clone()}</dd> })}
                                {placed_offer.clone().map(|o| view! { <dt>{t(Msg::AdmOutcome)}</dt><dd>{move || Msg::AdmPlacedOn.text(locale.get()).replace("{specialty}", &o.label(locale.get()))}</dd> })}
                                {enrolled.clone().map(|g| view! { <dt>{t(Msg::AdmEnrolledInto)}</dt><dd data-testid="enrolled-group">{g}</dd> })}
                            </dl>
                            {(a.receipt_code.is_some() && status == ApplicationStatus::Accepted).then(|| view! { <super::ReceiptLinks id=a.id ready=true/> })}
                            {(open && status != ApplicationStatus::Withdrawn).then(|| view! {
                                <div class="row-form">
                                    <ActionForm action=review>
                                        <input type="hidden" name="application_id" value=a.id/>
                                        <input type="hidden" name="decision" value="accept"/>
                                        <input type="hidden" name="comment" value=""/>
                                        <button type="submit" class="primary" data-testid="accept">{t(Msg::AdmAccept)}</button>
                                    </ActionForm>
                                    <ActionForm action=review attr:class="row-form">
                                        <input type="hidden" name="application_id" value=a.id/>
                                        <input type="hidden" name="decision" value="return"/>
                                        <label class="grow">{t(Msg::AdmComment)}<input type="text" name="comment"/></label>
                                        <SelectError error=review_error field="comment"/>
                                        <button type="submit" data-testid="return">{t(Msg::AdmReturn)}</button>
                                    </ActionForm>
                                </div>
                            })}
                            {(placed_offer.is_some() && enrolled.is_none()).then(|| view! {
                                <ActionForm action=enrol attr:class="row-form">
                                    <input type="hidden" name="application_id" value=a.id/>
                                    <label class="grow">{t(Msg::Group)}
                                        <select name="group_id">
                                            {fitting.into_iter().map(|g| view! { <option value=g.id>{g.name}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <SelectError error=enrol_error field="group_id"/>
                                    <button type="submit" class="primary" data-testid="enrol">{t(Msg::AdmEnrol)}</button>
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
fn Ranking(c: CommitteeCampaign, publish: ServerAction<PublishRanking>) -> impl IntoView {
    let locale = use_locale();
    let campaign_id = c.campaign.id;
    let open = c.campaign.status == CampaignStatus::Open;
    let asked = RwSignal::new(0u32);
    let preview = Resource::new(
        move || asked.get(),
        move |n| async move {
            if n == 0 {
                None
            } else {
                Some(preview_ranking(campaign_id).await)
            }
        },
    );
    let error = action_error(publish);
    view! {
        <section class="card" data-testid="admission-ranking">
            <h2>{t(Msg::AdmRanking)}</h2>
            <p class="hint">{t(Msg::AdmRankingHint)}</p>
            <FormStatus error=error/>
            <div class="row-form">
                <button type="button" data-testid="preview-ranking" on:click=move |_| asked.update(|n| *n += 1)>{t(Msg::AdmPreview)}</button>
                {open.then(|| view! {
                    <ActionForm action=publish>
                        <input type="hidden" name="campaign_id" value=campaign_id/>
                        <button type="submit" class="primary" data-testid="publish-ranking">{t(Msg::AdmPublish)}</button>
                    </ActionForm>
                })}
            </div>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || preview.get().flatten().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(lists) => view! { <div data-testid="ranking-preview">
                        {lists.lists.into_iter().map(|l| {
                            let offer = l.offer.clone();
                            view! {
                                <h3>{move || offer.label(locale.get())}" · " {t(Msg::AdmPlaces)}" " {l.offer.places}</h3>
                                <super::ListTable lines=l.lines committee=true/>
                            }
                        }).collect_view()}
                    </div> }.into_any(),
                })}
            </Transition>
            <super::Rules/>
        </section>
    }
}
