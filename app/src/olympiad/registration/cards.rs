//! Registration cards (OLY-2): a PDF, one card per pupil, with the pupil's login (their IIN), a
//! first sign-in code and a QR code of the page where the code sets the password.
//!
//! A first sign-in code is a credential, so a card only carries one for an account that the
//! pupil's registration created and that nobody has signed into yet; any other pupil's card
//! says to sign in with their own password. The code has its own purpose: the password-reset
//! form does not take it.
//!
//! Passwords are never stored in a readable form, so a card cannot repeat an old one: every
//! printing issues a fresh code (valid until the campaign's results) and the codes printed
//! before stop working. That makes printing a change, so it is a POST (the same-origin guard
//! covers it, a link cannot trigger it) and it is audited.

use super::store;
use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::docs::pdf::{qr_matrix, qr_op, render, Align, Flow, Style, A4_SHORT};
use crate::edge::{Download, Lang, Routes};
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::state::AppState;
use axum::extract::State;
use axum::Form;
use std::collections::HashMap;

/// A code lasts at least this long even when results are near (a card printed late).
const MIN_CODE_TTL_MS: i64 = 7 * 86_400_000;

pub fn routes() -> Routes {
    Routes::new().post("/export/olympiad/cards", cards)
}

/// Form: `campaign_id`, and `participant_id` for one pupil's card (all the school's pupils in
/// the campaign without it).
async fn cards(
    State(st): State<AppState>,
    caller: Caller,
    Lang(locale): Lang,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Download, AppError> {
    Ok(Download::file("cards.pdf", issue(&st, &caller, &form, locale).await?))
}

/// The page a card's QR code opens: where a login and the card's code set the first password. Built from the
/// configured public address (`--public-url`), as certificates' links are: a card printed
/// through an internal address or a proxy must still open the public site.
fn sign_in_url(public_url: &str) -> String {
    format!("{}{}", public_url.trim_end_matches('/'), super::first_sign_in::PATH)
}

async fn issue(st: &AppState, caller: &Caller, form: &HashMap<String, String>, locale: Locale) -> Result<Vec<u8>, AppError> {
    caller.require_anywhere(Permission::OlympiadRegister)?;
    let number = |name: &str| form.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let campaign_id = number("campaign_id").ok_or(AppError::BadRequest)?;
    let (school_id, _) = store::teacher_school(&st.db, caller.user_id, campaign_id).await?.ok_or(AppError::Forbidden)?;
    caller.require(&st.db, Permission::OlympiadRegister, school_id).await?;
    let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
    let pupils = store::card_pupils(&st.db, campaign_id, school_id, number("participant_id")).await?;
    if pupils.is_empty() {
        return Err(AppError::NotFound);
    }
    let school = store::cards::school_name(&st.db, school_id).await?;
    let now = crate::api::now_ms();
    let ttl = (campaign.stages.results_at - now).max(MIN_CODE_TTL_MS);
    let url = sign_in_url(&st.settings.public_url);
    let mut cards = Vec::with_capacity(pupils.len());
    let mut tx = st.db.begin().await?;
    for p in &pupils {
        // Each card speaks the language of its pupil's paper.
        let l = if p.language == "ru" { Locale::Ru } else { Locale::Kk };
        let code = if p.first_sign_in {
            crate::auth::store::create_code(&mut tx, p.user_id, crate::auth::store::CodePurpose::FirstSignIn, ttl).await?
        } else {
            Msg::OlyCardOwnPassword.text(l).to_string()
        };
        let language = if p.language == "ru" { Msg::OlyLangRu } else { Msg::OlyLangKk };
        cards.push(Card {
            heading: format!("{} · {}", campaign.title, school),
            title: Msg::OlyCardTitle.text(l).to_string(),
            fields: vec![
                (Msg::FullName.text(l).to_string(), p.full_name.clone()),
                (Msg::Login.text(l).to_string(), p.iin.clone()),
                (Msg::OlyFirstCode.text(l).to_string(), code),
                (Msg::OlyGrade.text(l).to_string(), p.grade.to_string()),
                (Msg::OlyPaperLanguage.text(l).to_string(), language.text(l).to_string()),
                (Msg::OlyCodeValidUntil.text(l).to_string(), crate::ui::time::format_datetime(now + ttl)),
            ],
            note: Msg::OlyCardNote.text(l).to_string(),
            qr_url: url.clone(),
        });
    }
    crate::audit::store::record(
        &mut tx,
        crate::audit::store::Entry {
            actor_id: Some(caller.user_id),
            ip: &caller.ip,
            action: "olympiad.cards.issue",
            entity: "olympiad_campaign",
            entity_id: campaign_id.to_string(),
            org_id: Some(school_id),
            before: None,
            after: Some(serde_json::json!({
                "participants": pupils.iter().map(|p| p.participant_id).collect::<Vec<_>>(),
                "codes": pupils.iter().filter(|p| p.first_sign_in).map(|p| p.participant_id).collect::<Vec<_>>() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(cards_pdf(&cards, Msg::OlyCardTitle.text(locale), locale))
}

// ---------------------------------------------------------------------------------------------
// The card as PDF (also the olympiad's certificates, `results/certificates.rs`), drawn with the engine
// in `docs::pdf`

/// A card handed to a person (an olympiad participant's registration card): a heading, a
/// title, labelled values, a note, and a QR code of `qr_url` with the address printed under it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Card {
    pub heading: String,
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub note: String,
    pub qr_url: String,
}

/// One card per A5 page (a school prints them on A4 two to a sheet, or as they are).
pub fn cards_pdf(cards: &[Card], title: &str, locale: Locale) -> Vec<u8> {
    const A5_SHORT: f32 = 419.53;
    let mut f = Flow::new(A5_SHORT, A4_SHORT, [36.0, 36.0, 36.0, 36.0]);
    for (i, card) in cards.iter().enumerate() {
        if i > 0 {
            f.new_page();
        }
        f.paragraph(&card.heading, Style { gray: 60, ..Style::regular(9.0) }, Align::Center, 0.0);
        f.gap(10.0);
        f.paragraph(&card.title, Style::bold(15.0), Align::Center, 0.0);
        f.gap(14.0);
        let fields: Vec<(&str, &String)> = card.fields.iter().map(|(label, value)| (label.as_str(), value)).collect();
        f.fields(&fields, 11.0);
        f.gap(10.0);
        f.paragraph(&card.note, Style { leading: 1.4, ..Style::regular(9.0) }, Align::Left, 0.0);
        if let Some(qr) = qr_matrix(&card.qr_url) {
            let size = 110.0;
            // Four modules of white around the code, as the QR standard asks.
            let quiet = 4.0 * size / qr.width.max(1) as f32;
            f.room(size + 2.0 * quiet + 12.0);
            f.gap(quiet);
            let (x, y) = (f.left, f.y);
            f.ops().push(qr_op(&qr, x, y, size));
            f.gap(size + quiet);
        }
        f.paragraph(&card.qr_url, Style { gray: 60, ..Style::regular(8.0) }, Align::Left, 0.0);
    }
    render(&f.pages, title, Some(locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(login: &str) -> Card {
        Card {
            heading: "Мың бала 2027 · Абай атындағы мектеп".into(),
            title: Msg::OlyCardTitle.text(Locale::Kk).into(),
            fields: vec![("Логин".into(), login.into()), ("Алғашқы кіру коды".into(), "482913".into())],
            note: Msg::OlyCardNote.text(Locale::Kk).into(),
            qr_url: "http://127.0.0.1:3000/forgot".into(),
        }
    }

    #[test]
    fn one_card_a_page_with_the_login_the_code_and_a_qr_code() {
        let pdf = cards_pdf(&[card("060315600303"), card("070215600111")], "Cards", Locale::Kk);
        let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
        assert_eq!(doc.get_pages().len(), 2);
        let text = |page: u32| doc.extract_text(&[page]).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for (page, login) in [(1, "060315600303"), (2, "070215600111")] {
            let t = text(page);
            for expected in [login, "482913", "http://127.0.0.1:3000/forgot", "ТІРКЕУ КАРТАСЫ", "Мың бала 2027"] {
                assert!(t.to_uppercase().contains(&expected.to_uppercase()), "page {page}: {expected:?} missing from {t}");
            }
        }
        // The QR code is drawn as filled rectangles (runs of dark modules): many of them.
        let id = doc.get_pages()[&1];
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
        assert!(content.operations.iter().filter(|op| op.operator == "re").count() > 50);
    }
}
