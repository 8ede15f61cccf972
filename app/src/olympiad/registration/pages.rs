//! Registration pages: the public teacher registration (OLY-1) and the olympiad teacher's page,
//! where the school's pupils are registered (OLY-2). One column on a phone: forms stack, tables
//! become cards (the `list` class does that).

use super::api::*;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::olympiad::directory::pages::UploadResult;
use crate::olympiad::model::*;
use crate::ui::time::format_datetime;
use crate::ui::{action_error, action_ok, field_error, reload_home_on_success, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;

/// A person without an account registers (step 1: the form; step 2, after it succeeds: the code
/// from the email or text message). A signed-in person joins a campaign with one form instead:
/// a teacher confirmed last year comes back this way (issue 14, item 18).
#[component]
pub fn TeacherRegistrationPage() -> impl IntoView {
    let campaigns = Resource::new(|| (), |_| open_campaigns());
    let user = crate::auth::shell::use_user();
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

fn pupil_column(name: &str) -> Option<Msg> {
    Some(match name {
        "iin" => Msg::Iin,
        "full_name" => Msg::FullName,
        "grade" => Msg::OlyGrade,
        "language" => Msg::OlyPaperLanguage,
        _ => return None,
    })
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
