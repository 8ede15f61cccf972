//! Proctoring reports (PRC-2) per exam and per organisation as CSV, XLSX and PDF, the
//! authorised image route, and the retention purge. The counts come from the same violation
//! rows the review screens show (`store::review::violations_of`), so the two always agree.

pub use super::store::report::ReportRow;
use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::docs::pdf::{draw_table, fit, plan, render_with_images, wrap_clipped, Align, Flow, Jpeg, Op, Style, A4_LONG, A4_SHORT};
use crate::docs::xlsx::{workbook, Sheet, XCell};
use crate::edge::{id_and_ext, Download, Lang, Routes};
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::proctor::store;
use crate::state::AppState;
use axum::extract::{Path, State};

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/proctor/image/{id}", image)
        .get("/export/proctor/exam/{file}", exam_report)
        .get("/export/proctor/attempt/{file}", attempt_report)
        .get("/export/proctor/organisation.{ext}", org_report)
}

fn verdict_msg(v: &str) -> Msg {
    match v {
        "valid" => Msg::VerdictValid,
        "annulled" => Msg::VerdictAnnulled,
        _ => Msg::VerdictPending,
    }
}

fn headers(l: Locale) -> Vec<String> {
    [
        Msg::Student,
        Msg::Exam,
        Msg::Group,
        Msg::Started,
        Msg::Submitted,
        Msg::Score,
        Msg::Risk,
        Msg::ViolationsOpen,
        Msg::ViolationsConfirmed,
        Msg::ViolationsDismissed,
        Msg::Verdict,
        // Last, so the columns before keep their places for those who read them by position.
        Msg::CaptureLabel,
    ]
    .iter()
    .map(|m| m.text(l).to_string())
    .collect()
}

fn cells(r: &ReportRow, l: Locale) -> Vec<XCell> {
    use crate::ui::time::format_datetime;
    vec![
        XCell::Text(r.student.clone()),
        XCell::Text(r.exam.clone()),
        XCell::Text(r.group.clone()),
        XCell::Text(format_datetime(r.started_at)),
        r.submitted_at.map_or(XCell::Empty, |t| XCell::Text(format_datetime(t))),
        r.score.map_or(XCell::Empty, XCell::Number),
        XCell::Number(r.risk as f64),
        XCell::Number(r.open as f64),
        XCell::Number(r.confirmed as f64),
        XCell::Number(r.dismissed as f64),
        XCell::Text(verdict_msg(&r.verdict).text(l).to_string()),
        XCell::Text(r.capture.msg().text(l).to_string()),
    ]
}

fn table_file(ext: &str, name: &str, title: String, subtitle: String, rows: &[ReportRow], l: Locale) -> Result<Download, AppError> {
    let heads = headers(l);
    let body: Vec<Vec<XCell>> = rows.iter().map(|r| cells(r, l)).collect();
    Ok(match ext {
        "csv" => Download::file(format!("{name}.csv"), crate::docs::csv::table(&heads, &body)),
        "xlsx" => Download::file(
            format!("{name}.xlsx"),
            workbook(&[Sheet { name: name.to_string(), title, headers: heads, rows: body, freeze_first_column: true }]),
        ),
        "pdf" => {
            let t = crate::docs::pdf::Table {
                title,
                subtitle,
                headers: heads,
                rows: body.iter().map(|r| r.iter().map(XCell::text).collect()).collect(),
            };
            Download::file(format!("{name}.pdf"), crate::docs::pdf::table_pdf(&t))
        }
        _ => return Err(AppError::NotFound),
    })
}

