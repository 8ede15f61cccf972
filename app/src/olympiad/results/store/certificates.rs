//! The certificates' SQL: the participants and wins a campaign's certificates are issued for,
//! a certificate's insert and number, withdrawing and restoring certificates as results
//! change, and a certificate found by its number or its holder with what its PDF needs.

use super::super::file::{CertificateKind, CertificateView};
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Locale;
use sqlx::{Any, Transaction};

/// Participants of the campaign with at least one result that is not annulled.
pub async fn participants_with_results(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT participant_id FROM olympiad_results WHERE campaign_id = $1 AND annulled = 0 ORDER BY participant_id",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The campaign's wins that are not annulled: (participant, subject).
pub async fn wins(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT participant_id, subject FROM olympiad_results WHERE campaign_id = $1 AND annulled = 0 AND winner = 1
         ORDER BY participant_id, subject",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// A certificate to insert unless the participant already holds it.
pub struct NewCertificate<'a> {
    /// A unique placeholder until the number is known.
    pub placeholder: &'a str,
    pub campaign_id: i64,
    pub participant_id: i64,
    pub kind: CertificateKind,
    pub subject: &'a str,
    pub issued_at: i64,
    pub issued_by: i64,
}

/// Inserts the certificate unless the participant already holds it; its row id when inserted
/// now, None when it was held already.
pub async fn insert(tx: &mut Transaction<'_, Any>, c: NewCertificate<'_>) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO olympiad_certificates (number, campaign_id, participant_id, kind, subject, issued_at, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (participant_id, kind, subject) DO NOTHING RETURNING id",
    )
    .bind(c.placeholder)
    .bind(c.campaign_id)
    .bind(c.participant_id)
    .bind(c.kind.code())
    .bind(c.subject)
    .bind(c.issued_at)
    .bind(c.issued_by)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Gives a certificate its number.
pub async fn set_number(tx: &mut Transaction<'_, Any>, id: i64, number: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_certificates SET number = $1 WHERE id = $2").bind(number).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Withdraws the campaign's certificates whose ground went (a participation certificate whose
/// holder has no valid result left, a winner's diploma whose subject no longer wins) and
/// restores those whose ground came back. Called after every ranking, in its transaction, so
/// an annulment by import or by a proctor's verdict reaches the certificates at once.
/// Returns (withdrawn, restored).
pub async fn follow_results(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<(u64, u64), AppError> {
    const GROUND: &str = "((x.kind = 'participation' AND EXISTS (SELECT 1 FROM olympiad_results r
            WHERE r.participant_id = x.participant_id AND r.annulled = 0))
        OR (x.kind = 'winner' AND EXISTS (SELECT 1 FROM olympiad_results r
            WHERE r.participant_id = x.participant_id AND r.subject = x.subject AND r.annulled = 0 AND r.winner = 1)))";
    let withdrawn = sqlx::query(&format!(
        "UPDATE olympiad_certificates SET withdrawn_at = $1 WHERE campaign_id = $2 AND withdrawn_at IS NULL
         AND id IN (SELECT x.id FROM olympiad_certificates x WHERE x.campaign_id = $2 AND NOT {GROUND})"
    ))
    .bind(now)
    .bind(campaign_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let restored = sqlx::query(&format!(
        "UPDATE olympiad_certificates SET withdrawn_at = NULL WHERE campaign_id = $1 AND withdrawn_at IS NOT NULL
         AND id IN (SELECT x.id FROM olympiad_certificates x WHERE x.campaign_id = $1 AND {GROUND})"
    ))
    .bind(campaign_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok((withdrawn, restored))
}

/// A certificate with what its PDF needs and who may download it.
pub struct Issued {
    pub view: CertificateView,
    pub holder_id: i64,
    pub school: String,
    pub grade: i64,
    /// The language of the participant's paper: the certificate speaks it.
    pub language: Locale,
}

const SELECT_ISSUED: &str =
    "SELECT x.number, x.kind, x.subject, x.issued_at, x.withdrawn_at, c.title, u.full_name, u.id AS holder_id, op.language,
        op.grade, s.name AS school
     FROM olympiad_certificates x
     JOIN olympiad_campaigns c ON c.id = x.campaign_id
     JOIN olympiad_participants op ON op.id = x.participant_id
     JOIN users u ON u.id = op.user_id
     JOIN organisations s ON s.id = op.school_id";

/// A certificate as stored: its kind and language are codes, a participation certificate's
/// subject is empty.
#[derive(sqlx::FromRow)]
struct StoredIssued {
    number: String,
    kind: String,
    subject: String,
    issued_at: i64,
    withdrawn_at: Option<i64>,
    title: String,
    full_name: String,
    holder_id: i64,
    language: String,
    grade: i64,
    school: String,
}

impl TryFrom<StoredIssued> for Issued {
    type Error = AppError;

    fn try_from(r: StoredIssued) -> Result<Self, AppError> {
        Ok(Issued {
            view: CertificateView {
                number: r.number,
                full_name: r.full_name,
                campaign: r.title,
                kind: CertificateKind::from_code(&r.kind).ok_or(AppError::Internal)?,
                subject: (!r.subject.is_empty()).then_some(r.subject),
                issued_at: r.issued_at,
                withdrawn_at: r.withdrawn_at,
            },
            holder_id: r.holder_id,
            school: r.school,
            grade: r.grade,
            language: if r.language == "ru" { Locale::Ru } else { Locale::Kk },
        })
    }
}

/// The certificate with this number.
pub async fn find(db: &Db, number: &str) -> Result<Option<Issued>, AppError> {
    let row =
        sqlx::query_as::<_, StoredIssued>(&format!("{SELECT_ISSUED} WHERE x.number = $1")).bind(number).fetch_optional(&db.pool).await?;
    row.map(Issued::try_from).transpose()
}

/// The certificates a person holds, newest first.
pub async fn of_holder(db: &Db, user_id: i64) -> Result<Vec<CertificateView>, AppError> {
    let rows = sqlx::query_as::<_, StoredIssued>(&format!(
        "{SELECT_ISSUED} WHERE u.id = $1 ORDER BY x.issued_at DESC, x.kind DESC, x.subject, x.id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| Issued::try_from(r).map(|i| i.view)).collect()
}
