//! The result of an e-service as PDF, in the applicant's language (Kazakh or Russian): the
//! decision (or the motivated refusal) with its number, the application's answers, and a QR code
//! that opens the public check page. Drawn with `docs::pdf`, as the journal's certificates are.

use crate::docs::pdf::{render, Align, Flow, Op, Style, A4_LONG, A4_SHORT};
use crate::i18n::{Locale, Msg};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultDocument {
    pub college: String,
    pub number: String,
    /// Printed as it is, e.g. "23.11.2026".
    pub issued_on: String,
    pub applicant: String,
    pub application_id: i64,
    pub submitted_on: String,
    /// The decision's title (the service's result title, or "motivated refusal").
    pub title: String,
    pub service: String,
    /// (label, answer) lines of the form.
    pub answers: Vec<(String, String)>,
    /// None: approved; Some(reason): refused.
    pub refusal: Option<String>,
    pub verify_url: String,
}

pub fn result_pdf(d: &ResultDocument, locale: Locale) -> Vec<u8> {
    let tr = |m: Msg| m.text(locale);
    let mut f = Flow::new(A4_SHORT, A4_LONG, [56.0, 50.0, 56.0, 70.0]);
    f.paragraph(&d.college, Style::bold(12.0), Align::Center, 0.0);
    f.gap(6.0);
    let (left, right, y) = (f.left, f.right, f.y);
    f.ops().push(Op::Lines { gray: 0, width: 0.8, segs: vec![[left, y, right, y]] });
    f.gap(30.0);
    f.paragraph(&d.title.to_uppercase(), Style::bold(16.0), Align::Center, 0.0);
    f.gap(10.0);
    f.pair(&format!("{} {}", tr(Msg::PdfNumber), d.number), &format!("{}: {}", tr(Msg::PdfDate), d.issued_on), Style::regular(11.0));
    f.gap(20.0);
    let application = format!("№ {} ({})", d.application_id, d.submitted_on);
    let mut lines: Vec<(&str, &String)> =
        vec![(tr(Msg::SvcApplicant), &d.applicant), (tr(Msg::SvcService), &d.service), (tr(Msg::SvcApplication), &application)];
    for (label, value) in &d.answers {
        lines.push((label.as_str(), value));
    }
    f.fields(&lines, 11.0);
    f.gap(16.0);
    let sentence = match &d.refusal {
        None => tr(Msg::SvcPdfApproved).to_string(),
        Some(reason) => format!("{} {reason}", tr(Msg::SvcPdfRefused)),
    };
    f.paragraph(&sentence, Style { leading: 1.5, ..Style::regular(12.0) }, Align::Left, 0.0);
    f.gap(40.0);
    f.closing("", tr(Msg::PdfSignature), tr(Msg::PdfStampPlace));

    f.verify_footer(&d.verify_url, tr(Msg::PdfScanToVerify));
    f.page_numbers(Some(tr(Msg::PdfPage)), None, false);
    render(&f.pages, &d.title, Some(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pdf::testing::*;

    #[test]
    fn the_result_carries_its_number_the_decision_and_the_check_address() {
        let url = "https://talap.kz/services/check/abcDEF123";
        let mut d = ResultDocument {
            college: "Көкшетау жоғары колледжі".into(),
            number: "2026-000012".into(),
            issued_on: "10.11.2026".into(),
            applicant: "Нұрланова Әлия".into(),
            application_id: 12,
            submitted_on: "05.11.2026".into(),
            title: Msg::SvcResultDormitory.text(Locale::Kk).into(),
            service: Msg::SvcDormitory.text(Locale::Kk).into(),
            answers: vec![("Санат".into(), "Жетім".into())],
            refusal: None,
            verify_url: url.into(),
        };
        let text = page_text(&parse(&result_pdf(&d, Locale::Kk)), 1);
        for expected in ["2026-000012", "Нұрланова Әлия", Msg::SvcPdfApproved.text(Locale::Kk), url] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
        d.refusal = Some("Құжат жарамсыз".into());
        let text = page_text(&parse(&result_pdf(&d, Locale::Ru)), 1);
        assert!(text.contains(Msg::SvcPdfRefused.text(Locale::Ru)) && text.contains("Құжат жарамсыз"), "{text}");
    }
}