/// "/export/proctor/exam/12.xlsx": every attempt of the exam, for reviewers of its group and
/// the exam's teacher.
async fn exam_report(State(st): State<AppState>, caller: Caller, Path(file): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    let (id, ext) = id_and_ext(&file).ok_or(AppError::NotFound)?;
    let exam = crate::exam::store::exam_summary(&st.db, id).await?;
    let group = store::group_of_journal(&st.db, exam.journal_id).await?;
    let teacher = store::teacher_of_journal(&st.db, exam.journal_id).await?;
    if teacher != caller.user_id {
        caller.require(&st.db, Permission::ProctorReview, group).await?;
    }
    let rows = super::store::report::report_rows(&st.db, Some(id), None).await?;
    let subtitle = format!("{} · {}", exam.group_name, crate::ui::time::format_datetime(exam.opens_at));
    table_file(ext, &format!("proctoring-exam-{id}"), format!("{}: {}", Msg::ProctorReport.text(l), exam.title), subtitle, &rows, l)
}

/// Pictures in an attempt report: small enough for a report of a few dozen violations to stay a
/// few megabytes, large enough to see a face or a second person.
const THUMB: (u32, u32) = (240, 180);

/// A stored evidence image as a JPEG thumbnail; None when it was purged or cannot be read.
async fn thumbnail(st: &AppState, evidence_id: i64) -> Option<Jpeg> {
    let r = super::store::report::stored_image(&st.db, evidence_id).await.ok()??;
    if r.purged_at.is_some() {
        return None;
    }
    let bytes = st.media.get(&r.media_key).await.ok()?;
    // Decoding and scaling are CPU work: off the async threads.
    tokio::task::spawn_blocking(move || {
        let img = image::load_from_memory(&bytes).ok()?.thumbnail(THUMB.0, THUMB.1).to_rgb8();
        let mut data = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 75).encode_image(&img).ok()?;
        Some(Jpeg { data, width: img.width(), height: img.height() })
    })
    .await
    .ok()?
}

/// "/export/proctor/attempt/12.pdf": one attempt's report with a thumbnail for each violation
/// (its own image, or for an event the webcam snapshot nearest to it), for the attempt's
/// reviewers and the exam's teacher. Counts and statuses are the timeline's.
async fn attempt_report(State(st): State<AppState>, caller: Caller, Path(file): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    use super::pages::{event_msg, status_msg, violation_msg};
    use crate::ui::time::format_datetime;
    let Some((id, "pdf")) = id_and_ext(&file) else { return Err(AppError::NotFound) };
    let t = {
        crate::proctor::access::may_see_evidence(&st.db, &caller, id).await?;
        let t = super::api::ssr::load_timeline(&st.db, &caller, id).await?;
        // The report carries the attempt's webcam snapshots.
        let owner = store::owner_of_attempt(&st.db, id).await?;
        use crate::audit::views::{record, Seen};
        record(
            &st.db,
            &caller,
            owner.student_id,
            Seen::ProctorImages,
            Some(owner.group_id),
            serde_json::json!({ "attempt": id, "report": "pdf" }),
        )
        .await?;
        t
    };
    let webcam: Vec<&super::dto::EvidenceItem> = t.evidence.iter().filter(|e| e.kind == "webcam" && !e.purged).collect();
    let mut report = AttemptReport {
        title: format!("{}: {}", Msg::ProctorReport.text(l), t.head.student_name),
        facts: vec![
            (Msg::Exam.text(l).to_string(), t.head.exam_title.clone()),
            (Msg::Group.text(l).to_string(), t.head.group_name.clone()),
            (Msg::Started.text(l).to_string(), format_datetime(t.head.started_at)),
            (Msg::Submitted.text(l).to_string(), (if t.head.submitted { Msg::Yes } else { Msg::No }).text(l).to_string()),
            (Msg::CaptureLabel.text(l).to_string(), t.head.capture.msg().text(l).to_string()),
            (Msg::Score.text(l).to_string(), t.score.map(|s| format!("{s} / {}", t.max_points.unwrap_or(0))).unwrap_or_default()),
            (Msg::Risk.text(l).to_string(), t.head.risk.to_string()),
            (
                Msg::Verdict.text(l).to_string(),
                format!("{} {}", verdict_msg(&t.head.verdict).text(l), t.verdict_comment).trim().to_string(),
            ),
        ],
        violations_title: format!("{} ({})", Msg::Violations.text(l), t.violations.len()),
        no_picture: Msg::NoPicture.text(l).to_string(),
        events_title: Msg::Events.text(l).to_string(),
        event_headers: vec![Msg::Time.text(l).to_string(), Msg::Events.text(l).to_string()],
        events: t.events.iter().map(|e| vec![format_datetime(e.at), event_msg(&e.kind).text(l).to_string()]).collect(),
        ..Default::default()
    };
    for v in &t.violations {
        let evidence = v
            .evidence_id
            .or_else(|| webcam.iter().min_by_key(|e| (e.at - v.at).abs()).filter(|e| (e.at - v.at).abs() <= 60_000).map(|e| e.id));
        let picture = match evidence {
            Some(eid) => thumbnail(&st, eid).await.map(|jpeg| {
                report.pictures.push(jpeg);
                report.pictures.len() - 1
            }),
            None => None,
        };
        let status = format!("{} · {} {}%", status_msg(&v.status).text(l), Msg::Confidence.text(l), v.confidence);
        let reviewer = v.reviewer.clone().map(|r| format!(" ({r})")).unwrap_or_default();
        report.violations.push(ReportViolation {
            time: format_datetime(v.at),
            kind: violation_msg(&v.kind).text(l).to_string(),
            status: format!("{status}{reviewer}"),
            comment: v.comment.clone(),
            picture,
        });
    }
    Ok(Download::file(format!("proctoring-attempt-{id}.pdf"), attempt_report_pdf(&report, l)))
}

