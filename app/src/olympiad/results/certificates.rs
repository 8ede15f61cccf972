//! Olympiad certificates (OLY-6), server side: the bulk issue, the numbers, the PDF, and the
//! lookups of the verification page and the holder's list.
//!
//! A campaign's certificates are issued at once, after its results are published: one of
//! participation for each participant with at least one result that is not annulled, and one
//! of a winner for each subject a participant won. The table's UNIQUE (participant, kind,
//! subject) makes the issue idempotent: a second run (or one that races the first) issues
//! only what is missing, and an existing certificate keeps its number and date.
//!
//! A number reads "2027-000042-K7QF3M": the year of issue, the certificate's sequence (its
//! row id, so numbers are unique without a counter to lock), and six random characters from
//! an alphabet without look-alikes (no 0/O, 1/I). The sequence alone could be counted through;
//! the random part (about 30 bits) makes a number that was not printed impossible to guess,
//! so the public verification page reveals only certificates whose paper someone holds.

use super::file::{CertificateKind, CertificatesIssued};
use super::store::certificates as stored;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::olympiad::registration::cards::Card;
use crate::olympiad::ssr::random_code;
use sqlx::{Any, Transaction};

// The verification page, the download route and the ranking use these here: the SQL alone,
// kept at this path.
pub use stored::{find, follow_results, of_holder, Issued};

const CHECK_LEN: usize = 6;

fn random_check() -> String {
    random_code(CHECK_LEN)
}

pub fn number(year: &str, sequence: i64, check: &str) -> String {
    format!("{year}-{sequence:06}-{check}")
}

/// A number as a person may type it (spaces around, lower case), or None when it cannot be one.
pub fn normalize_number(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    (!s.is_empty() && s.len() <= 40 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then_some(s)
}

/// Inserts one certificate unless the participant already holds it; true when issued now.
async fn issue_one(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    participant_id: i64,
    kind: CertificateKind,
    subject: &str,
    actor: i64,
    now: i64,
) -> Result<bool, AppError> {
    // The row id is the sequence, known only after the insert: a unique placeholder first.
    let placeholder = format!("pending-{}", crate::auth::ssr::random_token());
    let new =
        stored::NewCertificate { placeholder: &placeholder, campaign_id, participant_id, kind, subject, issued_at: now, issued_by: actor };
    let Some(id) = stored::insert(tx, new).await? else { return Ok(false) };
    let year = crate::journal::semester::Date::from_epoch_ms(now).to_string();
    stored::set_number(tx, id, &number(&year[..4], id, &random_check())).await?;
    // The holder is told the certificate is ready (issue 20).
    if let Some(user_id) = super::store::notices::user_of_participant(tx, participant_id).await? {
        let title = super::store::notices::campaign_title(tx, campaign_id).await?;
        crate::notify::event(tx, crate::notify::Event::olympiad_certificate(user_id, id, &title)).await?;
    }
    Ok(true)
}

/// Issues what is missing of the campaign's certificates (see the module's notes).
pub async fn issue_all(tx: &mut Transaction<'_, Any>, campaign_id: i64, actor: i64, now: i64) -> Result<CertificatesIssued, AppError> {
    let participants = stored::participants_with_results(tx, campaign_id).await?;
    let winners = stored::wins(tx, campaign_id).await?;
    let mut issued = CertificatesIssued::default();
    for p in participants {
        issued.participation += i64::from(issue_one(tx, campaign_id, p, CertificateKind::Participation, "", actor, now).await?);
    }
    for (p, subject) in winners {
        issued.winner += i64::from(issue_one(tx, campaign_id, p, CertificateKind::Winner, &subject, actor, now).await?);
    }
    Ok(issued)
}

/// The public page a certificate's QR code opens.
pub fn verify_url(public_url: &str, number: &str) -> String {
    format!("{}/olympiad/certificate/{number}", public_url.trim_end_matches('/'))
}

/// The certificate as an A5 page in the holder's language, with its number and a QR code of
/// its verification page.
pub fn pdf(c: &Issued, public_url: &str) -> Vec<u8> {
    let l = c.language;
    let v = &c.view;
    let issued_on = crate::journal::semester::Date::from_epoch_ms(v.issued_at).dotted();
    let (title, sentence) = match v.kind {
        CertificateKind::Participation => (Msg::OlyCertParticipationTitle, Msg::OlyCertParticipationText),
        CertificateKind::Winner => (Msg::OlyCertWinnerTitle, Msg::OlyCertWinnerText),
    };
    let subject = v.subject.clone().unwrap_or_default();
    let mut fields = vec![
        (Msg::FullName.text(l).to_string(), v.full_name.clone()),
        (Msg::OlySchool.text(l).to_string(), c.school.clone()),
        (Msg::OlyGrade.text(l).to_string(), c.grade.to_string()),
    ];
    if v.kind == CertificateKind::Winner {
        fields.push((Msg::OlySubject.text(l).to_string(), subject.clone()));
    }
    fields.push((Msg::OlyCertNumber.text(l).to_string(), v.number.clone()));
    fields.push((Msg::OlyCertIssued.text(l).to_string(), issued_on));
    let note = format!(
        "{} {}",
        sentence.text(l).replace("{name}", &v.full_name).replace("{campaign}", &v.campaign).replace("{subject}", &subject),
        Msg::OlyCertScan.text(l)
    );
    let card =
        Card { heading: v.campaign.clone(), title: title.text(l).to_uppercase(), fields, note, qr_url: verify_url(public_url, &v.number) };
    crate::olympiad::registration::cards::cards_pdf(&[card], title.text(l), l)
}

#[cfg(test)]
mod tests {
    use super::super::file::CertificateView;
    use super::*;
    use crate::i18n::Locale;
    use crate::olympiad::ssr::CHECK_ALPHABET;

    #[test]
    fn numbers_are_year_sequence_and_a_random_check() {
        let a = number("2027", 42, &random_check());
        assert!(a.starts_with("2027-000042-"), "{a}");
        assert_eq!(a.len(), "2027-000042-".len() + CHECK_LEN);
        assert!(a[12..].bytes().all(|b| CHECK_ALPHABET.contains(&b)));
        // Two numbers of the same sequence differ in their check (nearly always: 32^6 choices).
        let checks: std::collections::HashSet<String> = (0..50).map(|_| random_check()).collect();
        assert!(checks.len() > 45);
        assert_eq!(normalize_number(" 2027-000042-k7qf3m "), Some("2027-000042-K7QF3M".into()));
        assert_eq!(normalize_number("2027/42"), None);
        assert_eq!(normalize_number(""), None);
    }

    #[test]
    fn the_pdf_speaks_the_holders_language_and_carries_the_number_and_link() {
        let issued = Issued {
            view: CertificateView {
                number: "2027-000042-K7QF3M".into(),
                full_name: "Әлия Нұрланқызы".into(),
                campaign: "Мың бала 2027".into(),
                kind: CertificateKind::Winner,
                subject: Some("Математика".into()),
                issued_at: 1_800_000_000_000,
                withdrawn_at: None,
            },
            holder_id: 1,
            school: "Абай атындағы мектеп".into(),
            grade: 6,
            language: Locale::Ru,
        };
        let bytes = pdf(&issued, "https://talap.example.kz/");
        let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
        let text = doc.extract_text(&[1]).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in ["2027-000042-K7QF3M", "https://talap.example.kz/olympiad/certificate/2027-000042-K7QF3M", "Математика"] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
        assert!(text.to_uppercase().contains(&Msg::OlyCertWinnerTitle.text(Locale::Ru).to_uppercase()), "{text}");
    }
}
