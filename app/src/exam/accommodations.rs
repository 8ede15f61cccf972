//! Accommodations (issue 19): extra time and a window of their own for one candidate, as
//! Moodle's user overrides give them: a student with a disability certificate, one who was ill
//! on the day, one who sits apart. The exam's teacher sets them on the exam's page, each change
//! audited; readers of the journal see them. The server applies them when the candidate starts
//! (`store::starts`): the deadline is the start plus the duration plus the extra minutes,
//! capped by the candidate's own window when they have one, else by the exam's (or their
//! sitting's). Once the candidate has started, the accommodation is fixed: their deadline was
//! set at the start.

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most extra minutes a candidate may get (a whole working day).
pub const MAX_EXTRA_MIN: i64 = 600;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccommodationView {
    pub student_id: i64,
    pub name: String,
    pub extra_min: i64,
    /// (opens, closes) of the candidate's own window.
    pub window: Option<(i64, i64)>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccommodationsData {
    pub editable: bool,
    pub list: Vec<AccommodationView>,
    /// The group's students (id, name), to choose whom an accommodation is for.
    pub candidates: Vec<(i64, String)>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::exam::store::accommodations::{self as stored, Accommodation};
    use crate::exam::store::schedule::journal_of_exam;

    pub async fn list(db: &Db, caller: &Caller, exam_id: i64) -> Result<AccommodationsData, AppError> {
        let journal_id = journal_of_exam(db, exam_id).await?;
        let (j, access) = crate::journal::store::access(db, caller, journal_id).await?;
        let list = stored::of_exam(db, exam_id)
            .await?
            .into_iter()
            .map(|r| AccommodationView {
                student_id: r.accommodation.student_id,
                name: r.full_name,
                extra_min: r.accommodation.extra_min,
                window: r.accommodation.opens_at.zip(r.accommodation.closes_at),
                reason: r.accommodation.reason,
            })
            .collect();
        let editable = access == crate::journal::store::Access::Edit;
        let candidates = if editable { stored::candidates(db, j.group_id).await? } else { Vec::new() };
        Ok(AccommodationsData { editable, list, candidates })
    }

    fn audit_json(a: &Option<Accommodation>) -> Option<serde_json::Value> {
        a.as_ref()
            .map(|a| serde_json::json!({ "extra_min": a.extra_min, "opens_at": a.opens_at, "closes_at": a.closes_at, "reason": a.reason }))
    }

    /// Sets, replaces (`new` Some) or removes (None) a candidate's accommodation: the exam's
    /// teacher only, for a candidate of the exam's group, before they start it. One
    /// transaction with its audit line.
    pub async fn change(
        db: &Db,
        caller: &Caller,
        exam_id: i64,
        student_id: i64,
        new: Option<Accommodation>,
        now: i64,
    ) -> Result<(), AppError> {
        let journal_id = journal_of_exam(db, exam_id).await?;
        let j = crate::journal::store::editable(db, caller, journal_id).await?;
        // Given only to someone who sits the group's exams; taken away from anyone (a student
        // who has left the group keeps nothing they could use, but the row should go).
        if new.is_some() && !stored::candidates(db, j.group_id).await?.iter().any(|(id, _)| *id == student_id) {
            return Err(AppError::field("student_id", Msg::ErrAccommodationStudent));
        }
        let mut tx = db.begin().await?;
        if stored::started(&mut tx, exam_id, student_id).await? {
            return Err(AppError::Refused(Msg::ErrAccommodationStarted));
        }
        let before = stored::current(&mut tx, exam_id, student_id).await?;
        match &new {
            Some(a) => stored::upsert(&mut tx, exam_id, a, caller.user_id, now).await?,
            None => stored::delete(&mut tx, exam_id, student_id).await?,
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: if new.is_some() { "exam.accommodation.set" } else { "exam.accommodation.remove" },
                entity: "exam_accommodation",
                entity_id: format!("{exam_id}:{student_id}"),
                org_id: Some(j.group_id),
                before: audit_json(&before),
                after: audit_json(&new),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An exam's accommodations (its teacher and readers of its journal).
#[server(prefix = "/api", endpoint = "exam/accommodations")]
pub async fn exam_accommodations(exam_id: i64) -> Result<AccommodationsData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::list(&st.db, &caller, exam_id).await
    })
    .await
}

/// Gives a candidate extra minutes and/or a window of their own (the exam's teacher only).
/// Empty window fields keep the exam's window.
#[server(prefix = "/api", endpoint = "exam/accommodation/set")]
pub async fn set_accommodation(
    exam_id: i64,
    student_id: String,
    extra_minutes: String,
    opens_at: String,
    closes_at: String,
    reason: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let student_id = fields.check("student_id", student_id.trim().parse::<i64>().map_err(|_| Msg::ErrAccommodationStudent));
        let extra_min = match extra_minutes.trim() {
            "" => Some(0),
            raw => fields
                .check("extra_minutes", raw.parse::<i64>().ok().filter(|n| (0..=MAX_EXTRA_MIN).contains(n)).ok_or(Msg::ErrNumberRange)),
        };
        let time = |raw: &str, field: &str, fields: &mut crate::error::Fields| match raw.trim() {
            "" => Some(None),
            raw => fields.check(field, crate::ui::time::parse_local_datetime(raw)).map(Some),
        };
        let opens = time(&opens_at, "opens_at", &mut fields);
        let closes = time(&closes_at, "closes_at", &mut fields);
        let reason = fields.check("reason", crate::journal::field_text(&reason, 200, false));
        let window = match (opens, closes) {
            (Some(Some(o)), Some(Some(c))) if c > o => Some((o, c)),
            (Some(Some(_)), Some(Some(_))) => {
                fields.add("closes_at", Msg::ErrExamWindow);
                None
            }
            (Some(None), Some(None)) => None,
            // One end of the window without the other.
            (Some(None), Some(Some(_))) => {
                fields.add("opens_at", Msg::ErrRequired);
                None
            }
            (Some(Some(_)), Some(None)) => {
                fields.add("closes_at", Msg::ErrRequired);
                None
            }
            _ => None,
        };
        if extra_min == Some(0) && window.is_none() && opens_at.trim().is_empty() && closes_at.trim().is_empty() {
            fields.add("extra_minutes", Msg::ErrAccommodationEmpty);
        }
        fields.finish()?;
        let (Some(student_id), Some(extra_min), Some(reason)) = (student_id, extra_min, reason) else {
            return Err(AppError::Internal);
        };
        let accommodation = crate::exam::store::accommodations::Accommodation {
            student_id,
            extra_min,
            opens_at: window.map(|w| w.0),
            closes_at: window.map(|w| w.1),
            reason,
        };
        ssr::change(&st.db, &caller, exam_id, student_id, Some(accommodation), crate::api::now_ms()).await
    })
    .await
}