/// "/export/proctor/organisation.xlsx": every attempt in the caller's review scope.
async fn org_report(State(st): State<AppState>, caller: Caller, Path(ext): Path<String>, Lang(l): Lang) -> Result<Download, AppError> {
    caller.require_anywhere(Permission::ProctorReview)?;
    let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(Permission::ProctorReview)).await?;
    let rows = super::store::report::report_rows(&st.db, None, Some(&scope)).await?;
    table_file(&ext, "proctoring-organisation", Msg::ProctorReport.text(l).to_string(), String::new(), &rows, l)
}

/// An evidence image, for the attempt's reviewers and the exam's teacher only.
async fn image(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Download, AppError> {
    let r = super::store::report::evidence_image(&st.db, id).await?.ok_or(AppError::NotFound)?;
    crate::proctor::access::may_see_evidence(&st.db, &caller, r.attempt_id).await?;
    if r.purged_at.is_some() {
        return Err(AppError::NotFound);
    }
    use crate::audit::views::{record, Seen};
    record(&st.db, &caller, r.student_id, Seen::ProctorImages, Some(r.group_id), serde_json::json!({ "attempt": r.attempt_id })).await?;
    Ok(Download::image(&r.content_type, st.media.get(&r.media_key).await?, "private, max-age=600"))
}

/// Deletes the images of exams whose retention period has passed (counted from the exam's
/// close), marks their rows purged (the timeline keeps the metadata, violations and verdict),
/// and logs each purge in proctor_purges and the audit log. Returns how many images this call
/// purged.
///
/// Every node runs it, possibly at the same moment, and each image is purged by exactly one of
/// them: a chunk of rows is claimed by the guarded `UPDATE ... WHERE purged_at IS NULL`, which
/// on PostgreSQL makes a second node wait for the first's transaction and then skip the rows it
/// took (SQLite has one writer anyway). Objects are deleted inside the claiming transaction, so
/// a node that dies midway leaves its chunk unclaimed for the next run; deleting an object twice
/// is harmless. Chunks keep each transaction (and SQLite's one writer) short.
pub async fn purge_expired(st: &AppState, now: i64) -> Result<usize, AppError> {
    const CHUNK: i64 = 500;
    let exams = super::store::report::exams_past_retention(&st.db, now).await?;
    let mut purged = 0;
    for exam_id in exams {
        loop {
            let mut tx = st.db.begin().await?;
            let items = super::store::report::claim_images_to_purge(&mut tx, exam_id, now, CHUNK).await?;
            if items.is_empty() {
                break;
            }
            let mut bytes = 0i64;
            for it in &items {
                st.media.delete(&it.media_key).await?;
                bytes += it.bytes;
            }
            super::store::report::log_purge(&mut tx, exam_id, items.len() as i64, bytes, now).await?;
            crate::audit::store::record(
                &mut tx,
                crate::audit::store::Entry {
                    actor_id: None,
                    ip: "server",
                    action: "proctor.retention.purge",
                    entity: "exam",
                    entity_id: exam_id.to_string(),
                    org_id: None,
                    before: None,
                    after: Some(serde_json::json!({ "images": items.len(), "bytes": bytes })),
                },
            )
            .await?;
            tx.commit().await?;
            tracing::info!(exam_id, images = items.len(), bytes, "proctoring images purged after their retention period");
            purged += items.len();
        }
    }
    Ok(purged)
}

// ---------------------------------------------------------------------------------------------
// The attempt report as PDF, drawn with the engine in `docs::pdf`

/// One violation of an attempt report, with the picture that shows it (if one was kept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportViolation {
    pub time: String,
    pub kind: String,
    pub status: String,
    pub comment: String,
    pub picture: Option<usize>,
}

