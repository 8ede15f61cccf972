//! Downloads built from the journal: any journal or report as XLSX or PDF, and the KTP
//! template. Plain GET routes (a browser download needs a URL), checked like server functions:
//! the session first, then the same access rules.

use super::dto::PerformanceRow;
use super::model::{average, Cell};
use crate::auth::ssr::Caller;
use crate::docs::pdf::{table_pdf, Table};
use crate::docs::xlsx::{workbook, Sheet, XCell};
use crate::edge::{id_and_ext, Download, Lang, Routes};
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/export/journal/{file}", journal_file)
        .get("/export/report/{file}", report_file)
        .get("/export/namebook.xlsx", name_book)
        .get("/export/ktp-template.xlsx", ktp_template)
        .get("/files/assignment/{assignment}/{student}", super::assignments::answer_file)
        .get("/export/certificate/{file}", certificate_file)
        .get("/files/excuse/{lesson}/{student}", excuse_file)
        .get("/export/transcript/{file}", transcript_file)
}

async fn journal_file(
    State(st): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Lang(locale): Lang,
) -> Result<Download, AppError> {
    let (id, ext) = id_and_ext(&file).filter(|(_, e)| *e == "xlsx" || *e == "pdf").ok_or(AppError::NotFound)?;
    let (name, title, subtitle, headers, rows) = journal_table(&st, &caller, id, locale).await?;
    Ok(table_download(ext, &name, title, subtitle, headers, rows, true))
}

/// One table as the file asked for: a PDF (landscape, see `pdf::table_pdf`) or an XLSX sheet
/// named after the file, optionally with the name column frozen.
fn table_download(
    ext: &str,
    name: &str,
    title: String,
    subtitle: String,
    headers: Vec<String>,
    rows: Vec<Vec<XCell>>,
    freeze_first_column: bool,
) -> Download {
    if ext == "pdf" {
        let table = Table { title, subtitle, headers, rows: rows.iter().map(|r| r.iter().map(XCell::text).collect()).collect() };
        Download::file(format!("{name}.pdf"), table_pdf(&table))
    } else {
        let sheet = Sheet { name: name.to_string(), title: format!("{title} — {subtitle}"), headers, rows, freeze_first_column };
        Download::file(format!("{name}.xlsx"), workbook(&[sheet]))
    }
}

type TableParts = (String, String, String, Vec<String>, Vec<Vec<XCell>>);

/// The grid as a table: one row per student, one column per lesson, the average last.
async fn journal_table(st: &AppState, caller: &Caller, id: i64, locale: Locale) -> Result<TableParts, AppError> {
    use super::store;
    let (j, _) = store::access(&st.db, caller, id).await?;
    let students = store::students(&st.db, j.group_id).await?;
    let lessons = store::plan::lessons(&st.db, j.id).await?;
    let cells: HashMap<(i64, i64), String> =
        store::cells::cells(&st.db, j.id, j.scale).await?.into_iter().map(|(l, s, code)| ((l, s), code)).collect();
    let mut head = vec![Msg::Student.text(locale).to_string()];
    head.extend(lessons.iter().map(|l| super::pages::dotted(&l.date)));
    head.push(Msg::Average.text(locale).to_string());
    let rows = students
        .iter()
        .map(|s| {
            let mut row = vec![XCell::Text(s.name.clone())];
            let mut marks = Vec::new();
            for l in &lessons {
                let cell = Cell::from_store_code(j.scale, cells.get(&(l.id, s.id)).map(String::as_str).unwrap_or(""));
                match cell {
                    Cell::Mark(m) => {
                        marks.push(m);
                        row.push(XCell::Number(f64::from(m.value())));
                    }
                    Cell::Empty => row.push(XCell::Empty),
                    other => row.push(XCell::Text(other.label(locale))),
                }
            }
            row.push(average(&marks).map(|a| XCell::Number(super::model::round2(a))).unwrap_or(XCell::Empty));
            row
        })
        .collect();
    let group = store::org_name(&st.db, j.group_id).await?;
    let teacher = store::user_name(&st.db, j.teacher_id).await?;
    let subtitle = format!(
        "{group} · {} · {teacher} · {} – {}",
        j.subject,
        super::pages::dotted(&j.semester_start),
        super::pages::dotted(&j.semester_end)
    );
    Ok((format!("{} {}", group, j.subject), j.title.clone(), subtitle, head, rows))
}

