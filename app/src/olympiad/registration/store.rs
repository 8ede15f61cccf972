//! The olympiad's SQL: the school directory (organisations plus their `school_profiles`),
//! campaigns with subjects and stage windows, and teacher registrations.

use super::directory::{DirectoryRow, RowError};
use super::model::*;
use crate::admin::model::ROOT_ORG_ID;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::{normal_name, Msg};
use sqlx::{Acquire, Any, Row, Transaction};
use std::collections::HashMap;

/// What school search compares: name and code, lower-cased by Rust (see the migration).
pub fn search_key(name: &str, code: &str) -> String {
    normal_name(&format!("{name} {code}"))
}

pub async fn directory_summary(db: &Db) -> Result<DirectorySummary, AppError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM organisations WHERE kind = 'region') AS regions,
                (SELECT COUNT(*) FROM organisations WHERE kind = 'district') AS districts,
                (SELECT COUNT(*) FROM school_profiles) AS schools,
                (SELECT COUNT(*) FROM school_profiles WHERE rural = 1) AS rural",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(DirectorySummary {
        regions: row.try_get("regions")?,
        districts: row.try_get("districts")?,
        schools: row.try_get("schools")?,
        rural_schools: row.try_get("rural")?,
    })
}

pub async fn regions(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM organisations WHERE kind = 'region' ORDER BY name")
        .fetch_all(&db.pool)
        .await?)
}

/// (id, kind) of the organisation named `name` directly under `parent`.
async fn child(tx: &mut Transaction<'_, Any>, parent: i64, name: &str) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>("SELECT id, kind FROM organisations WHERE parent_id = $1 AND name = $2")
        .bind(parent)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?)
}

async fn insert_org(tx: &mut Transaction<'_, Any>, parent: i64, kind: &str, name: &str, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(parent)
        .bind(kind)
        .bind(name)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
}

/// The region or district `name` under `parent`, created when missing. A different kind of
/// organisation holding the name (a college called like the district) is the row's error.
async fn find_or_add(
    tx: &mut Transaction<'_, Any>,
    cache: &mut HashMap<(i64, String), i64>,
    parent: i64,
    kind: &str,
    name: &str,
    now: i64,
    added: &mut i64,
) -> Result<Result<i64, Msg>, AppError> {
    if let Some(id) = cache.get(&(parent, name.to_string())) {
        return Ok(Ok(*id));
    }
    let id = match child(tx, parent, name).await? {
        Some((id, k)) if k == kind => id,
        Some(_) => return Ok(Err(Msg::ErrOlyNameTaken)),
        None => {
            *added += 1;
            insert_org(tx, parent, kind, name, now).await?
        }
    };
    cache.insert((parent, name.to_string()), id);
    Ok(Ok(id))
}

