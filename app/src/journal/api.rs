//! Server functions of the journal. Each starts by naming who may call it: the journal's
//! teacher changes it; holders of journal.read over its group read it; students read their own.

use super::dto::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::model::LessonType;
    use super::super::semester::{parse_holidays, parse_timetable, public_holidays, Date, Semester, SemesterFill, Topic};
    use super::super::store::JournalRow;
    use super::super::{model::Hours, store};
    use crate::audit::store::Entry;
    use crate::db::Db;
    use crate::error::{AppError, Fields};
    use crate::i18n::Msg;
    use crate::journal::dto::KtpTopic;

    pub const MAX_SUBJECT: usize = 200;
    pub const MAX_REASON: usize = 500;
    pub const MAX_PLAN: usize = 5000;
    pub const MAX_HOMEWORK: usize = 1000;

    pub fn today() -> Date {
        Date::from_epoch_ms(crate::api::now_ms())
    }

    pub(crate) use crate::journal::field_text as text;

    pub fn lesson_type(raw: &str) -> Result<LessonType, Msg> {
        LessonType::from_code(raw.trim()).ok_or(Msg::ErrBadRequest)
    }

    pub fn semester_of(j: &JournalRow) -> Result<Semester, AppError> {
        let start = Date::parse(&j.semester_start).map_err(|_| AppError::Internal)?;
        let end = Date::parse(&j.semester_end).map_err(|_| AppError::Internal)?;
        Semester::new(start, end).map_err(|_| AppError::Internal)
    }

    /// The fill the form describes, checked field by field, and the KTP topics it attaches
    /// (indexed as the fill's `topic`).
    pub async fn plan_fill(db: &Db, j: &JournalRow, timetable: &str, holidays: &str) -> Result<(SemesterFill, Vec<KtpTopic>), AppError> {
        let mut fields = Fields::new();
        let tt = match parse_timetable(timetable) {
            Ok(tt) => Some(tt),
            Err((field, msg)) => {
                fields.add(&field, msg);
                None
            }
        };
        let hol = fields.check("holidays", parse_holidays(holidays));
        fields.finish()?;
        let (tt, hol) = (tt.ok_or(AppError::Internal)?, hol.ok_or(AppError::Internal)?);
        let semester = semester_of(j)?;
        // Stored topics were checked when saved; the filter only guards against old rows.
        let (rows, topics): (Vec<KtpTopic>, Vec<Topic>) = store::plan::ktp(db, j.id)
            .await?
            .into_iter()
            .filter_map(|t| {
                let topic = Topic::new(&t.title, Hours::from_half_hours(u32::try_from(t.half_hours).unwrap_or(0))).ok()?;
                Some((t, topic))
            })
            .unzip();
        let fill = super::super::semester::fill(semester, &tt, &hol, &topics);
        Ok((fill, rows))
    }

    /// An audit line about a journal.
    pub fn audit<'a>(
        action: &'a str,
        caller: &'a crate::auth::ssr::Caller,
        journal_id: i64,
        group_id: i64,
        after: serde_json::Value,
    ) -> Entry<'a> {
        Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action,
            entity: "journal",
            entity_id: journal_id.to_string(),
            org_id: Some(group_id),
            before: None,
            after: Some(after),
        }
    }

    /// Writes an audit line about a journal in the change's transaction: every change a
    /// teacher makes is answerable, not only marks (which have their own history).
    pub async fn record(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: &str,
        caller: &crate::auth::ssr::Caller,
        j: &JournalRow,
        before: Option<serde_json::Value>,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        let mut entry = audit(action, caller, j.id, j.group_id, after);
        entry.before = before;
        crate::audit::store::record(tx, entry).await
    }

    /// A lesson as the audit shows it, before a change.
    pub async fn lesson_snapshot(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        journal_id: i64,
        lesson_id: i64,
    ) -> Result<Option<serde_json::Value>, AppError> {
        Ok(store::plan::lesson_snapshot(tx, journal_id, lesson_id).await?.map(|r| {
            serde_json::json!({
                "lesson_id": lesson_id,
                "date": r.lesson_date,
                "pair": r.pair,
                "half_hours": r.half_hours,
                "lesson_type": r.lesson_type,
                "topic": r.topic,
                "homework": r.homework,
            })
        }))
    }

    /// A plan topic as the audit shows it, before a change.
    pub async fn topic_snapshot(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        journal_id: i64,
        topic_id: i64,
    ) -> Result<Option<serde_json::Value>, AppError> {
        Ok(store::plan::topic_snapshot(tx, journal_id, topic_id).await?.map(|r| {
            serde_json::json!({
                "topic_id": topic_id,
                "position": r.position,
                "title": r.title,
                "half_hours": r.half_hours,
                "lesson_type": r.lesson_type,
                "homework": r.homework,
            })
        }))
    }

    pub fn default_holidays(j: &JournalRow) -> Result<String, AppError> {
        Ok(public_holidays(semester_of(j)?).iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))
    }
}