async fn report_file(
    State(st): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    Lang(locale): Lang,
) -> Result<Download, AppError> {
    let ext = match file.as_str() {
        "performance.xlsx" => "xlsx",
        "performance.pdf" => "pdf",
        _ => return Err(AppError::NotFound),
    };
    caller.require_anywhere(crate::auth::model::Permission::JournalRead)?;
    let from = super::semester::Date::parse(q.get("from").map(String::as_str).unwrap_or("")).map_err(|m| AppError::field("from", m))?;
    let to = super::semester::Date::parse(q.get("to").map(String::as_str).unwrap_or("")).map_err(|m| AppError::field("to", m))?;
    let rows = super::report::performance(&st.db, &caller, &from.to_string(), &to.to_string()).await?;
    let title = Msg::PerformanceReport.text(locale).to_string();
    let subtitle = format!("{} – {}", from.dotted(), to.dotted());
    let (head, body) = performance_table(&rows, locale);
    let name = format!("{title} {from} {to}");
    Ok(table_download(ext, &name, title, subtitle, head, body, false))
}

pub fn performance_table(rows: &[PerformanceRow], l: Locale) -> (Vec<String>, Vec<Vec<XCell>>) {
    let head = [
        Msg::Specialty.text(l),
        Msg::Group.text(l),
        Msg::Students.text(l),
        "5",
        "4",
        "3",
        "2",
        Msg::NotAttested.text(l),
        Msg::QualityPercent.text(l),
        Msg::SuccessPercent.text(l),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pct = |x: Option<f64>| x.map(|v| XCell::Number(super::model::round2(v))).unwrap_or(XCell::Empty);
    let body = rows
        .iter()
        .map(|r| {
            let c = r.counts;
            vec![
                XCell::Text(r.specialty.clone()),
                XCell::Text(if r.group.is_empty() { Msg::Total.text(l).to_string() } else { r.group.clone() }),
                XCell::Number(r.students as f64),
                XCell::Number(f64::from(c.five)),
                XCell::Number(f64::from(c.four)),
                XCell::Number(f64::from(c.three)),
                XCell::Number(f64::from(c.two)),
                XCell::Number(r.not_attested as f64),
                pct(c.quality_percent()),
                pct(c.success_percent()),
            ]
        })
        .collect();
    (head, body)
}

/// For any signed-in user (a blank template holds nothing, but nothing here is anonymous).
async fn ktp_template(_: Caller) -> Download {
    Download::file("ktp-template.xlsx", super::ktp_file::ktp_template_xlsx())
}

/// The verification page a certificate's QR code opens, at the configured public address
/// (`--public-url`), as on the olympiad's certificates: the Host and X-Forwarded-Proto headers
/// are whatever the client sent, and a printed document carrying a forged one would send
/// whoever checks it to another site.
fn verify_url(public_url: &str, code: &str) -> String {
    format!("{}/verify/{code}", public_url.trim_end_matches('/'))
}

fn study_form_msg(code: &str) -> Msg {
    crate::admin::model::StudyForm::from_code(code).unwrap_or(crate::admin::model::StudyForm::FullTime).msg()
}

async fn certificate_file(
    State(st): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Lang(locale): Lang,
) -> Result<Download, AppError> {
    use super::store::certificates::{group_facts, issued_certificate};
    let Some((id, "pdf")) = id_and_ext(&file) else { return Err(AppError::NotFound) };
    let r = issued_certificate(&st.db, id).await?.ok_or(AppError::NotFound)?;
    if r.student_id != caller.user_id {
        caller.require(&st.db, crate::auth::model::Permission::CertificateIssue, r.group_id).await?;
    }
    let (group_name, org_name, course, specialty, form) = group_facts(&st.db, r.group_id).await?;
    let number: String = r.number.unwrap_or_default();
    let code: String = r.verify_code.unwrap_or_default();
    let issued: i64 = r.issued_at.unwrap_or(0);
    let c = super::documents::Certificate {
        org_name,
        number: number.clone(),
        student_name: r.full_name,
        group: group_name,
        specialty,
        course: course.to_string(),
        study_form: study_form_msg(&form).text(locale).to_string(),
        purpose: r.purpose,
        issued_on: super::semester::Date::from_epoch_ms(issued).dotted(),
        verify_url: verify_url(&st.settings.public_url, &code),
    };
    Ok(Download::shown(format!("certificate-{number}.pdf"), super::documents::certificate_pdf(&c, locale)))
}

/// Final marks per subject (JRN-9): the last attestation or exam mark of each journal, else the
/// rounded average of its marks; as PDF in Kazakh or Russian (English on request too).
async fn transcript_file(
    State(st): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    Lang(locale): Lang,
) -> Result<Download, AppError> {
    use super::model::LessonType;
    use super::store::reports;
    let supplement = q.get("supplement").is_some_and(|v| v == "1");
    let Some((student, "pdf")) = id_and_ext(&file) else { return Err(AppError::NotFound) };
    let group = reports::first_group_of_student(&st.db, student).await?.ok_or(AppError::NotFound)?;
    if student != caller.user_id {
        caller.require(&st.db, crate::auth::model::Permission::JournalRead, group).await?;
    }
    let (group_name, org_name, _, specialty, _) = super::store::certificates::group_facts(&st.db, group).await?;
    let journals = reports::journals_of_group(&st.db, group).await?;
    let mut rows = Vec::new();
    let mut finals = Vec::new();
    for j in journals {
        let scale = j.scale;
        let hours = reports::taught_half_hours(&st.db, j.id).await?;
        let marks = reports::marks_of_student(&st.db, j.id, student).await?;
        let mut all = Vec::new();
        let mut last_attestation = None;
        for m in marks {
            if let Some(mark) = Cell::from_store_code(scale, &m.mark.to_string()).mark() {
                all.push(mark);
                if LessonType::from_code(&m.lesson_type).is_some_and(LessonType::is_attestation) {
                    last_attestation = Some(mark);
                }
            }
        }
        let fin = last_attestation.or_else(|| average(&all).and_then(|a| scale.mark(a.round() as u8).ok()));
        if let Some(m) = fin {
            finals.push(m);
        }
        rows.push(super::documents::TranscriptRow {
            subject: j.subject,
            hours: super::model::Hours::from_half_hours(hours as u32).label(locale),
            mark: fin.map(|m| m.value().to_string()).unwrap_or_else(|| "—".into()),
            letter: fin.and_then(|m| m.letter()).map(|l| l.as_str().to_string()),
            gpa: fin.and_then(|m| m.gpa()).map(|g| super::model::format_2dp(g, locale)),
        });
    }
    let name = super::store::user_name(&st.db, student).await?;
    let t = super::documents::Transcript {
        org_name,
        student_name: name.clone(),
        group: group_name,
        specialty,
        issued_on: super::semester::Date::from_epoch_ms(crate::api::now_ms()).dotted(),
        rows,
        average: average(&finals).map(|a| super::model::format_2dp(a, locale)),
        draft_supplement: supplement,
    };
    Ok(Download::shown(format!("{name}.pdf"), super::documents::transcript_pdf(&t, locale)))
}

/// The note behind an excused absence: for the journal's teacher and readers, and the student.
async fn excuse_file(State(st): State<AppState>, caller: Caller, Path((lesson, student)): Path<(i64, i64)>) -> Result<Download, AppError> {
    let note = super::store::cells::excuse_note(&st.db, lesson, student).await?.ok_or(AppError::NotFound)?;
    if caller.user_id != student {
        super::store::access(&st.db, &caller, note.journal_id).await?;
    }
    let key: String = note.excuse_media.ok_or(AppError::NotFound)?;
    let name = key.rsplit('/').next().unwrap_or("note").to_string();
    Ok(Download::uploaded(name, st.media.get(&key).await?, "application/octet-stream"))
}

/// The name book of students (JRN-7): every student of every group in the caller's
/// journal.read scope, by specialty, group and name, with the group's course and form of study.
/// Built from the accounts and groups; personal-file fields the platform does not hold yet
/// (date of birth, enrolment order) are not invented.
async fn name_book(State(st): State<AppState>, caller: Caller, Lang(locale): Lang) -> Result<Download, AppError> {
    caller.require_anywhere(crate::auth::model::Permission::JournalRead)?;
    let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(crate::auth::model::Permission::JournalRead)).await?;
    let rows = super::store::reports::name_book(&st.db).await?;
    let mut body = Vec::new();
    let mut n = 0;
    for r in rows {
        if !scope.contains(&r.group_id) {
            continue;
        }
        n += 1;
        body.push(vec![
            XCell::Number(f64::from(n)),
            XCell::Text(r.full_name),
            XCell::Text(r.group_name),
            XCell::Text(format!("{} {}", r.code, r.specialty).trim().to_string()),
            XCell::Number(r.course as f64),
            XCell::Text(study_form_msg(&r.form).text(locale).to_string()),
            XCell::Text(r.login),
            XCell::Text(r.email),
            XCell::Text(r.phone),
        ]);
    }
    let title = Msg::NameBook.text(locale).to_string();
    let headers = [
        "№",
        Msg::FullName.text(locale),
        Msg::Group.text(locale),
        Msg::Specialty.text(locale),
        Msg::Course.text(locale),
        Msg::StudyForm.text(locale),
        Msg::Login.text(locale),
        Msg::Email.text(locale),
        Msg::Phone.text(locale),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let sheet = Sheet { name: title.clone(), title: title.clone(), headers, rows: body, freeze_first_column: false };
    Ok(Download::file(format!("{title}.xlsx"), workbook(&[sheet])))
}