/// Writes the directory inside the caller's transaction: regions and districts by name,
/// schools by code (a known code updates its school, moving it if its district changed).
/// Conflicts with what is already stored come back as row errors; the caller then rolls back.
pub async fn import_directory(
    tx: &mut Transaction<'_, Any>,
    rows: &[DirectoryRow],
    now: i64,
) -> Result<Result<ImportReport, Vec<RowError>>, AppError> {
    let mut report = ImportReport { rows: rows.len() as i64, ..Default::default() };
    let mut errors: Vec<RowError> = Vec::new();
    let mut cache = HashMap::new();
    for r in rows {
        let row_err = |column: &str, msg: Msg| (format!("row.{}.{column}", r.row), msg);
        let region = match find_or_add(tx, &mut cache, ROOT_ORG_ID, "region", &r.region, now, &mut report.regions_added).await? {
            Ok(id) => id,
            Err(msg) => {
                errors.push(row_err("region", msg));
                continue;
            }
        };
        let parent = match &r.district {
            None => region,
            Some(d) => match find_or_add(tx, &mut cache, region, "district", d, now, &mut report.districts_added).await? {
                Ok(id) => id,
                Err(msg) => {
                    errors.push(row_err("district", msg));
                    continue;
                }
            },
        };
        let known: Option<i64> =
            sqlx::query_scalar("SELECT org_id FROM school_profiles WHERE code = $1").bind(&r.code).fetch_optional(&mut **tx).await?;
        let same_name = child(tx, parent, &r.name).await?;
        let school = match (known, same_name) {
            // The name is held by another organisation in that place.
            (Some(id), Some((other, _))) if other != id => {
                errors.push(row_err("name", Msg::ErrOlyNameTaken));
                continue;
            }
            (Some(id), _) => {
                sqlx::query("UPDATE organisations SET parent_id = $1, name = $2 WHERE id = $3")
                    .bind(parent)
                    .bind(&r.name)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                report.schools_updated += 1;
                id
            }
            (None, Some((id, kind))) => {
                // A school the administrators created by hand: the directory adopts it, unless
                // it already has another code or is not a school at all.
                let has_profile: Option<String> =
                    sqlx::query_scalar("SELECT code FROM school_profiles WHERE org_id = $1").bind(id).fetch_optional(&mut **tx).await?;
                if kind != "school" || has_profile.is_some() {
                    errors.push(row_err("name", Msg::ErrOlyNameTaken));
                    continue;
                }
                report.schools_added += 1;
                id
            }
            (None, None) => {
                report.schools_added += 1;
                insert_org(tx, parent, "school", &r.name, now).await?
            }
        };
        sqlx::query(
            "INSERT INTO school_profiles (org_id, code, rural, languages, search_key, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org_id) DO UPDATE SET code = $2, rural = $3, languages = $4, search_key = $5, updated_at = $6",
        )
        .bind(school)
        .bind(&r.code)
        .bind(i64::from(r.rural))
        .bind(r.languages.code())
        .bind(search_key(&r.name, &r.code))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(if errors.is_empty() { Ok(report) } else { Err(errors) })
}

const CAMPAIGN_COLUMNS: &str = "id, title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
     results_at, applications_opens, applications_closes, grade_min, grade_max, rural_only";

fn campaign_from(row: &sqlx::any::AnyRow) -> Result<Campaign, AppError> {
    Ok(Campaign {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        stages: Stages {
            teacher_reg_opens: row.try_get("teacher_reg_opens")?,
            teacher_reg_closes: row.try_get("teacher_reg_closes")?,
            participant_reg_opens: row.try_get("participant_reg_opens")?,
            participant_reg_closes: row.try_get("participant_reg_closes")?,
            results_at: row.try_get("results_at")?,
            applications_opens: row.try_get("applications_opens")?,
            applications_closes: row.try_get("applications_closes")?,
        },
        grade_min: row.try_get("grade_min")?,
        grade_max: row.try_get("grade_max")?,
        rural_only: row.try_get::<i64, _>("rural_only")? == 1,
        subjects: Vec::new(),
        windows: Vec::new(),
    })
}

async fn fill_campaign(db: &Db, mut c: Campaign) -> Result<Campaign, AppError> {
    c.subjects = sqlx::query_scalar("SELECT name FROM olympiad_subjects WHERE campaign_id = $1 ORDER BY position")
        .bind(c.id)
        .fetch_all(&db.pool)
        .await?;
    let windows = sqlx::query_as::<_, (i64, String, i64, i64)>(
        "SELECT w.region_id, o.name, w.opens_at, w.closes_at FROM olympiad_stage_windows w
         JOIN organisations o ON o.id = w.region_id WHERE w.campaign_id = $1 ORDER BY w.opens_at, o.name",
    )
    .bind(c.id)
    .fetch_all(&db.pool)
    .await?;
    c.windows = windows
        .into_iter()
        .map(|(region_id, region, opens_at, closes_at)| StageWindow { region_id, region, opens_at, closes_at })
        .collect();
    Ok(c)
}

pub async fn campaign(db: &Db, id: i64) -> Result<Option<Campaign>, AppError> {
    let row =
        sqlx::query(&format!("SELECT {CAMPAIGN_COLUMNS} FROM olympiad_campaigns WHERE id = $1")).bind(id).fetch_optional(&db.pool).await?;
    match row {
        Some(row) => Ok(Some(fill_campaign(db, campaign_from(&row)?).await?)),
        None => Ok(None),
    }
}

pub async fn campaigns(db: &Db) -> Result<Vec<Campaign>, AppError> {
    let rows = sqlx::query(&format!("SELECT {CAMPAIGN_COLUMNS} FROM olympiad_campaigns ORDER BY teacher_reg_opens DESC, id DESC"))
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(fill_campaign(db, campaign_from(row)?).await?);
    }
    Ok(out)
}