/// Journals the caller teaches or may read.
#[server(prefix = "/api", endpoint = "journal/list")]
pub async fn list_journals() -> Result<Vec<JournalSummary>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::list(&st.db, &caller).await
    })
    .await
}

/// Groups the caller may open a journal for (journal.keep over them); none for everyone else,
/// whose journals page then simply has no form to open one.
#[server(prefix = "/api", endpoint = "journal/groups")]
pub async fn keepable_groups() -> Result<Vec<GroupOption>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::keepable_groups(&st.db, &caller).await
    })
    .await
}

/// Opens a journal for a group and subject for a semester (JRN-1); the caller is its teacher.
#[server(prefix = "/api", endpoint = "journal/create")]
pub async fn create_journal(
    group_id: i64,
    subject: String,
    semester_start: String,
    semester_end: String,
    scale: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::Scale;
        use super::semester::{Date, Semester};
        use crate::audit::store::record;
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::JournalKeep)?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let subject = fields.check("subject", ssr::text(&subject, ssr::MAX_SUBJECT, true));
        let start = fields.check("semester_start", Date::parse(&semester_start));
        let end = fields.check("semester_end", Date::parse(&semester_end));
        if let (Some(s), Some(e)) = (start, end) {
            fields.check("semester_end", Semester::new(s, e));
        }
        let scale = fields.check("scale", Scale::from_code(&scale).ok_or(Msg::ErrBadRequest));
        let kind = crate::admin::store::kind_of(&st.db, group_id).await?;
        if kind != Some(crate::admin::model::OrgKind::Group) {
            fields.add("group_id", Msg::ErrUnknownOrganisation);
        }
        fields.finish()?;
        caller.require(&st.db, Permission::JournalKeep, group_id).await?;
        let (subject, start, end, scale) = (
            subject.ok_or(AppError::Internal)?,
            start.ok_or(AppError::Internal)?,
            end.ok_or(AppError::Internal)?,
            scale.ok_or(AppError::Internal)?,
        );
        let group_name = super::store::org_name(&st.db, group_id).await?;
        let title = format!("{group_name} · {subject}");
        let mut tx = st.db.begin().await?;
        let new = super::store::NewJournal {
            group_id,
            subject: &subject,
            teacher_id: caller.user_id,
            semester_start: start.to_string(),
            semester_end: end.to_string(),
            scale,
            title: &title,
            at: crate::api::now_ms(),
        };
        let id = super::store::open_journal(&mut tx, new).await?;
        let after = serde_json::json!({"group_id": group_id, "subject": subject, "start": start, "end": end, "scale": scale.code()});
        record(&mut tx, ssr::audit("journal.create", &caller, id, group_id, after)).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Renames a journal (its teacher only).
