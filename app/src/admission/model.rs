//! Admission's shared types: the legal quota categories, scores as the certificate writes them,
//! an offer (specialty × language of study) with its places, applications and the ranked lists.
//! Compiled for the browser too.

use crate::admin::model::StudyLanguage;
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The legal categories with places kept for them in the state order (the admission rules'
/// quota: persons with disabilities, orphans and children left without parental care, rural
/// youth, children of large families). Their order here is the order quotas are filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Disability,
    Orphan,
    Rural,
    LargeFamily,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Disability, Category::Orphan, Category::Rural, Category::LargeFamily];

    pub fn code(self) -> &'static str {
        match self {
            Category::Disability => "disability",
            Category::Orphan => "orphan",
            Category::Rural => "rural",
            Category::LargeFamily => "large_family",
        }
    }
    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
    pub fn msg(self) -> Msg {
        match self {
            Category::Disability => Msg::AdmCatDisability,
            Category::Orphan => Msg::AdmCatOrphan,
            Category::Rural => Msg::AdmCatRural,
            Category::LargeFamily => Msg::AdmCatLargeFamily,
        }
    }
    /// "orphan,rural" as stored.
    pub fn join(cats: &[Category]) -> String {
        cats.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")
    }
    pub fn split(stored: &str) -> Vec<Category> {
        let mut v: Vec<Category> = stored.split(',').filter_map(|c| Category::from_code(c.trim())).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Reads a number with at most two decimals ("4,25", "4.5", "5") as hundredths.
fn hundredths(raw: &str) -> Option<i64> {
    let s = raw.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || whole.len() > 4 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?)
}

/// The average mark of the education certificate, 1.00 to 5.00 with two decimals at most.
pub fn parse_certificate_score(raw: &str) -> Result<i64, Msg> {
    if raw.trim().is_empty() {
        return Err(Msg::ErrRequired);
    }
    hundredths(raw).filter(|v| (100..=500).contains(v)).ok_or(Msg::ErrAdmCertificateScore)
}

/// The average of the profile subjects (a tie-break), the same range; empty is none (0).
pub fn parse_profile_score(raw: &str) -> Result<i64, Msg> {
    if raw.trim().is_empty() {
        return Ok(0);
    }
    parse_certificate_score(raw)
}

/// An entrance test's score, 0 to 100 with two decimals at most; empty is none.
pub fn parse_test_score(raw: &str) -> Result<Option<i64>, Msg> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    hundredths(raw).filter(|v| (0..=10_000).contains(v)).map(Some).ok_or(Msg::ErrAdmTestScore)
}

/// Hundredths as "4.25" (the lists show them so).
pub fn show_score(v: i64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// The most specialties an applicant may list (a campaign sets its own, 1 to this).
pub const MAX_CHOICES: i64 = 5;

/// The state-order places of one specialty in one language of study.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: i64,
    pub specialty_code: String,
    pub specialty_name: String,
    pub language: StudyLanguage,
    pub places: i64,
    pub entrance_test: bool,
    /// Places kept per category, in `Category::ALL`'s order.
    pub quotas: [i64; 4],
}

impl Offer {
    pub fn quota(&self, c: Category) -> i64 {
        self.quotas[Category::ALL.iter().position(|x| *x == c).unwrap_or(0)]
    }
    pub fn label(&self, l: crate::i18n::Locale) -> String {
        format!("{} {} ({})", self.specialty_code, self.specialty_name, self.language.msg().text(l))
    }
}

