//! The results file (OLY-5): what the operator exports, corrects and imports back. One row per
//! participant and subject of the campaign, in the same layout for `.xlsx` (first sheet) and
//! `.csv` (`;` separated, UTF-8 with a BOM; any separator and Windows-1251 are read too):
//!
//! | column | holds | on import |
//! |---|---|---|
//! | A | IIN | required: a registered participant of the campaign (a number cell that lost its leading zero in Excel is padded back) |
//! | B | full name | ignored |
//! | C | region | ignored |
//! | D | school | ignored |
//! | E | grade | ignored |
//! | F | subject | required: one of the campaign's subjects (case and spacing ignored) |
//! | G | score, points (`12`, `12.5`, `12,25`; two decimals at most) | empty: the row changes nothing |
//! | H | confirmed violations (a whole number) | empty: 0 |
//! | I | time used, seconds (`1834`, `1834.5`; milliseconds at most) | empty: 0 |
//! | J | annulled (`1`/`0`, yes/no, иә/жоқ, да/нет) | empty: not annulled |
//! | K | place in the grade and subject | ignored (computed) |
//! | L | place in the region | ignored (computed) |
//! | M | winner (`1`/`0`) | ignored (computed) |
//!
//! The first row is the header (recognised by an A cell without digits). A row with an empty
//! score neither creates nor removes a result: an export lists every participant for every
//! subject, also those with no result yet, and importing it back must change nothing. To take
//! a result away, annul it. The values are written exactly as stored (no rounding), so an
//! export imported again changes nothing.
//!
//! Everything a row can get wrong has its own message, at "row.N.column": a bad or unknown
//! IIN, a participant of another campaign, an unknown subject, a score that is not a number or
//! is negative, and the same IIN and subject twice. A file with any error writes nothing.

use super::ranking::{Centipoints, WinnerRule};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// Largest results file accepted (a national campaign: ~100 000 participants × a few subjects
/// is ~10 MB as CSV).
pub const MAX_RESULTS_FILE: usize = 24 * 1024 * 1024;
/// Rows a results file may have.
pub const MAX_RESULT_ROWS: usize = 400_000;
/// Changes listed in a preview; the counts cover the rest.
pub const MAX_PREVIEW: usize = 500;
/// Columns read on import (A-J); K-M are computed and only exported.
pub const IMPORT_COLUMNS: usize = 10;

/// The values of one result that an import may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultValues {
    pub score: Centipoints,
    pub violations: i64,
    pub time_used_ms: i64,
    pub annulled: bool,
}

/// What one row of an import changes (or, in a preview, would change). `before` is None for a
/// result that does not exist yet. Operators see IINs; this never reaches a public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultChange {
    pub row: u32,
    pub iin: String,
    pub full_name: String,
    pub subject: String,
    pub before: Option<ResultValues>,
    pub after: ResultValues,
}

/// The answer to an import: with `dry_run` nothing was written and `changes` is what applying
/// the same file would do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsImport {
    pub dry_run: bool,
    /// Rows with a score.
    pub rows: i64,
    pub added: i64,
    pub changed: i64,
    pub unchanged: i64,
    /// The first [`MAX_PREVIEW`] changes, in file order.
    pub changes: Vec<ResultChange>,
    /// The campaign had a ranking, so it was computed again with the new results.
    pub reranked: bool,
}

/// What "compute winners" stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingReport {
    pub ranked: i64,
    pub annulled: i64,
    pub winners: i64,
}

/// A campaign's results at a glance (the operator's panel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub campaign_id: i64,
    pub participants: i64,
    pub results: i64,
    pub annulled: i64,
    pub winners: i64,
    pub rule: Option<WinnerRule>,
    pub ranked_at: Option<i64>,
    pub published_at: Option<i64>,
    pub certificates: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateKind {
    Participation,
    Winner,
}

