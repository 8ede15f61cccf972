//! Olympiad pages: the public teacher registration (OLY-1) and the operator's page (OLY-8:
//! the school directory import, campaigns and their stage-1 windows; each campaign's results
//! section is in `results_pages.rs`, with the public winners and certificate pages). Both are one column on
//! a phone: forms stack, tables become cards (the `list` class does that).

use super::api::*;
use super::model::*;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, action_ok, field_error, reload_home_on_success, ErrorNote, Field, FormStatus, RequireUser, SelectError};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn OlympiadRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/olympiad/register") view=TeacherRegistrationPage/>
        <Route path=path!("/olympiad/operator") view=OperatorPageView/>
        <Route path=path!("/olympiad/teacher") view=TeacherPage/>
        <Route path=path!("/olympiad/winners") view=super::results_pages::WinnersPage/>
        <Route path=path!("/olympiad/certificate/:number") view=super::results_pages::CertificateCheckPage/>
        <Route path=path!("/olympiad/certificates") view=super::results_pages::MyCertificatesPage/>
        <Route path=path!("/olympiad/statistics") view=super::statistics_pages::StatisticsPage/>
        <Route path=path!("/olympiad/people") view=super::people::PeoplePage/>
        <Route path=path!("/olympiad/apply") view=super::placement_pages::ApplyPage/>
        <Route path=path!("/olympiad/join") view=super::join::JoinPage/>
        <Route path=path!("/olympiad/applicants") view=super::placement_pages::ApplicantsPage/>
        <Route path=path!("/olympiad/placement") view=super::placement_pages::PlacementLookupPage/>
    }
    .into_inner()
}

/// The first sign-in with an olympiad card's code: in the candidate's bundle too
/// (`crate::CandidateApp`).
#[component(transparent)]
pub fn FirstSignInRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/olympiad/first-sign-in") view=super::first_sign_in::FirstSignInPage/> }.into_inner()
}

