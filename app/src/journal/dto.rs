//! What the journal's server functions send to its pages. Plain data, compiled for both sides.

use super::model::{MarkCounts, Scale};
use serde::{Deserialize, Serialize};

/// A line of the journals list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalSummary {
    pub id: i64,
    pub title: String,
    pub subject: String,
    pub group_name: String,
    pub teacher_name: String,
    pub semester_start: String,
    pub semester_end: String,
    pub lessons: i64,
    /// The caller is this journal's teacher (may edit it).
    pub mine: bool,
}

/// A group the caller may open a journal for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GroupOption {
    pub id: i64,
    pub name: String,
    pub college: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalHead {
    pub id: i64,
    pub title: String,
    pub subject: String,
    pub group_id: i64,
    pub group_name: String,
    pub teacher_name: String,
    pub semester_start: String,
    pub semester_end: String,
    pub scale: Scale,
    pub syllabus: String,
    /// The caller is the journal's teacher; everyone else reads.
    pub can_edit: bool,
}

/// A column of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LessonHead {
    pub id: i64,
    /// "YYYY-MM-DD"
    pub date: String,
    pub pair: i64,
    pub half_hours: i64,
    pub lesson_type: String,
    pub topic: String,
    pub plan: String,
    pub homework: String,
    /// Students with a mark or an attendance code on it (a lesson with any cannot be cancelled).
    pub filled: i64,
}

/// A row of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StudentHead {
    pub id: i64,
    pub name: String,
}

/// A whole journal as the grid shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalView {
    pub head: JournalHead,
    pub students: Vec<StudentHead>,
    pub lessons: Vec<LessonHead>,
    /// (lesson, student, stored code) for every non-empty cell; see `Cell::store_code`.
    pub cells: Vec<(i64, i64, String)>,
    /// Today in Kazakhstan, "YYYY-MM-DD": changing a cell of an earlier lesson needs a reason.
    pub today: String,
    /// (lesson, student) of the excused absences whose note (a doctor's certificate, an order)
    /// has been uploaded.
    pub notes: Vec<(i64, i64)>,
}

/// A topic of the calendar-thematic plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct KtpTopic {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub half_hours: i64,
    pub lesson_type: String,
    pub homework: String,
}

/// One change of one cell (JRN-10).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: i64,
    pub lesson_date: String,
    pub student_name: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: super::model::Reason,
    pub actor_name: String,
}

/// A lesson the semester fill would create, as the preview lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewLesson {
    pub date: String,
    pub pair: i64,
    pub half_hours: i64,
    pub topic: String,
    /// A lesson already exists on this day and pair; the fill leaves it as it is.
    pub exists: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FillPreview {
    pub lessons: Vec<PreviewLesson>,
    pub timetable_half_hours: i64,
    pub planned_half_hours: i64,
    pub lessons_without_topic: i64,
    pub topics_without_lesson: i64,
}

/// A student's page for one subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubjectMarks {
    pub journal_id: i64,
    pub subject: String,
    pub teacher_name: String,
    pub scale: Scale,
    /// (date, stored code) by date.
    pub cells: Vec<(String, String)>,
    pub absent: i64,
    pub excused: i64,
    pub late: i64,
    pub average: Option<f64>,
}

/// A line of the performance report (JRN-6): one group, or a specialty's total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceRow {
    pub specialty: String,
    /// Empty on the specialty's total line.
    pub group: String,
    pub students: i64,
    pub counts: MarkCounts,
    /// Students with no attestation mark at all.
    pub not_attested: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceReport {
    pub from: String,
    pub to: String,
    pub rows: Vec<PerformanceRow>,
}

/// One journal's line of a teacher's teaching-time sheet for a month (JRN-7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TimesheetRow {
    pub journal_id: i64,
    pub title: String,
    /// Planned hours of the semester: the KTP total.
    pub planned_half_hours: i64,
    /// Hours of the lessons held in the month (up to today).
    pub month_half_hours: i64,
    /// Hours of the lessons held from the semester start to the end of the month (up to today).
    pub to_date_half_hours: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Submission {
    pub student_id: i64,
    pub student_name: String,
    /// assigned, submitted, rework, marked
    pub status: String,
    pub answer: String,
    pub file_name: Option<String>,
    pub comment: String,
    pub mark: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: i64,
    pub journal_id: i64,
    pub subject: String,
    pub title: String,
    pub description: String,
    pub due_date: String,
    pub lesson_date: String,
    /// All students' submissions for the teacher; only the caller's own for a student.
    pub submissions: Vec<Submission>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CertificateRow {
    pub id: i64,
    pub group_id: i64,
    pub student_name: String,
    pub group_name: String,
    pub purpose: String,
    /// requested, issued, rejected
    pub status: String,
    pub number: Option<String>,
    pub requested_at: i64,
    pub issued_at: Option<i64>,
}