#[server(prefix = "/api", endpoint = "journal/rename")]
pub async fn rename_journal(journal_id: i64, title: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let title = ssr::text(&title, ssr::MAX_SUBJECT, true).map_err(|m| AppError::field("title", m))?;
        let mut tx = st.db.begin().await?;
        let before = super::store::rename(&mut tx, j.id, &title).await?;
        let (before, after) = (serde_json::json!({ "title": before }), serde_json::json!({ "title": title }));
        ssr::record(&mut tx, "journal.rename", &caller, &j, Some(before), after).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Stores the syllabus of the subject with the journal (JRN-8).
#[server(prefix = "/api", endpoint = "journal/syllabus")]
pub async fn save_syllabus(journal_id: i64, syllabus: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let syllabus = ssr::text(&syllabus, 50_000, false).map_err(|m| AppError::field("syllabus", m))?;
        let mut tx = st.db.begin().await?;
        let before = super::store::set_syllabus(&mut tx, j.id, &syllabus).await?;
        let (before, after) = (serde_json::json!({ "syllabus": before }), serde_json::json!({ "syllabus": syllabus }));
        ssr::record(&mut tx, "journal.syllabus", &caller, &j, Some(before), after).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The whole journal for the grid.
#[server(prefix = "/api", endpoint = "journal/get")]
pub async fn get_journal(journal_id: i64) -> Result<JournalView, AppError> {
    crate::api::respond(async move {
        use super::store;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (j, access) = store::access(&st.db, &caller, journal_id).await?;
        let head = JournalHead {
            id: j.id,
            title: j.title.clone(),
            subject: j.subject.clone(),
            group_id: j.group_id,
            group_name: store::org_name(&st.db, j.group_id).await?,
            teacher_name: store::user_name(&st.db, j.teacher_id).await?,
            semester_start: j.semester_start.clone(),
            semester_end: j.semester_end.clone(),
            scale: j.scale,
            syllabus: j.syllabus.clone(),
            can_edit: access == store::Access::Edit,
        };
        Ok(JournalView {
            students: store::students(&st.db, j.group_id).await?,
            lessons: store::plan::lessons(&st.db, j.id).await?,
            cells: store::cells::cells(&st.db, j.id, j.scale).await?,
            today: ssr::today().to_string(),
            notes: store::cells::notes(&st.db, j.id).await?,
            head,
        })
    })
    .await
}

/// Saves one cell as typed: a mark on the journal's scale, an attendance code, or "" to clear
/// it. Returns the stored code. Saving the value the cell already holds changes nothing, so a
/// retried save cannot write twice. Changing or clearing a cell of a lesson whose day is past
/// needs a reason (JRN-10); every change lands in the history in the same transaction.
#[server(prefix = "/api", endpoint = "journal/cell")]
pub async fn save_cell(journal_id: i64, lesson_id: i64, student_id: i64, value: String, reason: String) -> Result<String, AppError> {
    crate::api::respond(async move {
        use super::model::{parse_cell, Cell};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let new = parse_cell(j.scale, &value).map_err(|m| AppError::field("value", m))?;
        let lesson_date = super::store::plan::lesson_date(&st.db, j.id, lesson_id).await?.ok_or(AppError::NotFound)?;
        if !super::store::is_student_of(&st.db, j.group_id, student_id).await? {
            return Err(AppError::NotFound);
        }
        let reason = ssr::text(&reason, ssr::MAX_REASON, false).map_err(|m| AppError::field("reason", m))?;
        let mut tx = st.db.begin().await?;
        let old = super::store::cell_in(&mut tx, lesson_id, student_id, j.scale).await?;
        if old == new {
            return Ok(new.store_code());
        }
        let past = lesson_date < ssr::today().to_string();
        if past && old != Cell::Empty && reason.is_empty() {
            return Err(AppError::field("reason", Msg::ErrReasonRequired));
        }
        let write = super::store::CellWrite {
            journal_id: j.id,
            scale: j.scale,
            lesson_id,
            student_id,
            new,
            reason: super::model::Reason::Teacher(reason),
            actor_id: caller.user_id,
            at: crate::api::now_ms(),
        };
        super::store::write_cells(&mut tx, &[write]).await?;
        tx.commit().await?;
        Ok(new.store_code())
    })
    .await
}

/// Every change of the journal's cells, newest first (JRN-10). Read-only for everyone.
#[server(prefix = "/api", endpoint = "journal/history")]
pub async fn journal_history(journal_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (j, _) = super::store::access(&st.db, &caller, journal_id).await?;
        super::store::history(&st.db, j.id).await
    })
    .await
}

