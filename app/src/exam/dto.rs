//! What the exam pages receive from the server. Keys of questions never appear here for a
//! candidate: `Presented` carries the stem and shuffled options only.

use serde::{Deserialize, Serialize};

/// An exam as listed for its teacher or for a candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamSummary {
    pub id: i64,
    pub journal_id: i64,
    pub title: String,
    pub subject: String,
    pub group_name: String,
    pub form: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_min: i64,
    /// The candidate's extra minutes (an accommodation), already in `duration_min`; their own
    /// window, if they have one, is in `opens_at`/`closes_at` (candidates' lists only).
    #[serde(default)]
    pub extra_min: i64,
    pub proctored: bool,
    pub allow_unproctored: bool,
    /// The devices a proctored exam may be sat on.
    pub proctor_mode: crate::proctor::settings::ProctorMode,
    pub questions: i64,
    /// The candidate's own attempt (candidates' lists only).
    pub attempt: Option<AttemptBrief>,
    /// Attempts started / submitted (teachers' lists only).
    pub started: i64,
    pub submitted: i64,
    /// How many attempts a candidate may make, and which of them make the mark.
    pub attempts_allowed: i64,
    pub grading_method: crate::exam::attempts::GradingMethod,
    /// The candidate's attempts so far and the grade they make (candidates' lists only).
    pub attempts_made: i64,
    pub grade: crate::exam::attempts::Grade,
    /// What a candidate sees after handing in, and when.
    #[serde(default)]
    pub review: super::review::ReviewOptions,
    /// Archived: listed under "Archived" only.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptBrief {
    pub id: i64,
    pub submitted: bool,
    pub score: Option<f64>,
    pub max_points: Option<i64>,
    pub mark: Option<String>,
    pub verdict: String,
    pub appealed: bool,
    /// Waits for the teacher's grade (essays, a ticket).
    pub needs_grading: bool,
}

/// The exams page: what the caller sits and what the caller teaches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamsPageData {
    pub sitting: Vec<ExamSummary>,
    pub teaching: Vec<ExamSummary>,
    /// Journals the caller keeps (to create an exam for), with their lessons for the mark.
    pub journals: Vec<JournalChoice>,
    pub now: i64,
    /// Archived exams, out of the lists above: the caller's as a candidate, then as a teacher.
    #[serde(default)]
    pub sitting_archived: Vec<ExamSummary>,
    #[serde(default)]
    pub teaching_archived: Vec<ExamSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalChoice {
    pub id: i64,
    pub title: String,
    pub subject: String,
    /// (lesson id, "dd.mm.yyyy · topic") of attestation and exam lessons.
    pub lessons: Vec<(i64, String)>,
    /// Topics of the teacher's bank for this subject with their question counts.
    pub topics: Vec<(String, i64)>,
}

/// What an import added: the questions, the pictures that came with them (a Moodle XML file
/// carries its pictures), and what was left behind with the line of its question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub questions: usize,
    pub pictures: usize,
    pub notes: Vec<super::model::ImportError>,
}

/// One question of the bank, as its owner sees it (with the key, as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BankQuestion {
    pub id: i64,
    /// 1 for a question never edited; each edit makes the next version (see `store::versions`).
    #[serde(default = "first_version")]
    pub version: i64,
    pub subject: String,
    pub topic: String,
    pub kind: String,
    pub text: String,
    pub points: u32,
    /// The picture's address, if the question has one.
    pub picture: Option<String>,
}

fn first_version() -> i64 {
    1
}

/// A question of the caller's bank in the editor, with its key: `id` None for a new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionDraft {
    pub id: Option<i64>,
    pub subject: String,
    pub version: i64,
    pub question: crate::exam::model::Question,
}

/// A question on the candidate's paper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperQuestion {
    pub question_id: i64,
    pub number: usize,
    pub kind: String,
    pub text: String,
    /// Options in the order this candidate sees them, each with its opaque id for this attempt
    /// (what the answer names; see exam::model::OptionIds). Never the original index: an
    /// ordering's items are stored in the correct order.
    pub options: Vec<(String, String)>,
    /// Right-hand items of a matching question, shuffled, with their ids.
    pub right: Vec<(String, String)>,
    pub points: u32,
    /// The question's picture, at an address only this attempt's people can read.
    pub picture: Option<String>,
    /// The saved answer (JSON of exam::model::PaperAnswer, in this paper's ids), if any.
    pub saved: Option<String>,
    /// Gap kinds: the text around the gaps (one piece more than gaps); `text` shows blanks.
    #[serde(default)]
    pub pieces: Vec<String>,
    /// Gap kinds: each gap as this candidate sees it, without its answer.
    #[serde(default)]
    pub gaps: Vec<PaperGap>,
    /// A calculated question's unit, shown after its answer box ("" for none).
    #[serde(default)]
    pub unit: String,
    /// A numerical short answer's units: the select's names or the hint (no multipliers).
    #[serde(default)]
    pub units: Option<crate::exam::units::PaperUnits>,
}

