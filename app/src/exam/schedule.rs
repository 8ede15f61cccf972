//! The exam schedule (EXM-1): sittings of an exam in a room with a seat count, each seating
//! some of the group's candidates. A room is shared by every exam of its college: a sitting is
//! refused when, at any moment of it, the candidates already seated in that room by overlapping
//! sittings plus the new ones would outnumber its seats. Once an exam has sittings, a candidate
//! may start only during their own sitting (and its end closes the attempt).

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::time::format_datetime;
use crate::ui::{action_error, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SittingView {
    pub id: i64,
    pub room: String,
    pub seats: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub candidates: Vec<String>,
    /// Some candidate of it has started: it can no longer be removed.
    pub started: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduleData {
    pub exam_id: i64,
    pub editable: bool,
    pub sittings: Vec<SittingView>,
    /// Candidates of the group without a seat yet, in name order.
    pub unseated: Vec<String>,
}

/// Whether two half-open time ranges [start, end) share a moment.
pub fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The most candidates seated at one moment of `range` by the given sittings ((start, end,
/// candidates) of the same room). Occupancy only changes where a sitting starts, so checking
/// those moments (and the range's own start) is enough.
pub fn peak_occupancy(range: (i64, i64), sittings: &[(i64, i64, i64)]) -> i64 {
    let mut moments: Vec<i64> = vec![range.0];
    moments.extend(sittings.iter().map(|s| s.0).filter(|m| *m >= range.0 && *m < range.1));
    moments.into_iter().map(|m| sittings.iter().filter(|s| s.0 <= m && m < s.1).map(|s| s.2).sum::<i64>()).max().unwrap_or(0)
}

/// A room's name as compared: "204 ", "204" and "№204" are different rooms, but case and
/// inner spacing are not.
pub fn room_key(room: &str) -> String {
    room.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::exam::store::schedule as stored;

    pub async fn schedule(db: &Db, caller: &Caller, exam_id: i64) -> Result<ScheduleData, AppError> {
        let journal_id = stored::journal_of_exam(db, exam_id).await?;
        let (j, access) = crate::journal::store::access(db, caller, journal_id).await?;
        let mut sittings = Vec::new();
        for r in stored::sittings_of(db, exam_id).await? {
            let candidates = stored::seated_names(db, r.id).await?;
            sittings.push(SittingView {
                id: r.id,
                room: r.room,
                seats: r.seats,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                candidates,
                started: r.started > 0,
            });
        }
        let unseated = stored::unseated(db, exam_id, j.group_id).await?.into_iter().map(|(_, name)| name).collect();
        Ok(ScheduleData { exam_id, editable: access == crate::journal::store::Access::Edit, sittings, unseated })
    }

    pub struct NewSitting {
        pub room: String,
        pub seats: i64,
        pub starts_at: i64,
        pub ends_at: i64,
        pub candidates: i64,
    }

    /// Adds a sitting seating the first `candidates` unseated students, refusing it when the
    /// room would hold more people than seats at any moment. The check and the insert are one
    /// transaction on the exam's row, so two teachers booking the same room at once cannot both
    /// squeeze in (SQLite has one writer; PostgreSQL locks the overlapping sittings' exams).
    pub async fn add(db: &Db, caller: &Caller, exam_id: i64, s: NewSitting) -> Result<i64, AppError> {
        let (journal_id, opens_at, closes_at) = stored::exam_window(db, exam_id).await?;
        let j = crate::journal::store::editable(db, caller, journal_id).await?;
        let college = stored::college_of(db, j.group_id).await?;
        let mut fields = crate::error::Fields::new();
        if s.starts_at < opens_at || s.ends_at > closes_at {
            fields.add("starts_at", Msg::ErrSittingOutsideWindow);
        }
        let mut tx = db.begin().await?;
        // Serialises bookings of one college's rooms.
        stored::lock_college_rooms(db, &mut tx, college).await?;
        let free = stored::unseated_ids(&mut tx, exam_id, j.group_id).await?;
        if s.candidates < 1 || s.candidates as usize > free.len() {
            fields.add("candidates", Msg::ErrSittingCandidates);
        }
        // Everyone seated in this room by the college's overlapping sittings.
        let others = stored::overlapping_sittings(&mut tx, college, s.starts_at, s.ends_at).await?;
        let key = room_key(&s.room);
        let same_room: Vec<(i64, i64, i64)> =
            others.iter().filter(|r| room_key(&r.room) == key).map(|r| (r.starts_at, r.ends_at, r.n)).collect();
        let taken = peak_occupancy((s.starts_at, s.ends_at), &same_room);
        if taken + s.candidates > s.seats {
            fields.add("candidates", Msg::ErrRoomFull);
        }
        fields.finish()?;
        let id = stored::insert_sitting(&mut tx, exam_id, s.room.trim(), s.seats, s.starts_at, s.ends_at).await?;
        let seated: Vec<i64> = free.into_iter().take(s.candidates as usize).collect();
        for student in &seated {
            stored::insert_seat(&mut tx, id, *student).await?;
        }
        // Each candidate is told the sitting's time and room (issue 20).
        let title = stored::exam_title_in(&mut tx, exam_id).await?;
        let told = seated.iter().map(|st| crate::notify::Event::exam_scheduled(*st, id, &title, s.starts_at, s.room.trim())).collect();
        crate::notify::events::events(&mut tx, told).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.sitting.add",
                entity: "exam_sitting",
                entity_id: id.to_string(),
                org_id: Some(j.group_id),
                before: None,
                after: Some(serde_json::json!({ "exam": exam_id, "room": s.room.trim(), "seats": s.seats,
                    "starts_at": s.starts_at, "ends_at": s.ends_at, "candidates": seated })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a sitting nobody has started in; its candidates are unseated.
    pub async fn remove(db: &Db, caller: &Caller, sitting_id: i64) -> Result<(), AppError> {
        let (exam_id, journal_id) = stored::sitting_exam(db, sitting_id).await?;
        let j = crate::journal::store::editable(db, caller, journal_id).await?;
        let mut tx = db.begin().await?;
        if stored::started_in_sitting(&mut tx, sitting_id, exam_id).await? > 0 {
            return Err(AppError::Refused(Msg::ErrSittingStarted));
        }
        stored::delete_sitting(&mut tx, sitting_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.sitting.remove",
                entity: "exam_sitting",
                entity_id: sitting_id.to_string(),
                org_id: Some(j.group_id),
                before: Some(serde_json::json!({ "exam": exam_id })),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An exam's schedule (its teacher and readers of its journal).
#[server(prefix = "/api", endpoint = "exam/schedule")]
pub async fn exam_schedule(exam_id: i64) -> Result<ScheduleData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::schedule(&st.db, &caller, exam_id).await
    })
    .await
}

/// Adds a sitting (the exam's teacher only).
#[server(prefix = "/api", endpoint = "exam/sitting/add")]
pub async fn add_sitting(
    exam_id: i64,
    room: String,
    seats: String,
    starts_at: String,
    ends_at: String,
    candidates: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let room = fields.check("room", crate::journal::field_text(&room, 60, true)).unwrap_or_default();
        let number = |raw: &str, range: std::ops::RangeInclusive<i64>| raw.trim().parse::<i64>().ok().filter(|n| range.contains(n));
        let seats = fields.check("seats", number(&seats, 1..=2000).ok_or(Msg::ErrNumberRange)).unwrap_or(0);
        let candidates = fields.check("candidates", number(&candidates, 1..=2000).ok_or(Msg::ErrNumberRange)).unwrap_or(0);
        let starts = fields.check("starts_at", crate::ui::time::parse_local_datetime(&starts_at));
        let ends = fields.check("ends_at", crate::ui::time::parse_local_datetime(&ends_at));
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                fields.add("ends_at", Msg::ErrExamWindow);
            }
        }
        fields.finish()?;
        let s = ssr::NewSitting { room, seats, starts_at: starts.unwrap_or_default(), ends_at: ends.unwrap_or_default(), candidates };
        ssr::add(&st.db, &caller, exam_id, s).await
    })
    .await
}

/// Removes a sitting nobody has started in (the exam's teacher only).
#[server(prefix = "/api", endpoint = "exam/sitting/remove")]
pub async fn remove_sitting(sitting_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::remove(&st.db, &caller, sitting_id).await
    })
    .await
}