/// A new campaign and its subjects; a title already used is the title's error.
pub async fn insert_campaign(
    tx: &mut Transaction<'_, Any>,
    title: &str,
    stages: &Stages,
    grades: (i64, i64),
    rural_only: bool,
    subjects: &[String],
    actor: i64,
    now: i64,
) -> Result<i64, AppError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO olympiad_campaigns (title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
             results_at, applications_opens, applications_closes, grade_min, grade_max, rural_only, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(title)
    .bind(stages.teacher_reg_opens)
    .bind(stages.teacher_reg_closes)
    .bind(stages.participant_reg_opens)
    .bind(stages.participant_reg_closes)
    .bind(stages.results_at)
    .bind(stages.applications_opens)
    .bind(stages.applications_closes)
    .bind(grades.0)
    .bind(grades.1)
    .bind(i64::from(rural_only))
    .bind(actor)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e, "title") => return Err(AppError::field("title", Msg::ErrOlyCampaignTitleTaken)),
        Err(e) => return Err(e.into()),
    };
    for (position, name) in subjects.iter().enumerate() {
        sqlx::query("INSERT INTO olympiad_subjects (campaign_id, position, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(position as i64)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Sets (or moves) a region's stage-1 window, and with it the region's stage exams once the
/// stage is prepared; returns the window it replaced, for the audit.
pub async fn set_window(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
    now: i64,
) -> Result<Option<(i64, i64)>, AppError> {
    let before =
        sqlx::query_as::<_, (i64, i64)>("SELECT opens_at, closes_at FROM olympiad_stage_windows WHERE campaign_id = $1 AND region_id = $2")
            .bind(campaign_id)
            .bind(region_id)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO olympiad_stage_windows (campaign_id, region_id, opens_at, closes_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, region_id) DO UPDATE SET opens_at = $3, closes_at = $4",
    )
    .bind(campaign_id)
    .bind(region_id)
    .bind(opens_at)
    .bind(closes_at)
    .execute(&mut **tx)
    .await?;
    super::seating::follow_window(tx, campaign_id, region_id, opens_at, closes_at, now).await?;
    Ok(before)
}

/// Campaigns whose teacher registration is open at `now`.
pub async fn open_for_teachers(db: &Db, now: i64) -> Result<Vec<OpenCampaign>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String, i64, i64, i64, i64)>(
        "SELECT id, title, teacher_reg_closes, rural_only, grade_min, grade_max FROM olympiad_campaigns
         WHERE teacher_reg_opens <= $1 AND teacher_reg_closes > $1 ORDER BY teacher_reg_closes, id",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, closes_at, rural_only, grade_min, grade_max)| OpenCampaign {
            id,
            title,
            closes_at,
            rural_only: rural_only == 1,
            grade_min,
            grade_max,
        })
        .collect())
}

/// The SQL condition that a school (profile `p`) is eligible for campaign `$1`.
const ELIGIBLE: &str = "(p.rural = 1 OR (SELECT rural_only FROM olympiad_campaigns WHERE id = $1) = 0)";

/// Eligible schools whose name or code contains `query` (case and spacing ignored), at most 30.
pub async fn eligible_schools(db: &Db, campaign_id: i64, query: &str) -> Result<Vec<SchoolChoice>, AppError> {
    // LIKE's wildcards typed by a person are taken literally by dropping them.
    let needle: String = normal_name(query).chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    let rows = sqlx::query_as::<_, (i64, String, String, String, String)>(&format!(
        "SELECT s.id, p.code, s.name, d.name, COALESCE(r.name, d.name)
         FROM school_profiles p
         JOIN organisations s ON s.id = p.org_id
         JOIN organisations d ON d.id = s.parent_id
         LEFT JOIN organisations r ON r.id = d.parent_id AND d.kind = 'district'
         WHERE {ELIGIBLE} AND p.search_key LIKE $2
         ORDER BY s.name, s.id LIMIT 30"
    ))
    .bind(campaign_id)
    .bind(format!("%{needle}%"))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, parent, region)| {
            // A school directly under its region has no district to show.
            let district = if parent == region { String::new() } else { parent };
            SchoolChoice { id, code, name, district, region }
        })
        .collect())
}

/// Is `school_id` a directory school eligible for the campaign?
pub async fn school_eligible(db: &Db, campaign_id: i64, school_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM school_profiles p WHERE p.org_id = $2 AND {ELIGIBLE}"))
        .bind(campaign_id)
        .bind(school_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n == 1)
}