/// The proctoring report of one attempt (PRC-2): its facts, each violation with its picture,
/// and the list of browser events. Texts come in already translated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttemptReport {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub violations_title: String,
    pub violations: Vec<ReportViolation>,
    pub no_picture: String,
    pub events_title: String,
    pub event_headers: Vec<String>,
    pub events: Vec<Vec<String>>,
    /// The pictures (thumbnails) the violations refer to.
    pub pictures: Vec<Jpeg>,
}

/// The attempt report on A4 portrait: facts, then one block per violation with its thumbnail
/// at the left (4:3, 120 pt wide), then the events as a table.
pub fn attempt_report_pdf(r: &AttemptReport, locale: Locale) -> Vec<u8> {
    let mut f = Flow::new(A4_SHORT, A4_LONG, [40.0, 40.0, 44.0, 40.0]);
    f.paragraph(&r.title, Style::bold(14.0), Align::Left, 0.0);
    f.gap(8.0);
    let facts: Vec<(&str, &String)> = r.facts.iter().map(|(k, v)| (k.as_str(), v)).collect();
    f.fields(&facts, 10.0);
    f.gap(10.0);
    f.paragraph(&r.violations_title, Style::bold(12.0), Align::Left, 0.0);
    f.gap(4.0);
    let (thumb_w, thumb_h) = (120.0, 90.0);
    let head = Style::bold(10.0);
    let body = Style::regular(9.5);
    let muted = Style { gray: 90, ..Style::regular(9.0) };
    for v in &r.violations {
        let text_x = f.left + thumb_w + 10.0;
        let text_w = f.right - text_x;
        let comment = wrap_clipped(&v.comment, body, text_w, 4);
        let block = (head.line() + body.line() + comment.len() as f32 * body.line()).max(thumb_h) + 8.0;
        f.room(block);
        let top = f.y;
        match v.picture.and_then(|i| r.pictures.get(i).map(|p| (i, p))) {
            Some((index, p)) => {
                // Fit the picture into the box, keeping its proportions.
                let scale = (thumb_w / p.width.max(1) as f32).min(thumb_h / p.height.max(1) as f32);
                let (w, h) = (p.width as f32 * scale, p.height as f32 * scale);
                let left = f.left;
                f.ops().push(Op::Image { area: [left, top, w, h], index });
            }
            None => {
                let (x, y) = (f.left, top);
                f.ops().push(Op::Lines {
                    gray: 170,
                    width: 0.5,
                    segs: vec![
                        [x, y, x + thumb_w, y],
                        [x + thumb_w, y, x + thumb_w, y + thumb_h],
                        [x + thumb_w, y + thumb_h, x, y + thumb_h],
                        [x, y + thumb_h, x, y],
                    ],
                });
                f.text(x + 6.0, y + thumb_h / 2.0, muted, &fit(&r.no_picture, muted, thumb_w - 12.0));
            }
        }
        let mut y = top;
        f.text(text_x, y + head.baseline(), head, &fit(&format!("{} · {}", v.time, v.kind), head, text_w));
        y += head.line();
        f.text(text_x, y + body.baseline(), body, &fit(&v.status, body, text_w));
        y += body.line();
        for line in &comment {
            f.text(text_x, y + body.baseline(), body, line);
            y += body.line();
        }
        f.y = top + block;
    }
    if !r.events.is_empty() {
        f.gap(6.0);
        f.room(60.0);
        f.paragraph(&r.events_title, Style::bold(12.0), Align::Left, 0.0);
        f.gap(4.0);
        let grid = plan(&r.event_headers, &r.events, f.width(), &[9.0, 8.0], None);
        draw_table(&mut f, &grid, &r.event_headers, &r.events, true);
    }
    f.page_numbers(None, Some(&r.title), false);
    render_with_images(&f.pages, &r.pictures, &r.title, Some(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pdf::testing::{page_text, parse};

    /// A candidate's name or a proctor's comment that looks like a formula reaches the CSV as
    /// text; numbers stay numbers.
    #[test]
    fn formula_like_text_stays_text_in_csv() {
        let rows = vec![vec![XCell::Text("=cmd|' /C calc'!A0".into()), XCell::Text("+7 701".into()), XCell::Number(-2.0)]];
        let text = String::from_utf8(crate::docs::csv::table(&["a".into(), "b".into(), "c".into()], &rows)).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(line, "'=cmd|' /C calc'!A0;'+7 701;-2");
    }

    #[test]
    fn an_attempt_report_carries_its_pictures_as_jpeg() {
        let mut jpeg = Vec::new();
        let img = image::RgbImage::from_pixel(8, 6, image::Rgb([200, 120, 40]));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80).encode_image(&img).unwrap();
        let report = AttemptReport {
            title: "Бақылау есебі".into(),
            facts: vec![("Студент".into(), "Әлихан Сапаров".into())],
            violations_title: "Бұзушылықтар".into(),
            violations: vec![
                ReportViolation {
                    time: "10:02".into(),
                    kind: "Кадрда бет жоқ".into(),
                    status: "Расталды".into(),
                    comment: "Екі кадр".into(),
                    picture: Some(0),
                },
                ReportViolation {
                    time: "10:05".into(),
                    kind: "Басқа бетке ауысты".into(),
                    status: "Қаралмаған".into(),
                    comment: String::new(),
                    picture: None,
                },
            ],
            no_picture: "Сурет жоқ".into(),
            events_title: "Оқиғалар".into(),
            event_headers: vec!["Уақыты".into(), "Оқиға".into()],
            events: vec![vec!["10:05".into(), "Басқа бетке ауысты".into()]],
            pictures: vec![Jpeg { data: jpeg.clone(), width: 8, height: 6 }],
        };
        let doc = parse(&attempt_report_pdf(&report, Locale::Kk));
        let images: Vec<&lopdf::Stream> = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image".as_slice()))
            .collect();
        assert_eq!(images.len(), 1, "one picture, written once");
        assert_eq!(images[0].dict.get(b"Filter").unwrap().as_name().unwrap(), b"DCTDecode");
        assert_eq!(images[0].dict.get(b"Width").unwrap().as_i64().unwrap(), 8);
        assert_eq!(images[0].content, jpeg, "the JPEG is embedded as it is");
        let text = page_text(&doc, 1);
        for expected in ["Әлихан Сапаров", "10:02 · Кадрда бет жоқ", "Сурет жоқ", "Оқиғалар"] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}
