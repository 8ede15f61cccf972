//! `talap export --to DIR`: the installation's data in open formats, for the organisation that
//! owns it (seed 000 asks for a full export; PLT-6): one CSV file per table (UTF-8, a header
//! row, RFC 4180 quoting), a README that lists every table's columns with their types and what
//! they refer to, and the media files under their keys. Taken from one snapshot, like a backup.

use super::tables::{self, Error, Kind, Table};
use app::db::Db;
use app::media::MediaStore;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub tables: usize,
    pub rows: u64,
    pub objects: u64,
}

/// Writes the export into `dir`, which must be empty or not exist yet.
pub async fn export(db: &Db, media: &MediaStore, dir: &Path) -> Result<Exported, Error> {
    new_folder(dir)?;
    let tables_dir = dir.join("tables");
    std::fs::create_dir_all(&tables_dir).map_err(|e| format!("{}: {e}", tables_dir.display()))?;
    let mut tx = tables::snapshot(db).await?;
    let schema = tables::schema(&mut tx, db.backend).await?;
    let mut counts = Vec::new();
    let mut total = 0u64;
    for table in &schema {
        let path = tables_dir.join(format!("{}.csv", table.name));
        let mut out = csv::Writer::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.write_record(table.columns.iter().map(|c| c.name.as_str())).map_err(|e| e.to_string())?;
        let n =
            tables::read_rows(&mut tx, table, |row| out.write_record(row.iter().map(cell)).map_err(|e| format!("{}: {e}", path.display())))
                .await?;
        out.flush().map_err(|e| format!("{}: {e}", path.display()))?;
        counts.push(n);
        total += n;
    }
    tx.rollback().await.map_err(|e| e.to_string())?;

    let media_dir = dir.join("media");
    let objects = media
        .list()
        .map(|item| {
            let (media, media_dir) = (media.clone(), media_dir.clone());
            async move {
                let (key, _) = item.map_err(|_| format!("listing the media store {}", media.describe))?;
                Ok::<u64, Error>(u64::from(copy_object(&media, &media_dir, &key).await?))
            }
        })
        .buffer_unordered(super::MEDIA_PARALLEL)
        .try_fold(0u64, |n, one| async move { Ok::<u64, Error>(n + one) })
        .await?;

    let readme = readme(&schema, &counts, objects);
    std::fs::write(dir.join("README.md"), readme).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Exported { tables: schema.len(), rows: total, objects })
}

