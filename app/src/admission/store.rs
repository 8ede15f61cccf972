//! All SQL of admission: campaigns and their offers, applications with their choices, the
//! published lists. Server functions call these after checking the caller; writes run in the
//! action's transaction.

use super::model::{application_number, Application, ApplicationStatus, Campaign, CampaignStatus, Category, Offer, Outcome};
use crate::admin::model::StudyLanguage;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Executor, Transaction};

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    college_id: i64,
    college: String,
    year: i64,
    title: String,
    max_choices: i64,
    status: String,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    id: i64,
    specialty_code: String,
    specialty_name: String,
    study_language: String,
    places: i64,
    entrance_test: i64,
    quota_disability: i64,
    quota_orphan: i64,
    quota_rural: i64,
    quota_large_family: i64,
}

impl OfferRow {
    fn offer(self) -> Result<Offer, AppError> {
        Ok(Offer {
            id: self.id,
            specialty_code: self.specialty_code,
            specialty_name: self.specialty_name,
            language: StudyLanguage::from_code(&self.study_language).ok_or(AppError::Internal)?,
            places: self.places,
            entrance_test: self.entrance_test != 0,
            quotas: [self.quota_disability, self.quota_orphan, self.quota_rural, self.quota_large_family],
        })
    }
}

const CAMPAIGN_SELECT: &str = "SELECT c.id, c.college_id, o.name AS college, c.year, c.title, c.max_choices, c.status
     FROM admission_campaigns c JOIN organisations o ON o.id = c.college_id";

async fn with_offers<'e, E: Executor<'e, Database = Any> + Copy>(ex: E, rows: Vec<CampaignRow>) -> Result<Vec<Campaign>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let offers = offers(ex, r.id).await?;
        out.push(Campaign {
            id: r.id,
            college_id: r.college_id,
            college: r.college,
            year: r.year,
            title: r.title,
            max_choices: r.max_choices,
            status: CampaignStatus::from_code(&r.status).ok_or(AppError::Internal)?,
            offers,
        });
    }
    Ok(out)
}

/// A campaign's offers, by specialty code and language.
pub async fn offers<'e, E: Executor<'e, Database = Any>>(ex: E, campaign_id: i64) -> Result<Vec<Offer>, AppError> {
    let rows = sqlx::query_as::<_, OfferRow>(
        "SELECT id, specialty_code, specialty_name, study_language, places, entrance_test, quota_disability, quota_orphan,
                quota_rural, quota_large_family
         FROM admission_offers WHERE campaign_id = $1 ORDER BY specialty_code, study_language, id",
    )
    .bind(campaign_id)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(OfferRow::offer).collect()
}

pub async fn campaign(db: &Db, id: i64) -> Result<Option<Campaign>, AppError> {
    let rows = sqlx::query_as::<_, CampaignRow>(&format!("{CAMPAIGN_SELECT} WHERE c.id = $1")).bind(id).fetch_all(&db.pool).await?;
    Ok(with_offers(&db.pool, rows).await?.pop())
}