/// Checks an offer's places and quotas as typed: whole numbers, places 0..=1000, each quota
/// 0 or more and all quotas together no more than the places.
pub fn check_places(places: &str, quotas: [&str; 4]) -> Result<(i64, [i64; 4]), Vec<(String, Msg)>> {
    let mut errors = Vec::new();
    let num = |raw: &str| -> Option<i64> {
        let s = raw.trim();
        if s.is_empty() {
            return Some(0);
        }
        s.parse::<i64>().ok().filter(|v| (0..=1000).contains(v))
    };
    let p = match places.trim() {
        "" => {
            errors.push(("places".to_string(), Msg::ErrRequired));
            0
        }
        s => num(s).unwrap_or_else(|| {
            errors.push(("places".to_string(), Msg::ErrAdmPlaces));
            0
        }),
    };
    let mut q = [0i64; 4];
    for (i, c) in Category::ALL.iter().enumerate() {
        match num(quotas[i]) {
            Some(v) => q[i] = v,
            None => errors.push((format!("quota_{}", c.code()), Msg::ErrAdmPlaces)),
        }
    }
    if errors.is_empty() && q.iter().sum::<i64>() > p {
        errors.push(("places".to_string(), Msg::ErrAdmQuotasExceedPlaces));
    }
    if errors.is_empty() {
        Ok((p, q))
    } else {
        Err(errors)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignStatus {
    Open,
    Published,
}

impl CampaignStatus {
    pub fn code(self) -> &'static str {
        match self {
            CampaignStatus::Open => "open",
            CampaignStatus::Published => "published",
        }
    }
    pub fn from_code(c: &str) -> Option<CampaignStatus> {
        match c {
            "open" => Some(CampaignStatus::Open),
            "published" => Some(CampaignStatus::Published),
            _ => None,
        }
    }
}

/// A campaign with its offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub college_id: i64,
    pub college: String,
    pub year: i64,
    pub title: String,
    pub max_choices: i64,
    pub status: CampaignStatus,
    pub offers: Vec<Offer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationStatus {
    Submitted,
    Returned,
    Accepted,
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] =
        [ApplicationStatus::Submitted, ApplicationStatus::Returned, ApplicationStatus::Accepted, ApplicationStatus::Withdrawn];
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(c: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|s| s.code() == c)
    }
    pub fn msg(self) -> Msg {
        match self {
            ApplicationStatus::Submitted => Msg::AdmStatusSubmitted,
            ApplicationStatus::Returned => Msg::AdmStatusReturned,
            ApplicationStatus::Accepted => Msg::AdmStatusAccepted,
            ApplicationStatus::Withdrawn => Msg::AdmStatusWithdrawn,
        }
    }
}

/// The number an application is known by on the lists: year and id ("2027-00042").
pub fn application_number(year: i64, id: i64) -> String {
    format!("{year}-{id:05}")
}

/// A name as a public list shows it: each word's first letter and asterisks ("Ә*** Н***").
pub fn masked_name(full_name: &str) -> String {
    full_name.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}***")).collect::<Vec<_>>().join(" ")
}

/// An application as its applicant and the committee see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: i64,
    pub number: String,
    pub campaign_id: i64,
    /// The applicant's account.
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub phone: String,
    pub certificate_score: i64,
    pub honours: bool,
    pub profile_score: i64,
    pub test_score: Option<i64>,
    pub categories: Vec<Category>,
    pub document_name: Option<String>,
    pub status: ApplicationStatus,
    pub comment: String,
    pub submitted_at: i64,
    /// Offer ids in order of preference.
    pub choices: Vec<i64>,
    /// The offer the published ranking placed them on.
    pub placed: Option<i64>,
    /// The group they were enrolled into.
    pub enrolled_group: Option<String>,
    /// The code of the receipt's public check page: given when the committee first accepts the
    /// documents, so the receipt exists from then on.
    pub receipt_code: Option<String>,
    /// When the committee last accepted the documents (the receipt's date).
    pub accepted_at: Option<i64>,
}

/// What the public check page of a receipt shows (its QR code opens it): no IIN, no contacts,
/// the name masked as on the public lists. Valid while the documents stand accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedReceipt {
    pub number: String,
    pub person: String,
    pub college: String,
    pub campaign: String,
    pub accepted_at: i64,
    pub status: ApplicationStatus,
    pub valid: bool,
}

/// What a place on a ranked list came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// A place kept for the category.
    Quota(Category),
    /// A place of the general competition.
    General,
    /// Placed on a specialty listed before this one.
    HigherChoice,
    NotPlaced,
}