/// The account holding an IIN: (user id, active, email, and its registration in the campaign
/// with whether that was confirmed).
pub struct IinHolder {
    pub user_id: i64,
    pub active: bool,
    pub email: Option<String>,
    pub locale: String,
    pub registration: Option<(i64, bool)>,
}

pub async fn iin_holder(db: &Db, iin: &str, campaign_id: i64) -> Result<Option<IinHolder>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.active, u.email, u.locale, t.id AS reg_id, t.confirmed_at FROM users u
         LEFT JOIN olympiad_teachers t ON t.user_id = u.id AND t.campaign_id = $2
         WHERE u.iin = $1",
    )
    .bind(iin)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let reg_id: Option<i64> = row.try_get("reg_id")?;
    let confirmed_at: Option<i64> = row.try_get("confirmed_at")?;
    Ok(Some(IinHolder {
        user_id: row.try_get("id")?,
        active: row.try_get::<i64, _>("active")? == 1,
        email: row.try_get("email")?,
        locale: row.try_get("locale")?,
        registration: reg_id.map(|id| (id, confirmed_at.is_some())),
    }))
}

/// A teacher's registration waiting for its code: (registration id, user id, school, campaign).
pub async fn pending_registration(db: &Db, iin: &str) -> Result<Option<(i64, i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "SELECT t.id, u.id, t.school_id, t.campaign_id FROM users u JOIN olympiad_teachers t ON t.user_id = u.id
         WHERE u.iin = $1 AND u.active = 0 AND t.confirmed_at IS NULL ORDER BY t.id DESC LIMIT 1",
    )
    .bind(iin)
    .fetch_optional(&db.pool)
    .await?)
}

/// The password hash of a pupil account before its first password is set: not a valid hash,
/// so nothing verifies against it (and no argon2 run per pupil when a school's list comes in).
pub const NO_PASSWORD_YET: &str = "!";

/// The school a teacher registered from for a campaign (confirmed registrations only), with
/// its languages.
pub async fn teacher_school(db: &Db, user_id: i64, campaign_id: i64) -> Result<Option<(i64, SchoolLanguages)>, AppError> {
    let row = sqlx::query_as::<_, (i64, String)>(
        "SELECT t.school_id, p.languages FROM olympiad_teachers t JOIN school_profiles p ON p.org_id = t.school_id
         WHERE t.user_id = $1 AND t.campaign_id = $2 AND t.confirmed_at IS NOT NULL",
    )
    .bind(user_id)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(school, languages)| SchoolLanguages::from_code(&languages).map(|l| (school, l))))
}