impl CertificateKind {
    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::Participation => "participation",
            CertificateKind::Winner => "winner",
        }
    }
    pub fn from_code(code: &str) -> Option<CertificateKind> {
        match code {
            "participation" => Some(CertificateKind::Participation),
            "winner" => Some(CertificateKind::Winner),
            _ => None,
        }
    }
    pub fn msg(self) -> Msg {
        match self {
            CertificateKind::Participation => Msg::OlyCertParticipation,
            CertificateKind::Winner => Msg::OlyCertWinner,
        }
    }
}

/// What a bulk issue did: certificates issued now (a second run issues none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatesIssued {
    pub participation: i64,
    pub winner: i64,
}

/// A certificate as its holder and the public verification page see it (no IIN).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub number: String,
    pub full_name: String,
    pub campaign: String,
    pub kind: CertificateKind,
    /// The subject won (winner certificates only).
    pub subject: Option<String>,
    pub issued_at: i64,
    /// Since when it is no longer valid (its result was annulled or its win went).
    pub withdrawn_at: Option<i64>,
}

/// One winner on the public page: no IIN, only what a diploma shows anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicWinner {
    pub grade: i64,
    pub subject: String,
    pub place: i64,
    pub region_place: i64,
    pub full_name: String,
    pub school: String,
    pub region: String,
    pub score: Centipoints,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCampaign {
    pub campaign_id: i64,
    pub title: String,
    pub published_at: i64,
    /// Ordered by grade, subject, place, name.
    pub winners: Vec<PublicWinner>,
}

/// A decimal typed in a cell, as a whole number of `1/10^places`: "12", "12.5", "12,25",
/// " 1 234,5 " (spaces and non-breaking spaces as thousands separators). Refuses more decimals
/// than `places` unless they are zeros ("12.50" is 12.5), and refuses anything else.
/// `Ok(Err(()))`: a number, but negative.
pub fn parse_decimal(raw: &str, places: u32) -> Option<Result<i64, ()>> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}').collect();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let (whole, fraction) = match s.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) || whole.len() > 12 {
        return None;
    }
    let (kept, rest) = fraction.split_at(fraction.len().min(places as usize));
    if rest.chars().any(|c| c != '0') {
        return None;
    }
    let scale = 10i64.pow(places);
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: i64 = if kept.is_empty() { 0 } else { format!("{kept:0<width$}", width = places as usize).parse().ok()? };
    let value = whole * scale + fraction;
    Some(if negative && value > 0 { Err(()) } else { Ok(value) })
}

/// `value / 10^places` written back without trailing zeros: 1250 (2 places) is "12.5".
pub fn format_decimal(value: i64, places: u32, separator: char) -> String {
    let scale = 10i64.pow(places);
    let (whole, fraction) = (value / scale, (value % scale).abs());
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0>width$}", width = places as usize);
    format!("{whole}{separator}{}", digits.trim_end_matches('0'))
}

/// Points for people: "12.5".
pub fn format_points(score: Centipoints) -> String {
    format_decimal(score, 2, '.')
}

/// A score cell: points with two decimals at most, not negative.
pub fn parse_points(raw: &str) -> Result<Centipoints, Msg> {
    match parse_decimal(raw, 2) {
        Some(Ok(v)) => Ok(v),
        Some(Err(())) => Err(Msg::ErrOlyScoreNegative),
        None if parse_decimal(raw, 9).is_some() => Err(Msg::ErrOlyScoreHundredths),
        None => Err(Msg::ErrOlyScoreNotNumber),
    }
}

/// A yes/no cell (annulled): empty is no.
pub fn parse_flag(raw: &str) -> Option<bool> {
    match crate::i18n::normal_name(raw).as_str() {
        "" | "0" | "жоқ" | "нет" | "no" | "n" | "false" => Some(false),
        "1" | "иә" | "ия" | "да" | "yes" | "y" | "true" => Some(true),
        _ => None,
    }
}

