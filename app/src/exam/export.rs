//! Exam downloads: the results of an exam as XLSX or CSV, the question template, and a
//! teacher's bank as Moodle XML (pictures inside), GIFT or the template's spreadsheet.

use crate::auth::ssr::Caller;
use crate::docs::xlsx::{workbook, Sheet, XCell};
use crate::edge::{id_and_ext, Download, Lang, Routes};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/export/exam/{file}", results_file)
        .get("/export/exam-template.xlsx", template)
        .get("/export/exam-bank.xml", bank_xml)
        .get("/export/exam-bank.xlsx", bank_xlsx)
        .get("/export/exam-bank.gift", bank_gift)
}

/// The caller's own questions of the subject in "?subject=…", keys included, for a teacher
/// who may keep a bank (the questions are theirs); NotFound when there are none.
async fn own_bank(st: &AppState, caller: &Caller, q: &HashMap<String, String>) -> Result<(String, Vec<super::model::Question>), AppError> {
    super::store::may_keep_bank(caller)?;
    let subject = q.get("subject").map(|s| s.trim()).unwrap_or("");
    let questions = super::store::bank_questions(&st.db, caller.user_id, subject).await?;
    if questions.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((if subject.is_empty() { "questions" } else { subject }.to_string(), questions))
}

/// "/export/exam-bank.xml?subject=…": the bank as Moodle XML, its pictures inside it.
async fn bank_xml(State(st): State<AppState>, caller: Caller, Query(q): Query<HashMap<String, String>>) -> Result<Download, AppError> {
    let (name, questions) = own_bank(&st, &caller, &q).await?;
    let mut pictures = HashMap::new();
    for key in questions.iter().filter_map(|q| q.image.as_ref()) {
        if !pictures.contains_key(key) {
            // A picture the bank names must be there: an export without it would be wrong.
            pictures.insert(key.clone(), st.media.get(key).await?);
        }
    }
    Ok(Download::file(format!("{name} (Moodle XML).xml"), super::moodle_xml::write_moodle_xml(&questions, &pictures).into_bytes()))
}

/// "/export/exam-bank.gift?subject=…": the bank as GIFT, what GIFT cannot hold listed at the top.
/// Saved as ".txt", the name Moodle gives its GIFT exports and its import's file picker takes.
async fn bank_gift(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
    Lang(l): Lang,
) -> Result<Download, AppError> {
    let (name, questions) = own_bank(&st, &caller, &q).await?;
    Ok(Download::file(format!("{name} (GIFT).txt"), super::gift_export::write_gift(&questions, l).into_bytes()))
}

/// "/export/exam-bank.xlsx?subject=…": the bank as the import template's spreadsheet.
async fn bank_xlsx(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
    Lang(l): Lang,
) -> Result<Download, AppError> {
    let (name, questions) = own_bank(&st, &caller, &q).await?;
    Ok(Download::file(format!("{name}.xlsx"), super::import::bank_xlsx(&questions, l)))
}

/// For any signed-in user (a blank template holds nothing, but nothing here is anonymous).
async fn template(_: Caller) -> Download {
    Download::file("questions-template.xlsx", super::import::template_xlsx())
}

/// "/export/exam/12.xlsx" or ".csv": one row per attempt, for the exam's teacher and readers.
async fn results_file(State(st): State<AppState>, caller: Caller, Path(file): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    let (id, ext) = id_and_ext(&file).filter(|(_, ext)| ["csv", "xlsx"].contains(ext)).ok_or(AppError::NotFound)?;
    let r = super::store::results(&st.db, &caller, id).await?;
    let (heads, rows) = results_table(&r, l);
    let name = format!("exam-{id}");
    Ok(if ext == "csv" {
        Download::file(format!("{name}.csv"), crate::docs::csv::table(&heads, &rows))
    } else {
        Download::file(
            format!("{name}.xlsx"),
            workbook(&[Sheet { name: name.clone(), title: r.exam.title.clone(), headers: heads, rows, freeze_first_column: true }]),
        )
    })
}

/// The results' header and rows in language `l`: each attempt with its number, and the
/// candidate's grade by the exam's grading method (named in its header) on each of their rows,
/// so a filtered or sorted sheet still shows it.
pub fn results_table(r: &super::dto::ExamResultsData, l: crate::i18n::Locale) -> (Vec<String>, Vec<Vec<XCell>>) {
    let grade_head = format!("{} ({})", Msg::FinalGrade.text(l), r.exam.grading_method.msg().text(l));
    let heads: Vec<String> = [Msg::Student, Msg::AttemptNo]
        .iter()
        .map(|m| m.text(l).to_string())
        .chain(std::iter::once(grade_head))
        .chain(
            [Msg::Started, Msg::Submitted, Msg::Score, Msg::Mark, Msg::Risk, Msg::Violations, Msg::Verdict]
                .iter()
                .map(|m| m.text(l).to_string()),
        )
        .chain(std::iter::once("%".to_string()))
        .collect();
    let rows: Vec<Vec<XCell>> = r
        .candidates
        .iter()
        .map(|c| {
            let grade = match c.grade {
                super::attempts::Grade::Mark(m) => XCell::Number(f64::from(m)),
                super::attempts::Grade::Waits => XCell::Text(Msg::AwaitingGrading.text(l).to_string()),
                super::attempts::Grade::Empty => XCell::Empty,
            };
            vec![
                XCell::Text(c.student_name.clone()),
                XCell::Number(c.attempt_no as f64),
                grade,
                XCell::Text(crate::ui::time::format_datetime(c.started_at)),
                c.submitted_at.map_or(XCell::Empty, |t| XCell::Text(crate::ui::time::format_datetime(t))),
                c.score.map_or(XCell::Empty, XCell::Number),
                c.mark.clone().map_or(XCell::Empty, XCell::Text),
                XCell::Number(c.risk as f64),
                XCell::Number(c.violations as f64),
                XCell::Text(crate::exam::model::verdict_msg(&c.verdict).text(l).to_string()),
                c.percent.map_or(XCell::Empty, XCell::Number),
            ]
        })
        .collect();
    (heads, rows)
}