/// The schedule section of the exam's results page.
#[component]
pub fn ScheduleSection(exam_id: i64) -> impl IntoView {
    let add = ServerAction::<AddSitting>::new();
    let remove = ServerAction::<RemoveSitting>::new();
    let data = Resource::new(move || (add.version().get(), remove.version().get()), move |_| exam_schedule(exam_id));
    let error = action_error(add);
    let remove_error = action_error(remove);
    view! {
        <h2>{t(Msg::ExamSchedule)}</h2>
        <p class="hint">{t(Msg::ExamScheduleHint)}</p>
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(d) => {
                    let (editable, unseated) = (d.editable, d.unseated.len());
                    let table = (!d.sittings.is_empty()).then(|| view! {
                    <table class="list" data-testid="sittings">
                        <thead><tr><th>{t(Msg::Room)}</th><th>{t(Msg::Seats)}</th><th>{t(Msg::SittingTime)}</th><th>{t(Msg::Candidates)}</th><th></th></tr></thead>
                        <tbody>
                            {d.sittings.iter().cloned().map(|s| {
                                let id = s.id;
                                view! {
                                    <tr>
                                        <td>{s.room.clone()}</td>
                                        <td>{s.seats}</td>
                                        <td>{format_datetime(s.starts_at)}" – "{format_datetime(s.ends_at)}</td>
                                        <td>{s.candidates.len()}": "{s.candidates.join(", ")}</td>
                                        <td>{(editable && !s.started).then(|| view! {
                                            <button type="button" class="link" on:click=move |_| { remove.dispatch(RemoveSitting { sitting_id: id }); }>{t(Msg::RemoveSitting)}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    });
                    view! {
                    {table}
                    {d.sittings.is_empty().then(|| view! { <p class="muted">{t(Msg::NoSittings)}</p> })}
                    <p class="muted" data-testid="unseated">{t(Msg::Unseated)}": "{unseated}</p>
                    {editable.then(|| view! {
                        <ActionForm action=add attr:data-testid="sitting-form" attr:class="inline-form">
                            <input type="hidden" name="exam_id" value=exam_id/>
                            <Field label=Msg::Room name="room" error=error required=true/>
                            <Field label=Msg::Seats name="seats" kind="number" error=error required=true/>
                            <Field label=Msg::SittingStarts name="starts_at" kind="datetime-local" error=error required=true/>
                            <Field label=Msg::SittingEnds name="ends_at" kind="datetime-local" error=error required=true/>
                            <Field label=Msg::Candidates name="candidates" kind="number" value=Signal::derive(move || unseated.to_string()) error=error required=true/>
                            <button type="submit" class="primary">{t(Msg::AddSitting)}</button>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupancy_counts_only_people_in_the_room_at_the_same_moment() {
        // 09:00-11:00 with 10, 10:00-12:00 with 8, 12:00-13:00 with 20 (starts as the second ends).
        let s = [(9, 11, 10), (10, 12, 8), (12, 13, 20)];
        assert_eq!(peak_occupancy((9, 13), &s), 20);
        assert_eq!(peak_occupancy((10, 11), &s), 18, "both morning sittings at 10:00");
        assert_eq!(peak_occupancy((11, 12), &s), 8, "the first ended at 11:00");
        assert_eq!(peak_occupancy((13, 14), &s), 0);
        assert_eq!(peak_occupancy((9, 10), &s), 10);
    }

    #[test]
    fn ranges_touching_end_to_start_do_not_overlap() {
        assert!(!overlaps((9, 10), (10, 11)));
        assert!(overlaps((9, 11), (10, 11)));
        assert!(overlaps((10, 11), (9, 12)));
    }

    #[test]
    fn room_names_compare_without_case_or_extra_spaces() {
        assert_eq!(room_key(" Ауд.  204 "), room_key("ауд. 204"));
        assert_ne!(room_key("204"), room_key("205"));
    }
}