/// The winner rule typed in the operator's form: `kind` "threshold" with the least winning
/// score in points, or "quota" with winners per region (1-1000). (field, message) on error.
pub fn parse_rule(kind: &str, value: &str) -> Result<WinnerRule, (&'static str, Msg)> {
    match kind {
        "threshold" => match parse_points(value) {
            Ok(min) => Ok(WinnerRule::Threshold(min)),
            Err(_) if value.trim().is_empty() => Err(("value", Msg::ErrRequired)),
            Err(msg) => Err(("value", msg)),
        },
        "quota" => match value.trim().parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(WinnerRule::QuotaPerRegion(n)),
            _ if value.trim().is_empty() => Err(("value", Msg::ErrRequired)),
            _ => Err(("value", Msg::ErrOlyQuota)),
        },
        _ => Err(("rule", Msg::ErrOlyRuleKind)),
    }
}

/// One row of an imported results file, checked on its own (whether the IIN is a participant
/// of the campaign is the database's question, asked later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    pub row: u32,
    pub iin: crate::auth::iin::Iin,
    /// The campaign's spelling of the subject.
    pub subject: String,
    /// None: the score cell is empty and the row changes nothing.
    pub values: Option<ResultValues>,
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::docs::sheet::{iin_text, read_rows, Limit};
    use crate::i18n::{normal_name, Locale};
    use crate::olympiad::directory::file::{RowError, MAX_ERRORS};

    /// Reads and checks a results file against the campaign's subjects. `Err` lists every
    /// refused cell in file order (at most [`MAX_ERRORS`], then one file-level note).
    pub fn parse_results(file_name: &str, bytes: &[u8], subjects: &[String]) -> Result<Vec<ResultRow>, Vec<RowError>> {
        let file_err = |msg: Msg| vec![("row.0.file".to_string(), msg)];
        let limit = Limit { rows: MAX_RESULT_ROWS, msg: Msg::ErrOlyTooManyResultRows };
        let rows = read_rows(file_name, bytes, IMPORT_COLUMNS, limit).map_err(file_err)?;
        let skip = usize::from(rows.first().is_some_and(|r| !r.text(0).chars().any(|c| c.is_ascii_digit())));
        let known: std::collections::HashMap<String, &String> = subjects.iter().map(|s| (normal_name(s), s)).collect();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for raw in &rows[skip..] {
            let n = raw.row;
            let mut err = |column: &str, msg: Msg| errors.push((format!("row.{n}.{column}"), msg));
            let iin = crate::auth::iin::Iin::parse_field(&iin_text(raw.cell(0))).map_err(|m| err("iin", m)).ok();
            let subject = match raw.text(5) {
                "" => {
                    err("subject", Msg::ErrRequired);
                    None
                }
                s => match known.get(&normal_name(s)) {
                    Some(name) => Some((*name).clone()),
                    None => {
                        err("subject", Msg::ErrOlyUnknownSubject);
                        None
                    }
                },
            };
            // The same participant and subject twice is refused at the second row, whatever
            // else is wrong with either.
            if let (Some(iin), Some(subject)) = (&iin, &subject) {
                if !seen.insert((iin.clone(), subject.clone())) {
                    err("iin", Msg::ErrOlyResultRepeated);
                    continue;
                }
            }
            let values = if raw.text(6).is_empty() {
                Some(None)
            } else {
                let score = parse_points(raw.text(6)).map_err(|m| err("score", m)).ok();
                let violations = match raw.text(7) {
                    "" => Some(0),
                    v => v.parse::<i64>().ok().filter(|v| *v >= 0).or_else(|| {
                        err("violations", Msg::ErrOlyViolations);
                        None
                    }),
                };
                let time_used_ms = match parse_decimal(raw.text(8), 3) {
                    _ if raw.text(8).is_empty() => Some(0),
                    Some(Ok(ms)) => Some(ms),
                    _ => {
                        err("time_used", Msg::ErrOlyTimeUsed);
                        None
                    }
                };
                let annulled = parse_flag(raw.text(9)).or_else(|| {
                    err("annulled", Msg::ErrOlyAnnulledFlag);
                    None
                });
                match (score, violations, time_used_ms, annulled) {
                    (Some(score), Some(violations), Some(time_used_ms), Some(annulled)) => {
                        Some(Some(ResultValues { score, violations, time_used_ms, annulled }))
                    }
                    _ => None,
                }
            };
            let (Some(iin), Some(subject), Some(values)) = (iin, subject, values) else { continue };
            out.push(ResultRow { row: n, iin, subject, values });
        }
        if errors.len() > MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            errors.push(("row.0.file".to_string(), Msg::KtpTooManyErrors));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if out.is_empty() {
            return Err(file_err(Msg::ErrOlyNoResultRows));
        }
        Ok(out)
    }

    /// One exported row: a participant and a subject, with the stored result if there is one.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ExportRow {
        pub iin: String,
        pub full_name: String,
        pub region: String,
        pub school: String,
        pub grade: i64,
        pub subject: String,
        pub result: Option<ResultValues>,
        pub place: Option<i64>,
        pub region_place: Option<i64>,
        pub winner: bool,
    }

    pub fn headers(l: Locale) -> Vec<&'static str> {
        [
            Msg::Iin,
            Msg::FullName,
            Msg::OlyRegion,
            Msg::OlySchool,
            Msg::OlyGrade,
            Msg::OlySubject,
            Msg::OlyScore,
            Msg::OlyViolations,
            Msg::OlyTimeUsedSeconds,
            Msg::OlyAnnulled,
            Msg::OlyPlace,
            Msg::OlyRegionPlace,
            Msg::OlyWinner,
        ]
        .iter()
        .map(|m| m.text(l))
        .collect()
    }

    /// The cells of a row as text, numbers written with `separator` as the decimal mark.
    fn texts(r: &ExportRow, separator: char) -> Vec<String> {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut cells =
            vec![r.iin.clone(), r.full_name.clone(), r.region.clone(), r.school.clone(), r.grade.to_string(), r.subject.clone()];
        // These are CSV cells, and names come from users: a formula-like one must stay text.
        for c in [0, 1, 2, 3, 5] {
            cells[c] = crate::files::csv_text(&cells[c]).into_owned();
        }
        match &r.result {
            Some(v) => cells.extend([
                format_decimal(v.score, 2, separator),
                v.violations.to_string(),
                format_decimal(v.time_used_ms, 3, separator),
                u8::from(v.annulled).to_string(),
            ]),
            None => cells.extend([String::new(), String::new(), String::new(), String::new()]),
        }
        cells.extend([opt(r.place), opt(r.region_place), if r.result.is_some() { u8::from(r.winner).to_string() } else { String::new() }]);
        cells
    }

    /// CSV as spreadsheet programs in Kazakhstan open it: UTF-8 with a BOM, `;` separated,
    /// decimal commas.
    pub fn results_csv(rows: &[ExportRow], l: Locale) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(vec![0xEF, 0xBB, 0xBF]);
        let _ = w.write_record(headers(l));
        for r in rows {
            let _ = w.write_record(texts(r, ','));
        }
        w.into_inner().unwrap_or_default()
    }

    /// The same layout as an .xlsx sheet: the header in row 1, IINs as text (so Excel keeps
    /// their leading zeros), numbers as numbers.
    pub fn results_xlsx(rows: &[ExportRow], title: &str, l: Locale) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, FormatBorder, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(crate::docs::xlsx::sanitize_sheet_name(title))?;
        let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
        let text = Format::new().set_num_format("@");
        for (c, h) in headers(l).iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write_string_with_format(row, 0, &r.iin, &text)?;
            sheet.write_string(row, 1, &r.full_name)?;
            sheet.write_string(row, 2, &r.region)?;
            sheet.write_string(row, 3, &r.school)?;
            sheet.write_number(row, 4, r.grade as f64)?;
            sheet.write_string(row, 5, &r.subject)?;
            if let Some(v) = &r.result {
                // Hundredths and milliseconds as decimals: exact in an f64 at these sizes, and
                // read back digit for digit (see `sheet::number_text`).
                sheet.write_number(row, 6, v.score as f64 / 100.0)?;
                sheet.write_number(row, 7, v.violations as f64)?;
                sheet.write_number(row, 8, v.time_used_ms as f64 / 1000.0)?;
                sheet.write_number(row, 9, f64::from(u8::from(v.annulled)))?;
                sheet.write_number(row, 12, f64::from(u8::from(r.winner)))?;
            }
            if let Some(p) = r.place {
                sheet.write_number(row, 10, p as f64)?;
            }
            if let Some(p) = r.region_place {
                sheet.write_number(row, 11, p as f64)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        for (c, width) in [14, 32, 22, 32, 7, 18, 9, 10, 12, 10, 8, 10, 9].iter().enumerate() {
            sheet.set_column_width(c as u16, *width)?;
        }
        book.save_to_buffer()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn subjects() -> Vec<String> {
        vec!["Математика".into(), "Қазақ тілі".into()]
    }

    #[test]
    fn decimals_are_read_exactly_and_written_back_the_same() {
        assert_eq!(parse_points("12"), Ok(1200));
        assert_eq!(parse_points("12,5"), Ok(1250));
        assert_eq!(parse_points(" 1 234.25 "), Ok(123_425));
        assert_eq!(parse_points("12.50"), Ok(1250));
        assert_eq!(parse_points(".5"), Ok(50));
        assert_eq!(parse_points("-0"), Ok(0));
        assert_eq!(parse_points("-3"), Err(Msg::ErrOlyScoreNegative));
        assert_eq!(parse_points("12.345"), Err(Msg::ErrOlyScoreHundredths));
        for bad in ["abc", "12.3.4", "1e3", "", ".", "12 %"] {
            assert_eq!(parse_points(bad), Err(Msg::ErrOlyScoreNotNumber), "{bad:?}");
        }
        for v in [0, 5, 50, 1250, 1201, 99_999_99] {
            assert_eq!(parse_points(&format_points(v)), Ok(v));
            assert_eq!(parse_points(&format_decimal(v, 2, ',')), Ok(v));
            // What Excel gives back for the number written to the sheet.
            assert_eq!(parse_points(&format!("{}", v as f64 / 100.0)), Ok(v));
        }
        assert_eq!(format_decimal(1_834_500, 3, ','), "1834,5");
        assert_eq!(parse_decimal(&format!("{}", 1_834_567f64 / 1000.0), 3), Some(Ok(1_834_567)));
    }

    #[test]
    fn the_rule_form_is_checked() {
        assert_eq!(parse_rule("threshold", "45,5"), Ok(WinnerRule::Threshold(4550)));
        assert_eq!(parse_rule("quota", "3"), Ok(WinnerRule::QuotaPerRegion(3)));
        assert_eq!(parse_rule("quota", "0"), Err(("value", Msg::ErrOlyQuota)));
        assert_eq!(parse_rule("quota", ""), Err(("value", Msg::ErrRequired)));
        assert_eq!(parse_rule("threshold", "-1"), Err(("value", Msg::ErrOlyScoreNegative)));
        assert_eq!(parse_rule("lottery", "1"), Err(("rule", Msg::ErrOlyRuleKind)));
    }

    #[test]
    fn a_file_reads_into_rows_and_empty_scores_change_nothing() {
        let file = "ЖСН;Аты-жөні;Облыс;Мектеп;Сынып;Пән;Балл;Бұзушылық;Уақыт;Жойылған\n\
            060315600303;Әлия;Ақмола;Абай;6;математика;45,5;1;1834,5;0\n\
            060315600303;Әлия;Ақмола;Абай;6;Қазақ тілі;;;;\n\
            060315600303;Әлия;Ақмола;Абай;6;  ҚАЗАҚ   ТІЛІ ;;;;\n";
        let err = parse_results("r.csv", file.as_bytes(), &subjects()).unwrap_err();
        assert_eq!(err, vec![("row.4.iin".to_string(), Msg::ErrOlyResultRepeated)]);
        let file: String = file.lines().take(3).map(|l| format!("{l}\n")).collect();
        let rows = parse_results("r.csv", file.as_bytes(), &subjects()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].subject.as_str()), (2, "Математика"));
        assert_eq!(rows[0].values, Some(ResultValues { score: 4550, violations: 1, time_used_ms: 1_834_500, annulled: false }));
        assert_eq!((rows[1].subject.as_str(), rows[1].values), ("Қазақ тілі", None));
    }

    #[test]
    fn every_broken_cell_is_listed_with_its_row() {
        let file = "060315600303;;;;;Математика;abc;-1;x;мүмкін\n\
            060315600304;;;;;Физика;-5;;;\n\
            060315600303;;;;;Математика;10;;;\n";
        let errors = parse_results("r.csv", file.as_bytes(), &subjects()).unwrap_err();
        let expected: Vec<(String, Msg)> = [
            ("row.1.score", Msg::ErrOlyScoreNotNumber),
            ("row.1.violations", Msg::ErrOlyViolations),
            ("row.1.time_used", Msg::ErrOlyTimeUsed),
            ("row.1.annulled", Msg::ErrOlyAnnulledFlag),
            ("row.2.iin", Msg::ErrIinChecksum),
            ("row.2.subject", Msg::ErrOlyUnknownSubject),
            ("row.2.score", Msg::ErrOlyScoreNegative),
            ("row.3.iin", Msg::ErrOlyResultRepeated),
        ]
        .into_iter()
        .map(|(f, m)| (f.to_string(), m))
        .collect();
        assert_eq!(errors, expected);
    }

    #[test]
    fn the_export_reads_back_as_it_was_written() {
        let rows = vec![
            ExportRow {
                iin: "060315600303".into(),
                full_name: "Әлия".into(),
                region: "Ақмола".into(),
                school: "Абай".into(),
                grade: 6,
                subject: "Математика".into(),
                result: Some(ResultValues { score: 4555, violations: 2, time_used_ms: 1_834_567, annulled: true }),
                place: None,
                region_place: None,
                winner: false,
            },
            ExportRow {
                iin: "060315600303".into(),
                full_name: "Әлия".into(),
                region: "Ақмола".into(),
                school: "Абай".into(),
                grade: 6,
                subject: "Қазақ тілі".into(),
                result: None,
                place: None,
                region_place: None,
                winner: false,
            },
        ];
        let xlsx = results_xlsx(&rows, "Мың бала", crate::i18n::Locale::Kk).unwrap();
        // A school named like a formula stays text in the CSV (a spreadsheet would run it).
        let mut hostile = rows.clone();
        hostile[0].school = "=HYPERLINK(\"http://evil\";\"Абай\")".into();
        hostile[0].full_name = "@SUM(1+1)".into();
        let text = String::from_utf8(results_csv(&hostile, crate::i18n::Locale::Ru)).unwrap();
        assert!(text.contains("'@SUM(1+1)") && text.contains("\"'=HYPERLINK("), "{text}");
        assert!(!text.contains(";=") && !text.contains(";@") && !text.contains(";\"="), "{text}");
        let csv = results_csv(&rows, crate::i18n::Locale::Ru);
        for (name, bytes) in [("r.xlsx", xlsx), ("r.csv", csv)] {
            let back = parse_results(name, &bytes, &subjects()).unwrap();
            assert_eq!(back.len(), 2, "{name}");
            assert_eq!(back[0].iin.as_str(), "060315600303");
            assert_eq!(back[0].values, rows[0].result, "{name}");
            assert_eq!(back[1].values, None, "{name}");
        }
    }
}
