//! The journal's documents as PDF: a student's transcript (or the draft of the diploma
//! supplement) and the certificate of enrolment ("справка с места учёбы") with a QR code that
//! leads to its verification page. Drawn with the engine in `docs::pdf`; `export` loads the
//! data and sends them.

use crate::docs::pdf::{draw_table, plan, render, Align, Flow, Op, Style, A4_LONG, A4_SHORT};
use crate::i18n::{Locale, Msg};

/// One line of a transcript. The values are shown as given (already formatted by the caller).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TranscriptRow {
    pub subject: String,
    pub hours: String,
    pub mark: String,
    pub letter: Option<String>,
    pub gpa: Option<String>,
}

/// A student's transcript, or the draft of the diploma supplement (the same table under another title).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    pub org_name: String,
    pub student_name: String,
    pub group: String,
    pub specialty: String,
    /// The date as it is printed, e.g. "23.11.2026".
    pub issued_on: String,
    pub rows: Vec<TranscriptRow>,
    pub average: Option<String>,
    /// Titles the document "Diploma supplement (draft)" instead of "Transcript".
    pub draft_supplement: bool,
}

/// A certificate of enrolment ("справка с места учёбы").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Certificate {
    pub org_name: String,
    pub number: String,
    pub student_name: String,
    pub group: String,
    pub specialty: String,
    pub course: String,
    pub study_form: String,
    /// Where the certificate is to be presented.
    pub purpose: String,
    pub issued_on: String,
    /// The public page that confirms the certificate; encoded in the QR code and printed under it.
    pub verify_url: String,
}