/// Registers a pupil: a new account for their IIN (login = IIN, no password yet), the
/// participant role on the school, and the registration, which remembers that it created the
/// account (only such an account may get a first sign-in code on a card).
///
/// An IIN that already has an account is refused, never linked: the person registering does
/// not own that account, and linking it would let a teacher print a code for someone else's
/// account (another teacher's, whose login is their IIN). A 12-digit login counts as the IIN's
/// account even where the `iin` column is empty (accounts older than it). The message says
/// whether the IIN is already in this campaign or has an account elsewhere.
pub async fn add_participant(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    pupil: &Pupil,
    now: i64,
) -> Result<Result<i64, Msg>, AppError> {
    if let Some(msg) = iin_taken(tx, campaign_id, pupil.iin.as_str()).await? {
        return Ok(Err(msg));
    }
    let locale = if pupil.language == "ru" { "ru" } else { "kk" };
    // A savepoint: on PostgreSQL a registration of the same IIN running at the same moment
    // makes this insert fail with a unique violation after the other commits, and a failed
    // statement spoils the whole transaction; rolled back to here, the IIN is looked up again
    // and answered with its own message instead of a 500. (On SQLite `Db::begin` serialises
    // writers, so the look-up above already sees the other registration.)
    let mut attempt = (&mut *tx).begin().await?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (login, iin, full_name, password_hash, locale, active, created_at)
         VALUES ($1, $1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(pupil.iin.as_str())
    .bind(&pupil.full_name)
    .bind(NO_PASSWORD_YET)
    .bind(locale)
    .bind(now)
    .fetch_one(&mut *attempt)
    .await;
    let user_id: i64 = match inserted {
        Ok(id) => {
            attempt.commit().await?;
            id
        }
        Err(e) if crate::db::is_unique_violation(&e, "login") || crate::db::is_unique_violation(&e, "iin") => {
            attempt.rollback().await?;
            return Ok(Err(iin_taken(tx, campaign_id, pupil.iin.as_str()).await?.unwrap_or(Msg::ErrOlyIinHasAccount)));
        }
        Err(e) => return Err(e.into()),
    };
    enter(tx, campaign_id, school_id, teacher_id, user_id, true, pupil, now).await.map(Ok)
}

/// Enters an account its owner already has (`user_id`) for the campaign: only for flows where
/// the owner acts (signed in) or the installation itself does (the demo data). The
/// registration did not create the account, so no card will carry a code for it.
pub async fn add_owned_participant(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    user_id: i64,
    pupil: &Pupil,
    now: i64,
) -> Result<i64, AppError> {
    enter(tx, campaign_id, school_id, teacher_id, user_id, false, pupil, now).await
}

#[allow(clippy::too_many_arguments)]
async fn enter(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    user_id: i64,
    created_account: bool,
    pupil: &Pupil,
    now: i64,
) -> Result<i64, AppError> {
    crate::auth::store::grant(tx, user_id, crate::auth::model::Role::OlympiadParticipant, school_id).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at, created_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(campaign_id)
    .bind(user_id)
    .bind(school_id)
    .bind(teacher_id)
    .bind(pupil.grade)
    .bind(pupil.language)
    .bind(now)
    .bind(i64::from(created_account))
    .fetch_one(&mut **tx)
    .await?;
    super::seating::seat_if_prepared(tx, campaign_id, id, now).await?;
    Ok(id)
}

/// Why an IIN cannot be registered in the campaign: already registered in it, or it has an
/// account (by `iin`, or a login equal to it) that this registration did not create.
async fn iin_taken(tx: &mut Transaction<'_, Any>, campaign_id: i64, iin: &str) -> Result<Option<Msg>, AppError> {
    let holder: Option<(i64, i64)> = sqlx::query_as(
        "SELECT u.id, (SELECT COUNT(*) FROM olympiad_participants op WHERE op.campaign_id = $2 AND op.user_id = u.id)
         FROM users u WHERE u.iin = $1 OR u.login = $1 ORDER BY u.id LIMIT 1",
    )
    .bind(iin)
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(holder.map(|(_, registered)| if registered > 0 { Msg::ErrOlyIinInCampaign } else { Msg::ErrOlyIinHasAccount }))
}

/// The whole directory as its file holds it (region, district, school), for the export.
pub async fn directory_rows(db: &Db) -> Result<Vec<super::directory::DirectoryRow>, AppError> {
    let rows = sqlx::query(
        "SELECT COALESCE(rg.name, d.name) AS region, CASE WHEN d.kind = 'district' THEN d.name END AS district,
            p.code, s.name, p.rural, p.languages
         FROM school_profiles p JOIN organisations s ON s.id = p.org_id
         JOIN organisations d ON d.id = s.parent_id
         LEFT JOIN organisations rg ON rg.id = d.parent_id AND d.kind = 'district'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(super::directory::DirectoryRow {
                row: 0,
                region: r.try_get("region")?,
                district: r.try_get("district")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                rural: r.try_get::<i64, _>("rural")? == 1,
                languages: SchoolLanguages::from_code(&r.try_get::<String, _>("languages")?).ok_or(AppError::Internal)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // Sorted here: the backends collate Cyrillic differently.
    out.sort_by(|a, b| (&a.region, &a.district, &a.name).cmp(&(&b.region, &b.district, &b.name)));
    Ok(out)
}

/// The teacher registration's code, made on first use (a unique index guards clashes; one
/// is retried).
pub async fn join_code(db: &Db, registration_id: i64) -> Result<String, AppError> {
    for _ in 0..3 {
        let current: Option<String> =
            sqlx::query_scalar("SELECT join_code FROM olympiad_teachers WHERE id = $1").bind(registration_id).fetch_one(&db.pool).await?;
        if let Some(code) = current {
            return Ok(code);
        }
        let code = super::certificates::random_code(super::model::JOIN_CODE_LEN);
        let _ = sqlx::query("UPDATE olympiad_teachers SET join_code = $1 WHERE id = $2 AND join_code IS NULL")
            .bind(&code)
            .bind(registration_id)
            .execute(&db.pool)
            .await;
    }
    Err(AppError::Internal)
}

/// The campaigns the caller registered for as a teacher (confirmed), with their pupils.
pub async fn teacher_campaigns(db: &Db, user_id: i64) -> Result<Vec<TeacherCampaign>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String, i64, String, String, i64, i64, i64, i64, i64)>(
        "SELECT c.id, c.title, t.school_id, s.name, p.languages, c.grade_min, c.grade_max, c.participant_reg_opens, c.participant_reg_closes, t.id
         FROM olympiad_teachers t
         JOIN olympiad_campaigns c ON c.id = t.campaign_id
         JOIN organisations s ON s.id = t.school_id
         JOIN school_profiles p ON p.org_id = t.school_id
         WHERE t.user_id = $1 AND t.confirmed_at IS NOT NULL ORDER BY c.participant_reg_opens DESC, c.id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (campaign_id, title, school_id, school, languages, grade_min, grade_max, opens_at, closes_at, registration) in rows {
        let join_code = join_code(db, registration).await?;
        let open = |purpose: &str| {
            format!(
                "(SELECT COUNT(*) FROM personal_data_consents c WHERE c.user_id = op.user_id AND c.purpose = '{purpose}' AND c.withdrawn_at IS NULL)"
            )
        };
        let participants = sqlx::query_as::<_, (i64, i64, String, String, i64, String, i64, i64)>(&format!(
            "SELECT op.id, op.user_id, u.iin, u.full_name, op.grade, op.language, {}, {} FROM olympiad_participants op JOIN users u ON u.id = op.user_id
             WHERE op.campaign_id = $1 AND op.school_id = $2 ORDER BY op.grade, u.full_name, op.id",
            open("olympiad"),
            open("proctoring")
        ))
        .bind(campaign_id)
        .bind(school_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, user_id, iin, full_name, grade, language, olympiad, proctoring)| ParticipantRow {
            id,
            user_id,
            iin,
            full_name,
            grade,
            language,
            olympiad_consent: olympiad > 0,
            proctoring_consent: proctoring > 0,
        })
        .collect();
        out.push(TeacherCampaign {
            campaign_id,
            title,
            school_id,
            school,
            school_languages: SchoolLanguages::from_code(&languages).ok_or(AppError::Internal)?,
            grade_min,
            grade_max,
            opens_at,
            closes_at,
            join_code,
            participants,
        });
    }
    Ok(out)
}

/// A pupil whose registration card is printed.
pub struct CardPupil {
    pub participant_id: i64,
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub grade: i64,
    pub language: String,
    /// The registration created the account and nobody has signed into it yet (it has never
    /// had a password): only then does the card carry a first sign-in code.
    pub first_sign_in: bool,
}

/// The school's pupils in a campaign (or the one registration asked for), in list order.
pub async fn card_pupils(db: &Db, campaign_id: i64, school_id: i64, participant_id: Option<i64>) -> Result<Vec<CardPupil>, AppError> {
    let rows = sqlx::query(
        "SELECT op.id, u.id AS user_id, COALESCE(u.iin, u.login) AS iin, u.full_name, op.grade, op.language, op.created_account, u.password_hash
         FROM olympiad_participants op JOIN users u ON u.id = op.user_id
         WHERE op.campaign_id = $1 AND op.school_id = $2 AND ($3 = 0 OR op.id = $3) ORDER BY op.grade, u.full_name, op.id",
    )
    .bind(campaign_id)
    .bind(school_id)
    .bind(participant_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| -> Result<CardPupil, AppError> {
            Ok(CardPupil {
                participant_id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                iin: r.try_get("iin")?,
                full_name: r.try_get("full_name")?,
                grade: r.try_get("grade")?,
                language: r.try_get("language")?,
                first_sign_in: r.try_get::<i64, _>("created_account")? == 1 && r.try_get::<String, _>("password_hash")? == NO_PASSWORD_YET,
            })
        })
        .collect()
}

/// The account a card's first sign-in code is for: active, made by a pupil's registration,
/// never given a password. `None` for any other login (the code is then refused).
pub async fn first_sign_in_account(tx: &mut Transaction<'_, Any>, login: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE u.login = $1 AND u.active = 1 AND u.password_hash = $2
           AND EXISTS (SELECT 1 FROM olympiad_participants op WHERE op.user_id = u.id AND op.created_account = 1)",
    )
    .bind(login)
    .bind(NO_PASSWORD_YET)
    .fetch_optional(&mut **tx)
    .await?)
}
