//! The receipt of an application's documents (TVT-1, the acceptance of documents: the state
//! service's result is this receipt) as PDF in Kazakh or Russian: the application's number
//! and date, the applicant, the specialties in order of preference, the scores and categories
//! the competition uses, the documents received, and a QR code that opens the public check
//! page. It exists once the committee has accepted the documents. Drawn with `docs::pdf`, as
//! the e-services' results are.

use super::model::{show_score, Application, Campaign, Category};
use crate::docs::pdf::{render, Align, Flow, Op, Style, A4_LONG, A4_SHORT};
use crate::i18n::{Locale, Msg};

/// The receipt's facts, read from the application and its campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    pub college: String,
    pub campaign: String,
    pub number: String,
    /// Printed as it is, e.g. "23.07.2027": the committee's (latest) acceptance.
    pub accepted_on: String,
    pub submitted_on: String,
    pub applicant: String,
    pub iin: String,
    /// The specialties, most wanted first, as "code name (language)".
    pub choices: Vec<String>,
    pub certificate_score: String,
    pub test_score: Option<String>,
    pub honours: bool,
    pub categories: Vec<Category>,
    /// The supporting document's file name, when one was given.
    pub document: Option<String>,
    pub verify_url: String,
}

impl Receipt {
    /// The receipt of `a`, in `locale` (the choices' labels are in it). None before the
    /// committee has accepted the documents.
    pub fn of(a: &Application, campaign: &Campaign, locale: Locale, verify_url: String) -> Option<Receipt> {
        let date = |ms: i64| crate::journal::semester::Date::from_epoch_ms(ms).dotted();
        Some(Receipt {
            college: campaign.college.clone(),
            campaign: campaign.title.clone(),
            number: a.number.clone(),
            accepted_on: date(a.accepted_at?),
            submitted_on: date(a.submitted_at),
            applicant: a.full_name.clone(),
            iin: a.iin.clone(),
            choices: a.choices.iter().filter_map(|id| campaign.offers.iter().find(|o| o.id == *id)).map(|o| o.label(locale)).collect(),
            certificate_score: show_score(a.certificate_score),
            test_score: a.test_score.map(show_score),
            honours: a.honours,
            categories: a.categories.clone(),
            document: a.document_name.clone(),
            verify_url,
        })
    }
}

pub fn receipt_pdf(r: &Receipt, locale: Locale) -> Vec<u8> {
    let tr = |m: Msg| m.text(locale);
    let mut f = Flow::new(A4_SHORT, A4_LONG, [56.0, 50.0, 56.0, 70.0]);
    f.paragraph(&r.college, Style::bold(12.0), Align::Center, 0.0);
    f.paragraph(&format!("{}: {}", tr(Msg::AdmCommittee), r.campaign), Style::regular(10.5), Align::Center, 0.0);
    f.gap(6.0);
    let (left, right, y) = (f.left, f.right, f.y);
    f.ops().push(Op::Lines { gray: 0, width: 0.8, segs: vec![[left, y, right, y]] });
    f.gap(30.0);
    f.paragraph(&tr(Msg::AdmReceiptTitle).to_uppercase(), Style::bold(16.0), Align::Center, 0.0);
    f.gap(10.0);
    f.pair(&format!("{} {}", tr(Msg::PdfNumber), r.number), &format!("{}: {}", tr(Msg::PdfDate), r.accepted_on), Style::regular(11.0));
    f.gap(20.0);
    let yes_no = |b: bool| if b { tr(Msg::Yes) } else { "—" }.to_string();
    let categories = if r.categories.is_empty() {
        "—".to_string()
    } else {
        r.categories.iter().map(|c| c.msg().text(locale)).collect::<Vec<_>>().join(", ")
    };
    let mut lines: Vec<(&str, String)> = vec![
        (tr(Msg::SvcApplicant), r.applicant.clone()),
        (tr(Msg::Iin), r.iin.clone()),
        (tr(Msg::AdmSubmittedAt), r.submitted_on.clone()),
        (tr(Msg::AdmCertificateScore), r.certificate_score.clone()),
        (tr(Msg::AdmHonours), yes_no(r.honours)),
    ];
    if let Some(test) = &r.test_score {
        lines.push((tr(Msg::AdmTestScore), test.clone()));
    }
    lines.push((tr(Msg::AdmCategories), categories));
    if let Some(document) = &r.document {
        lines.push((tr(Msg::AdmDocument), document.clone()));
    }
    let borrowed: Vec<(&str, &String)> = lines.iter().map(|(l, v)| (*l, v)).collect();
    f.fields(&borrowed, 11.0);
    f.gap(14.0);
    f.paragraph(&format!("{}:", tr(Msg::AdmChoices)), Style::bold(11.0), Align::Left, 0.0);
    for (n, choice) in r.choices.iter().enumerate() {
        f.paragraph(&format!("{}. {choice}", n + 1), Style::regular(11.0), Align::Left, 14.0);
    }
    f.gap(16.0);
    f.paragraph(tr(Msg::AdmReceiptAccepted), Style { leading: 1.5, ..Style::regular(12.0) }, Align::Left, 0.0);
    f.gap(40.0);
    f.closing("", tr(Msg::PdfSignature), tr(Msg::PdfStampPlace));

    f.verify_footer(&r.verify_url, tr(Msg::PdfScanToVerify));
    f.page_numbers(Some(tr(Msg::PdfPage)), None, false);
    render(&f.pages, tr(Msg::AdmReceiptTitle), Some(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pdf::testing::*;

    #[test]
    fn the_receipt_carries_its_number_the_choices_and_the_check_address() {
        let url = "https://talap.kz/admission/check/abcDEF123";
        let r = Receipt {
            college: "Көкшетау жоғары колледжі".into(),
            campaign: "Қабылдау 2027".into(),
            number: "2027-00042".into(),
            accepted_on: "20.07.2027".into(),
            submitted_on: "15.07.2027".into(),
            applicant: "Нұрланова Әлия Серікқызы".into(),
            iin: "080215650012".into(),
            choices: vec!["06120100 Бағдарламалық қамтамасыз ету (қазақша)".into(), "07130100 Электр жабдықтары".into()],
            certificate_score: "4,50".into(),
            test_score: None,
            honours: true,
            categories: vec![Category::Rural],
            document: Some("anyqtama.pdf".into()),
            verify_url: url.into(),
        };
        for locale in [Locale::Kk, Locale::Ru] {
            let text = page_text(&parse(&receipt_pdf(&r, locale)), 1);
            for expected in [
                "2027-00042",
                "Нұрланова Әлия Серікқызы",
                "080215650012",
                "1. 06120100",
                "2. 07130100",
                Category::Rural.msg().text(locale),
                Msg::AdmReceiptAccepted.text(locale),
                url,
            ] {
                assert!(text.contains(expected), "{locale:?}: {expected:?} missing from {text}");
            }
        }
    }
}