/// A gap of a gap question on the candidate's paper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperGap {
    /// "text", "number", "select", "vertical", "horizontal", "checkboxes" or "checkboxes-row"
    /// (see exam::gaps::GapKind::code).
    pub kind: String,
    /// A choice gap's options in the order shown, each with its opaque id for this attempt.
    pub options: Vec<(String, String)>,
    /// A typed gap's width in characters.
    pub size: usize,
    /// Ids of this gap's options that may fill one gap only (drag and drop choices not marked
    /// "unlimited"; a choice has the same id in every gap that offers it): picked here, such a
    /// choice leaves the gap it was in, as in Moodle.
    #[serde(default)]
    pub single_use: Vec<String>,
}

impl PaperGap {
    /// The gaps of a presented question, options named by `ids` (the paper's; the preview's
    /// own numbering where there is no paper).
    pub fn of(gaps: &[crate::exam::gaps::PresentedGap], ids: &[String]) -> Vec<PaperGap> {
        gaps.iter()
            .map(|g| PaperGap {
                kind: g.kind.code().to_string(),
                options: g.order.iter().zip(&g.options).filter_map(|(&i, text)| Some((ids.get(i)?.clone(), text.clone()))).collect(),
                size: g.size,
                single_use: g
                    .order
                    .iter()
                    .zip(&g.single_use)
                    .filter(|(_, once)| **once)
                    .filter_map(|(&i, _)| ids.get(i).cloned())
                    .collect(),
            })
            .collect()
    }
}

/// The candidate's attempt page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub exam_id: i64,
    pub exam_title: String,
    pub deadline_at: i64,
    /// The server's clock when this was read: the page counts down from deadline - server_now,
    /// so a wrong clock on the candidate's computer changes nothing.
    pub server_now: i64,
    pub submitted: bool,
    pub proctored: bool,
    pub settings: crate::proctor::settings::ProctorSettings,
    pub questions: Vec<PaperQuestion>,
    pub result: Option<AttemptBrief>,
    /// "test" or "ticket".
    pub form: String,
    /// Ticket form: the ticket drawn, the written answer saved so far and the attached files.
    pub ticket: Option<TicketPaper>,
    /// The teacher's comment once graded.
    pub grader_comment: String,
}

/// The candidate's ticket and what they have handed in on it so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketPaper {
    pub number: i64,
    pub body: String,
    pub written: String,
    pub files: Vec<AttachedFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AttachedFile {
    pub name: String,
    pub bytes: i64,
}

/// The page before an attempt: what the candidate is about to sit, and how it is proctored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartInfo {
    pub exam: ExamSummary,
    pub settings: crate::proctor::settings::ProctorSettings,
    /// Already started (a second tab, a return): go straight to it. Also the last attempt
    /// when no other may be started (its result).
    pub attempt_id: Option<i64>,
    /// The number of the attempt a start would make (None: the start resumes or is refused).
    pub next_attempt: Option<i64>,
    /// Why no other attempt may be started, if so.
    pub no_start: Option<crate::i18n::Msg>,
    /// Days the proctoring images are kept after the exam closes (the consent step says so).
    pub retention_days: i64,
}

/// What saving an answer acknowledges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub question_id: i64,
    /// The server's time of the save: with `deadline_at`, what the page's countdown runs from.
    pub saved_at: i64,
    /// The attempt's deadline now (extra time given while sitting moves it).
    pub deadline_at: i64,
}

/// The teacher's results page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamResultsData {
    pub exam: ExamSummary,
    pub candidates: Vec<CandidateResult>,
    pub items: Vec<ItemStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    pub attempt_id: i64,
    pub student_id: i64,
    /// The attempt's number among its candidate's attempts (1 when the exam allows one).
    pub attempt_no: i64,
    /// The candidate's grade by the exam's method, on every row of theirs.
    pub grade: crate::exam::attempts::Grade,
    pub student_name: String,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub max_points: Option<i64>,
    pub percent: Option<f64>,
    pub mark: Option<String>,
    pub risk: i64,
    pub violations: i64,
    pub verdict: String,
    /// Essays or a ticket wait for the teacher's grade.
    pub needs_grading: bool,
}

/// Item analysis of one question: facility (mean share of the points) and discrimination
/// (how much better the strongest candidates did on it than the weakest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    pub question_id: i64,
    pub topic: String,
    pub text: String,
    pub answered: usize,
    pub facility: Option<f64>,
    pub discrimination: Option<f64>,
}
