//! Rate limits and sign-in turns: counters shared by all app nodes, one database row each.
//! Public server functions (sign-in, registration, resets, the olympiad's public forms) call
//! these before anything else; signed-in ones after checking the caller.

use crate::api::now_ms;
use crate::db::Db;
use crate::error::AppError;

/// Counts one hit in a fixed window shared by all app nodes (the counter is a database row);
/// returns false once the bucket is over `limit` within `window_ms`.
pub async fn rate_limit(db: &Db, bucket: &str, limit: i64, window_ms: i64) -> Result<bool, AppError> {
    let now = now_ms();
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(bucket)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok(hits <= limit)
}

/// The wait owed after `beyond` failures past the free ones: `first_wait_ms`, doubling with
/// each further failure, never more than `max_wait_ms`.
pub fn login_wait(beyond: i64, first_wait_ms: i64, max_wait_ms: i64) -> i64 {
    first_wait_ms.saturating_mul(1i64 << beyond.clamp(0, 40)).min(max_wait_ms)
}

/// Takes a turn at signing in to one account from one address. The first `free` attempts in a
/// row pass at once; after that each waits `login_wait` since the previous one, so a guesser
/// slows down exponentially while the account's owner, from their own address, is never
/// locked out by somebody else's guesses. Attempts are forgotten after `memory_ms` of quiet.
/// The attempt is counted before the password is checked, in one statement, so that parallel
/// guesses cannot all slip through one free turn; a successful sign-in clears the bucket.
/// False: the wait is not over yet.
pub async fn take_login_turn(
    db: &Db,
    bucket: &str,
    free: i64,
    first_wait_ms: i64,
    max_wait_ms: i64,
    memory_ms: i64,
) -> Result<bool, AppError> {
    let now = now_ms();
    // The waits spelled out per count of attempts, up to the cap (SQL has no portable power).
    let mut waits = String::from("CASE");
    let mut n = free;
    loop {
        let w = login_wait(n - free, first_wait_ms, max_wait_ms);
        waits.push_str(&format!(" WHEN rate_limits.hits = {n} THEN {w}"));
        if w >= max_wait_ms {
            break;
        }
        n += 1;
    }
    waits.push_str(&format!(" ELSE {max_wait_ms} END"));
    let sql = format!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = $2
         WHERE rate_limits.window_start <= $3 OR rate_limits.hits < $4 OR rate_limits.window_start + ({waits}) <= $2
         RETURNING hits"
    );
    let hits: Option<i64> =
        sqlx::query_scalar(&sql).bind(bucket).bind(now).bind(now - memory_ms).bind(free).fetch_optional(&db.pool).await?;
    Ok(hits.is_some())
}

/// Takes back one hit of `bucket` (an attempt that turned out legitimate).
pub async fn forgive_hit(db: &Db, bucket: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND hits > 0").bind(bucket).execute(&db.pool).await?;
    Ok(())
}

pub async fn clear_rate_limit(db: &Db, bucket: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE bucket = $1").bind(bucket).execute(&db.pool).await?;
    Ok(())
}