/// The status of a campaign, read in the action's transaction (publication closes it).
pub async fn campaign_status(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Option<CampaignStatus>, AppError> {
    let s: Option<String> =
        sqlx::query_scalar("SELECT status FROM admission_campaigns WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    Ok(s.and_then(|s| CampaignStatus::from_code(&s)))
}

/// The campaigns of these colleges, newest first.
pub async fn campaigns_of(db: &Db, college_ids: &[i64]) -> Result<Vec<Campaign>, AppError> {
    let mut rows = Vec::new();
    for id in college_ids {
        rows.extend(
            sqlx::query_as::<_, CampaignRow>(&format!("{CAMPAIGN_SELECT} WHERE c.college_id = $1")).bind(id).fetch_all(&db.pool).await?,
        );
    }
    rows.sort_by(|a, b| b.year.cmp(&a.year).then(a.college.cmp(&b.college)));
    with_offers(&db.pool, rows).await
}

/// Campaigns in a status, newest first.
pub async fn campaigns_with_status(db: &Db, status: CampaignStatus) -> Result<Vec<Campaign>, AppError> {
    let rows = sqlx::query_as::<_, CampaignRow>(&format!("{CAMPAIGN_SELECT} WHERE c.status = $1 ORDER BY c.year DESC, o.name, c.id"))
        .bind(status.code())
        .fetch_all(&db.pool)
        .await?;
    with_offers(&db.pool, rows).await
}

pub async fn insert_campaign(
    tx: &mut Transaction<'_, Any>,
    college_id: i64,
    year: i64,
    title: &str,
    max_choices: i64,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admission_campaigns WHERE college_id = $1 AND year = $2")
        .bind(college_id)
        .bind(year)
        .fetch_one(&mut **tx)
        .await?;
    if taken > 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar(
            "INSERT INTO admission_campaigns (college_id, year, title, max_choices, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(college_id)
        .bind(year)
        .bind(title)
        .bind(max_choices)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?,
    ))
}

/// Adds the offer, or sets its places when the campaign has this specialty and language.
pub async fn save_offer(tx: &mut Transaction<'_, Any>, campaign_id: i64, o: &Offer) -> Result<i64, AppError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM admission_offers WHERE campaign_id = $1 AND specialty_code = $2 AND study_language = $3")
            .bind(campaign_id)
            .bind(&o.specialty_code)
            .bind(o.language.code())
            .fetch_optional(&mut **tx)
            .await?;
    let q = o.quotas;
    match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE admission_offers SET specialty_name = $1, places = $2, entrance_test = $3, quota_disability = $4,
                 quota_orphan = $5, quota_rural = $6, quota_large_family = $7 WHERE id = $8",
            )
            .bind(&o.specialty_name)
            .bind(o.places)
            .bind(i64::from(o.entrance_test))
            .bind(q[0])
            .bind(q[1])
            .bind(q[2])
            .bind(q[3])
            .bind(id)
            .execute(&mut **tx)
            .await?;
            Ok(id)
        }
        None => Ok(sqlx::query_scalar(
            "INSERT INTO admission_offers (campaign_id, specialty_code, specialty_name, study_language, places, entrance_test,
                 quota_disability, quota_orphan, quota_rural, quota_large_family)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(campaign_id)
        .bind(&o.specialty_code)
        .bind(&o.specialty_name)
        .bind(o.language.code())
        .bind(o.places)
        .bind(i64::from(o.entrance_test))
        .bind(q[0])
        .bind(q[1])
        .bind(q[2])
        .bind(q[3])
        .fetch_one(&mut **tx)
        .await?),
    }
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    campaign_id: i64,
    user_id: i64,
    year: i64,
    iin: String,
    full_name: String,
    phone: String,
    certificate_score: i64,
    honours: i64,
    profile_score: i64,
    test_score: Option<i64>,
    categories: String,
    document_name: Option<String>,
    status: String,
    comment: String,
    submitted_at: i64,
    enrolled_name: Option<String>,
    receipt_code: Option<String>,
    accepted_at: Option<i64>,
}

const APPLICATION_SELECT: &str =
    "SELECT a.id, a.campaign_id, a.user_id, c.year, a.iin, a.full_name, a.phone, a.certificate_score, a.honours,
        a.profile_score, a.test_score, a.categories, a.document_name, a.status, a.comment, a.submitted_at, g.name AS enrolled_name,
        a.receipt_code, a.accepted_at
     FROM admission_applications a JOIN admission_campaigns c ON c.id = a.campaign_id
     LEFT JOIN organisations g ON g.id = a.enrolled_group";

/// The applications of `rows` with their choices and the offer the published ranking placed
/// them on, read on one connection: a pool's, or the action's transaction (`&mut **tx`), whose
/// snapshot the publication ranks.
async fn complete(conn: &mut sqlx::AnyConnection, rows: Vec<ApplicationRow>) -> Result<Vec<Application>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let choices: Vec<i64> = sqlx::query_scalar("SELECT offer_id FROM admission_choices WHERE application_id = $1 ORDER BY preference")
            .bind(r.id)
            .fetch_all(&mut *conn)
            .await?;
        let placed: Option<i64> = sqlx::query_scalar(
            "SELECT offer_id FROM admission_list_rows WHERE application_id = $1 AND (outcome = 'general' OR outcome LIKE 'quota:%')",
        )
        .bind(r.id)
        .fetch_optional(&mut *conn)
        .await?;
        out.push(Application {
            id: r.id,
            number: application_number(r.year, r.id),
            campaign_id: r.campaign_id,
            user_id: r.user_id,
            iin: r.iin,
            full_name: r.full_name,
            phone: r.phone,
            certificate_score: r.certificate_score,
            honours: r.honours != 0,
            profile_score: r.profile_score,
            test_score: r.test_score,
            categories: Category::split(&r.categories),
            document_name: r.document_name,
            status: ApplicationStatus::from_code(&r.status).ok_or(AppError::Internal)?,
            comment: r.comment,
            submitted_at: r.submitted_at,
            choices,
            placed,
            enrolled_group: r.enrolled_name,
            receipt_code: r.receipt_code,
            accepted_at: r.accepted_at,
        });
    }
    Ok(out)
}

/// The caller's applications, newest campaign first.
pub async fn applications_of_user(db: &Db, user_id: i64) -> Result<Vec<Application>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let rows = sqlx::query_as::<_, ApplicationRow>(&format!("{APPLICATION_SELECT} WHERE a.user_id = $1 ORDER BY c.year DESC, a.id"))
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    complete(&mut conn, rows).await
}

