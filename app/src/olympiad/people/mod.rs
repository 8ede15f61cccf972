//! The operator's search and correction of a campaign's people (OLY-8), at
//! `/olympiad/people?campaign=…`: teachers and participants found by IIN, name, phone or email,
//! and the mistakes people call the hotline about put right. A participant's name, grade and
//! paper language; a teacher's name, email and phone (an email typed wrong is why a code never
//! came). Every correction is one transaction, audited with what it was before and after.
//!
//! A participant moved to another grade or language is moved to that variant of stage 1 too,
//! but only before they have started a paper: a started attempt is evidence, and its paper was
//! drawn for the variant they sat.

use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Most people one search shows (the operator narrows the query for more).
pub const MAX_FOUND: usize = 50;

/// A person of the campaign as the search shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub school: String,
    pub school_code: String,
    pub email: String,
    pub phone: String,
    pub role: PersonRole,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonRole {
    /// A registered teacher; `confirmed` once their code came back.
    Teacher { confirmed: bool },
    /// A registered participant; `started` once they opened a stage-1 paper.
    Participant { grade: i64, language: String, started: bool },
}

/// True when `person` answers `query`: digits match the IIN's start or the phone's digits, other
/// text any part of the name, email or school code, in any letter case (Kazakh letters too,
/// which SQLite's LOWER leaves as they are: so the match is made here, not in SQL).
pub fn matches(person: &Person, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return false;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
        let phone: String = person.phone.chars().filter(char::is_ascii_digit).collect();
        return person.iin.starts_with(&digits) || (digits.len() >= 4 && phone.contains(&digits));
    }
    [&person.full_name, &person.email, &person.school_code].iter().any(|f| f.to_lowercase().contains(&q))
}

/// The campaign's teachers and participants matching `query` (at least 2 characters), teachers
/// first, then by name; at most MAX_FOUND.
#[server(prefix = "/api", endpoint = "olympiad/people")]
pub async fn find_people(campaign_id: i64, query: String) -> Result<Vec<Person>, AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let q = query.trim();
        if q.chars().count() < 2 {
            return Err(AppError::field("query", Msg::ErrOlyQueryShort));
        }
        if q.chars().count() > 100 {
            return Err(AppError::field("query", Msg::ErrTooLong));
        }
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let mut found: Vec<Person> = ssr::people(&st.db, campaign_id).await?.into_iter().filter(|p| matches(p, q)).collect();
        found.sort_by(|a, b| {
            let not_teacher = |p: &Person| !matches!(p.role, PersonRole::Teacher { .. });
            (not_teacher(a), &a.full_name).cmp(&(not_teacher(b), &b.full_name))
        });
        found.truncate(MAX_FOUND);
        // Each person shown is logged with their IIN (law 94-V: the data controller can tell who saw whose).
        let seen: Vec<i64> = found.iter().map(|p| p.user_id).collect();
        crate::audit::views::record_many(&st.db, &caller, &seen, crate::audit::views::Seen::Iin, None).await?;
        Ok(found)
    })
    .await
}