/// What one person's export holds (a data subject's request under law 94-V, article 24): each
/// table with rows about the person, and which of them. Rows reached through the person's exam
/// attempts, olympiad registrations and applications come with them; rows other people made
/// about other people (a teacher's journals, a campaign's directory) do not, and neither do
/// their sessions and one-time codes (secrets, not information about them). `$1` is the
/// person's id, `$2` the same id as text.
pub const PERSON: &[(&str, &str)] = &[
    ("users", "id = $1"),
    ("role_assignments", "user_id = $1"),
    ("personal_data_consents", "user_id = $1"),
    ("proctor_device_checks", "user_id = $1"),
    ("inbox_messages", "user_id = $1"),
    ("outbox", "user_id = $1"),
    ("notification_preferences", "user_id = $1"),
    ("notification_events", "user_id = $1"),
    ("journal_cells", "student_id = $1"),
    ("mark_history", "student_id = $1"),
    ("submissions", "student_id = $1"),
    ("certificates", "student_id = $1"),
    ("student_movements", "student_id = $1"),
    ("service_applications", "applicant_id = $1"),
    ("service_application_files", "application_id IN (SELECT id FROM service_applications WHERE applicant_id = $1)"),
    ("exam_seats", "student_id = $1"),
    ("exam_accommodations", "student_id = $1"),
    ("exam_attempts", "student_id = $1"),
    ("exam_answers", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("exam_files", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("proctor_evidence", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("proctor_events", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("proctor_violations", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("proctor_appeals", "attempt_id IN (SELECT id FROM exam_attempts WHERE student_id = $1)"),
    ("olympiad_teachers", "user_id = $1"),
    ("olympiad_participants", "user_id = $1"),
    ("olympiad_results", "participant_id IN (SELECT id FROM olympiad_participants WHERE user_id = $1)"),
    ("olympiad_certificates", "participant_id IN (SELECT id FROM olympiad_participants WHERE user_id = $1)"),
    ("olympiad_applications", "participant_id IN (SELECT id FROM olympiad_participants WHERE user_id = $1)"),
    (
        "olympiad_application_choices",
        "application_id IN (SELECT a.id FROM olympiad_applications a JOIN olympiad_participants p ON p.id = a.participant_id WHERE p.user_id = $1)",
    ),
    (
        "olympiad_application_files",
        "application_id IN (SELECT a.id FROM olympiad_applications a JOIN olympiad_participants p ON p.id = a.participant_id WHERE p.user_id = $1)",
    ),
    ("admission_applications", "user_id = $1"),
    ("admission_choices", "application_id IN (SELECT id FROM admission_applications WHERE user_id = $1)"),
    ("admission_list_rows", "application_id IN (SELECT id FROM admission_applications WHERE user_id = $1)"),
    // What was done about them, and what they did (with the addresses they did it from).
    ("audit_log", "(entity = 'user' AND entity_id = $2) OR actor_id = $1"),
];

/// Tables that refer to an account but are not about the person: secrets (sessions, one-time
/// codes) and the organisation's work that a person made (a teacher's journals, question banks
/// and exams, an operator's campaigns and stages). A test keeps every table that refers to
/// `users` in one list or the other.
pub const NOT_ABOUT_THE_PERSON: &[&str] =
    &["sessions", "verification_codes", "journals", "exam_questions", "exams", "olympiad_campaigns", "olympiad_stages"];

/// Columns never exported, even to their owner: a secret that would let whoever holds the file
/// sign in as the person.
const WITHHELD: &[(&str, &str)] = &[("users", "password_hash")];

/// Columns that hold a media key: the object goes into the export with its row.
const MEDIA_COLUMNS: &[&str] = &["media_key", "file_media", "document_key"];

/// Writes everything about one person (`who`: a login or an account id) into `dir`, which must
/// be empty or not exist yet: their rows as CSV per table, a README, and their media files.
pub async fn export_person(db: &Db, media: &MediaStore, dir: &Path, who: &str) -> Result<Exported, Error> {
    let by_login: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(who).fetch_optional(&db.pool).await.map_err(|e| e.to_string())?;
    let user_id = match (by_login, who.parse::<i64>()) {
        (Some(id), _) => id,
        (None, Ok(id)) => sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await
            .map_err(|e| e.to_string())?
            .ok_or(format!("no account {who}"))?,
        (None, Err(_)) => return Err(format!("no account with the login {who}")),
    };
    let selection: Vec<(&str, String)> = PERSON.iter().map(|(t, c)| (*t, c.to_string())).collect();
    let heading = format!(
        "# Talap data export of one person (account {user_id})\n\nThe rows about this person and what they did; their password's hash is left out.\n"
    );
    export_selection(db, media, dir, &selection, user_id, &heading).await
}

/// What one organisation's export holds: its subtree of organisations and, for every table with
/// rows of the organisation, which. `{S}` is the subtree's ids, `{U}` its people (a role in it,
/// or registered for the olympiad from one of its schools), `{J}` its journals, `{E}` their
/// exams, `{A}` those exams' attempts, `{P}` its schools' olympiad participants.
const ORGANISATION: &[(&str, &str)] = &[
    ("organisations", "id IN {S}"),
    ("users", "id IN {U}"),
    ("role_assignments", "org_id IN {S}"),
    ("personal_data_consents", "user_id IN {U}"),
    ("proctor_device_checks", "user_id IN {U}"),
    ("inbox_messages", "user_id IN {U}"),
    ("outbox", "user_id IN {U}"),
    ("notification_preferences", "user_id IN {U}"),
    ("notification_events", "user_id IN {U}"),
    ("study_groups", "group_id IN {S}"),
    ("school_profiles", "org_id IN {S}"),
    ("journals", "group_id IN {S}"),
    ("ktp_topics", "journal_id IN {J}"),
    ("lessons", "journal_id IN {J}"),
    ("journal_cells", "lesson_id IN (SELECT id FROM lessons WHERE journal_id IN {J})"),
    ("mark_history", "journal_id IN {J}"),
    ("assignments", "journal_id IN {J}"),
    ("submissions", "assignment_id IN (SELECT id FROM assignments WHERE journal_id IN {J})"),
    ("certificates", "group_id IN {S}"),
    ("student_movements", "student_id IN {U}"),
    ("service_applications", "college_id IN {S}"),
    ("service_application_files", "application_id IN (SELECT id FROM service_applications WHERE college_id IN {S})"),
    ("exam_questions", "owner_id IN {U}"),
    ("exams", "id IN {E}"),
    ("exam_tickets", "exam_id IN {E}"),
    ("exam_sittings", "exam_id IN {E}"),
    ("exam_seats", "sitting_id IN (SELECT id FROM exam_sittings WHERE exam_id IN {E})"),
    ("exam_accommodations", "exam_id IN {E}"),
    ("exam_attempts", "id IN {A}"),
    ("exam_answers", "attempt_id IN {A}"),
    ("exam_files", "attempt_id IN {A}"),
    ("proctor_evidence", "attempt_id IN {A}"),
    ("proctor_events", "attempt_id IN {A}"),
    ("proctor_violations", "attempt_id IN {A}"),
    ("proctor_appeals", "attempt_id IN {A}"),
    ("proctor_purges", "exam_id IN {E}"),
    ("olympiad_teachers", "school_id IN {S}"),
    ("olympiad_participants", "id IN {P}"),
    ("olympiad_results", "participant_id IN {P}"),
    ("olympiad_certificates", "participant_id IN {P}"),
    ("olympiad_applications", "participant_id IN {P}"),
    ("olympiad_application_choices", "application_id IN (SELECT id FROM olympiad_applications WHERE participant_id IN {P})"),
    ("olympiad_application_files", "application_id IN (SELECT id FROM olympiad_applications WHERE participant_id IN {P})"),
    ("olympiad_specialised_schools", "school_id IN {S}"),
    ("olympiad_stage_windows", "region_id IN {S}"),
    ("admission_campaigns", "college_id IN {S}"),
    ("admission_offers", "campaign_id IN (SELECT id FROM admission_campaigns WHERE college_id IN {S})"),
    ("admission_applications", "campaign_id IN (SELECT id FROM admission_campaigns WHERE college_id IN {S})"),
    (
        "admission_choices",
        "application_id IN (SELECT a.id FROM admission_applications a JOIN admission_campaigns c ON c.id = a.campaign_id WHERE c.college_id IN {S})",
    ),
    (
        "admission_list_rows",
        "application_id IN (SELECT a.id FROM admission_applications a JOIN admission_campaigns c ON c.id = a.campaign_id WHERE c.college_id IN {S})",
    ),
    ("audit_log", "org_id IN {S}"),
];

/// Tables an organisation's export leaves out: definitions shared by every organisation (roles),
/// secrets and counters that expire (sessions, one-time codes, rate limits), the national
/// olympiad's own campaign data (its operator exports the installation), and the installation's
/// backup log. A test keeps every table in one list or the other.
pub const NOT_OF_THE_ORGANISATION: &[&str] = &[
    "roles",
    "role_permissions",
    "sessions",
    "verification_codes",
    "rate_limits",
    "olympiad_campaigns",
    "olympiad_subjects",
    "olympiad_winner_rules",
    "olympiad_stages",
    "olympiad_stage_exams",
    "backup_runs",
];

/// The tables of an organisation's export, in order (for the test that keeps the lists whole).
pub fn organisation_tables() -> impl Iterator<Item = &'static str> {
    ORGANISATION.iter().map(|(t, _)| *t)
}

/// Writes one organisation's data (`org_id` and everything under it) into `dir`, which must be
/// empty or not exist yet: CSV per table, a README, and the media files its rows name.
pub async fn export_organisation(db: &Db, media: &MediaStore, dir: &Path, org_id: i64) -> Result<Exported, Error> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    let name = name.ok_or(format!("no organisation {org_id}"))?;
    let s = "(WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE id = $1 \
             UNION ALL SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub)";
    let u = format!(
        "(SELECT user_id FROM role_assignments WHERE org_id IN {s} UNION SELECT user_id FROM olympiad_participants WHERE school_id IN {s} \
          UNION SELECT user_id FROM olympiad_teachers WHERE school_id IN {s})"
    );
    let j = format!("(SELECT id FROM journals WHERE group_id IN {s})");
    let e = format!("(SELECT id FROM exams WHERE journal_id IN {j})");
    let a = format!("(SELECT id FROM exam_attempts WHERE exam_id IN {e})");
    let p = format!("(SELECT id FROM olympiad_participants WHERE school_id IN {s})");
    let selection: Vec<(&str, String)> = ORGANISATION
        .iter()
        .map(|(t, c)| {
            (*t, c.replace("{S}", s).replace("{U}", &u).replace("{J}", &j).replace("{E}", &e).replace("{A}", &a).replace("{P}", &p))
        })
        .collect();
    let heading = format!(
        "# Talap data export of one organisation ({name}, id {org_id}, with everything under it)\n\n\
         Its people's accounts are in `users` without their passwords' hashes.\n"
    );
    export_selection(db, media, dir, &selection, org_id, &heading).await
}

/// Writes the rows `selection` chooses (table, condition on `$1` = `param`) as CSV per table
/// from one snapshot, a README under `heading`, and the media files the rows name.
async fn export_selection(
    db: &Db,
    media: &MediaStore,
    dir: &Path,
    selection: &[(&str, String)],
    param: i64,
    heading: &str,
) -> Result<Exported, Error> {
    new_folder(dir)?;
    let mut tx = tables::snapshot(db).await?;
    let tables_dir = dir.join("tables");
    std::fs::create_dir_all(&tables_dir).map_err(|e| format!("{}: {e}", tables_dir.display()))?;
    let schema = tables::schema(&mut tx, db.backend).await?;
    let (mut written, mut counts, mut keys) = (Vec::new(), Vec::new(), Vec::new());
    let mut total = 0u64;
    for (name, condition) in selection {
        let mut table = schema.iter().find(|t| t.name == *name).ok_or(format!("the database has no table {name}"))?.clone();
        table.columns.retain(|c| !WITHHELD.contains(&(*name, c.name.as_str())));
        let media_at: Vec<usize> =
            table.columns.iter().enumerate().filter(|(_, c)| MEDIA_COLUMNS.contains(&c.name.as_str())).map(|(i, _)| i).collect();
        let path = tables_dir.join(format!("{name}.csv"));
        let mut out = csv::Writer::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.write_record(table.columns.iter().map(|c| c.name.as_str())).map_err(|e| e.to_string())?;
        let filter = tables::RowFilter { condition, param };
        let n = tables::read_rows_where(&mut tx, &table, Some(filter), |row| {
            keys.extend(media_at.iter().filter_map(|i| row[*i].as_str().map(str::to_string)));
            out.write_record(row.iter().map(cell)).map_err(|e| format!("{}: {e}", path.display()))
        })
        .await?;
        out.flush().map_err(|e| format!("{}: {e}", path.display()))?;
        total += n;
        counts.push(n);
        written.push(table);
    }
    tx.rollback().await.map_err(|e| e.to_string())?;
    let media_dir = dir.join("media");
    let mut objects = 0;
    for key in keys {
        objects += u64::from(copy_object(media, &media_dir, &key).await?);
    }
    let text = readme(&written, &counts, objects).replacen("# Talap data export\n", heading, 1);
    std::fs::write(dir.join("README.md"), text).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Exported { tables: written.len(), rows: total, objects })
}

/// Refuses a folder that holds anything: an export is never mixed with other files.
fn new_folder(dir: &Path) -> Result<(), Error> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.next().is_some() {
        return Err(format!("{} is not empty: export into a new folder", dir.display()));
    }
    Ok(())
}

/// Copies one media object to `media_dir/key`; false when it is gone (purged at the end of its
/// retention since it was listed or named: its row says when).
async fn copy_object(media: &MediaStore, media_dir: &Path, key: &str) -> Result<bool, Error> {
    match media.get(key).await {
        Ok(bytes) => {
            // Keys are built by Talap ("proctor/7/webcam/...jpg"), segments checked.
            let path = media_dir.join(key);
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            tokio::fs::write(&path, bytes).await.map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(true)
        }
        Err(app::error::AppError::NotFound) => Ok(false),
        Err(_) => Err(format!("reading {key} from {}", media.describe)),
    }
}

/// A CSV cell: empty for NULL (the README says so), numbers as written, text as it is.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn readme(schema: &[Table], rows: &[u64], objects: u64) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Talap data export\n");
    let _ = writeln!(
        s,
        "Every table of the database as a CSV file in `tables/` (UTF-8, comma-separated, a header row, \
         fields quoted as RFC 4180 says), read from one snapshot. An empty field is NULL. Times are \
         milliseconds since 1970-01-01 UTC; flags are 0 or 1; an `id` column is the row's number, and a \
         column that refers to another table holds that table's `id`.\n"
    );
    let _ = writeln!(s, "Media files (proctoring images, uploaded answers and documents): {objects}, in `media/` under the keys the tables name (`media_key` and similar columns).\n");
    let _ = writeln!(s, "## Tables\n");
    for (t, n) in schema.iter().zip(rows) {
        let _ = writeln!(s, "### {} ({n} rows)\n", t.name);
        let _ = writeln!(s, "| column | type | refers to |\n|---|---|---|");
        for c in &t.columns {
            let kind = match c.kind {
                Kind::Integer => "integer",
                Kind::Double => "number",
                Kind::Text => "text",
            };
            let refers: Vec<&str> = t.references.iter().filter(|(col, _)| *col == c.name).map(|(_, r)| r.as_str()).collect();
            let key = if t.key.contains(&c.name) { " (key)" } else { "" };
            let _ = writeln!(s, "| {}{key} | {kind} | {} |", c.name, refers.join(", "));
        }
        let _ = writeln!(s);
    }
    s
}