/// A person without an account registers (step 1: the form; step 2, after it succeeds: the code
/// from the email or text message). A signed-in person joins a campaign with one form instead:
/// a teacher confirmed last year comes back this way (issue 14, item 18).
#[component]
pub fn TeacherRegistrationPage() -> impl IntoView {
    let campaigns = Resource::new(|| (), |_| open_campaigns());
    let user = crate::ui::use_user();
    view! {
        <section class="card narrow" data-testid="teacher-registration">
            <h1>{t(Msg::OlyTeacherRegistration)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || campaigns.get().map(|r| match (r, user.0.get()) {
                    (Err(e), _) => view! { <ErrorNote error=e/> }.into_any(),
                    (Ok(list), _) if list.is_empty() => view! { <p class="banner" role="status">{t(Msg::OlyNoOpenRegistration)}</p> }.into_any(),
                    (Ok(list), Some(Ok(Some(me)))) => view! { <JoinAsTeacher campaigns=list full_name=me.full_name/> }.into_any(),
                    (Ok(list), _) => view! {
                        <p class="muted">{t(Msg::OlyTeacherRegistrationIntro)}</p>
                        <TeacherForms campaigns=list/>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The campaign select, with the chosen campaign's dates and grades under it.
#[component]
fn CampaignPicker(campaigns: Vec<OpenCampaign>, campaign: RwSignal<i64>, error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let notes = campaigns.clone();
    let options = campaigns.iter().map(|c| view! { <option value=c.id>{c.title.clone()}</option> }).collect_view();
    view! {
        <div class="field">
            <label for="f-campaign_id">{t(Msg::OlyCampaign)}</label>
            <select id="f-campaign_id" name="campaign_id" on:change=move |ev| {
                if let Ok(id) = event_target_value(&ev).parse::<i64>() { campaign.set(id) }
            }>
                {options}
            </select>
            {move || notes.iter().find(|c| c.id == campaign.get()).map(|c| {
                let closes = format_datetime(c.closes_at);
                let (rural, lo, hi) = (c.rural_only, c.grade_min, c.grade_max);
                view! {
                    <small class="hint">
                        {move || Msg::OlyRegistrationUntil.text(locale.get()).replace("{date}", &closes)}
                        " · "{move || Msg::OlyGradesRange.text(locale.get()).replace("{from}", &lo.to_string()).replace("{to}", &hi.to_string())}
                        {rural.then(|| view! { " · "{t(Msg::OlyRuralOnly)} })}
                    </small>
                }
            })}
            <SelectError error=error field="campaign_id"/>
        </div>
    }
}

/// The school, searched by a part of its name or code as the teacher types; only eligible
/// schools of the chosen campaign come back.
#[component]
fn SchoolPicker(campaign: RwSignal<i64>, error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let query = RwSignal::new(String::new());
    let schools = Resource::new(
        move || (campaign.get(), query.get()),
        |(campaign_id, query)| async move {
            if query.trim().chars().count() < 2 {
                return Ok(Vec::new());
            }
            find_schools(campaign_id, query).await
        },
    );
    view! {
        <div class="field" class:invalid=move || field_error(error, "school_id").get().is_some()>
            <label for="f-school-query">{t(Msg::OlySchool)}</label>
            <input id="f-school-query" type="search" autocomplete="off" placeholder=move || Msg::OlySchoolSearch.text(locale.get())
                on:input=move |ev| query.set(event_target_value(&ev))/>
            <Transition fallback=|| ()>
                {move || schools.get().map(|r| {
                    let list = r.unwrap_or_default();
                    let searched = query.get().trim().chars().count() >= 2;
                    if list.is_empty() {
                        view! { <small class="hint">{t(if searched { Msg::OlyNoSchoolFound } else { Msg::OlySchoolSearchHint })}</small> }.into_any()
                    } else {
                        view! {
                            <select id="f-school_id" name="school_id" size="5" required aria-label=move || Msg::OlySchool.text(locale.get())>
                                {list.into_iter().map(|s| {
                                    let place = [s.region, s.district].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
                                    view! { <option value=s.id>{format!("{} ({}) — {place}", s.name, s.code)}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any()
                    }
                })}
            </Transition>
            <SelectError error=error field="school_id"/>
        </div>
    }
}

/// The signed-in person's form: a campaign and a school, nothing else (their account is known).
#[component]
fn JoinAsTeacher(campaigns: Vec<OpenCampaign>, full_name: String) -> impl IntoView {
    let locale = use_locale();
    let join = ServerAction::<JoinCampaignAsTeacher>::new();
    let error = action_error(join);
    let joined = action_ok(join);
    let campaign = RwSignal::new(campaigns.first().map(|c| c.id).unwrap_or(0));
    view! {
        <p class="muted">{move || Msg::OlyJoinAsTeacherIntro.text(locale.get()).replace("{name}", &full_name)}</p>
        <ActionForm action=join attr:data-testid="join-as-teacher">
            <FormStatus error=error ok=(joined, Msg::OlyJoinedAsTeacher)/>
            <CampaignPicker campaigns=campaigns campaign=campaign error=error/>
            <SchoolPicker campaign=campaign error=error/>
            <button type="submit" class="primary" disabled=move || join.pending().get()>{t(Msg::OlyJoinAsTeacher)}</button>
        </ActionForm>
        <p hidden=move || !joined.get()><a href="/olympiad/teacher">{t(Msg::OlyMyPupils)}</a></p>
    }
}

#[component]
fn TeacherForms(campaigns: Vec<OpenCampaign>) -> impl IntoView {
    let locale = use_locale();
    let register = ServerAction::<RegisterTeacher>::new();
    let confirm = ServerAction::<ConfirmTeacher>::new();
    reload_home_on_success(confirm);
    let register_error = action_error(register);
    let confirm_error = action_error(confirm);
    let registered = action_ok(register);
    let campaign = RwSignal::new(campaigns.first().map(|c| c.id).unwrap_or(0));
    let iin = RwSignal::new(String::new());
    // Where the code was asked to go, for the message that says where to find it.
    let code_by_sms = RwSignal::new(false);
    view! {
        // Both steps stay in the page (hidden in turn) so the form keeps what was typed.
        <div hidden=move || registered.get()>
            <ActionForm action=register>
                <FormStatus error=register_error/>
                <CampaignPicker campaigns=campaigns campaign=campaign error=register_error/>
                <div class="field" class:invalid=move || field_error(register_error, "iin").get().is_some()>
                    <label for="f-iin">{t(Msg::Iin)}</label>
                    // No maxlength: the browser would cut a pasted " 611004463670 " to a wrong
                    // number and a 13-digit paste to another valid-looking one. The server trims,
                    // then checks the length, and says what is wrong at this field.
                    <input id="f-iin" name="iin" inputmode="numeric" autocomplete="off" required
                        on:input=move |ev| iin.set(event_target_value(&ev))/>
                    <small class="hint">{t(Msg::OlyIinHint)}</small>
                    <SelectError error=register_error field="iin"/>
                </div>
                <Field label=Msg::FullName name="full_name" error=register_error autocomplete="name" required=true/>
                <Field label=Msg::Phone name="phone" kind="tel" hint=Msg::PhoneHint error=register_error autocomplete="tel" required=true/>
                <Field label=Msg::Email name="email" kind="email" hint=Msg::OlyEmailHint error=register_error autocomplete="email" required=true/>
                <SchoolPicker campaign=campaign error=register_error/>
                <Field label=Msg::Password name="password" kind="password" hint=Msg::PasswordHint error=register_error autocomplete="new-password" required=true/>
                <fieldset class="choice">
                    <legend>{t(Msg::SendCodeBy)}</legend>
                    <label><input type="radio" name="code_by" value="email" checked=true on:change=move |_| code_by_sms.set(false)/>{t(Msg::OlyCodeToEmail)}</label>
                    <label><input type="radio" name="code_by" value="sms" on:change=move |_| code_by_sms.set(true)/>{t(Msg::OlyCodeToPhone)}</label>
                    <SelectError error=register_error field="code_by"/>
                </fieldset>
                <button type="submit" class="primary" disabled=move || register.pending().get()>{t(Msg::Register)}</button>
            </ActionForm>
        </div>
        <div hidden=move || !registered.get()>
            <p class="banner ok" role="status">{move || (if code_by_sms.get() { Msg::OlyCodeSentBySms } else { Msg::OlyCodeSentToEmail }).text(locale.get())}</p>
            <ActionForm action=confirm>
                <FormStatus error=confirm_error/>
                <input type="hidden" name="iin" prop:value=move || iin.get()/>
                <Field label=Msg::Code name="code" error=confirm_error autocomplete="one-time-code" required=true/>
                <SelectError error=confirm_error field="iin"/>
                <button type="submit" class="primary" disabled=move || confirm.pending().get()>{t(Msg::Confirm)}</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn OperatorPageView() -> impl IntoView {
    view! {
        <RequireUser>
            <OperatorPanel/>
        </RequireUser>
    }
}

#[component]
fn OperatorPanel() -> impl IntoView {
    let create = ServerAction::<CreateCampaign>::new();
    let window = ServerAction::<SetStageWindow>::new();
    let imported = RwSignal::new(0u32);
    let page = Resource::new(move || (create.version().get(), window.version().get(), imported.get()), |_| operator_page());
    view! {
        <section class="card wide" data-testid="olympiad-operator">
            <h1>{t(Msg::OlyOperator)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(p) => view! {
                        <h2>{t(Msg::OlyDirectory)}</h2>
                        <DirectoryCounts d=p.directory.clone()/>
                        <DirectoryImport imported=imported/>
                        <h2>{t(Msg::OlyCampaigns)}</h2>
                        <CampaignList campaigns=p.campaigns.clone() regions=p.regions.clone() window=window/>
                    }.into_any(),
                })}
            </Transition>
            <h2>{t(Msg::OlyNewCampaign)}</h2>
            <CampaignForm create=create/>
        </section>
    }
}

#[component]
fn DirectoryCounts(d: DirectorySummary) -> impl IntoView {
    view! {
        <dl class="facts" data-testid="directory-counts">
            <dt>{t(Msg::OlyRegions)}</dt><dd>{d.regions}</dd>
            <dt>{t(Msg::OlyDistricts)}</dt><dd>{d.districts}</dd>
            <dt>{t(Msg::OlySchools)}</dt><dd>{d.schools}</dd>
            <dt>{t(Msg::OlyRuralSchools)}</dt><dd>{d.rural_schools}</dd>
        </dl>
    }
}

fn directory_column(name: &str) -> Option<Msg> {
    Some(match name {
        "region" => Msg::OlyRegion,
        "district" => Msg::OlyDistrict,
        "code" => Msg::OlySchoolCode,
        "name" => Msg::OlySchool,
        "rural" => Msg::OlyRural,
        "languages" => Msg::OlyLanguages,
        _ => return None,
    })
}

fn pupil_column(name: &str) -> Option<Msg> {
    Some(match name {
        "iin" => Msg::Iin,
        "full_name" => Msg::FullName,
        "grade" => Msg::OlyGrade,
        "language" => Msg::OlyPaperLanguage,
        _ => return None,
    })
}

/// The answer to an upload: what it did, or every refused cell with its row and column.
#[component]
fn UploadResult<T: Clone + Send + Sync + 'static>(
    result: RwSignal<Option<Result<T, AppError>>>,
    done: fn(&T, Locale) -> String,
    column: fn(&str) -> Option<Msg>,
    testid: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    move || {
        result.get().map(|r| match r {
            Ok(value) => view! { <p class="banner ok" role="status">{move || done(&value, locale.get())}</p> }.into_any(),
            Err(AppError::Invalid(errors)) => view! {
                <div class="banner error" role="alert" data-testid=testid>
                    <p>{t(Msg::KtpFileRefused)}</p>
                    <ul>{errors.into_iter().map(|e| view! { <li>{move || crate::ui::row_error(&e.field, e.msg, locale.get(), column)}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })
    }
}

fn directory_imported(report: &ImportReport, l: Locale) -> String {
    Msg::OlyDirectoryImported
        .text(l)
        .replace("{added}", &report.schools_added.to_string())
        .replace("{updated}", &report.schools_updated.to_string())
}

/// The directory upload: sent as multipart straight from the browser; a refused file lists
/// every broken row, and nothing is imported.
#[component]
fn DirectoryImport(imported: RwSignal<u32>) -> impl IntoView {
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (imported, result);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = import_directory(data.into()).await;
                if r.is_ok() {
                    imported.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        <form class="row-form" on:submit=on_submit data-testid="directory-import">
            <label class="grow">{t(Msg::OlyDirectoryFile)}<input type="file" name="file" accept=".xlsx,.csv" required/></label>
            <button type="submit" disabled=move || busy.get()>{t(Msg::Import)}</button>
        </form>
        <p class="hint">{t(Msg::OlyDirectoryFormat)}</p>
        // The directory as it stands, in the layout the import reads (the template when empty).
        <p>{t(Msg::OlyDirectory)}": "
            <a href="/export/olympiad/directory/schools.xlsx" rel="external" download>"XLSX"</a>" · "
            <a href="/export/olympiad/directory/schools.csv" rel="external" download>"CSV"</a></p>
        <UploadResult result=result done=directory_imported column=directory_column testid="directory-errors"/>
    }
}

#[component]
fn CampaignForm(create: ServerAction<CreateCampaign>) -> impl IntoView {
    let error = action_error(create);
    let when =
        move |label: Msg, name: &'static str| view! { <Field label=label name=name kind="datetime-local" error=error required=true/> };
    view! {
        <ActionForm action=create attr:data-testid="campaign-form">
            <FormStatus error=error ok=(action_ok(create), Msg::OlyCampaignCreated)/>
            <Field label=Msg::OlyCampaignTitle name="title" error=error required=true/>
            <fieldset class="stack">
                <legend>{t(Msg::OlyStages)}</legend>
                {when(Msg::OlyTeacherRegOpens, "teacher_reg_opens")}
                {when(Msg::OlyTeacherRegCloses, "teacher_reg_closes")}
                {when(Msg::OlyParticipantRegOpens, "participant_reg_opens")}
                {when(Msg::OlyParticipantRegCloses, "participant_reg_closes")}
                {when(Msg::OlyResultsAt, "results_at")}
                {when(Msg::OlyApplicationsOpen, "applications_opens")}
                {when(Msg::OlyApplicationsClose, "applications_closes")}
            </fieldset>
            <fieldset class="stack">
                <legend>{t(Msg::OlyEligibility)}</legend>
                <Field label=Msg::OlyGradeFrom name="grade_min" kind="number" error=error required=true/>
                <Field label=Msg::OlyGradeTo name="grade_max" kind="number" error=error required=true/>
                <label class="check"><input type="checkbox" name="rural_only" value="on"/>{t(Msg::OlyRuralOnly)}</label>
            </fieldset>
            <div class="field" class:invalid=move || field_error(error, "subjects").get().is_some()>
                <label for="f-subjects">{t(Msg::OlySubjects)}</label>
                <textarea id="f-subjects" name="subjects" rows="4" required></textarea>
                <small class="hint">{t(Msg::OlySubjectsHint)}</small>
                <SelectError error=error field="subjects"/>
            </div>
            <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::OlyCreateCampaign)}</button>
        </ActionForm>
    }
}

#[component]
fn CampaignList(campaigns: Vec<Campaign>, regions: Vec<(i64, String)>, window: ServerAction<SetStageWindow>) -> impl IntoView {
    let locale = use_locale();
    let error = action_error(window);
    if campaigns.is_empty() {
        return view! { <p class="muted">{t(Msg::OlyNoCampaigns)}</p> }.into_any();
    }
    // One window form per campaign shares this action, so its field errors are listed here,
    // by name, rather than under one of the forms.
    let window_problems = move || match error.get() {
        Some(AppError::Invalid(list)) => list
            .into_iter()
            .map(|e| {
                let label = match e.field.as_str() {
                    "opens_at" => Msg::ExamOpens,
                    "closes_at" => Msg::ExamCloses,
                    _ => Msg::OlyRegion,
                };
                view! { <li>{move || format!("{}: {}", label.text(locale.get()), e.msg.text(locale.get()))}</li> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    view! {
        <FormStatus error=error/>
        <ul class="errors" data-testid="window-errors">{window_problems}</ul>
        {campaigns.into_iter().map(|c| {
            let s = c.stages;
            let stage = move |label: Msg, from: i64, to: Option<i64>| view! {
                <tr>
                    <td data-label=move || Msg::OlyStage.text(locale.get())>{t(label)}</td>
                    <td data-label=move || Msg::ExamWindow.text(locale.get())>{format_datetime(from)}{to.map(|to| format!(" – {}", format_datetime(to)))}</td>
                </tr>
            };
            let regions = regions.clone();
            let stage_regions = regions.clone();
            view! {
                <article class="card" data-testid="campaign">
                    <h3>{c.title.clone()}</h3>
                    <p class="muted">
                        {move || Msg::OlyGradesRange.text(locale.get()).replace("{from}", &c.grade_min.to_string()).replace("{to}", &c.grade_max.to_string())}
                        {c.rural_only.then(|| view! { " · "{t(Msg::OlyRuralOnly)} })}
                        " · "{c.subjects.join(", ")}
                    </p>
                    <table class="list">
                        <thead><tr><th>{t(Msg::OlyStage)}</th><th>{t(Msg::ExamWindow)}</th></tr></thead>
                        <tbody>
                            {stage(Msg::OlyTeacherRegistration, s.teacher_reg_opens, Some(s.teacher_reg_closes))}
                            {stage(Msg::OlyParticipantRegistration, s.participant_reg_opens, Some(s.participant_reg_closes))}
                            {c.windows.iter().map(|w| {
                                let region = w.region.clone();
                                view! {
                                    <tr>
                                        <td data-label=move || Msg::OlyStage.text(locale.get())>{t(Msg::OlyStageOne)}" · "{region}</td>
                                        <td data-label=move || Msg::ExamWindow.text(locale.get())>{format_datetime(w.opens_at)}" – "{format_datetime(w.closes_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                            {stage(Msg::OlyResultsAt, s.results_at, None)}
                            {stage(Msg::OlyApplications, s.applications_opens, Some(s.applications_closes))}
                        </tbody>
                    </table>
                    <ActionForm action=window attr:class="row-form">
                        <input type="hidden" name="campaign_id" value=c.id/>
                        <label>{t(Msg::OlyRegion)}
                            <select name="region_id">
                                {regions.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>{t(Msg::ExamOpens)}<input type="datetime-local" name="opens_at" required/></label>
                        <label>{t(Msg::ExamCloses)}<input type="datetime-local" name="closes_at" required/></label>
                        <button type="submit" disabled=move || window.pending().get()>{t(Msg::OlySetWindow)}</button>
                    </ActionForm>
                    <p><a href=format!("/olympiad/statistics?campaign={}", c.id) data-testid="statistics-link">{t(Msg::OlyStatistics)}</a></p>
                    <p><a href=format!("/olympiad/people?campaign={}", c.id) data-testid="people-link">{t(Msg::OlyPeopleLink)}</a></p>
                    <super::stage_pages::CampaignStage campaign_id=c.id regions=stage_regions subjects=c.subjects.clone()/>
                    <super::results_pages::CampaignResults campaign_id=c.id/>
                    <super::placement_pages::CampaignPlacement campaign_id=c.id/>
                </article>
            }
        }).collect_view()}
    }
    .into_any()
}

/// The olympiad teacher's page (OLY-2): per campaign, register pupils of the school one by one
/// or from a list, and see who is registered.
#[component]
pub fn TeacherPage() -> impl IntoView {
    view! {
        <RequireUser>
            <TeacherCampaigns/>
        </RequireUser>
    }
}

#[component]
fn TeacherCampaigns() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let campaigns = Resource::new(move || changed.get(), |_| my_teacher_campaigns());
    view! {
        <section class="card wide" data-testid="olympiad-teacher">
            <h1>{t(Msg::OlyMyPupils)}</h1>
            <p><a href="/olympiad/register">{t(Msg::OlyJoinAnotherCampaign)}</a></p>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || campaigns.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::OlyNoTeacherCampaigns)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|c| view! { <PupilRegistration c=c changed=changed/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PupilRegistration(c: TeacherCampaign, changed: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let add = ServerAction::<AddParticipant>::new();
    let error = action_error(add);
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let languages: Vec<&'static str> = match c.school_languages {
        SchoolLanguages::Kazakh => vec!["kk"],
        SchoolLanguages::Russian => vec!["ru"],
        SchoolLanguages::Both => vec!["kk", "ru"],
    };
    let (opens, closes) = (format_datetime(c.opens_at), format_datetime(c.closes_at));
    let (lo, hi) = (c.grade_min, c.grade_max);
    let campaign_id = c.campaign_id;
    let participants = c.participants.clone();
    let join_code = super::join::display_code(&c.join_code);
    view! {
        <article class="card" data-testid="teacher-campaign">
            <h2>{c.title.clone()}</h2>
            <p class="muted">{c.school.clone()}" · "{move || Msg::OlyParticipantRegistration.text(locale.get())}": "{opens}" – "{closes}
                " · "{move || Msg::OlyGradesRange.text(locale.get()).replace("{from}", &lo.to_string()).replace("{to}", &hi.to_string())}</p>
            // Addresses and codes in <code>: read as they are, in any language.
            <p class="banner ok" data-testid="join-code">{t(Msg::OlyJoinCodeIs)}" "
                <a href="/olympiad/join"><code>"/olympiad/join"</code></a>" · "<code data-testid="join-code-value">{join_code}</code></p>
            <h3>{t(Msg::OlyAddPupil)}</h3>
            <ActionForm action=add attr:data-testid="add-pupil">
                <FormStatus error=error ok=(action_ok(add), Msg::OlyPupilAdded)/>
                <SelectError error=error field="campaign_id"/>
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <Field label=Msg::Iin name="iin" hint=Msg::OlyIinHint error=error input_id="f-pupil-iin" required=true/>
                <Field label=Msg::FullName name="full_name" error=error input_id="f-pupil-name" required=true/>
                <Field label=Msg::OlyGrade name="grade" kind="number" error=error input_id="f-pupil-grade" required=true/>
                <div class="field">
                    <label for=format!("f-pupil-language-{campaign_id}")>{t(Msg::OlyPaperLanguage)}</label>
                    <select id=format!("f-pupil-language-{campaign_id}") name="language">
                        {languages.into_iter().map(|l| view! {
                            <option value=l>{t(if l == "kk" { Msg::OlyLangKk } else { Msg::OlyLangRu })}</option>
                        }).collect_view()}
                    </select>
                    <SelectError error=error field="language"/>
                </div>
                <crate::consent::page::PaperConsentFields error=error id=format!("add-{campaign_id}")/>
                <button type="submit" class="primary" disabled=move || add.pending().get()>{t(Msg::OlyAddPupil)}</button>
            </ActionForm>
            <PupilImport campaign_id=campaign_id changed=changed/>
            <h3>{t(Msg::OlyRegisteredPupils)}" ("{participants.len()}")"</h3>
            // A plain form post: the answer is a PDF download, not a page.
            <form method="post" action="/export/olympiad/cards" class="row-form" data-testid="print-cards">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <button type="submit" disabled=participants.is_empty()>{t(Msg::OlyPrintCards)}</button>
                <small class="hint">{t(Msg::OlyCardsReissue)}</small>
            </form>
            <table class="list" data-testid="pupils">
                <thead><tr><th>{t(Msg::Iin)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::OlyGrade)}</th><th>{t(Msg::OlyPaperLanguage)}</th>
                    <th>{t(Msg::ConsentColumn)}</th><th></th></tr></thead>
                <tbody>
                    {participants.into_iter().map(|p| {
                        let language = if p.language == "kk" { Msg::OlyLangKk } else { Msg::OlyLangRu };
                        view! {
                            <tr>
                                <td data-label=move || Msg::Iin.text(locale.get())>{p.iin}</td>
                                <td data-label=move || Msg::FullName.text(locale.get())>{p.full_name}</td>
                                <td data-label=move || Msg::OlyGrade.text(locale.get())>{p.grade}</td>
                                <td data-label=move || Msg::OlyPaperLanguage.text(locale.get())>{t(language)}</td>
                                <td data-label=move || Msg::ConsentColumn.text(locale.get()) data-testid="pupil-consent">{move || {
                                    let l = locale.get();
                                    let given: Vec<&str> = [(p.olympiad_consent, Msg::ConsentShortOlympiad), (p.proctoring_consent, Msg::ConsentShortProctoring)]
                                        .into_iter().filter(|(yes, _)| *yes).map(|(_, m)| m.text(l)).collect();
                                    if given.is_empty() { "—".to_string() } else { given.join(", ") }
                                }}</td>
                                <td>
                                    <form method="post" action="/export/olympiad/cards" class="inline">
                                        <input type="hidden" name="campaign_id" value=campaign_id/>
                                        <input type="hidden" name="participant_id" value=p.id/>
                                        <button type="submit" class="link">{t(Msg::OlyPrintCard)}</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}

fn pupils_imported(n: &i64, l: Locale) -> String {
    Msg::OlyPupilsImported.text(l).replace("{n}", &n.to_string())
}

#[component]
fn PupilImport(campaign_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let result: RwSignal<Option<Result<i64, AppError>>> = RwSignal::new(None);
    let error = Signal::derive(move || result.get().and_then(|r| r.err()));
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (changed, result);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::ui::form_data(&ev) else { return };
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = import_participants(data.into()).await;
                if r.is_ok() {
                    changed.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        <form class="row-form" on:submit=on_submit data-testid="pupil-import">
            <input type="hidden" name="campaign_id" value=campaign_id/>
            <label class="grow">{t(Msg::OlyPupilFile)}<input type="file" name="file" accept=".xlsx,.csv" required/></label>
            <crate::consent::page::PaperConsentFields error=error id=format!("import-{campaign_id}")/>
            <button type="submit" disabled=move || busy.get()>{t(Msg::Import)}</button>
        </form>
        <p class="hint">{t(Msg::OlyPupilFileFormat)}</p>
        <UploadResult result=result done=pupils_imported column=pupil_column testid="pupil-errors"/>
    }
}