/// Takes a candidate's accommodation away (the exam's teacher only, before they start).
#[server(prefix = "/api", endpoint = "exam/accommodation/remove")]
pub async fn remove_accommodation(exam_id: i64, student_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::change(&st.db, &caller, exam_id, student_id, None, crate::api::now_ms()).await
    })
    .await
}

/// The accommodations section of the exam's results page.
#[component]
pub fn AccommodationsSection(exam_id: i64) -> impl IntoView {
    let set = ServerAction::<SetAccommodation>::new();
    let remove = ServerAction::<RemoveAccommodation>::new();
    let data = Resource::new(move || (set.version().get(), remove.version().get()), move |_| exam_accommodations(exam_id));
    let error = action_error(set);
    let remove_error = action_error(remove);
    view! {
        <h2>{t(Msg::Accommodations)}</h2>
        <p class="hint">{t(Msg::AccommodationsHint)}</p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(d) => {
                    let editable = d.editable;
                    let table = (!d.list.is_empty()).then(|| view! {
                        <table class="list" data-testid="accommodations">
                            <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::ExtraMinutes)}</th><th>{t(Msg::OwnWindow)}</th><th>{t(Msg::Reason)}</th><th></th></tr></thead>
                            <tbody>
                                {d.list.iter().cloned().map(|a| {
                                    let student_id = a.student_id;
                                    view! {
                                        <tr>
                                            <td>{a.name.clone()}</td>
                                            <td>{(a.extra_min > 0).then(|| format!("+{}", a.extra_min))}</td>
                                            <td>{a.window.map(|(o, c)| format!("{} – {}", format_datetime(o), format_datetime(c)))}</td>
                                            <td>{a.reason.clone()}</td>
                                            <td>{editable.then(|| view! {
                                                <button type="button" class="link" on:click=move |_| { remove.dispatch(RemoveAccommodation { exam_id, student_id }); }>{t(Msg::CancelAccommodation)}</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    });
                    let candidates = d.candidates.clone();
                    view! {
                        {table}
                        {d.list.is_empty().then(|| view! { <p class="muted">{t(Msg::NoAccommodations)}</p> })}
                        {editable.then(|| view! {
                            <ActionForm action=set attr:data-testid="accommodation-form" attr:class="inline-form">
                                <input type="hidden" name="exam_id" value=exam_id/>
                                <div class="field">
                                    <label for="acc-student">{t(Msg::Student)}</label>
                                    <select id="acc-student" name="student_id" required>
                                        {candidates.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                    </select>
                                    <SelectError error=error field="student_id"/>
                                </div>
                                <Field label=Msg::ExtraMinutes name="extra_minutes" kind="number" error=error/>
                                <Field label=Msg::OwnWindowOpens name="opens_at" kind="datetime-local" error=error/>
                                <Field label=Msg::OwnWindowCloses name="closes_at" kind="datetime-local" error=error/>
                                <Field label=Msg::Reason name="reason" error=error/>
                                <button type="submit" class="primary">{t(Msg::SetAccommodation)}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                }
            })}
        </Transition>
        <FormStatus error=error/>
        <FormStatus error=remove_error/>
    }
}
