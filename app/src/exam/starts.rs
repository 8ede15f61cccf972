//! The start wave's writer: attempts started at the same moment are written together
//! (`db::batch`, group commit). When an exam or an olympiad stage opens, its candidates press
//! "Start" within seconds of each other; each start waits for its batch to commit, as it waited
//! for its own transaction before.

use crate::db::batch::{values_list, Batcher};
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

/// A start the server has decided to make: the attempt's row as `store::start` computed it.
pub(crate) struct NewAttempt {
    pub exam_id: i64,
    pub student_id: i64,
    pub started_at: i64,
    pub deadline_at: i64,
    /// The drawn paper, as stored (JSON).
    pub questions: String,
    pub ticket_id: Option<i64>,
    pub proctored: bool,
    pub paper_key: String,
    pub capture: &'static str,
    /// For the audit line.
    pub ip: String,
    pub group_id: i64,
}

/// 256 rows of 10 values, well under SQLite's 32 766 bound parameters.
static STARTS: Batcher<NewAttempt, i64> = Batcher::new("exam starts", 256, |db, rows| Box::pin(write(db, rows)));

/// Writes the attempt, or finds the one this candidate already has (a second tab, a retry whose
/// first try landed), and returns its id once the transaction that holds it has committed.
pub(crate) async fn insert(db: &Db, attempt: NewAttempt) -> Result<i64, AppError> {
    STARTS.write(db, attempt).await
}

/// Writes the attempts in one transaction and returns their ids in order: one multi-row insert
/// (a candidate who already has an attempt keeps it), the ids of those that existed, one
/// multi-row audit insert for the new ones.
async fn write(db: &Db, rows: &[NewAttempt]) -> Result<Vec<i64>, AppError> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, questions, ticket_id, proctored, paper_key, capture, last_seen_at)
         VALUES {} ON CONFLICT (exam_id, student_id) DO NOTHING RETURNING id, exam_id, student_id",
        values_list(rows.len(), 10)
    );
    let mut q = sqlx::query(&sql);
    for a in rows {
        q = q
            .bind(a.exam_id)
            .bind(a.student_id)
            .bind(a.started_at)
            .bind(a.deadline_at)
            .bind(&a.questions)
            .bind(a.ticket_id)
            .bind(i64::from(a.proctored))
            .bind(&a.paper_key)
            .bind(a.capture)
            .bind(a.started_at); // the first "last seen"
    }
    let mut new_ids = std::collections::HashMap::new();
    for r in q.fetch_all(&mut *tx).await? {
        new_ids.insert((r.try_get::<i64, _>("exam_id")?, r.try_get::<i64, _>("student_id")?), r.try_get::<i64, _>("id")?);
    }
    // A candidate twice in this batch (two tabs) was inserted once and is in `new_ids` for
    // both. One who had an attempt already (a tab that started earlier, a retry whose first try
    // landed) keeps it: read one by one, as it is rare.
    let mut ids = Vec::with_capacity(rows.len());
    let mut audited = std::collections::HashSet::new();
    let mut audit = Vec::new();
    for a in rows {
        let key = (a.exam_id, a.student_id);
        match new_ids.get(&key) {
            Some(&id) => {
                if audited.insert(id) {
                    audit.push((id, a));
                }
                ids.push(id);
            }
            None => {
                let id: i64 = sqlx::query_scalar("SELECT id FROM exam_attempts WHERE exam_id = $1 AND student_id = $2")
                    .bind(a.exam_id)
                    .bind(a.student_id)
                    .fetch_one(&mut *tx)
                    .await?;
                ids.push(id);
            }
        }
    }
    if !audit.is_empty() {
        let entries: Vec<crate::audit::store::Entry> = audit
            .iter()
            .map(|(id, a)| crate::audit::store::Entry {
                actor_id: Some(a.student_id),
                ip: &a.ip,
                action: "exam.attempt.start",
                entity: "exam_attempt",
                entity_id: id.to_string(),
                org_id: Some(a.group_id),
                before: None,
                after: Some(serde_json::json!({ "exam": a.exam_id, "deadline": a.deadline_at, "capture": a.capture })),
            })
            .collect();
        crate::audit::store::record_many(&mut tx, entries).await?;
    }
    tx.commit().await?;
    Ok(ids)
}
