//! The school directory's SQL: organisations plus their `school_profiles`, written by the
//! import and read back for the export and the operator's counts.

use super::file::{DirectoryRow, RowError};
use crate::admin::model::ROOT_ORG_ID;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::{normal_name, Msg};
use crate::olympiad::model::*;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// What school search compares: name and code, lower-cased by Rust (see the migration).
pub fn search_key(name: &str, code: &str) -> String {
    normal_name(&format!("{name} {code}"))
}

/// The directory's counts as the query names them.
#[derive(sqlx::FromRow)]
struct StoredSummary {
    regions: i64,
    districts: i64,
    schools: i64,
    rural: i64,
}

pub async fn directory_summary(db: &Db) -> Result<DirectorySummary, AppError> {
    let row = sqlx::query_as::<_, StoredSummary>(
        "SELECT (SELECT COUNT(*) FROM organisations WHERE kind = 'region') AS regions,
                (SELECT COUNT(*) FROM organisations WHERE kind = 'district') AS districts,
                (SELECT COUNT(*) FROM school_profiles) AS schools,
                (SELECT COUNT(*) FROM school_profiles WHERE rural = 1) AS rural",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(DirectorySummary { regions: row.regions, districts: row.districts, schools: row.schools, rural_schools: row.rural })
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

/// A school of the directory as stored: its rural flag is 0/1 and its languages a code.
#[derive(sqlx::FromRow)]
struct StoredSchool {
    region: String,
    district: Option<String>,
    code: String,
    name: String,
    rural: i64,
    languages: String,
}

impl StoredSchool {
    /// The row of the file; an unknown languages code is the server's fault.
    fn into_row(self) -> Result<DirectoryRow, AppError> {
        Ok(DirectoryRow {
            row: 0,
            region: self.region,
            district: self.district,
            code: self.code,
            name: self.name,
            rural: self.rural == 1,
            languages: SchoolLanguages::from_code(&self.languages).ok_or(AppError::Internal)?,
        })
    }
}

/// The whole directory as its file holds it (region, district, school), for the export.
pub async fn directory_rows(db: &Db) -> Result<Vec<super::file::DirectoryRow>, AppError> {
    let rows = sqlx::query_as::<_, StoredSchool>(
        "SELECT COALESCE(rg.name, d.name) AS region, CASE WHEN d.kind = 'district' THEN d.name END AS district,
            p.code, s.name, p.rural, p.languages
         FROM school_profiles p JOIN organisations s ON s.id = p.org_id
         JOIN organisations d ON d.id = s.parent_id
         LEFT JOIN organisations rg ON rg.id = d.parent_id AND d.kind = 'district'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = rows.into_iter().map(StoredSchool::into_row).collect::<Result<Vec<_>, AppError>>()?;
    // Sorted here: the backends collate Cyrillic differently.
    out.sort_by(|a, b| (&a.region, &a.district, &a.name).cmp(&(&b.region, &b.district, &b.name)));
    Ok(out)
}
