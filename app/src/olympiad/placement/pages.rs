//! Pages of the winners' placement (OLY-5): the operator's section of a campaign (registry,
//! seats, placement), the winner's application (`/olympiad/apply`), a specialised school's
//! applicants (`/olympiad/applicants`) and the families' public look-up (`/olympiad/placement`).
//! One column on a phone.

use super::applications::*;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, field_error, ErrorNote, FormStatus};
use leptos::prelude::*;

/// The error of one field of a form, under it.
#[component]
fn FieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let locale = use_locale();
    let msg = field_error(error, field);
    view! {
        <Show when=move || msg.get().is_some()>
            <small class="error" role="alert">{move || msg.get().map(|m| m.text(locale.get()))}</small>
        </Show>
    }
}

/// The operator's placement section of one campaign (fetched after hydration, as the other
/// sections of a campaign card are: see results::pages::CampaignResults).
#[component]
pub fn CampaignPlacement(campaign_id: i64) -> impl IntoView {
    let locale = use_locale();
    let set = ServerAction::<SetSpecialisedSchool>::new();
    let run = ServerAction::<RunPlacement>::new();
    let state: RwSignal<Option<Result<PlacementFacts, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let _ = (set.version().get(), run.version().get());
        leptos::task::spawn_local(async move {
            let r = placement_state(campaign_id).await;
            let _ = state.try_set(Some(r));
        });
    });
    let set_error = action_error(set);
    let label = move |m: Msg| move || m.text(locale.get());
    let (code_id, seats_id) = (format!("placement-code-{campaign_id}"), format!("placement-seats-{campaign_id}"));
    view! {
        <section class="placement" data-testid="campaign-placement">
            <h4>{t(Msg::OlyPlacementSection)}</h4>
            {move || match state.get() {
                None => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(s)) => view! {
                    <p>{move || Msg::OlyPlacementDone.text(locale.get())
                        .replace("{applications}", &s.applications.to_string()).replace("{placed}", &s.placed.to_string())}
                        {s.placed_at.map(|at| format!(" · {}", format_datetime(at)))}</p>
                    <table class="list" data-testid="registry">
                        <thead><tr><th>{t(Msg::OlyRegistry)}</th><th>{t(Msg::OlySchoolCode)}</th><th>{t(Msg::OlySeats)}</th>
                            <th>{t(Msg::OlyApplied)}</th><th>{t(Msg::OlyPlacedCount)}</th></tr></thead>
                        <tbody>
                            {s.schools.into_iter().map(|r| view! {
                                <tr>
                                    <td data-label=label(Msg::OlyRegistry)>{r.name}</td>
                                    <td data-label=label(Msg::OlySchoolCode)>{r.code}</td>
                                    <td data-label=label(Msg::OlySeats)>{r.seats}</td>
                                    <td data-label=label(Msg::OlyApplied)>{r.applied}</td>
                                    <td data-label=label(Msg::OlyPlacedCount)>{r.placed}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <ActionForm action=set attr:class="row-form" attr:data-testid="registry-form">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <div class="field" class:invalid=move || field_error(set_error, "code").get().is_some()>
                    <label for=code_id.clone()>{t(Msg::OlySchoolCode)}</label>
                    <input id=code_id name="code" required autocomplete="off"/>
                    <FieldError error=set_error field="code"/>
                </div>
                <div class="field" class:invalid=move || field_error(set_error, "seats").get().is_some()>
                    <label for=seats_id.clone()>{t(Msg::OlySeats)}</label>
                    <input id=seats_id name="seats" type="number" inputmode="numeric" required/>
                    <FieldError error=set_error field="seats"/>
                </div>
                <button type="submit" disabled=move || set.pending().get()>{t(Msg::OlySetSeats)}</button>
            </ActionForm>
            <ActionForm action=run attr:class="row-form">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <button type="submit" disabled=move || run.pending().get()>{t(Msg::OlyRunPlacement)}</button>
            </ActionForm>
            <p class="hint">{t(Msg::OlyPlacementHint)}</p>
            <FormStatus error=action_error(run)/>
        </section>
    }
}

/// The winner's page: per campaign won, the choices and documents, then the result.
#[component]
pub fn ApplyPage() -> impl IntoView {
    view! { <RequireUser><Applications/></RequireUser> }
}

#[component]
fn Applications() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let mine = Resource::new(move || changed.get(), |_| my_applications());
    view! {
        <section class="card" data-testid="my-applications">
            <h1>{t(Msg::OlyMyApplication)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || mine.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::OlyNotAWinner)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|a| view! { <ApplicationForm a=a changed=changed/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

fn result_text(r: &Option<PlacementResult>, l: crate::i18n::Locale) -> String {
    match r {
        None => Msg::OlyPlacementPending.text(l).to_string(),
        Some(PlacementResult::NoSeat) => Msg::OlyNoSeat.text(l).to_string(),
        Some(PlacementResult::Placed(school)) => Msg::OlyPlacedAt.text(l).replace("{school}", school),
    }
}

#[component]
fn ApplicationForm(a: MyApplication, changed: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let submit = ServerAction::<SubmitApplication>::new();
    let error = action_error(submit);
    Effect::new(move |_| {
        if let Some(Ok(())) = submit.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let upload: RwSignal<Option<Result<Vec<String>, AppError>>> = RwSignal::new(None);
    let on_upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (upload, changed);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            leptos::task::spawn_local(async move {
                let r = attach_application_file(data.into()).await;
                let ok = r.is_ok();
                upload.set(Some(r));
                if ok {
                    changed.update(|n| *n += 1);
                }
            });
        }
    };
    let (opens, closes) = (format_datetime(a.opens_at), format_datetime(a.closes_at));
    let campaign_id = a.campaign_id;
    let result = a.result.clone();
    let applied = a.submitted_at.is_some();
    view! {
        <article class="card" data-testid="application">
            <h2>{a.campaign.clone()}</h2>
            <p class="muted">{move || Msg::OlyApplicationWindow.text(locale.get()).replace("{from}", &opens).replace("{to}", &closes)}</p>
            {applied.then(|| view! {
                <p class="banner ok" role="status" data-testid="placement-result">{move || result_text(&result, locale.get())}</p>
            })}
            <ActionForm action=submit attr:data-testid="application-form">
                <FormStatus error=error ok=(Signal::derive(move || matches!(submit.value().get(), Some(Ok(())))), Msg::OlyApplicationSent)/>
                <input type="hidden" name="campaign_id" value=campaign_id/>
                {(1..=MAX_CHOICES).map(|n| {
                    let name: &'static str = ["choice1", "choice2", "choice3"][n - 1];
                    let id = format!("{name}-{campaign_id}");
                    let chosen = a.choices.get(n - 1).copied();
                    view! {
                        <div class="field" class:invalid=move || field_error(error, name).get().is_some()>
                            <label for=id.clone()>{move || Msg::OlyChoiceN.text(locale.get()).replace("{n}", &n.to_string())}</label>
                            <select id=id name=name>
                                <option value="">{t(Msg::OlyNoChoice)}</option>
                                {a.schools.iter().map(|(sid, sname)| view! {
                                    <option value=*sid selected=chosen == Some(*sid)>{sname.clone()}</option>
                                }).collect_view()}
                            </select>
                            <FieldError error=error field=name/>
                        </div>
                    }
                }).collect_view()}
                <button type="submit" class="primary" disabled=move || submit.pending().get()>{t(Msg::OlySendApplication)}</button>
            </ActionForm>
            <h3>{t(Msg::OlyDocuments)}</h3>
            <ul data-testid="application-files">
                {a.files.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
            </ul>
            <form class="row-form" on:submit=on_upload data-testid="application-upload">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <label class="grow">{t(Msg::File)}<input type="file" name="file" accept=".pdf,.jpg,.jpeg,.png" required/></label>
                <button type="submit">{t(Msg::OlyAttach)}</button>
            </form>
            {move || upload.get().and_then(|r| r.err()).map(|e| match e.field_msg("file") {
                Some(m) => view! { <p class="error" role="alert">{move || m.text(locale.get())}</p> }.into_any(),
                None => view! { <ErrorNote error=e/> }.into_any(),
            })}
        </article>
    }
}

/// A specialised school's staff: the winners who applied, best first, with their documents.
#[component]
pub fn ApplicantsPage() -> impl IntoView {
    view! { <RequireUser><ApplicantList/></RequireUser> }
}

#[component]
fn ApplicantList() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| school_applicants());
    let label = move |m: Msg| move || m.text(locale.get());
    view! {
        <section class="card wide" data-testid="applicants">
            <h1>{t(Msg::OlyApplicants)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(Msg::OlyNoApplicants)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="list">
                            <thead><tr>
                                <th>{t(Msg::OlyToSchool)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::OlyFromSchool)}</th><th>{t(Msg::OlyGrade)}</th>
                                <th>{t(Msg::OlyBestPlace)}</th><th>{t(Msg::OlyPreference)}</th><th>{t(Msg::OlyDocuments)}</th><th>{t(Msg::OlyPlacementSection)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|a| {
                                    let id = a.application_id;
                                    view! {
                                        <tr data-testid="applicant">
                                            <td data-label=label(Msg::OlyToSchool)>{a.to_school}</td>
                                            <td data-label=label(Msg::FullName)>{a.full_name}</td>
                                            <td data-label=label(Msg::OlyFromSchool)>{a.from_school}</td>
                                            <td data-label=label(Msg::OlyGrade)>{a.grade}</td>
                                            <td data-label=label(Msg::OlyBestPlace)>{a.best_place}</td>
                                            <td data-label=label(Msg::OlyPreference)>{a.preference}</td>
                                            <td data-label=label(Msg::OlyDocuments)>
                                                {a.files.into_iter().map(|f| view! {
                                                    <a href=format!("/files/olympiad/application/{id}/{f}") rel="external" download>{f.clone()}</a>" "
                                                }).collect_view()}
                                            </td>
                                            <td data-label=label(Msg::OlyPlacementSection)>{move || t(match a.placed_here {
                                                None => Msg::OlyPlacementPending,
                                                Some(true) => Msg::OlyPlacedHere,
                                                Some(false) => Msg::OlyPlacedElsewhere,
                                            })()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Public: a family looks up the placement with the IIN and a winner's diploma number.
#[component]
pub fn PlacementLookupPage() -> impl IntoView {
    let locale = use_locale();
    let find = ServerAction::<FamilyLookup>::new();
    let error = action_error(find);
    view! {
        <section class="card narrow" data-testid="placement-lookup">
            <h1>{t(Msg::OlyPlacementLookup)}</h1>
            <p class="hint">{t(Msg::OlyLookupHint)}</p>
            <ActionForm action=find>
                <FormStatus error=error/>
                <div class="field" class:invalid=move || field_error(error, "iin").get().is_some()>
                    <label for="f-lookup-iin">{t(Msg::Iin)}</label>
                    // No maxlength (issue 14, item 17): the server trims, then checks, and says what is wrong.
                    <input id="f-lookup-iin" name="iin" inputmode="numeric" autocomplete="off" required/>
                    <FieldError error=error field="iin"/>
                </div>
                <div class="field" class:invalid=move || field_error(error, "number").get().is_some()>
                    <label for="f-lookup-number">{t(Msg::OlyDiplomaNumber)}</label>
                    <input id="f-lookup-number" name="number" autocomplete="off" required placeholder="2027-000042-K7QF3M"/>
                    <FieldError error=error field="number"/>
                </div>
                <button type="submit" class="primary" disabled=move || find.pending().get()>{t(Msg::OlyFind)}</button>
            </ActionForm>
            {move || find.value().get().and_then(|r| r.ok()).map(|found| match found {
                None => view! { <p class="banner error" role="alert" data-testid="lookup-none">{t(Msg::OlyLookupNone)}</p> }.into_any(),
                Some(f) => {
                    let text = move || if f.applied { result_text(&f.result, locale.get()) } else { Msg::OlyNotApplied.text(locale.get()).to_string() };
                    view! {
                        <dl class="facts" data-testid="lookup-result">
                            <dt>{t(Msg::FullName)}</dt><dd>{f.full_name.clone()}</dd>
                            <dt>{t(Msg::OlyCampaign)}</dt><dd>{f.campaign.clone()}</dd>
                            <dt>{t(Msg::OlyPlacementSection)}</dt><dd>{text}</dd>
                        </dl>
                    }.into_any()
                }
            })}
        </section>
    }
}