/// The journal's calendar-thematic plan and the fixed public holidays of its semester.
#[server(prefix = "/api", endpoint = "journal/ktp")]
pub async fn get_ktp(journal_id: i64) -> Result<(Vec<KtpTopic>, String), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (j, _) = super::store::access(&st.db, &caller, journal_id).await?;
        Ok((super::store::plan::ktp(&st.db, j.id).await?, ssr::default_holidays(&j)?))
    })
    .await
}

/// Adds a topic at the end of the plan (`topic_id` 0) or changes one.
#[server(prefix = "/api", endpoint = "journal/ktp/save")]
pub async fn save_topic(
    journal_id: i64,
    topic_id: i64,
    title: String,
    hours: String,
    lesson_type: String,
    homework: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::Hours;
        use super::semester::Topic;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let mut fields = crate::error::Fields::new();
        let hours = fields.check("hours", Hours::parse_planned(&hours));
        let title = fields.check("title", ssr::text(&title, Topic::MAX_TITLE, true));
        let kind = fields.check("lesson_type", ssr::lesson_type(&lesson_type));
        let homework = fields.check("homework", ssr::text(&homework, ssr::MAX_HOMEWORK, false));
        fields.finish()?;
        let (hours, title, kind, homework) = (
            hours.ok_or(AppError::Internal)?,
            title.ok_or(AppError::Internal)?,
            kind.ok_or(AppError::Internal)?,
            homework.ok_or(AppError::Internal)?,
        );
        let fields = super::store::plan::TopicFields {
            title: &title,
            half_hours: i64::from(hours.half_hours()),
            lesson_type: kind.code(),
            homework: &homework,
        };
        let mut tx = st.db.begin().await?;
        let mut before = None;
        let id = if topic_id == 0 {
            super::store::plan::add_topic(&mut tx, j.id, &fields).await?
        } else {
            before = ssr::topic_snapshot(&mut tx, j.id, topic_id).await?;
            if !super::store::plan::change_topic(&mut tx, j.id, topic_id, &fields).await? {
                return Err(AppError::NotFound);
            }
            topic_id
        };
        let action = if before.is_some() { "journal.topic.update" } else { "journal.topic.create" };
        let after = serde_json::json!({
            "topic_id": id, "title": title, "half_hours": hours.half_hours(), "lesson_type": kind.code(), "homework": homework,
        });
        ssr::record(&mut tx, action, &caller, &j, before, after).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Removes a topic from the plan (lessons keep the topic text they were given).
#[server(prefix = "/api", endpoint = "journal/ktp/delete")]
pub async fn delete_topic(journal_id: i64, topic_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let mut tx = st.db.begin().await?;
        let before = ssr::topic_snapshot(&mut tx, j.id, topic_id).await?.ok_or(AppError::NotFound)?;
        super::store::plan::delete_topic(&mut tx, j.id, topic_id).await?;
        ssr::record(&mut tx, "journal.topic.delete", &caller, &j, Some(before), serde_json::json!({ "topic_id": topic_id })).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// What filling the semester would create (JRN-3); writes nothing.
#[server(prefix = "/api", endpoint = "journal/fill/preview")]
pub async fn preview_fill(journal_id: i64, timetable: String, holidays: String) -> Result<FillPreview, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let (fill, topics) = ssr::plan_fill(&st.db, &j, &timetable, &holidays).await?;
        let existing: Vec<(String, i64)> = super::store::plan::lessons(&st.db, j.id).await?.into_iter().map(|l| (l.date, l.pair)).collect();
        Ok(FillPreview {
            lessons: fill
                .lessons
                .iter()
                .map(|l| {
                    let date = l.date.to_string();
                    let pair = i64::from(l.pair);
                    PreviewLesson {
                        exists: existing.iter().any(|(d, p)| *d == date && *p == pair),
                        date,
                        pair,
                        half_hours: i64::from(l.hours.half_hours()),
                        topic: l.topic.and_then(|t| topics.get(t)).map(|t| t.title.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
            timetable_half_hours: i64::from(fill.summary.timetable_hours.half_hours()),
            planned_half_hours: i64::from(fill.summary.planned_hours.half_hours()),
            lessons_without_topic: fill.summary.lessons_without_topic as i64,
            topics_without_lesson: fill.summary.topics_without_lesson as i64,
        })
    })
    .await
}

/// Creates every lesson of the preview that does not exist yet, in one transaction. Returns how
/// many were created; running it again creates none.
#[server(prefix = "/api", endpoint = "journal/fill")]
pub async fn fill_semester(journal_id: i64, timetable: String, holidays: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::audit::store::record;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let (fill, topics) = ssr::plan_fill(&st.db, &j, &timetable, &holidays).await?;
        let now = crate::api::now_ms();
        let lessons: Vec<super::store::plan::FilledLesson> = fill
            .lessons
            .iter()
            .map(|l| {
                let topic = l.topic.and_then(|t| topics.get(t));
                super::store::plan::FilledLesson {
                    date: l.date.to_string(),
                    pair: i64::from(l.pair),
                    half_hours: i64::from(l.hours.half_hours()),
                    lesson_type: topic.map_or("theory", |t| t.lesson_type.as_str()),
                    topic: topic.map_or("", |t| t.title.as_str()),
                    homework: topic.map_or("", |t| t.homework.as_str()),
                }
            })
            .collect();
        let mut tx = st.db.begin().await?;
        let created = super::store::plan::fill_lessons(&mut tx, j.id, &lessons, now).await?;
        let after = serde_json::json!({"timetable": timetable, "holidays": holidays, "created": created});
        record(&mut tx, ssr::audit("journal.fill", &caller, j.id, j.group_id, after)).await?;
        tx.commit().await?;
        Ok(created)
    })
    .await
}

/// Adds a lesson (`lesson_id` 0) or changes one: moves it to another day or pair, or edits its
/// hours, type, topic, plan (JRN-4) and homework.
#[server(prefix = "/api", endpoint = "journal/lesson/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_lesson(
    journal_id: i64,
    lesson_id: i64,
    date: String,
    pair: String,
    hours: String,
    lesson_type: String,
    topic: String,
    plan: String,
    homework: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::AcademicHours;
        use super::semester::{Date, Timetable, Topic};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let semester = ssr::semester_of(&j)?;
        let mut fields = crate::error::Fields::new();
        let date = fields.check(
            "date",
            Date::parse(&date).and_then(|d| {
                if d < semester.start() || d > semester.end() {
                    Err(Msg::ErrLessonOutsideSemester)
                } else {
                    Ok(d)
                }
            }),
        );
        let pair = fields
            .check("pair", pair.trim().parse::<u8>().ok().filter(|p| (1..=Timetable::MAX_PAIR).contains(p)).ok_or(Msg::ErrPairNumber));
        let hours = fields.check("hours", AcademicHours::parse(&hours));
        let kind = fields.check("lesson_type", ssr::lesson_type(&lesson_type));
        let topic = fields.check("topic", ssr::text(&topic, Topic::MAX_TITLE, false));
        let plan = fields.check("plan", ssr::text(&plan, ssr::MAX_PLAN, false));
        let homework = fields.check("homework", ssr::text(&homework, ssr::MAX_HOMEWORK, false));
        fields.finish()?;
        let (Some(date), Some(pair), Some(hours), Some(kind), Some(topic), Some(plan), Some(homework)) =
            (date, pair, hours, kind, topic, plan, homework)
        else {
            return Err(AppError::Internal);
        };
        let fields = super::store::plan::LessonFields {
            date: date.to_string(),
            pair: i64::from(pair),
            half_hours: i64::from(hours.half_hours()),
            lesson_type: kind.code(),
            topic: &topic,
            plan: &plan,
            homework: &homework,
        };
        let mut tx = st.db.begin().await?;
        let before = if lesson_id == 0 { None } else { ssr::lesson_snapshot(&mut tx, j.id, lesson_id).await? };
        let id = if lesson_id == 0 {
            super::store::plan::add_lesson(&mut tx, j.id, &fields, crate::api::now_ms()).await?
        } else {
            super::store::plan::change_lesson(&mut tx, j.id, lesson_id, &fields).await?
        };
        let action = if lesson_id == 0 { "journal.lesson.create" } else { "journal.lesson.update" };
        let after = serde_json::json!({
            "lesson_id": id, "date": date.to_string(), "pair": pair, "half_hours": hours.half_hours(), "lesson_type": kind.code(),
            "topic": topic, "homework": homework,
        });
        ssr::record(&mut tx, action, &caller, &j, before, after).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Cancels a lesson. One that has marks or attendance codes, or an assignment, is refused:
/// clear them first, so no mark disappears without its history line.
#[server(prefix = "/api", endpoint = "journal/lesson/cancel")]
pub async fn cancel_lesson(journal_id: i64, lesson_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        let mut tx = st.db.begin().await?;
        if super::store::plan::lesson_in_use(&mut tx, lesson_id).await? {
            return Err(AppError::Refused(Msg::ErrLessonHasMarks));
        }
        let before = ssr::lesson_snapshot(&mut tx, j.id, lesson_id).await?.ok_or(AppError::NotFound)?;
        super::store::plan::cancel_lesson(&mut tx, j.id, lesson_id).await?;
        ssr::record(&mut tx, "journal.lesson.cancel", &caller, &j, Some(before), serde_json::json!({ "lesson_id": lesson_id })).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The signed-in student's marks and absences in every journal of their groups.
#[server(prefix = "/api", endpoint = "journal/my")]
pub async fn my_marks() -> Result<Vec<SubjectMarks>, AppError> {
    crate::api::respond(async move {
        use super::model::{average, Attendance, Cell};
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let journals = super::store::journals_of_student(&st.db, caller.user_id).await?;
        let mut out = Vec::new();
        for journal_id in journals {
            let j = super::store::journal(&st.db, journal_id).await?;
            // An exam's mark the exam's review options hold back is not shown here either (nor
            // counted in the average, which would give it away).
            let held_back = crate::exam::store::review::lessons_held_back(&st.db, j.id, crate::api::now_ms()).await?;
            let cells = super::store::cells::cells_of_student(&st.db, j.id, caller.user_id, j.scale, &held_back).await?;
            let marks: Vec<_> = cells.iter().filter_map(|(_, c)| c.mark()).collect();
            let count = |a: Attendance| cells.iter().filter(|(_, c)| *c == Cell::Attendance(a)).count() as i64;
            out.push(SubjectMarks {
                journal_id: j.id,
                subject: j.subject.clone(),
                teacher_name: super::store::user_name(&st.db, j.teacher_id).await?,
                scale: j.scale,
                absent: count(Attendance::Absent),
                excused: count(Attendance::Excused),
                late: count(Attendance::Late),
                average: average(&marks),
                cells: cells.iter().map(|(d, c)| (d.clone(), c.store_code())).collect(),
            });
        }
        Ok(out)
    })
    .await
}

/// Performance by specialty from attestation days and exams (JRN-6) over a period, for the
/// groups in the caller's journal.read scope.
#[server(prefix = "/api", endpoint = "journal/report/performance")]
pub async fn report_performance(from: String, to: String) -> Result<PerformanceReport, AppError> {
    crate::api::respond(async move {
        use super::semester::Date;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(crate::auth::model::Permission::JournalRead)?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let from = fields.check("from", Date::parse(&from));
        let to = fields.check("to", Date::parse(&to));
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                fields.add("to", crate::i18n::Msg::ErrSemesterOrder);
            }
        }
        fields.finish()?;
        let (from, to) = (from.ok_or(AppError::Internal)?.to_string(), to.ok_or(AppError::Internal)?.to_string());
        let rows = super::report::performance(&st.db, &caller, &from, &to).await?;
        Ok(PerformanceReport { from, to, rows })
    })
    .await
}

