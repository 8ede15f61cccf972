//! The personal-data access log (issue 21; Kazakhstan's law 94-V): who looked at whose
//! proctoring images (faces: biometric data) or IIN, and when. Written to the audit log as
//! `personal_data.view` rows whose object is the person seen, so whoever holds `audit.read` (the
//! data controller) reads them on the audit page, filtered to one person ("user" and their id)
//! or one viewer. A reviewer opening a timeline loads dozens of one person's images: one row per
//! viewer, person and kind of data an hour (on each node) says who saw whose data and when,
//! without a row per thumbnail.

use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;

/// The action of the rows, for the audit page's filter.
pub const ACTION: &str = "personal_data.view";

/// What was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Webcam snapshots and screenshots of an attempt (the image route and the attempt's PDF).
    ProctorImages,
    /// A person's IIN, with their name: the olympiad operator's search of a campaign's people.
    Iin,
    /// Every participant's IIN in a campaign's results file (one row for the file, whose
    /// object is the campaign: the file holds thousands of people).
    IinExport,
}

impl Seen {
    fn code(self) -> &'static str {
        match self {
            Seen::ProctorImages => "proctor_images",
            Seen::Iin => "iin",
            Seen::IinExport => "iin_export",
        }
    }
}

/// Viewer, person and kind logged in the last hour on this node (a hash of the three).
static LOGGED: std::sync::LazyLock<crate::db::Recent<()>> =
    std::sync::LazyLock::new(|| crate::db::Recent::new(std::time::Duration::from_secs(3600), 100_000));

/// One row of the access log.
fn row<'a>(
    viewer: &'a Caller,
    entity: &'a str,
    entity_id: String,
    org_id: Option<i64>,
    after: serde_json::Value,
) -> super::store::Entry<'a> {
    super::store::Entry {
        actor_id: Some(viewer.user_id),
        ip: &viewer.ip,
        action: ACTION,
        entity,
        entity_id,
        org_id,
        before: None,
        after: Some(after),
    }
}

fn logged_key(viewer: i64, subject: i64, seen: Seen) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (viewer, subject, seen.code()).hash(&mut h);
    h.finish() as i64
}

/// Logs that `viewer` saw the data of each of `subjects` (a list on one page: a search's
/// results), one row per person not logged in the last hour on this node, in one statement.
pub async fn record_many(db: &Db, viewer: &Caller, subjects: &[i64], seen: Seen, org_id: Option<i64>) -> Result<(), AppError> {
    let mut fresh: Vec<i64> =
        subjects.iter().copied().filter(|s| LOGGED.peek(db, logged_key(viewer.user_id, *s, seen)).is_none()).collect();
    fresh.sort_unstable();
    fresh.dedup();
    if fresh.is_empty() {
        return Ok(());
    }
    let after = serde_json::json!({ "seen": seen.code() });
    let entries = fresh.iter().map(|s| row(viewer, "user", s.to_string(), org_id, after.clone())).collect();
    let mut tx = db.begin().await?;
    super::store::record_many(&mut tx, entries).await?;
    tx.commit().await?;
    for s in fresh {
        LOGGED.put(db, logged_key(viewer.user_id, s, seen), ());
    }
    Ok(())
}

/// Logs that `viewer` took a file of many people's data (`seen`) about `entity` (a campaign),
/// every time: a file leaves the system, a page view does not.
pub async fn record_file(db: &Db, viewer: &Caller, seen: Seen, entity: &str, entity_id: i64, people: usize) -> Result<(), AppError> {
    let after = serde_json::json!({ "seen": seen.code(), "people": people });
    let mut tx = db.begin().await?;
    super::store::record(&mut tx, row(viewer, entity, entity_id.to_string(), None, after)).await?;
    tx.commit().await?;
    Ok(())
}

/// Logs that `viewer` saw `subject`'s data, once an hour per node. `org_id` is the organisation
/// the person was seen through (an exam's group), which decides whose audit readers see the row;
/// `detail` says where (an attempt). An error refuses the view: what cannot be logged is not shown.
pub async fn record(
    db: &Db,
    viewer: &Caller,
    subject_id: i64,
    seen: Seen,
    org_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let key = logged_key(viewer.user_id, subject_id, seen);
    if LOGGED.peek(db, key).is_some() {
        return Ok(());
    }
    let mut after = serde_json::json!({ "seen": seen.code() });
    if let (Some(a), serde_json::Value::Object(d)) = (after.as_object_mut(), detail) {
        a.extend(d);
    }
    let mut tx = db.begin().await?;
    super::store::record(&mut tx, row(viewer, "user", subject_id.to_string(), org_id, after)).await?;
    tx.commit().await?;
    LOGGED.put(db, key, ());
    Ok(())
}