/// A campaign's applications in the order they came.
async fn of_campaign(conn: &mut sqlx::AnyConnection, campaign_id: i64) -> Result<Vec<Application>, AppError> {
    let rows = sqlx::query_as::<_, ApplicationRow>(&format!("{APPLICATION_SELECT} WHERE a.campaign_id = $1 ORDER BY a.submitted_at, a.id"))
        .bind(campaign_id)
        .fetch_all(&mut *conn)
        .await?;
    complete(conn, rows).await
}

pub async fn applications_of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<Application>, AppError> {
    of_campaign(&mut *db.pool.acquire().await?, campaign_id).await
}

/// The same, read in the action's transaction (what a publication ranks).
pub async fn applications_of_campaign_in(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<Application>, AppError> {
    of_campaign(&mut **tx, campaign_id).await
}

/// One application with its choices and placement.
async fn one(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Application>, AppError> {
    let rows = sqlx::query_as::<_, ApplicationRow>(&format!("{APPLICATION_SELECT} WHERE a.id = $1")).bind(id).fetch_all(&mut *conn).await?;
    Ok(complete(conn, rows).await?.into_iter().next())
}

/// One application, read in the action's transaction.
pub async fn application(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Option<Application>, AppError> {
    one(&mut **tx, id).await
}

/// One application outside a transaction (a download).
pub async fn application_read(db: &Db, id: i64) -> Result<Option<Application>, AppError> {
    one(&mut *db.pool.acquire().await?, id).await
}

/// The application a receipt's check code names, with its college and campaign titles.
pub async fn by_receipt_code(db: &Db, code: &str) -> Result<Option<(Application, String, String)>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, o.name, c.title FROM admission_applications a JOIN admission_campaigns c ON c.id = a.campaign_id
         JOIN organisations o ON o.id = c.college_id WHERE a.receipt_code = $1",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, college, campaign)) = row else { return Ok(None) };
    Ok(one(&mut conn, id).await?.map(|a| (a, college, campaign)))
}

/// (application id, owner, its last request key, its stored document key) of the account's
/// application to a campaign.
pub async fn application_of_user(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    user_id: i64,
) -> Result<Option<(i64, String, Option<String>)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String, Option<String>)>(
        "SELECT id, request_key, document_key FROM admission_applications WHERE campaign_id = $1 AND user_id = $2",
    )
    .bind(campaign_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The owner of an application and its campaign's college.
pub async fn owner(db: &Db, id: i64) -> Result<Option<(i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT a.user_id, a.campaign_id, c.college_id FROM admission_applications a JOIN admission_campaigns c ON c.id = a.campaign_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whether another account applied to the campaign with this IIN.
pub async fn iin_taken(tx: &mut Transaction<'_, Any>, campaign_id: i64, iin: &str, user_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admission_applications WHERE campaign_id = $1 AND iin = $2 AND user_id <> $3")
        .bind(campaign_id)
        .bind(iin)
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

/// What the applicant sends.
pub struct NewApplication<'a> {
    pub campaign_id: i64,
    pub user_id: i64,
    pub iin: &'a str,
    pub full_name: &'a str,
    pub phone: &'a str,
    pub certificate_score: i64,
    pub honours: bool,
    pub profile_score: i64,
    pub test_score: Option<i64>,
    pub categories: &'a [Category],
    /// (file name, media key) of a new supporting document; None keeps the stored one.
    pub document: Option<(&'a str, &'a str)>,
    pub request_key: &'a str,
    pub choices: &'a [i64],
    pub now: i64,
}

/// Writes the application (new, or the caller's again: it goes back to "submitted") and its
/// choices. Returns its id.
pub async fn save_application(tx: &mut Transaction<'_, Any>, a: &NewApplication<'_>, existing: Option<i64>) -> Result<i64, AppError> {
    let cats = Category::join(a.categories);
    let id = match existing {
        None => {
            sqlx::query_scalar(
                "INSERT INTO admission_applications (campaign_id, user_id, iin, full_name, phone, certificate_score, honours,
                     profile_score, test_score, categories, document_name, document_key, status, comment, request_key,
                     submitted_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'submitted', '', $13, $14, $14) RETURNING id",
            )
            .bind(a.campaign_id)
            .bind(a.user_id)
            .bind(a.iin)
            .bind(a.full_name)
            .bind(a.phone)
            .bind(a.certificate_score)
            .bind(i64::from(a.honours))
            .bind(a.profile_score)
            .bind(a.test_score)
            .bind(&cats)
            .bind(a.document.map(|d| d.0))
            .bind(a.document.map(|d| d.1))
            .bind(a.request_key)
            .bind(a.now)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| {
                // Two people typing the same IIN at the same moment: the second is told at the field.
                if crate::db::is_unique_violation(&e, "iin") {
                    AppError::field("iin", crate::i18n::Msg::ErrAdmIinTaken)
                } else {
                    e.into()
                }
            })?
        }
        Some(id) => {
            sqlx::query(
                "UPDATE admission_applications SET iin = $1, full_name = $2, phone = $3, certificate_score = $4, honours = $5,
                     profile_score = $6, test_score = $7, categories = $8, status = 'submitted', request_key = $9, updated_at = $10
                 WHERE id = $11",
            )
            .bind(a.iin)
            .bind(a.full_name)
            .bind(a.phone)
            .bind(a.certificate_score)
            .bind(i64::from(a.honours))
            .bind(a.profile_score)
            .bind(a.test_score)
            .bind(&cats)
            .bind(a.request_key)
            .bind(a.now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            if let Some((name, key)) = a.document {
                sqlx::query("UPDATE admission_applications SET document_name = $1, document_key = $2 WHERE id = $3")
                    .bind(name)
                    .bind(key)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            sqlx::query("DELETE FROM admission_choices WHERE application_id = $1").bind(id).execute(&mut **tx).await?;
            id
        }
    };
    for (n, offer) in a.choices.iter().enumerate() {
        sqlx::query("INSERT INTO admission_choices (application_id, preference, offer_id) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(n as i64 + 1)
            .bind(offer)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

pub async fn set_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    status: ApplicationStatus,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE admission_applications SET status = $1, comment = $2, updated_at = $3 WHERE id = $4")
        .bind(status.code())
        .bind(comment)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if status == ApplicationStatus::Accepted {
        // The receipt: its check code is given once (a receipt printed earlier keeps working),
        // its date is the latest acceptance.
        sqlx::query("UPDATE admission_applications SET receipt_code = COALESCE(receipt_code, $1), accepted_at = $2 WHERE id = $3")
            .bind(crate::auth::ssr::random_token())
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The stored document of an application: (file name, media key).
pub async fn document(db: &Db, id: i64) -> Result<Option<(String, String)>, AppError> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT document_name, document_key FROM admission_applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(n, k)| Some((n?, k?))))
}

/// Replaces the published lists of a campaign's offers and marks it published.
pub async fn publish(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    rows: &[(i64, i64, i64, i64, Outcome)],
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM admission_list_rows WHERE offer_id IN (SELECT id FROM admission_offers WHERE campaign_id = $1)")
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    for (offer, position, application, score, outcome) in rows {
        sqlx::query("INSERT INTO admission_list_rows (offer_id, position, application_id, score, outcome) VALUES ($1, $2, $3, $4, $5)")
            .bind(offer)
            .bind(position)
            .bind(application)
            .bind(score)
            .bind(outcome.code())
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE admission_campaigns SET status = 'published', published_at = $1 WHERE id = $2")
        .bind(now)
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One published line, as the public list shows it (no IIN, no contacts).
#[derive(sqlx::FromRow)]
pub struct PublishedRow {
    pub position: i64,
    pub application_id: i64,
    pub full_name: String,
    pub score: i64,
    pub categories: String,
    pub outcome: String,
}

pub async fn published_lines(db: &Db, offer_id: i64) -> Result<Vec<PublishedRow>, AppError> {
    Ok(sqlx::query_as::<_, PublishedRow>(
        "SELECT r.position, r.application_id, a.full_name, r.score, a.categories, r.outcome
         FROM admission_list_rows r JOIN admission_applications a ON a.id = r.application_id
         WHERE r.offer_id = $1 ORDER BY r.position",
    )
    .bind(offer_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The campaign of an offer.
pub async fn campaign_of_offer(db: &Db, offer_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT campaign_id FROM admission_offers WHERE id = $1").bind(offer_id).fetch_optional(&db.pool).await?)
}

/// (user, offer placed on, group enrolled into) of an application, read in the transaction.
pub async fn enrolment_facts(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Option<(i64, Option<i64>, Option<i64>)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(
        "SELECT a.user_id,
                (SELECT r.offer_id FROM admission_list_rows r WHERE r.application_id = a.id AND (r.outcome = 'general' OR r.outcome LIKE 'quota:%')),
                a.enrolled_group
         FROM admission_applications a WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn set_enrolled(tx: &mut Transaction<'_, Any>, id: i64, group_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE admission_applications SET enrolled_group = $1, updated_at = $2 WHERE id = $3")
        .bind(group_id)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives the account its IIN when it has none and nobody else holds it (an applicant who
/// registered with a login becomes a student known by IIN).
pub async fn give_iin(tx: &mut Transaction<'_, Any>, user_id: i64, iin: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET iin = $1 WHERE id = $2 AND iin IS NULL AND NOT EXISTS (SELECT 1 FROM users o WHERE o.iin = $1)")
        .bind(iin)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