/// The transcript (or draft diploma supplement) on A4 portrait, labels in `locale`.
pub fn transcript_pdf(t: &Transcript, locale: Locale) -> Vec<u8> {
    let tr = |m: Msg| m.text(locale);
    let title = tr(if t.draft_supplement { Msg::PdfDiplomaSupplementDraft } else { Msg::PdfTranscript });
    let mut f = Flow::new(A4_SHORT, A4_LONG, [48.0, 42.0, 56.0, 56.0]);

    f.paragraph(&t.org_name, Style::bold(11.0), Align::Center, 0.0);
    f.gap(16.0);
    f.paragraph(&title.to_uppercase(), Style::bold(15.0), Align::Center, 0.0);
    f.gap(14.0);
    f.fields(&[(tr(Msg::PdfStudent), &t.student_name), (tr(Msg::PdfGroup), &t.group), (tr(Msg::PdfSpecialty), &t.specialty)], 10.5);
    f.gap(12.0);

    // Letter grades and GPA exist only on some scales: a column nobody has is left out.
    let letters = t.rows.iter().any(|r| r.letter.as_deref().is_some_and(|s| !s.trim().is_empty()));
    let gpa = t.rows.iter().any(|r| r.gpa.as_deref().is_some_and(|s| !s.trim().is_empty()));
    let mut headers = vec![tr(Msg::PdfNumber), tr(Msg::PdfSubject), tr(Msg::PdfHours), tr(Msg::PdfMark)];
    if letters {
        headers.push(tr(Msg::PdfLetterGrade));
    }
    if gpa {
        headers.push(tr(Msg::PdfGpa));
    }
    let headers: Vec<String> = headers.into_iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![(i + 1).to_string(), r.subject.clone(), r.hours.clone(), r.mark.clone()];
            if letters {
                row.push(r.letter.clone().unwrap_or_default());
            }
            if gpa {
                row.push(r.gpa.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    let mut grid = plan(&headers, &rows, f.width(), &[10.0, 9.0, 8.0], Some(1));
    grid.align.iter_mut().enumerate().for_each(|(c, a)| *a = if c == 1 { Align::Left } else { Align::Center });
    draw_table(&mut f, &grid, &headers, &rows, false);

    if let Some(average) = t.average.as_deref().filter(|a| !a.trim().is_empty()) {
        f.gap(6.0);
        f.paragraph(&format!("{}: {}", tr(Msg::PdfAverage), average), Style::bold(10.5), Align::Right, 0.0);
    }
    f.gap(30.0);
    f.closing(&format!("{}: {}", tr(Msg::PdfIssuedOn), t.issued_on), tr(Msg::PdfSignature), tr(Msg::PdfStampPlace));
    f.page_numbers(Some(tr(Msg::PdfPage)), None, false);
    render(&f.pages, title, Some(locale))
}

/// The certificate of enrolment on A4 portrait, labels and sentence in `locale`, with a QR code of `verify_url`.
pub fn certificate_pdf(c: &Certificate, locale: Locale) -> Vec<u8> {
    let tr = |m: Msg| m.text(locale);
    let title = tr(Msg::PdfCertificate);
    let mut f = Flow::new(A4_SHORT, A4_LONG, [56.0, 50.0, 56.0, 70.0]);

    f.paragraph(&c.org_name, Style::bold(12.0), Align::Center, 0.0);
    f.gap(6.0);
    let (left, right, y) = (f.left, f.right, f.y);
    f.ops().push(Op::Lines { gray: 0, width: 0.8, segs: vec![[left, y, right, y]] });
    f.gap(40.0);
    f.paragraph(&title.to_uppercase(), Style::bold(20.0), Align::Center, 0.0);
    f.gap(10.0);
    f.pair(&format!("{} {}", tr(Msg::PdfNumber), c.number), &format!("{}: {}", tr(Msg::PdfDate), c.issued_on), Style::regular(11.0));
    f.gap(28.0);

    let text = tr(Msg::PdfCertificateText)
        .replace("{student}", &c.student_name)
        .replace("{course}", &c.course)
        .replace("{group}", &c.group)
        .replace("{specialty}", &c.specialty)
        .replace("{form}", &c.study_form)
        .replace("{org}", &c.org_name)
        .replace("{purpose}", &c.purpose);
    f.paragraph(&text, Style { leading: 1.6, ..Style::regular(12.0) }, Align::Left, 36.0);
    f.gap(48.0);
    f.closing("", tr(Msg::PdfSignature), tr(Msg::PdfStampPlace));

    f.verify_footer(&c.verify_url, tr(Msg::PdfScanToVerify));
    f.page_numbers(Some(tr(Msg::PdfPage)), None, false);
    render(&f.pages, title, Some(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pdf::testing::*;
    use crate::docs::pdf::{qr_matrix, qr_op};

    fn transcript(rows: usize) -> Transcript {
        Transcript {
            org_name: "«Алматы жоғары политехникалық колледжі» МКҚК".into(),
            student_name: KAZAKH_NAME.into(),
            group: "ПО-21-1".into(),
            specialty: "06130100 – Бағдарламалық қамтамасыз ету".into(),
            issued_on: "23.11.2026".into(),
            rows: (0..rows)
                .map(|i| TranscriptRow {
                    subject: format!("Ақпараттық жүйелер {}", i + 1),
                    hours: "72".into(),
                    mark: "87".into(),
                    letter: Some("B+".into()),
                    gpa: Some("3,33".into()),
                })
                .collect(),
            average: Some("3,47".into()),
            draft_supplement: false,
        }
    }

    fn certificate(url: &str) -> Certificate {
        Certificate {
            org_name: "ГККП «Высший политехнический колледж г. Алматы»".into(),
            number: "2026/1187".into(),
            student_name: "Қасымова Өміргүл Һидаятқызы".into(),
            group: "ПО-21-1".into(),
            specialty: "06130100 – Программное обеспечение".into(),
            course: "3".into(),
            study_form: "очная".into(),
            purpose: "ЦОН".into(),
            issued_on: "23.11.2026".into(),
            verify_url: url.into(),
        }
    }

    #[test]
    fn transcript_renders_in_every_language_with_an_embedded_subset_font() {
        for locale in Locale::ALL {
            let doc = parse(&transcript_pdf(&transcript(5), locale));
            assert_eq!(page_count(&doc), 1);
            assert_fonts_embedded_as_subsets(&doc);
            let text = page_text(&doc, 1);
            for expected in [
                Msg::PdfTranscript.text(locale).to_uppercase().as_str(),
                Msg::PdfSubject.text(locale),
                Msg::PdfSpecialty.text(locale),
                Msg::PdfLetterGrade.text(locale),
                KAZAKH_NAME,
                "Ақпараттық жүйелер 5",
                "3,47",
                "23.11.2026",
            ] {
                assert!(text.contains(expected), "{locale:?}: {expected:?} missing from {text}");
            }
        }
        let text = page_text(&parse(&transcript_pdf(&transcript(2), Locale::Kk)), 1);
        assert!(text.contains("Мамандық") && text.contains("Әріптік баға") && text.contains("Берілген күні"), "{text}");
    }

    #[test]
    fn draft_supplement_is_titled_so_and_unused_columns_are_left_out() {
        let mut t = transcript(3);
        t.draft_supplement = true;
        t.rows.iter_mut().for_each(|r| (r.letter, r.gpa) = (None, None));
        let text = page_text(&parse(&transcript_pdf(&t, Locale::Ru)), 1);
        assert!(text.contains("ПРИЛОЖЕНИЕ К ДИПЛОМУ (ПРОЕКТ)"), "{text}");
        assert!(!text.contains("ТРАНСКРИПТ"));
        assert!(!text.contains(Msg::PdfLetterGrade.text(Locale::Ru)) && !text.contains(Msg::PdfGpa.text(Locale::Ru)), "{text}");
    }

    #[test]
    fn long_transcript_breaks_pages_and_repeats_the_header() {
        let doc = parse(&transcript_pdf(&transcript(70), Locale::Kk));
        let pages = page_count(&doc);
        assert!(pages >= 2, "{pages} pages");
        for p in 1..=pages as u32 {
            let text = page_text(&doc, p);
            // The closing block may fall on a page of its own, with no table.
            assert!(text.contains("Пән") || !text.contains("Ақпараттық"), "page {p} has rows but no header row");
            assert!(text.contains(&format!("Бет {p} / {pages}")), "page {p} has no number: {text}");
        }
        let all = all_text(&doc);
        assert!(all.contains("Ақпараттық жүйелер 70"), "the last row is there");
        assert!(all.contains("Берілген күні: 23.11.2026"), "the closing block is there");
    }

    #[test]
    fn certificate_has_the_sentence_the_number_and_a_qr_code() {
        let url = "https://talap.kz/verify/c/2026-1187-7F3KQ9";
        for locale in Locale::ALL {
            let doc = parse(&certificate_pdf(&certificate(url), locale));
            assert_eq!(page_count(&doc), 1);
            assert_fonts_embedded_as_subsets(&doc);
            let text = page_text(&doc, 1);
            for expected in [
                Msg::PdfCertificate.text(locale).to_uppercase().as_str(),
                "Қасымова Өміргүл Һидаятқызы",
                "2026/1187",
                "ЦОН",
                "ПО-21-1",
                url,
            ] {
                assert!(text.contains(expected), "{locale:?}: {expected:?} missing from {text}");
            }
            assert!(!text.contains('{'), "a placeholder was left: {text}");
        }
        // The printed address is also a link.
        let doc = parse(&certificate_pdf(&certificate(url), Locale::En));
        let uris: Vec<Vec<u8>> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"A").ok()?.as_dict().ok()?.get(b"URI").ok()?.as_str().ok().map(<[u8]>::to_vec))
            .collect();
        assert_eq!(uris, vec![url.as_bytes().to_vec()]);
        let text = page_text(&parse(&certificate_pdf(&certificate(url), Locale::Kk)), 1);
        assert!(text.contains("АНЫҚТАМА") && text.contains("білім алушысы") && text.contains("сканерлеңіз"), "{text}");

        // The QR code is drawn as rectangles, one per run of dark modules: a hundred and more
        // with a URL, none without.
        let with = operator_count(&parse(&certificate_pdf(&certificate(url), Locale::Ru)), 1, "re");
        let without = operator_count(&parse(&certificate_pdf(&certificate(""), Locale::Ru)), 1, "re");
        let runs = match qr_op(&qr_matrix(url).expect("encodes"), 0.0, 0.0, 90.0) {
            Op::Fill { rects, .. } => rects.len(),
            _ => 0,
        };
        assert!(runs > 100, "{runs} runs");
        assert!(with >= without + runs, "with QR {with} subpaths, without {without}, runs {runs}");
    }

    #[test]
    fn odd_input_does_not_panic() {
        assert_eq!(page_count(&parse(&transcript_pdf(&Transcript::default(), Locale::En))), 1);
        assert_eq!(page_count(&parse(&certificate_pdf(&Certificate::default(), Locale::Kk))), 1);
        // Too long for a QR code: the address is printed all the same.
        let long_url = format!("https://talap.kz/{}", "x".repeat(5000));
        assert!(page_count(&parse(&certificate_pdf(&certificate(&long_url), Locale::Ru))) >= 1);
    }
}