/// Corrects one person of the campaign. For a participant: full_name, grade, language; for a
/// teacher: full_name, email, phone (the fields of the other kind are ignored).
#[server(prefix = "/api", endpoint = "olympiad/people/correct")]
pub async fn correct_person(
    campaign_id: i64,
    user_id: i64,
    full_name: String,
    #[server(default)] grade: String,
    #[server(default)] language: String,
    #[server(default)] email: String,
    #[server(default)] phone: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let before = ssr::person(&st.db, campaign_id, user_id).await?.ok_or(AppError::NotFound)?;
        let mut fields = crate::error::Fields::new();
        let name = fields.check("full_name", crate::auth::model::parse_name(&full_name));
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let after = match &before.role {
            PersonRole::Participant { grade: old_grade, language: old_language, started } => {
                let languages = ssr::school_languages(&st.db, campaign_id, user_id).await?;
                let rules =
                    super::model::PupilRules { grade_min: campaign.grade_min, grade_max: campaign.grade_max, school_languages: languages };
                // The same checks as registration (the IIN is not corrected here: it is the login).
                let checked = super::model::check_pupil(&before.iin, &full_name, &grade, &language, rules);
                let pupil = match checked {
                    Ok(p) => Some(p),
                    Err(errors) => {
                        for (field, msg) in errors.into_iter().filter(|(f, _)| *f != "full_name") {
                            fields.add(field, msg);
                        }
                        None
                    }
                };
                let moved = pupil.as_ref().is_some_and(|p| p.grade != *old_grade || p.language != old_language);
                if moved && *started {
                    fields.add("grade", Msg::ErrOlyPaperStarted);
                }
                fields.finish()?;
                let (Some(name), Some(pupil)) = (name, pupil) else { return Err(AppError::Internal) };
                store::rename(&mut tx, user_id, &name).await?;
                store::regrade(&mut tx, campaign_id, user_id, pupil.grade, pupil.language).await?;
                if moved {
                    crate::olympiad::stage::seating::reseat(&mut tx, campaign_id, user_id, now).await?;
                }
                serde_json::json!({ "full_name": name, "grade": pupil.grade, "language": pupil.language })
            }
            PersonRole::Teacher { .. } => {
                use crate::auth::model::{Email, Phone};
                let email = fields.check("email", Email::parse(&email));
                let phone = fields.check("phone", Phone::parse(&phone));
                fields.finish()?;
                let (Some(name), Some(email), Some(phone)) = (name, email, phone) else { return Err(AppError::Internal) };
                store::correct_teacher(&mut tx, user_id, &name, email.as_str(), phone.as_str()).await?;
                serde_json::json!({ "full_name": name, "email": email.as_str(), "phone": phone.as_str() })
            }
        };
        let before_json = match &before.role {
            PersonRole::Participant { grade, language, .. } => {
                serde_json::json!({ "full_name": before.full_name, "grade": grade, "language": language })
            }
            PersonRole::Teacher { .. } => {
                serde_json::json!({ "full_name": before.full_name, "email": before.email, "phone": before.phone })
            }
        };
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.person.correct",
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(crate::admin::model::ROOT_ORG_ID),
                before: Some(before_json),
                after: Some(serde_json::json!({ "campaign_id": campaign_id, "corrected": after })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod store;

/// The people of a campaign as the search shows them, read through `store`.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{store, Person, PersonRole};
    use crate::db::Db;
    use crate::error::AppError;

    pub use store::school_languages;

    impl From<store::TeacherRow> for Person {
        fn from(r: store::TeacherRow) -> Self {
            Person {
                user_id: r.id,
                iin: r.iin,
                full_name: r.full_name,
                school: r.school,
                school_code: r.code,
                email: r.email,
                phone: r.phone,
                role: PersonRole::Teacher { confirmed: r.confirmed == 1 },
            }
        }
    }

    impl From<store::ParticipantRow> for Person {
        fn from(r: store::ParticipantRow) -> Self {
            Person {
                user_id: r.id,
                iin: r.iin,
                full_name: r.full_name,
                school: r.school,
                school_code: r.code,
                email: r.email,
                phone: r.phone,
                role: PersonRole::Participant { grade: r.grade, language: r.language, started: r.started > 0 },
            }
        }
    }

    /// Everyone of the campaign (the search filters them: see `matches`). A campaign's few
    /// hundred thousand rows are read in well under a second, and operators search rarely.
    pub async fn people(db: &Db, campaign_id: i64) -> Result<Vec<Person>, AppError> {
        let mut out: Vec<Person> = store::teachers(db, campaign_id).await?.into_iter().map(Person::from).collect();
        out.extend(store::participants(db, campaign_id).await?.into_iter().map(Person::from));
        Ok(out)
    }

    /// One person of the campaign: a participant if they are one, else a teacher.
    pub async fn person(db: &Db, campaign_id: i64, user_id: i64) -> Result<Option<Person>, AppError> {
        if let Some(r) = store::participant(db, campaign_id, user_id).await? {
            return Ok(Some(r.into()));
        }
        Ok(store::teacher(db, campaign_id, user_id).await?.map(Person::from))
    }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    view! { <RequireUser><PeopleView/></RequireUser> }
}

#[component]
fn PeopleView() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let campaign_id = Memo::new(move |_| params.with(|p| p.get("campaign").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let query = RwSignal::new(String::new());
    let correct = ServerAction::<CorrectPerson>::new();
    let found = Resource::new(
        move || (campaign_id.get(), query.get(), correct.version().get()),
        |(campaign_id, query, _)| async move {
            if query.trim().chars().count() < 2 {
                return Ok(None);
            }
            find_people(campaign_id, query).await.map(Some)
        },
    );
    let chosen = RwSignal::new(None::<Person>);
    view! {
        <section class="card wide" data-testid="olympiad-people">
            <p><a href="/olympiad/operator">{t(Msg::OlyOperator)}</a></p>
            <h1>{t(Msg::OlyPeople)}</h1>
            <div class="field">
                <label for="f-people-query">{t(Msg::OlyPeopleSearch)}</label>
                <input id="f-people-query" type="search" autocomplete="off"
                    on:input=move |ev| { query.set(event_target_value(&ev)); chosen.set(None); }/>
                <small class="hint">{t(Msg::OlyPeopleSearchHint)}</small>
            </div>
            <Transition fallback=|| ()>
                {move || found.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(list)) if list.is_empty() => view! { <p class="muted">{t(Msg::OlyPeopleNone)}</p> }.into_any(),
                    Ok(Some(list)) => view! { <PeopleList list=list chosen=chosen/> }.into_any(),
                })}
            </Transition>
            {move || chosen.get().map(|p| view! { <CorrectionForm person=p campaign_id=campaign_id.get_untracked() correct=correct/> })}
            <p class="hint">{move || Msg::OlyPeopleMax.text(locale.get()).replace("{n}", &MAX_FOUND.to_string())}</p>
        </section>
    }
}