/// Replaces the journal's plan with the topics of an uploaded XLSX or CSV file (see the
/// template at /export/ktp-template.xlsx). All or nothing: a file with a broken row changes
/// nothing and every broken row comes back as a field error "row.{n}.{column}". Returns the
/// number of topics imported.
#[server(prefix = "/api", endpoint = "journal/ktp/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_ktp(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::error::FieldError;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, super::MAX_KTP_FILE).await?;
        let (file_name, bytes) = (&upload.file_name, &upload.bytes);
        let j = super::store::editable(&st.db, &caller, upload.id("journal_id").ok_or(AppError::BadRequest)?).await?;
        if bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let rows = super::ktp_file::parse_ktp(file_name, bytes).map_err(|errors| {
            AppError::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError { field: format!("row.{}.{}", e.row, format!("{:?}", e.column).to_lowercase()), msg: e.msg })
                    .collect(),
            )
        })?;
        let mut tx = st.db.begin().await?;
        super::store::plan::replace_plan(&mut tx, j.id, &rows).await?;
        let after = serde_json::json!({"file": file_name, "topics": rows.len()});
        crate::audit::store::record(&mut tx, ssr::audit("journal.ktp.import", &caller, j.id, j.group_id, after)).await?;
        tx.commit().await?;
        Ok(rows.len() as i64)
    })
    .await
}