impl Outcome {
    pub fn code(self) -> String {
        match self {
            Outcome::Quota(c) => format!("quota:{}", c.code()),
            Outcome::General => "general".into(),
            Outcome::HigherChoice => "higher".into(),
            Outcome::NotPlaced => "none".into(),
        }
    }
    pub fn from_code(s: &str) -> Option<Outcome> {
        match s {
            "general" => Some(Outcome::General),
            "higher" => Some(Outcome::HigherChoice),
            "none" => Some(Outcome::NotPlaced),
            _ => s.strip_prefix("quota:").and_then(Category::from_code).map(Outcome::Quota),
        }
    }
    pub fn placed(self) -> bool {
        matches!(self, Outcome::Quota(_) | Outcome::General)
    }
    pub fn msg(self) -> Msg {
        match self {
            Outcome::Quota(_) => Msg::AdmOutcomeQuota,
            Outcome::General => Msg::AdmOutcomeGeneral,
            Outcome::HigherChoice => Msg::AdmOutcomeHigher,
            Outcome::NotPlaced => Msg::AdmOutcomeNone,
        }
    }
}

/// One line of a ranked list. The public list carries the number, the masked name, score,
/// categories and outcome; the committee's preview adds who it is and the tie-break facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListLine {
    pub position: i64,
    pub number: String,
    pub name: String,
    pub score: i64,
    pub categories: Vec<Category>,
    pub outcome: Outcome,
    /// Committee only: the application, honours, profile score, submission time.
    pub application_id: Option<i64>,
    pub honours: Option<bool>,
    pub profile_score: Option<i64>,
    pub submitted_at: Option<i64>,
}

/// A ranked list of one offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferList {
    pub offer: Offer,
    pub lines: Vec<ListLine>,
}

/// A campaign's ranked lists (the committee's preview, or what was published).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignLists {
    pub campaign_id: i64,
    pub title: String,
    pub college: String,
    pub year: i64,
    pub published: bool,
    pub lists: Vec<OfferList>,
}

/// A group of the college an applicant may be enrolled into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOption {
    pub id: i64,
    pub name: String,
    pub specialty_code: String,
    pub language: Option<StudyLanguage>,
}

/// The committee's view of a campaign: its applications and the college's groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeCampaign {
    pub campaign: Campaign,
    pub applications: Vec<Application>,
    pub groups: Vec<GroupOption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_read_as_the_certificate_writes_them() {
        assert_eq!(parse_certificate_score("4,25"), Ok(425));
        assert_eq!(parse_certificate_score(" 5 "), Ok(500));
        assert_eq!(parse_certificate_score("3.5"), Ok(350));
        assert_eq!(parse_certificate_score("5.01"), Err(Msg::ErrAdmCertificateScore));
        assert_eq!(parse_certificate_score("0.99"), Err(Msg::ErrAdmCertificateScore));
        assert_eq!(parse_certificate_score("4.255"), Err(Msg::ErrAdmCertificateScore));
        assert_eq!(parse_certificate_score("4."), Err(Msg::ErrAdmCertificateScore));
        assert_eq!(parse_certificate_score(""), Err(Msg::ErrRequired));
        assert_eq!(parse_test_score("87,5"), Ok(Some(8750)));
        assert_eq!(parse_test_score(""), Ok(None));
        assert_eq!(parse_test_score("101"), Err(Msg::ErrAdmTestScore));
        assert_eq!(show_score(425), "4.25");
    }

    #[test]
    fn quotas_cannot_exceed_places() {
        assert_eq!(check_places("10", ["1", "2", "", "0"]), Ok((10, [1, 2, 0, 0])));
        assert_eq!(check_places("3", ["1", "1", "1", "1"]), Err(vec![("places".into(), Msg::ErrAdmQuotasExceedPlaces)]));
        assert_eq!(check_places("x", ["-1", "", "", ""]).unwrap_err().len(), 2);
    }

    #[test]
    fn names_are_masked_and_outcomes_read_back() {
        assert_eq!(masked_name("Нұрланова  Әлия"), "Н*** Ә***");
        for o in [Outcome::Quota(Category::Rural), Outcome::General, Outcome::HigherChoice, Outcome::NotPlaced] {
            assert_eq!(Outcome::from_code(&o.code()), Some(o));
        }
        assert_eq!(Category::split("rural,orphan,x,rural"), vec![Category::Orphan, Category::Rural]);
    }
}