#[component]
fn PeopleList(list: Vec<Person>, chosen: RwSignal<Option<Person>>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <table class="list" data-testid="people-found">
            <thead><tr>
                <th>{t(Msg::Iin)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::OlySchool)}</th><th>{t(Msg::OlyPeopleRole)}</th><th></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|p| {
                    let role = {
                        let role = p.role.clone();
                        move || match &role {
                            PersonRole::Teacher { confirmed } => format!(
                                "{}{}",
                                Msg::RoleOlympiadTeacher.text(locale.get()),
                                if *confirmed { String::new() } else { format!(" · {}", Msg::OlyNotConfirmed.text(locale.get())) }
                            ),
                            PersonRole::Participant { grade, language, started } => format!(
                                "{} · {} · {}{}",
                                Msg::RoleOlympiadParticipant.text(locale.get()),
                                Msg::OlyGradeN.text(locale.get()).replace("{n}", &grade.to_string()),
                                (if language == "ru" { Msg::OlyLangRu } else { Msg::OlyLangKk }).text(locale.get()),
                                if *started { format!(" · {}", Msg::OlyPaperStarted.text(locale.get())) } else { String::new() }
                            ),
                        }
                    };
                    let person = p.clone();
                    view! {
                        <tr>
                            <td data-label=move || Msg::Iin.text(locale.get())><code>{p.iin.clone()}</code></td>
                            <td data-label=move || Msg::FullName.text(locale.get())>{p.full_name.clone()}</td>
                            <td data-label=move || Msg::OlySchool.text(locale.get())>{p.school.clone()}" "<code>{p.school_code.clone()}</code></td>
                            <td data-label=move || Msg::OlyPeopleRole.text(locale.get())>{role}</td>
                            <td><button type="button" on:click=move |_| chosen.set(Some(person.clone()))>{t(Msg::OlyCorrect)}</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CorrectionForm(person: Person, campaign_id: i64, correct: ServerAction<CorrectPerson>) -> impl IntoView {
    let error = action_error(correct);
    let ok = action_ok(correct);
    let name = person.full_name.clone();
    let fields = match person.role.clone() {
        PersonRole::Participant { grade, language, .. } => view! {
            <Field label=Msg::OlyGrade name="grade" kind="number" value=grade.to_string() error=error required=true/>
            <div class="field">
                <label for="f-language">{t(Msg::OlyPaperLanguage)}</label>
                <select id="f-language" name="language">
                    <option value="kk" selected=language == "kk">{t(Msg::OlyLangKk)}</option>
                    <option value="ru" selected=language == "ru">{t(Msg::OlyLangRu)}</option>
                </select>
                {
                    let locale = use_locale();
                    move || crate::ui::field_error(error, "language").get().map(|m| view! { <small class="error" role="alert">{m.text(locale.get())}</small> })
                }
            </div>
        }
        .into_any(),
        PersonRole::Teacher { .. } => view! {
            <Field label=Msg::Email name="email" kind="email" value=person.email.clone() error=error required=true/>
            <Field label=Msg::Phone name="phone" kind="tel" hint=Msg::PhoneHint value=person.phone.clone() error=error required=true/>
        }
        .into_any(),
    };
    view! {
        <ActionForm action=correct attr:data-testid="people-correct">
            <h2>{t(Msg::OlyCorrect)}": "{person.full_name.clone()}" "<code>{person.iin.clone()}</code></h2>
            <FormStatus error=error ok=(ok, Msg::Saved)/>
            <input type="hidden" name="campaign_id" value=campaign_id/>
            <input type="hidden" name="user_id" value=person.user_id/>
            <Field label=Msg::FullName name="full_name" value=name error=error required=true/>
            {fields}
            <button type="submit" class="primary" disabled=move || correct.pending().get()>{t(Msg::Save)}</button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn someone(role: PersonRole) -> Person {
        Person {
            user_id: 1,
            iin: "140312600123".into(),
            full_name: "Айару Ержанқызы".into(),
            school: "Абай атындағы мектеп".into(),
            school_code: "AK-001".into(),
            email: "aiaru@mail.kz".into(),
            phone: "+77012345678".into(),
            role,
        }
    }

    #[test]
    fn people_are_found_by_iin_start_phone_name_in_any_case_email_and_school_code() {
        let p = someone(PersonRole::Participant { grade: 6, language: "kk".into(), started: false });
        assert!(matches(&p, "1403"));
        assert!(!matches(&p, "0312"), "an IIN matches from its start only");
        assert!(matches(&p, "701 234-5"), "a phone as typed, by its digits");
        assert!(!matches(&p, "701"), "three digits are too few to look inside phones");
        assert!(matches(&p, "ЕРЖАНҚЫЗЫ"), "Kazakh letters in upper case");
        assert!(matches(&p, " айару "));
        assert!(matches(&p, "AIARU@"));
        assert!(matches(&p, "ak-001"));
        assert!(!matches(&p, "Тимур"));
        assert!(!matches(&p, "  "));
    }
}