/// The caller's teaching-time sheet for a month ("2026-10"): per journal, the hours actually
/// given (lessons held, up to today) against the planned load (the KTP total).
#[server(prefix = "/api", endpoint = "journal/timesheet")]
pub async fn timesheet(month: String) -> Result<Vec<TimesheetRow>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(crate::auth::model::Permission::JournalKeep)?;
        let st = crate::api::state()?;
        let month = if month.trim() == "current" { ssr::today().to_string()[..7].to_string() } else { month.trim().to_string() };
        let first = super::semester::Date::parse(&format!("{month}-01")).map_err(|m| AppError::field("month", m))?.to_string();
        let next = {
            let (y, m): (i64, u32) = (first[..4].parse().unwrap_or(1970), first[5..7].parse().unwrap_or(1));
            if m == 12 {
                format!("{}-01-01", y + 1)
            } else {
                format!("{y}-{:02}-01", m + 1)
            }
        };
        let today = ssr::today().to_string();
        super::store::reports::timesheet(&st.db, caller.user_id, &first, &next, &today).await
    })
    .await
}

/// Attaches the note that excuses an absence (a doctor's certificate, an order) to an "excused"
/// cell. Sending again replaces the note. Changing the cell later drops it.
#[server(prefix = "/api", endpoint = "journal/excuse", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_excuse(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, super::model::MAX_ANSWER_FILE).await?;
        let ids = [upload.id("journal_id"), upload.id("lesson_id"), upload.id("student_id")];
        let (file_name, bytes) = (&upload.file_name, &upload.bytes);
        let [Some(journal_id), Some(lesson_id), Some(student_id)] = ids else { return Err(AppError::BadRequest) };
        let j = super::store::editable(&st.db, &caller, journal_id).await?;
        if bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let attendance = super::store::cells::attendance_of(&st.db, j.id, lesson_id, student_id).await?;
        if attendance.flatten().as_deref() != Some("e") {
            return Err(AppError::Refused(Msg::ErrNotExcused));
        }
        let key = format!("excuses/{}/{lesson_id}-{student_id}/{}", j.id, crate::media::safe_name(file_name));
        st.media.put(&key, bytes.clone()).await?;
        let mut tx = st.db.begin().await?;
        super::store::cells::attach_excuse(&mut tx, lesson_id, student_id, &key).await?;
        let after = serde_json::json!({ "lesson_id": lesson_id, "student_id": student_id, "file": file_name, "bytes": bytes.len() });
        ssr::record(&mut tx, "journal.excuse", &caller, &j, None, after).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
